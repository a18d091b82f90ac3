//! The policy document model: `Policy`, `Section`, `Block`, `Span`, section ids and digests.
//!
//! Both parsers produce this model and everything downstream (rendering, comparison,
//! consent) reads it; it knows nothing about HTML or the DOM.

use crate::hash::HashMap;
use serde::{Deserialize, Serialize};

/// A parsed privacy policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// The document title (the first heading-like line, or the first `#` heading).
    pub title: String,
    /// The effective date the source declares (a kramdown `{: datetime="…" }` on the preamble).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<String>,
    /// Content before the first section (an effective date, a lead paragraph).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<Block>,
    /// Top-level sections, in document order.
    pub sections: Vec<Section>,
}

/// One section of a policy, with its subsections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// Stable, unique, URL-safe id: `s-1-2-1` from a number, else a slug of the heading.
    pub id: String,
    /// The section's own number as written (`1.2.1`, `I`, `3`), without a trailing dot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Heading text, without the number.
    pub heading: String,
    /// Depth in the outline: 1 for top-level sections.
    pub level: u8,
    /// Other ids this section answers to (explicit anchors in the source).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<String>,
    /// Digest of the section's own normalised text (number, heading, blocks, tail; not subsections).
    pub digest: String,
    /// The section's own content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<Block>,
    /// Subsections.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
    /// Content after the subsections: plain-text policies often return to the parent's
    /// level after a numbered run (`2.1` … `2.8`, then a paragraph about all of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tail: Vec<Block>,
}

/// A block of content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph of inline text.
    Paragraph {
        /// The paragraph's text, as styled spans.
        text: Vec<Span>,
    },
    /// A list; items keep the markers the source wrote (`1.`, `(1)`, `5.1`) when it wrote them.
    List {
        /// Whether the source numbered the items.
        ordered: bool,
        /// The items.
        items: Vec<ListItem>,
    },
    /// A table (from Markdown or an HTML `<table>`): header cells and body rows.
    Table {
        /// Header row cells, each a list of blocks.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        head: Vec<Vec<Block>>,
        /// Body rows.
        rows: Vec<Vec<Vec<Block>>>,
    },
    /// A block quote.
    Quote {
        /// The quoted blocks.
        blocks: Vec<Block>,
    },
    /// Preformatted text (a code block), shown verbatim.
    Code {
        /// The text.
        text: String,
    },
}

/// One list item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    /// The marker as written in a plain-text source (`1.`, `(2)`, `5.1`); none for Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// The item's content.
    pub blocks: Vec<Block>,
}

/// A run of text with one style; a paragraph is a sequence of spans.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Span {
    /// The text; `\n` is a hard line break.
    pub text: String,
    /// Strong emphasis.
    #[serde(default, skip_serializing_if = "is_false")]
    pub strong: bool,
    /// Emphasis.
    #[serde(default, skip_serializing_if = "is_false")]
    pub em: bool,
    /// Inline code.
    #[serde(default, skip_serializing_if = "is_false")]
    pub code: bool,
    /// Struck-through text.
    #[serde(default, skip_serializing_if = "is_false")]
    pub del: bool,
    /// Link target, as written in the source (the renderer decides which targets are safe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl Span {
    /// A plain span.
    pub fn plain(text: impl Into<String>) -> Span {
        Span {
            text: text.into(),
            ..Span::default()
        }
    }
}

impl Block {
    /// A paragraph of one plain span.
    pub fn paragraph(text: impl Into<String>) -> Block {
        Block::Paragraph {
            text: vec![Span::plain(text)],
        }
    }
}

impl Policy {
    /// The content of the open section at `depth` (the last child at each level; 0 is the
    /// preamble), at its end: the section's tail once it has subsections.
    pub(crate) fn content_at(&mut self, depth: usize) -> &mut Vec<Block> {
        match open_section(&mut self.sections, depth) {
            Some(section) => content_of(section),
            None => &mut self.blocks,
        }
    }

    /// Adds `section` as the last child of the open section at `depth` (0: top level).
    pub(crate) fn push_section_at(&mut self, depth: usize, section: Section) {
        match open_section(&mut self.sections, depth) {
            Some(parent) => {
                // Text that returned to the parent's level before this subsection belongs,
                // in reading order, at the end of the previous subsection.
                if !parent.tail.is_empty() {
                    let tail = std::mem::take(&mut parent.tail);
                    if let Some(last) = parent.sections.last_mut() {
                        content_of(last).extend(tail);
                    }
                }
                parent.sections.push(section);
            }
            None => self.sections.push(section),
        }
    }

