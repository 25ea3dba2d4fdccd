#![recursion_limit = "256"]
//! The wasm entry point: hydrates the server-rendered page. `hydrate_lazy`: a back-office page
//! is a lazy route, whose code chunk is fetched before its part of the page is hydrated.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::app::App);
}
