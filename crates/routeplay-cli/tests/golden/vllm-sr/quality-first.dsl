# vLLM Semantic Router DSL exported by Routeplay from policy "quality-first".
# Signals are vLLM-SR's own classifiers: see the report for every approximation.

ROUTE hard_or_reasoning_heavy_1 {
  PRIORITY 130
  WHEN ((domain("math_reasoning") OR domain("planning") OR domain("code")) OR complexity("hard")) AND (domain("brainstorming") OR domain("chat") OR domain("classification") OR domain("extraction") OR domain("planning") OR domain("qa") OR domain("summarization") OR domain("unknown"))
  MODEL "anthropic/claude-opus-5", "openai/gpt-5.5", "google/gemini-3.1-pro-preview"
}

ROUTE hard_or_reasoning_heavy_2 {
  PRIORITY 129
  WHEN ((domain("math_reasoning") OR domain("planning") OR domain("code")) OR complexity("hard")) AND (domain("code") OR domain("creative_writing"))
  MODEL "anthropic/claude-opus-5", "openai/gpt-5.5", "anthropic/claude-sonnet-5"
}

ROUTE hard_or_reasoning_heavy_3 {
  PRIORITY 128
  WHEN ((domain("math_reasoning") OR domain("planning") OR domain("code")) OR complexity("hard")) AND (domain("translation"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-opus-5", "openai/gpt-5.5"
}

ROUTE hard_or_reasoning_heavy_4 {
  PRIORITY 127
  WHEN ((domain("math_reasoning") OR domain("planning") OR domain("code")) OR complexity("hard")) AND (domain("math_reasoning"))
  MODEL "openai/gpt-5.5", "google/gemini-3.1-pro-preview", "anthropic/claude-opus-5"
}

ROUTE free_tier_cap_1 {
  PRIORITY 120
  WHEN keyword("meta.tier == \"free\"") AND (domain("brainstorming") OR domain("chat") OR domain("classification") OR domain("extraction") OR domain("qa") OR domain("summarization") OR domain("unknown"))
  MODEL "anthropic/claude-opus-5", "openai/gpt-5.5", "google/gemini-3.1-pro-preview"
}

ROUTE free_tier_cap_2 {
  PRIORITY 119
  WHEN keyword("meta.tier == \"free\"") AND (domain("code"))
  MODEL "anthropic/claude-opus-5", "openai/gpt-5.5", "anthropic/claude-sonnet-5"
}

ROUTE free_tier_cap_3 {
  PRIORITY 118
  WHEN keyword("meta.tier == \"free\"") AND (domain("creative_writing"))
  MODEL "anthropic/claude-sonnet-5", "google/gemini-3.1-pro-preview", "openai/gpt-5.4"
}

ROUTE free_tier_cap_4 {
  PRIORITY 117
  WHEN keyword("meta.tier == \"free\"") AND (domain("math_reasoning"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-opus-5", "deepseek/deepseek-v4-pro"
}

ROUTE free_tier_cap_5 {
  PRIORITY 116
  WHEN keyword("meta.tier == \"free\"") AND (domain("translation"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-opus-5", "openai/gpt-5.5"
}

ROUTE free_tier_cap_6 {
  PRIORITY 115
  WHEN keyword("meta.tier == \"free\"") AND (domain("planning"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-sonnet-5", "openai/gpt-5.4"
}

ROUTE default_1 {
  PRIORITY 110
  WHEN (domain("brainstorming") OR domain("chat") OR domain("classification") OR domain("extraction") OR domain("planning") OR domain("qa") OR domain("summarization") OR domain("unknown"))
  MODEL "anthropic/claude-opus-5", "openai/gpt-5.5", "google/gemini-3.1-pro-preview"
}

ROUTE default_2 {
  PRIORITY 109
  WHEN (domain("code") OR domain("creative_writing"))
  MODEL "anthropic/claude-opus-5", "openai/gpt-5.5", "anthropic/claude-sonnet-5"
}

ROUTE default_3 {
  PRIORITY 108
  WHEN (domain("translation"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-opus-5", "openai/gpt-5.5"
}

ROUTE default_4 {
  PRIORITY 107
  WHEN (domain("math_reasoning"))
  MODEL "openai/gpt-5.5", "google/gemini-3.1-pro-preview", "anthropic/claude-opus-5"
}

