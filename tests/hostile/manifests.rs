//! Manifests whose references repeat, dangle or point back at themselves. A manifest has no
//! reference that can form a cycle (purposes cite sections, changelog entries cite purposes
//! and sections, and nothing cites a purpose or a manifest), so what a hostile one can do is
//! repeat and dangle: each such reference is a problem naming its field, found in linear time.

use crate::{guarded, hostile_file};
use policy_consent::policy::manifest::Manifest;
use policy_consent::policy::{self, Format, Policy};

fn sample_policy() -> Policy {
    let text = std::fs::read_to_string(crate::root().join("policy/privacy-policy.txt")).unwrap();
    policy::parse(&text, Some(Format::Text)).unwrap()
}

fn problems(file: &str, policy: Option<&Policy>) -> Vec<String> {
    let manifest: Manifest = serde_json::from_str(&hostile_file(&format!("manifests/{file}")))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    manifest
        .validate(policy)
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn duplicate_purpose_ids() {
    assert_eq!(
        problems("duplicate-purposes.json", None),
        ["manifest: purposes[2].id: duplicate purpose id `analytics`"]
    );
}

#[test]
fn sections_cited_twice_are_found_by_what_they_resolve_to() {
    let policy = sample_policy();
    assert_eq!(
        problems("sections-cited-twice.json", Some(&policy)),
        [
            "manifest: purposes[1].sections[1]: purpose `analytics` cites section `s-2-3` twice (also as sections[0])",
            "manifest: purposes[1].sections[2]: purpose `analytics` cites section `#2.3.` twice (also as sections[0])",
            "manifest: purposes[1].sections[3]: purpose `analytics` cites section `2.3` twice (also as sections[0])",
            "manifest: purposes[1].sections[4]: purpose `analytics` cites section `9.9`, which the policy does not have",
            "manifest: purposes[1].sections[5]: purpose `analytics` cites section `9.9`, which the policy does not have",
        ]
    );
    // Without the policy, only citations written alike are known to be the same section.
    assert_eq!(
        problems("sections-cited-twice.json", None),
        [
            "manifest: purposes[1].sections[2]: purpose `analytics` cites section `#2.3.` twice (also as sections[0])",
            "manifest: purposes[1].sections[3]: purpose `analytics` cites section `2.3` twice (also as sections[0])",
            "manifest: purposes[1].sections[5]: purpose `analytics` cites section `9.9` twice (also as sections[4])",
        ]
    );
}

#[test]
fn changelog_entries_naming_unknown_or_repeated_things() {
    assert_eq!(
        problems("changelog-dangling-and-twice.json", Some(&sample_policy())),
        [
            "manifest: changelog[0].purposes[1]: no purpose `ghost`",
            "manifest: changelog[0].purposes[2]: purpose `analytics` is listed twice",
            "manifest: changelog[0].sections[1]: section `#2.3` is listed twice",
        ]
    );
}

#[test]
fn versions_and_files_that_point_back_at_themselves() {
    assert_eq!(
        problems("self-references.json", None),
        [
            "manifest: policy.upcoming.notice_from: 2026-12-01 is after the upcoming version takes effect (2026-10-01)",
            "manifest: policy.upcoming.effective: 2026-10-01 is not after the current version's effective date (2026-11-01)",
            "manifest: policy.upcoming.version: `2026-11` is the current version",
            "manifest: policy.upcoming.source: `privacy-policy.txt` is the current version's file: the upcoming version needs its own",
            "manifest: changelog[1].version: duplicate changelog entry for version `2026-11`",
        ]
    );
}

/// Many purposes citing many sections of a long policy: one index, not a walk per citation.
#[test]
fn citations_against_a_long_policy_are_checked_in_linear_time() {
    guarded("citations", || {
        // Sections 1.0 … 200.99 (numbers have at most three digits a part).
        let number = |i: usize| format!("{}.{}", i / 100 + 1, i % 100);
        let mut text = String::from("Policy\n\n");
        for i in 0..20_000 {
            text.push_str(&format!("{} Heading {i}\nText.\n", number(i)));
        }
        let policy = policy::parse(&text, Some(Format::Text)).unwrap();
        assert_eq!(policy.walk().len(), 20_000);
        let purposes: Vec<serde_json::Value> = (0..200)
            .map(|p| {
                let sections: Vec<String> = (0..100).map(|k| number(p * 100 + k)).collect();
                serde_json::json!({ "id": format!("p{p}"), "title": "T", "description": "D", "sections": sections })
            })
            .collect();
        let manifest: Manifest = serde_json::from_value(serde_json::json!({
            "policy": { "id": "x", "version": "1", "effective": "2026-01-01", "source": "x.txt" },
            "purposes": purposes,
        }))
        .unwrap();
        let problems = manifest.validate(Some(&policy));
        assert!(
            problems.is_empty(),
            "{} problems: {:?}",
            problems.len(),
            problems.first()
        );
    });
}
