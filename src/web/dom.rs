//! A small element builder over `createElement`, `setAttribute` and text nodes: the only way
//! the web shell makes markup, so no string ever becomes HTML.

use crate::render::Node as Tree;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Node};

/// The page's document.
pub fn document() -> Result<Document, JsValue> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))
}

/// An element being built; the first failure is kept and returned by [`H::build`].
pub struct H(Result<Element, JsValue>);

/// Starts an element.
pub fn h(tag: &str) -> H {
    H(document().and_then(|d| d.create_element(tag)))
}

impl H {
    /// Sets an attribute.
    pub fn attr(self, name: &str, value: &str) -> H {
        H(self
            .0
            .and_then(|e| e.set_attribute(name, value).map(|()| e)))
    }

    /// Sets a boolean attribute when `on`.
    pub fn flag(self, name: &str, on: bool) -> H {
        if on { self.attr(name, "") } else { self }
    }

    /// Sets the class attribute.
    pub fn class(self, class: &str) -> H {
        self.attr("class", class)
    }

    /// Appends text.
    pub fn text(self, text: &str) -> H {
        H(self.0.and_then(|e| {
            let node = document()?.create_text_node(text);
            e.append_child(&node).map(|_| e)
        }))
    }

    /// Appends a child.
    pub fn child(self, child: Result<Element, JsValue>) -> H {
        H(self.0.and_then(|e| {
            let child = child?;
            e.append_child(&child)?;
            Ok(e)
        }))
    }

    /// Appends children.
    pub fn children(self, children: impl IntoIterator<Item = Result<Element, JsValue>>) -> H {
        children.into_iter().fold(self, H::child)
    }

    /// The element.
    pub fn build(self) -> Result<Element, JsValue> {
        self.0
    }
}

// One call for a whole rendered tree: the tree crosses as one JsonML string and JS makes
// the nodes. Node by node from Wasm, the Firefox notice's ~600 elements and their text took
// thousands of boundary calls, each decoding its strings (15 ms warm, ~30 ms on the first
// run of the glue); `createElement`, `setAttribute` and text nodes all the same.
#[wasm_bindgen(inline_js = "export function build_tree(json) {
  const make = (node) => {
    if (typeof node === 'string') return document.createTextNode(node);
    const element = document.createElement(node[0]);
    for (const [name, value] of Object.entries(node[1])) element.setAttribute(name, value);
    for (let i = 2; i < node.length; i++) element.appendChild(make(node[i]));
    return element;
  };
  return make(JSON.parse(json));
}")]
extern "C" {
    #[wasm_bindgen(catch)]
    fn build_tree(json: &str) -> Result<Node, JsValue>;
}

/// Builds DOM nodes for a rendered tree. Element and attribute names come from the renderer
/// only (or, for a rendering made ahead, are checked against it as it is read); text goes
/// in as text nodes.
pub fn from_tree(node: &Tree) -> Result<Node, JsValue> {
    build_tree(&super::json::to_json(node))
}

/// The viewer's rendering as the app takes it, from a fetched module (`policyView`) or made
/// ahead: `{ node, title }`.
pub fn view_result(node: &Node, title: &str) -> JsValue {
    let result = js_sys::Object::new();
    // Setting a property of a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&result, &"node".into(), node);
    let _ = js_sys::Reflect::set(&result, &"title".into(), &title.into());
    result.into()
}

/// The element matching `selector` under `root`, if any.
pub fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

/// Every element matching `selector` under `root`.
pub fn find_all(root: &Element, selector: &str) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

/// Removes all children.
pub fn clear(element: &Element) {
    while let Some(child) = element.first_child() {
        let _ = element.remove_child(&child);
    }
}
