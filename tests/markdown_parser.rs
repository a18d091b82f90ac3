//! Our Markdown parser against pulldown-cmark (a dev-dependency only): the policy model built
//! from our events must equal the one built from pulldown-cmark's, on the real documents, the
//! Markdown fixtures and small documents covering each construct; where we differ on purpose
//! the difference is asserted below.

use crate::pulldown_adapter::{convert, options, reference};
use crate::util::root;
use policy_consent::policy::commonmark::Event;
use policy_consent::policy::markdown;
use pulldown_cmark as pd;

/// The events, one a line, adjacent text merged (how text is split does not matter).
fn events(source: &str, ours: bool) -> String {
    // The text the parsers see: kramdown attribute lists blanked out.
    let mut clean = String::new();
    markdown::parse_with(source, |text, _| clean = text.to_string());
    let source = clean.as_str();
    let mut out = String::new();
    let mut text = String::new();
    let mut push = |e: Event<'_>| match e {
        Event::Text(t) => text.push_str(t),
        e => {
            if !text.is_empty() {
                out.push_str(&format!("{:?}\n", Event::Text(&std::mem::take(&mut text))));
            }
            out.push_str(&format!("{e:?}\n"));
        }
    };
    if ours {
        policy_consent::policy::commonmark::parse(source, &mut |e, _| push(e));
    } else {
        for event in pd::Parser::new_ext(source, options()) {
            if let Some(e) = convert(&event) {
                push(e);
            }
        }
    }
    push(Event::Rule); // flushes the text
    out
}

fn same(name: &str, source: &str) -> Result<(), String> {
    let ours = markdown::parse(source);
    let theirs = reference(source);
    if ours == theirs {
        return Ok(());
    }
    Err(format!(
        "{name}: models differ\n--- source\n{source}\n--- ours\n{ours:#?}\n--- pulldown-cmark\n{theirs:#?}\n--- our events\n{}\n--- pulldown-cmark events\n{}",
        events(source, true),
        events(source, false)
    ))
}

fn check_all(cases: &[(&str, String)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, source)| same(name, source).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn corpus_documents_are_identical() {
    let dir = std::path::Path::new("/work/shared/policy/corpus");
    let mut cases = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    for path in paths {
        if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            cases.push(("corpus", text));
        }
    }
    check_all(&cases);
}

#[test]
fn markdown_fixtures_are_identical() {
    let mut cases = Vec::new();
    for dir in ["tests/fixtures", "tests/hostile", "tests/e2e/pages"] {
        let mut paths: Vec<_> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        paths.sort();
        for path in paths {
            if path.extension().is_some_and(|e| e == "md") {
                let bytes = std::fs::read(&path).unwrap();
                let text = String::from_utf8_lossy(&bytes).into_owned();
                cases.push(("fixture", text));
            }
        }
    }
    check_all(&cases);
}

