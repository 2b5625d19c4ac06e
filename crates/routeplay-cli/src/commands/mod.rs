//! One module per subcommand.

pub mod annotate;
pub mod audit;
pub mod check;
pub mod classify;
pub mod complexity;
pub mod diff;
pub mod eval;
pub mod export;
pub mod import;
pub mod route;
pub mod signals;
pub mod simulate;
pub mod test;
pub mod train;
