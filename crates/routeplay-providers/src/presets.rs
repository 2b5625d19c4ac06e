//! Known providers: wire format, default endpoint, and what a page can and cannot do with them.

/// The three wire formats spoken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireFormat {
    /// OpenAI Chat Completions (and every OpenAI-compatible server).
    OpenAiChat,
    /// Anthropic Messages.
    Anthropic,
    /// Google Gemini `generateContent` / `streamGenerateContent?alt=sse`.
    Gemini,
}

/// A provider the app knows how to call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    /// Stable id (`openai`, `anthropic`, `gemini`, `groq`, …, `custom`).
    pub id: &'static str,
    /// Name shown to users.
    pub name: &'static str,
    /// Wire format.
    pub format: WireFormat,
    /// Default base URL (the path before `/chat/completions`, `/messages` or `/models/…`).
    pub base_url: &'static str,
    /// Whether a key is normally required (local servers do not need one).
    pub key_required: bool,
    /// Whether `stream_options: {include_usage: true}` is sent (OpenAI format only; some
    /// servers reject unknown fields). Sent only where documented (OpenAI, DeepSeek, vLLM);
    /// elsewhere usage is read when the server sends it anyway, else estimated and marked.
    pub stream_usage_option: bool,
    /// Short note shown in the keys panel (CORS facts, set-up hints).
    pub note: &'static str,
}

/// Every callable preset, in display order.
pub const PRESETS: &[Preset] = &[
    Preset { id: "openai", name: "OpenAI", format: WireFormat::OpenAiChat, base_url: "https://api.openai.com/v1", key_required: true, stream_usage_option: true, note: "Chat Completions API." },
    Preset { id: "anthropic", name: "Anthropic", format: WireFormat::Anthropic, base_url: "https://api.anthropic.com/v1", key_required: true, stream_usage_option: false, note: "Sent with the anthropic-dangerous-direct-browser-access header; an organisation can disable browser access." },
    Preset { id: "gemini", name: "Google Gemini", format: WireFormat::Gemini, base_url: "https://generativelanguage.googleapis.com/v1beta", key_required: true, stream_usage_option: false, note: "Native API; the key travels in the x-goog-api-key header, never in the URL." },
    Preset { id: "groq", name: "Groq", format: WireFormat::OpenAiChat, base_url: "https://api.groq.com/openai/v1", key_required: true, stream_usage_option: false, note: "OpenAI-compatible; usage may arrive as x_groq.usage." },
    Preset { id: "mistral", name: "Mistral", format: WireFormat::OpenAiChat, base_url: "https://api.mistral.ai/v1", key_required: true, stream_usage_option: false, note: "Only Authorization and Content-Type are sent: extra headers fail its CORS preflight." },
    Preset { id: "deepseek", name: "DeepSeek", format: WireFormat::OpenAiChat, base_url: "https://api.deepseek.com", key_required: true, stream_usage_option: true, note: "OpenAI-compatible." },
    Preset { id: "xai", name: "xAI", format: WireFormat::OpenAiChat, base_url: "https://api.x.ai/v1", key_required: true, stream_usage_option: false, note: "OpenAI-compatible." },
    Preset { id: "openrouter", name: "OpenRouter", format: WireFormat::OpenAiChat, base_url: "https://openrouter.ai/api/v1", key_required: true, stream_usage_option: false, note: "OpenAI-compatible; errors after the stream started arrive inside the stream." },
    Preset { id: "together", name: "Together", format: WireFormat::OpenAiChat, base_url: "https://api.together.xyz/v1", key_required: true, stream_usage_option: false, note: "OpenAI-compatible." },
    Preset { id: "ollama", name: "Ollama (local)", format: WireFormat::OpenAiChat, base_url: "http://localhost:11434/v1", key_required: false, stream_usage_option: false, note: "Allows localhost pages by default; a hosted page needs OLLAMA_ORIGINS." },
    Preset { id: "lmstudio", name: "LM Studio (local)", format: WireFormat::OpenAiChat, base_url: "http://localhost:1234/v1", key_required: false, stream_usage_option: false, note: "Turn on \"Enable CORS\" (lms server start --cors)." },
    Preset { id: "llamacpp", name: "llama.cpp server (local)", format: WireFormat::OpenAiChat, base_url: "http://localhost:8080/v1", key_required: false, stream_usage_option: false, note: "Permissive CORS by default." },
    Preset { id: "vllm", name: "vLLM (local)", format: WireFormat::OpenAiChat, base_url: "http://localhost:8000/v1", key_required: false, stream_usage_option: true, note: "Start with --allowed-origins for this page." },
    Preset { id: "custom", name: "Custom OpenAI-compatible", format: WireFormat::OpenAiChat, base_url: "", key_required: false, stream_usage_option: false, note: "Any OpenAI-compatible gateway or local proxy (also the way to reach Azure OpenAI or AWS Bedrock). The page's Content-Security-Policy allows addresses on this computer; a remote gateway must be added to its connect-src by whoever hosts the page." },
];

