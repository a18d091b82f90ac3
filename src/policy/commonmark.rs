//! Markdown text → the event stream the policy builder consumes: our own small CommonMark
//! parser (with GFM tables and strikethrough and `{#id}` heading attributes), sized for what
//! policies use — a handful of named entities, no Unicode case tables — and linear on
//! hostile input (bounded nesting, memoised scans, a work budget for link tails).

use crate::hash::HashMap;
use crate::search::{contains, contains_char};
use std::ops::Range;

/// One parsing event; text borrows from the parser for the duration of the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event<'a> {
    /// A block or inline element starts.
    Start(Tag<'a>),
    /// The element started last ends.
    End(TagEnd),
    /// Text (entities and escapes decoded).
    Text(&'a str),
    /// A code span's content.
    Code(&'a str),
    /// The raw text of an HTML block.
    Html(&'a str),
    /// Raw inline HTML (a tag, comment, …).
    InlineHtml(&'a str),
    /// A line ending inside a paragraph.
    SoftBreak,
    /// A hard line break (two spaces or a backslash before the line ending).
    HardBreak,
    /// A thematic break.
    Rule,
}

/// An element that has a start and an end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag<'a> {
    /// A paragraph (absent around the text of a tight list's items).
    Paragraph,
    /// An ATX or setext heading, level 1–6, with the id of a trailing `{#id}`.
    Heading {
        /// 1–6.
        level: u8,
        /// From a `{#id .class}` attribute block at the end of the heading.
        id: Option<&'a str>,
    },
    /// A block quote.
    BlockQuote,
    /// An indented or fenced code block.
    CodeBlock,
    /// An HTML block.
    HtmlBlock,
    /// A list; the start number when ordered.
    List(Option<u64>),
    /// A list item.
    Item,
    /// A GFM table.
    Table,
    /// Its header row.
    TableHead,
    /// A body row.
    TableRow,
    /// A cell.
    TableCell,
    /// `*em*`.
    Emphasis,
    /// `**strong**`.
    Strong,
    /// `~~del~~`.
    Strikethrough,
    /// A link with its destination (escapes and entities decoded).
    Link {
        /// The destination URL.
        dest_url: &'a str,
    },
    /// An image (its alt text follows as inline events).
    Image,
}

/// The end of a [`Tag`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum TagEnd {
    Paragraph,
    Heading,
    BlockQuote,
    CodeBlock,
    HtmlBlock,
    List,
    Item,
    Table,
    TableHead,
    TableRow,
    TableCell,
    Emphasis,
    Strong,
    Strikethrough,
    Link,
    Image,
}

/// Containers (quotes, lists, items) nest at most this deep; deeper quote markers are
/// absorbed and deeper list markers are text, so nesting costs at most this per line.
const MAX_NEST: usize = 64;

/// Parses `source` and calls `sink` with each event and the byte range it starts at (block
/// starts are exact enough to order them against kramdown attribute lists; a heading's end
/// is the end of its last line).
pub fn parse(source: &str, sink: &mut dyn FnMut(Event<'_>, Range<usize>)) {
    let mut parser = BlockParser::new();
    // Lines end at `\n`, `\r\n` or a lone `\r`.
    let bytes = source.as_bytes();
    let mut offset = 0;
    while offset < source.len() {
        let len = bytes[offset..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(source.len() - offset);
        parser.eol = offset + len < source.len();
        parser.line(&source[offset..offset + len], offset);
        offset += len;
        if bytes.get(offset) == Some(&b'\r') {
            offset += 1;
        }
        if bytes.get(offset) == Some(&b'\n') {
            offset += 1;
        }
    }
    while parser.open.len() > 1 {
        parser.close_top(source.len());
    }
    parser.finalize(0, source.len());
    let refs = std::mem::take(&mut parser.refs);
    let mut emitter = Emitter {
        refs: &refs,
        budget: 16 * source.len() + 1_000_000,
    };
    emitter.emit(&parser.nodes, sink);
}

// ---------------------------------------------------------------------------------------
// Blocks

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Document,
    Quote,
    List {
        /// The bullet character, or the ordered delimiter (`.`/`)`).
        marker: u8,
        ordered: bool,
        start: u64,
        tight: bool,
    },
    /// Content starts this many columns past its container's content.
    Item {
        column: usize,
    },
    Paragraph,
    Heading {
        level: u8,
    },
    Rule,
    /// `fence` 0 for indented code.
    Code {
        fence: u8,
        len: usize,
        indent: usize,
    },
    Html {
        kind: u8,
    },
    Table,
    /// A paragraph emptied by reference definitions.
    Removed,
}

#[derive(Debug)]
struct Node {
    kind: Kind,
    start: usize,
    end: usize,
    children: Vec<usize>,
    text: String,
    /// A heading's id; an HTML block's first indentation.
    id: Option<String>,
    /// Table rows (the first is the head) of raw cell text.
    rows: Vec<Vec<String>>,
    last_blank: bool,
    /// Paragraphs: where the last line starts in `text` and in the source, and whether
    /// it came lazily; the line count.
    last_line: (usize, usize, bool),
    /// The indentation of the last line, in columns.
    last_indent: usize,
    /// Paragraphs: where each line starts in `text` and in the source.
    line_starts: Vec<(usize, usize)>,
    /// A paragraph whose last line came lazily: how many open blocks that line matched.
    lazy_matched: usize,
    /// A heading whose `{…}` attribute block was cut off (emphasis sees the `{` after it).
    braced: bool,
    lines: usize,
    /// The line it started on (an item that starts blank).
    first_line: usize,
}

struct BlockParser {
    nodes: Vec<Node>,
    open: Vec<usize>,
    refs: HashMap<String, String>,
    line_no: usize,
    /// Open quotes, lists and items.
    nest: usize,
    /// Whether the current line has a line ending.
    eol: bool,
    /// Per line: where its text starts after each matched block's prefix.
    prefix: Vec<usize>,
}

/// A line being consumed: byte position and column (tabs to stops of 4; a tab can be
/// partly consumed, `col` then lies inside it).
struct Line<'a> {
    s: &'a str,
    offset: usize,
    pos: usize,
    col: usize,
}

impl Line<'_> {
    fn bytes(&self) -> &[u8] {
        self.s.as_bytes()
    }

    /// Position and column of the next non-space character.
    fn nonspace(&self) -> (usize, usize) {
        let (mut pos, mut col) = (self.pos, self.col);
        while let Some(&b) = self.bytes().get(pos) {
            match b {
                b' ' => col += 1,
                b'\t' => col += 4 - col % 4,
                _ => break,
            }
            pos += 1;
        }
        (pos, col)
    }

    fn indent(&self) -> usize {
        self.nonspace().1 - self.col
    }

    fn is_blank(&self) -> bool {
        self.nonspace().0 == self.s.len()
    }

    fn skip_to_nonspace(&mut self) {
        (self.pos, self.col) = self.nonspace();
    }

    /// Consumes up to `n` columns of whitespace.
    fn advance_cols(&mut self, mut n: usize) {
        while n > 0 {
            match self.bytes().get(self.pos) {
                Some(b' ') => {
                    self.pos += 1;
                    self.col += 1;
                    n -= 1;
                }
                Some(b'\t') => {
                    let width = 4 - self.col % 4;
                    if width <= n {
                        self.pos += 1;
                        self.col += width;
                        n -= width;
                    } else {
                        self.col += n;
                        n = 0;
                    }
                }
                _ => break,
            }
        }
    }

    /// Consumes one byte that is not whitespace.
    fn advance_byte(&mut self) {
        self.pos += 1;
        self.col += 1;
    }

    /// The rest of the line, a partly consumed tab given back as spaces.
    fn rest(&self) -> String {
        let mut out = String::new();
        let mut pos = self.pos;
        if self.bytes().get(pos) == Some(&b'\t') && self.col % 4 != 0 {
            // `col` lies inside this tab only when it was partly consumed: the tab's own
            // start column is unknown here, so give back the columns to the next stop.
            let start = self.tab_start();
            if start != self.col {
                out.extend(std::iter::repeat_n(' ', 4 - self.col % 4));
                pos += 1;
            }
        }
        out.push_str(&self.s[pos..]);
        out
    }

    /// Where the text of a paragraph line starts: past a partly consumed tab.
    fn text_start(&self) -> usize {
        let partial = self.bytes().get(self.pos) == Some(&b'\t') && self.tab_start() != self.col;
        self.pos + usize::from(partial)
    }

    /// The column the character at `pos` starts at.
    fn tab_start(&self) -> usize {
        let mut col = 0;
        for &b in &self.bytes()[..self.pos] {
            col = if b == b'\t' {
                col + 4 - col % 4
            } else {
                col + 1
            };
        }
        col
    }
}

impl BlockParser {
    fn new() -> Self {
        let mut parser = BlockParser {
            nodes: Vec::new(),
            open: Vec::new(),
            refs: HashMap::default(),
            line_no: 0,
            nest: 0,
            eol: true,
            prefix: Vec::new(),
        };
        let doc = parser.node(Kind::Document, 0);
        parser.open.push(doc);
        parser
    }

    fn node(&mut self, kind: Kind, start: usize) -> usize {
        self.nodes.push(Node {
            kind,
            start,
            end: start,
            children: Vec::new(),
            text: String::new(),
            id: None,
            rows: Vec::new(),
            last_blank: false,
            last_line: (0, start, false),
            last_indent: 0,
            line_starts: Vec::new(),
            braced: false,
            lazy_matched: 0,
            lines: 0,
            first_line: self.line_no,
        });
        self.nodes.len() - 1
    }

    fn tip(&self) -> usize {
        self.open[self.open.len() - 1]
    }

    fn kind(&self, id: usize) -> Kind {
        self.nodes[id].kind
    }

    fn close_top(&mut self, end: usize) {
        if let Some(id) = self.open.pop() {
            self.finalize(id, end);
        }
    }

    /// Adds a child to the innermost open block that can hold it, closing others.
    fn add_child(&mut self, kind: Kind, start: usize) -> usize {
        loop {
            let parent = self.kind(self.tip());
            let fits = match parent {
                Kind::Document | Kind::Quote | Kind::Item { .. } => {
                    !matches!(kind, Kind::Item { .. })
                }
                Kind::List { .. } => matches!(kind, Kind::Item { .. }),
                _ => false,
            };
            if fits {
                break;
            }
            self.close_top(start);
        }
        let id = self.node(kind, start);
        let parent = self.tip();
        self.nodes[parent].children.push(id);
        if matches!(kind, Kind::Quote | Kind::List { .. } | Kind::Item { .. }) {
            self.nest += 1;
        }
        self.open.push(id);
        id
    }

    fn finalize(&mut self, id: usize, end: usize) {
        let kind = self.kind(id);
        if matches!(kind, Kind::Quote | Kind::List { .. } | Kind::Item { .. }) {
            self.nest = self.nest.saturating_sub(1);
        }
        match kind {
            Kind::Paragraph => {
                let text = std::mem::take(&mut self.nodes[id].text);
                let rest = self.take_refs(&text).trim_start_matches([' ', '\t']);
                // After reference definitions the paragraph starts where its text does (a
                // kramdown attribute list between them belongs to the block before).
                let used = text.len() - rest.len();
                let node = &mut self.nodes[id];
                if let Some(&(at, source)) =
                    node.line_starts.iter().rev().find(|(at, _)| *at <= used)
                {
                    node.start = node.start.max(source + (used - at));
                }
                node.line_starts = Vec::new();
                let rest = rest.trim_end_matches([' ', '\t', '\n', '\x0b', '\x0c']);
                if rest.is_empty() {
                    node.kind = Kind::Removed;
                } else {
                    node.text = rest.to_string();
                }
            }
            Kind::Code { fence: 0, .. } => {
                // Trailing blank lines (which may hold spaces) are not part of the block.
                let node = &mut self.nodes[id];
                let trimmed = trim_blank_lines(&node.text);
                node.text.truncate(trimmed);
            }
            Kind::List { .. } => {
                let tight = self.list_is_tight(id);
                if let Kind::List { tight: t, .. } = &mut self.nodes[id].kind {
                    *t = tight;
                }
            }
            _ => {}
        }
        if self.nodes[id].end < end && !matches!(kind, Kind::Heading { .. }) {
            self.nodes[id].end = end;
        }
    }

    fn ends_with_blank(&self, mut id: usize) -> bool {
        loop {
            let node = &self.nodes[id];
            if node.last_blank {
                return true;
            }
            match (node.kind, node.children.last()) {
                (Kind::List { .. } | Kind::Item { .. }, Some(&last)) => id = last,
                _ => return false,
            }
        }
    }

    fn list_is_tight(&self, list: usize) -> bool {
        let items = &self.nodes[list].children;
        for (i, &item) in items.iter().enumerate() {
            let last_item = i + 1 == items.len();
            if self.ends_with_blank(item) && !last_item {
                return false;
            }
            let children: Vec<usize> = self.nodes[item]
                .children
                .iter()
                .copied()
                .filter(|&c| self.kind(c) != Kind::Removed)
                .collect();
            for (j, &child) in children.iter().enumerate() {
                let last_child = j + 1 == children.len();
                if self.ends_with_blank(child) && !(last_item && last_child) {
                    return false;
                }
            }
        }
        true
    }

    /// Removes link reference definitions from the start of a paragraph, recording them.
    fn take_refs<'t>(&mut self, mut text: &'t str) -> &'t str {
        while let Some((used, label, dest)) = reference_definition(text) {
            self.refs.entry(label).or_insert(dest);
            text = &text[used..];
        }
        text
    }

    fn line(&mut self, s: &str, offset: usize) {
        self.line_no += 1;
        let mut line = Line {
            s,
            offset,
            pos: 0,
            col: 0,
        };
        // 1. Which open blocks does this line continue?
        let mut matched = 0;
        let mut i = 1;
        // Where the line's text starts after each matched block's prefix.
        self.prefix.clear();
        self.prefix.push(0);
        while i < self.open.len() {
            let id = self.open[i];
            let blank = line.is_blank();
            let ok = match self.kind(id) {
                Kind::Quote => {
                    let (pos, col) = line.nonspace();
                    if col - line.col <= 3 && line.bytes().get(pos) == Some(&b'>') {
                        line.skip_to_nonspace();
                        line.advance_byte();
                        if matches!(line.bytes().get(line.pos), Some(b' ' | b'\t')) {
                            line.advance_cols(1);
                        }
                        true
                    } else {
                        false
                    }
                }
                Kind::Item { column } => {
                    if blank {
                        let node = &self.nodes[id];
                        let ok = !(node.children.is_empty() && node.first_line != self.line_no);
                        if ok {
                            line.skip_to_nonspace();
                        }
                        ok
                    } else if line.indent() >= column {
                        line.advance_cols(column);
                        true
                    } else {
                        false
                    }
                }
                Kind::List { .. } => true,
                Kind::Code { fence: 0, .. } => {
                    let ok = blank || line.indent() >= 4;
                    if ok {
                        line.advance_cols(4);
                    }
                    ok
                }
                Kind::Code { fence, len, indent } => {
                    let (pos, col) = line.nonspace();
                    let rest = &s[pos..];
                    let run = rest.bytes().take_while(|&b| b == fence).count();
                    if col - line.col <= 3
                        && run >= len
                        // Only spaces after it, as pulldown-cmark reads a closing fence.
                        && rest[run..].bytes().all(|b| b == b' ')
                    {
                        // The closing fence: the line is used up.
                        self.nodes[id].end = offset + s.len();
                        self.open.truncate(i);
                        self.finalize(id, offset + s.len());
                        return;
                    }
                    let skip = indent.min(line.indent());
                    line.advance_cols(skip);
                    true
                }
                Kind::Html { kind } => !(blank && matches!(kind, 6 | 7)),
                Kind::Paragraph => !blank,
                Kind::Table => !blank && self.table_row(&line, id),
                _ => false,
            };
            if !ok {
                break;
            }
            matched = i;
            self.prefix.push(line.pos);
            i += 1;
        }
        // A last line without a line ending that holds less than an indent of whitespace
        // is no line (pulldown-cmark drops it even inside a fenced code block).
        if !self.eol && line.is_blank() && line.indent() < 4 {
            return;
        }
        let all_matched = matched + 1 == self.open.len();
        let container = self.open[matched];
        let tip_kind = self.kind(self.tip());

        if let (true, Kind::Table) = (all_matched, self.kind(container)) {
            line.skip_to_nonspace();
            let cells = split_row(&s[line.pos..]);
            let node = &mut self.nodes[container];
            let cols = node.rows[0].len();
            node.rows.push(fit_row(cells, cols));
            node.end = offset + s.len();
            return;
        }

        // 2. New block starts.
        let mut container_kind = self.kind(container);
        let mut leaf_started = false;
        let mut closed_unmatched = false;
        let lazy_possible = !all_matched && tip_kind == Kind::Paragraph;
        if !matches!(container_kind, Kind::Code { .. } | Kind::Html { .. }) {
            loop {
                let (pos, col) = line.nonspace();
                let indent = col - line.col;
                let rest = &s[pos..];
                let blank = rest.is_empty();
                let para_tip = self.kind(self.tip()) == Kind::Paragraph;
                if indent >= 4 {
                    if !blank && !para_tip {
                        self.close_unmatched(matched, &mut closed_unmatched, offset);
                        line.advance_cols(4);
                        self.add_child(
                            Kind::Code {
                                fence: 0,
                                len: 0,
                                indent: 0,
                            },
                            offset + line.pos,
                        );
                        leaf_started = true;
                    }
                    break;
                }
                let first = rest.as_bytes().first().copied().unwrap_or(b'\n');
                // A table: this line is the delimiter row under a one-line paragraph, or
                // under a paragraph's last line that starts with `|`.
                if all_matched && container_kind == Kind::Paragraph {
                    // Under a lazy head line, the row is read where that line was: past
                    // only the prefixes of the blocks it continued.
                    let node = &self.nodes[container];
                    let row = if node.last_line.2 {
                        let from = self.prefix.get(node.lazy_matched).copied().unwrap_or(0);
                        let row = &s[from..];
                        let indent = row.bytes().take_while(|&b| b == b' ').count();
                        if indent < 4 { &row[indent..] } else { "" }
                    } else {
                        rest
                    };
                    if let Some(cols) = delimiter_row(row).filter(|_| !row.is_empty()) {
                        if self.start_table(container, cols, rest, offset + s.len()) {
                            return;
                        }
                    } else if let Some(cols) = delimiter_row(rest).filter(|_| row != rest) {
                        // Read past all the blocks, the row still ends the paragraph before
                        // the lazy head line (as pulldown-cmark checks), but no table forms.
                        if self.interrupt_lazy_head(container, cols) {
                            self.line_no -= 1;
                            self.line(s, offset);
                            return;
                        }
                    }
                }
                if first == b'>' {
                    if self.nest >= MAX_NEST {
                        line.skip_to_nonspace();
                        line.advance_byte();
                        if matches!(line.bytes().get(line.pos), Some(b' ' | b'\t')) {
                            line.advance_cols(1);
                        }
                        continue;
                    }
                    self.close_unmatched(matched, &mut closed_unmatched, offset);
                    line.skip_to_nonspace();
                    let start = offset + line.pos;
                    line.advance_byte();
                    if matches!(line.bytes().get(line.pos), Some(b' ' | b'\t')) {
                        line.advance_cols(1);
                    }
                    self.add_child(Kind::Quote, start);
                    matched = self.open.len() - 1;
                    container_kind = Kind::Quote;
                    continue;
                }
                if let Some(level) = atx_start(rest) {
                    self.close_unmatched(matched, &mut closed_unmatched, offset);
                    let id = self.add_child(Kind::Heading { level }, offset + pos);
                    let (content, heading_id, braced) = atx_content(&rest[level as usize..]);
                    self.nodes[id].braced = braced;
                    self.nodes[id].text = content.to_string();
                    self.nodes[id].id = heading_id.map(str::to_string);
                    self.nodes[id].end = offset + s.len();
                    self.open.pop();
                    return;
                }
                if let Some((fence, len)) = fence_start(rest) {
                    self.close_unmatched(matched, &mut closed_unmatched, offset);
                    // The info string is not shown.
                    self.add_child(Kind::Code { fence, len, indent }, offset + pos);
                    return;
                }
                if first == b'<' {
                    if let Some(kind) = html_start(rest) {
                        let lazy = lazy_possible && !closed_unmatched;
                        if kind != 7 || !(container_kind == Kind::Paragraph || lazy) {
                            self.close_unmatched(matched, &mut closed_unmatched, offset);
                            let id = self.add_child(Kind::Html { kind }, offset + pos);
                            // pulldown-cmark gives the first line's indentation as text.
                            self.nodes[id].id = Some(s[line.pos..pos].to_string());
                            line.pos = pos;
                            leaf_started = true;
                            break;
                        }
                    }
                }
                if all_matched && container_kind == Kind::Paragraph {
                    if let Some(level) = setext_underline(rest) {
                        let text = std::mem::take(&mut self.nodes[container].text);
                        let content = self
                            .take_refs(&text)
                            .trim_start_matches([' ', '\t'])
                            .to_string();
                        if !content.trim().is_empty() {
                            let trimmed = content.trim_end_matches(SPACE);
                            // A final backslash (a hard break for pulldown-cmark, kept as
                            // text) is not part of the text an attribute block ends.
                            let backslashes = trimmed.len() - trimmed.trim_end_matches('\\').len();
                            let hard = backslashes % 2 == 1;
                            let body = if hard {
                                &trimmed[..trimmed.len() - 1]
                            } else {
                                trimmed
                            };
                            let (content, heading_id) = attribute_block(body);
                            let braced = content.len() < body.len() && !content.ends_with(SPACE);
                            let mut text = content.to_string();
                            if hard {
                                text.push('\\');
                            }
                            let node = &mut self.nodes[container];
                            node.braced = braced && !hard;
                            node.kind = Kind::Heading { level };
                            node.text = text;
                            node.id = heading_id.map(str::to_string);
                            node.end = offset + s.len();
                            self.open.pop();
                            return;
                        }
                        self.nodes[container].text = content;
                    }
                }
                if is_rule(rest) {
                    self.close_unmatched(matched, &mut closed_unmatched, offset);
                    self.add_child(Kind::Rule, offset + pos);
                    self.open.pop();
                    return;
                }
                if let Some(marker) = list_marker(rest) {
                    let interrupts = marker.ordered_start.is_none_or(|n| n == 1) && !marker.blank;
                    if self.nest + 2 <= MAX_NEST
                        && (container_kind != Kind::Paragraph || interrupts)
                    {
                        self.close_unmatched(matched, &mut closed_unmatched, offset);
                        let base = line.col;
                        line.skip_to_nonspace();
                        let start = offset + line.pos;
                        let marker_col = line.col;
                        for _ in 0..marker.width {
                            line.advance_byte();
                        }
                        let after = line.indent();
                        let padding = if marker.blank || !(1..=4).contains(&after) {
                            1
                        } else {
                            after
                        };
                        if !marker.blank {
                            line.advance_cols(padding);
                        }
                        // Columns past where the item's container content starts.
                        let column = marker_col - base + marker.width + padding;
                        let (mark, ordered, number) = match marker.ordered_start {
                            Some(n) => (marker.byte, true, n),
                            None => (marker.byte, false, 0),
                        };
                        let tip = self.tip();
                        let same = matches!(self.kind(tip), Kind::List { marker: m, ordered: o, .. } if m == mark && o == ordered);
                        if !same {
                            self.add_child(
                                Kind::List {
                                    marker: mark,
                                    ordered,
                                    start: number,
                                    tight: true,
                                },
                                start,
                            );
                        }
                        self.add_child(Kind::Item { column }, start);
                        matched = self.open.len() - 1;
                        container_kind = Kind::Item { column };
                        continue;
                    }
                }
                break;
            }
        }

        // 3. The rest of the line is text.
        let blank = line.is_blank();
        if !leaf_started && lazy_possible && !closed_unmatched && !blank {
            let tip = self.tip();
            self.add_paragraph_line(tip, &line, true);
            self.nodes[tip].lazy_matched = matched;
            return;
        }
        self.close_unmatched(matched, &mut closed_unmatched, offset);
        let container = self.tip();
        let kind = self.kind(container);
        if blank {
            if let Some(&last) = self.nodes[container].children.last() {
                self.nodes[last].last_blank = true;
            }
        }
        let last_blank = blank
            && !(matches!(
                kind,
                Kind::Quote
                    | Kind::Code {
                        fence: b'`' | b'~',
                        ..
                    }
            ) || (matches!(kind, Kind::Item { .. })
                && self.nodes[container].children.is_empty()
                && self.nodes[container].first_line == self.line_no));
        for &id in &self.open {
            self.nodes[id].last_blank = last_blank;
        }
        match kind {
            Kind::Code { .. } => {
                let rest = line.rest();
                let node = &mut self.nodes[container];
                node.text.push_str(&rest);
                node.text.push('\n');
            }
            Kind::Html { kind } => {
                let rest = &s[line.pos..];
                let node = &mut self.nodes[container];
                node.text.push_str(rest);
                if self.eol {
                    node.text.push('\n');
                }
                if html_ends(kind, rest) {
                    self.open.pop();
                    self.finalize(container, offset + s.len());
                }
            }
            Kind::Paragraph => {
                self.add_paragraph_line(container, &line, false);
            }
            _ if !blank => {
                line.skip_to_nonspace();
                let id = self.add_child(Kind::Paragraph, offset + line.pos);
                self.add_paragraph_line(id, &line, false);
            }
            _ => {}
        }
    }

    fn close_unmatched(&mut self, matched: usize, done: &mut bool, offset: usize) {
        if *done {
            return;
        }
        *done = true;
        while self.open.len() > matched + 1 {
            self.close_top(offset);
        }
    }

    fn add_paragraph_line(&mut self, id: usize, line: &Line<'_>, lazy: bool) {
        let node = &mut self.nodes[id];
        if node.lines > 0 {
            node.text.push('\n');
        }
        // A continuation line keeps its indentation (a code span shows it, as in
        // pulldown-cmark); inline parsing skips it elsewhere.
        let (nonspace, col) = line.nonspace();
        node.last_indent = col - line.col;
        let from = line.text_start().min(nonspace);
        let at = node.text.len();
        node.text.push_str(&line.s[from..]);
        node.line_starts.push((at, line.offset + from));
        node.last_line = (at + nonspace - from, line.offset + nonspace, lazy);
        node.lines += 1;
        node.end = line.offset + line.s.len();
    }

    /// Ends the open paragraph before its last line (which starts at `at` in its text).
    fn split_paragraph(&mut self, para: usize, at: usize, start: usize) {
        let node = &mut self.nodes[para];
        let line_start = node.text[..at].rfind('\n').unwrap_or(0);
        node.text.truncate(line_start);
        node.lines -= 1;
        self.open.pop();
        self.finalize(para, start);
    }

    /// Ends the paragraph before its lazy last line, which starts a paragraph of its own
    /// where it was; whether it did.
    fn interrupt_lazy_head(&mut self, para: usize, cols: usize) -> bool {
        let node = &self.nodes[para];
        let (at, start, _) = node.last_line;
        let line_start = node.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let head = &node.text[at..];
        if refs_len(&node.text) >= line_start
            || !head.starts_with('|')
            || node.last_indent >= 4
            || header_columns(head) != Some(cols)
        {
            return false;
        }
        let head = head.to_string();
        let keep = node.lazy_matched + 1;
        self.split_paragraph(para, at, start);
        while self.open.len() > keep {
            self.close_top(start);
        }
        let id = self.add_child(Kind::Paragraph, start);
        let node = &mut self.nodes[id];
        node.text = head;
        node.lines = 1;
        node.last_line = (0, start, false);
        true
    }

    /// Turns a paragraph's only line, or its last line starting with `|`, into a table head.
    fn start_table(&mut self, para: usize, cols: usize, line: &str, end: usize) -> bool {
        let node = &self.nodes[para];
        let (at, start, _) = node.last_line;
        // Reference definitions come before the paragraph proper (pulldown-cmark reads them
        // as blocks): the head must follow them, and is the first line when only they
        // precede it.
        let line_start = node.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let refs = refs_len(&node.text);
        // (A lazy head line is fine when this delimiter row is in all the containers.)
        if refs > line_start || (refs < line_start && !node.text[at..].starts_with('|')) {
            return false;
        }
        let first_line = refs == line_start;
        // A later line interrupts the paragraph only from less than an indent.
        if !first_line && node.last_indent >= 4 {
            return false;
        }
        let head = &node.text[at..];
        if header_columns(head) != Some(cols) {
            return false;
        }
        // A first line ending in a backslash ends in a hard break for pulldown-cmark, which
        // looks for a table only after a plain line end.
        let backslashes = head.len() - head.trim_end_matches('\\').len();
        if backslashes % 2 == 1 {
            if first_line {
                return false;
            }
            // A later line still interrupts the paragraph, and starts one of its own that
            // this line continues.
            let head = head.to_string();
            self.split_paragraph(para, at, start);
            let id = self.add_child(Kind::Paragraph, start);
            let node = &mut self.nodes[id];
            node.text = head;
            node.text.push('\n');
            node.text.push_str(line);
            node.lines = 2;
            node.last_line = (node.text.len() - line.len(), end - line.len(), false);
            return true;
        }
        let cells = fit_row(split_row(head), cols);
        if node.lines == 1 {
            let node = &mut self.nodes[para];
            node.kind = Kind::Table;
            node.text.clear();
            node.rows.push(cells);
            node.end = end;
        } else {
            self.split_paragraph(para, at, start);
            // A lazy head line starts the table where that line was.
            if self.nodes[para].last_line.2 {
                let keep = self.nodes[para].lazy_matched + 1;
                while self.open.len() > keep {
                    self.close_top(start);
                }
            }
            let id = self.add_child(Kind::Table, start);
            self.nodes[id].rows.push(cells);
            self.nodes[id].end = end;
        }
        true
    }

    /// Whether this line is a row of the open table (it has a cell and starts no block).
    fn table_row(&self, line: &Line<'_>, _table: usize) -> bool {
        let (pos, _) = line.nonspace();
        let rest = &line.s[pos..];
        if is_rule(rest)
            || atx_start(rest).is_some()
            || fence_start(rest).is_some()
            || rest.starts_with('>')
            || list_marker(rest).is_some()
            || html_start(rest).is_some_and(|k| k != 7)
        {
            return false;
        }
        !split_row(rest).is_empty()
    }
}

