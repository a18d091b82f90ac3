//! Text conservation: the words of the input, in order, are the words of the model (and of
//! the rendered page), none lost and none doubled; Markdown syntax, attribute lists and
//! tags aside.

use crate::util::{first_difference, read, words};
use policy_consent::policy::{self, Format, Policy};
use policy_consent::render;
use proptest::prelude::*;

fn model_words(policy: &Policy) -> Vec<String> {
    words(&policy.text_strings().join(" "))
}

/// The reader-visible words of a Markdown source: without attribute lists, HTML tags and
/// comments, link destinations and list markers, with entities decoded.
fn markdown_words(source: &str) -> Vec<String> {
    let mut text = String::new();
    for line in source.lines() {
        let mut line = line.to_string();
        if let Some(start) = line.rfind("{:").filter(|_| line.trim_end().ends_with('}')) {
            line.truncate(start);
        }
        let trimmed = line.trim_start();
        let marker = trimmed.split_once(' ').map(|(m, _)| m).filter(|m| {
            ["*", "-", "+"].contains(m)
                || (m.ends_with(['.', ')'])
                    && m[..m.len() - 1].bytes().all(|b| b.is_ascii_digit())
                    && m.len() > 1)
        });
        if let Some(marker) = marker {
            line = trimmed[marker.len()..].to_string();
        }
        text.push_str(&line);
        text.push('\n');
    }
    let text = strip_between(&text, "<!--", "-->");
    let text = strip_tags(&text);
    let text = strip_between(&text, "](", ")");
    let text = text
        .replace("&amp;", "&")
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    words(&text)
}

fn strip_between(text: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        out.push(' ');
        let after = &rest[start + open.len()..];
        rest = after
            .find(close)
            .map_or("", |end| &after[end + close.len()..]);
    }
    out.push_str(rest);
    out
}

