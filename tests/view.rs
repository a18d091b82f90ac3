//! The viewer's rendering made ahead (`render --format view`): what the CLI writes is what the
//! browser rebuilds through the core's checks, and the checks refuse what the renderer never
//! makes.

use crate::util::read;
use policy_consent::policy::{self, Format};
use policy_consent::render::tree::Node;
use policy_consent::render::view::{self, Rendering, Stamp};

/// Attributes in name order (serde_json's maps are sorted; the DOM does not care).
fn sorted(node: &Node) -> Node {
    match node {
        Node::Text(t) => Node::Text(t.clone()),
        Node::Element {
            tag,
            attrs,
            children,
        } => {
            let mut attrs = attrs.clone();
            attrs.sort();
            Node::Element {
                tag,
                attrs,
                children: children.iter().map(sorted).collect(),
            }
        }
    }
}

fn stamp() -> Stamp {
    Stamp {
        id: "p".into(),
        version: "1".into(),
        file: "policy.md".into(),
    }
}

#[test]
fn every_corpus_rendering_survives_the_checks_unchanged() {
    for (file, lang) in [
        ("tests/fixtures/seed-privacy-policy.txt", "en"),
        ("tests/fixtures/mozilla-en-firefox_privacy_notice.md", "en"),
        ("tests/fixtures/mozilla-en-mozilla_privacy_policy.md", "en"),
        (
            "tests/fixtures/mozilla-zh-CN-firefox_privacy_notice.md",
            "zh-CN",
        ),
        ("tests/hostile/bidi.md", "en"),
        ("tests/hostile/positions.md", "en"),
        ("tests/hostile/payloads.txt", "en"),
        ("tests/hostile/mixed-scripts.md", "en"),
    ] {
        let policy = policy::parse(&read(file), Format::from_path(file)).unwrap();
        let rendering = Rendering::new(&policy, stamp(), lang);
        let json = serde_json::to_string(&rendering).unwrap();
        let read = view::parse(&json).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(read.schema, 1);
        assert_eq!(read.policy, stamp());
        assert_eq!(read.lang, lang);
        assert_eq!(read.title, rendering.title);
        // serde_json agrees on the tree (its maps sort attributes; the DOM does not care).
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["tree"][0], "article", "{file}");
        assert_eq!(read.tree, rendering.tree, "{file}");
        assert_eq!(sorted(&read.tree), sorted(&rendering.tree));
    }
}

#[test]
fn checks_refuse_what_the_renderer_never_makes() {
    for tag in [
        "script", "iframe", "img", "svg", "form", "style", "ARTICLE", "a ",
    ] {
        assert!(view::checked_tag(tag).is_err(), "<{tag}>");
    }
    for (name, value) in [
        ("onclick", "alert(1)"),
        ("style", "position:fixed"),
        ("src", "x"),
        ("__proto__", "x"),
        ("href", "javascript:alert(1)"),
        ("href", " javascript:alert(1)"),
        ("href", "JaVaScRiPt:alert(1)"),
        ("href", "data:text/html,<script>alert(1)</script>"),
        ("href", "vbscript:x"),
    ] {
        assert!(view::checked_attr(name, value).is_err(), "{name}={value}");
    }
    assert_eq!(
        view::checked_attr("href", "https://example.com/"),
        Ok("href")
    );
    assert_eq!(view::checked_attr("href", "#s-1"), Ok("href"));
    assert_eq!(view::checked_text("a\u{202E}b"), "a⟨U+202E⟩b");

    let doc = |tree: &str| {
        format!(
            r#"{{"schema":1,"policy":{{"id":"p","version":"1","file":"policy.md"}},"lang":"en","title":"T","tree":{tree}}}"#
        )
    };
    assert!(view::parse(&doc(r#"["article",{"class":"pc-policy"},"x"]"#)).is_ok());
    for (tree, problem) in [
        (
            r#"["article",{},["p",{},"x",["img",{"src":"x"}]]]"#,
            "tag not allowed: <img>",
        ),
        (r#"["script",{},"alert(1)"]"#, "tag not allowed: <script>"),
        (r#"["a",{"href":"javascript:alert(1)"},"x"]"#, "unsafe link"),
        (
            r#"["a",{"href":"java\u0073cript:alert(1)"},"x"]"#,
            "unsafe link",
        ),
        (
            r#"["p",{"onclick":"x"},"x"]"#,
            "attribute not allowed: onclick",
        ),
        (r#"["p",{"class":1},"x"]"#, "not a string"),
        (r#"["p","x"]"#, "attributes are not an object"),
        (r#"[{},{}]"#, "without a tag"),
        (r#"5"#, "neither text nor an element"),
        (r#"["p",{},"x""#, "unexpected U+007D"),
        (r#"["p",{},"x\ud800"]"#, "lone surrogate"),
        (r#"["p",{},"x\q"]"#, "bad escape"),
        (r#"["p",{},1.5]"#, "whole one"),
        ("[\"p\",{},\"a\u{1}b\"]", "control character"),
    ] {
        let error = view::parse(&doc(tree)).unwrap_err();
        assert!(error.contains(problem), "{tree}: {error}");
    }
    // Escapes are read as JSON says; bidi overrides come out visible.
    let read = view::parse(&doc(r#"["p",{},"\u00e9\ud83d\ude00 \u202e\"\\\/"]"#)).unwrap();
    assert_eq!(
        read.tree,
        Node::Element {
            tag: "p",
            attrs: vec![],
            children: vec![Node::Text("é😀 ⟨U+202E⟩\"\\/".into())]
        }
    );
    // Deep nesting is refused, not recursed into, however deep.
    for depth in [view::MAX_DEPTH + 5, 100_000] {
        let tree = "[\"div\",{},".repeat(depth) + "\"x\"" + &"]".repeat(depth);
        assert!(
            view::parse(&doc(&tree))
                .unwrap_err()
                .contains("nested deeper"),
            "{depth}"
        );
    }
    for junk in ["", "{", "[]", "{} x", r#"{"schema":1}"#, "\u{feff}{}"] {
        assert!(view::parse(junk).is_err(), "{junk:?}");
    }
}

#[test]
fn a_rendering_is_used_only_for_its_policy_version_and_language() {
    let want = stamp();
    assert!(Rendering::fits(1, &want, "en", &want, "en"));
    assert!(Rendering::fits(1, &want, "en", &want, "en-GB"));
    assert!(Rendering::fits(1, &want, "zh-CN", &want, "zh"));
    assert!(
        !Rendering::fits(2, &want, "en", &want, "en"),
        "another schema"
    );
    assert!(
        !Rendering::fits(1, &want, "en", &want, "zh-CN"),
        "another language"
    );
    let older = Stamp {
        version: "0".into(),
        ..stamp()
    };
    assert!(
        !Rendering::fits(1, &older, "en", &want, "en"),
        "another version"
    );
    let other = Stamp {
        id: "q".into(),
        ..stamp()
    };
    assert!(
        !Rendering::fits(1, &other, "en", &want, "en"),
        "another policy"
    );
}
