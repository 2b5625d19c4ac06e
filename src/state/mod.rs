//! The playground's domain model: plain data with methods (no signals inside), persisted and
//! shared by the Leptos shell. Components hold it in signals and call these methods.

pub mod audit;
pub mod conversation;
pub mod live;
pub mod share;
pub mod storage;
pub mod train;
pub mod workspace;

pub use share::ShareState;
pub use workspace::{PolicyDoc, View, Workspace};

/// Something the user should be told (shown in the page's notice bar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// A warning (something was not done) rather than information.
    pub warning: bool,
    /// The sentence shown.
    pub text: String,
}

impl Notice {
    /// Information: something was done differently than the user might expect.
    pub fn info(text: impl Into<String>) -> Self {
        Notice {
            warning: false,
            text: text.into(),
        }
    }
    /// A warning: something the user asked for (or expects) did not happen.
    pub fn warning(text: impl Into<String>) -> Self {
        Notice {
            warning: true,
            text: text.into(),
        }
    }
}
