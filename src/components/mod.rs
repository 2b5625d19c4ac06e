//! One component per panel.

pub mod audit;
pub mod batch_view;
pub mod catalog_view;
pub mod charts;
pub mod conversation_view;
pub mod decision_cards;
pub mod export_panel;
pub mod keys_panel;
pub mod live_run;
pub mod policies;
pub mod policy_picker;
pub mod prompt_editor;
pub mod share_bar;
pub mod signals_panel;
pub mod train_panel;