/// Small documents, one or two constructs each.
const CONSTRUCTS: &[&str] = &[
    "# Title\n\nPara one\ncontinues here.\n\n## Two\n\nText.\n",
    "Setext one\n==========\n\nSetext two\n----------\n\nbody\n",
    "# Heading {#custom-id .cls}\n\n## Other {#x}\n\nText\n",
    "# Closed heading ##\n\n### Three ###   \n\n#### Four #not-closing\n",
    "## H {: #kram }\n\nPara.\n{: #anchor }\n\nEffective\n{: datetime=\"2026-01-02\" }\n",
    "- one\n- two\n  - nested\n  - nested two\n- three\n",
    "1. first\n2. second\n\n   para in second\n3. third\n",
    "7) seven\n8) eight\n",
    "- tight\n- list\n\n- now\n- loose\n",
    "* a\n\n  b\n* c\n",
    "- a\n+ b\n* c\n",
    "> quote line\n> continues\nlazily\n\n> - list in quote\n>   - nested\n> > deeper\n",
    "> # Heading in quote\n> text\n",
    "```\ncode *not emph*\n  kept\n```\n\n~~~rust\nfn x() {}\n~~~\n",
    "    indented code\n    more\n\n    after blank\n\ntext\n",
    "Para\n    not code\n",
    "<div class=\"x\">\n*not md*\n</div>\n\nafter\n",
    "<table><tr><td>A</td><td>B</td></tr></table>\n\nText <b>bold</b> and <br/>break\n",
    "<!-- comment -->\nText\n",
    "<script>alert(1)</script>\n\nok\n",
    "Text\n<div>\ninterrupt</div>\n",
    "---\n\n***\n\n_ _ _\n",
    "[ref]: https://example.com/ref \"Title\"\n\nSee [ref] and [text][ref] and [ref][] and [REF].\n",
    "[multi]:\n  /url\n  'title'\n\n[multi]\n",
    "| A | B |\n|---|:--:|\n| 1 | **two** |\n| `x \\| y` | [l](/u) |\n",
    "A | B\n--|--\nc | d\ne\n\nafter\n",
    "para line\n| a | b |\n| - | - |\n| c | d |\n",
    "| a | b |\n|---|---|\n| only one |\n| 1 | 2 | 3 |\n",
    "Backslash \\*not emph\\* and \\[not link\\] and \\\\ slash\n",
    "Code `span` and ``with ` tick`` and ` `` ` and `unclosed\n",
    "*a **b** c* and **a *b* c** and ***both***\n",
    "__init__ and snake_case_name and 2*3*4 and *emph*word\n",
    "_under_ and __strong__ and *a*b* and **a**b**\n",
    "~~strike~~ and ~single~ and ~~~three~~~\n",
    "[link](https://example.com \"title\") and [paren](https://e.com/a_(b)) and [empty]()\n",
    "[link with <dest>](<https://e.com/a b>) and ![image *alt*](/i.png)\n",
    "[outer [inner](/in)](/out) and [a](/b 'single') [c](/d (paren))\n",
    "Autolinks <https://example.com/x?y=1> and <mail@example.com> and <not a link>\n",
    "Entities &amp; &lt; &copy; &nbsp; &mdash; &#169; &#x1F600; &#0; and &unknownentity; &amp\n",
    "Hard break  \nnext line\\\nthird\n",
    "Inline <span title=\"a>b\">html</span> and <em>em</em>\n",
    "**bold [link](/u) bold** and *[emph link](/v)*\n",
    "- [link](/a) in list\n- `code` in list\n",
    "1. one\n\n   > quote in item\n\n2. two\n",
    "Line with trailing spaces   \n\nNext\n",
    "# Title\n\n<a id=\"anchor\"></a>\n## Section\n\nText\n",
    "Heading with *emph*\n===\n",
    "- item\n\n      code in item\n",
    "10. ten\n11. eleven\n",
    "Paragraph\n1. not interrupting? yes, starts at 1\n",
    "Paragraph\n2. does not interrupt\n",
    "* * *\n- - -\n",
    "- \n  foo\n",
    "-\n\n  foo\n",
    "> a\n>\n> b\n",
    "Tab\tin text\n\n\tcode with tab\n\n-\ttab item\n",
    "CJK **粗体**。和*强调*，以及「**引号**」\n",
    "**Note:** text and **“quoted”** and *(paren)*\n",
    "Link [with `code`](/c) and [with **bold**](/b)\n",
    "[not a ref]\n\n[dangling][nowhere]\n",
    "Email <a.b+c@sub.example.org>, uri <ftp://x.y/z>\n",
    "## Heading with `code` and [link](/l)\n",
    "<details>\n<summary>More</summary>\n\nInside **md**\n\n</details>\n",
    "<p align=\"center\">centered</p>\n",
    "Text <!-- inline comment --> more\n",
    "1. a\n   1. b\n      1. c\n",
    "- a\n - b\n  - c\n   - d\n    - e\n",
    "> quote\n- list after\n",
    "***\n**bold**\n",
    "| x |\n|---|\n\n| y |\n| --- |\n| z |\n",
    "Term\n: not a definition list\n",
    "[a]: /one\n[a]: /two\n\n[a]\n",
    "Foo *bar\nbaz* qux\n",
    "*foo`*`\n",
    "[foo`]`](/x)\n",
    "<http://a.b/c_(d)>\n",
    "&#35; not heading\n",
    "\\# not heading\n",
    // Found by the differential fuzz target (fuzz/fuzz_targets/markdown_differential.rs).
    "# Title\r\n\r\nPara\r\nline\r\n\r\n- a\r\n- b\r\n",
    "<style/>\n*x*\n",
    "<scripte>\n*x*\n",
    "</script>\ntext\n",
    "<style>\n</script>\n</style>\n\n*x*\n",
    "```\ncode\n```\t\nstill code\n",
    "| a | b |\n| --- |\t- |\n",
    "> - i\n  > 2. nested\n",
    "a {P}~~.*b ,~,c {P}*,~s {P{~~.d\n",
    "[a](<h2>\"t\") x\n",
    "- [r\nef]\n| -\n  | ---\n",
    "# ~~a~~ *b* ## {#id}\n",
    "[ref]: /x\n| a |\n|---|\n",
    "para\n| a | \\\n| --- |\n",
    "# a\t\t###\n",
    "`a\n  b`\n",
    ">>\\\n|-\n>>|-\n",
    "# w.__pwne = t._ {#x}\n\n# w.__pwne = t._{#y}\n",
    "[\u{2009}]: /thin\n\n[\u{2009}]\n",
    "#\n[+]:o{:#i}\n{\n",
];

