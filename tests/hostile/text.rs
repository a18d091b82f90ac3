//! What hostile text renders as: script payloads in every position, bidi controls,
//! zero-width characters and mixed scripts (inputs in `tests/hostile/`).

use crate::hostile_file;
use policy_consent::policy::{self, Format, Policy};
use policy_consent::render::{self, Node};

fn parse(source: &str, format: Format) -> Policy {
    policy::parse(source, Some(format)).unwrap_or_else(|e| panic!("{e}\n{source}"))
}

/// The rendered HTML of every kind (fragment with and without contents, standalone page),
/// after checking each passes the escaping audit and has no live markup.
fn render_checked(policy: &Policy, what: &str) -> Vec<String> {
    let mut out = Vec::new();
    for options in [
        render::Options::default(),
        render::Options {
            toc: false,
            title: false,
            heading_base: 2,
            ..Default::default()
        },
    ] {
        let html = render::html::fragment(policy, &options);
        if let Err(problem) = render::html::audit(&html) {
            panic!("{what}: {problem}\n{html}");
        }
        let page = render::html::standalone(policy, &options, "en");
        out.extend([html, page]);
    }
    for html in &out {
        let lower = html.to_ascii_lowercase();
        for live in [
            "<script",
            "<img",
            "<svg",
            "<iframe",
            "<style>b",
            "<math",
            "<details",
            "<body o",
            "<form",
            "<object",
            "<base",
            "<meta http",
            "<noscript",
            "<x ",
            "href=\"java",
            "href=\"data",
            "href=\"vbscript",
        ] {
            // The standalone page has its own `<style>` and `<meta>`; the payloads' are
            // matched by what follows them. Event handlers need no check of their own:
            // `audit` refuses any attribute the renderer does not emit, and text such as
            // `onerror=` is harmless once its `<` is escaped.
            assert!(!lower.contains(live), "{what}: `{live}` in\n{html}");
        }
    }
    out
}

