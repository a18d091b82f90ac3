//! The policy viewer and the change notice's detail, in the consent UI: fetches the texts,
//! has a fetched module render them (the view module; the full module when sections changed
//! since the visitor's last consent are to be marked), and filters sections by a search.

use super::app::Shared;
use super::dom;
use super::lazy::{self, Module, fetch_text, input_of};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlDialogElement, HtmlElement};

/// Starts the viewer's rendering, once (the rendering made ahead, or a module and the text):
/// the person is about to open the viewer, on the upcoming version or the current one.
pub fn prefetch(shared: &Shared, upcoming: bool) {
    // Focus moves inside our own renders (synchronous focusin while the app is borrowed):
    // start after the current task.
    let shared = shared.clone();
    spawn_local(async move {
        let started = match shared.try_borrow_mut() {
            Ok(mut app) => std::mem::replace(&mut app.prefetched, true),
            Err(_) => true,
        };
        if started {
            return;
        }
        // The rendering itself, kept for the click: its first run also compiles the module's
        // code, most of what a click would otherwise wait for.
        if shared.borrow().policy_loaded != Some(upcoming) {
            let _ = view(&shared, upcoming);
        }
    });
}

/// What a rendering of the policy depends on besides the texts: the announced version or
/// the current one, the version it is marked against, the language.
#[derive(Clone, PartialEq)]
pub struct ViewKey {
    upcoming: bool,
    consented: Option<String>,
    lang: String,
}

/// The rendering for the app's present state (a promise of a module's `policyView` result):
/// the one made ahead (or in flight) when it is still for this state, else a new one.
fn view(shared: &Shared, upcoming: bool) -> js_sys::Promise {
    let key = {
        let app = shared.borrow();
        ViewKey {
            upcoming,
            consented: app.engine.consented_version().map(str::to_string),
            lang: app.strings.locale().to_string(),
        }
    };
    if let Some((made_for, promise)) = &shared.borrow().view {
        if *made_for == key {
            return promise.clone();
        }
    }
    let label = shared.borrow().strings.get("policy.changed").to_string();
    // Changes are marked in the announced version, and since the version last consented to
    // while its notice stands; anything else has nothing to mark (`texts` gives no old text):
    // the rendering made ahead, or the view module, which has no comparison.
    let marked = upcoming || key.consented.is_some();
    let module = if marked { Module::Full } else { Module::View };
    let made_ahead = shared
        .borrow()
        .options
        .view_url
        .as_ref()
        .filter(|_| !marked)
        .map(super::app::Link::href);
    let render = {
        let shared = shared.clone();
        let lang = key.lang.clone();
        async move {
            if let Some(url) = made_ahead {
                match made_ahead_view(&shared, &url, &lang).await {
                    Ok(view) => return Ok(view),
                    Err(e) => web_sys::console::warn_1(
                        &format!("policy-consent: {url}: {e}; rendering the policy's text instead")
                            .into(),
                    ),
                }
            }
            // The module loads while the texts arrive.
            spawn_local(async move {
                let _ = lazy::preload(module).await;
            });
            let (text, url, old) = texts(&shared, upcoming).await?;
            lazy::call(
                module,
                "policyView",
                &[
                    text.into(),
                    input_of(url.as_deref()),
                    old.map_or(JsValue::UNDEFINED, JsValue::from),
                    lang.into(),
                    label.into(),
                ],
            )
            .await
        }
    };
    let promise = {
        let shared = shared.clone();
        let key = key.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let result = render.await;
            // A failed one is not kept: the next open tries again.
            if result.is_err() {
                let mut app = shared.borrow_mut();
                if app
                    .view
                    .as_ref()
                    .is_some_and(|(made_for, _)| *made_for == key)
                {
                    app.view = None;
                }
            }
            result.map_err(|e| JsValue::from_str(&e))
        })
    };
    shared.borrow_mut().view = Some((key, promise.clone()));
    promise
}

/// The viewer's rendering made ahead of time (`render --format view`), as `policyView`
/// returns one (`{node, title}`), when it is for this policy's version in `lang`.
async fn made_ahead_view(shared: &Shared, url: &str, lang: &str) -> Result<JsValue, String> {
    use crate::render::view::{self, Rendering, Stamp};
    let fetched = view::parse(&fetch_text(url).await?)?;
    let want = {
        let app = shared.borrow();
        let policy = &app.engine.manifest().policy;
        let url = app.options.policy_href();
        Stamp {
            id: policy.id.clone(),
            version: policy.version.clone(),
            file: view::file_name(&url.ok_or("the policy is given as text, not a file")?)
                .to_string(),
        }
    };
    let (made, made_for, schema) = (&fetched.policy, &fetched.lang, fetched.schema);
    if !Rendering::fits(schema, made, made_for, &want, lang) {
        return Err(format!(
            "made for {} {} {} in {made_for} (schema {schema}), not {} {} {} in {lang}",
            made.id, made.version, made.file, want.id, want.version, want.file
        ));
    }
    let node = dom::from_tree(&fetched.tree).map_err(|_| "cannot build it".to_string())?;
    Ok(dom::view_result(&node, &fetched.title))
}

