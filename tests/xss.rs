//! Escaping: no input, in either format and in any position, yields live markup, an event
//! handler attribute or a `javascript:` link in the rendered HTML.

use policy_consent::policy::{self, Format};
use policy_consent::render;

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "'><iframe src=javascript:alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<style>body{display:none}</style>",
    "</p></section><script>",
    "<!--<script>-->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</script>",
];

const BAD_LINKS: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "&#106;avascript:alert(1)",
    "//evil.example/x",
];

fn check(source: &str, format: Format) {
    let Ok(parsed) = policy::parse(source, Some(format)) else {
        return;
    };
    for options in [
        render::Options::default(),
        render::Options {
            toc: false,
            ..Default::default()
        },
    ] {
        let html = render::html::fragment(&parsed, &options);
        if let Err(problem) = render::html::audit(&html) {
            panic!("{problem}\n--- input ({format:?}):\n{source}\n--- output:\n{html}");
        }
        let lower = html.to_ascii_lowercase();
        for live in [
            "<script",
            "<img",
            "<svg",
            "<iframe",
            "<style",
            "href=\"javascript",
            "href=\"data:",
            "href=\"vbscript",
            "href=\"//",
        ] {
            assert!(
                !lower.contains(live),
                "{live} in output\n--- input:\n{source}\n--- output:\n{html}"
            );
        }
        let standalone = render::html::standalone(&parsed, &options, "en\"><script>");
        assert!(
            !standalone.contains("<script"),
            "standalone page: {standalone}"
        );
    }
}

#[test]
fn payloads_in_plain_text() {
    for p in PAYLOADS {
        check(
            &format!("{p}\n\nIntroduction {p}\n{p} text.\n\n1.1 {p}\n(1) {p}\n- {p}\n"),
            Format::Text,
        );
        check(&format!("Title\n\n{p}\nBody {p}.\n"), Format::Text);
    }
}

#[test]
fn payloads_in_markdown() {
    for p in PAYLOADS {
        let escaped_attr = p.replace('"', "&quot;");
        let sources = [
            format!("# {p}\n\n## Heading {p}\n\n{p}\n\nText {p} more.\n"),
            format!(
                "# T\n\n## H {{: #{escaped_attr} }}\n\ntext\n{{: #x\"{p} datetime=\"{p}\" }}\n"
            ),
            format!(
                "# T\n\n## H {{#id\"{p}}}\n\n* item {p}\n* [link {p}](https://example.com/\"{p})\n"
            ),
            format!("# T\n\n| a | {p} |\n|---|---|\n| {p} | <td>{p}</td> |\n"),
            format!("# T\n\n<table><tr><td title=\"{escaped_attr}\">{p}</td></tr></table>\n"),
            format!(
                "# T\n\n<div>\n{p}\n</div>\n\n<h2 id=\"{escaped_attr}\">{p}</h2>\n\n![{p}](javascript:alert(1))\n"
            ),
            format!("# T\n\n```\n{p}\n```\n\n`{p}`\n\n> {p}\n"),
        ];
        for source in sources {
            check(&source, Format::Markdown);
        }
    }
}

#[test]
fn unsafe_link_targets_are_dropped_and_their_text_kept() {
    for link in BAD_LINKS {
        let source = format!("# T\n\n[read this]({link}) and <a href=\"{link}\">that</a>\n");
        check(&source, Format::Markdown);
        let html = render::html::fragment(
            &policy::parse(&source, Some(Format::Markdown)).unwrap(),
            &Default::default(),
        );
        assert!(
            html.contains("read this") && html.contains("that"),
            "{html}"
        );
    }
    let html = render::html::fragment(
        &policy::parse(
            "# T\n\n[ok](https://example.com) [mail](mailto:a@b.c) [tel](tel:+1) [frag](#s-1)\n",
            None,
        )
        .unwrap(),
        &Default::default(),
    );
    for href in ["https://example.com", "mailto:a@b.c", "tel:+1", "#s-1"] {
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "{href} missing in {html}"
        );
    }
}

#[test]
fn payloads_in_a_revision_diff() {
    for p in PAYLOADS {
        let old = format!("Title\n\nIntroduction\nWe keep data {p} for 30 days.\n\n{p}\nText.\n");
        let new = format!(
            "Title\n\nIntroduction\nWe keep data {p}{p} for 90 days.\n\nOther {p}\nMore text {p}.\n"
        );
        let revision = policy_consent::revision::compare(
            &policy::parse(&old, Some(Format::Text)).unwrap(),
            &policy::parse(&new, Some(Format::Text)).unwrap(),
        );
        let html =
            render::html::revision_fragment(&revision, policy_consent::revision::Level::Cosmetic);
        render::html::audit(&html).unwrap_or_else(|e| panic!("{e}\n{html}"));
        assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    }
}
