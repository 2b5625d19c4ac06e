# vLLM Semantic Router DSL exported by Routeplay from policy "latency-first".
# Signals are vLLM-SR's own classifiers: see the report for every approximation.

ROUTE hard_prompts_1 {
  PRIORITY 130
  WHEN complexity("hard") AND (domain("creative_writing") OR domain("math_reasoning") OR domain("planning"))
  MODEL "google/gemini-3.1-pro-preview", "google/gemini-2.5-pro", "anthropic/claude-sonnet-5"
}

ROUTE hard_prompts_2 {
  PRIORITY 129
  WHEN complexity("hard") AND (domain("brainstorming") OR domain("unknown"))
  MODEL "xai/grok-4.3", "google/gemini-3.1-pro-preview", "google/gemini-2.5-pro"
}

ROUTE hard_prompts_3 {
  PRIORITY 128
  WHEN complexity("hard") AND (domain("summarization"))
  MODEL "google/gemini-2.5-flash", "openai/gpt-5.4-mini", "xai/grok-4.3"
}

ROUTE hard_prompts_4 {
  PRIORITY 127
  WHEN complexity("hard") AND (domain("code"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-sonnet-5", "openai/gpt-5.4"
}

ROUTE hard_prompts_5 {
  PRIORITY 126
  WHEN complexity("hard") AND (domain("extraction"))
  MODEL "openai/gpt-5.4-mini", "xai/grok-4.3", "mistral/mistral-large-3"
}

ROUTE hard_prompts_6 {
  PRIORITY 125
  WHEN complexity("hard") AND (domain("qa"))
  MODEL "xai/grok-4.3", "anthropic/claude-sonnet-5", "google/gemini-2.5-pro"
}

ROUTE hard_prompts_7 {
  PRIORITY 124
  WHEN complexity("hard") AND (domain("chat"))
  MODEL "xai/grok-4.3", "mistral/mistral-large-3", "anthropic/claude-sonnet-5"
}

ROUTE hard_prompts_8 {
  PRIORITY 123
  WHEN complexity("hard") AND (domain("classification"))
  MODEL "groq/gpt-oss-120b", "mistral/mistral-medium-3.5", "openai/gpt-5.4-mini"
}

ROUTE hard_prompts_9 {
  PRIORITY 122
  WHEN complexity("hard") AND (domain("translation"))
  MODEL "mistral/mistral-medium-3.5", "xai/grok-4.3", "mistral/mistral-large-3"
}

ROUTE code_1 {
  PRIORITY 120
  WHEN (domain("code") OR (keyword("!classified") AND keyword("code_markers"))) AND (domain("brainstorming") OR domain("chat") OR domain("creative_writing") OR domain("extraction") OR domain("qa") OR domain("summarization") OR domain("translation") OR domain("unknown"))
  MODEL "groq/gpt-oss-120b", "google/gemini-2.5-flash", "anthropic/claude-haiku-4.5"
}

ROUTE code_2 {
  PRIORITY 119
  WHEN (domain("code") OR (keyword("!classified") AND keyword("code_markers"))) AND (domain("code"))
  MODEL "groq/gpt-oss-120b", "anthropic/claude-haiku-4.5", "openai/gpt-5.4-mini"
}

ROUTE code_3 {
  PRIORITY 118
  WHEN (domain("code") OR (keyword("!classified") AND keyword("code_markers"))) AND (domain("classification"))
  MODEL "groq/gpt-oss-120b", "google/gemini-2.5-flash", "openai/gpt-5-mini"
}

ROUTE code_4 {
  PRIORITY 117
  WHEN (domain("code") OR (keyword("!classified") AND keyword("code_markers"))) AND (domain("math_reasoning"))
  MODEL "groq/gpt-oss-120b", "openai/gpt-5.4-mini", "xai/grok-4.3"
}

ROUTE code_5 {
  PRIORITY 116
  WHEN (domain("code") OR (keyword("!classified") AND keyword("code_markers"))) AND (domain("planning"))
  MODEL "groq/gpt-oss-120b", "openai/gpt-5.4-mini", "mistral/mistral-medium-3.5"
}

ROUTE default_1 {
  PRIORITY 110
  WHEN (domain("brainstorming") OR domain("chat") OR domain("code") OR domain("creative_writing") OR domain("extraction") OR domain("planning") OR domain("qa") OR domain("summarization") OR domain("translation") OR domain("unknown"))
  MODEL "groq/gpt-oss-120b", "groq/llama-3.3-70b", "google/gemini-2.5-flash"
}

ROUTE default_2 {
  PRIORITY 109
  WHEN (domain("math_reasoning"))
  MODEL "groq/gpt-oss-120b", "google/gemini-2.5-flash", "anthropic/claude-haiku-4.5"
}

ROUTE default_3 {
  PRIORITY 108
  WHEN (domain("classification"))
  MODEL "groq/llama-3.3-70b", "groq/gpt-oss-120b", "mistral/mistral-small-4"
}

