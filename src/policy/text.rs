//! Plain-text policies: an outline from heading lines (roman, dotted, `N.`, unnumbered short
//! lines), paragraphs, and numbered, `(n)` and bulleted items, without losing or reordering
//! a word of the input.
//!
//! Real policies are messy (the sample mixes `I.`, `1.1`, `1.2.1`, bare `1`, `(1)` and
//! unnumbered headings, and restarts its numbering), so the rules are about what keeps the
//! text readable, not about a numbering grammar:
//! - unnumbered, roman and `N.` heading lines are top-level sections; dotted numbers
//!   (`1.2.1`) are subsections nested by depth;
//! - after a line ending in `:`, numbered lines of any style are list items (so `8.2 …
//!   circumstances:` followed by `2.1 …` is a list, not a second section 2.1);
//! - bare numbers (`1 With your prior consent…`) and `(1)` lines are list items;
//! - a heading is a short line that reads like a title: it starts with a capital (or a
//!   letter without case, as in Chinese), has no sentence punctuation at its end or inside,
//!   follows a blank line or a finished sentence, and is followed by more text.

use super::model::{Block, ListItem, Policy, Section, Span};
use crate::search::{contains, contains_char};
use std::borrow::Cow;

/// Parses a plain-text policy (ids and digests are assigned by [`super::parse`]).
pub fn parse(text: &str) -> Policy {
    let lines = split_lines(text);
    let mut parser = Parser::new(wrap_width(&lines));
    let mut first = true;
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            parser.blank();
            continue;
        }
        let next = lines[i + 1..].iter().find(|l| !l.is_empty()).map(|l| &**l);
        let next_is_blank = lines.get(i + 1).is_none_or(|l| l.is_empty());
        if first {
            first = false;
            if parse_marker(line).is_none()
                && is_heading_text(line)
                && (next_is_blank || next.is_some_and(is_heading_text))
            {
                parser.policy.title = line.to_string();
                parser.last = LastLine::Heading;
                continue;
            }
        }
        parser.line(line, next);
    }
    parser.policy
}

/// Lines with CR/CRLF/LF endings, whitespace (tabs, no-break and other Unicode spaces)
/// collapsed to single spaces and trimmed. Zero-width characters are kept: they are content.
/// Most lines are already in that form and are borrowed, not copied.
fn split_lines(text: &str) -> Vec<Cow<'_, str>> {
    text.split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .map(|line| {
            if is_collapsed(line) {
                return Cow::Borrowed(line);
            }
            let mut out = String::with_capacity(line.len());
            for word in line.split(char::is_whitespace).filter(|w| !w.is_empty()) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
            Cow::Owned(out)
        })
        .collect()
}

/// Whether collapsing whitespace would leave `line` as it is: no whitespace but single
/// inner spaces. Scans bytes; only the lead bytes of the non-ASCII whitespace characters
/// (U+0085 … U+3000 start with C2, E1, E2 or E3) need a character decoded.
fn is_collapsed(line: &str) -> bool {
    let bytes = line.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut after_space = false;
    for (i, &byte) in bytes.iter().enumerate() {
        match byte {
            b' ' if after_space => return false,
            b' ' => {
                after_space = true;
                continue;
            }
            b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' => return false,
            0xC2 | 0xE1 | 0xE2 | 0xE3
                if line[i..].chars().next().is_some_and(char::is_whitespace) =>
            {
                return false;
            }
            _ => {}
        }
        after_space = false;
    }
    true
}

/// The width a hard-wrapped document was wrapped at, if it looks hard-wrapped (most lines
/// end near one width, none much longer); `None` for one-paragraph-per-line text.
fn wrap_width(lines: &[Cow<'_, str>]) -> Option<usize> {
    let mut lengths: Vec<usize> = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.chars().count())
        .collect();
    if lengths.len() < 5 {
        return None;
    }
    crate::sort::sort(&mut lengths);
    let p90 = lengths[lengths.len() * 9 / 10];
    let max = *lengths.last()?;
    (p90 >= 30 && max <= 120 && p90 <= 100).then_some(p90)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `I.`, `IV.`
    Roman,
    /// `一、`
    CjkTop,
    /// `1.2`, `1.2.1`
    Dotted,
    /// `1.`, `1)`, `1、`
    Single,
    /// `1` followed by text
    Bare,
    /// `(1)`, `(a)`, `（一）`
    Paren,
    /// `-`, `*`, `•`
    Bullet,
    /// No marker: short lines after a line ending in `:`.
    Plain,
}

