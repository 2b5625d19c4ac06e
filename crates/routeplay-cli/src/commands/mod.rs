//! One module per subcommand.

pub mod check;
pub mod classify;
pub mod diff;
pub mod eval;
pub mod route;
pub mod signals;
pub mod simulate;
pub mod test;
pub mod train;
