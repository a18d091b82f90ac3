//! Script gating: `<script type="text/plain" data-consent="analytics" [data-src]>` and
//! `<iframe|img data-consent data-src>` become live when their purposes are granted, never
//! before. A script is cloned with `createElement` and the page's nonce, so it runs under a
//! CSP that uses nonces.

use super::dom;
use std::collections::BTreeSet;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Activates every gated element whose purposes (space-separated) are all granted.
pub fn activate(granted: &BTreeSet<String>) {
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
    match original.get_attribute("data-src") {
        Some(src) => {
            let _ = script.set_attribute("src", &src);
        }
        None => script.set_text_content(original.text_content().as_deref()),
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
