//! The playground's domain model: plain data with methods (no signals inside), persisted and
//! shared by the Leptos shell. Components hold it in signals and call these methods.

pub mod share;
pub mod workspace;

pub use share::ShareState;
pub use workspace::{PolicyDoc, View, Workspace};