fn strip_tags(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        let is_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
        match after.find('>') {
            Some(end) if is_tag => {
                out.push(' ');
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn assert_conserved(name: &str, expected: &[String], policy: &Policy) {
    let actual = model_words(policy);
    if let Some(diff) = first_difference(expected, &actual) {
        panic!("{name}: {diff}");
    }
}

#[test]
fn every_corpus_file_keeps_its_words() {
    let corpus = crate::util::root().join("../shared/policy/corpus");
    let dir = if corpus.is_dir() {
        corpus
    } else {
        crate::util::root().join("tests/fixtures")
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "README.md" || !(name.ends_with(".md") || name.ends_with(".txt")) {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let format = Format::from_path(&name).unwrap();
        let policy = policy::parse(&source, Some(format)).unwrap();
        let expected = match format {
            Format::Text => words(&source),
            Format::Markdown => markdown_words(&source),
        };
        assert_conserved(&name, &expected, &policy);
        checked += 1;
    }
    assert!(
        checked >= 5,
        "only {checked} corpus files in {}",
        dir.display()
    );
}

/// The rendered page (without its table of contents) shows exactly the input's words.
#[test]
fn rendered_page_keeps_the_seed_policy_words() {
    let source = read("policy/privacy-policy.txt");
    let policy = policy::parse(&source, Some(Format::Text)).unwrap();
    let options = render::Options {
        toc: false,
        ..Default::default()
    };
    let html = render::html::fragment(&policy, &options);
    let text = strip_tags(&html)
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"");
    if let Some(diff) = first_difference(&words(&source), &words(&text)) {
        panic!("rendered page: {diff}");
    }
}

/// Bidi controls are shown, not obeyed (`render::tree::visible`): the rendered page keeps
/// every word of the source, with each escaped control's name (`⟨U+202E⟩`: the words `U` and
/// `202E`) where the control was. Embeddings and overrides are escaped everywhere, isolates
/// in headings only.
#[test]
fn rendered_page_names_bidi_controls_in_place() {
    let source = "Privacy \u{202E}Policy\u{202C}\n\nIntroduction \u{2067}Here\u{2069}\nWe keep data for \u{202E}09\u{202C} days; \u{2067}isolated\u{2069} text stays.\n";
    let policy = policy::parse(source, Some(Format::Text)).unwrap();
    assert_eq!(
        policy.sections[0].heading,
        "Introduction \u{2067}Here\u{2069}"
    );
    let options = render::Options {
        toc: false,
        ..Default::default()
    };
    let html = render::html::fragment(&policy, &options);
    let shown = words(&strip_tags(&html));
    let expected = words(
        "Privacy ⟨U+202E⟩Policy⟨U+202C⟩ Introduction ⟨U+2067⟩Here⟨U+2069⟩ \
         We keep data for ⟨U+202E⟩09⟨U+202C⟩ days; \u{2067}isolated\u{2069} text stays.",
    );
    if let Some(diff) = first_difference(&expected, &shown) {
        panic!("rendered page: {diff}");
    }
    // The model itself keeps the source's words exactly.
    assert!(first_difference(&words(source), &model_words(&policy)).is_none());
}

/// Lines as policies write them: headings of every numbering style, sentences, items,
/// Chinese, and whitespace noise.
fn policy_line() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[A-Za-z]{1,9}",
        "[a-z]{2,7}[.,;:]?",
        "[0-9]{1,4}",
        "[一-龥]{1,6}[。，；]?",
        Just("“quoted”".to_string()),
        Just("e.g.".to_string()),
        Just("Log information.When".to_string()),
    ];
    let text = prop::collection::vec(word, 1..18).prop_map(|w| w.join(" "));
    let marker = prop_oneof![
        Just(String::new()),
        Just(String::new()),
        Just("1. ".to_string()),
        Just("2 ".to_string()),
        Just("1 ".to_string()),
        Just("1.2 ".to_string()),
        Just("3.1.4 ".to_string()),
        Just("(1) ".to_string()),
        Just("(a) ".to_string()),
        Just("IV. ".to_string()),
        Just("一、".to_string()),
        Just("- ".to_string()),
        Just("• ".to_string()),
    ];
    let noise = prop_oneof![Just(""), Just("\t"), Just("\u{a0}"), Just("  ")];
    let end = prop_oneof![Just(""), Just("."), Just(":"), Just(";"), Just("\r")];
    (marker, text, noise, end).prop_map(|(m, t, n, e)| format!("{n}{m}{t}{e}"))
}

fn policy_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![3 => policy_line(), 1 => Just(String::new())];
    (prop::bool::ANY, prop::collection::vec(line, 1..60)).prop_map(|(bom, lines)| {
        let body = lines.join("\n");
        if bom { format!("\u{feff}{body}") } else { body }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn plain_text_keeps_every_word_in_order(source in policy_text()) {
        if let Ok(policy) = policy::parse(&source, Some(Format::Text)) {
            let actual = model_words(&policy);
            let expected = words(&source);
            prop_assert!(first_difference(&expected, &actual).is_none(), "{}", first_difference(&expected, &actual).unwrap());
            let html = render::html::fragment(&policy, &Default::default());
            prop_assert!(render::html::audit(&html).is_ok(), "{:?}", render::html::audit(&html));
        }
    }

    #[test]
    fn markdown_keeps_every_word_in_order(doc in markdown_doc()) {
        let (source, expected) = doc;
        let policy = policy::parse(&source, Some(Format::Markdown)).unwrap();
        let actual = model_words(&policy);
        prop_assert!(first_difference(&expected, &actual).is_none(), "{}\n---\n{}", first_difference(&expected, &actual).unwrap(), source);
    }
}

/// A Markdown document built from known words, and those words in reading order.
fn markdown_doc() -> impl Strategy<Value = (String, Vec<String>)> {
    let word = prop_oneof!["[A-Za-z][a-z0-9]{0,8}", "[一-龥]"];
    let words_ = prop::collection::vec(word, 1..10);
    let block = (
        0u8..7,
        words_,
        prop::collection::vec(prop::collection::vec("[a-z]{1,6}", 1..4), 1..4),
    );
    prop::collection::vec(block, 1..25).prop_map(|blocks| {
        let mut source = String::new();
        let mut expected = Vec::new();
        for (kind, ws, items) in blocks {
            let line = ws.join(" ");
            match kind {
                0 => source.push_str(&format!("# {line}\n\n")),
                1 => source.push_str(&format!("## {line}\n\n")),
                2 => source.push_str(&format!("### {line} {{: #x{} }}\n\n", ws.len())),
                3 => source.push_str(&format!("> {line}\n\n")),
                4 => source.push_str(&format!("*{line}* and [link](https://example.com/{}) **b**\n{{: datetime=\"2026\" }}\n\n", ws.len())),
                _ => {}
            }
            match kind {
                0..=3 => expected.extend(ws.iter().cloned()),
                4 => {
                    expected.extend(ws.iter().cloned());
                    expected.extend(["and", "link", "b"].map(String::from));
                }
                5 => {
                    source.push_str(&format!("{line}\n\n"));
                    expected.extend(ws.iter().cloned());
                    for item in &items {
                        source.push_str(&format!("- {}\n", item.join(" ")));
                        expected.extend(item.iter().cloned());
                    }
                    source.push('\n');
                }
                _ => {
                    source.push_str(&format!("| {} | x |\n| --- | --- |\n", line));
                    expected.extend(ws.iter().cloned());
                    expected.push("x".into());
                    for item in &items {
                        source.push_str(&format!("| {} | <td>y</td> |\n", item.join(" ")));
                        expected.extend(item.iter().cloned());
                        expected.push("y".into());
                    }
                    source.push('\n');
                }
            }
        }
        // Chinese characters are words of one character each.
        let expected = words(&expected.join(" "));
        (source, expected)
    })
}