/// Bytes of `text` up to the end of its last non-blank line (including its newline).
fn trim_blank_lines(text: &str) -> usize {
    let mut end = text.len();
    loop {
        let body = &text[..end];
        let body = body.strip_suffix('\n').unwrap_or(body);
        let line_start = body.rfind('\n').map_or(0, |i| i + 1);
        if body[line_start..].trim_matches([' ', '\t']).is_empty() && end > 0 {
            end = line_start;
        } else {
            return end;
        }
    }
}

/// Whitespace within a line, as pulldown-cmark reads it (with vertical tab and form feed).
const SPACE: [char; 4] = [' ', '\t', '\x0b', '\x0c'];

fn atx_start(rest: &str) -> Option<u8> {
    let hashes = rest.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    match rest.as_bytes().get(hashes) {
        None | Some(b' ' | b'\t' | 0x0b | 0x0c) => Some(hashes as u8),
        _ => None,
    }
}

/// An ATX heading's text without the closing `#`s, and its attribute block's id (as
/// pulldown-cmark trims them: only spaces before the closing sequence count).
fn atx_content(after: &str) -> (&str, Option<&str>, bool) {
    let whole = after.trim_start_matches(SPACE);
    let (text, id) = attribute_block(whole);
    // The `{` directly follows the text (emphasis flanking sees it).
    let braced = text.len() < whole.len() && !text.ends_with(SPACE);
    let mut limit = text.trim_end_matches(' ').len();
    let closer = text[..limit].trim_end_matches('#').len();
    if closer == 0 {
        limit = 0;
    } else {
        let spaces = closer - text[..closer].trim_end_matches(' ').len();
        if spaces > 0 {
            limit = closer - spaces;
        }
    }
    (&text[..limit], id, braced)
}