#[derive(Debug)]
struct Marker<'a> {
    kind: Kind,
    /// As written, e.g. `1.`, `(1)`, `1.2.1`.
    raw: &'a str,
    /// The number without trailing punctuation, e.g. `1.2.1`, `I`.
    number: &'a str,
    /// Number of dotted components.
    depth: usize,
    /// Value of the last numeric component.
    value: Option<u32>,
    rest: &'a str,
}

const TERMINAL: &[char] = &[
    '.', ';', ':', ',', '!', '?', '。', '；', '：', '，', '！', '？', '、', '…',
];
const SENTENCE_END: &[char] = &['.', '!', '?', ';', '。', '！', '？', '；'];
const BULLETS: &[char] = &['-', '*', '•', '·', '▪', '●', '○', '◦', '‣', '–'];
const CJK_NUMERALS: &str = "一二三四五六七八九十百零〇";

/// A heading's leading number, for Markdown headings like `## 2.1 Cookies` or `## IV. Rights`:
/// the number (without trailing punctuation) and the rest of the heading.
pub(crate) fn heading_number(heading: &str) -> Option<(&str, &str)> {
    let m = parse_marker(heading)?;
    matches!(
        m.kind,
        Kind::Dotted | Kind::Single | Kind::Roman | Kind::CjkTop
    )
    .then_some((m.number, m.rest))
}

fn parse_marker(line: &str) -> Option<Marker<'_>> {
    let first = line.chars().next()?;
    if BULLETS.contains(&first) {
        let rest = line[first.len_utf8()..].strip_prefix(' ')?;
        return (!rest.is_empty()).then_some(Marker {
            kind: Kind::Bullet,
            raw: &line[..first.len_utf8()],
            number: "",
            depth: 0,
            value: None,
            rest,
        });
    }
    if first == '(' || first == '（' {
        let inner_start = first.len_utf8();
        let close = line[inner_start..].find([')', '）'])? + inner_start;
        let inner = &line[inner_start..close];
        let ok = (1..=3).contains(&inner.chars().count())
            && (inner.chars().all(|c| c.is_ascii_digit())
                || (inner.len() == 1 && inner.chars().all(|c| c.is_ascii_lowercase()))
                || inner.chars().all(|c| contains_char("ivxIVX", c))
                || inner.chars().all(|c| contains_char(CJK_NUMERALS, c)));
        let end = close + line[close..].chars().next()?.len_utf8();
        let rest = line[end..].trim_start();
        return (ok && !rest.is_empty()).then(|| Marker {
            kind: Kind::Paren,
            raw: &line[..end],
            number: inner,
            depth: 1,
            value: inner.parse().ok(),
            rest,
        });
    }
    if first.is_ascii_digit() {
        return numeric_marker(line);
    }
    if let Some(marker) = roman_marker(line) {
        return Some(marker);
    }
    // 一、 二、
    let numeral_end = line
        .char_indices()
        .find(|(_, c)| !contains_char(CJK_NUMERALS, *c))
        .map_or(line.len(), |(i, _)| i);
    if numeral_end > 0 && line[numeral_end..].starts_with('、') {
        let end = numeral_end + '、'.len_utf8();
        let rest = line[end..].trim_start();
        return (!rest.is_empty()).then_some(Marker {
            kind: Kind::CjkTop,
            raw: &line[..end],
            number: &line[..numeral_end],
            depth: 1,
            value: None,
            rest,
        });
    }
    None
}

fn numeric_marker(line: &str) -> Option<Marker<'_>> {
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut depth = 0;
    let mut value;
    loop {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() && i - start < 4 {
            i += 1;
        }
        if i == start || i - start > 3 || bytes.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        depth += 1;
        value = line[start..i].parse::<u32>().ok();
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        break;
    }
    let number_end = i;
    let punct = match line[i..].chars().next() {
        Some(c @ ('.' | ')' | '、')) => {
            i += c.len_utf8();
            true
        }
        _ => false,
    };
    let after = &line[i..];
    let rest = after.trim_start();
    let spaced = after.len() != rest.len();
    let next = rest.chars().next()?;
    // "1.5 million" or "2026" are not markers; text must follow, after a space unless it is CJK.
    if !(spaced || (punct && !next.is_ascii()))
        || next.is_ascii_digit()
        || next.is_ascii_punctuation()
    {
        return None;
    }
    let kind = match (depth, punct) {
        (1, true) => Kind::Single,
        (1, false) => Kind::Bare,
        _ => Kind::Dotted,
    };
    Some(Marker {
        kind,
        raw: &line[..i],
        number: &line[..number_end],
        depth,
        value,
        rest,
    })
}

