//! The WebAssembly shell: the JS API (`PolicyConsent`, `renderPolicy`, `comparePolicies`),
//! value conversion, the DOM UI and browser storage. It renders what the engine's prompt
//! says and turns clicks into engine events; no consent rule lives here. DOM nodes are made
//! with `createElement`/`textContent` only, so it works under Trusted Types and a strict CSP.

pub mod json;
pub mod storage;
pub mod strings;

// Three Wasm modules come from this crate (scripts/build-wasm.sh): the consent app (no
// feature: engine, UI, storage, gating, signals), and two that the app fetches when it needs
// them: the view module (feature `view`: parser, renderer, the viewer's rendering) and the
// full module (feature `full`: those and the comparison).
#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
mod api;
#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
mod app;
#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
pub mod browser;
// Each module uses part of the builder.
#[cfg(target_arch = "wasm32")]
#[allow(dead_code)]
mod dom;
#[cfg(all(target_arch = "wasm32", feature = "view"))]
mod full;
#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
mod gating;
#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
mod lazy;
#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
mod signals;
#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
mod ui;
#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
mod viewer;

#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
pub use api::*;
#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
pub use browser::{CookieStore, LocalStore};
#[cfg(all(target_arch = "wasm32", feature = "view"))]
pub use full::*;

/// A value as a plain JS object, the shape `JSON.parse` would give (maps become objects).
/// (The full module writes its results as JSON text instead: [`json`].)
#[cfg(all(target_arch = "wasm32", not(feature = "view")))]
pub(crate) fn to_js<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<wasm_bindgen::JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}

/// A value thrown by JS as an error for our caller: its message, else its text.
#[cfg(target_arch = "wasm32")]
pub(crate) fn js_error(value: wasm_bindgen::JsValue) -> wasm_bindgen::JsError {
    wasm_bindgen::JsError::new(&js_text(&value))
}

/// What a value thrown by JS says: an error's message, a string, else JS's `String(value)`.
/// (Not `{value:?}`: that brings wasm-bindgen's debug formatter into the glue, and writes
/// an error's whole stack.)
#[cfg(target_arch = "wasm32")]
pub(crate) fn js_text(value: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = String)]
        fn js_string(value: &wasm_bindgen::JsValue) -> String;
    }
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| js_string(value))
}
