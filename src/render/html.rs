//! The rendered tree as an HTML string: every text and attribute value escaped by [`escape`],
//! and a standalone page with a small stylesheet for the CLI.

use super::tree::{self, Node, Options};
use crate::policy::Policy;

/// Escapes text for use in HTML content and in double- or single-quoted attribute values.
pub fn escape(text: &str, out: &mut String) {
    // Copies runs between special bytes whole; the specials are ASCII, so every run
    // boundary is a char boundary. Eight bytes are tested at once (the release profile
    // optimises for size, so nothing is vectorised for us); only the words holding a
    // special byte are walked byte by byte.
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        if let Some(word) = bytes.get(at..at + 8) {
            let word = u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or_default());
            if !has_special(word) {
                at += 8;
                continue;
            }
        }
        let end = bytes.len().min(at + 8);
        for (i, &byte) in bytes.iter().enumerate().take(end).skip(at) {
            let entity = match byte {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                _ => continue,
            };
            out.push_str(&text[start..i]);
            out.push_str(entity);
            start = i + 1;
        }
        at = end;
    }
    out.push_str(&text[start..]);
}

/// Whether one of the eight bytes of `word` is one [`escape`] replaces: for each special,
/// the word xor that byte repeated has a zero byte, which the classic
/// `(x - 0x01…) & !x & 0x80…` test finds exactly.
fn has_special(word: u64) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = ONES * 0x80;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let is = |byte: u8| zero(word ^ (ONES * u64::from(byte)));
    is(b'&') | is(b'<') | is(b'>') | is(b'"') | is(b'\'') != 0
}

/// Elements without content or end tag.
fn is_void(tag: &str) -> bool {
    tag.as_bytes() == b"br"
}

/// Serialises a node.
pub fn write(node: &Node, out: &mut String) {
    match node {
        Node::Text(text) => escape(text, out),
        Node::Element {
            tag,
            attrs,
            children,
        } => {
            out.push('<');
            out.push_str(tag);
            for (name, value) in attrs {
                out.push(' ');
                out.push_str(name);
                out.push_str("=\"");
                escape(value, out);
                out.push('"');
            }
            out.push('>');
            if is_void(tag) {
                return;
            }
            for child in children {
                write(child, out);
            }
            out.push_str("</");
            out.push_str(tag);
            out.push('>');
            // Block-level elements end a line, so the output is readable and diffable.
            // (Byte patterns: compared inline, where `str` patterns call memcmp.)
            if !matches!(
                tag.as_bytes(),
                b"a" | b"strong" | b"em" | b"code" | b"del" | b"ins" | b"span" | b"br"
            ) {
                out.push('\n');
            }
        }
    }
}

/// The policy as an HTML fragment (`<article class="pc-policy">…</article>`).
///
/// # Examples
/// ```
/// let policy = policy_consent::policy::parse("Policy\n\nAbout <b>\nWe use <script>.\n", None).unwrap();
/// let html = policy_consent::render::html::fragment(&policy, &Default::default());
/// assert!(html.contains("<h2>About &lt;b&gt;</h2>"));
/// assert!(html.contains("We use &lt;script&gt;."));
/// ```
pub fn fragment(policy: &Policy, options: &Options) -> String {
    let mut out = String::with_capacity(policy_size_hint(policy));
    write_fragment(policy, options, &mut out);
    out
}

/// Writes what `write(&tree::policy(policy, options))` writes, one top-level child at a
/// time: only one section's nodes are alive at once, not the whole policy's tree.
fn write_fragment(policy: &Policy, options: &Options, out: &mut String) {
    out.push_str("<article class=\"");
    escape(tree::ARTICLE_CLASS, out);
    out.push_str("\">");
    for child in tree::policy_children(policy, options) {
        write(&child, out);
    }
    out.push_str("</article>\n");
}

fn policy_size_hint(policy: &Policy) -> usize {
    let mut bytes = 0;
    policy.visit_text(&mut |s| bytes += s.len());
    bytes * 2 + 1024
}

const STYLESHEET: &str = include_str!("policy.css");

/// A revision as an HTML fragment (see [`super::diff::revision`]).
pub fn revision_fragment(
    revision: &crate::revision::Revision,
    min: crate::revision::Level,
) -> String {
    let mut out = String::new();
    write(&super::diff::revision(revision, min), &mut out);
    out
}

/// A complete page: the fragment with a title, viewport and a small stylesheet (system fonts,
/// a readable line length, dark mode through `prefers-color-scheme`).
pub fn standalone(policy: &Policy, options: &Options, lang: &str) -> String {
    let mut out = String::from("<!doctype html>\n<html lang=\"");
    escape(lang, &mut out);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
    escape(
        &tree::visible(&policy.title, tree::Place::Heading),
        &mut out,
    );
    out.push_str("</title>\n<style>\n");
    out.push_str(STYLESHEET);
    out.push_str("body{margin:0;background:#fff}@media (prefers-color-scheme:dark){body{background:#16171a}}\n</style>\n</head>\n<body>\n");
    out.reserve(policy_size_hint(policy));
    write_fragment(policy, options, &mut out);
    out.push_str("</body>\n</html>\n");
    out
}

