# vLLM Semantic Router DSL exported by Routeplay from policy "balanced".
# Signals are vLLM-SR's own classifiers: see the report for every approximation.

ROUTE personal_data_stays_local {
  PRIORITY 140
  WHEN (pii("any") AND (domain("extraction") OR domain("classification") OR domain("chat") OR domain("summarization")))
  MODEL "local/qwen3-8b", "local/llama-3.1-8b"
}

ROUTE pro_tier {
  PRIORITY 130
  WHEN keyword("meta.tier == \"pro\"")
  MODEL "anthropic/claude-sonnet-5", "openai/gpt-5.4", "google/gemini-2.5-pro"
}

ROUTE complex_prompts_1 {
  PRIORITY 120
  WHEN complexity("hard") AND (domain("brainstorming") OR domain("chat") OR domain("extraction") OR domain("qa") OR domain("summarization"))
  MODEL "google/gemini-3.1-pro-preview", "xai/grok-4.5", "anthropic/claude-sonnet-5"
}

ROUTE complex_prompts_2 {
  PRIORITY 119
  WHEN complexity("hard") AND (domain("planning") OR domain("unknown"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-sonnet-5", "xai/grok-4.5"
}

ROUTE complex_prompts_3 {
  PRIORITY 118
  WHEN complexity("hard") AND (domain("code"))
  MODEL "anthropic/claude-sonnet-5", "google/gemini-3.1-pro-preview", "deepseek/deepseek-v4-pro"
}

ROUTE complex_prompts_4 {
  PRIORITY 117
  WHEN complexity("hard") AND (domain("creative_writing"))
  MODEL "anthropic/claude-sonnet-5", "google/gemini-3.1-pro-preview", "xai/grok-4.5"
}

ROUTE complex_prompts_5 {
  PRIORITY 116
  WHEN complexity("hard") AND (domain("classification"))
  MODEL "anthropic/claude-sonnet-5", "xai/grok-4.5", "google/gemini-3.1-pro-preview"
}

ROUTE complex_prompts_6 {
  PRIORITY 115
  WHEN complexity("hard") AND (domain("math_reasoning"))
  MODEL "google/gemini-3.1-pro-preview", "xai/grok-4.5", "deepseek/deepseek-v4-pro"
}

ROUTE complex_prompts_7 {
  PRIORITY 114
  WHEN complexity("hard") AND (domain("translation"))
  MODEL "google/gemini-3.1-pro-preview", "xai/grok-4.5", "mistral/mistral-large-3"
}

ROUTE default_1 {
  PRIORITY 110
  WHEN (domain("brainstorming") OR domain("qa") OR domain("summarization") OR domain("unknown"))
  MODEL "google/gemini-3.1-pro-preview", "xai/grok-4.5", "anthropic/claude-sonnet-5"
}

ROUTE default_2 {
  PRIORITY 109
  WHEN (domain("classification") OR domain("code"))
  MODEL "anthropic/claude-sonnet-5", "groq/gpt-oss-120b", "xai/grok-4.5"
}

ROUTE default_3 {
  PRIORITY 108
  WHEN (domain("chat") OR domain("extraction"))
  MODEL "xai/grok-4.5", "google/gemini-3.1-pro-preview", "anthropic/claude-sonnet-5"
}

ROUTE default_4 {
  PRIORITY 107
  WHEN (domain("creative_writing"))
  MODEL "anthropic/claude-sonnet-5", "google/gemini-3.1-pro-preview", "xai/grok-4.5"
}

ROUTE default_5 {
  PRIORITY 106
  WHEN (domain("planning"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-sonnet-5", "xai/grok-4.5"
}

ROUTE default_6 {
  PRIORITY 105
  WHEN (domain("math_reasoning"))
  MODEL "google/gemini-3.1-pro-preview", "groq/gpt-oss-120b", "xai/grok-4.5"
}

ROUTE default_7 {
  PRIORITY 104
  WHEN (domain("translation"))
  MODEL "google/gemini-3.1-pro-preview", "mistral/mistral-large-3", "xai/grok-4.5"
}

