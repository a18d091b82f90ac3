//! Inputs the fuzz targets (`fuzz/`) found, each kept as a test beside the fix it needed.
//! Each names the target, what it found and where the fix is; see `fuzz/README.md` for the
//! runs.

use policy_consent::policy::{self, Format};
use policy_consent::render;

fn fragment(source: &str, format: Format) -> String {
    let policy = policy::parse(source, Some(format)).unwrap();
    let html = render::html::fragment(&policy, &render::Options::default());
    render::html::audit(&html).unwrap_or_else(|e| panic!("{e}\n{html}"));
    html
}

/// `render_markdown`, first minutes: a link target with U+202B (right-to-left embedding) in
/// the Mozilla notice came through `safe_href` raw, so the address a browser shows could
/// read differently from the one it follows. Fixed in `render::tree::safe_href`, which now
/// percent-encodes invisible characters (zero-width, bidi controls).
#[test]
fn render_markdown_bidi_control_in_a_link_target() {
    let html = fragment(
        "# P\n\nTurn on [Do Not Track](https://support.mozilla.org/kb/how-do-i-turn-do-not-tr\u{202B}ack-feature).\n",
        Format::Markdown,
    );
    assert!(
        html.contains(
            "href=\"https://support.mozilla.org/kb/how-do-i-turn-do-not-tr%E2%80%ABack-feature\""
        ),
        "{html}"
    );
    assert!(!html.contains('\u{202B}'));
    for invisible in ['\u{200B}', '\u{200F}', '\u{2066}', '\u{FEFF}', '\u{AD}'] {
        let html = fragment(
            &format!(
                "# P\n\n[x](https://a.example/{invisible}b) <https://c.example/{invisible}d>\n"
            ),
            Format::Markdown,
        );
        // In the targets; the link text shows what the source wrote.
        let hrefs: Vec<&str> = html
            .split("href=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert_eq!(hrefs.len(), 2, "{html}");
        assert!(
            hrefs.iter().all(|h| !h.contains(invisible)),
            "{invisible:?}: {html}"
        );
    }
}

/// `render_markdown`, 10-minute run: a kramdown attribute list `{: #⟨U+202B⟩ations }` (an
/// id starting with U+202B) after a paragraph that preceded every section was kept as a
/// pending anchor and given to the next section unchecked, so the id reached the page as
/// `<span id="⟨U+202B⟩ations">` with the raw control. Anchors met anywhere else were
/// already limited to URL-safe ids; fixed in `policy::markdown` (`add_section`) by the
/// same check.
#[test]
fn render_markdown_unsafe_anchor_before_the_first_section() {
    let attribute_list = |id: &str| format!("# T\n\nText.\n{{: #{id} }}\n\n## H\n\nBody.\n");
    let html_anchor = |id: &str| format!("# T\n\n<a id=\"{id}\"></a>\n\n## H\n\nBody.\n");
    let cases = [
        attribute_list("\u{202B}ations"),
        attribute_list("x\"y"),
        attribute_list("ü"),
        attribute_list("1st"),
        html_anchor("\u{202B}ations"),
        html_anchor("a b"),
        html_anchor("ü"),
        html_anchor("1st"),
    ];
    for source in cases {
        let policy = policy::parse(&source, Some(Format::Markdown)).unwrap();
        let anchors = &policy.sections[0].anchors;
        assert!(anchors.is_empty(), "{source:?}: {anchors:?}");
        let html = fragment(&source, Format::Markdown);
        assert!(!html.contains("<span id="), "{html}");
    }
    // A safe one is kept, from either.
    for source in [attribute_list("safe-id"), html_anchor("safe-id")] {
        let policy = policy::parse(&source, Some(Format::Markdown)).unwrap();
        assert_eq!(policy.sections[0].anchors, ["safe-id"]);
    }
}

/// `compare`, 10-minute run: the input `"P\0P` (old `P` as plain text, new `P` as
/// Markdown). As text, `P` is the title; as Markdown, a paragraph under no title. Forward
/// the comparison found nothing; backward it found "effective date changed" (cosmetic):
/// the empty title counted as a changed preamble line, and a line without words passed as
/// date-like. Fixed in `revision::classify::soften_dates`, which now ignores units with no
/// text. Whether anything changed no longer depends on which version is called old.
#[test]
fn compare_empty_title_is_not_a_changed_date() {
    use policy_consent::revision::{Level, compare};
    let text = policy::parse("P", Some(Format::Text)).unwrap();
    let markdown = policy::parse("P", Some(Format::Markdown)).unwrap();
    assert_eq!((text.title.as_str(), markdown.title.as_str()), ("P", ""));
    let forward = compare(&text, &markdown);
    let backward = compare(&markdown, &text);
    assert_eq!(forward.level, Level::Unchanged, "{forward:?}");
    assert_eq!(backward.level, Level::Unchanged, "{backward:?}");
    // A real change of the effective date is still only cosmetic.
    let source = |date: &str| format!("Policy\n\nLast updated: {date}.\n\nScope\nText.\n");
    let may = policy::parse(&source("2026-05-01"), Some(Format::Text)).unwrap();
    let june = policy::parse(&source("2026-06-01"), Some(Format::Text)).unwrap();
    let revision = compare(&may, &june);
    assert_eq!(revision.level, Level::Cosmetic, "{revision:?}");
    assert!(
        revision.sections[0]
            .reasons
            .contains(&"effective date changed".to_string())
    );
}