/// A trailing `{#id .class key=value}` (as pulldown-cmark reads it): the text before it
/// and the id.
fn attribute_block(text: &str) -> (&str, Option<&str>) {
    let trimmed = text.trim_end_matches([' ', '\t', '\n', '\r']);
    let Some(inner_end) = trimmed.strip_suffix('}').map(str::len) else {
        return (text, None);
    };
    let open = trimmed[..inner_end]
        .rfind(['{', '}', '<', '>', '\\', '\n', '\r'])
        .filter(|&i| trimmed.as_bytes()[i] == b'{');
    let Some(open) = open else {
        return (text, None);
    };
    let mut id = None;
    for attr in trimmed[open + 1..inner_end].split_ascii_whitespace() {
        if attr.len() > 1 && attr.starts_with('#') {
            id = Some(&attr[1..]);
        }
    }
    (&text[..open], id)
}

fn fence_start(rest: &str) -> Option<(u8, usize)> {
    let fence = *rest.as_bytes().first()?;
    if fence != b'`' && fence != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|&b| b == fence).count();
    if len < 3 || (fence == b'`' && contains_char(&rest[len..], '`')) {
        return None;
    }
    Some((fence, len))
}

fn is_rule(rest: &str) -> bool {
    let Some(&c) = rest.as_bytes().first() else {
        return false;
    };
    if !matches!(c, b'*' | b'-' | b'_') {
        return false;
    }
    let mut count = 0;
    for b in rest.bytes() {
        if b == c {
            count += 1;
        } else if b != b' ' && b != b'\t' {
            return false;
        }
    }
    count >= 3
}

