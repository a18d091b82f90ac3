//! The full module's hand-written JSON (`web::json`) is, byte for byte, what serde makes of
//! the same values: the policy model of every fixture and corpus policy, its rendered tree
//! (the JsonML the DOM builder reads), comparisons of the published versions with the
//! manifest's purposes, and arbitrary text.

use crate::util::{read, root};
use policy_consent::consent::Assessment;
use policy_consent::policy::manifest::Manifest;
use policy_consent::policy::{self, Format, Policy};
use policy_consent::render;
use policy_consent::revision::{Level, compare};
use policy_consent::web::json::to_json;
use proptest::prelude::*;

/// Every policy we have: fixtures, the sample and its versions, and the shared corpus.
fn policies() -> Vec<(String, Policy)> {
    let mut dirs = vec![
        root().join("tests/fixtures"),
        root().join("policy"),
        root().join("policy/versions"),
        root().join("tests/e2e/pages"),
    ];
    let corpus = root().join("../shared/policy/corpus");
    if corpus.is_dir() {
        dirs.push(corpus);
    }
    let mut out = Vec::new();
    for dir in dirs {
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt")))
            .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let format = Format::from_path(path.to_str().unwrap());
            if let Ok(policy) = policy::parse(&text, format) {
                out.push((path.display().to_string(), policy));
            }
        }
    }
    assert!(out.len() >= 10, "only {} policies found", out.len());
    out
}

#[test]
fn the_model_of_every_policy_is_what_serde_writes() {
    for (name, policy) in policies() {
        assert!(
            to_json(&policy) == serde_json::to_string(&policy).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn the_rendered_tree_of_every_policy_is_what_serde_writes() {
    for (name, policy) in policies() {
        let lang = policy.language();
        let views = [
            render::tree::policy(&policy, &render::view::options(lang)),
            render::tree::policy(&policy, &render::Options::for_lang(lang)),
        ];
        for tree in views {
            let json = to_json(&tree);
            assert!(json == serde_json::to_string(&tree).unwrap(), "{name}");
            assert!(
                json.starts_with("[\"article\",{"),
                "{name}: {}",
                json.chars().take(40).collect::<String>()
            );
        }
    }
}

#[test]
fn comparisons_and_assessments_are_what_serde_writes() {
    let manifest: Manifest = serde_json::from_str(&read("policy/consent.json")).unwrap();
    let policies = policies();
    let versions: Vec<_> = ["policy/versions/2026-05.txt", "policy/versions/2026-11.txt"]
        .iter()
        .chain(&["policy/versions/2027-01.txt", "policy/privacy-policy.txt"])
        .map(|p| policy::parse(&read(p), Some(Format::Text)).unwrap())
        .collect();
    let mut pairs: Vec<(&Policy, &Policy)> = versions.windows(2).map(|w| (&w[0], &w[1])).collect();
    pairs.push((&versions[3], &versions[0]));
    // Unrelated policies too: every kind of change, removed and added sections, moves.
    for w in policies.windows(2) {
        pairs.push((&w[0].1, &w[1].1));
    }
    let mut material = 0;
    for (old, new) in pairs {
        let revision = compare(old, new).with_purposes(manifest.citations());
        assert_eq!(
            to_json(&revision),
            serde_json::to_string(&revision).unwrap()
        );
        let assessment = Assessment {
            level: revision.level,
            sections: revision
                .changed(Level::Material)
                .map(|s| s.id.clone())
                .collect(),
            purposes: revision.purposes.clone(),
        };
        material += usize::from(!assessment.purposes.is_empty());
        assert_eq!(
            to_json(&assessment),
            serde_json::to_string(&assessment).unwrap()
        );
    }
    assert!(material > 0, "no comparison named a purpose");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_is_written_as_serde_writes_it(
        source in "(#{0,3} ?[a-zA-Z\u{0}-\u{1f}\"\\\\<>&*_`|\\[\\]()é中 -]{0,30}\n{1,2}){1,12}",
        format in prop_oneof![Just(Format::Text), Just(Format::Markdown)],
    ) {
        if let Ok(policy) = policy::parse(&source, Some(format)) {
            prop_assert_eq!(to_json(&policy), serde_json::to_string(&policy).unwrap());
            let revision = compare(&policy, &policy::parse("T\n\nA\nb.\n", None).unwrap());
            prop_assert_eq!(to_json(&revision), serde_json::to_string(&revision).unwrap());
        }
    }
}
