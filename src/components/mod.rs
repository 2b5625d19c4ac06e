//! One component per panel.

pub mod keys_panel;
pub mod live_run;
pub mod prompt_editor;
pub mod signals_panel;