#[test]
fn script_payloads_in_every_position_stay_text() {
    let payloads = hostile_file("payloads.txt");
    let templates = [
        (hostile_file("positions.md"), Format::Markdown),
        (hostile_file("positions.txt"), Format::Text),
    ];
    let mut checked = 0;
    for payload in payloads.lines().filter(|l| !l.is_empty()) {
        for (template, format) in &templates {
            // Every position at once, then each position alone.
            let all = template.replace("{P}", payload);
            render_checked(&parse(&all, *format), &format!("{payload} everywhere"));
            let positions = template.matches("{P}").count();
            for k in 0..positions {
                let mut n = 0;
                let one: String = template
                    .split("{P}")
                    .enumerate()
                    .map(|(i, piece)| {
                        let filler = if i == 0 {
                            ""
                        } else {
                            n += 1;
                            if n - 1 == k { payload } else { "x" }
                        };
                        format!("{filler}{piece}")
                    })
                    .collect();
                render_checked(&parse(&one, *format), &format!("{payload} at {k}"));
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

/// The text of every `<hN>` and of the contents and outline: what a reader takes for headings.
fn heading_texts(node: &Node, inside: bool, out: &mut Vec<String>) {
    match node {
        Node::Text(text) if inside => out.push(text.clone()),
        Node::Text(_) => {}
        Node::Element { tag, children, .. } => {
            let heading = inside || matches!(*tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "nav");
            for child in children {
                heading_texts(child, heading, out);
            }
        }
    }
}

fn is_override(c: char) -> bool {
    ('\u{202A}'..='\u{202E}').contains(&c)
}

fn is_isolate(c: char) -> bool {
    ('\u{2066}'..='\u{2069}').contains(&c)
}

#[test]
fn bidi_controls_are_shown_not_obeyed() {
    for (file, format) in [("bidi.md", Format::Markdown), ("bidi.txt", Format::Text)] {
        let source = hostile_file(file);
        let policy = parse(&source, format);
        for html in render_checked(&policy, file) {
            // Embeddings and overrides nowhere, in any position: they could make a sentence
            // (or a link) display other characters than it holds.
            assert!(
                !html.chars().any(is_override),
                "{file}: raw override in\n{html}"
            );
        }
        // Headings, the title, the contents and the outline: no isolate either.
        let tree = render::tree::policy(&policy, &render::Options::default());
        let mut headings = Vec::new();
        heading_texts(&tree, false, &mut headings);
        assert!(headings.len() > 3, "{headings:?}");
        for text in &headings {
            assert!(
                !text.chars().any(|c| is_override(c) || is_isolate(c)),
                "{file}: heading `{text}`"
            );
        }
        // The outline is plain text for a terminal, with headings only: none either.
        let outline = render::outline(&policy);
        assert!(!outline.chars().any(|c| is_override(c) || is_isolate(c)));
        // Every section id is plain ASCII: no control reaches a URL fragment.
        for section in policy.walk() {
            assert!(section.id.is_ascii(), "{file}: id {:?}", section.id);
        }
        // The model keeps the text as written: the JSON and the digests see the controls.
        assert!(policy.text_strings().concat().contains('\u{202E}'));
        assert!(!policy.bidi_controls().is_empty());
    }

    let policy = parse(&hostile_file("bidi.md"), Format::Markdown);
    let html = render::html::fragment(&policy, &Default::default());
    assert!(html.contains("<h1 class=\"pc-title\">Privacy ⟨U+202E⟩Policy⟨U+202C⟩</h1>"));
    assert!(html.contains("<h2>⟨U+202E⟩Your rights⟨U+202C⟩</h2>"));
    assert!(html.contains("<h2>Isolated ⟨U+2067⟩heading⟨U+2069⟩</h2>"));
    assert!(html.contains("Numbered ⟨U+202E⟩heading⟨U+202C⟩"));
    assert!(html.contains("for ⟨U+202E⟩09⟨U+202C⟩ days"));
    // Isolates in body text are kept: they are how right-to-left text embeds a name.
    assert!(html.contains("\u{2067}right\u{2069}"));
    assert!(html.contains("<code>code ⟨U+202E⟩span⟨U+202C⟩</code>"));
    assert!(html.contains("<code>code ⟨U+202E⟩block⟨U+202C⟩</code>"));
    // In a link target the control is percent-encoded: the address shown is the one followed.
    assert!(html.contains("href=\"https://example.com/%E2%80%AEfdp.exe\""));
    let page = render::html::standalone(&policy, &Default::default(), "en");
    assert!(page.contains("<title>Privacy ⟨U+202E⟩Policy⟨U+202C⟩</title>"));
    assert_eq!(policy.sections[0].id, "rights");
    let controls = policy.bidi_controls();
    let places: Vec<&str> = controls.iter().map(|(place, _)| place.as_str()).collect();
    assert_eq!(places[..2], ["title", "title"]);
    assert!(places.contains(&"preamble") && places.contains(&"rights"));
}

#[test]
fn zero_width_characters_stay_in_the_text_but_not_in_ids() {
    let source = hostile_file("zero-width.md");
    let policy = parse(&source, Format::Markdown);
    let html = render_checked(&policy, "zero-width.md").remove(0);
    let ids: Vec<&str> = policy.walk().iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "explicit-id",
            "cookies-and-tracking",
            "joinedwords-and-nonjoined",
            "wordjoiner-and-bom",
            "family-emoji",
            // A heading of zero-width characters only has no letters to make a slug from.
            ids[5],
        ]
    );
    assert!(ids[5].starts_with("sec-"), "{}", ids[5]);
    let headings: Vec<&str> = policy.walk().iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(
        headings[0], "Pri\u{200B}vacy Ri\u{AD}ghts",
        "kept as written"
    );
    // Joiners survive: emoji sequences and conjuncts render as the author wrote them.
    for joined in [
        "\u{1F469}\u{200D}\u{1F469}\u{200D}\u{1F467}",
        "\u{1F468}\u{200D}\u{1F4BB}",
        "\u{915}\u{94D}\u{200D}\u{937}",
        "Joined\u{200D}Words",
        "Non\u{200C}Joined",
    ] {
        assert!(html.contains(joined), "{joined:?} lost");
    }
}

#[test]
fn mixed_scripts_render_whole_with_distinct_ascii_ids() {
    for (file, format) in [
        ("mixed-scripts.md", Format::Markdown),
        ("mixed-scripts.txt", Format::Text),
    ] {
        let source = hostile_file(file);
        let policy = parse(&source, format);
        let html = render_checked(&policy, file).remove(0);
        let ids: Vec<&str> = policy.walk().iter().map(|s| s.id.as_str()).collect();
        let unique: std::collections::HashSet<&&str> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{file}: {ids:?}");
        assert!(
            ids.iter().all(|id| policy::model::is_safe_id(id)),
            "{ids:?}"
        );
        // Every word of the source is on the page, in order.
        let words = |text: &str| -> Vec<String> {
            text.split(|c: char| !c.is_alphanumeric() && !is_mark(c))
                .filter(|w| !w.is_empty() && !["id", "toc"].contains(w))
                .map(str::to_string)
                .collect()
        };
        let expected = words(&source.replace("{:", " ").replace('#', " "));
        let body = html
            .split("</nav>")
            .nth(1)
            .expect("a table of contents")
            .to_string();
        let shown = words(&strip_tags(&body));
        let title_words = words(&policy.title);
        assert_eq!(expected[title_words.len()..], shown[..], "{file}");
    }
}

/// Combining marks (Devanagari vowel signs, the viramas, accents) belong to their word.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x0610..=0x061A | 0x064B..=0x065F | 0x05B0..=0x05C7)
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
