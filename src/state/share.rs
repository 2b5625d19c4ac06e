//! Share links: the codec lives in the core (`routeplay_core::share`) so native tests and
//! fuzzers run the same code as the page.

pub use routeplay_core::share::*;
