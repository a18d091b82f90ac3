//! Script gating: `<script type="text/plain" data-consent="analytics" [data-src]>` and
//! `<iframe|img data-consent data-src>` become live when their purposes are granted, never
//! before. A script is cloned with `createElement` and the page's nonce, so it runs under a
//! CSP that uses nonces; under Trusted Types its URL or text go through a policy named
//! `policy-consent` (the page's CSP must allow it: `trusted-types policy-consent`), created
//! only when there is a gated script to run. Until then a gated iframe (or an element with
//! `data-consent-placeholder="on"`) has a placeholder before it, saying what it needs, with a
//! button to allow that; the stylesheet hides the content behind one.

use super::dom;
use super::strings::Strings;
use crate::consent::{Lock, PurposeView};
use crate::policy::manifest::Manifest;
use crate::sorted_map::SortedSet;
use js_sys::{Array, Function, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;
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

// The placeholders' DOM work is a JS snippet: the same in Rust cost 3.1 KiB gzip of the
// consent app. It builds nodes with createElement/textContent, as the shell does.
#[wasm_bindgen(inline_js = "export function placeholders(...args) {
  // Most pages have no gated content to stand in for: then the work below is not even
  // compiled (4 KB of the page's heap).
  if (document.querySelector('iframe[data-consent],[data-consent-placeholder=on],[data-pc=placeholder]')) fill_placeholders(...args);
}
function fill_placeholders(text, ids, titles, never, words, click) {
  const [allow, settings, lock] = words;
  for (const old of document.querySelectorAll('[data-pc=placeholder]')) {
    const content = old.nextElementSibling;
    if (content && !content.hasAttribute('data-pc-activated')) continue;
    const focused = old.contains(document.activeElement);
    old.remove();
    if (focused) content?.focus();
  }
  const make = (parent, tag, className, text) => {
    const element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    parent.append(element);
    return element;
  };
  const gated = 'iframe[data-consent]:not([data-consent-placeholder=off]),[data-consent][data-consent-placeholder=on]:not(script)';
  for (const content of document.querySelectorAll(gated)) {
    // Nothing goes beside the root element.
    if (content.hasAttribute('data-pc-activated') || !content.parentElement) continue;
    const wanted = content.getAttribute('data-consent').split(/\\s+/).filter(Boolean);
    const at = wanted.map((id) => ids.indexOf(id));
    const forbidden = at.some((i) => never[i]);
    const key = wanted.join(' ');
    let old = content.previousElementSibling;
    if (old?.dataset.pc !== 'placeholder') old = null;
    if (old && old.dataset.pcFor === key && old.hasAttribute('data-pc-lock') === forbidden) continue;
    old?.remove();
    if (!wanted.length || at.includes(-1)) continue;
    const box = document.createElement('div');
    box.className = 'pc-placeholder ' + (content.getAttribute('class') ?? '');
    box.dataset.pc = 'placeholder';
    box.dataset.pcFor = key;
    box.setAttribute('role', 'group');
    const title = content.getAttribute('title');
    if (title) {
      box.setAttribute('aria-label', title);
      make(box, 'p', 'pc-title', title);
    }
    make(box, 'p', 'pc-text', text.replace('{purposes}', at.map((i) => titles[i]).join(', ')));
    if (forbidden) {
      box.dataset.pcLock = 'forbidden';
      make(box, 'p', 'pc-lock', lock);
    }
    const actions = make(box, 'div', 'pc-actions', '');
    const button = (action, className, label) => {
      const element = make(actions, 'button', className, label);
      element.type = 'button';
      element.dataset.pcAction = action;
    };
    if (!forbidden) button('allow', 'pc-button pc-primary', allow);
    button('open-settings', 'pc-button', settings);
    box.addEventListener('click', click);
    content.before(box);
  }
}")]
extern "C" {
    /// Puts a placeholder before each piece of gated content not yet live (iframes, unless
    /// `data-consent-placeholder="off"`; other elements with `"on"`), rebuilds those whose
    /// lock changed (a minor found), and removes those whose content went live, moving focus
    /// from a removed one to its content. Purpose `i` is `ids[i]`, titled `titles[i]`, and
    /// `never[i]` when never for this visitor (a minor): its placeholder offers no button.
    /// Content naming a purpose not in `ids` gets none, since nothing could allow it. `text`
    /// has `{purposes}` for their titles; `words` are the two buttons' labels and the lock's
    /// reason. (`text` is a `&str`, so that wasm-bindgen makes a shim in the glue rather than
    /// importing the snippet as a module of its own.)
    #[wasm_bindgen(js_name = placeholders, catch)]
    fn sync_placeholders(
        text: &str,
        ids: Array,
        titles: Array,
        never: Array,
        words: Array,
        click: &Function,
    ) -> Result<(), JsValue>;
}

/// The placeholders of gated content as the purposes stand now, to be put on the page with
/// nothing borrowed: moving focus runs the page's handlers, which may call the API.
pub struct Placeholders {
    text: String,
    ids: Array,
    titles: Array,
    never: Array,
    words: Array,
    /// The app's click handler (the buttons are `allow` and `open-settings`).
    click: Function,
}

impl Placeholders {
    /// What they say: the purposes' titles in the UI's language and which are never for
    /// this visitor (a minor), and the words.
    pub fn new(s: &Strings, manifest: &Manifest, views: &[PurposeView], click: Function) -> Self {
        let (ids, titles, never) = (Array::new(), Array::new(), Array::new());
        // `Engine::purposes` gives the views in the manifest's order.
        for (p, view) in manifest.purposes.iter().zip(views) {
            ids.push(&p.id.as_str().into());
            titles.push(&p.title.get(s.locale()).into());
            never.push(&(view.lock == Some(Lock::ForbiddenForMinors)).into());
        }
        let words = Array::new();
        for key in ["placeholder.allow", "open-settings", "lock.forbidden"] {
            words.push(&s.get(key).into());
        }
        Placeholders {
            text: s.get("placeholder.text").to_string(),
            ids,
            titles,
            never,
            words,
            click,
        }
    }

    /// Puts them on the page (a page whose markup makes the DOM refuse one is warned of).
    pub fn show(self) {
        let (text, click) = (&self.text, &self.click);
        if let Err(e) =
            sync_placeholders(text, self.ids, self.titles, self.never, self.words, click)
        {
            web_sys::console::warn_2(
                &"policy-consent: a placeholder could not be shown".into(),
                &e,
            );
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