fn setext_underline(rest: &str) -> Option<u8> {
    let c = *rest.as_bytes().first()?;
    if c != b'=' && c != b'-' {
        return None;
    }
    let run = rest.bytes().take_while(|&b| b == c).count();
    rest[run..]
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
        .then_some(if c == b'=' { 1 } else { 2 })
}

struct ListMarker {
    byte: u8,
    ordered_start: Option<u64>,
    width: usize,
    blank: bool,
}

fn list_marker(rest: &str) -> Option<ListMarker> {
    let bytes = rest.as_bytes();
    let (byte, ordered_start, width) = match *bytes.first()? {
        c @ (b'-' | b'+' | b'*') => (c, None, 1),
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 9 {
                return None;
            }
            let delim = *bytes.get(digits)?;
            if delim != b'.' && delim != b')' {
                return None;
            }
            (delim, rest[..digits].parse().ok(), digits + 1)
        }
        _ => return None,
    };
    let after = &rest[width..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    Some(ListMarker {
        byte,
        ordered_start,
        width,
        blank: after.trim_matches([' ', '\t']).is_empty(),
    })
}

const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

/// The CommonMark HTML block kind (1–7) this line starts, if any.
fn html_start(rest: &str) -> Option<u8> {
    let after = rest.strip_prefix('<')?;
    let lower = |n: usize| after.get(..n).map(|s| s.to_ascii_lowercase());
    // Kind 1, by the end tag it waits for (pulldown-cmark ends `<style>` only at `</style>`).
    for (kind, name) in [(1, "pre"), (11, "script"), (12, "style"), (13, "textarea")] {
        if lower(name.len()).as_deref() == Some(name) {
            match after.as_bytes().get(name.len()) {
                None | Some(b' ' | b'\t' | b'>') => return Some(kind),
                _ => {}
            }
        }
    }
    if after.starts_with("!--") {
        return Some(2);
    }
    if after.starts_with('?') {
        return Some(3);
    }
    if after.starts_with('!') && after.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic) {
        return Some(4);
    }
    if after.starts_with("![CDATA[") {
        return Some(5);
    }
    let name_part = after.strip_prefix('/').unwrap_or(after);
    let name_len = name_part
        .bytes()
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    if name_len > 0 {
        let name = name_part[..name_len].to_ascii_lowercase();
        let next = &name_part[name_len..];
        if BLOCK_TAGS.contains(&name.as_str())
            && (next.is_empty() || next.starts_with([' ', '\t', '>']) || next.starts_with("/>"))
        {
            return Some(6);
        }
    }
    let tag = html_tag(rest, 0, &mut usize::MAX.clone())?;
    // (pulldown-cmark excludes no names here: `<style/>` is kind 7.)
    (!rest[1..].starts_with('!')
        && !rest[1..].starts_with('?')
        && rest[tag..].trim_matches([' ', '\t']).is_empty())
    .then_some(7)
}

