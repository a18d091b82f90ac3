//! Big and deep policies, parsed and rendered every way the shells render them, and big
//! pairs of versions, compared: under the hang guard and the memory bounds of `hostile.rs`.
//! Inputs are generated here (a committed megabyte would say less than the line that
//! makes it).

use crate::{
    C_COMPARE, C_RENDER, K_COMPARE, K_RENDER, Usage, assert_bounded, assert_linear, guarded,
    measure,
};
use policy_consent::policy::{self, Block, Format, Policy};
use policy_consent::render;
use policy_consent::revision::{self, Change, Level};

/// The size of the big inputs: 1 MiB, or `HOSTILE_MB` MiB (`HOSTILE_MB=8 cargo test
/// --release --test hostile`: there a quadratic step even with a cheap inner loop runs past
/// the hang guard).
static MB: std::sync::LazyLock<usize> = std::sync::LazyLock::new(|| {
    std::env::var("HOSTILE_MB")
        .ok()
        .and_then(|mb| mb.parse().ok())
        .unwrap_or(1)
        << 20
});

/// Repeats `unit` (with `{i}` replaced by the repetition's number) until `bytes` are written.
fn fill(prefix: &str, unit: &str, bytes: usize, suffix: &str) -> String {
    let mut out = String::with_capacity(bytes + prefix.len() + suffix.len() + unit.len() + 16);
    out.push_str(prefix);
    let numbered = unit.contains("{i}");
    let mut i = 0;
    while out.len() < bytes {
        if numbered {
            out.push_str(&unit.replace("{i}", &i.to_string()));
        } else {
            out.push_str(unit);
        }
        i += 1;
    }
    out.push_str(suffix);
    out
}

/// What a render produced, for the checks.
struct Rendered {
    policy: Policy,
    html: String,
}

/// Parses and renders each way a shell does: the CLI's HTML fragment, standalone page,
/// outline and JSON model, and the web shell's node tree (from which it builds the DOM).
/// The usage is that of the parse followed by the costliest of those, each measured while
/// the model is alive (as it is when a shell renders).
fn render_all(source: &str, format: Format) -> (Result<Rendered, policy::Error>, Usage) {
    let (parsed, parse) = measure(|| policy::parse(source, Some(format)));
    let policy = match parsed {
        Ok(policy) => policy,
        Err(e) => return (Err(e), parse),
    };
    let options = render::Options::default();
    let (html, fragment) = measure(|| render::html::fragment(&policy, &options));
    let paths: [&dyn Fn(&Policy) -> usize; 4] = [
        &|p| render::html::standalone(p, &options, "en").len(),
        &|p| render::outline(p).len(),
        &|p| {
            serde_json::to_string(p)
                .expect("the model serialises")
                .len()
        },
        &|p| match render::tree::policy(p, &options) {
            render::Node::Element { children, .. } => children.len() + 1,
            render::Node::Text(_) => 0,
        },
    ];
    let mut worst = fragment;
    for path in paths {
        let (len, usage) = measure(|| path(&policy));
        assert!(len > 0);
        worst = worst.worst(usage);
    }
    (Ok(Rendered { policy, html }), parse.then(worst))
}

/// One generated policy: its name, format, generator (bytes → source) and what must hold.
struct Case {
    name: &'static str,
    format: Format,
    make: fn(usize) -> String,
    check: fn(&Rendered),
}

fn all_sections(policy: &Policy) -> usize {
    policy.walk().len()
}

/// Fails unless the parse kept more than `n` sections (the input's headings were not lost).
fn at_least_sections(r: &Rendered, n: usize) {
    let found = all_sections(&r.policy);
    assert!(found > n, "{found} sections, expected more than {n}");
}