    /// The language of the text: `zh`, `ja` or `ko` when those scripts dominate its
    /// letters, else `en`.
    pub fn language(&self) -> &'static str {
        let (mut letters, mut han, mut kana, mut hangul) = (0usize, 0usize, 0usize, 0usize);
        self.visit_text(&mut |s| {
            for c in s.chars().filter(|c| c.is_alphabetic()) {
                letters += 1;
                match c as u32 {
                    0x3040..=0x30FF => kana += 1,
                    0xAC00..=0xD7AF => hangul += 1,
                    0x4E00..=0x9FFF | 0x3400..=0x4DBF => han += 1,
                    _ => {}
                }
            }
        });
        let dominant = |n: usize| n * 3 > letters;
        if kana > 0 && dominant(kana + han) {
            "ja"
        } else if dominant(hangul) {
            "ko"
        } else if dominant(han) {
            "zh"
        } else {
            "en"
        }
    }

    /// Every section in document order (depth first).
    pub fn walk(&self) -> Vec<&Section> {
        let mut out = Vec::new();
        fn visit<'a>(sections: &'a [Section], out: &mut Vec<&'a Section>) {
            for section in sections {
                out.push(section);
                visit(&section.sections, out);
            }
        }
        visit(&self.sections, &mut out);
        out
    }

    /// The section with this id, number or anchor.
    pub fn find(&self, key: &str) -> Option<&Section> {
        let key = key.trim().trim_start_matches('#');
        let walk = self.walk();
        walk.iter()
            .find(|s| s.id == key)
            .or_else(|| {
                walk.iter()
                    .find(|s| s.number.as_deref() == Some(key.trim_end_matches('.')))
            })
            .or_else(|| walk.iter().find(|s| s.anchors.iter().any(|a| a == key)))
            .copied()
    }

    /// An index of the sections by id, number and anchor, for many lookups: each
    /// [`SectionIndex::find`] answers as [`Policy::find`] does, without walking the policy.
    pub fn index(&self) -> SectionIndex<'_> {
        let mut index = SectionIndex::default();
        for section in self.walk() {
            // The first section in document order wins, as in `find`.
            index.ids.entry(section.id.as_str()).or_insert(section);
            if let Some(number) = &section.number {
                index.numbers.entry(number.as_str()).or_insert(section);
            }
            for anchor in &section.anchors {
                index.anchors.entry(anchor.as_str()).or_insert(section);
            }
        }
        index
    }

    /// The bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) in the
    /// text, with where each is: `title`, `preamble` or a section's id; one entry per place
    /// and character, in document order. They let text display differently from what it
    /// holds (the renderer shows them escaped); `policy-consent check` warns about them.
    ///
    /// # Examples
    /// ```
    /// let policy = policy_consent::policy::parse("Policy\n\nFees\nWe charge \u{202E}0001\u{202C}.\n", None).unwrap();
    /// assert_eq!(policy.bidi_controls(), [("fees".to_string(), '\u{202E}'), ("fees".to_string(), '\u{202C}')]);
    /// ```
    pub fn bidi_controls(&self) -> Vec<(String, char)> {
        type Seen<'a> = crate::hash::HashSet<(&'a str, char)>;
        fn note<'a>(
            place: &'a str,
            text: &str,
            seen: &mut Seen<'a>,
            found: &mut Vec<(String, char)>,
        ) {
            for c in text.chars().filter(|&c| is_bidi_control(c)) {
                // The set: a control in each of 100k sections stays linear.
                if seen.insert((place, c)) {
                    found.push((place.to_string(), c));
                }
            }
        }
        let (mut seen, mut found) = (Seen::default(), Vec::new());
        note("title", &self.title, &mut seen, &mut found);
        visit_blocks(&self.blocks, &mut |t| {
            note("preamble", t, &mut seen, &mut found)
        });
        for section in self.walk() {
            let place = section.id.as_str();
            for text in section.number.iter().chain([&section.heading]) {
                note(place, text, &mut seen, &mut found);
            }
            for blocks in [&section.blocks, &section.tail] {
                visit_blocks(blocks, &mut |t| note(place, t, &mut seen, &mut found));
            }
        }
        found
    }

    /// Text content in document order: title, then each block and section (see [`Policy::visit_text`]).
    pub fn text_strings(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.visit_text(&mut |s| out.push(s));
        out
    }

    /// Calls `f` with every piece of reader-visible text, in document order: the title,
    /// preamble blocks, then for each section its number, heading, blocks and subsections.
    /// Link targets are not text.
    pub fn visit_text<'a>(&'a self, f: &mut dyn FnMut(&'a str)) {
        f(&self.title);
        visit_blocks(&self.blocks, f);
        for section in &self.sections {
            section.visit_text(f);
        }
    }
}

