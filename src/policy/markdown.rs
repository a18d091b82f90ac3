//! Markdown policies: [`super::commonmark`] events → the policy model, with kramdown attribute
//! lines read as attributes and raw HTML (tables, `<br/>`, anchors) turned into model
//! content, never passed through.

use super::commonmark::{self, Event, Tag, TagEnd};
use super::inline_html::{self, Token};
use super::model::{self, Block, ListItem, Policy, Section, Span};
use super::text::heading_number;
use std::ops::Range;

/// Containers nest at most this deep; deeper lists and quotes continue in the innermost one,
/// so hostile nesting cannot exhaust the stack of the renderer or of serde.
const MAX_DEPTH: usize = 24;

/// Parses a Markdown policy (ids and digests are assigned by [`super::parse`]).
pub fn parse(source: &str) -> Policy {
    parse_with(source, commonmark::parse)
}

/// Builds the model from the events `parser` gives for the source with kramdown attribute
/// lists blanked out (what [`parse`] does with [`commonmark::parse`]; the differential
/// tests pass pulldown-cmark's events through here).
#[doc(hidden)]
pub fn parse_with(
    source: &str,
    parser: impl FnOnce(&str, &mut dyn FnMut(Event<'_>, Range<usize>)),
) -> Policy {
    let (clean, attributes) = strip_attribute_lists(source);
    let mut builder = Builder::new(attributes);
    parser(&clean, &mut |event, range| builder.event(event, range));
    builder.finish()
}

/// A kramdown inline attribute list (`{: #id datetime="…" }`) found in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AttributeList {
    /// Byte offset in the source.
    offset: usize,
    attrs: Vec<(String, String)>,
}

/// Blanks out kramdown attribute lists (`{: …}` on their own line or ending a line) and
/// extension tags (`{::…}`), keeping byte offsets, and returns them with their positions.
fn strip_attribute_lists(source: &str) -> (String, Vec<AttributeList>) {
    let mut clean = String::with_capacity(source.len());
    let mut found = Vec::new();
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_end();
        let start = if trimmed.ends_with('}') {
            crate::search::rfind(trimmed, "{:")
        } else {
            None
        };
        match start {
            Some(start) if !trimmed[start..].contains('\n') => {
                let inner = &trimmed[start + 2..trimmed.len() - 1];
                if !inner.starts_with(':') {
                    found.push(AttributeList {
                        offset: offset + start,
                        attrs: parse_attributes(inner),
                    });
                }
                clean.push_str(&body[..start]);
                clean.extend(std::iter::repeat_n(
                    ' ',
                    line.len() - start - (line.len() - body.len()),
                ));
                clean.push_str(&line[body.len()..]);
            }
            _ => clean.push_str(line),
        }
        offset += line.len();
    }
    (clean, found)
}

/// `#id .class key="value" key='v' key=v` → pairs; `#id` becomes `("id", id)`.
fn parse_attributes(inner: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let (item, after) = split_attribute(rest);
        rest = after.trim_start();
        if let Some(id) = item.strip_prefix('#') {
            attrs.push(("id".to_string(), id.to_string()));
        } else if let Some(class) = item.strip_prefix('.') {
            attrs.push(("class".to_string(), class.to_string()));
        } else if let Some((key, value)) = item.split_once('=') {
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            attrs.push((
                key.to_ascii_lowercase(),
                inline_html::decode_entities(value),
            ));
        }
    }
    attrs
}

/// One attribute item, honouring quotes: `key="a b"` is one item.
fn split_attribute(s: &str) -> (&str, &str) {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => return (&s[..i], &s[i..]),
            _ => {}
        }
    }
    (s, "")
}