fn roman_marker(line: &str) -> Option<Marker<'_>> {
    let end = line.find(|c: char| !contains_char("IVXL", c))?;
    if end == 0 || end > 6 || !is_roman(&line[..end]) {
        return None;
    }
    let punct = line[end..].chars().next()?;
    if punct != '.' && punct != '、' {
        return None;
    }
    let after = &line[end + punct.len_utf8()..];
    let rest = after.trim_start();
    let first = rest.chars().next()?;
    ((after.len() != rest.len() || punct == '、')
        && (first.is_uppercase() || is_uncased_letter(first)))
    .then_some(Marker {
        kind: Kind::Roman,
        raw: &line[..end + punct.len_utf8()],
        number: &line[..end],
        depth: 1,
        value: None,
        rest,
    })
}

/// Whether `s` is a well-formed roman numeral from I to XXXIX (L for completeness).
fn is_roman(s: &str) -> bool {
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    const TENS: [&str; 5] = ["", "X", "XX", "XXX", "XL"];
    TENS.iter().any(|tens| {
        s.strip_prefix(tens)
            .is_some_and(|rest| ONES.contains(&rest) && (!tens.is_empty() || !rest.is_empty()))
    }) || s == "L"
}

fn is_uncased_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_lowercase() && !c.is_uppercase()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
}

/// Word count, with CJK text counted as one word per two characters.
fn word_count(s: &str) -> usize {
    let (mut words, mut cjk) = (0, 0usize);
    for word in s.split(' ') {
        // Most words are ASCII: no CJK, and alphanumerics are ASCII ones.
        if word.is_ascii() {
            words += usize::from(word.bytes().any(|b| b.is_ascii_alphanumeric()));
            continue;
        }
        let mut counted = false;
        for c in word.chars() {
            if is_cjk(c) {
                cjk += 1;
            } else if !counted && c.is_alphanumeric() {
                counted = true;
                words += 1;
            }
        }
    }
    words + cjk.div_ceil(2)
}

/// Reads like a title: starts with a capital or an uncased letter, ≤ 14 words, no sentence
/// punctuation at its end, no sentence break, `label: value`, address or link inside.
fn is_heading_text(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let last = s.chars().next_back().unwrap_or(first);
    (first.is_uppercase() || is_uncased_letter(first) || first.is_ascii_digit())
        && s.chars().count() <= 120
        && word_count(s) <= 14
        && !TERMINAL.contains(&last)
        && !has_inner_sentence_break(s)
        && !contains(s, ": ")
        && !contains_char(s, '：')
        && !contains_char(s, '@')
        && !contains(s, "://")
        && !contains(s, "www.")
        && s.chars().any(char::is_alphabetic)
}

/// A single short sentence ending in a full stop: `Services provided to you.`
fn is_short_sentence(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    (first.is_uppercase() || is_uncased_letter(first))
        && (s.ends_with('.') || s.ends_with('。'))
        && !has_inner_sentence_break(s.trim_end_matches(['.', '。']))
        && word_count(s) <= 14
}

fn has_inner_sentence_break(s: &str) -> bool {
    first_sentence_end(s).is_some_and(|end| end < s.len())
}

