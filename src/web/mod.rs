//! The WebAssembly shell: converts values between JS and the core and builds DOM nodes
//! from the rendered tree with `createElement`/`textContent` (never `innerHTML`), so it
//! works under Trusted Types and a strict CSP.

use crate::policy::{self, Format};
use crate::render::{self, Node};
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn input_format(input: Option<&str>, function: &str) -> Result<Option<Format>, JsError> {
    match input {
        None | Some("") | Some("auto") => Ok(None),
        Some(name) => Format::from_name(name).map(Some).ok_or_else(|| {
            JsError::new(&format!(
                "{function}: unknown input format `{name}` (text or markdown)"
            ))
        }),
    }
}

fn parse(
    text: &str,
    input: Option<&str>,
    function: &str,
) -> Result<crate::policy::Policy, JsError> {
    let format = input_format(input, function)?;
    policy::parse(text, format).map_err(|e| JsError::new(&format!("{function}: {e}")))
}

/// Compares two versions of a policy: `{level, sections: [{id, heading, change, level,
/// reasons, diff: [{op, text}]}], purposes: []}` as a plain JS object.
#[wasm_bindgen(js_name = comparePolicies)]
pub fn compare_policies(
    old_text: &str,
    new_text: &str,
    input: Option<String>,
) -> Result<JsValue, JsError> {
    let old = parse(old_text, input.as_deref(), "comparePolicies")?;
    let new = parse(new_text, input.as_deref(), "comparePolicies")?;
    crate::revision::compare(&old, &new)
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("comparePolicies: {e}")))
}

/// Parses a policy and renders it.
///
/// `format`: `"html"` (an HTML string), `"dom"` (a `DocumentFragment` built with
/// `createElement`, ready to append), or `"json"` (the model as a plain JS object).
/// `input`: `"text"` or `"markdown"`; sniffed from the content when omitted.
#[wasm_bindgen(js_name = renderPolicy)]
pub fn render_policy(text: &str, format: &str, input: Option<String>) -> Result<JsValue, JsError> {
    let input = match input.as_deref() {
        None | Some("") | Some("auto") => None,
        Some(name) => Some(Format::from_name(name).ok_or_else(|| {
            JsError::new(&format!(
                "renderPolicy: unknown input format `{name}` (text or markdown)"
            ))
        })?),
    };
    let parsed =
        policy::parse(text, input).map_err(|e| JsError::new(&format!("renderPolicy: {e}")))?;
    let options = render::Options::default();
    match format {
        "html" => Ok(JsValue::from_str(&render::html::fragment(
            &parsed, &options,
        ))),
        "dom" => {
            let document = web_sys::window()
                .and_then(|w| w.document())
                .ok_or_else(|| JsError::new("renderPolicy: \"dom\" needs a document"))?;
            let fragment = document.create_document_fragment();
            let node =
                build(&document, &render::tree::policy(&parsed, &options)).map_err(js_error)?;
            fragment.append_child(&node).map_err(js_error)?;
            Ok(fragment.into())
        }
        "json" => parsed
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| JsError::new(&format!("renderPolicy: {e}"))),
        other => Err(JsError::new(&format!(
            "renderPolicy: unknown format `{other}` (html, dom or json)"
        ))),
    }
}

/// Builds DOM nodes for a rendered tree. Element and attribute names come from the renderer
/// only; text goes in as text nodes.
pub(crate) fn build(document: &web_sys::Document, node: &Node) -> Result<web_sys::Node, JsValue> {
    match node {
        Node::Text(text) => Ok(document.create_text_node(text).into()),
        Node::Element {
            tag,
            attrs,
            children,
        } => {
            let element = document.create_element(tag)?;
            for (name, value) in attrs {
                element.set_attribute(name, value)?;
            }
            for child in children {
                element.append_child(&build(document, child)?)?;
            }
            Ok(element.into())
        }
    }
}

fn js_error(value: JsValue) -> JsError {
    JsError::new(&value.as_string().unwrap_or_else(|| format!("{value:?}")))
}
