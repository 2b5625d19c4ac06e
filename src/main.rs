//! Routeplay playground: the browser shell over routeplay-core.
//!
//! One component per panel lives in `components/`; all routing logic is in the core crate.

mod app;
mod assets;
mod bench;
mod components;
mod embed;
mod engine;
mod files;
mod providers;
mod saving;
mod state;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
