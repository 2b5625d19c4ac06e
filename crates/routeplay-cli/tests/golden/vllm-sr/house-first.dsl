# vLLM Semantic Router DSL exported by Routeplay from policy "house-first".
# Signals are vLLM-SR's own classifiers: see the report for every approximation.

ROUTE house_model_when_good_enough_1 {
  PRIORITY 130
  WHEN (domain("brainstorming") OR domain("chat") OR domain("extraction") OR domain("math_reasoning") OR domain("planning") OR domain("qa") OR domain("summarization") OR domain("translation") OR domain("unknown"))
  MODEL "google/gemini-3.1-pro-preview"
}

ROUTE house_model_when_good_enough_2 {
  PRIORITY 129
  WHEN (domain("classification"))
  MODEL "google/gemini-2.5-pro", "google/gemini-3.1-pro-preview"
}

ROUTE hard_prompts_elsewhere_1 {
  PRIORITY 120
  WHEN complexity("hard") AND (domain("brainstorming") OR domain("chat") OR domain("classification") OR domain("extraction") OR domain("planning") OR domain("qa") OR domain("summarization") OR domain("unknown"))
  MODEL "anthropic/claude-opus-5", "openai/gpt-5.5", "google/gemini-3.1-pro-preview"
}

ROUTE hard_prompts_elsewhere_2 {
  PRIORITY 119
  WHEN complexity("hard") AND (domain("code") OR domain("creative_writing"))
  MODEL "anthropic/claude-opus-5", "openai/gpt-5.5", "anthropic/claude-sonnet-5"
}

ROUTE hard_prompts_elsewhere_3 {
  PRIORITY 118
  WHEN complexity("hard") AND (domain("translation"))
  MODEL "google/gemini-3.1-pro-preview", "anthropic/claude-opus-5", "openai/gpt-5.5"
}

ROUTE hard_prompts_elsewhere_4 {
  PRIORITY 117
  WHEN complexity("hard") AND (domain("math_reasoning"))
  MODEL "openai/gpt-5.5", "google/gemini-3.1-pro-preview", "anthropic/claude-opus-5"
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