fn html_ends(kind: u8, line: &str) -> bool {
    match kind {
        // Case-sensitive, as pulldown-cmark looks for them.
        1 => contains(line, "</pre>"),
        11 => contains(line, "</script>"),
        12 => contains(line, "</style>"),
        13 => contains(line, "</textarea>"),
        2 => contains(line, "-->"),
        3 => contains(line, "?>"),
        4 => contains_char(line, '>'),
        5 => contains(line, "]]>"),
        _ => false,
    }
}

/// The GFM delimiter row's column count (`| :--- | ---: |`), as pulldown-cmark scans it.
fn delimiter_row(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut i = 0;
    let mut cols = 0;
    let mut start_col = true;
    let (mut found_pipe, mut found_hyphen, mut hyphen_in_col) = (false, false, false);
    if bytes.first() == Some(&b'|') {
        i = 1;
        found_pipe = true;
    }
    for &c in &bytes[i..] {
        match c {
            // Only spaces: pulldown-cmark takes a row with a tab for text.
            b' ' => {}
            b':' => start_col = false,
            b'-' => {
                start_col = false;
                found_hyphen = true;
                hyphen_in_col = true;
            }
            b'|' => {
                start_col = true;
                found_pipe = true;
                cols += 1;
                if !hyphen_in_col {
                    return None;
                }
                hyphen_in_col = false;
            }
            _ => return None,
        }
    }
    if !start_col {
        cols += 1;
    }
    (found_pipe && found_hyphen).then_some(cols)
}

/// Columns of a header line: its unescaped pipes, less a leading one, plus one unless the
/// last pipe ends the line; `None` without pipes.
fn header_columns(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let (mut pipes, mut last, mut i) = (0, 0, 0);
    while i < bytes.len() {
        // A pipe right after a backslash (escaped or not) does not count.
        if bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\') {
            pipes += 1;
            last = i;
        }
        i += 1;
    }
    if pipes == 0 {
        return None;
    }
    let mut cols = pipes;
    if line.trim_start_matches([' ', '\t']).starts_with('|') {
        cols -= 1;
    }
    if !line[last + 1..].trim_matches([' ', '\t']).is_empty() {
        cols += 1;
    }
    Some(cols)
}

/// A table row's cells, `\|` read as `|`.
fn split_row(line: &str) -> Vec<String> {
    let bytes = line.as_bytes();
    let mut cells = Vec::new();
    let mut i = 0;
    loop {
        if bytes.get(i) == Some(&b'|') {
            i += 1;
        }
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let mut cell = String::new();
        let mut from = i;
        while i < bytes.len() && bytes[i] != b'|' {
            if bytes[i] == b'\\' {
                // `\|` and `\\|` are a literal pipe (the backslashes dropped, as
                // pulldown-cmark does); other escapes stay for the inline parser.
                let pipe_at = match (bytes.get(i + 1), bytes.get(i + 2)) {
                    (Some(b'|'), _) => Some(i + 1),
                    (Some(b'\\'), Some(b'|')) => Some(i + 2),
                    _ => None,
                };
                if let Some(pipe) = pipe_at {
                    cell.push_str(&line[from..i]);
                    from = pipe;
                    i = pipe + 1;
                    continue;
                }
                if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) {
                    i += 1;
                }
            }
            i += 1;
        }
        cell.push_str(&line[from..i]);
        cells.push(cell);
    }
    cells
}

fn fit_row(mut cells: Vec<String>, cols: usize) -> Vec<String> {
    cells.truncate(cols);
    cells.resize(cols, String::new());
    cells
}

/// `[label]: destination "title"` at the start of `text`: bytes used, normalised label
/// and destination.
fn reference_definition(text: &str) -> Option<(usize, String, String)> {
    // Continuation lines keep their indentation (any amount: it is a paragraph's).
    let indent = text
        .bytes()
        .take_while(|&b| b == b' ' || b == b'\t')
        .count();
    let label_len = indent + link_label(&text[indent..])?;
    let label = normalize_label(&text[indent + 1..label_len - 1])?;
    let mut i = label_len;
    if text.as_bytes().get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    i = skip_space_one_newline(text, i);
    let (dest, after_dest) = link_destination(text, i, true)?;
    // A title needs whitespace before it and only whitespace after it on its line.
    let line_end = |from: usize| -> Option<usize> {
        let rest = &text[from..];
        let n = rest
            .bytes()
            .take_while(|&b| b == b' ' || b == b'\t')
            .count();
        match rest.as_bytes().get(n) {
            None => Some(from + n),
            Some(b'\n') => Some(from + n + 1),
            _ => None,
        }
    };
    let title_start = skip_space_one_newline(text, after_dest);
    if title_start > after_dest {
        if let Some(after_title) = link_title(text, title_start) {
            if let Some(end) = line_end(after_title) {
                return Some((end, label, dest));
            }
        }
    }
    let end = line_end(after_dest)?;
    Some((end, label, dest))
}

/// Bytes of the reference definitions that start `text`.
fn refs_len(text: &str) -> usize {
    let mut used = 0;
    while let Some((n, _, _)) = reference_definition(&text[used..]) {
        used += n;
    }
    used
}

fn skip_space_one_newline(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    if bytes.get(i) == Some(&b'\n') {
        i += 1;
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
    }
    i
}

/// A link label `[…]` at the start of `text` (no unescaped brackets, ≤ 999 characters
/// inside): its length including the brackets.
fn link_label(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'[') {
        return None;
    }
    let mut i = 1;
    while i < bytes.len() && i <= 1000 {
        match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => i += 1,
            b'[' => return None,
            b']' => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Case-folded label with whitespace runs as one space; `None` when blank.
fn normalize_label(label: &str) -> Option<String> {
    let mut out = String::with_capacity(label.len());
    for word in label.split_ascii_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        return None;
    }
    Some(if out.is_ascii() {
        out.to_ascii_lowercase()
    } else {
        crate::lowercase::lower(&out)
    })
}

/// A link destination at `i`: decoded, and the index after it.
fn link_destination(text: &str, i: usize, definition: bool) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(i) == Some(&b'<') {
        let mut j = i + 1;
        while j < bytes.len() {
            match bytes[j] {
                b'\\' if bytes.get(j + 1).is_some_and(u8::is_ascii_punctuation) => j += 1,
                b'\n' | b'<' => return None,
                b'>' => return Some((unescape(&text[i + 1..j]), j + 1)),
                _ => {}
            }
            j += 1;
        }
        return None;
    }
    let mut depth = 0;
    let mut j = i;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' if bytes.get(j + 1).is_some_and(u8::is_ascii_punctuation) => j += 1,
            b'(' => {
                depth += 1;
                if depth > 32 {
                    return None;
                }
            }
            b')' if depth == 0 => break,
            b')' => depth -= 1,
            b if b <= b' ' => break,
            _ => {}
        }
        j += 1;
    }
    if depth != 0 || (definition && j == i) {
        return None;
    }
    Some((unescape(&text[i..j]), j))
}

/// A link title (`"…"`, `'…'` or `(…)`) at `i`: the index after it.
fn link_title(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let close = match bytes.get(i)? {
        b'"' => b'"',
        b'\'' => b'\'',
        b'(' => b')',
        _ => return None,
    };
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' if bytes.get(j + 1).is_some_and(u8::is_ascii_punctuation) => j += 1,
            b'(' if close == b')' => return None,
            b'\n' if bytes.get(j + 1) == Some(&b'\n') => return None,
            b if b == close => return Some(j + 1),
            _ => {}
        }
        j += 1;
    }
    None
}

/// A character reference, as CommonMark reads it: one to no character is U+FFFD.
fn reference(s: &str) -> Option<(char, usize)> {
    super::inline_html::char_reference(s).map(|(c, used)| (c.unwrap_or('\u{fffd}'), used))
}

