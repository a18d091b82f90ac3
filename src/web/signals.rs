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

/// Receipts waiting for the endpoint, at most this many and this many bytes (the oldest
/// go first).
const MAX_QUEUED_RECEIPTS: usize = 20;
const MAX_QUEUED_BYTES: usize = 256 * 1024;
/// Browsers refuse a `keepalive` body past 64 KiB; a bigger receipt (hundreds of purposes)
/// goes without it.
const MAX_KEEPALIVE_BYTES: usize = 60 * 1024;
/// A receipt not answered within this is left queued for a later load.
const RECEIPT_TIMEOUT_MS: u32 = 15_000;

fn queue_key(shared: &Shared) -> String {
    format!("{}:receipts", shared.borrow().key)
}

/// The receipts waiting, oldest first (an unreadable queue is an empty one).
fn queued(shared: &Shared) -> Vec<String> {
    let key = queue_key(shared);
    shared
        .borrow()
        .store
        .get(&key)
        .and_then(|q| js_sys::JSON::parse(&q).ok())
        .filter(js_sys::Array::is_array)
        .map(|v| {
            js_sys::Array::from(&v)
                .iter()
                .filter_map(|s| s.as_string())
                .collect()
        })
        .unwrap_or_default()
}

fn store_queue(shared: &Shared, queue: &[String]) {
    let key = queue_key(shared);
    let app = shared.borrow();
    if queue.is_empty() {
        app.store.remove(&key);
        return;
    }
    let array: js_sys::Array = queue.iter().map(|s| JsValue::from_str(s)).collect();
    if let Ok(text) = js_sys::JSON::stringify(&array) {
        app.store.set_beside(&key, &String::from(text));
    }
}

/// Queues a receipt, then sends it: it leaves the queue only when the endpoint answers
/// 2xx, so an endpoint that is down, slow or failing gets it on a later load (delivery is
/// at least once: a receipt carries its record id and time to deduplicate by). Nothing
/// here is awaited by the UI.
pub fn send_receipt(shared: &Shared, endpoint: &str, receipt: &JsValue) {
    let Ok(json) = js_sys::JSON::stringify(receipt) else {
        return;
    };
    let json = String::from(json);
    let mut queue = queued(shared);
    queue.push(json.clone());
    let mut bytes: usize = queue.iter().map(String::len).sum();
    let mut overflow = queue.len().saturating_sub(MAX_QUEUED_RECEIPTS);
    bytes -= queue[..overflow].iter().map(String::len).sum::<usize>();
    // The newest always stays, however large.
    while bytes > MAX_QUEUED_BYTES && overflow + 1 < queue.len() {
        bytes -= queue[overflow].len();
        overflow += 1;
    }
    if overflow > 0 {
        web_sys::console::warn_1(
            &format!("policy-consent: {overflow} undelivered receipt(s) dropped, the oldest; {endpoint} has not answered").into(),
        );
        queue.drain(..overflow);
    }
    store_queue(shared, &queue);
    deliver(shared, endpoint, json);
}

/// Sends the receipts a former load could not deliver.
pub fn flush_receipts(shared: &Shared, endpoint: &str) {
    for json in queued(shared) {
        deliver(shared, endpoint, json);
    }
}

/// POSTs one receipt (`keepalive`, so it survives the page being left) and takes it off
/// the queue on a 2xx.
fn deliver(shared: &Shared, endpoint: &str, json: String) {
    let shared = shared.clone();
    let endpoint = endpoint.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        if post(&endpoint, &json).await {
            let queue: Vec<String> = queued(&shared).into_iter().filter(|q| *q != json).collect();
            store_queue(&shared, &queue);
        }
    });
}

/// Whether the endpoint took the receipt (a 2xx within the timeout).
async fn post(endpoint: &str, json: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let init = js_sys::Object::new();
    let headers = js_sys::Object::new();
    let set = |o: &js_sys::Object, k: &str, v: &JsValue| {
        let _ = Reflect::set(o, &k.into(), v);
    };
    set(&headers, "content-type", &"application/json".into());
    set(&init, "method", &"POST".into());
    set(&init, "body", &json.into());
    set(&init, "headers", &headers);
    set(
        &init,
        "keepalive",
        &(json.len() <= MAX_KEEPALIVE_BYTES).into(),
    );
    set(&init, "credentials", &"same-origin".into());
    // AbortSignal.timeout where the browser has it.
    if let Some(signal) = Reflect::get(&window, &"AbortSignal".into())
        .ok()
        .and_then(|a| {
            let timeout = Reflect::get(&a, &"timeout".into()).ok()?;
            timeout
                .dyn_ref::<js_sys::Function>()?
                .call1(&a, &RECEIPT_TIMEOUT_MS.into())
                .ok()
        })
    {
        set(&init, "signal", &signal);
    }
    let Some(fetch) = Reflect::get(&window, &"fetch".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return false;
    };
    let Ok(promise) = fetch
        .call2(&window, &endpoint.into(), &init)
        .and_then(|p| p.dyn_into::<js_sys::Promise>())
    else {
        return false;
    };
    match wasm_bindgen_futures::JsFuture::from(promise).await {
        Ok(response) => Reflect::get(&response, &"ok".into())
            .ok()
            .and_then(|ok| ok.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    }
}