/// The current policy's text: given, cached, or fetched (and cached).
async fn current_text(shared: &Shared) -> Result<String, String> {
    let (url, text, cached) = {
        let app = shared.borrow();
        (
            app.options.policy_href(),
            app.options.policy_text.clone(),
            app.policy_text.clone(),
        )
    };
    if let Some(text) = text.or(cached) {
        return Ok(text);
    }
    let url = url.ok_or("no policy given")?;
    let text = fetch_text(&url).await.map_err(|e| format!("{url}: {e}"))?;
    shared.borrow_mut().policy_text = Some(text.clone());
    Ok(text)
}

/// How long a click waits for the rendering before the viewer opens with a loading note: a
/// rendering ready by then opens with the dialog, so the page lays out and paints the dialog
/// once, not a placeholder first (on a first open, while the module starts, that was
/// ~15 ms of the main thread's time before the rendering could run).
const LOADING_NOTE_AFTER_MS: u32 = 100;

/// Opens the viewer at `section` (an element id), loading the policy the first time; with
/// `upcoming`, the announced version with its changes marked.
pub fn open(shared: &Shared, section: Option<String>, upcoming: bool) {
    let dialog = {
        let mut app = shared.borrow_mut();
        let existing = dom::find(&app.root, "[data-pc=\"policy\"]");
        let dialog = match existing {
            Some(d) => d,
            None => match super::ui::policy_dialog(&app.strings)
                .and_then(|d| app.root.append_child(&d).map(|_| d))
            {
                Ok(d) => d,
                Err(_) => return,
            },
        };
        let Ok(dialog) = dialog.dyn_into::<HtmlDialogElement>() else {
            return;
        };
        app.remember_opener();
        dialog
    };
    if shared.borrow().policy_loaded == Some(upcoming) {
        show(&dialog);
        scroll_to(&dialog, section.as_deref());
        return;
    }
    let rendering = view(shared, upcoming);
    let shared = shared.clone();
    spawn_local(async move {
        let body = dom::find(&dialog, "[data-pc-policy-body]");
        let first = js_sys::Promise::race(&js_sys::Array::of2(
            &rendering,
            &lazy::after(LOADING_NOTE_AFTER_MS),
        ));
        // `undefined`: the wait ran out first, so the loading note shows meanwhile.
        if wasm_bindgen_futures::JsFuture::from(first)
            .await
            .is_ok_and(|v| v.is_undefined())
        {
            show(&dialog);
        }
        let shown = wasm_bindgen_futures::JsFuture::from(rendering).await;
        // A node goes on the page once: the next rendering is a new one.
        shared.borrow_mut().view = None;
        let loaded = match shown {
            Ok(view) => {
                let node = js_sys::Reflect::get(&view, &"node".into())
                    .ok()
                    .and_then(|n| n.dyn_into::<web_sys::Node>().ok());
                let title = js_sys::Reflect::get(&view, &"title".into())
                    .ok()
                    .and_then(|t| t.as_string())
                    .filter(|t| !t.is_empty());
                if let (Some(title), Some(heading)) =
                    (title, dom::find(&dialog, "#pc-policy-title"))
                {
                    heading.set_text_content(Some(&title));
                }
                if let (Some(body), Some(node)) = (body, node) {
                    dom::clear(&body);
                    let _ = body.append_child(&node);
                }
                shared.borrow_mut().policy_loaded = Some(upcoming);
                true
            }
            Err(e) => {
                if let Some(body) = body {
                    let e = e.as_string().unwrap_or_default();
                    let message = format!("{} ({e})", shared.borrow().strings.get("policy.error"));
                    body.set_text_content(Some(&message));
                }
                false
            }
        };
        show(&dialog);
        if loaded {
            scroll_to(&dialog, section.as_deref());
        }
    });
}

/// Opens the viewer's dialog, unless it is open.
fn show(dialog: &HtmlDialogElement) {
    if !dialog.open() {
        let _ = dialog.show_modal();
    }
}