enum Frame {
    List {
        ordered: bool,
        items: Vec<ListItem>,
    },
    Item(Vec<Block>),
    Quote(Vec<Block>),
    Table {
        head: Vec<Vec<Block>>,
        rows: Vec<Vec<Vec<Block>>>,
        row: Vec<Vec<Block>>,
        in_head: bool,
    },
    Cell(Vec<Block>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    List,
    Item,
    Quote,
    Table,
    Cell,
}

impl Frame {
    fn kind(&self) -> FrameKind {
        match self {
            Frame::List { .. } => FrameKind::List,
            Frame::Item(_) => FrameKind::Item,
            Frame::Quote(_) => FrameKind::Quote,
            Frame::Table { .. } => FrameKind::Table,
            Frame::Cell(_) => FrameKind::Cell,
        }
    }
}

#[derive(Default)]
struct Style {
    strong: u32,
    em: u32,
    del: u32,
    code: u32,
    links: Vec<Option<String>>,
}

struct Builder {
    policy: Policy,
    /// Heading ranks (1–6) of the open sections, outermost first.
    open: Vec<u8>,
    frames: Vec<Frame>,
    /// Container starts beyond [`MAX_DEPTH`] whose ends are still to come.
    suppressed: usize,
    spans: Vec<Span>,
    style: Style,
    /// A top-level heading being collected: its rank and explicit id.
    heading: Option<(u8, Option<String>)>,
    /// Headings inside lists, quotes and tables are shown as strong text.
    inner_headings: u32,
    code_block: Option<String>,
    html_block: String,
    /// Collapse whitespace as HTML does (while feeding an HTML block).
    html_text: bool,
    /// Anchors (`<a id>`) not yet attached to a section.
    anchors: Vec<String>,
    attributes: Vec<AttributeList>,
    next_attribute: usize,
    last_block_heading: bool,
    seen_heading: bool,
}

impl Builder {
    fn new(attributes: Vec<AttributeList>) -> Builder {
        Builder {
            policy: Policy {
                title: String::new(),
                effective: None,
                blocks: Vec::new(),
                sections: Vec::new(),
            },
            open: Vec::new(),
            frames: Vec::new(),
            suppressed: 0,
            spans: Vec::new(),
            style: Style::default(),
            heading: None,
            inner_headings: 0,
            code_block: None,
            html_block: String::new(),
            html_text: false,
            anchors: Vec::new(),
            attributes,
            next_attribute: 0,
            last_block_heading: false,
            seen_heading: false,
        }
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => {
                if is_block(&tag) {
                    // Attribute lines before this block belong to the block before it.
                    self.apply_attributes_before(range.start);
                }
                self.start(tag);
            }
            Event::End(tag) => {
                self.end(tag);
                // A suffix (`## Heading {: #id }`) applies to the heading just ended.
                if is_block_end(tag) {
                    self.apply_attributes_before(range.end);
                }
            }
            Event::Text(text) => self.text(text),
            Event::Code(text) => {
                self.style.code += 1;
                self.text(text);
                self.style.code -= 1;
            }
            Event::Html(html) => self.html_block.push_str(html),
            Event::InlineHtml(html) => self.html(html),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.line_break(),
            Event::Rule => self.flush(),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.flush(),
            Tag::Heading { level, id } => self.start_heading(level, id.map(str::to_string)),
            Tag::BlockQuote => self.push_frame(Frame::Quote(Vec::new())),
            Tag::CodeBlock => {
                self.flush();
                self.code_block = Some(String::new());
            }
            Tag::HtmlBlock => {
                self.flush();
                self.html_block.clear();
            }
            Tag::List(start) => self.push_frame(Frame::List {
                ordered: start.is_some(),
                items: Vec::new(),
            }),
            Tag::Item => self.push_frame(Frame::Item(Vec::new())),
            Tag::Table => self.push_frame(Frame::Table {
                head: Vec::new(),
                rows: Vec::new(),
                row: Vec::new(),
                in_head: false,
            }),
            Tag::TableHead => self.start_row(true),
            Tag::TableRow => self.start_row(false),
            Tag::TableCell => self.push_frame(Frame::Cell(Vec::new())),
            Tag::Emphasis => self.style.em += 1,
            Tag::Strong => self.style.strong += 1,
            Tag::Strikethrough => self.style.del += 1,
            Tag::Link { dest_url, .. } => self.style.links.push(Some(dest_url.to_string())),
            Tag::Image => self.style.links.push(None),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading => self.end_heading(),
            TagEnd::BlockQuote => self.pop_frame(FrameKind::Quote),
            TagEnd::CodeBlock => {
                if let Some(mut text) = self.code_block.take() {
                    while text.ends_with('\n') {
                        text.pop();
                    }
                    self.emit(Block::Code { text });
                }
            }
            TagEnd::HtmlBlock => {
                let html = std::mem::take(&mut self.html_block);
                self.html_text = true;
                self.html(&html);
                self.flush();
                self.html_text = false;
                self.style.links.clear();
            }
            TagEnd::List => self.pop_frame(FrameKind::List),
            TagEnd::Item => self.pop_frame(FrameKind::Item),
            TagEnd::Table => self.pop_frame(FrameKind::Table),
            TagEnd::TableHead | TagEnd::TableRow => self.end_row(),
            TagEnd::TableCell => self.pop_frame(FrameKind::Cell),
            TagEnd::Emphasis => self.style.em = self.style.em.saturating_sub(1),
            TagEnd::Strong => self.style.strong = self.style.strong.saturating_sub(1),
            TagEnd::Strikethrough => self.style.del = self.style.del.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => {
                self.style.links.pop();
            }
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(code) = &mut self.code_block {
            code.push_str(text);
            return;
        }
        let collapsed;
        let text = if self.html_text {
            collapsed = collapse_whitespace(
                text,
                self.spans
                    .last()
                    .is_none_or(|s| s.text.ends_with([' ', '\n'])),
            );
            collapsed.as_str()
        } else {
            text
        };
        if text.is_empty() {
            return;
        }
        let href = self.style.links.last().cloned().flatten();
        let (strong, em, code, del) = (
            self.style.strong > 0 || self.inner_headings > 0,
            self.style.em > 0,
            self.style.code > 0,
            self.style.del > 0,
        );
        if let Some(last) = self.spans.last_mut() {
            if last.strong == strong
                && last.em == em
                && last.code == code
                && last.del == del
                && last.href == href
            {
                last.text.push_str(text);
                return;
            }
        }
        self.spans.push(Span {
            text: text.to_string(),
            strong,
            em,
            code,
            del,
            href,
        });
    }

