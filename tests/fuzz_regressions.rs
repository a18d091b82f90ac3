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