/// The language of a policy's text, for `<html lang>` (see [`Policy::language`]).
pub fn guess_lang(policy: &Policy) -> &'static str {
    policy.language()
}

/// Tags and attributes the renderer may emit; see [`audit`].
const ALLOWED_TAGS: &[&str] = &[
    "article",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "nav",
    "ol",
    "ul",
    "li",
    "a",
    "section",
    "span",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "pre",
    "code",
    "strong",
    "em",
    "del",
    "ins",
    "br",
];
const ALLOWED_ATTRS: &[&str] = &[
    "id",
    "class",
    "href",
    "rel",
    "aria-label",
    "data-pc-change",
    "data-pc-level",
];

/// The renderer's tag named `name`, if it has one.
pub(crate) fn allowed_tag(name: &str) -> Option<&'static str> {
    ALLOWED_TAGS.iter().copied().find(|t| *t == name)
}

/// The renderer's attribute named `name`, when `value` is one it could give it (a link only
/// to `http(s):`, `mailto:`, `tel:` or a fragment); else what is wrong.
pub(crate) fn allowed_attr(name: &str, value: &str) -> Result<&'static str, String> {
    let Some(name) = ALLOWED_ATTRS.iter().copied().find(|a| *a == name) else {
        return Err(format!("attribute not allowed: {}", clip(name)));
    };
    if name == "href" && !super::tree::has_safe_scheme(value) {
        return Err(format!("unsafe link: {}", clip(value)));
    }
    Ok(name)
}

/// Checks that `html` (a fragment from [`fragment`]) holds only the tags and attributes the
/// renderer emits and no link a browser would run: the escaping invariant that tests and
/// fuzzing assert on every input. Returns the first offending piece.
pub fn audit(html: &str) -> Result<(), String> {
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        let end = rest
            .find('>')
            .ok_or_else(|| format!("unterminated tag: <{}", clip(rest)))?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        if allowed_tag(name).is_none() {
            return Err(format!("tag not allowed: <{}>", clip(tag)));
        }
        let mut attrs = attrs.trim();
        while !attrs.is_empty() {
            let (attr, after) = crate::search::split_once(attrs, "=\"")
                .ok_or_else(|| format!("malformed attributes: {}", clip(attrs)))?;
            let close = after
                .find('"')
                .ok_or_else(|| format!("unterminated attribute: {}", clip(after)))?;
            let value = &after[..close];
            allowed_attr(attr, value)?;
            attrs = after[close + 1..].trim_start();
        }
    }
    Ok(())
}

/// At most 60 bytes of `s` (on a character boundary), for naming it in an error.
pub(crate) fn clip(s: &str) -> &str {
    let mut end = s.len().min(60);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Format, parse};

    /// The word-at-a-time scan finds every special wherever it falls, beside bytes one
    /// bit away from a special (`%`, `=`, `?`, `$`) and multi-byte characters.
    #[test]
    fn escape_finds_specials_at_every_offset() {
        let background: Vec<char> = "ab%=?$\u{e9}\u{4e2d}xyz&<>\"'".chars().collect();
        for special in ['&', '<', '>', '"', '\'', '%', '\u{e9}'] {
            for len in 0..24 {
                for at in 0..len {
                    let text: String = (0..len)
                        .map(|i| {
                            if i == at {
                                special
                            } else {
                                background[(i * 7) % background.len()]
                            }
                        })
                        .collect();
                    let mut expected = String::new();
                    for c in text.chars() {
                        match c {
                            '&' => expected.push_str("&amp;"),
                            '<' => expected.push_str("&lt;"),
                            '>' => expected.push_str("&gt;"),
                            '"' => expected.push_str("&quot;"),
                            '\'' => expected.push_str("&#39;"),
                            c => expected.push(c),
                        }
                    }
                    let mut out = String::new();
                    escape(&text, &mut out);
                    assert_eq!(out, expected, "{text:?}");
                }
            }
        }
    }

    /// The fragment, written one top-level child at a time, is the whole tree serialised.
    #[test]
    fn the_fragment_is_the_tree_serialised() {
        let sources = [
            (
                include_str!("../../policy/privacy-policy.txt"),
                Format::Text,
            ),
            (
                include_str!("../../tests/fixtures/mozilla-en-mozilla_privacy_policy.md"),
                Format::Markdown,
            ),
            ("Lead paragraph only, no sections.\n", Format::Text),
        ];
        for (source, format) in sources {
            let policy = parse(source, Some(format)).unwrap();
            for options in [
                Options::default(),
                Options {
                    toc: false,
                    title: false,
                    heading_base: 2,
                    ..Options::default()
                },
            ] {
                let mut whole = String::new();
                write(&tree::policy(&policy, &options), &mut whole);
                assert_eq!(fragment(&policy, &options), whole);
                assert!(standalone(&policy, &options, "en").contains(&whole));
            }
        }
    }
}
