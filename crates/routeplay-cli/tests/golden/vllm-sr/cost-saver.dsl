# vLLM Semantic Router DSL exported by Routeplay from policy "cost-saver".
# Signals are vLLM-SR's own classifiers: see the report for every approximation.

ROUTE small_talk_stays_local {
  PRIORITY 140
  WHEN (domain("chat") AND context("<200"))
  MODEL "local/llama-3.1-8b", "local/qwen3-8b"
}

ROUTE hard_prompts_1 {
  PRIORITY 130
  WHEN complexity("hard") AND (domain("creative_writing") OR domain("math_reasoning") OR domain("planning"))
  MODEL "deepseek/deepseek-v4-pro", "xai/grok-4.5", "google/gemini-2.5-pro"
}

ROUTE hard_prompts_2 {
  PRIORITY 129
  WHEN complexity("hard") AND (domain("brainstorming") OR domain("qa") OR domain("unknown"))
  MODEL "xai/grok-4.3", "deepseek/deepseek-v4-pro", "xai/grok-4.5"
}

ROUTE hard_prompts_3 {
  PRIORITY 128
  WHEN complexity("hard") AND (domain("chat") OR domain("translation"))
  MODEL "mistral/mistral-large-3", "xai/grok-4.3", "deepseek/deepseek-v4-pro"
}

ROUTE hard_prompts_4 {
  PRIORITY 127
  WHEN complexity("hard") AND (domain("code"))
  MODEL "deepseek/deepseek-v4-pro", "xai/grok-4.5", "anthropic/claude-sonnet-5"
}

ROUTE hard_prompts_5 {
  PRIORITY 126
  WHEN complexity("hard") AND (domain("classification"))
  MODEL "groq/gpt-oss-120b", "deepseek/deepseek-v4-flash", "mistral/mistral-large-3"
}

ROUTE hard_prompts_6 {
  PRIORITY 125
  WHEN complexity("hard") AND (domain("summarization"))
  MODEL "mistral/mistral-large-3", "google/gemini-2.5-flash", "xai/grok-4.3"
}

ROUTE hard_prompts_7 {
  PRIORITY 124
  WHEN complexity("hard") AND (domain("extraction"))
  MODEL "mistral/mistral-large-3", "xai/grok-4.3", "openai/gpt-5.4-mini"
}

ROUTE code_needs_a_decent_floor_1 {
  PRIORITY 120
  WHEN (domain("code") OR (keyword("!classified") AND keyword("code_markers"))) AND (domain("brainstorming") OR domain("chat") OR domain("code") OR domain("creative_writing") OR domain("extraction") OR domain("math_reasoning") OR domain("planning") OR domain("qa") OR domain("summarization") OR domain("translation") OR domain("unknown"))
  MODEL "groq/gpt-oss-120b", "deepseek/deepseek-v4-flash", "mistral/mistral-large-3"
}

ROUTE code_needs_a_decent_floor_2 {
  PRIORITY 119
  WHEN (domain("code") OR (keyword("!classified") AND keyword("code_markers"))) AND (domain("classification"))
  MODEL "groq/gpt-oss-120b", "deepseek/deepseek-v4-flash", "openai/gpt-5-mini"
}

ROUTE default_1 {
  PRIORITY 110
  WHEN (domain("code") OR domain("creative_writing") OR domain("math_reasoning") OR domain("planning"))
  MODEL "groq/gpt-oss-120b", "deepseek/deepseek-v4-flash", "mistral/mistral-large-3"
}

ROUTE default_2 {
  PRIORITY 109
  WHEN (domain("chat") OR domain("extraction") OR domain("summarization") OR domain("translation"))
  MODEL "mistral/mistral-small-4", "groq/gpt-oss-120b", "groq/llama-3.3-70b"
}

ROUTE default_3 {
  PRIORITY 108
  WHEN (domain("brainstorming") OR domain("qa") OR domain("unknown"))
  MODEL "groq/gpt-oss-120b", "groq/llama-3.3-70b", "deepseek/deepseek-v4-flash"
}

ROUTE default_4 {
  PRIORITY 107
  WHEN (domain("classification"))
  MODEL "mistral/mistral-small-4", "groq/gpt-oss-120b", "deepseek/deepseek-v4-flash"
}