/// A provider a web page cannot call directly: cloud platforms that need request signing or
/// cloud credentials, or do not answer browser (CORS) requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotCallable {
    /// The catalog's provider id (`bedrock`, `azure`, `vertex`).
    pub id: &'static str,
    /// Name shown to users.
    pub name: &'static str,
    /// Why, and what to do instead.
    pub why: &'static str,
}

/// Providers a web page cannot call directly, with the explanation shown to users.
pub const NOT_CALLABLE: &[NotCallable] = &[
    NotCallable { id: "azure", name: "Azure AI Foundry (Azure OpenAI)", why: "Azure does not answer browser (CORS) requests in practice. Run an OpenAI-compatible gateway or a small proxy on this computer (e.g. LiteLLM on 127.0.0.1) and enter its address in the “Custom OpenAI-compatible” card above." },
    NotCallable { id: "bedrock", name: "AWS Bedrock", why: "Bedrock needs AWS request signing, has no documented browser (CORS) support and streams a binary event format. Use an OpenAI-compatible gateway or a local proxy and enter its address in the “Custom OpenAI-compatible” card above." },
    NotCallable { id: "vertex", name: "Google Vertex AI", why: "Vertex AI needs a short-lived Google Cloud OAuth access token (a service account or gcloud login), which a web page should not hold. Use an OpenAI-compatible gateway or a local proxy (e.g. LiteLLM with vertex_ai/ models) and enter its address in the “Custom OpenAI-compatible” card above." },
];

/// The platform behind a catalog provider id the page cannot call (`bedrock`, `azure`,
/// `vertex`, and common spellings such as `aws-bedrock`, `azure-openai`, `vertex-ai`).
pub fn not_callable(id: &str) -> Option<&'static NotCallable> {
    let id = id.trim().to_ascii_lowercase();
    let id = match id.as_str() {
        "aws-bedrock" | "aws_bedrock" | "amazon-bedrock" => "bedrock",
        "azure-openai" | "azure_openai" | "azure-ai" | "azure_ai" | "azure-foundry" => "azure",
        "vertex-ai" | "vertex_ai" | "google-vertex" | "vertexai" => "vertex",
        other => other,
    };
    NOT_CALLABLE.iter().find(|n| n.id == id)
}

/// Find a preset by id; catalog aliases (`google` → `gemini`, `x-ai` → `xai`, …) are accepted.
pub fn preset(id: &str) -> Option<&'static Preset> {
    let id = id.trim().to_ascii_lowercase();
    let id = match id.as_str() {
        "google" | "google-gemini" | "gemini-api" => "gemini",
        "x-ai" | "grok" => "xai",
        "mistralai" | "mistral-ai" => "mistral",
        "togetherai" | "together-ai" => "together",
        "lm-studio" | "lm_studio" => "lmstudio",
        "llama.cpp" | "llama-cpp" => "llamacpp",
        "local" => "ollama",
        other => other,
    };
    PRESETS.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn lookups_and_defaults_are_valid() {
        assert_eq!(preset("Google").unwrap().id, "gemini");
        assert!(preset("nope").is_none());
        // Cloud platforms are named as not callable, never offered as a preset.
        for id in [
            "bedrock",
            "Azure",
            "vertex-ai",
            "aws-bedrock",
            "azure_openai",
        ] {
            assert!(preset(id).is_none(), "{id}");
            assert!(not_callable(id).is_some(), "{id}");
        }
        assert_eq!(not_callable("vertex").unwrap().name, "Google Vertex AI");
        assert!(not_callable("openai").is_none());
        for p in PRESETS.iter().filter(|p| !p.base_url.is_empty()) {
            crate::hosts::key_origin_for(p.base_url).unwrap();
        }
    }
}