    fn line_break(&mut self) {
        let html_text = std::mem::replace(&mut self.html_text, false);
        if let Some(last) = self.spans.last_mut() {
            while last.text.ends_with(' ') {
                last.text.pop();
            }
        }
        self.text("\n");
        self.html_text = html_text;
    }

    /// Raw HTML: known tags become structure or style, the rest is dropped, text is kept.
    fn html(&mut self, html: &str) {
        for token in inline_html::tokenize(html) {
            match token {
                Token::Text(text) => self.text(&text),
                Token::Open { name, attrs } => self.html_open(&name, &attrs),
                Token::Close { name } => self.html_close(&name),
            }
        }
    }

    fn html_open(&mut self, name: &str, attrs: &[(String, String)]) {
        let attr = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        match name {
            "br" => self.line_break(),
            "p" | "div" | "section" | "article" | "header" | "footer" | "main" | "pre" | "hr" => {
                self.flush()
            }
            "strong" | "b" => self.style.strong += 1,
            "em" | "i" => self.style.em += 1,
            "del" | "s" | "strike" => self.style.del += 1,
            "code" | "kbd" | "samp" => self.style.code += 1,
            "a" => {
                if let Some(id) = attr("id").or_else(|| attr("name")) {
                    self.anchors.push(id);
                }
                self.style.links.push(attr("href"));
            }
            "ul" | "ol" => self.push_frame(Frame::List {
                ordered: name == "ol",
                items: Vec::new(),
            }),
            "li" => {
                if self.top() == Some(FrameKind::Item) {
                    self.pop_frame(FrameKind::Item);
                }
                self.push_frame(Frame::Item(Vec::new()));
            }
            "table" => self.push_frame(Frame::Table {
                head: Vec::new(),
                rows: Vec::new(),
                row: Vec::new(),
                in_head: false,
            }),
            "thead" | "tbody" | "tfoot" => {
                self.close_to(FrameKind::Table);
                if let Some(Frame::Table { in_head, .. }) = self.frames.last_mut() {
                    *in_head = name == "thead";
                }
            }
            "tr" => {
                self.close_to(FrameKind::Table);
                self.end_row();
            }
            "td" | "th" => {
                if self.top() == Some(FrameKind::Cell) {
                    self.pop_frame(FrameKind::Cell);
                }
                self.push_frame(Frame::Cell(Vec::new()));
            }
            "blockquote" => self.push_frame(Frame::Quote(Vec::new())),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name.as_bytes()[1] - b'0';
                self.start_heading(level, attr("id"));
            }
            _ => {}
        }
    }