/// End (exclusive) of the first sentence, if another sentence follows it.
fn first_sentence_end(s: &str) -> Option<usize> {
    for (i, c) in s.char_indices() {
        let end = i + c.len_utf8();
        match c {
            '。' | '！' | '？' if end < s.len() => return Some(end),
            '.' | '!' | '?' => {
                let after = &s[end..];
                let Some(rest) = after.strip_prefix(' ') else {
                    continue;
                };
                let next = rest.chars().next();
                let word = s[..i].rsplit(' ').next().unwrap_or("");
                let abbreviation = word.chars().filter(|c| c.is_alphabetic()).count() < 2
                    || [
                        "e.g", "i.e", "etc", "Mr", "Mrs", "Ms", "Dr", "No", "vs", "Inc", "Ltd",
                        "Co",
                    ]
                    .contains(&word);
                if next.is_some_and(|n| n.is_uppercase() || is_uncased_letter(n)) && !abbreviation {
                    return Some(end);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits a numbered line's text into a heading and the body that follows it on the same
/// line: `Log information.When you use…`, `Meet your needs. For example…`,
/// `Duration of Information Storage Generally, we retain…`. When no heading can be told
/// apart, the heading is empty and the whole text is the body.
fn split_heading(rest: &str) -> (String, Option<String>) {
    let glued = glued_sentence(rest);
    if glued.is_none() && (is_heading_text(rest) || is_short_sentence(rest)) {
        return (rest.to_string(), None);
    }
    let split = glued
        .or_else(|| first_sentence_end(rest).filter(|&end| word_count(&rest[..end]) <= 14))
        .or_else(|| title_case_lead(rest));
    match split {
        Some(end) => (
            rest[..end].trim_end().to_string(),
            Some(rest[end..].trim_start().to_string()),
        ),
        // One long sentence on a numbered line is still that section's title.
        None if !has_inner_sentence_break(rest.trim_end_matches(['.', '。']))
            && word_count(rest) <= 40 =>
        {
            (rest.to_string(), None)
        }
        None => (String::new(), Some(rest.to_string())),
    }
}

/// `Log information.When you use` → end of `Log information.`
fn glued_sentence(s: &str) -> Option<usize> {
    // The three characters before `upper`, within the first 200 (a window, not a Vec).
    let mut before = [' '; 3];
    for (n, (k, upper)) in s.char_indices().take(200).enumerate() {
        let [a, b, dot] = before;
        before = [b, dot, upper];
        if n >= 3 && dot == '.' && a.is_lowercase() && b.is_lowercase() && upper.is_uppercase() {
            let next_lower = s[k + upper.len_utf8()..]
                .chars()
                .next()
                .is_some_and(char::is_lowercase);
            if next_lower && word_count(&s[..k]) <= 8 {
                return Some(k);
            }
        }
    }
    None
}

/// `Duration of Information Storage Generally, we retain` → end of `Duration of Information Storage`.
fn title_case_lead(s: &str) -> Option<usize> {
    const STOP: &[&str] = &[
        "of", "and", "the", "for", "to", "in", "on", "with", "a", "an", "or", "by", "at", "from",
        "&",
    ];
    let mut words = Vec::new();
    let mut offset = 0;
    for word in s.split(' ') {
        words.push((offset, word));
        offset += word.len() + 1;
        if words.len() > 12 {
            break;
        }
    }
    let is_cap = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let mut k = 0;
    while k < words.len() {
        let w = words[k].1;
        let clean = !w.ends_with(TERMINAL);
        if (is_cap(w) && clean) || STOP.contains(&w) {
            k += 1;
        } else {
            break;
        }
    }
    let sentence_start = match words.get(k) {
        Some((_, w)) if is_cap(w) => k,
        Some((_, w)) if w.chars().next().is_some_and(char::is_lowercase) && k > 0 => k - 1,
        _ => return None,
    };
    let heading = &words[..sentence_start];
    let last = heading.last()?.1;
    (heading.len() >= 2 && heading.len() <= 10 && is_cap(last) && !STOP.contains(&last))
        .then(|| words[sentence_start].0)
}

/// What the previous non-blank line was, for continuation and heading decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LastLine {
    Start,
    Heading,
    /// Text that a wrapped next line may continue.
    Text,
}

struct OpenSection {
    level: u8,
    dotted: bool,
    /// No line has been added since the heading line.
    single_line: bool,
    /// How many single-line dotted siblings directly precede this one.
    run: usize,
}

struct OpenList {
    kind: Kind,
    value: Option<u32>,
    /// The nested list in the last item, when that item ended in `:`.
    nested: Option<(Kind, Option<u32>)>,
    last_item_colon: bool,
}

struct Parser {
    policy: Policy,
    open: Vec<OpenSection>,
    list: Option<OpenList>,
    last: LastLine,
    last_text: String,
    prev_blank: bool,
    after_colon: bool,
    wrap: Option<usize>,
}

const MAX_LEVEL: u8 = 6;

impl Parser {
    fn new(wrap: Option<usize>) -> Parser {
        Parser {
            policy: Policy {
                title: String::new(),
                effective: None,
                blocks: Vec::new(),
                sections: Vec::new(),
            },
            open: Vec::new(),
            list: None,
            last: LastLine::Start,
            last_text: String::new(),
            prev_blank: true,
            after_colon: false,
            wrap,
        }
    }

    /// Where the next block goes: the open section's content, or the preamble.
    fn content(&mut self) -> &mut Vec<Block> {
        self.policy.content_at(self.open.len())
    }

    fn blank(&mut self) {
        self.prev_blank = true;
        self.after_colon = false;
        if self.list.as_ref().is_some_and(|l| l.kind == Kind::Plain) {
            self.list = None;
        }
        if self.last == LastLine::Text {
            self.last = LastLine::Start;
        }
    }

    fn line(&mut self, line: &str, next: Option<&str>) {
        let marker = parse_marker(line);
        let handled = match marker {
            Some(m) => self.marked(line, m),
            None => false,
        };
        if !handled {
            self.unmarked(line, next);
        }
        self.after_colon = line.ends_with([':', '：']);
        self.prev_blank = false;
        self.last_text.clear();
        self.last_text.push_str(line);
    }

    /// Handles a line with a marker; false when the marker should be read as plain text.
    fn marked(&mut self, line: &str, m: Marker<'_>) -> bool {
        if m.kind == Kind::Roman || m.kind == Kind::CjkTop {
            let (heading, body) = split_heading(m.rest);
            self.section(Some(m.number), heading, body, 1, false);
            return true;
        }
        if self.continue_list(line, &m) {
            return true;
        }
        let starts_list = self.after_colon
            || matches!(m.kind, Kind::Paren | Kind::Bullet)
            || (m.kind == Kind::Bare && m.value == Some(1));
        if starts_list {
            self.start_list(&m, line);
            return true;
        }
        match m.kind {
            Kind::Dotted => {
                let level = u8::try_from(m.depth).unwrap_or(MAX_LEVEL).min(MAX_LEVEL);
                let (heading, body) = split_heading(m.rest);
                self.section(Some(m.number), heading, body, level, true);
                true
            }
            Kind::Single if self.heading_context() && is_heading_text(m.rest) => {
                self.section(Some(m.number), m.rest.to_string(), None, 1, false);
                true
            }
            Kind::Single => {
                self.start_list(&m, line);
                true
            }
            _ => false,
        }
    }

    fn heading_context(&self) -> bool {
        self.prev_blank || self.last == LastLine::Heading || self.last_text.ends_with(SENTENCE_END)
    }

    fn continue_list(&mut self, line: &str, m: &Marker<'_>) -> bool {
        let Some(list) = &mut self.list else {
            return false;
        };
        let follows = |kind: Kind, value: Option<u32>| {
            m.kind == kind
                && (kind != Kind::Bare || (value.is_some() && m.value == value.map(|v| v + 1)))
        };
        let nested = match list.nested {
            Some((kind, value)) if follows(kind, value) => true,
            _ if follows(list.kind, list.value) => false,
            _ if list.last_item_colon && m.kind != Kind::Plain => true,
            _ => return false,
        };
        let item = ListItem {
            marker: Some(m.raw.to_string()),
            blocks: vec![Block::paragraph(m.rest)],
        };
        if nested {
            list.nested = Some((m.kind, m.value));
        } else {
            list.kind = m.kind;
            list.value = m.value;
            list.nested = None;
            list.last_item_colon = line.ends_with([':', '：']);
        }
        self.push_item(item, nested);
        true
    }

    fn start_list(&mut self, m: &Marker<'_>, line: &str) {
        self.list = Some(OpenList {
            kind: m.kind,
            value: m.value,
            nested: None,
            last_item_colon: line.ends_with([':', '：']),
        });
        let ordered = !matches!(m.kind, Kind::Bullet | Kind::Plain);
        let item = ListItem {
            marker: (!m.raw.is_empty()).then(|| m.raw.to_string()),
            blocks: vec![Block::paragraph(m.rest)],
        };
        self.touch_section();
        self.content().push(Block::List {
            ordered,
            items: vec![item],
        });
        self.last = LastLine::Text;
    }

    /// Adds an item to the open list (the last block of the current content).
    fn push_item(&mut self, item: ListItem, nested: bool) {
        self.touch_section();
        self.last = LastLine::Text;
        let ordered = item.marker.is_some();
        let content = self.content();
        let Some(Block::List { items, .. }) = content.last_mut() else {
            content.push(Block::List {
                ordered,
                items: vec![item],
            });
            return;
        };
        if !nested {
            items.push(item);
            return;
        }
        let Some(parent) = items.last_mut() else {
            items.push(item);
            return;
        };
        match parent.blocks.last_mut() {
            Some(Block::List { items, .. }) => items.push(item),
            _ => parent.blocks.push(Block::List {
                ordered,
                items: vec![item],
            }),
        }
    }

    fn unmarked(&mut self, line: &str, next: Option<&str>) {
        if self.joins_previous(line) && self.append_to_last_text(line) {
            return;
        }
        if self.after_colon && word_count(line) <= 25 {
            let m = Marker {
                kind: Kind::Plain,
                raw: "",
                number: "",
                depth: 0,
                value: None,
                rest: line,
            };
            self.start_list(&m, line);
            return;
        }
        if self.list.as_ref().is_some_and(|l| l.kind == Kind::Plain)
            && !self.prev_blank
            && word_count(line) <= 25
        {
            self.push_item(
                ListItem {
                    marker: None,
                    blocks: vec![Block::paragraph(line)],
                },
                false,
            );
            return;
        }
        let followed = next.is_some_and(|n| !n.starts_with(char::is_lowercase));
        if is_heading_text(line) && self.heading_context() && followed {
            self.section(None, line.to_string(), None, 1, false);
            return;
        }
        self.list = None;
        // After a run of one-line subsections (2.1 … 2.8), a paragraph speaks for the parent.
        let ends_run = self.open.len() >= 2
            && self
                .open
                .last()
                .is_some_and(|s| s.dotted && s.single_line && s.run >= 1);
        if ends_run {
            self.open.pop();
        }
        self.touch_section();
        self.content().push(Block::paragraph(line));
        self.last = LastLine::Text;
    }

    /// A wrapped line continues the previous one: the previous line did not end a sentence,
    /// and this one starts in lower case or the previous line ran to the wrap width.
    fn joins_previous(&self, line: &str) -> bool {
        if self.last != LastLine::Text || self.prev_blank {
            return false;
        }
        let previous = &self.last_text;
        if previous.ends_with(TERMINAL) {
            return false;
        }
        line.starts_with(char::is_lowercase)
            || self
                .wrap
                .is_some_and(|w| previous.chars().count() * 10 >= w * 6)
    }

    /// Appends a wrapped line to the last paragraph (or the last list item's paragraph).
    fn append_to_last_text(&mut self, line: &str) -> bool {
        let joiner = {
            let before = self.last_text.chars().next_back();
            let after = line.chars().next();
            if before.is_some_and(is_cjk) && after.is_some_and(is_cjk) {
                ""
            } else {
                " "
            }
        };
        fn last_paragraph(blocks: &mut [Block]) -> Option<&mut Vec<Span>> {
            match blocks.last_mut()? {
                Block::Paragraph { text } => Some(text),
                Block::List { items, .. } => last_paragraph(&mut items.last_mut()?.blocks),
                _ => None,
            }
        }
        match last_paragraph(self.content()).and_then(|spans| spans.last_mut()) {
            Some(span) => {
                span.text.push_str(joiner);
                span.text.push_str(line);
                true
            }
            None => false,
        }
    }

    fn touch_section(&mut self) {
        if let Some(open) = self.open.last_mut() {
            open.single_line = false;
        }
    }

    fn section(
        &mut self,
        number: Option<&str>,
        heading: String,
        body: Option<String>,
        level: u8,
        dotted: bool,
    ) {
        self.list = None;
        let mut previous = None;
        while self.open.last().is_some_and(|s| s.level >= level) {
            previous = self.open.pop();
        }
        let run = match previous {
            Some(p) if p.level == level && p.dotted && p.single_line => p.run + 1,
            _ => 0,
        };
        let section = Section {
            id: String::new(),
            number: number.map(str::to_string),
            heading,
            // The depth in the tree, so rendered headings never skip a level.
            level: u8::try_from(self.open.len() + 1)
                .unwrap_or(MAX_LEVEL)
                .min(MAX_LEVEL),
            anchors: Vec::new(),
            digest: String::new(),
            blocks: body.map(|b| vec![Block::paragraph(b)]).unwrap_or_default(),
            sections: Vec::new(),
            tail: Vec::new(),
        };
        self.policy.push_section_at(self.open.len(), section);
        self.open.push(OpenSection {
            level,
            dotted,
            single_line: true,
            run,
        });
        self.last = if body_present(&self.policy, self.open.len()) {
            LastLine::Text
        } else {
            LastLine::Heading
        };
    }
}

fn body_present(policy: &Policy, depth: usize) -> bool {
    let mut sections = &policy.sections;
    let mut section = None;
    for _ in 0..depth {
        section = sections.last();
        match section {
            Some(s) => sections = &s.sections,
            None => return false,
        }
    }
    section.is_some_and(|s| !s.blocks.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(line: &str) -> Option<(Kind, String, String)> {
        parse_marker(line).map(|m| (m.kind, m.number.to_string(), m.rest.to_string()))
    }

    #[test]
    fn markers() {
        assert_eq!(
            marker("1.2.1 Log information."),
            Some((Kind::Dotted, "1.2.1".into(), "Log information.".into()))
        );
        assert_eq!(marker("3. Information you share").unwrap().0, Kind::Single);
        assert_eq!(marker("1 With your prior consent").unwrap().0, Kind::Bare);
        assert_eq!(marker("(1) Equipment").unwrap().0, Kind::Paren);
        assert_eq!(
            marker("I. The information we collect").unwrap().0,
            Kind::Roman
        );
        assert_eq!(marker("XIV. Scope").unwrap().1, "XIV");
        assert_eq!(marker("一、我们收集的信息").unwrap().0, Kind::CjkTop);
        assert_eq!(marker("- item").unwrap().0, Kind::Bullet);
        assert!(marker("2026 was a year").is_none());
        assert!(marker("1.5 million users").is_some_and(|m| m.0 == Kind::Dotted));
        assert!(marker("In 2020").is_none());
        assert!(marker("IV is a numeral").is_none());
        assert!(marker("ILL. advised").is_none());
    }

    #[test]
    fn heading_text() {
        assert!(is_heading_text("How do we use the information collected"));
        assert!(is_heading_text("Change"));
        assert!(is_heading_text("保护未成年人"));
        assert!(!is_heading_text("Your rights."));
        assert!(!is_heading_text("What information we collect;"));
        assert!(!is_heading_text("Effective date: 1 May 2026"));
        assert!(!is_heading_text("lowercase start"));
        assert!(!is_heading_text("We collect data. We share it"));
    }

    #[test]
    fn heading_splits() {
        let split = |s: &str| {
            let (h, b) = split_heading(s);
            (h, b.unwrap_or_default())
        };
        assert_eq!(
            split("Log information.When you use it."),
            ("Log information.".into(), "When you use it.".into())
        );
        assert_eq!(
            split("Meet your needs. For example, language."),
            ("Meet your needs.".into(), "For example, language.".into())
        );
        assert_eq!(
            split("Duration of Information Storage Generally, we retain your personal information only for the minimum time necessary for our purposes. However, more."),
            ("Duration of Information Storage".into(), "Generally, we retain your personal information only for the minimum time necessary for our purposes. However, more.".into())
        );
        assert_eq!(
            split("Services provided to you."),
            ("Services provided to you.".into(), String::new())
        );
    }

    #[test]
    fn wrapped_paragraphs_are_joined() {
        let text = "Title\n\nSection\nThis is a long line of text that is wrapped at a fixed width\nand continues here on the next line, which ends here.\nAnother paragraph starts here and it is also long enough\nto wrap onto a second line of text for the reader.\n";
        let policy = parse(text);
        assert_eq!(policy.sections[0].blocks.len(), 2, "{policy:#?}");
    }

    #[test]
    fn crlf_tabs_and_nbsp() {
        let policy = parse("Title\r\n\r\nFirst\tpart\r\nSome\u{a0}text here.\r\n");
        assert_eq!(policy.title, "Title");
        assert_eq!(policy.sections[0].heading, "First part");
        assert_eq!(
            policy.sections[0].blocks,
            vec![Block::paragraph("Some text here.")]
        );
    }
}