fn scroll_to(dialog: &HtmlDialogElement, section: Option<&str>) {
    let target = section.and_then(|id| {
        let escaped: String = id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        dom::find(dialog, &format!("[id=\"{escaped}\"]"))
    });
    if let Some(target) = target {
        target.scroll_into_view();
        if let Some(heading) =
            dom::find(&target, "h3, h4, h5, h6").and_then(|h| h.dyn_into::<HtmlElement>().ok())
        {
            let _ = heading.set_attribute("tabindex", "-1");
            let _ = heading.focus();
        }
    }
}

/// The policy to show (its text and URL) and the older text to mark changes against: the
/// version of the visitor's last consent when it is published in `versions/`, or, for the
/// advance notice, the announced version against the current one.
async fn texts(
    shared: &Shared,
    upcoming: bool,
) -> Result<(String, Option<String>, Option<String>), String> {
    let (url, versions, from, upcoming_source) = {
        let app = shared.borrow();
        let manifest = app.engine.manifest();
        let from = app.engine.consented_version().map(str::to_string);
        let upcoming_source = manifest
            .policy
            .upcoming
            .as_ref()
            .and_then(|u| u.source.clone());
        (
            app.options.policy_href(),
            app.options.versions_url(),
            from,
            upcoming_source,
        )
    };
    let current = current_text(shared).await?;
    if upcoming {
        let (Some(base), Some(source)) = (&url, upcoming_source) else {
            return Ok((current, url, None));
        };
        let next_url = web_sys::Url::new_with_base(&source, base)
            .map(|u| u.href())
            .map_err(|_| format!("{source}: not a URL"))?;
        let next = fetch_text(&next_url)
            .await
            .map_err(|e| format!("{next_url}: {e}"))?;
        return Ok((next, Some(next_url), Some(current)));
    }
    let old = match (from, versions) {
        (Some(from), Some(versions)) => {
            let ext = url
                .as_deref()
                .and_then(|u| u.rsplit_once('.'))
                .map_or("txt", |(_, e)| e);
            fetch_text(&format!("{versions}{from}.{ext}")).await.ok()
        }
        _ => None,
    };
    Ok((current, url, old))
}

/// Fills the material notice's list of changed sections with their word diffs (or their
/// names, when the old version's text is not published).
pub fn fill_notice(shared: &Shared) {
    let shared = shared.clone();
    spawn_local(async move {
        let Some(container) = dom::find(&shared.borrow().root, "[data-pc-changes]") else {
            return;
        };
        let listed: Vec<String> = match shared.borrow().engine.prompt() {
            crate::consent::Prompt::ChangeNotice { sections, .. } => sections,
            _ => return,
        };
        let changes = async {
            let (text, url, old) = texts(&shared, false).await?;
            let listed: js_sys::Array = listed.iter().map(|s| JsValue::from_str(s)).collect();
            lazy::call(
                Module::Full,
                "noticeChanges",
                &[
                    old.map_or(JsValue::UNDEFINED, JsValue::from),
                    text.into(),
                    input_of(url.as_deref()),
                    listed.into(),
                ],
            )
            .await
        };
        match changes.await {
            Ok(fragment) => {
                dom::clear(&container);
                if let Ok(node) = fragment.dyn_into::<web_sys::Node>() {
                    let _ = container.append_child(&node);
                }
            }
            Err(e) => container.set_text_content(Some(&e)),
        }
    });
}

/// Shows only the sections whose text contains the query (case-insensitive; any script).
pub fn filter(root: &Element, query: &str) {
    // The crate's lowercasing and search: std's would bring their Unicode tables into the app.
    let query = crate::lowercase::lower(query.trim());
    let Some(dialog) = dom::find(root, "[data-pc=\"policy\"]") else {
        return;
    };
    let mut shown = 0;
    for section in dom::find_all(&dialog, "section.pc-section") {
        let text = crate::lowercase::lower(&section.text_content().unwrap_or_default());
        let matches = query.is_empty() || crate::search::contains(&text, &query);
        if matches {
            shown += 1;
            let _ = section.remove_attribute("hidden");
        } else {
            let _ = section.set_attribute("hidden", "");
        }
    }
    if let Some(toc) = dom::find(&dialog, ".pc-toc") {
        let _ = if query.is_empty() {
            toc.remove_attribute("hidden")
        } else {
            toc.set_attribute("hidden", "")
        };
    }
    if let Some(empty) = dom::find(&dialog, "[data-pc-empty]") {
        let _ = if shown == 0 {
            empty.remove_attribute("hidden")
        } else {
            empty.set_attribute("hidden", "")
        };
    }
}