/// Sections by id, number and anchor (see [`Policy::index`]).
#[derive(Debug, Default)]
pub struct SectionIndex<'a> {
    ids: HashMap<&'a str, &'a Section>,
    numbers: HashMap<&'a str, &'a Section>,
    anchors: HashMap<&'a str, &'a Section>,
}

impl<'a> SectionIndex<'a> {
    /// The section with this id, number or anchor, as [`Policy::find`] finds it.
    pub fn find(&self, key: &str) -> Option<&'a Section> {
        let key = key.trim().trim_start_matches('#');
        self.ids
            .get(key)
            .or_else(|| self.numbers.get(key.trim_end_matches('.')))
            .or_else(|| self.anchors.get(key))
            .copied()
    }
}

impl Section {
    /// Like [`Policy::visit_text`], for this section and its subsections.
    pub fn visit_text<'a>(&'a self, f: &mut dyn FnMut(&'a str)) {
        if let Some(number) = &self.number {
            f(number);
        }
        f(&self.heading);
        visit_blocks(&self.blocks, f);
        for section in &self.sections {
            section.visit_text(f);
        }
        visit_blocks(&self.tail, f);
    }

    /// Digest of the section's own text (number, heading, blocks, tail; not its
    /// subsections'), normalised so that cosmetic differences do not change it.
    pub fn own_digest(&self) -> String {
        let mut normalizer = Normalizer::default();
        let mut hash = Fnv::default();
        let mut feed = |s: &str| {
            normalizer.feed(s, &mut hash);
            normalizer.space();
        };
        if let Some(number) = &self.number {
            feed(number);
        }
        feed(&self.heading);
        visit_blocks(&self.blocks, &mut feed);
        visit_blocks(&self.tail, &mut feed);
        hash.hex()
    }
}

/// The open section at `depth` ≥ 1: the last child at each level. Parsers only ever append,
/// so the sections still open are always the last ones.
fn open_section(sections: &mut [Section], depth: usize) -> Option<&mut Section> {
    if depth == 0 {
        return None;
    }
    let mut section = sections.last_mut()?;
    for _ in 1..depth {
        section = section.sections.last_mut()?;
    }
    Some(section)
}

/// Where content appended to a section goes: its tail once it has subsections.
fn content_of(section: &mut Section) -> &mut Vec<Block> {
    if section.sections.is_empty() {
        &mut section.blocks
    } else {
        &mut section.tail
    }
}

/// Calls `f` with the text of blocks in document order (list markers included).
pub fn visit_blocks<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a str)) {
    for block in blocks {
        match block {
            Block::Paragraph { text } => text.iter().for_each(|span| f(&span.text)),
            Block::List { items, .. } => {
                for item in items {
                    if let Some(marker) = &item.marker {
                        f(marker);
                    }
                    visit_blocks(&item.blocks, f);
                }
            }
            Block::Table { head, rows } => {
                for cell in head.iter().chain(rows.iter().flatten()) {
                    visit_blocks(cell, f);
                }
            }
            Block::Quote { blocks } => visit_blocks(blocks, f),
            Block::Code { text } => f(text),
        }
    }
}

/// Plain text of spans, without styling.
pub fn spans_text(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

/// Text normalised so that cosmetic differences vanish: case, whitespace (incl. no-break and
/// zero-width), curly quotes and dashes, spacing around punctuation, BOM.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    Normalizer::default().feed(text, &mut out);
    out
}

/// Where normalised text goes: a string, or a digest that never builds one.
trait Sink {
    fn push(&mut self, c: char);
    /// ASCII bytes, lower-cased.
    fn push_ascii_lowercase(&mut self, bytes: &[u8]);
    /// Text that needs no normalizing.
    fn push_str(&mut self, text: &str);
}

impl Sink for String {
    fn push(&mut self, c: char) {
        String::push(self, c);
    }

    fn push_ascii_lowercase(&mut self, bytes: &[u8]) {
        self.extend(bytes.iter().map(|b| char::from(b.to_ascii_lowercase())));
    }

