//! The exports of the modules the consent app fetches when it needs them. The full module:
//! parsing and rendering policies, comparing versions, and the pieces the consent UI's
//! viewer and change notice show. The view module (feature `view` without `full`): the
//! viewer's rendering alone, `policyView` with nothing marked, two thirds the bytes.

#[cfg(feature = "full")]
use super::json::{ToJson, to_json};
use super::{dom, js_error};
#[cfg(feature = "full")]
use crate::consent::Assessment;
use crate::policy::{self, Format};
use crate::render;
use crate::revision::{self, Level};
#[cfg(feature = "full")]
use js_sys::Array;
use wasm_bindgen::prelude::*;

#[cfg(feature = "full")]
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A styled run of text in the policy model. */
export interface Span { text: string; strong?: boolean; em?: boolean; code?: boolean; del?: boolean; href?: string }

/** A block of the policy model. */
export type Block =
  | { type: "paragraph"; text: Span[] }
  | { type: "list"; ordered: boolean; items: Array<{ marker?: string; blocks: Block[] }> }
  | { type: "table"; head?: Block[][]; rows: Block[][][] }
  | { type: "quote"; blocks: Block[] }
  | { type: "code"; text: string };

/** A section of the policy model. */
export interface Section { id: string; number?: string; heading: string; level: number; anchors?: string[]; digest: string; blocks?: Block[]; sections?: Section[]; tail?: Block[] }

/** The parsed policy (`renderPolicy(text, "json")`). */
export interface PolicyModel { title: string; effective?: string; blocks?: Block[]; sections: Section[] }

/** A section change from `comparePolicies`. */
export interface SectionChange { id: string; heading: string; change: "added" | "removed" | "moved" | "modified" | "unchanged"; level: "unchanged" | "cosmetic" | "minor" | "material"; reasons: string[]; diff: Array<{ op: "equal" | "insert" | "delete"; text: string }>; number?: string; old_id?: string }

/** The comparison of two versions. */
export interface Revision { level: "unchanged" | "cosmetic" | "minor" | "material"; sections: SectionChange[]; purposes: string[] }
"#;

/// A value as a plain JS object, the shape `JSON.parse` gives: its JSON text (written in
/// Rust, see [`super::json`]) parsed by the browser.
#[cfg(feature = "full")]
fn to_js<T: ToJson + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    js_sys::JSON::parse(&to_json(value)).map_err(js_error)
}

fn parse(
    text: &str,
    input: Option<&str>,
    function: &str,
) -> Result<crate::policy::Policy, JsError> {
    let format = match input {
        None | Some("") | Some("auto") => None,
        Some(name) => Some(Format::from_name(name).ok_or_else(|| {
            JsError::new(&format!(
                "{function}: unknown input format `{name}` (text or markdown)"
            ))
        })?),
    };
    policy::parse(text, format).map_err(|e| JsError::new(&format!("{function}: {e}")))
}

/// Compares two versions of a policy: `{level, sections: [{id, heading, change, level,
/// reasons, diff: [{op, text}]}], purposes: []}` as a plain JS object.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = comparePolicies, unchecked_return_type = "Revision")]
pub fn compare_policies(
    old_text: &str,
    new_text: &str,
    input: Option<String>,
) -> Result<JsValue, JsError> {
    let old = parse(old_text, input.as_deref(), "comparePolicies")?;
    let new = parse(new_text, input.as_deref(), "comparePolicies")?;
    to_js(&revision::compare(&old, &new))
}

/// Compares two versions and renders the result for people: the verdict, then each
/// changed section with its level, reasons and word diff (`<ins>`/`<del>`), as a
/// `DocumentFragment`. `all` includes cosmetic changes.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = renderComparison)]
pub fn render_comparison(
    old_text: &str,
    new_text: &str,
    input: Option<String>,
    all: Option<bool>,
) -> Result<web_sys::DocumentFragment, JsError> {
    let old = parse(old_text, input.as_deref(), "renderComparison")?;
    let new = parse(new_text, input.as_deref(), "renderComparison")?;
    let revision = revision::compare(&old, &new);
    let min = if all.unwrap_or(false) {
        Level::Cosmetic
    } else {
        Level::Minor
    };
    let document = dom::document().map_err(js_error)?;
    let fragment = document.create_document_fragment();
    let node = dom::from_tree(&render::diff::revision(&revision, min)).map_err(js_error)?;
    fragment.append_child(&node).map_err(js_error)?;
    Ok(fragment)
}

/// Parses a policy and renders it.
///
/// `format`: `"html"` (an HTML string), `"dom"` (a `DocumentFragment` built with
/// `createElement`, ready to append), or `"json"` (the model as a plain JS object).
/// `input`: `"text"` or `"markdown"`; sniffed from the content when omitted.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = renderPolicy, unchecked_return_type = "string | DocumentFragment | PolicyModel")]
pub fn render_policy(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "\"html\" | \"dom\" | \"json\"")] format: &str,
    input: Option<String>,
) -> Result<JsValue, JsError> {
    let parsed = parse(text, input.as_deref(), "renderPolicy")?;
    let lang = parsed.language();
    let options = render::Options::for_lang(lang);
    match format {
        "html" => Ok(JsValue::from_str(&render::html::fragment(
            &parsed, &options,
        ))),
        "dom" => {
            let document = dom::document().map_err(js_error)?;
            let fragment = document.create_document_fragment();
            let node =
                dom::from_tree(&render::tree::policy(&parsed, &options)).map_err(js_error)?;
            fragment.append_child(&node).map_err(js_error)?;
            Ok(fragment.into())
        }
        "json" => to_js(&parsed),
        other => Err(JsError::new(&format!(
            "renderPolicy: unknown format `{other}` (html, dom or json)"
        ))),
    }
}

