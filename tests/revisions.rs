//! Revisions: our own edits of the sample policy and of the Mozilla notice, each with the
//! level a careful reader would give it; unit tests of each reason; properties of compare.

use crate::util::read;
use policy_consent::policy::{self, Format, Policy};
use policy_consent::revision::{Change, Level, Revision, compare};
use proptest::prelude::*;

fn seed() -> String {
    read("policy/privacy-policy.txt")
}

fn notice() -> String {
    read("tests/fixtures/mozilla-en-firefox_privacy_notice.md")
}

/// `text` with `from` replaced by `to` once; `from` must be there, so a changed fixture
/// fails loudly instead of testing nothing.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` not in the text");
    text.replacen(from, to, 1)
}

fn parse(text: &str, format: Format) -> Policy {
    policy::parse(text, Some(format)).unwrap()
}

fn revise(old: &str, new: &str, format: Format) -> Revision {
    compare(&parse(old, format), &parse(new, format))
}

fn summary(revision: &Revision) -> String {
    revision
        .sections
        .iter()
        .filter(|s| s.level > Level::Unchanged)
        .map(|s| format!("  {:?} {} #{}: {:?}", s.change, s.level, s.id, s.reasons))
        .collect::<Vec<_>>()
        .join("\n")
}

struct Case {
    name: &'static str,
    old: String,
    new: String,
    format: Format,
    level: Level,
    /// A section that must carry the level, and a phrase one of its reasons must contain.
    section: Option<(&'static str, &'static str)>,
}

fn seed_case(
    name: &'static str,
    from: &str,
    to: &str,
    level: Level,
    section: Option<(&'static str, &'static str)>,
) -> Case {
    Case {
        name,
        old: seed(),
        new: edit(&seed(), from, to),
        format: Format::Text,
        level,
        section,
    }
}