#[test]
fn constructs_are_identical() {
    let cases: Vec<(&str, String)> = CONSTRUCTS
        .iter()
        .map(|s| ("construct", s.to_string()))
        .collect();
    check_all(&cases);
}

/// Debugging aid: `MD_SHOW=file cargo test --test tests show -- --ignored --nocapture` prints
/// both event streams and both models for a file.
#[test]
#[ignore]
fn show() {
    let path = std::env::var("MD_SHOW").expect("MD_SHOW=file");
    let source = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    if let Err(diff) = same("file", &source) {
        println!("{diff}");
    } else {
        println!("identical");
    }
}

/// Where we differ from pulldown-cmark on purpose, what we produce (the differential fuzz
/// target skips these classes by the same list).
#[test]
fn documented_differences() {
    use policy_consent::policy::Block;
    let paragraph = |source: &str| match markdown::parse(source).blocks.as_slice() {
        [Block::Paragraph { text }] => text.iter().map(|s| s.text.as_str()).collect::<String>(),
        other => panic!("{other:?}"),
    };
    // 1. Named entities outside our small table stay as written (pulldown-cmark knows all
    //    2,125 HTML5 names); the common ones and all numeric references are decoded.
    assert_eq!(paragraph("&frac58; &copy; &#x41;\n"), "&frac58; © A");
    assert_ne!(reference("&frac58;\n"), markdown::parse("&frac58;\n"));
    // 2. A lone `\r` ends a line, as CommonMark says; pulldown-cmark reads an ATX heading on
    //    to the next `\n`.
    let policy = markdown::parse("# A\rB\n");
    assert_eq!(policy.title, "A");
    assert_eq!(policy.blocks, vec![Block::paragraph("B")]);
    // 3. Containers nest at most 64 deep: deeper `>` markers are absorbed, deeper list
    //    markers are text (the builder shows nothing deeper than 24 either way).
    let deep = format!("{}- item\n", "> ".repeat(70));
    assert!(markdown::parse(&deep).text_strings().contains(&"- item"));
    // 4. A link reference definition whose title runs on over a table's delimiter row: we
    //    see the table first.
    let source = "[a]: /u \"t |\n|-|\n| x\"\n";
    assert!(matches!(
        markdown::parse(source).blocks.first(),
        Some(Block::Table { .. })
    ));
    // 5. Whitespace inside a code span that runs over a lazy line of a nested list: we
    //    keep the lazy line's indentation (pulldown-cmark keeps or drops it by container).
    let policy = markdown::parse("- a\n  1. `b\nc\n d`\n");
    assert!(format!("{policy:?}").contains("b c  d"), "{policy:?}");
}