/// Backslash escapes and character references decoded.
fn unescape(s: &str) -> String {
    if !s.contains(['\\', '&']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut from = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                out.push_str(&s[from..i]);
                from = i + 1;
                i += 2;
            }
            b'&' => match reference(&s[i..]) {
                Some((c, used)) => {
                    out.push_str(&s[from..i]);
                    out.push(c);
                    i += used;
                    from = i;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    out.push_str(&s[from..]);
    out
}

// ---------------------------------------------------------------------------------------
// Emission and inlines

struct Emitter<'r> {
    refs: &'r HashMap<String, String>,
    /// Bytes that link-tail scans may still look at; then brackets are text.
    budget: usize,
}

impl Emitter<'_> {
    fn emit(&mut self, nodes: &[Node], sink: &mut dyn FnMut(Event<'_>, Range<usize>)) {
        // Iterative walk: (node, next child, tight list item).
        let mut stack: Vec<(usize, usize, bool)> = vec![(0, 0, false)];
        while let Some(&mut (id, ref mut next, tight)) = stack.last_mut() {
            let node = &nodes[id];
            if *next == 0 && id != 0 {
                let range = node.start..node.end.max(node.start);
                match node.kind {
                    Kind::Quote => sink(Event::Start(Tag::BlockQuote), range),
                    Kind::List { ordered, start, .. } => {
                        sink(Event::Start(Tag::List(ordered.then_some(start))), range)
                    }
                    Kind::Item { .. } => sink(Event::Start(Tag::Item), range),
                    _ => {
                        self.leaf(node, tight, sink);
                        stack.pop();
                        continue;
                    }
                }
            }
            if let Some(&child) = node.children.get(*next) {
                *next += 1;
                let tight_child = match node.kind {
                    Kind::Item { .. } => tight,
                    _ => false,
                };
                let tight_items = matches!(node.kind, Kind::List { tight: true, .. });
                stack.push((child, 0, tight_child || tight_items));
                continue;
            }
            let range = node.end..node.end;
            match node.kind {
                Kind::Quote => sink(Event::End(TagEnd::BlockQuote), range),
                Kind::List { .. } => sink(Event::End(TagEnd::List), range),
                Kind::Item { .. } => sink(Event::End(TagEnd::Item), range),
                _ => {}
            }
            stack.pop();
        }
    }

    fn leaf(&mut self, node: &Node, tight: bool, sink: &mut dyn FnMut(Event<'_>, Range<usize>)) {
        let range = node.start..node.end.max(node.start);
        match node.kind {
            Kind::Paragraph => {
                if !tight {
                    sink(Event::Start(Tag::Paragraph), range.clone());
                }
                self.inlines(&node.text, sink);
                if !tight {
                    sink(Event::End(TagEnd::Paragraph), range);
                }
            }
            Kind::Heading { level } => {
                let id = node.id.as_deref();
                sink(Event::Start(Tag::Heading { level, id }), range.clone());
                let text = node.text.trim_matches([' ', '\t']);
                let after = if node.braced { Some('{') } else { None };
                self.inlines_before(text, after, sink);
                sink(Event::End(TagEnd::Heading), range);
            }
            Kind::Rule => sink(Event::Rule, range),
            Kind::Code { .. } => {
                sink(Event::Start(Tag::CodeBlock), range.clone());
                if !node.text.is_empty() {
                    sink(Event::Text(&node.text), range.clone());
                }
                sink(Event::End(TagEnd::CodeBlock), range);
            }
            Kind::Html { .. } => {
                sink(Event::Start(Tag::HtmlBlock), range.clone());
                if let Some(indent) = node.id.as_deref().filter(|i| !i.is_empty()) {
                    sink(Event::Text(indent), range.clone());
                }
                sink(Event::Html(&node.text), range.clone());
                sink(Event::End(TagEnd::HtmlBlock), range);
            }
            Kind::Table => {
                sink(Event::Start(Tag::Table), range.clone());
                for (i, row) in node.rows.iter().enumerate() {
                    let (start, end) = if i == 0 {
                        (Tag::TableHead, TagEnd::TableHead)
                    } else {
                        (Tag::TableRow, TagEnd::TableRow)
                    };
                    sink(Event::Start(start), range.clone());
                    for cell in row {
                        sink(Event::Start(Tag::TableCell), range.clone());
                        self.inlines(cell.trim_end_matches([' ', '\t']), sink);
                        sink(Event::End(TagEnd::TableCell), range.clone());
                    }
                    sink(Event::End(end), range.clone());
                }
                sink(Event::End(TagEnd::Table), range);
            }
            _ => {}
        }
    }

    fn inlines(&mut self, text: &str, sink: &mut dyn FnMut(Event<'_>, Range<usize>)) {
        self.inlines_before(text, None, sink);
    }

    /// Inlines of `text`, which `after` follows in the source (for delimiter flanking).
    fn inlines_before(
        &mut self,
        text: &str,
        after: Option<char>,
        sink: &mut dyn FnMut(Event<'_>, Range<usize>),
    ) {
        let mut parser = Inlines::new(text, self);
        parser.after = after;
        parser.run();
        parser.process_emphasis(NONE);
        let toks = std::mem::take(&mut parser.toks);
        for tok in &toks {
            let r = 0..0;
            match tok {
                Tok::Text(a, b) => {
                    if a < b {
                        sink(Event::Text(&text[*a..*b]), r)
                    }
                }
                Tok::Owned(s) => sink(Event::Text(s), r),
                Tok::Code(s) => sink(Event::Code(s), r),
                Tok::Html(a, b) => sink(Event::InlineHtml(&text[*a..*b]), r),
                Tok::Soft => sink(Event::SoftBreak, r),
                Tok::Hard => sink(Event::HardBreak, r),
                Tok::Delim {
                    start,
                    len,
                    left,
                    right,
                    ends,
                    starts,
                } => {
                    for &kind in ends {
                        sink(Event::End(emphasis_end(kind)), r.clone());
                    }
                    if start + left < start + len - right {
                        sink(
                            Event::Text(&text[start + left..start + len - right]),
                            r.clone(),
                        );
                    }
                    for &kind in starts.iter().rev() {
                        sink(Event::Start(emphasis_tag(kind)), r.clone());
                    }
                }
                Tok::LinkStart { dest, image } => {
                    if *image {
                        sink(Event::Start(Tag::Image), r)
                    } else {
                        sink(Event::Start(Tag::Link { dest_url: dest }), r)
                    }
                }
                Tok::LinkEnd { image } => sink(
                    Event::End(if *image { TagEnd::Image } else { TagEnd::Link }),
                    r,
                ),
            }
        }
    }
}

fn emphasis_tag(kind: u8) -> Tag<'static> {
    match kind {
        EM => Tag::Emphasis,
        STRONG => Tag::Strong,
        _ => Tag::Strikethrough,
    }
}

fn emphasis_end(kind: u8) -> TagEnd {
    match kind {
        EM => TagEnd::Emphasis,
        STRONG => TagEnd::Strong,
        _ => TagEnd::Strikethrough,
    }
}

const EM: u8 = 1;
const STRONG: u8 = 2;
const DEL: u8 = 3;
const NONE: usize = usize::MAX;

enum Tok {
    Text(usize, usize),
    Owned(String),
    Code(String),
    Html(usize, usize),
    Soft,
    Hard,
    /// A delimiter run: `left` characters were used closing (`ends`), `right` opening
    /// (`starts`, innermost first).
    Delim {
        start: usize,
        len: usize,
        left: usize,
        right: usize,
        ends: Vec<u8>,
        starts: Vec<u8>,
    },
    LinkStart {
        dest: String,
        image: bool,
    },
    LinkEnd {
        image: bool,
    },
}

struct Delim {
    tok: usize,
    ch: u8,
    orig: usize,
    count: usize,
    can_open: bool,
    can_close: bool,
    prev: usize,
    next: usize,
}

struct Bracket {
    tok: usize,
    pos: usize,
    image: bool,
    active: bool,
    /// The last delimiter before it.
    delim_bottom: usize,
}

struct Inlines<'t, 'e, 'r> {
    text: &'t str,
    emitter: &'e mut Emitter<'r>,
    toks: Vec<Tok>,
    delims: Vec<Delim>,
    tail: usize,
    brackets: Vec<Bracket>,
    /// Backtick runs by length: positions, and how many were passed.
    ticks: Option<HashMap<usize, (Vec<usize>, usize)>>,
    /// Where no closer follows, per searched string (memo for `<!--`, `<?`, …).
    none_after: [usize; 5],
    /// The character after the text in the source, if it is not whitespace.
    after: Option<char>,
}

impl<'t, 'e, 'r> Inlines<'t, 'e, 'r> {
    fn new(text: &'t str, emitter: &'e mut Emitter<'r>) -> Self {
        Inlines {
            text,
            emitter,
            toks: Vec::new(),
            delims: Vec::new(),
            tail: NONE,
            brackets: Vec::new(),
            ticks: None,
            none_after: [usize::MAX; 5],
            after: None,
        }
    }

    fn run(&mut self) {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut from = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if !matches!(
                b,
                b'\\' | b'`' | b'*' | b'_' | b'~' | b'[' | b']' | b'!' | b'<' | b'&' | b'\n'
            ) {
                i += 1;
                continue;
            }
            let next = match b {
                b'\n' => {
                    let segment = &text[from..i];
                    let trailing = segment.len() - segment.trim_end_matches(SPACE).len();
                    let hard = trailing >= 2;
                    self.text_tok(from, i - trailing);
                    self.toks.push(if hard { Tok::Hard } else { Tok::Soft });
                    let mut j = i + 1;
                    while matches!(bytes.get(j), Some(b' ' | b'\t')) {
                        j += 1;
                    }
                    from = j;
                    i = j;
                    continue;
                }
                b'\\' => match bytes.get(i + 1) {
                    Some(b'\n') => {
                        self.text_tok(from, i);
                        self.toks.push(Tok::Hard);
                        let mut j = i + 2;
                        while matches!(bytes.get(j), Some(b' ' | b'\t')) {
                            j += 1;
                        }
                        from = j;
                        i = j;
                        continue;
                    }
                    Some(c) if c.is_ascii_punctuation() => {
                        self.text_tok(from, i);
                        from = i + 1;
                        i + 2
                    }
                    _ => i + 1,
                },
                b'`' => {
                    let run = bytes[i..].iter().take_while(|&&c| c == b'`').count();
                    match self.code_span_end(i, run) {
                        Some(close) => {
                            self.text_tok(from, i);
                            let content = text[i + run..close].replace('\n', " ");
                            let stripped = if content.len() >= 2
                                && content.starts_with(' ')
                                && content.ends_with(' ')
                                && content.bytes().any(|c| c != b' ')
                            {
                                content[1..content.len() - 1].to_string()
                            } else {
                                content
                            };
                            self.toks.push(Tok::Code(stripped));
                            from = close + run;
                            close + run
                        }
                        None => i + run,
                    }
                }
                b'*' | b'_' | b'~' => {
                    let run = bytes[i..].iter().take_while(|&&c| c == b).count();
                    let prev = text[..i].chars().next_back();
                    let next_c = text[i + run..].chars().next().or(self.after);
                    let can_open = can_open(prev, next_c, b, run);
                    let can_close = can_close(prev, next_c, b, run);
                    if (can_open || can_close) && (b != b'~' || run <= 2) {
                        self.text_tok(from, i);
                        let tok = self.toks.len();
                        self.toks.push(Tok::Delim {
                            start: i,
                            len: run,
                            left: 0,
                            right: 0,
                            ends: Vec::new(),
                            starts: Vec::new(),
                        });
                        let index = self.delims.len();
                        self.delims.push(Delim {
                            tok,
                            ch: b,
                            orig: run,
                            count: run,
                            can_open,
                            can_close,
                            prev: self.tail,
                            next: NONE,
                        });
                        if self.tail != NONE {
                            self.delims[self.tail].next = index;
                        }
                        self.tail = index;
                        from = i + run;
                    }
                    i + run
                }
                b'[' => {
                    self.text_tok(from, i);
                    self.push_bracket(i, false);
                    from = i + 1;
                    i + 1
                }
                b'!' if bytes.get(i + 1) == Some(&b'[') => {
                    self.text_tok(from, i);
                    self.push_bracket(i, true);
                    from = i + 2;
                    i + 2
                }
                b']' => {
                    self.text_tok(from, i);
                    match self.close_bracket(i) {
                        Some(after) => {
                            from = after;
                            after
                        }
                        None => {
                            from = i;
                            i + 1
                        }
                    }
                }
                b'<' => {
                    self.text_tok(from, i);
                    from = i;
                    match self.angle(i) {
                        Some(after) => {
                            from = after;
                            after
                        }
                        None => i + 1,
                    }
                }
                b'&' => match reference(&text[i..]) {
                    Some((c, used)) => {
                        self.text_tok(from, i);
                        self.toks.push(Tok::Owned(c.to_string()));
                        from = i + used;
                        i + used
                    }
                    None => i + 1,
                },
                _ => i + 1,
            };
            i = next;
        }
        self.text_tok(from, bytes.len());
    }

    fn text_tok(&mut self, a: usize, b: usize) {
        if a < b {
            self.toks.push(Tok::Text(a, b));
        }
    }

    fn code_span_end(&mut self, at: usize, run: usize) -> Option<usize> {
        let text = self.text;
        let ticks = self.ticks.get_or_insert_with(|| {
            let mut map: HashMap<usize, (Vec<usize>, usize)> = HashMap::default();
            let bytes = text.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'`' {
                    let n = bytes[i..].iter().take_while(|&&c| c == b'`').count();
                    map.entry(n).or_default().0.push(i);
                    i += n;
                } else {
                    i += 1;
                }
            }
            map
        });
        let (positions, passed) = ticks.get_mut(&run)?;
        while *passed < positions.len() && positions[*passed] <= at {
            *passed += 1;
        }
        positions.get(*passed).copied()
    }

    fn push_bracket(&mut self, pos: usize, image: bool) {
        let tok = self.toks.len();
        self.toks
            .push(Tok::Text(pos, pos + if image { 2 } else { 1 }));
        self.brackets.push(Bracket {
            tok,
            pos: pos + if image { 2 } else { 1 },
            image,
            active: true,
            delim_bottom: self.tail,
        });
    }

    /// A `]` at `i`: a link or image when an opener and a destination or reference fit;
    /// returns the index after what it used.
    fn close_bracket(&mut self, i: usize) -> Option<usize> {
        let bracket = self.brackets.pop()?;
        if !bracket.active {
            return None;
        }
        let (dest, after) = self.link_tail(bracket.pos, i)?;
        self.toks.push(Tok::LinkEnd {
            image: bracket.image,
        });
        self.toks[bracket.tok] = Tok::LinkStart {
            dest,
            image: bracket.image,
        };
        self.process_emphasis(bracket.delim_bottom);
        if !bracket.image {
            for b in &mut self.brackets {
                if !b.image {
                    b.active = false;
                }
            }
        }
        Some(after)
    }

    /// What follows `]` at `close` (the link text from `open`): an inline destination, or a
    /// full, collapsed or shortcut reference that is defined.
    fn link_tail(&mut self, open: usize, close: usize) -> Option<(String, usize)> {
        let text = self.text;
        let bytes = text.as_bytes();
        let after = close + 1;
        if bytes.get(after) == Some(&b'(') {
            let start_budget = self.emitter.budget;
            let result = inline_link(text, after + 1, start_budget);
            let cost = match &result {
                Ok((_, end)) => end - after,
                Err(scanned) => *scanned,
            };
            self.emitter.budget = self.emitter.budget.saturating_sub(cost);
            if let Ok(found) = result {
                return Some(found);
            }
        }
        let refs = self.emitter.refs;
        if refs.is_empty() {
            return None;
        }
        if bytes.get(after) == Some(&b'[') {
            if let Some(len) = link_label(&text[after..]) {
                let label = if len == 2 {
                    &text[open..close]
                } else {
                    &text[after + 1..after + len - 1]
                };
                let dest = (label.len() <= 999)
                    .then(|| normalize_label(label))
                    .flatten()
                    .and_then(|l| refs.get(&l));
                return dest.map(|d| (d.clone(), after + len));
            }
        }
        if close - open > 999 {
            return None;
        }
        let label = normalize_label(&text[open..close])?;
        refs.get(&label).map(|d| (d.clone(), after))
    }

    /// `<` at `i`: an autolink or raw HTML; pushes the tokens and returns the index after.
    fn angle(&mut self, i: usize) -> Option<usize> {
        let text = self.text;
        let rest = &text[i + 1..];
        // Autolink.
        let end = rest
            .bytes()
            .position(|b| b == b'>' || b == b'<' || b <= b' ')
            .filter(|&e| rest.as_bytes()[e] == b'>');
        if let Some(end) = end {
            let inner = &rest[..end];
            if is_uri(inner) || is_email(inner) {
                // An email address is the destination as written, as pulldown-cmark gives it
                // (the renderer's link rule decides what an address becomes).
                self.toks.push(Tok::LinkStart {
                    dest: inner.to_string(),
                    image: false,
                });
                self.toks.push(Tok::Text(i + 1, i + 1 + end));
                self.toks.push(Tok::LinkEnd { image: false });
                return Some(i + end + 2);
            }
        }
        let end = self.raw_html(i)?;
        self.toks.push(Tok::Html(i, end));
        Some(end)
    }

    /// Raw inline HTML at `i`: its end.
    fn raw_html(&mut self, i: usize) -> Option<usize> {
        let text = self.text;
        let rest = &text[i..];
        let memo = |slot: usize, this: &mut Self, start: usize, needle: &str| -> Option<usize> {
            if start >= this.none_after[slot] {
                return None;
            }
            match crate::search::find(&text[start..], needle) {
                Some(p) => Some(start + p + needle.len()),
                None => {
                    this.none_after[slot] = start;
                    None
                }
            }
        };
        if let Some(comment) = rest.strip_prefix("<!--") {
            if comment.starts_with('>') {
                return Some(i + 5);
            }
            if comment.starts_with("->") {
                return Some(i + 6);
            }
            return memo(0, self, i + 4, "-->");
        }
        if rest.starts_with("<?") {
            return memo(1, self, i + 2, "?>");
        }
        if rest.starts_with("<![CDATA[") {
            return memo(2, self, i + 9, "]]>");
        }
        if rest.starts_with("<!") && rest.as_bytes().get(2).is_some_and(u8::is_ascii_alphabetic) {
            return memo(3, self, i + 2, ">");
        }
        let mut budget = self.emitter.budget;
        let end = html_tag(text, i, &mut budget);
        self.emitter.budget = budget;
        end
    }
}