/// Depth of the deepest block nesting (lists, items, quotes, tables).
fn block_depth(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .map(|b| match b {
            Block::List { items, .. } => {
                1 + items
                    .iter()
                    .map(|i| block_depth(&i.blocks))
                    .max()
                    .unwrap_or(0)
            }
            Block::Quote { blocks } => 1 + block_depth(blocks),
            Block::Table { head, rows } => {
                1 + head
                    .iter()
                    .chain(rows.iter().flatten())
                    .map(|c| block_depth(c))
                    .max()
                    .unwrap_or(0)
            }
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

fn max_depth(policy: &Policy) -> usize {
    let mut depth = block_depth(&policy.blocks);
    for s in policy.walk() {
        depth = depth.max(block_depth(&s.blocks)).max(block_depth(&s.tail));
    }
    depth
}

fn contains_word(r: &Rendered, word: &str) -> bool {
    r.policy.text_strings().iter().any(|s| s.contains(word)) && r.html.contains(word)
}

const CASES: &[Case] = &[
    Case {
        name: "text: one megabyte line",
        format: Format::Text,
        make: |bytes| fill("Policy\n\nScope\n", "Word{i} ", bytes, "end.\n"),
        check: |r| {
            assert_eq!(r.policy.sections.len(), 1);
            assert!(contains_word(r, "end"));
        },
    },
    Case {
        name: "markdown: one megabyte line",
        format: Format::Markdown,
        make: |bytes| fill("# Policy\n\n", "word{i} ", bytes, "end.\n"),
        check: |r| assert!(contains_word(r, "end")),
    },
    Case {
        name: "markdown: one megabyte line of inline syntax",
        format: Format::Markdown,
        make: |bytes| {
            fill(
                "# Policy\n\n",
                "*a{i}* **b** [c](https://x.example/{i}) `d` <b>e</b> &amp; _f_ ~~g~~ <https://h.example> ![i](j) ",
                bytes,
                "end.\n",
            )
        },
        check: |r| assert!(contains_word(r, "end")),
    },
    Case {
        name: "text: 100k headings",
        format: Format::Text,
        make: |bytes| fill("Policy\n\n", "S{i}\nT.\n", bytes, ""),
        check: |r| at_least_sections(r, 100_000),
    },
    Case {
        name: "text: 100k identical headings",
        format: Format::Text,
        make: |bytes| fill("Policy\n\n", "Head\nT.\n", bytes, ""),
        check: |r| {
            let ids: std::collections::HashSet<&str> =
                r.policy.walk().iter().map(|s| s.id.as_str()).collect();
            assert_eq!(ids.len(), all_sections(&r.policy), "ids are unique");
            assert!(ids.len() > 100_000, "{}", ids.len());
        },
    },
    Case {
        name: "text: 35k dotted headings, seven deep",
        format: Format::Text,
        make: |bytes| {
            fill(
                "Policy\n\n",
                "1.{i}.2.3.4.5.6.7 Heading\nText.\n",
                bytes,
                "",
            )
        },
        check: |r| at_least_sections(r, 30_000),
    },
    Case {
        name: "markdown: 100k headings",
        format: Format::Markdown,
        make: |bytes| fill("# Policy\n\n", "## H{i}\n", bytes, ""),
        check: |r| at_least_sections(r, 100_000),
    },
    Case {
        name: "markdown: 55k headings of levels 2, 6 and 3, with ids",
        format: Format::Markdown,
        make: |bytes| {
            fill(
                "# Policy\n\n",
                "## H{i}\nT.\n###### Six {i}\n### Three {i} {: #x{i} }\n",
                bytes,
                "",
            )
        },
        check: |r| at_least_sections(r, 50_000),
    },
    Case {
        name: "markdown: 10k-deep list on one line",
        format: Format::Markdown,
        make: |bytes| fill("# Policy\n\n", "- ", bytes.min(20_000), "deep\n"),
        check: |r| {
            assert!(contains_word(r, "deep"));
            assert!(max_depth(&r.policy) <= 24, "{}", max_depth(&r.policy));
        },
    },
    Case {
        name: "markdown: 10k-deep block quote",
        format: Format::Markdown,
        make: |bytes| fill("# Policy\n\n", ">", bytes.min(10_000), " deep\n"),
        check: |r| {
            assert!(contains_word(r, "deep"));
            assert!(max_depth(&r.policy) <= 24);
        },
    },
    Case {
        name: "markdown: quotes and lists nested 10k deep, many times",
        format: Format::Markdown,
        make: |bytes| {
            let deep = format!("{}x\n\n", "> - 1. ".repeat(3_400));
            fill("# Policy\n\n", &deep, bytes, "deep\n")
        },
        check: |r| {
            assert!(contains_word(r, "deep"));
            assert!(max_depth(&r.policy) <= 24);
        },
    },
    Case {
        name: "markdown: indented list nested 1,000 deep",
        format: Format::Markdown,
        make: |bytes| {
            let mut out = String::from("# Policy\n\n");
            let mut level = 0;
            while out.len() < bytes {
                out.push_str(&" ".repeat(level * 2));
                out.push_str(&format!("- item {level}\n"));
                level += 1;
            }
            out.push_str("\ndeep\n");
            out
        },
        check: |r| {
            assert!(contains_word(r, "deep"));
            assert!(max_depth(&r.policy) <= 24);
        },
    },
    Case {
        name: "markdown: HTML lists, quotes and tables nested 10k deep",
        format: Format::Markdown,
        make: |bytes| {
            let unit = "<ul><li><blockquote><table><tr><td>";
            fill(
                "# Policy\n\n<div>\n",
                unit,
                bytes.min(10_000 * unit.len()),
                "deep\n",
            )
        },
        check: |r| {
            assert!(contains_word(r, "deep"));
            assert!(max_depth(&r.policy) <= 24);
        },
    },
    Case {
        name: "markdown: 10k nested emphasis and brackets",
        format: Format::Markdown,
        make: |bytes| {
            let n = bytes / 4;
            format!(
                "# Policy\n\n{}a{}\n\n{}b{}\n\n{}c\n",
                "*".repeat(n / 2),
                "*".repeat(n / 2),
                "[".repeat(n / 2),
                "]".repeat(n / 2),
                "<".repeat(n / 2)
            )
        },
        check: |r| assert!(contains_word(r, "c")),
    },
    Case {
        name: "markdown: a paragraph of 100k blank styled spans",
        format: Format::Markdown,
        make: |bytes| fill("# Policy\n\nx\n\n", "` ` ", bytes, "end\n"),
        check: |r| assert!(contains_word(r, "end")),
    },
    Case {
        name: "markdown: an HTML block of unclosed tags",
        format: Format::Markdown,
        make: |bytes| fill("# Policy\n\n<table>\n", "<a href=\"x ", bytes, "end\n"),
        check: |r| assert!(contains_word(r, "end")),
    },
    Case {
        name: "markdown: a megabyte of ampersands and entity starts",
        format: Format::Markdown,
        make: |bytes| {
            fill(
                "# Policy\n\n<p>\n",
                "&&#x&#&amp;&#1234567890123; ",
                bytes,
                "end\n",
            )
        },
        check: |r| assert!(contains_word(r, "end")),
    },
    Case {
        name: "markdown: a table 100k columns wide",
        format: Format::Markdown,
        make: |bytes| {
            let n = bytes / 10;
            format!(
                "# Policy\n\n{}|\n{}|\n{}|\n",
                "| a ".repeat(n),
                "|---".repeat(n),
                "| b ".repeat(n)
            )
        },
        check: |r| assert!(contains_word(r, "b")),
    },
    Case {
        name: "markdown: 50k link references",
        format: Format::Markdown,
        make: |bytes| {
            let mut out = fill(
                "# Policy\n\n",
                "[r{i}]: https://x.example/{i}\n",
                bytes / 2,
                "\n",
            );
            let refs = fill("", "[r{i}] ", bytes / 2, "end\n");
            out.push_str(&refs);
            out
        },
        check: |r| assert!(contains_word(r, "end")),
    },
    Case {
        name: "text: a megabyte of blank lines",
        format: Format::Text,
        make: |bytes| fill("Policy\n\nScope\n", "\n \t\r\n", bytes, "end.\n"),
        check: |r| assert!(contains_word(r, "end")),
    },
    Case {
        name: "text: 100k nested list markers",
        format: Format::Text,
        make: |bytes| {
            fill(
                "Policy\n\nScope\nWe use:\n",
                "{i}. item:\n(a) sub:\n- bullet\n",
                bytes,
                "end.\n",
            )
        },
        check: |r| assert!(contains_word(r, "end")),
    },
];

/// Every case at one megabyte renders correctly, under the hang guard and the memory bound,
/// and costs at most ~8× what it costs at an eighth of the size.
#[test]
fn big_and_deep_policies_render_linearly_in_bounded_memory() {
    for case in CASES {
        guarded(case.name, || {
            let source = (case.make)(*MB);
            let (rendered, usage) = render_all(&source, case.format);
            let rendered = rendered.unwrap_or_else(|e| panic!("{}: {e}", case.name));
            if let Err(problem) = render::html::audit(&rendered.html) {
                panic!("{}: {problem}", case.name);
            }
            (case.check)(&rendered);
            assert_bounded(case.name, source.len(), usage, K_RENDER, C_RENDER);
            let small = render_all(&(case.make)(*MB / 8), case.format).1;
            assert_linear(case.name, small, usage);
            eprintln!(
                "{}: {} bytes in, peak {} bytes ({:.1}×), {} allocations",
                case.name,
                source.len(),
                usage.peak,
                usage.peak as f64 / source.len() as f64,
                usage.allocs
            );
        });
    }
}

/// Two versions of a policy and what their comparison must find.
struct Pair {
    name: &'static str,
    make: fn(usize) -> (String, String),
    check: fn(&revision::Revision),
}

fn changed(r: &revision::Revision) -> usize {
    r.sections
        .iter()
        .filter(|s| s.change != Change::Unchanged)
        .count()
}

const PAIRS: &[Pair] = &[
    Pair {
        name: "65k identical sections, one edited",
        make: |bytes| {
            let old = fill("Policy\n\n", "Head\nT.\n", bytes / 2, "");
            let new = old.replacen("T.", "T with 30 days.", 1);
            (old, new)
        },
        check: |r| assert_eq!(r.level, Level::Material),
    },
    Pair {
        name: "40k numbered sections, renumbered",
        make: |bytes| {
            let old = fill("Policy\n\n", "{i}. Heading {i}\nText.\n", bytes / 2, "");
            let new = old.replacen("0. Heading 0\nText.\n", "", 1);
            (old, new)
        },
        check: |r| assert!(r.level >= Level::Minor),
    },
    Pair {
        name: "a preamble of 50k paragraphs, one edited",
        make: |bytes| {
            let old = fill("", "Line {i} is here.\n", bytes / 2, "");
            let new = old.replacen("Line 7 is here.", "Line 7 is not here.", 1);
            (old, new)
        },
        check: |r| assert_eq!(r.level, Level::Material),
    },
    Pair {
        name: "a section of 25k paragraphs, each replaced",
        make: |bytes| {
            let old = fill(
                "Policy\n\nScope\n",
                "We keep item {i} for a while.\n",
                bytes / 2,
                "",
            );
            let new = fill(
                "Policy\n\nScope\n",
                "Zebras graze {i} quietly.\n",
                bytes / 2,
                "",
            );
            (old, new)
        },
        check: |r| assert_eq!(r.level, Level::Material),
    },
    Pair {
        name: "a section of 20k paragraphs, each with its own number changed",
        make: |bytes| {
            let old = fill(
                "Policy\n\nScope\n",
                "We keep item {i} for {i} days.\n",
                bytes / 2,
                "",
            );
            let new = fill(
                "Policy\n\nScope\n",
                "We keep item {i} for {i}0 days.\n",
                bytes / 2,
                "",
            );
            (old, new)
        },
        check: |r| assert_eq!(r.level, Level::Material),
    },
    Pair {
        name: "a megabyte line against another",
        make: |bytes| {
            let old = fill("Policy\n\nScope\n", "alpha{i} ", bytes / 2, "end.\n");
            let new = fill("Policy\n\nScope\n", "beta{i} ", bytes / 2, "end.\n");
            (old, new)
        },
        check: |r| assert!(changed(r) >= 1),
    },
    Pair {
        name: "200k negations against 200k others",
        make: |bytes| {
            let old = fill("Policy\n\nScope\n", "not ", bytes / 2, "end.\n");
            let new = fill("Policy\n\nScope\n", "no ", bytes / 2, "end.\n");
            (old, new)
        },
        check: |r| assert_eq!(r.level, Level::Material),
    },
    Pair {
        name: "a half-megabyte word, one letter changed",
        make: |bytes| {
            let word = "a".repeat(bytes / 2);
            (
                format!("Policy\n\nScope\n{word}b.\n"),
                format!("Policy\n\nScope\n{word}c.\n"),
            )
        },
        check: |r| assert!(changed(r) >= 1),
    },
    Pair {
        name: "a megabyte Markdown heading against another",
        make: |bytes| {
            (
                fill("# Policy\n\n## ", "h{i} ", bytes / 2, "\n\nText.\n"),
                fill("# Policy\n\n## ", "k{i} ", bytes / 2, "\n\nText.\n"),
            )
        },
        check: |r| assert!(changed(r) >= 1),
    },
];

fn compare_pair(old: &str, new: &str) -> (revision::Revision, Usage) {
    let format = |s: &str| {
        if s.starts_with('#') {
            Format::Markdown
        } else {
            Format::Text
        }
    };
    measure(|| {
        let old = policy::parse(old, Some(format(old))).expect("old parses");
        let new = policy::parse(new, Some(format(new))).expect("new parses");
        let forward = revision::compare(&old, &new);
        let html = render::html::revision_fragment(&forward, Level::Cosmetic);
        render::html::audit(&html).expect("the revision renders safely");
        forward
    })
}

/// Comparisons of big versions finish under the hang guard, in bounded memory, and still
/// find what changed.
#[test]
fn big_comparisons_are_bounded() {
    for pair in PAIRS {
        guarded(pair.name, || {
            let (old, new) = (pair.make)(*MB);
            let (revision, usage) = compare_pair(&old, &new);
            (pair.check)(&revision);
            assert_bounded(
                pair.name,
                old.len() + new.len(),
                usage,
                K_COMPARE,
                C_COMPARE,
            );
            eprintln!(
                "{}: {} bytes in, peak {} bytes ({:.1}×), {} allocations",
                pair.name,
                old.len() + new.len(),
                usage.peak,
                usage.peak as f64 / (old.len() + new.len()) as f64,
                usage.allocs
            );
        });
    }
}

/// A version compared with itself, at 130k identical sections: unchanged.
#[test]
fn identity_on_a_huge_policy_is_unchanged() {
    guarded("identity", || {
        let source = fill("Policy\n\n", "Head\nT.\n", *MB, "");
        let policy = policy::parse(&source, Some(Format::Text)).unwrap();
        let revision = revision::compare(&policy, &policy);
        assert_eq!(revision.level, Level::Unchanged);
        assert_eq!(changed(&revision), 0);
    });
}

/// Past the size limit: a clear error, before any parsing.
#[test]
fn a_policy_past_the_limit_is_refused_at_once() {
    let source = "Policy text. ".repeat(policy::MAX_POLICY_BYTES / 13 + 1);
    let (result, usage) = measure(|| policy::parse(&source, None));
    let error = result.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the policy is too large ({} bytes; at most {})",
            source.len(),
            policy::MAX_POLICY_BYTES
        )
    );
    assert_eq!(usage.peak, 0, "nothing allocated before refusing");
}

/// What real policies cost, for scale: the corpus files peak far below the bounds above.
#[test]
fn real_policies_peak_far_below_the_bound() {
    for (path, format) in [
        ("policy/privacy-policy.txt", Format::Text),
        (
            "tests/fixtures/mozilla-en-firefox_privacy_notice.md",
            Format::Markdown,
        ),
        (
            "tests/fixtures/mozilla-zh-CN-firefox_privacy_notice.md",
            Format::Markdown,
        ),
    ] {
        let source = std::fs::read_to_string(crate::root().join(path)).unwrap();
        let (rendered, usage) = render_all(&source, format);
        rendered.unwrap();
        let factor = usage.peak as f64 / source.len() as f64;
        eprintln!(
            "{path}: {} bytes, peak {} bytes ({factor:.1}×)",
            source.len(),
            usage.peak
        );
        assert!(factor < 40.0, "{path}: {factor:.1}×");
    }
}