/// How a revision affects consent, for the consent UI: the comparison's level, the sections
/// that changed materially, and the purposes citing them. `citations` are the manifest's
/// purposes as `[id, [section, …]]` pairs, as
/// [`Manifest::citations`](crate::policy::manifest::Manifest::citations) gives them.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = assessRevision)]
pub fn assess_revision(
    old_text: &str,
    new_text: &str,
    input: Option<String>,
    #[wasm_bindgen(unchecked_param_type = "Array<[string, string[]]>")] citations: JsValue,
) -> Result<JsValue, JsError> {
    let citations = read_citations(&citations)
        .map_err(|e| JsError::new(&format!("assessRevision: citations{e}")))?;
    let old = parse(old_text, input.as_deref(), "assessRevision")?;
    let new = parse(new_text, input.as_deref(), "assessRevision")?;
    let revision = revision::compare(&old, &new).with_purposes(
        citations
            .iter()
            .map(|(id, sections)| (id.as_str(), sections.as_slice())),
    );
    to_js(&Assessment {
        level: revision.level,
        sections: revision
            .changed(Level::Material)
            .map(|s| s.id.clone())
            .collect(),
        purposes: revision.purposes,
    })
}

/// `[[id, [section, …]], …]` from JS; `Err` says where it is not that shape.
#[cfg(feature = "full")]
fn read_citations(value: &JsValue) -> Result<Vec<(String, Vec<String>)>, String> {
    fn array(value: &JsValue) -> Option<Array> {
        Array::is_array(value).then(|| Array::from(value))
    }
    let list = array(value).ok_or(": not an array of [id, sections] pairs")?;
    list.iter()
        .enumerate()
        .map(|(i, pair)| {
            let bad =
                || format!("[{i}]: not an [id, sections] pair (a string, an array of strings)");
            let pair = array(&pair).filter(|p| p.length() == 2).ok_or_else(bad)?;
            let id = pair.get(0).as_string().ok_or_else(bad)?;
            let sections = array(&pair.get(1))
                .ok_or_else(bad)?
                .iter()
                .map(|s| s.as_string())
                .collect::<Option<Vec<_>>>()
                .ok_or_else(bad)?;
            Ok((id, sections))
        })
        .collect()
}

/// The policy for the consent UI's viewer: the rendered tree (title left to the dialog,
/// headings from `<h3>`), with the sections changed since `old_text` marked (the full
/// module; the view module refuses an `old_text`), and the title.
#[wasm_bindgen(js_name = policyView)]
pub fn policy_view(
    text: &str,
    input: Option<String>,
    old_text: Option<String>,
    lang: &str,
    changed_label: &str,
) -> Result<JsValue, JsError> {
    let policy = parse(text, input.as_deref(), "policyView")?;
    // As the CLI's `render --format view` does: the two must look the same.
    let mut options = render::view::options(lang);
    if let Some(old_text) = old_text.as_deref() {
        // Marking is the comparison's; `cfg!` keeps the comparison's code out of the view
        // module, which refuses rather than show a policy silently unmarked.
        if !cfg!(feature = "full") {
            return Err(JsError::new(
                "policyView: marking changes needs the full module (policy_consent_full); this is the view module",
            ));
        }
        // An old text that does not parse marks none.
        if let Ok(old) = parse(old_text, input.as_deref(), "policyView") {
            for change in revision::compare(&old, &policy).changed(Level::Minor) {
                options.changed.insert(
                    change.id.clone(),
                    render::tree::ChangeMark {
                        level: change.level.to_string(),
                        label: changed_label.to_string(),
                    },
                );
            }
        }
    }
    let node = dom::from_tree(&render::tree::policy(&policy, &options)).map_err(js_error)?;
    Ok(dom::view_result(&node, &policy.title))
}

/// The change notice's detail: each section changed since `old_text` with its level,
/// reasons and word diff; without the old text, the names of the `sections` listed.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = noticeChanges)]
pub fn notice_changes(
    old_text: Option<String>,
    new_text: &str,
    input: Option<String>,
    sections: Vec<String>,
) -> Result<web_sys::DocumentFragment, JsError> {
    let policy = parse(new_text, input.as_deref(), "noticeChanges")?;
    let document = dom::document().map_err(js_error)?;
    let fragment = document.create_document_fragment();
    match old_text
        .as_deref()
        .and_then(|t| parse(t, input.as_deref(), "noticeChanges").ok())
    {
        Some(old) => {
            for change in revision::compare(&old, &policy).changed(Level::Minor) {
                let section = dom::h("section")
                    .class("pc-change")
                    .attr("data-pc-change", change.level.as_str())
                    .child(dom::h("h4").text(&change.label()).build())
                    .child(
                        dom::h("ul")
                            .class("pc-reasons")
                            .children(change.reasons.iter().map(|r| dom::h("li").text(r).build()))
                            .build(),
                    )
                    .build()
                    .map_err(js_error)?;
                let diff = dom::from_tree(&render::diff::diff_paragraphs(&change.diff))
                    .map_err(js_error)?;
                section.append_child(&diff).map_err(js_error)?;
                fragment.append_child(&section).map_err(js_error)?;
            }
        }
        None => {
            let items = sections.iter().map(|id| {
                let label = policy
                    .find(id)
                    .map_or_else(|| id.clone(), render::tree::section_title);
                dom::h("li").text(&label).build()
            });
            let list = dom::h("ul").children(items).build().map_err(js_error)?;
            fragment.append_child(&list).map_err(js_error)?;
        }
    }
    Ok(fragment)
}
