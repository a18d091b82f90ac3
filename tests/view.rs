//! The viewer's rendering made ahead (`render --format view`): what the CLI writes is what the
//! browser rebuilds through the core's checks, and the checks refuse what the renderer never
//! makes.

use crate::util::read;
use policy_consent::policy::{self, Format};
use policy_consent::render::tree::Node;
use policy_consent::render::view::{self, Rendering, Stamp};
use serde_json::Value;

/// The browser shell's walk (src/web/dom.rs `from_view`) over parsed JSON: the same checks.
fn rebuild(value: &Value, depth: usize) -> Result<Node, String> {
    match value {
        Value::String(text) => Ok(Node::Text(view::checked_text(text))),
        Value::Array(parts) if depth <= view::MAX_DEPTH => {
            let tag = parts.first().and_then(Value::as_str).ok_or("no tag")?;
            let tag = view::checked_tag(tag)?;
            let Some(Value::Object(attrs)) = parts.get(1) else {
                return Err("attributes are not an object".into());
            };
            let mut checked = Vec::new();
            for (name, value) in attrs {
                let value = value.as_str().ok_or("not a string")?;
                checked.push((view::checked_attr(name, value)?, value.to_string()));
            }
            let children = parts[2..]
                .iter()
                .map(|child| rebuild(child, depth + 1))
                .collect::<Result<_, _>>()?;
            Ok(Node::Element {
                tag,
                attrs: checked,
                children,
            })
        }
        _ => Err("neither text nor an element".into()),
    }
}

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
        let json: Value = serde_json::to_value(&rendering).unwrap();
        assert_eq!(json["schema"], 1);
        assert_eq!(json["policy"]["version"], "1");
        assert_eq!(json["tree"][0], "article", "{file}");
        let rebuilt = rebuild(&json["tree"], 0).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(sorted(&rebuilt), sorted(&rendering.tree), "{file}");
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

    let hostile = serde_json::json!(["article", {"class": "pc-policy"}, ["p", {}, "x", ["img", {"src": "x"}]]]);
    assert_eq!(rebuild(&hostile, 0).unwrap_err(), "tag not allowed: <img>");
    let hostile = serde_json::json!(["a", {"href": "javascript:alert(1)"}, "x"]);
    assert!(rebuild(&hostile, 0).unwrap_err().starts_with("unsafe link"));
    let mut deep = serde_json::json!("x");
    for _ in 0..100 {
        deep = serde_json::json!(["div", {}, deep]);
    }
    assert!(rebuild(&deep, 0).is_err());
}

#[test]
fn a_rendering_is_used_only_for_its_policy_version_and_language() {
    let want = stamp();
    assert!(Rendering::fits(1.0, &want, "en", &want, "en"));
    assert!(Rendering::fits(1.0, &want, "en", &want, "en-GB"));
    assert!(Rendering::fits(1.0, &want, "zh-CN", &want, "zh"));
    assert!(
        !Rendering::fits(2.0, &want, "en", &want, "en"),
        "another schema"
    );
    assert!(
        !Rendering::fits(1.0, &want, "en", &want, "zh-CN"),
        "another language"
    );
    let older = Stamp {
        version: "0".into(),
        ..stamp()
    };
    assert!(
        !Rendering::fits(1.0, &older, "en", &want, "en"),
        "another version"
    );
    let other = Stamp {
        id: "q".into(),
        ..stamp()
    };
    assert!(
        !Rendering::fits(1.0, &other, "en", &want, "en"),
        "another policy"
    );
}