    fn html_close(&mut self, name: &str) {
        match name {
            "p" | "div" | "section" | "article" | "header" | "footer" | "main" | "pre" => {
                self.flush()
            }
            "strong" | "b" => self.style.strong = self.style.strong.saturating_sub(1),
            "em" | "i" => self.style.em = self.style.em.saturating_sub(1),
            "del" | "s" | "strike" => self.style.del = self.style.del.saturating_sub(1),
            "code" | "kbd" | "samp" => self.style.code = self.style.code.saturating_sub(1),
            "a" => {
                self.style.links.pop();
            }
            "ul" | "ol" => self.close_frame(FrameKind::List),
            "li" => self.close_frame(FrameKind::Item),
            "td" | "th" => self.close_frame(FrameKind::Cell),
            "tr" => {
                self.close_to(FrameKind::Table);
                self.end_row();
            }
            "table" => self.close_frame(FrameKind::Table),
            "blockquote" => self.close_frame(FrameKind::Quote),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.end_heading(),
            _ => {}
        }
    }

    fn top(&self) -> Option<FrameKind> {
        self.frames.last().map(Frame::kind)
    }

    /// Closes frames down to (not including) the innermost `kind` frame, if there is one.
    fn close_to(&mut self, kind: FrameKind) {
        if let Some(i) = self.frames.iter().rposition(|f| f.kind() == kind) {
            while self.frames.len() > i + 1 {
                let top = self.top().unwrap_or(kind);
                self.pop_frame(top);
            }
        }
    }

    /// Closes the innermost `kind` frame and any frames left open inside it (HTML end tags
    /// are optional and often mismatched); an end tag with no such frame is ignored.
    fn close_frame(&mut self, kind: FrameKind) {
        if self.frames.iter().any(|f| f.kind() == kind) {
            self.close_to(kind);
            self.pop_frame(kind);
        }
    }

    fn push_frame(&mut self, frame: Frame) {
        self.flush();
        if self.frames.len() >= MAX_DEPTH || self.suppressed > 0 {
            self.suppressed += 1;
            return;
        }
        self.frames.push(frame);
    }

    fn pop_frame(&mut self, kind: FrameKind) {
        self.flush();
        if self.suppressed > 0 {
            self.suppressed -= 1;
            return;
        }
        if self.top() != Some(kind) {
            return;
        }
        let Some(frame) = self.frames.pop() else {
            return;
        };
        match frame {
            Frame::List { ordered, items } => {
                if !items.is_empty() {
                    self.emit(Block::List { ordered, items });
                }
            }
            Frame::Item(blocks) => match self.frames.last_mut() {
                Some(Frame::List { items, .. }) => items.push(ListItem {
                    marker: None,
                    blocks,
                }),
                _ => blocks.into_iter().for_each(|b| self.emit(b)),
            },
            Frame::Quote(blocks) => {
                if !blocks.is_empty() {
                    self.emit(Block::Quote { blocks });
                }
            }
            Frame::Table {
                mut head,
                mut rows,
                row,
                in_head,
            } => {
                if !row.is_empty() {
                    if in_head { head = row } else { rows.push(row) }
                }
                if !head.is_empty() || !rows.is_empty() {
                    self.emit(Block::Table { head, rows });
                }
            }
            Frame::Cell(blocks) => match self.frames.last_mut() {
                Some(Frame::Table { row, .. }) => row.push(blocks),
                _ => blocks.into_iter().for_each(|b| self.emit(b)),
            },
        }
    }

    fn start_row(&mut self, head: bool) {
        self.end_row();
        if let Some(Frame::Table { in_head, .. }) = self.frames.last_mut() {
            *in_head = head;
        }
    }

    /// Moves the row being built into the table's head or body.
    fn end_row(&mut self) {
        if let Some(Frame::Table {
            head,
            rows,
            row,
            in_head,
        }) = self.frames.last_mut()
        {
            if row.is_empty() {
                return;
            }
            let row = std::mem::take(row);
            if *in_head && head.is_empty() {
                *head = row;
            } else {
                rows.push(row);
            }
        }
    }

    /// Ends the paragraph being collected, if it has any text.
    fn flush(&mut self) {
        if self.heading.is_some() {
            return;
        }
        let mut spans = std::mem::take(&mut self.spans);
        trim_spans(&mut spans);
        if spans.is_empty() {
            return;
        }
        self.emit(Block::Paragraph { text: spans });
    }

    /// Adds a finished block to the innermost container, or to the open section.
    fn emit(&mut self, block: Block) {
        self.last_block_heading = false;
        if !self.open.is_empty() || !self.frames.is_empty() {
            let anchors = std::mem::take(&mut self.anchors);
            self.add_anchors(anchors);
        }
        match self.frames.last_mut() {
            Some(Frame::Item(blocks) | Frame::Quote(blocks) | Frame::Cell(blocks)) => {
                blocks.push(block)
            }
            Some(Frame::List { items, .. }) => items.push(ListItem {
                marker: None,
                blocks: vec![block],
            }),
            Some(Frame::Table { rows, .. }) => rows.push(vec![vec![block]]),
            None => self.policy.content_at(self.open.len()).push(block),
        }
    }

