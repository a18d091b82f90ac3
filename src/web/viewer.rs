//! The policy viewer: fetches the policy, renders it through the core's tree (table of
//! contents, anchors), marks the sections changed since the visitor's last consent, filters
//! sections by a search, and fills the material notice with word diffs.

use super::app::Shared;
use super::dom;
use super::fetch_text;
use crate::policy::{self, Format, Policy};
use crate::render;
use crate::revision::{self, Level, Revision};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlDialogElement, HtmlElement};

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
        app.opener = dom::document()
            .ok()
            .and_then(|d| d.active_element())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        if !dialog.open() {
            let _ = dialog.show_modal();
        }
        dialog
    };
    let loaded = shared.borrow().policy_loaded;
    if loaded == Some(upcoming) {
        scroll_to(&dialog, section.as_deref());
        return;
    }
    let shared = shared.clone();
    spawn_local(async move {
        let body = dom::find(&dialog, "[data-pc-policy-body]");
        let loaded = if upcoming {
            load_upcoming(&shared).await
        } else {
            load(&shared).await
        };
        match loaded {
            Ok((policy, revision)) => {
                let lang = shared.borrow().strings.locale().to_string();
                let mut options = render::Options::for_lang(&lang);
                // The dialog's <h2> carries the title; sections follow as <h3>.
                options.title = false;
                options.heading_base = 2;
                if let Some(title) =
                    dom::find(&dialog, "#pc-policy-title").filter(|_| !policy.title.is_empty())
                {
                    title.set_text_content(Some(&policy.title));
                }
                if let Some(revision) = &revision {
                    let label = shared.borrow().strings.get("policy.changed").to_string();
                    for change in revision.changed(Level::Minor) {
                        options.changed.insert(
                            change.id.clone(),
                            render::tree::ChangeMark {
                                level: change.level.to_string(),
                                label: label.clone(),
                            },
                        );
                    }
                }
                let tree = render::tree::policy(&policy, &options);
                if let (Some(body), Ok(document)) = (body, dom::document()) {
                    if let Ok(node) = dom::from_tree(&document, &tree) {
                        dom::clear(&body);
                        let _ = body.append_child(&node);
                    }
                }
                shared.borrow_mut().policy_loaded = Some(upcoming);
                scroll_to(&dialog, section.as_deref());
            }
            Err(e) => {
                if let Some(body) = body {
                    let text = format!("{} ({e})", shared.borrow().strings.get("policy.error"));
                    body.set_text_content(Some(&text));
                }
            }
        }
    });
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
            dom::find(&target, "h2, h3, h4, h5, h6").and_then(|h| h.dyn_into::<HtmlElement>().ok())
        {
            let _ = heading.set_attribute("tabindex", "-1");
            let _ = heading.focus();
        }
    }
}

/// The format of a policy file by its URL.
fn format_of(url: Option<&str>) -> Option<Format> {
    url.and_then(|u| Format::from_path(u.split(['?', '#']).next().unwrap_or(u)))
}

/// The current policy and, when the visitor had consented under an older version whose text
/// is published in `versions/`, the comparison with it.
async fn load(shared: &Shared) -> Result<(Policy, Option<Revision>), String> {
    let (url, text, versions, from) = {
        let app = shared.borrow();
        let from = app
            .engine
            .record()
            .notice
            .as_ref()
            .map(|n| n.from.clone())
            .filter(|f| *f != app.engine.manifest().policy.version);
        (
            app.options.policy_url.clone(),
            app.options.policy_text.clone(),
            app.options.versions_url.clone(),
            from,
        )
    };
    let text = match (text, &url) {
        (Some(text), _) => text,
        (None, Some(url)) => fetch_text(url).await.map_err(|e| format!("{url}: {e}"))?,
        (None, None) => return Err("no policy given".into()),
    };
    let format = format_of(url.as_deref());
    let policy = policy::parse(&text, format).map_err(|e| e.to_string())?;
    let revision = match (from, versions) {
        (Some(from), Some(versions)) => {
            let ext = url
                .as_deref()
                .and_then(|u| u.rsplit_once('.'))
                .map_or("txt", |(_, e)| e);
            let old_url = format!("{versions}{from}.{ext}");
            match fetch_text(&old_url).await {
                Ok(old_text) => policy::parse(&old_text, format)
                    .ok()
                    .map(|old| revision::compare(&old, &policy)),
                Err(_) => None,
            }
        }
        _ => None,
    };
    Ok((policy, revision))
}

/// The announced version (its `source`, beside the policy) compared with the current one.
async fn load_upcoming(shared: &Shared) -> Result<(Policy, Option<Revision>), String> {
    let (current, _) = load(shared).await?;
    let (url, source) = {
        let app = shared.borrow();
        let source = app
            .engine
            .manifest()
            .policy
            .upcoming
            .as_ref()
            .and_then(|u| u.source.clone());
        (app.options.policy_url.clone(), source)
    };
    let (Some(url), Some(source)) = (url, source) else {
        return Ok((current, None));
    };
    let upcoming_url = web_sys::Url::new_with_base(&source, &url)
        .map(|u| u.href())
        .map_err(|_| format!("{source}: not a URL"))?;
    let text = fetch_text(&upcoming_url)
        .await
        .map_err(|e| format!("{upcoming_url}: {e}"))?;
    let upcoming =
        policy::parse(&text, format_of(Some(&upcoming_url))).map_err(|e| e.to_string())?;
    let revision = revision::compare(&current, &upcoming);
    Ok((upcoming, Some(revision)))
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
        let result = load(&shared).await;
        let Ok(document) = dom::document() else {
            return;
        };
        dom::clear(&container);
        match result {
            Ok((_, Some(revision))) => {
                for change in revision.changed(Level::Minor) {
                    let node = render::diff::diff_paragraphs(&change.diff);
                    let section = dom::h("section")
                        .class("pc-change")
                        .attr("data-pc-change", change.level.as_str())
                        .child(dom::h("h4").text(&change.label()).build())
                        .child(
                            dom::h("ul")
                                .class("pc-reasons")
                                .children(
                                    change.reasons.iter().map(|r| dom::h("li").text(r).build()),
                                )
                                .build(),
                        )
                        .build();
                    if let (Ok(section), Ok(diff)) = (section, dom::from_tree(&document, &node)) {
                        let _ = section.append_child(&diff);
                        let _ = container.append_child(&section);
                    }
                }
            }
            Ok((policy, None)) => {
                let items = listed.iter().map(|id| {
                    let label = policy
                        .find(id)
                        .map_or_else(|| id.clone(), render::tree::section_title);
                    dom::h("li").text(&label).build()
                });
                if let Ok(list) = dom::h("ul").children(items).build() {
                    let _ = container.append_child(&list);
                }
            }
            Err(e) => container.set_text_content(Some(&e)),
        }
    });
}

/// Shows only the sections whose text contains the query (case-insensitive; any script).
pub fn filter(root: &Element, query: &str) {
    let query = query.trim().to_lowercase();
    let Some(dialog) = dom::find(root, "[data-pc=\"policy\"]") else {
        return;
    };
    let mut shown = 0;
    for section in dom::find_all(&dialog, "section.pc-section") {
        let text = section.text_content().unwrap_or_default().to_lowercase();
        let matches = query.is_empty() || text.contains(&query);
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