/// An inline link's `(destination "title")` from `i` (after the `(`): the decoded
/// destination and the index after `)`, or the bytes scanned when it is not one.
fn inline_link(text: &str, i: usize, budget: usize) -> Result<(String, usize), usize> {
    if budget == 0 {
        return Err(0);
    }
    let bytes = text.as_bytes();
    let skip_ws = |mut j: usize| {
        while bytes.get(j).is_some_and(|&b| is_html_space(b)) {
            j += 1;
        }
        j
    };
    let j = skip_ws(i);
    if bytes.get(j) == Some(&b')') {
        return Ok((String::new(), j + 1));
    }
    let (dest, after_dest) = link_destination(text, j, false).ok_or(j - i + 1)?;
    let k = skip_ws(after_dest);
    // After `<destination>` a title needs no space before it (as pulldown-cmark reads it).
    let k = if k > after_dest || bytes.get(j) == Some(&b'<') {
        match link_title(text, k) {
            Some(after_title) => skip_ws(after_title),
            None => k,
        }
    } else {
        k
    };
    if bytes.get(k) == Some(&b')') {
        Ok((dest, k + 1))
    } else {
        Err(k - i + 1)
    }
}

/// An HTML open or closing tag at `i`: its end (scanned as pulldown-cmark scans it).
fn html_tag(text: &str, i: usize, budget: &mut usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let at = |j: usize| bytes.get(j).copied();
    let mut j = i + 1;
    let closing = at(j) == Some(b'/');
    if closing {
        j += 1;
    }
    if !at(j)?.is_ascii_alphabetic() {
        return None;
    }
    while at(j).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-') {
        j += 1;
    }
    let line_space = |j: &mut usize| {
        while at(*j).is_some_and(|b| matches!(b, b' ' | b'\t' | 0x0b | 0x0c)) {
            *j += 1;
        }
    };
    if !closing {
        loop {
            if *budget == 0 {
                return None;
            }
            *budget -= 1;
            let old = j;
            while at(j).is_some_and(is_html_space) {
                j += 1;
            }
            if matches!(at(j)?, b'/' | b'>') {
                break;
            }
            if old == j {
                return None;
            }
            // An attribute: name, then optionally `=` and a value.
            let c = at(j)?;
            if !(c.is_ascii_alphabetic() || c == b'_' || c == b':') {
                return None;
            }
            j += 1;
            while at(j).is_some_and(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-')
            }) {
                j += 1;
            }
            let after_name = j;
            let mut k = j;
            while at(k).is_some_and(is_html_space) {
                k += 1;
            }
            if at(k) != Some(b'=') {
                j = after_name;
                continue;
            }
            k += 1;
            while at(k).is_some_and(is_html_space) {
                k += 1;
            }
            match at(k)? {
                q @ (b'"' | b'\'') => {
                    let close = text[k + 1..].find(q as char)?;
                    *budget = budget.saturating_sub(close);
                    j = k + close + 2;
                }
                b' ' | b'=' | b'>' | b'<' | b'`' | b'\n' | b'\r' => return None,
                _ => {
                    j = k;
                    while at(j).is_some_and(|b| {
                        !matches!(
                            b,
                            b'\'' | b'"' | b' ' | b'=' | b'>' | b'<' | b'`' | b'\n' | b'\r'
                        )
                    }) {
                        j += 1;
                    }
                }
            }
        }
    }
    line_space(&mut j);
    if !closing && at(j) == Some(b'/') {
        j += 1;
    }
    (at(j) == Some(b'>')).then_some(j + 1)
}