fn cases() -> Vec<Case> {
    let s = seed();
    let moved = {
        let scope = "Scope of application\nThis policy applies to all of our services. However, certain services have specific privacy guidelines/statements that more specifically describe how we handle your information within the service. If there is any inconsistency between this Policy and the Privacy Guidelines/Statements of a particular Service, please refer to the specific Privacy Guidelines/Statements.\n\n";
        let without = edit(&s, scope, "");
        edit(
            &without,
            "Protection of Minors\n",
            &format!("{scope}Protection of Minors\n"),
        )
    };
    vec![
        Case {
            name: "whitespace reflow, CRLF and a BOM",
            old: s.clone(),
            new: format!("\u{feff}{}", s.replace('\n', "  \r\n").replace(". ", ".  ")),
            format: Format::Text,
            level: Level::Unchanged,
            section: None,
        },
        Case {
            name: "typo fixed",
            old: edit(
                &s,
                "We provide appropriate security",
                "We provide apropriate security",
            ),
            new: s.clone(),
            format: Format::Text,
            level: Level::Cosmetic,
            section: Some(("information-security", "spelling: apropriate → appropriate")),
        },
        seed_case(
            "heading case",
            "Scope of application\n",
            "Scope of Application\n",
            Level::Cosmetic,
            Some(("scope-of-application", "case")),
        ),
        Case {
            name: "section moved without edits",
            old: s.clone(),
            new: moved,
            format: Format::Text,
            level: Level::Cosmetic,
            section: Some(("", "moved")),
        },
        seed_case(
            "renumbered",
            "3. Information you share",
            "4. Information you share",
            Level::Cosmetic,
            Some(("s-4", "renumbered: 3 → 4")),
        ),
        seed_case(
            "age of minors lowered",
            "under the age of 18",
            "under the age of 16",
            Level::Material,
            Some(("protection-of-minors", "number changed: 18 → 16")),
        ),
        seed_case(
            "modality weakened",
            "we will notify you by way of a prominent prompt",
            "we may notify you by way of a prominent prompt",
            Level::Material,
            Some(("change", "modality changed: will → may")),
        ),
        seed_case(
            "negation removed",
            "We do not combine the information",
            "We combine the information",
            Level::Material,
            Some((
                "how-do-we-use-the-information-collected",
                "negation removed: not",
            )),
        ),
        seed_case(
            "new purpose",
            "2.8 You are invited to participate in a survey about our services.\n",
            "2.8 You are invited to participate in a survey about our services.\n2.9 Build advertising profiles shared with our partners.\n",
            Level::Material,
            Some(("s-2-9", "section added")),
        ),
        seed_case(
            "right removed",
            "3 When you access, modify or delete relevant information, we may require you to authenticate to protect the security of your account.\n",
            "",
            Level::Material,
            Some(("how-do-you-manage-your-own-information", "removed")),
        ),
        seed_case(
            "retention extent widened",
            "only for the minimum time necessary",
            "only for the maximum time permitted",
            Level::Material,
            Some(("s-8-2", "extent changed")),
        ),
        seed_case(
            "new recipient",
            "we may share your personal information with third parties;",
            "we may share your personal information with third parties and advertising networks;",
            Level::Material,
            Some(("the-information-we-share", "adds “advertising”")),
        ),
        seed_case(
            "new third country",
            "collected within China in accordance",
            "collected within China and Singapore in accordance",
            Level::Material,
            Some((
                "where-and-for-what-period-information-is-stored",
                "new name: Singapore",
            )),
        ),
        seed_case(
            "consent wording weakened",
            "1 With your prior consent, we may share",
            "1 We may share",
            Level::Material,
            Some(("the-information-we-share", "consent")),
        ),
        seed_case(
            "new contact address",
            "If you have any questions, please contact us.\n",
            "If you have any questions, please contact us.\nContact us at privacy@example.com\n",
            Level::Minor,
            Some(("introduction", "contact details added")),
        ),
        seed_case(
            "clarified example",
            "For example, language Settings, location Settings, personalized help services.",
            "For example, language Settings, font size Settings, location Settings, personalized help services.",
            Level::Minor,
            Some(("s-2-2", "reworded")),
        ),
        seed_case(
            "rephrasing that keeps the meaning",
            "This policy applies to all of our services.",
            "This policy covers all of our services.",
            Level::Minor,
            Some(("scope-of-application", "reworded")),
        ),
        seed_case(
            "sentence added",
            "We may revise this policy in due course.",
            "We may revise this policy in due course. Revisions take effect when they are posted on this page, without further notice.",
            Level::Material,
            Some(("change", "")),
        ),
        Case {
            name: "notice: markup only (emphasis, link target, table alignment, attribute list)",
            old: notice(),
            new: edit(
                &edit(
                    &edit(
                        &edit(
                            &notice(),
                            "*More details, including how to adjust your data settings:*",
                            "**More details, including how to adjust your data settings:**",
                        ),
                        "[New Tab](https://support.mozilla.org/kb/about-new-tab-page)",
                        "[New Tab](https://support.mozilla.org/en-US/kb/about-new-tab-page)",
                    ),
                    "| ----- | ----- | ----- |",
                    "| :---- | :---- | :---- |",
                ),
                "## How long we keep your data\n",
                "## How long we keep your data {: #retention }\n",
            ),
            format: Format::Markdown,
            level: Level::Cosmetic,
            section: Some((
                "to-adapt-firefox-to-your-needs",
                "formatting or link targets",
            )),
        },
        Case {
            name: "notice: retention period extended",
            old: notice(),
            new: edit(
                &notice(),
                "for more than 25 months",
                "for more than 36 months",
            ),
            format: Format::Markdown,
            level: Level::Material,
            section: Some(("how-long-we-keep-your-data", "number changed: 25 → 36")),
        },
        Case {
            name: "notice: a right removed from the list",
            old: notice(),
            new: edit(&notice(), "3. Request portability of your data\n", ""),
            format: Format::Markdown,
            level: Level::Material,
            section: Some(("your-rights", "removed")),
        },
        Case {
            name: "notice zh-CN: character-level edit",
            old: read("tests/fixtures/mozilla-zh-CN-firefox_privacy_notice.md"),
            new: edit(
                &read("tests/fixtures/mozilla-zh-CN-firefox_privacy_notice.md"),
                "25 个月",
                "36 个月",
            ),
            format: Format::Markdown,
            level: Level::Material,
            section: Some(("", "number changed: 25 → 36")),
        },
    ]
}

