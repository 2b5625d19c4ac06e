//! One module per subcommand.

pub mod signals;