    fn push_str(&mut self, text: &str) {
        String::push_str(self, text);
    }
}

impl Sink for Fnv {
    #[inline]
    fn push(&mut self, c: char) {
        if c.is_ascii() {
            self.write(&[c as u8]);
        } else {
            self.write(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }

    #[inline]
    fn push_ascii_lowercase(&mut self, bytes: &[u8]) {
        self.write_mapped(bytes, |byte| byte.to_ascii_lowercase());
    }

    #[inline]
    fn push_str(&mut self, text: &str) {
        self.write(text.as_bytes());
    }
}

/// Kana, CJK unified ideographs (with extension A) and Hangul syllables: no case, no
/// whitespace, and nothing [`Normalizer`] maps (a test checks every one).
#[inline]
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}')
}

/// The state of [`normalize`] across pieces of text, so a digest can be computed without
/// building the normalised string.
#[derive(Default)]
struct Normalizer {
    started: bool,
    pending_space: bool,
    last: char,
}

impl Normalizer {
    /// Whitespace between two pieces.
    fn space(&mut self) {
        self.pending_space = self.started;
    }

    fn feed(&mut self, text: &str, out: &mut impl Sink) {
        // Walks bytes so that ASCII, most of a policy, is never decoded as UTF-8.
        let mut i = 0;
        while let Some(&byte) = text.as_bytes().get(i) {
            let c = if byte.is_ascii() {
                char::from(byte)
            } else {
                let Some(c) = text[i..].chars().next() else {
                    break;
                };
                c
            };
            i += c.len_utf8();
            let c = match c {
                ' ' | '\t' | '\n' | '\r' => {
                    self.space();
                    continue;
                }
                c if c.is_ascii() => c.to_ascii_lowercase(),
                // Kana, CJK ideographs and Hangul, most of a Chinese or Japanese policy:
                // nothing to map, no spaces, no case (so no table lookups either).
                c if is_cjk(c) => c,
                '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
                '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
                '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' => continue,
                c if c.is_whitespace() => {
                    self.space();
                    continue;
                }
                c => c,
            };
            if self.pending_space {
                let tight = matches!(
                    c,
                    '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '。' | '，' | '；' | '：'
                ) || matches!(self.last, '(' | '[');
                if !tight {
                    out.push(' ');
                }
                self.pending_space = false;
            }
            self.started = true;
            if c.is_ascii() || is_cjk(c) || !c.is_uppercase() {
                out.push(c);
            } else {
                crate::lowercase::lower_char(c).for_each(|l| out.push(l));
            }
            self.last = c;
            // The rest of an ASCII word needs no decision (no space pending, nothing to
            // map): lower-case it in one go.
            if c.is_ascii() {
                let word = &text.as_bytes()[i..];
                let len = word
                    .iter()
                    .take_while(|b| b.is_ascii() && !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                    .count();
                if let Some(&end) = word[..len].last() {
                    out.push_ascii_lowercase(&word[..len]);
                    self.last = char::from(end.to_ascii_lowercase());
                    i += len;
                }
            } else if is_cjk(c) {
                // Likewise a run of CJK: it goes through as it is.
                let run = &text[i..];
                let len: usize = run
                    .chars()
                    .take_while(|&c| is_cjk(c))
                    .map(char::len_utf8)
                    .sum();
                if let Some(end) = run[..len].chars().next_back() {
                    out.push_str(&run[..len]);
                    self.last = end;
                    i += len;
                }
            }
        }
    }
}

/// 64-bit FNV-1a: stable across builds and platforms, which is what a digest stored in a
/// consent record needs; not a cryptographic hash.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.write_mapped(bytes, |byte| byte);
    }

    /// Hashes each byte as `map` turns it, keeping the state in a register.
    #[inline(always)]
    fn write_mapped(&mut self, bytes: &[u8], map: impl Fn(u8) -> u8) {
        let mut hash = self.0;
        for &byte in bytes {
            hash ^= u64::from(map(byte));
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// The FNV-1a digest of `text`, as 16 hex digits.
pub fn digest(text: &str) -> String {
    let mut hash = Fnv::default();
    hash.write(text.as_bytes());
    hash.hex()
}

/// An id from a section number: `1.2.1` → `s-1-2-1`, `I` → `s-i`.
pub fn id_from_number(number: &str) -> String {
    let mut id = String::from("s-");
    id.push_str(&slug(number, 32));
    id
}

/// A URL-safe slug: lowercase ASCII letters and digits joined by `-`, at most `max` bytes,
/// cut at a word boundary. Empty when the text has no ASCII letters or digits. Invisible
/// characters ([`is_invisible`]: zero-width spaces and joiners, soft hyphens, bidi
/// controls) are dropped rather than read as word breaks, so `Pri\u{200B}vacy` gives
/// `privacy`, the id a reader would expect from what they see.
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let mut full = false;
    let mut end_word = |word: &mut String, out: &mut String| {
        if word.is_empty() || full {
            word.clear();
            return;
        }
        if !out.is_empty() && out.len() + 1 + word.len() > max {
            full = true;
        } else {
            if !out.is_empty() {
                out.push('-');
            }
            out.extend(word.chars().take(max));
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            // A word longer than `max` is cut anyway: stop collecting it.
            if word.len() < max {
                word.push(c.to_ascii_lowercase());
            }
        } else if !is_invisible(c) {
            end_word(&mut word, &mut out);
        }
    }
    end_word(&mut word, &mut out);
    out
}

/// Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): the controls
/// that can make text display in another order than it is written.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that occupy no space when shown: zero-width space, non-joiner and joiner,
/// word joiner, byte-order mark, soft hyphen, the bidi marks, embeddings, overrides and
/// isolates. They are kept in the text (joiners are needed by emoji and Indic scripts) but
/// never make ids.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Assigns ids and digests to every section, after parsing. Numbered sections get
/// `s-<number>`, others a slug of their heading (or a digest of it when it has no
/// ASCII letters, as in Chinese); an explicit anchor from the source wins when it is
/// URL-safe; duplicates get `_2`, `_3`, …
pub(crate) fn finish(policy: &mut Policy) {
    let mut used: HashMap<String, u32> = HashMap::default();
    // Explicit ids first, so a later generated id cannot take one.
    fn reserve(sections: &[Section], used: &mut HashMap<String, u32>) {
        for section in sections {
            if !section.id.is_empty() {
                used.entry(section.id.clone()).or_insert(2);
            }
            reserve(&section.sections, used);
        }
    }
    reserve(&policy.sections, &mut used);
    fn assign(sections: &mut [Section], used: &mut HashMap<String, u32>) {
        for section in sections.iter_mut() {
            if section.id.is_empty() {
                let base = match &section.number {
                    Some(number) if !slug(number, 32).is_empty() => id_from_number(number),
                    _ => {
                        let s = slug(&section.heading, 48);
                        if s.is_empty() || !mostly_ascii(&section.heading) {
                            format!("sec-{}", &digest(&normalize(&section.heading))[..8])
                        } else {
                            s
                        }
                    }
                };
                section.id = unique(base, used);
            }
            section.digest = section.own_digest();
            assign(&mut section.sections, used);
        }
    }
    assign(&mut policy.sections, &mut used);
}

/// Whether most letters are ASCII: a slug of the ASCII words of `Mozilla 坚信…` would say little.
fn mostly_ascii(text: &str) -> bool {
    let (ascii, other) = text
        .chars()
        .filter(|c| c.is_alphabetic())
        .fold(
            (0, 0),
            |(a, o), c| if c.is_ascii() { (a + 1, o) } else { (a, o + 1) },
        );
    ascii >= other
}

/// `base`, or `base_2`, `base_3`, … The map remembers the next suffix to try for each base,
/// so thousands of sections with one heading cost linear time, not quadratic.
fn unique(base: String, used: &mut HashMap<String, u32>) -> String {
    let Some(next) = used.get(&base).copied() else {
        used.insert(base.clone(), 2);
        return base;
    };
    let mut n = next.max(2);
    loop {
        let candidate = format!("{base}_{n}");
        n += 1;
        if !used.contains_key(&candidate) {
            used.insert(base, n);
            used.insert(candidate.clone(), 2);
            return candidate;
        }
    }
}

/// Whether an explicit id from the source may be used as-is in a URL fragment and an
/// HTML id: ASCII letters, digits, `-`, `_`, `.`, starting with a letter, ≤ 64 bytes.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_erases_cosmetic_differences() {
        assert_eq!(
            normalize("  Hello ,\u{a0}World\u{201D} .\r\n"),
            normalize("hello, world\" .")
        );
        assert_eq!(normalize("A  B\tC"), "a b c");
        assert_ne!(normalize("with consent"), normalize("without consent"));
    }

    #[test]
    fn slugs_are_url_safe_and_bounded() {
        assert_eq!(
            slug("How do we use the information?", 48),
            "how-do-we-use-the-information"
        );
        assert_eq!(slug("保护未成年人", 48), "");
        assert!(slug(&"word ".repeat(100), 48).len() <= 48);
        assert_eq!(id_from_number("1.2.1"), "s-1-2-1");
        assert_eq!(id_from_number("I"), "s-i");
        assert_eq!(
            slug("Pri\u{200B}vacy \u{202E}Rights\u{202C}", 48),
            "privacy-rights"
        );
        assert_eq!(slug("a\u{00AD}b\u{2060}c \u{200D}d", 48), "abc-d");
        assert_eq!(slug(&"x".repeat(100), 48), "x".repeat(48));
        assert_eq!(slug("one two three", 7), "one-two");
    }

    #[test]
    fn the_index_finds_what_find_finds() {
        let policy = crate::policy::parse(
            include_str!("../../policy/privacy-policy.txt"),
            Some(crate::policy::Format::Text),
        )
        .unwrap();
        let index = policy.index();
        let mut keys = vec!["", "#", "nope", "2.5.", " #s-2-5 ", "1", "I"];
        for section in policy.walk() {
            keys.push(&section.id);
            keys.extend(section.number.as_deref());
            keys.extend(section.anchors.iter().map(String::as_str));
        }
        for key in keys {
            assert_eq!(
                index.find(key).map(|s| &s.id),
                policy.find(key).map(|s| &s.id),
                "{key:?}"
            );
        }
    }

    #[test]
    fn cjk_characters_need_no_normalizing() {
        let cjk: Vec<char> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_cjk(c))
            .collect();
        assert_eq!(cjk.len(), 0xC0 + 0x19C0 + 0x5200 + 0x2BA4);
        for c in cjk {
            assert!(!c.is_whitespace() && !c.is_uppercase(), "{c:?}");
            assert_eq!(c.to_lowercase().collect::<String>(), c.to_string(), "{c:?}");
            let mut text = String::new();
            Normalizer::default().feed(&format!("a {c}"), &mut text);
            assert_eq!(text, format!("a {c}"), "{c:?}");
        }
    }

    #[test]
    fn digests_of_cjk_text_stay_what_records_stored() {
        // Digests are kept in consent records: the CJK fast path must not change them
        // (this value is from the code before it).
        let section = Section {
            id: "x".into(),
            number: None,
            heading: "隐私 Heading".into(),
            level: 2,
            anchors: vec![],
            digest: String::new(),
            blocks: vec![Block::paragraph(
                "Mozilla 坚信，隐私是 保障。 ＡＢ Ｃ 한국어 テスト（Ｘ） Ωmega ÀB 漢字abc漢字 “引号”",
            )],
            sections: vec![],
            tail: vec![],
        };
        assert_eq!(section.own_digest(), "87850b3909a28ed8");
        assert_eq!(
            normalize("漢字abc漢字  ＡＢ“引号” 。"),
            "漢字abc漢字 ａｂ\"引号\"。"
        );
    }

    #[test]
    fn digest_is_stable() {
        assert_eq!(digest(""), "cbf29ce484222325");
        assert_eq!(digest("a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn section_digest_is_the_digest_of_its_normalised_text() {
        let section = Section {
            id: "x".into(),
            number: Some("1.2".into()),
            heading: "Heading".into(),
            level: 1,
            anchors: vec![],
            digest: String::new(),
            blocks: vec![Block::paragraph("Some  “text” here .")],
            sections: vec![],
            tail: vec![Block::paragraph("Tail")],
        };
        assert_eq!(
            section.own_digest(),
            digest(&normalize("1.2 Heading Some \"text\" here. Tail"))
        );
    }

    #[test]
    fn duplicate_ids_are_disambiguated() {
        let section = |number: &str| Section {
            id: String::new(),
            number: Some(number.into()),
            heading: "x".into(),
            level: 1,
            anchors: vec![],
            digest: String::new(),
            blocks: vec![],
            sections: vec![],
            tail: vec![],
        };
        let mut policy = Policy {
            title: "t".into(),
            effective: None,
            blocks: vec![],
            sections: vec![section("2.1"), section("2.1"), section("2.1")],
        };
        finish(&mut policy);
        let ids: Vec<_> = policy.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["s-2-1", "s-2-1_2", "s-2-1_3"]);
    }
}