/// Whitespace inside a tag, as pulldown-cmark reads it.
fn is_html_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn is_uri(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    (2..=32).contains(&scheme.len())
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&b))
        && !domain.is_empty()
        && domain.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

impl Inlines<'_, '_, '_> {
    fn unlink(&mut self, d: usize) {
        let (prev, next) = (self.delims[d].prev, self.delims[d].next);
        if prev != NONE {
            self.delims[prev].next = next;
        }
        if next != NONE {
            self.delims[next].prev = prev;
        } else {
            self.tail = prev;
        }
    }

    /// CommonMark's "process emphasis" over the delimiters after `bottom`.
    fn process_emphasis(&mut self, bottom: usize) {
        // Openers at or before these delimiters (by position) are out of reach; a bound stays
        // where it is when delimiters around it are removed, as in pulldown-cmark's stack.
        let mut openers_bottom = [[[bottom; 2]; 3]; 3];
        let first = |this: &Self| {
            // The first delimiter after `bottom`: walk back from the tail.
            let mut d = this.tail;
            let mut first = NONE;
            while d != NONE && d != bottom {
                first = d;
                d = this.delims[d].prev;
            }
            first
        };
        let mut current = first(self);
        while current != NONE {
            let c = &self.delims[current];
            if !c.can_close {
                current = c.next;
                continue;
            }
            let ch = c.ch;
            let ci = match ch {
                b'*' => 0,
                b'_' => 1,
                _ => 2,
            };
            // One bound for all tilde runs, as pulldown-cmark keeps it.
            let (slot, both) = if ch == b'~' {
                (0, 0)
            } else {
                (c.orig % 3, c.can_open as usize)
            };
            let ob = openers_bottom[ci][slot][both];
            let mut o = c.prev;
            let mut found = NONE;
            while o != NONE && o != bottom && (ob == NONE || o > ob) {
                let oe = &self.delims[o];
                if oe.ch == ch && oe.can_open {
                    let ok = if ch == b'~' {
                        oe.orig == c.orig
                    } else {
                        !((oe.can_close || c.can_open)
                            && (oe.orig + c.orig) % 3 == 0
                            && !(oe.orig % 3 == 0 && c.orig % 3 == 0))
                    };
                    if ok {
                        found = o;
                        break;
                    }
                }
                o = oe.prev;
            }
            if found == NONE {
                let (prev, next, can_open) = (c.prev, c.next, c.can_open);
                openers_bottom[ci][slot][both] = prev;
                if !can_open {
                    self.unlink(current);
                }
                current = next;
                continue;
            }
            let n = if ch == b'~' {
                c.count
            } else if c.count >= 2 && self.delims[found].count >= 2 {
                2
            } else {
                1
            };
            let kind = if ch == b'~' {
                DEL
            } else if n == 2 {
                STRONG
            } else {
                EM
            };
            let (otok, ctok) = (self.delims[found].tok, self.delims[current].tok);
            if let Tok::Delim { right, starts, .. } = &mut self.toks[otok] {
                *right += n;
                starts.push(kind);
            }
            if let Tok::Delim { left, ends, .. } = &mut self.toks[ctok] {
                *left += n;
                ends.push(kind);
            }
            self.delims[found].count -= n;
            self.delims[current].count -= n;
            // Delimiters between them are text now.
            self.delims[found].next = current;
            self.delims[current].prev = found;
            if self.delims[found].count == 0 {
                self.unlink(found);
            }
            if self.delims[current].count == 0 {
                let next = self.delims[current].next;
                self.unlink(current);
                current = next;
            }
        }
        // All delimiters after `bottom` are done.
        if bottom == NONE {
            self.tail = NONE;
        } else {
            self.delims[bottom].next = NONE;
            self.tail = bottom;
        }
    }
}

fn can_open(prev: Option<char>, next: Option<char>, delim: u8, run: usize) -> bool {
    let Some(next) = next else {
        return false;
    };
    if next.is_whitespace() {
        return false;
    }
    let Some(prev) = prev else {
        return true;
    };
    if delim == b'*' && !is_punctuation(next) {
        return true;
    }
    if delim == b'~' && run > 1 {
        return true;
    }
    if delim == b'~' && prev == '~' && !is_punctuation(next) {
        return true;
    }
    prev.is_whitespace() || is_punctuation(prev)
}

fn can_close(prev: Option<char>, next: Option<char>, delim: u8, run: usize) -> bool {
    let Some(prev) = prev else {
        return false;
    };
    if prev.is_whitespace() {
        return false;
    }
    let Some(next) = next else {
        return true;
    };
    if (delim == b'*' || (delim == b'~' && run > 1)) && !is_punctuation(prev) {
        return true;
    }
    if delim == b'~' && prev == '~' {
        return true;
    }
    next.is_whitespace() || is_punctuation(next)
}

/// Unicode punctuation and symbols (CommonMark's "punctuation character"), by block ranges
/// that cover what documents use rather than the full tables.
fn is_punctuation(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x80 {
        return (c as u8).is_ascii_punctuation();
    }
    match cp {
        0xA1..=0xBF => !matches!(
            cp,
            0xAA | 0xAD | 0xB2 | 0xB3 | 0xB5 | 0xB9 | 0xBA | 0xBC..=0xBE
        ),
        0xD7 | 0xF7 => true,
        0x37E | 0x387 | 0x55A..=0x55F | 0x589 | 0x58A | 0x5BE | 0x5C0 | 0x5C3 | 0x5C6 => true,
        0x5F3 | 0x5F4 | 0x60C | 0x60D | 0x61B | 0x61E | 0x61F | 0x66A..=0x66D | 0x6D4 => true,
        0x964 | 0x965 | 0x970 | 0xE4F | 0xE5A | 0xE5B => true,
        0x2010..=0x2027 | 0x2030..=0x205E => true,
        0x20A0..=0x20C0 => true,
        0x2116 | 0x2117 | 0x2120 | 0x2122 | 0x212E => true,
        0x2190..=0x245F | 0x2500..=0x2775 | 0x2794..=0x2BFF => true,
        0x2E00..=0x2E5D | 0x2E80..=0x2FFF | 0x31C0..=0x31EF => true,
        0x3200..=0x321E | 0x322A..=0x3247 | 0x3250 | 0x3260..=0x327F => true,
        0x328A..=0x32B0 | 0x32C0..=0x33FF => true,
        0x4DC0..=0x4DFF | 0xA490..=0xA4CF => true,
        0x3001..=0x3004 | 0x3008..=0x3020 | 0x3030 | 0x3036 | 0x3037 | 0x303D..=0x303F => true,
        0x30FB | 0xFE10..=0xFE19 | 0xFE30..=0xFE6B => true,
        0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 => true,
        0xFFE0..=0xFFEE => true,
        0x1F000..=0x1FAFF => !matches!(cp, 0x1F100..=0x1F10C | 0x1F3FB..=0x1F3FF),
        _ => false,
    }
}
