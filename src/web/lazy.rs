//! The modules the consent app fetches on first need from beside its own: the view module
//! (parser, renderer: the policy viewer) and the full module (those and the comparison). The
//! consent UI never waits for them before the banner or a decision, only to show the policy,
//! a change's words, or to compare an old version the changelog does not cover.

use crate::consent::Assessment;
use crate::policy::manifest::Manifest;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

// A module's glue and its Wasm, beside this module's glue, loaded once: the Wasm downloads
// and compiles (streaming, as its bytes arrive) while the glue loads, not after. Served as
// another type, it goes to the glue as a response (whose warning says why). `import()` of a
// module file, so no `eval` and nothing a strict CSP forbids. A failed load is forgotten, so
// the next need tries again. The full module has every export of the view module: once it is
// loaded or on its way, it serves a need for the view module too.
#[wasm_bindgen(inline_js = "const modules = {};
export function load_module(base, name) {
  if (name === 'policy_consent_view' && modules.policy_consent_full) return modules.policy_consent_full;
  return modules[name] ??= (async () => {
    const wasm = fetch(new URL(name + '_bg.wasm', base)).then((response) =>
      response.ok && /^application\\/wasm\\b/.test(response.headers.get('Content-Type'))
        ? WebAssembly.compileStreaming(response) : response);
    wasm.catch(() => {});
    const module = await import(new URL(name + '.js', base).href);
    await module.default({ module_or_path: wasm });
    return module;
  })().catch((error) => { delete modules[name]; throw error; });
}
export function after(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }")]
extern "C" {
    /// The module's namespace (`name` is its files' stem), once initialised.
    fn load_module(base: &str, name: &str) -> Promise;
    /// A promise resolved with `undefined` after `ms` milliseconds.
    pub fn after(ms: u32) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    /// The URL of this module's JS glue; the modules it fetches sit beside it.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: js_sys::JsString;
}

/// A module fetched on need.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Module {
    /// Parser and renderer: the viewer's rendering with nothing marked (`policyView`), 69 KiB
    /// gzip with its glue where the full module is 110.
    View,
    /// The view module and the comparison: changes marked, word diffs, assessments.
    Full,
}

impl Module {
    fn stem(self) -> &'static str {
        match self {
            Module::View => "policy_consent_view",
            Module::Full => "policy_consent_full",
        }
    }
}

fn text(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the module failed".into())
}

/// A module's namespace, fetching and initialising it the first time.
async fn load(module: Module) -> Result<JsValue, String> {
    let base: String = GLUE_URL.with(|u| u.into());
    JsFuture::from(load_module(&base, module.stem()))
        .await
        .map_err(text)
}

/// Fetches and initialises a module ahead of need.
pub async fn preload(module: Module) -> Result<(), String> {
    load(module).await.map(|_| ())
}

/// Calls an export of a module.
pub async fn call(module: Module, name: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let namespace = load(module).await?;
    let function: Function = Reflect::get(&namespace, &name.into())
        .map_err(text)?
        .dyn_into()
        .map_err(text)?;
    let args: js_sys::Array = args.iter().collect();
    function.apply(&JsValue::NULL, &args).map_err(text)
}

/// Fetches a URL's text; errors name the HTTP status.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(text)?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let body = JsFuture::from(response.text().map_err(text)?)
        .await
        .map_err(text)?;
    body.as_string().ok_or_else(|| "not text".into())
}

/// `markdown` or `text` by a URL's extension, for the fetched modules' parser.
pub fn input_of(url: Option<&str>) -> JsValue {
    let path = url.map(|u| u.split(['?', '#']).next().unwrap_or(u).to_ascii_lowercase());
    match path.as_deref() {
        Some(p) if p.ends_with(".md") || p.ends_with(".markdown") => "markdown".into(),
        Some(p) if p.ends_with(".txt") => "text".into(),
        _ => JsValue::UNDEFINED,
    }
}

/// How the revision from a published old version (`versions/<old>.<ext>`) to the current
/// policy affects consent; `None` when either text is unavailable.
pub async fn assess_published(
    manifest: &Manifest,
    old: &str,
    url: Option<&str>,
    current: Option<&str>,
    versions: Option<&str>,
) -> Option<Assessment> {
    let versions = versions?;
    let ext = url
        .and_then(|u| u.rsplit_once('.'))
        .map_or("txt", |(_, e)| e);
    let old_text = fetch_text(&format!("{versions}{old}.{ext}")).await.ok()?;
    let new_text = match (current, url) {
        (Some(t), _) => t.to_string(),
        (None, Some(u)) => fetch_text(u).await.ok()?,
        _ => return None,
    };
    let citations: Vec<(&str, &[String])> = manifest.citations().collect();
    let citations = super::to_js(&citations).ok()?;
    let result = call(
        Module::Full,
        "assessRevision",
        &[old_text.into(), new_text.into(), input_of(url), citations],
    )
    .await
    .ok()?;
    serde_wasm_bindgen::from_value(result).ok()
}
