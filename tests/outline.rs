//! Fixture tests (pulldown-cmark style): every input in `tests/fixtures/` parses to the
//! model checked in beside it.

use crate::util::{read, root};
use policy_consent::policy::{self, Format};

fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/fixtures"))
        .expect("tests/fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".txt") || (n.ends_with(".md") && n != "README.md"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_fixture_parses_to_its_expected_model() {
    let names = fixtures();
    assert!(names.len() >= 5, "fixtures missing: {names:?}");
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut failures = Vec::new();
    for name in names {
        let input = read(format!("tests/fixtures/{name}"));
        let parsed = policy::parse(&input, Format::from_path(&name)).expect(&name);
        let actual = serde_json::to_string_pretty(&parsed).unwrap() + "\n";
        let stem = name.rsplit_once('.').unwrap().0;
        let expected_path = root().join(format!("tests/fixtures/{stem}.json"));
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            let line = expected
                .lines()
                .zip(actual.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
            failures.push(format!(
                "{name}: model differs from {stem}.json at line {}:\n  expected: {}\n  actual:   {}",
                line + 1,
                expected.lines().nth(line).unwrap_or("<end>"),
                actual.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(UPDATE_FIXTURES=1 rewrites them; review the diff)",
        failures.join("\n")
    );
}

#[test]
fn seed_policy_outline() {
    let policy = policy::parse(&read("policy/privacy-policy.txt"), Some(Format::Text)).unwrap();
    assert_eq!(policy.title, "Privacy Policy");
    let top: Vec<String> = policy
        .sections
        .iter()
        .map(policy_consent::render::tree::section_title)
        .collect();
    assert_eq!(
        top,
        [
            "Introduction",
            "I. The information we collect",
            "How do we use the information collected",
            "3. Information you share",
            "How do you manage your own information",
            "The information we share",
            "We may send you information",
            "Where and for what period information is stored",
            "Information security",
            "Protection of Minors",
            "Scope of application",
            "Change",
        ]
    );
    // Purposes cite 2.1–2.8 and 1.2.2: they must be sections with stable ids.
    for id in ["s-2-1", "s-2-5", "s-2-8", "s-1-2-2", "s-8-2"] {
        assert!(policy.find(id).is_some(), "no section {id}");
    }
    assert_eq!(policy.find("2.5").unwrap().id, "s-2-5");
    // `8.2 … circumstances:` is followed by 2.1–2.5 as its list, not as a second 2.1.
    let retention = policy.find("s-8-2").unwrap();
    assert_eq!(retention.heading, "Duration of Information Storage");
    assert!(retention.sections.is_empty());
    // After the one-line purposes 2.1–2.8 the text speaks for the whole section again.
    let uses = policy
        .find("how-do-we-use-the-information-collected")
        .unwrap();
    assert_eq!(uses.sections.len(), 8);
    assert_eq!(uses.tail.len(), 3);
    let ids: Vec<&str> = policy.walk().iter().map(|s| s.id.as_str()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "ids not unique: {ids:?}");
}

#[test]
fn markdown_notice_outline() {
    let policy = policy::parse(
        &read("tests/fixtures/mozilla-en-firefox_privacy_notice.md"),
        None,
    )
    .unwrap();
    assert_eq!(policy.title, "Firefox Privacy Notice");
    assert_eq!(policy.effective.as_deref(), Some("2026-05-04"));
    assert_eq!(policy.sections.len(), 11);
    let lawful = policy.find("lawful-bases").unwrap();
    assert!(
        matches!(&lawful.blocks[0], policy_consent::policy::Block::Table { rows, .. } if rows.len() == 14)
    );
    assert!(policy.find("bookmark-search-pns").is_some());
    let text = policy.text_strings().concat();
    assert!(!text.contains("{:"), "attribute list shown as text");
    assert!(
        !text.contains("<td>") && !text.contains("<br"),
        "raw HTML shown as text"
    );
}

#[test]
fn chinese_notice_outline() {
    let policy = policy::parse(
        &read("tests/fixtures/mozilla-zh-CN-firefox_privacy_notice.md"),
        None,
    )
    .unwrap();
    assert_eq!(policy.title, "Firefox 隐私声明");
    let first = &policy.sections[0];
    assert!(first.heading.starts_with("Mozilla 坚信"));
    // Ids stay ASCII and URL-safe even for Chinese headings.
    for section in policy.walk() {
        assert!(
            section
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{}",
            section.id
        );
    }
}
