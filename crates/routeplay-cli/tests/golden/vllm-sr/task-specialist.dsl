# vLLM Semantic Router DSL exported by Routeplay from policy "task-specialist".
# Signals are vLLM-SR's own classifiers: see the report for every approximation.

ROUTE planning_1 {
  PRIORITY 160
  WHEN (domain("planning") OR domain("planning")) AND (domain("brainstorming") OR domain("chat") OR domain("classification") OR domain("code") OR domain("creative_writing") OR domain("extraction") OR domain("planning") OR domain("qa") OR domain("summarization") OR domain("unknown"))
  MODEL "anthropic/claude-opus-5", "openai/gpt-5.5", "google/gemini-3.1-pro-preview"
}

ROUTE planning_2 {
  PRIORITY 159
  WHEN (domain("planning") OR domain("planning")) AND (domain("translation"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-opus-5", "openai/gpt-5.5"
}

ROUTE planning_3 {
  PRIORITY 158
  WHEN (domain("planning") OR domain("planning")) AND (domain("math_reasoning"))
  MODEL "openai/gpt-5.5", "google/gemini-3.1-pro-preview", "anthropic/claude-opus-5"
}

ROUTE math_and_reasoning_1 {
  PRIORITY 150
  WHEN (domain("math_reasoning") OR domain("math_reasoning")) AND (domain("brainstorming") OR domain("chat") OR domain("classification") OR domain("code") OR domain("creative_writing") OR domain("extraction") OR domain("planning") OR domain("qa") OR domain("summarization") OR domain("unknown"))
  MODEL "openai/gpt-5.5", "google/gemini-3.1-pro-preview", "deepseek/deepseek-v4-pro"
}

ROUTE math_and_reasoning_2 {
  PRIORITY 149
  WHEN (domain("math_reasoning") OR domain("math_reasoning")) AND (domain("math_reasoning") OR domain("translation"))
  MODEL "google/gemini-3.1-pro-preview", "openai/gpt-5.5", "deepseek/deepseek-v4-pro"
}

ROUTE code_1 {
  PRIORITY 140
  WHEN (domain("code") OR (keyword("!classified") AND keyword("code_markers"))) AND (domain("brainstorming") OR domain("chat") OR domain("classification") OR domain("code") OR domain("creative_writing") OR domain("extraction") OR domain("planning") OR domain("qa") OR domain("summarization") OR domain("translation") OR domain("unknown"))
  MODEL "anthropic/claude-opus-5", "anthropic/claude-sonnet-5", "openai/gpt-5.4"
}

ROUTE code_2 {
  PRIORITY 139
  WHEN (domain("code") OR (keyword("!classified") AND keyword("code_markers"))) AND (domain("math_reasoning"))
  MODEL "anthropic/claude-opus-5", "deepseek/deepseek-v4-pro", "openai/gpt-5.4"
}

ROUTE translation {
  PRIORITY 130
  WHEN domain("translation")
  MODEL "google/gemini-3.1-pro-preview", "mistral/mistral-large-3"
}

ROUTE light_tasks_1 {
  PRIORITY 120
  WHEN (domain("classification") OR domain("extraction") OR domain("summarization")) AND (domain("extraction") OR domain("summarization"))
  MODEL "groq/gpt-oss-120b", "deepseek/deepseek-v4-flash", "mistral/mistral-large-3"
}

ROUTE light_tasks_2 {
  PRIORITY 119
  WHEN (domain("classification") OR domain("extraction") OR domain("summarization")) AND (domain("classification"))
  MODEL "groq/gpt-oss-120b", "deepseek/deepseek-v4-flash", "openai/gpt-5-mini"
}

ROUTE default_1 {
  PRIORITY 110
  WHEN (domain("chat") OR domain("extraction") OR domain("qa") OR domain("summarization") OR domain("unknown"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-sonnet-5", "xai/grok-4.5"
}

ROUTE default_2 {
  PRIORITY 109
  WHEN (domain("creative_writing"))
  MODEL "anthropic/claude-sonnet-5", "google/gemini-3.1-pro-preview", "xai/grok-4.5"
}

ROUTE default_3 {
  PRIORITY 108
  WHEN (domain("code"))
  MODEL "anthropic/claude-sonnet-5", "groq/gpt-oss-120b", "google/gemini-3.1-pro-preview"
}

ROUTE default_4 {
  PRIORITY 107
  WHEN (domain("planning"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-sonnet-5", "groq/gpt-oss-120b"
}

ROUTE default_5 {
  PRIORITY 106
  WHEN (domain("brainstorming"))
  MODEL "google/gemini-3.1-pro-preview", "xai/grok-4.5", "anthropic/claude-sonnet-5"
}

ROUTE default_6 {
  PRIORITY 105
  WHEN (domain("math_reasoning"))
  MODEL "google/gemini-3.1-pro-preview", "groq/gpt-oss-120b", "xai/grok-4.5"
}

ROUTE default_7 {
  PRIORITY 104
  WHEN (domain("translation"))
  MODEL "google/gemini-3.1-pro-preview", "mistral/mistral-large-3", "anthropic/claude-sonnet-5"
}

ROUTE default_8 {
  PRIORITY 103
  WHEN (domain("classification"))
  MODEL "groq/gpt-oss-120b", "anthropic/claude-sonnet-5", "xai/grok-4.5"
}

