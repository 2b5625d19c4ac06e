//! One module per subcommand.

pub mod classify;
pub mod eval;
pub mod signals;
pub mod train;
