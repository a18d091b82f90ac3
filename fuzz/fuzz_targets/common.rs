//! Checks shared by the fuzz targets: the invariants the design promises on every input.
#![allow(dead_code)]

use policy_consent::policy::Policy;
use policy_consent::render;

/// Words for comparing text, counted as the integration tests count them.
#[path = "../../tests/util.rs"]
mod util;
#[allow(unused_imports)] // not every target compares words
pub use util::words;

/// Bidi embeddings and overrides (U+202A–U+202E): never raw in rendered output.
pub fn is_bidi_override(c: char) -> bool {
    ('\u{202A}'..='\u{202E}').contains(&c)
}

/// Bidi isolates (U+2066–U+2069): never raw in a heading.
pub fn is_bidi_isolate(c: char) -> bool {
    ('\u{2066}'..='\u{2069}').contains(&c)
}

/// The escaping invariant: only the renderer's own tags and attributes, no link a browser
/// would run, and no raw bidi override that could make the page say something else.
pub fn check_html(html: &str, what: &str) {
    if let Err(problem) = render::html::audit(html) {
        panic!("{what}: {problem}\n--- output:\n{html}");
    }
    // `audit` allows only the renderer's tags, so this is belt and braces.
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "{what}: live <script\n{html}"
    );
    if let Some(c) = html.chars().find(|&c| is_bidi_override(c)) {
        panic!("{what}: raw U+{:04X} in the output", c as u32);
    }
}

/// Renders a policy every way a shell does and checks each result.
pub fn render_all(policy: &Policy) {
    let options = render::Options::default();
    let html = render::html::fragment(policy, &options);
    check_html(&html, "fragment");
    let mut quiet = render::Options {
        toc: false,
        title: false,
        heading_base: 2,
        ..render::Options::default()
    };
    if let Some(first) = policy.sections.first() {
        quiet.changed.insert(
            first.id.clone(),
            render::tree::ChangeMark {
                level: "material".into(),
                label: "Changed".into(),
            },
        );
    }
    check_html(
        &render::html::fragment(policy, &quiet),
        "fragment without toc",
    );
    let page = render::html::standalone(policy, &options, render::html::guess_lang(policy));
    let body = page
        .split_once("<body>\n")
        .map(|(_, body)| body)
        .expect("a standalone page has a body");
    let body = body
        .strip_suffix("</body>\n</html>\n")
        .expect("a standalone page ends its body");
    assert_eq!(body, html, "the standalone page's body is the fragment");
    assert!(!page.to_ascii_lowercase().contains("<script"));
    let head = &page[..page.len() - body.len()];
    assert!(
        !head
            .chars()
            .any(|c| is_bidi_override(c) || is_bidi_isolate(c)),
        "raw bidi control in <head>"
    );
    // The outline is headings only: no bidi control may reach it raw.
    let outline = render::outline(policy);
    if let Some(c) = outline
        .chars()
        .find(|&c| is_bidi_override(c) || is_bidi_isolate(c))
    {
        panic!("outline: raw U+{:04X} in a heading", c as u32);
    }
}
