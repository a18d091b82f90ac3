//! What goes out of the page and comes in from the browser: the Global Privacy Control
//! signal, Google Consent Mode v2 (`consent default` / `consent update`), the webview
//! bridges to native apps, and consent receipts sent to the site's endpoint.

use super::app::Shared;
use js_sys::Reflect;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(
    inline_js = "export function gtag_push(a, b, c) { window.dataLayer = window.dataLayer || []; window.dataLayer.push(arguments); }"
)]
extern "C" {
    /// Pushes an `arguments` object, as gtag.js expects and as its own `gtag()` does.
    fn gtag_push(a: &str, b: &str, c: &JsValue);
}

/// `navigator.globalPrivacyControl === true`.
pub fn gpc() -> bool {
    web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"globalPrivacyControl".into()).ok())
        .is_some_and(|v| v.as_bool() == Some(true))
}

fn window_has(name: &str) -> bool {
    web_sys::window()
        .and_then(|w| Reflect::get(&w, &name.into()).ok())
        .is_some_and(|v| !v.is_undefined() && !v.is_null())
}

/// Consent Mode: pushes `consent default` with every mapped type denied (waiting for the
/// update), when the page uses gtag or a dataLayer and the manifest maps purposes.
pub fn consent_mode_default(types: &[String]) {
    if types.is_empty() || !(window_has("gtag") || window_has("dataLayer")) {
        return;
    }
    let state = js_sys::Object::new();
    for t in types {
        let _ = Reflect::set(&state, &t.as_str().into(), &"denied".into());
    }
    let _ = Reflect::set(&state, &"wait_for_update".into(), &500.into());
    push("default", &state);
}

/// Consent Mode: pushes `consent update` with the current state.
pub fn consent_mode_update(mode: &JsValue) {
    if Reflect::own_keys(mode).map(|k| k.length()).unwrap_or(0) == 0
        || !(window_has("gtag") || window_has("dataLayer"))
    {
        return;
    }
    push("update", mode);
}

fn push(command: &str, state: &JsValue) {
    let gtag = web_sys::window()
        .and_then(|w| Reflect::get(&w, &"gtag".into()).ok())
        .and_then(|g| g.dyn_into::<js_sys::Function>().ok());
    match gtag {
        Some(gtag) => {
            let _ = gtag.call3(&JsValue::NULL, &"consent".into(), &command.into(), state);
        }
        None => gtag_push("consent", command, state),
    }
}

/// Sends every new record to a native app: Android's `window.PolicyConsentAndroid.postMessage(json)`,
/// iOS's `window.webkit.messageHandlers.policyConsent.postMessage(object)`.
pub fn post_to_app(record: &JsValue) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let get = |target: &JsValue, key: &str| {
        Reflect::get(target, &key.into())
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    };
    let message = js_sys::Object::new();
    let _ = Reflect::set(&message, &"type".into(), &"policy-consent:record".into());
    let _ = Reflect::set(&message, &"record".into(), record);
    if let Some(android) = get(&window, "PolicyConsentAndroid") {
        if let (Some(post), Ok(json)) = (
            get(&android, "postMessage").and_then(|f| f.dyn_into::<js_sys::Function>().ok()),
            js_sys::JSON::stringify(&message),
        ) {
            let _ = post.call1(&android, &json);
        }
    }
    let ios = get(&window, "webkit")
        .and_then(|w| get(&w, "messageHandlers"))
        .and_then(|m| get(&m, "policyConsent"));
    if let Some(handler) = ios {
        if let Some(post) =
            get(&handler, "postMessage").and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        {
            let _ = post.call1(&handler, &message);
        }
    }
}

/// After a change: Consent Mode update and the app bridge.
pub fn after_change(_shared: &Shared, detail: &JsValue) {
    if let Ok(mode) = Reflect::get(detail, &"consentMode".into()) {
        consent_mode_update(&mode);
    }
    if let Ok(record) = Reflect::get(detail, &"record".into()) {
        post_to_app(&record);
    }
}

const MAX_QUEUED_RECEIPTS: usize = 20;

fn queue_key(shared: &Shared) -> String {
    format!("{}:receipts", shared.borrow().key)
}

/// Sends a receipt with `navigator.sendBeacon` (the page never waits on it); when the
/// browser refuses, the receipt is queued (at most 20, oldest dropped first with a count)
/// and sent on a later load.
pub fn send_receipt(shared: &Shared, endpoint: &str, receipt: &JsValue) {
    let Ok(json) = js_sys::JSON::stringify(receipt) else {
        return;
    };
    let json = String::from(json);
    if !beacon(endpoint, &json) {
        let key = queue_key(shared);
        let app = shared.borrow();
        let mut queue: Vec<String> = app
            .store
            .get(&key)
            .and_then(|q| js_sys::JSON::parse(&q).ok())
            .map(|v| {
                js_sys::Array::from(&v)
                    .iter()
                    .filter_map(|s| s.as_string())
                    .collect()
            })
            .unwrap_or_default();
        queue.push(json);
        let overflow = queue.len().saturating_sub(MAX_QUEUED_RECEIPTS);
        queue.drain(..overflow);
        let array: js_sys::Array = queue.iter().map(|s| JsValue::from_str(s)).collect();
        if let Ok(text) = js_sys::JSON::stringify(&array) {
            app.store.set(&key, &String::from(text));
        }
    }
}

/// Sends queued receipts (on load).
pub fn flush_receipts(shared: &Shared, endpoint: &str) {
    let key = queue_key(shared);
    let queued: Vec<String> = {
        let app = shared.borrow();
        app.store
            .get(&key)
            .and_then(|q| js_sys::JSON::parse(&q).ok())
            .map(|v| {
                js_sys::Array::from(&v)
                    .iter()
                    .filter_map(|s| s.as_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    if queued.is_empty() {
        return;
    }
    let left: Vec<String> = queued
        .into_iter()
        .filter(|r| !beacon(endpoint, r))
        .collect();
    let app = shared.borrow();
    if left.is_empty() {
        app.store.remove(&key);
    } else {
        let array: js_sys::Array = left.iter().map(|s| JsValue::from_str(s)).collect();
        if let Ok(text) = js_sys::JSON::stringify(&array) {
            app.store.set(&key, &String::from(text));
        }
    }
}

fn beacon(endpoint: &str, json: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(json));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return false;
    };
    window
        .navigator()
        .send_beacon_with_opt_blob(endpoint, Some(&blob))
        .unwrap_or(false)
}
