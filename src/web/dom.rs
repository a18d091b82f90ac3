//! A small element builder over `createElement`, `setAttribute` and text nodes: the only way
//! the web shell makes markup, so no string ever becomes HTML.

#[cfg(feature = "full")]
use crate::render::Node as Tree;
use wasm_bindgen::{JsCast, JsValue};
#[cfg(feature = "full")]
use web_sys::Node;
use web_sys::{Document, Element};

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

/// Builds DOM nodes for a rendered tree. Element and attribute names come from the renderer
/// only; text goes in as text nodes.
#[cfg(feature = "full")]
pub fn from_tree(document: &Document, node: &Tree) -> Result<Node, JsValue> {
    match node {
        Tree::Text(text) => Ok(document.create_text_node(text).into()),
        Tree::Element {
            tag,
            attrs,
            children,
        } => {
            let element = document.create_element(tag)?;
            for (name, value) in attrs {
                element.set_attribute(name, value)?;
            }
            for child in children {
                element.append_child(&from_tree(document, child)?)?;
            }
            Ok(element.into())
        }
    }
}

/// Builds a fetched rendering's JsonML tree (see [`crate::render::view`]) with only the
/// renderer's tags and attributes and links it could make, as the core checks them; the
/// first thing refused is the error.
pub fn from_view(
    document: &Document,
    value: &JsValue,
    depth: usize,
) -> Result<web_sys::Node, String> {
    use crate::render::view;
    use js_sys::{Array, Object};
    if let Some(text) = value.as_string() {
        return Ok(document.create_text_node(&view::checked_text(&text)).into());
    }
    if depth > view::MAX_DEPTH {
        return Err(format!("nested deeper than {}", view::MAX_DEPTH));
    }
    let parts = value
        .dyn_ref::<Array>()
        .ok_or("a node neither text nor an element")?;
    let tag = parts.get(0).as_string().ok_or("an element without a tag")?;
    let element = document
        .create_element(view::checked_tag(&tag)?)
        .map_err(|_| format!("cannot create <{tag}>"))?;
    let attrs = parts.get(1);
    if Array::is_array(&attrs) || !attrs.is_object() {
        return Err(format!("<{tag}>: attributes are not an object"));
    }
    for entry in Object::entries(attrs.unchecked_ref()).iter() {
        let entry: Array = entry.unchecked_into();
        let name = entry.get(0).as_string().unwrap_or_default();
        let value = entry
            .get(1)
            .as_string()
            .ok_or_else(|| format!("<{tag} {name}>: not a string"))?;
        element
            .set_attribute(view::checked_attr(&name, &value)?, &value)
            .map_err(|_| format!("<{tag} {name}>: refused"))?;
    }
    for child in parts.iter().skip(2) {
        element
            .append_child(&from_view(document, &child, depth + 1)?)
            .map_err(|_| format!("<{tag}>: cannot append"))?;
    }
    Ok(element.into())
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
