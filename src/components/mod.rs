//! One component per panel.

pub mod prompt_editor;
pub mod signals_panel;