    fn start_heading(&mut self, level: u8, id: Option<String>) {
        self.flush();
        if !self.frames.is_empty() || self.heading.is_some() {
            self.inner_headings += 1;
            return;
        }
        self.heading = Some((level, id));
    }

    fn end_heading(&mut self) {
        let Some((level, id)) = self.heading.take() else {
            if self.inner_headings > 0 {
                self.inner_headings -= 1;
                self.flush();
            }
            return;
        };
        let mut spans = std::mem::take(&mut self.spans);
        trim_spans(&mut spans);
        let text = model::spans_text(&spans).replace('\n', " ");
        self.add_section(level, text, id);
    }

    fn add_section(&mut self, level: u8, text: String, id: Option<String>) {
        let first_heading = !self.seen_heading;
        self.seen_heading = true;
        // The title is the first heading when it is an `#` heading that nothing precedes
        // (a title after content would reorder the text).
        if first_heading && level == 1 && self.policy.blocks.is_empty() && !text.is_empty() {
            self.policy.title = text;
            self.last_block_heading = false;
            return;
        }
        while self.open.last().is_some_and(|&open| open >= level) {
            self.open.pop();
        }
        let (number, heading) = match heading_number(&text) {
            Some((number, rest)) => (Some(number.to_string()), rest.to_string()),
            None => (None, text),
        };
        let mut section = Section {
            id: String::new(),
            number,
            heading,
            level: u8::try_from(self.open.len() + 1).unwrap_or(u8::MAX),
            // Anchors met before any section waited unchecked; only URL-safe ones are kept,
            // as everywhere else.
            anchors: std::mem::take(&mut self.anchors)
                .into_iter()
                .filter(|a| model::is_safe_id(a))
                .collect(),
            digest: String::new(),
            blocks: Vec::new(),
            sections: Vec::new(),
            tail: Vec::new(),
        };
        if let Some(id) = id {
            set_id(&mut section, id);
        }
        self.policy.push_section_at(self.open.len(), section);
        self.open.push(level);
        self.last_block_heading = true;
    }

    fn add_anchors(&mut self, anchors: Vec<String>) {
        if anchors.is_empty() {
            return;
        }
        match self.current_section() {
            Some(section) => section
                .anchors
                .extend(anchors.into_iter().filter(|a| model::is_safe_id(a))),
            None => self.anchors.extend(anchors),
        }
    }

    fn current_section(&mut self) -> Option<&mut Section> {
        let mut section = self.policy.sections.last_mut()?;
        for _ in 1..self.open.len() {
            section = section.sections.last_mut()?;
        }
        (!self.open.is_empty()).then_some(section)
    }

    /// Applies attribute lists that start before `offset` to the block that precedes them.
    fn apply_attributes_before(&mut self, offset: usize) {
        while let Some(list) = self.attributes.get(self.next_attribute) {
            if list.offset >= offset {
                break;
            }
            let attrs = list.attrs.clone();
            self.next_attribute += 1;
            self.apply_attributes(attrs);
        }
    }

    fn apply_attributes(&mut self, attrs: Vec<(String, String)>) {
        for (key, value) in attrs {
            match key.as_str() {
                "id" if self.last_block_heading => {
                    if let Some(section) = self.current_section() {
                        set_id(section, value);
                    }
                }
                "id" => self.add_anchors(vec![value]),
                "datetime" if self.open.is_empty() && self.policy.effective.is_none() => {
                    self.policy.effective = Some(value);
                }
                _ => {}
            }
        }
    }

    fn finish(mut self) -> Policy {
        if self.heading.is_some() {
            self.end_heading();
        }
        self.flush();
        while let Some(kind) = self.top() {
            self.suppressed = 0;
            self.pop_frame(kind);
        }
        self.apply_attributes_before(usize::MAX);
        let anchors = std::mem::take(&mut self.anchors);
        if let Some(section) = self.current_section() {
            section
                .anchors
                .extend(anchors.into_iter().filter(|a| model::is_safe_id(a)));
        }
        self.policy
    }
}