#[test]
fn edited_copies_get_the_expected_level() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 20);
    for case in cases {
        let revision = revise(&case.old, &case.new, case.format);
        let mut ok = revision.level == case.level;
        if let Some((id, phrase)) = case.section {
            let found = revision.sections.iter().any(|s| {
                (id.is_empty() || s.id == id)
                    && s.level == case.level
                    && s.reasons.iter().any(|r| r.contains(phrase))
            });
            ok &= found;
        }
        if !ok {
            failures.push(format!(
                "{}: expected {} {:?}, got {}\n{}",
                case.name,
                case.level,
                case.section,
                revision.level,
                summary(&revision)
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn the_seed_duplicate_paragraph_removed_is_cosmetic() {
    let s = seed();
    let duplicate = "In order to provide you with a better experience, improve our services or otherwise use our services as you agree, we may use the information collected through certain services for our other services, subject to compliance with relevant laws and regulations. For example, use your information when you use one of our services to show you personalized content or advertisements in another service, for user research analysis and statistics, etc.\n";
    let new = edit(&s, &format!("{duplicate}\n{duplicate}"), duplicate);
    let revision = revise(&s, &new, Format::Text);
    assert_eq!(revision.level, Level::Cosmetic, "{}", summary(&revision));
    assert!(
        revision
            .sections
            .iter()
            .any(|c| c.reasons.iter().any(|r| r == "duplicate paragraph removed"))
    );
}

#[test]
fn word_diff_marks_exactly_what_changed() {
    let s = seed();
    let revision = revise(
        &s,
        &edit(&s, "under the age of 18", "under the age of 14"),
        Format::Text,
    );
    let minors = revision
        .sections
        .iter()
        .find(|s| s.id == "protection-of-minors")
        .unwrap();
    assert_eq!(minors.change, Change::Modified);
    let edits: Vec<(String, String)> = minors
        .diff
        .iter()
        .filter(|p| p.op != policy_consent::revision::Op::Equal)
        .map(|p| (format!("{:?}", p.op), p.text.clone()))
        .collect();
    assert_eq!(
        edits,
        [
            ("Delete".to_string(), "18".to_string()),
            ("Insert".to_string(), "14".to_string())
        ]
    );
    // Equal + deleted text is the old section, equal + inserted the new one.
    let old_text: String = minors
        .diff
        .iter()
        .filter(|p| p.op != policy_consent::revision::Op::Insert)
        .map(|p| p.text.as_str())
        .collect();
    assert!(old_text.contains("under the age of 18, you should"));
}

#[test]
fn renumbering_by_an_insertion_is_not_remove_and_add() {
    let s = seed();
    let new = edit(
        &s,
        "2.5 Recommend advertisements",
        "2.5 Show you offers from partners.\n2.6 Recommend advertisements",
    )
    .replace("2.6 Evaluate", "2.7 Evaluate")
    .replace("2.7 Management", "2.8 Management")
    .replace("2.8 You are invited", "2.9 You are invited");
    let revision = revise(&s, &new, Format::Text);
    let added: Vec<&str> = revision
        .sections
        .iter()
        .filter(|c| c.change == Change::Added)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(added, ["s-2-5"], "{}", summary(&revision));
    assert!(
        revision
            .sections
            .iter()
            .all(|c| c.change != Change::Removed),
        "{}",
        summary(&revision)
    );
    let ads = revision
        .sections
        .iter()
        .find(|c| c.old_id.as_deref() == Some("s-2-5"))
        .unwrap();
    assert_eq!((ads.id.as_str(), ads.level), ("s-2-6", Level::Cosmetic));
}

#[test]
fn purposes_citing_materially_changed_sections() {
    let s = seed();
    let revision = revise(
        &s,
        &edit(&s, "under the age of 18", "under the age of 16"),
        Format::Text,
    );
    let cited = [
        ("ads", vec!["2.5".to_string(), "2.6".to_string()]),
        ("minors-info", vec!["protection-of-minors".to_string()]),
    ];
    let revision = revision.with_purposes(cited.iter().map(|(id, s)| (*id, s.as_slice())));
    assert_eq!(revision.purposes, ["minors-info"]);
    assert_eq!(
        revision.under_declared(Level::Minor).as_deref(),
        Some(
            "declared minor, but the comparison finds material: Protection of Minors: number changed: 18 → 16"
        )
    );
    assert_eq!(revision.under_declared(Level::Material), None);
}

#[test]
fn json_shape() {
    let s = seed();
    let revision = revise(
        &s,
        &edit(&s, "under the age of 18", "under the age of 16"),
        Format::Text,
    );
    let value = serde_json::to_value(&revision).unwrap();
    assert_eq!(value["level"], "material");
    let minors = value["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "protection-of-minors")
        .unwrap();
    assert_eq!(minors["change"], "modified");
    assert_eq!(minors["heading"], "Protection of Minors");
    assert_eq!(minors["reasons"][0], "number changed: 18 → 16");
    assert!(
        minors["diff"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["op"] == "insert" && d["text"] == "16")
    );
    assert!(value["purposes"].is_array());
}

/// A policy from lines of known words; and a copy with small edits.
fn policy_lines() -> impl Strategy<Value = Vec<String>> {
    let word = prop_oneof!["[a-z]{2,8}", "[A-Z][a-z]{2,6}", "[0-9]{1,3}", "[一-龥]"];
    let sentence = prop::collection::vec(word, 3..14).prop_map(|w| format!("{}.", w.join(" ")));
    let heading = prop_oneof![
        "[A-Z][a-z]{3,8}( [a-z]{3,8}){0,3}",
        "[1-9]\\.[1-9] [A-Z][a-z]{3,8}"
    ];
    let line = prop_oneof![3 => sentence, 1 => heading, 1 => Just(String::new())];
    prop::collection::vec(line, 2..40).prop_map(|mut lines| {
        lines.insert(0, "Title".to_string());
        lines.insert(1, String::new());
        lines
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Insert(usize, String),
    Word(usize, String),
    Swap(usize),
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let m = prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), "[a-z]{3,6}( [a-z]{2,6}){2,8}\\.")
            .prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<usize>(), "[a-z]{2,7}").prop_map(|(i, w)| Mutation::Word(i, w)),
        any::<usize>().prop_map(Mutation::Swap),
    ];
    prop::collection::vec(m, 1..4)
}

fn apply(lines: &[String], mutations: &[Mutation]) -> Vec<String> {
    let mut lines = lines.to_vec();
    for m in mutations {
        let n = lines.len();
        match m {
            Mutation::Delete(i) if n > 3 => {
                lines.remove(2 + i % (n - 2));
            }
            Mutation::Insert(i, s) => lines.insert(2 + i % (n - 1), s.clone()),
            Mutation::Word(i, w) => {
                let line = &mut lines[2 + i % (n - 2).max(1)];
                if let Some(space) = line.find(' ') {
                    line.replace_range(..space, w);
                }
            }
            Mutation::Swap(i) if n > 4 => lines.swap(2 + i % (n - 3), 3 + i % (n - 3)),
            _ => {}
        }
    }
    lines
}

fn changed_ids(revision: &Revision) -> Vec<(String, Change)> {
    let mut ids: Vec<(String, Change)> = revision
        .sections
        .iter()
        .filter(|s| s.change != Change::Unchanged)
        .map(|s| (s.id.clone(), s.change))
        .collect();
    ids.sort_by(|a, b| a.0.cmp(&b.0));
    ids
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn identity_is_unchanged(lines in policy_lines()) {
        let text = lines.join("\n");
        let Ok(p) = policy::parse(&text, Some(Format::Text)) else { return Ok(()) };
        let revision = compare(&p, &p);
        prop_assert_eq!(revision.level, Level::Unchanged);
        prop_assert!(revision.sections.iter().all(|s| s.change == Change::Unchanged && s.diff.is_empty()));
    }

    #[test]
    fn compare_is_symmetric_in_what_it_finds(lines in policy_lines(), mutations in mutations()) {
        let (a, b) = (lines.join("\n"), apply(&lines, &mutations).join("\n"));
        let (Ok(pa), Ok(pb)) = (policy::parse(&a, Some(Format::Text)), policy::parse(&b, Some(Format::Text))) else { return Ok(()) };
        let forward = compare(&pa, &pb);
        let backward = compare(&pb, &pa);
        let swap = |c: Change| match c { Change::Added => Change::Removed, Change::Removed => Change::Added, c => c };
        // Sections are named by their id in the newer version: compare the sets of
        // (old id, new id) pairs found changed in each direction.
        let pairs = |r: &Revision, forward: bool| {
            let mut v: Vec<(Option<String>, Option<String>, Change)> = r.sections.iter().filter(|s| s.change != Change::Unchanged).map(|s| {
                let new_id = (s.change != Change::Removed).then(|| s.id.clone());
                let old_id = (s.change != Change::Added).then(|| s.old_id.clone().unwrap_or_else(|| s.id.clone()));
                if forward { (old_id, new_id, s.change) } else { (new_id, old_id, swap(s.change)) }
            }).collect();
            v.sort();
            v
        };
        // Which of two swapped sections is the one that "moved" is a tie either way round;
        // what was added, removed or modified is not, nor how many moved.
        let (f, b) = (pairs(&forward, true), pairs(&backward, false));
        let (f_moved, f_rest): (Vec<_>, Vec<_>) = f.into_iter().partition(|p| p.2 == Change::Moved);
        let (b_moved, b_rest): (Vec<_>, Vec<_>) = b.into_iter().partition(|p| p.2 == Change::Moved);
        prop_assert_eq!(f_rest, b_rest, "forward: {:?}\nbackward: {:?}", changed_ids(&forward), changed_ids(&backward));
        prop_assert_eq!(f_moved.len(), b_moved.len());
        prop_assert_eq!(forward.level == Level::Unchanged, backward.level == Level::Unchanged);
    }

    #[test]
    fn cosmetic_noise_alone_is_at_most_cosmetic(lines in policy_lines(), noise in prop::collection::vec((any::<usize>(), prop_oneof![Just("  "), Just("\t"), Just("\u{a0}"), Just(" \t ")]), 1..10), ending in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")]) {
        let text = lines.join("\n");
        let mut noisy = text.clone();
        for (i, n) in noise {
            let spaces: Vec<usize> = noisy.match_indices(' ').map(|(i, _)| i).collect();
            if let Some(&at) = spaces.get(i % spaces.len().max(1)) {
                noisy.insert_str(at, n);
            }
        }
        noisy = noisy.replace('\n', ending);
        let (Ok(a), Ok(b)) = (policy::parse(&text, Some(Format::Text)), policy::parse(&noisy, Some(Format::Text))) else { return Ok(()) };
        let revision = compare(&a, &b);
        prop_assert!(revision.level <= Level::Cosmetic, "{}", summary(&revision));
    }
}

fn lcs(a: &[u8], b: &[u8]) -> usize {
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            table[i][j] = if a[i - 1] == b[j - 1] {
                table[i - 1][j - 1] + 1
            } else {
                table[i - 1][j].max(table[i][j - 1])
            };
        }
    }
    table[a.len()][b.len()]
}

proptest! {
    /// The edit script rebuilds both sides and is as short as possible.
    #[test]
    fn word_diff_is_a_minimal_edit_script(a in prop::collection::vec(0u8..4, 0..40), b in prop::collection::vec(0u8..4, 0..40)) {
        use policy_consent::revision::diff::{diff, Edit};
        let edits = diff(&a, &b, 10_000);
        let (mut left, mut right) = (Vec::new(), Vec::new());
        for e in &edits {
            match *e {
                Edit::Equal(i, j) => { prop_assert_eq!(a[i], b[j]); left.push(a[i]); right.push(b[j]); }
                Edit::Delete(i) => left.push(a[i]),
                Edit::Insert(j) => right.push(b[j]),
            }
        }
        prop_assert_eq!(&left, &a);
        prop_assert_eq!(&right, &b);
        let changes = edits.iter().filter(|e| !matches!(e, Edit::Equal(..))).count();
        prop_assert_eq!(changes, a.len() + b.len() - 2 * lcs(&a, &b));
    }
}

#[test]
fn removed_sections_stay_where_they_were_among_the_rest() {
    let section = |name: &str| {
        format!("## {name}\n\nWhat we do with {name} information, and why we keep it.\n\n")
    };
    let policy = |names: &[&str]| {
        format!(
            "# Policy\n\n{}",
            names.iter().map(|n| section(n)).collect::<String>()
        )
    };
    let order = |old: &[&str], new: &[&str]| {
        revise(&policy(old), &policy(new), Format::Markdown)
            .sections
            .iter()
            .map(|s| format!("{:?} {}", s.change, s.id))
            .collect::<Vec<_>>()
    };
    let all = ["alpha", "beta", "gamma", "delta"];
    // Each removed section right after the kept one that preceded it.
    assert_eq!(
        order(&all, &["beta", "delta"]),
        [
            "Unchanged preamble",
            "Removed alpha",
            "Unchanged beta",
            "Removed gamma",
            "Unchanged delta"
        ]
    );
    assert_eq!(
        order(&all, &["alpha", "gamma"]),
        [
            "Unchanged preamble",
            "Unchanged alpha",
            "Removed beta",
            "Unchanged gamma",
            "Removed delta"
        ]
    );
    assert_eq!(
        order(&all, &["delta"]),
        [
            "Unchanged preamble",
            "Removed alpha",
            "Removed beta",
            "Removed gamma",
            "Unchanged delta"
        ]
    );
}
