//! Script gating: `<script type="text/plain" data-consent="analytics" [data-src]>` and
//! `<iframe|img data-consent data-src>` become live when their purposes are granted, never
//! before. A script is cloned with `createElement` and the page's nonce, so it runs under a
//! CSP that uses nonces; under Trusted Types its URL or text go through a policy named
//! `policy-consent` (the page's CSP must allow it: `trusted-types policy-consent`), created
//! only when there is a gated script to run.

use super::dom;
use crate::sorted_map::SortedSet;
use js_sys::{Function, Reflect};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement};

thread_local! {
    /// The Trusted Types policy, once made (`None` inside: there is no `trustedTypes`).
    static POLICY: RefCell<Option<Option<JsValue>>> = const { RefCell::new(None) };
}

/// The `policy-consent` Trusted Types policy, or `Ok(None)` where the browser has no
/// Trusted Types; `Err` when the page's CSP does not allow it.
fn trusted_types() -> Result<Option<JsValue>, JsValue> {
    if let Some(made) = POLICY.with(|p| p.borrow().clone()) {
        return Ok(made);
    }
    let window = web_sys::window().ok_or("no window")?;
    let factory = Reflect::get(&window, &"trustedTypes".into())?;
    let made = if factory.is_undefined() || factory.is_null() {
        None
    } else {
        let create: Function = Reflect::get(&factory, &"createPolicy".into())?.dyn_into()?;
        // The page's own markup is the source: the rules keep it as it is. `String` serves
        // as that identity, since `new Function` would need 'unsafe-eval'.
        let identity = Reflect::get(&window, &"String".into())?;
        let rules = js_sys::Object::new();
        Reflect::set(&rules, &"createScript".into(), &identity)?;
        Reflect::set(&rules, &"createScriptURL".into(), &identity)?;
        Some(create.call2(&factory, &"policy-consent".into(), &rules)?)
    };
    POLICY.with(|p| *p.borrow_mut() = Some(made.clone()));
    Ok(made)
}

/// A value for a script sink: the string, or the policy's trusted object for it.
fn trusted(kind: &str, value: &str) -> Result<JsValue, JsValue> {
    match trusted_types()? {
        None => Ok(JsValue::from_str(value)),
        Some(policy) => {
            let method: Function = Reflect::get(&policy, &kind.into())?.dyn_into()?;
            method.call1(&policy, &value.into())
        }
    }
}

/// Activates every gated element whose purposes (space-separated) are all granted.
pub fn activate(granted: &SortedSet<String>) {
    let Ok(document) = dom::document() else {
        return;
    };
    let Some(root) = document.document_element() else {
        return;
    };
    let nonce = page_nonce(&root);
    for element in dom::find_all(&root, "[data-consent]:not([data-pc-activated])") {
        let purposes = element.get_attribute("data-consent").unwrap_or_default();
        let all_granted =
            purposes.split_whitespace().all(|p| granted.contains(p)) && !purposes.trim().is_empty();
        if !all_granted {
            continue;
        }
        let _ = element.set_attribute("data-pc-activated", "");
        if element.tag_name().eq_ignore_ascii_case("script") {
            activate_script(&document, &element, nonce.as_deref());
        } else if let Some(src) = element.get_attribute("data-src") {
            let _ = element.set_attribute("src", &src);
        }
    }
}

/// The nonce the page's own scripts carry, for gated scripts that have none.
fn page_nonce(root: &Element) -> Option<String> {
    dom::find(root, "script[nonce]")
        .and_then(|s| s.dyn_into::<HtmlElement>().ok())
        .map(|s| s.nonce())
        .filter(|n| !n.is_empty())
}

fn activate_script(document: &web_sys::Document, original: &Element, nonce: Option<&str>) {
    let Ok(script) = document.create_element("script") else {
        return;
    };
    let attributes = original.attributes();
    for i in 0..attributes.length() {
        if let Some(attr) = attributes.item(i) {
            let name = attr.name();
            if !matches!(
                name.as_str(),
                "type" | "data-consent" | "data-src" | "data-type" | "data-pc-activated" | "nonce"
            ) {
                let _ = script.set_attribute(&name, &attr.value());
            }
        }
    }
    if let Some(kind) = original.get_attribute("data-type") {
        let _ = script.set_attribute("type", &kind);
    }
    let own_nonce = original
        .dyn_ref::<HtmlElement>()
        .map(|e| e.nonce())
        .filter(|n| !n.is_empty());
    if let (Some(nonce), Some(script)) = (
        own_nonce.as_deref().or(nonce),
        script.dyn_ref::<HtmlElement>(),
    ) {
        script.set_nonce(nonce);
    }
    let sink = match original.get_attribute("data-src") {
        Some(src) => {
            trusted("createScriptURL", &src).and_then(|v| Reflect::set(&script, &"src".into(), &v))
        }
        None => trusted("createScript", &original.text_content().unwrap_or_default())
            .and_then(|v| Reflect::set(&script, &"text".into(), &v)),
    };
    if sink.is_err() {
        web_sys::console::warn_1(&"policy-consent: a gated script was not run: under Trusted Types the page's CSP must allow the policy `policy-consent` (trusted-types policy-consent)".into());
        return;
    }
    let _ = script.set_attribute(
        "data-pc-from",
        original
            .get_attribute("data-consent")
            .as_deref()
            .unwrap_or(""),
    );
    if let Some(parent) = original.parent_node() {
        let _ = parent.insert_before(&script, original.next_sibling().as_ref());
    }
}