/// An explicit id becomes the section's id when it is URL-safe; otherwise it is dropped
/// and the section gets a generated id.
fn set_id(section: &mut Section, id: String) {
    if model::is_safe_id(&id) {
        if !section.id.is_empty() && section.id != id {
            let previous = std::mem::take(&mut section.id);
            section.anchors.push(previous);
        }
        section.id = id;
    }
}

fn is_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote
            | Tag::CodeBlock
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Table
    )
}

fn is_block_end(tag: TagEnd) -> bool {
    matches!(tag, TagEnd::Heading)
}

/// HTML whitespace: runs of whitespace become one space; none at the start of a line.
fn collapse_whitespace(text: &str, at_line_start: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_ascii_whitespace() {
            space = true;
        } else {
            if space && !(out.is_empty() && at_line_start) {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space && !(out.is_empty() && at_line_start) {
        out.push(' ');
    }
    out
}

/// Removes leading and trailing whitespace of a paragraph and spans left empty.
fn trim_spans(spans: &mut Vec<Span>) {
    // Blank leading spans go in one drain: removing them one at a time from the front
    // is quadratic on a paragraph of thousands of blank styled spans (`` ` ` ` ` ``…).
    let blank = spans
        .iter()
        .take_while(|s| s.text.trim_start().is_empty())
        .count();
    spans.drain(..blank);
    if let Some(first) = spans.first_mut() {
        let trimmed = first.text.trim_start().len();
        first.text.drain(..first.text.len() - trimmed);
    }
    while let Some(last) = spans.last_mut() {
        let keep = last.text.trim_end().len();
        last.text.truncate(keep);
        if last.text.is_empty() {
            spans.pop();
        } else {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_lists_are_blanked_and_read() {
        let (clean, found) =
            strip_attribute_lists("Effective\n{: datetime=\"2026-05-04\" }\n## H {: #h-id }\n");
        assert_eq!(
            clean.len(),
            "Effective\n{: datetime=\"2026-05-04\" }\n## H {: #h-id }\n".len()
        );
        assert!(!clean.contains('{'));
        assert_eq!(
            found[0].attrs,
            vec![("datetime".to_string(), "2026-05-04".to_string())]
        );
        assert_eq!(found[1].attrs, vec![("id".to_string(), "h-id".to_string())]);
    }

    #[test]
    fn headings_sections_and_attributes() {
        let policy = parse(
            "# Title\n\nEffective May 4\n{: datetime=\"2026-05-04\" }\n\n## One\n\nText.\n{: #para }\n\n### Sub {: #sub-id }\n\nMore.\n\n## 2. Two\n",
        );
        assert_eq!(policy.title, "Title");
        assert_eq!(policy.effective.as_deref(), Some("2026-05-04"));
        assert_eq!(policy.blocks, vec![Block::paragraph("Effective May 4")]);
        assert_eq!(policy.sections[0].heading, "One");
        assert_eq!(policy.sections[0].anchors, vec!["para".to_string()]);
        assert_eq!(policy.sections[0].sections[0].id, "sub-id");
        assert_eq!(policy.sections[1].number.as_deref(), Some("2"));
        assert_eq!(policy.sections[1].heading, "Two");
    }

    #[test]
    fn html_tables_become_tables() {
        let policy = parse(
            "# T\n\n## S\n\n<table>\n<thead><tr><th>A</th><th>B</th></tr></thead>\n<tbody><tr><td><a id=\"x\"></a>One</td><td><ul><li>i</li><li>j</li></ul></td></tr></tbody>\n</table>\n",
        );
        let Block::Table { head, rows } = &policy.sections[0].blocks[0] else {
            panic!("{policy:#?}");
        };
        assert_eq!(head.len(), 2);
        assert_eq!(rows[0][0], vec![Block::paragraph("One")]);
        assert!(matches!(&rows[0][1][0], Block::List { items, .. } if items.len() == 2));
        assert_eq!(policy.sections[0].anchors, vec!["x".to_string()]);
    }

    #[test]
    fn raw_html_never_survives_as_markup() {
        let policy = parse(
            "# T\n\n<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> there<br/>next\n",
        );
        let text = policy.text_strings().join("|");
        assert!(text.contains("alert(1)"), "{text}");
        assert!(!text.contains('<'), "{text}");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let source = ">".repeat(10_000) + " deep";
        let policy = parse(&source);
        assert!(policy.text_strings().contains(&"deep"));
    }
}
