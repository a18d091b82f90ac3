//! The rendered policy as a tree of elements and text: the one place that decides markup.
//!
//! Element names and attribute names are `&'static str` chosen here, never taken from the
//! input; attribute values that come from the input are ids the model made URL-safe and
//! link targets that passed [`safe_href`]. Serialising ([`super::html`]) or building DOM
//! nodes from this tree therefore cannot produce markup the input asked for.

use crate::hash::HashMap;
use crate::policy::model::{Block, ListItem, Policy, Section, Span};

/// A rendered node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element with attributes and children.
    Element {
        /// Tag name (from this module only).
        tag: &'static str,
        /// Attributes: names from this module only, values escaped when serialised.
        attrs: Vec<(&'static str, String)>,
        /// Children.
        children: Vec<Node>,
    },
    /// Text, escaped when serialised.
    Text(String),
}

/// How a section changed, for marking it in the rendered policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeMark {
    /// `cosmetic`, `minor` or `material` (shown as `data-pc-change`).
    pub level: String,
    /// Human label shown next to the heading, e.g. "Changed".
    pub label: String,
}

/// Rendering options.
///
/// # Defaults
/// A table of contents labelled "Contents", three levels deep, nothing marked as changed.
#[derive(Debug, Clone)]
pub struct Options {
    /// Render a table of contents.
    pub toc: bool,
    /// Label of the table of contents (its `aria-label` and heading).
    pub toc_label: String,
    /// Section levels listed in the table of contents.
    pub toc_depth: u8,
    /// Sections to mark as changed, by id.
    pub changed: HashMap<String, ChangeMark>,
    /// Show the policy's title (as a heading of level `heading_base`).
    pub title: bool,
    /// The heading level of the title (1 = `<h1>`); top-level sections are one below. A
    /// viewer inside a dialog titled with `<h2>` uses 2 and hides the title, so the
    /// outline has no gaps.
    pub heading_base: u8,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            toc: true,
            toc_label: "Contents".to_string(),
            toc_depth: 3,
            changed: HashMap::default(),
            title: true,
            heading_base: 1,
        }
    }
}

impl Options {
    /// Defaults with the table-of-contents label in `lang` (`zh*` → 目录, else English).
    pub fn for_lang(lang: &str) -> Options {
        Options {
            toc_label: toc_label(lang).to_string(),
            ..Options::default()
        }
    }
}

/// The table of contents' label in `lang`: `zh*` → 目录, else "Contents".
pub fn toc_label(lang: &str) -> &'static str {
    if lang.to_ascii_lowercase().starts_with("zh") {
        "目录"
    } else {
        "Contents"
    }
}

fn element(tag: &'static str, attrs: Vec<(&'static str, String)>, children: Vec<Node>) -> Node {
    Node::Element {
        tag,
        attrs,
        children,
    }
}

fn class(name: &str) -> Vec<(&'static str, String)> {
    vec![("class", name.to_string())]
}

/// Where text from the policy is shown, which decides the bidi controls it may keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A title, heading, number or table-of-contents entry: every embedding, override and
    /// isolate (U+202A–U+202E, U+2066–U+2069) is shown escaped, so a heading cannot appear
    /// reversed or reordered.
    Heading,
    /// Body text (paragraphs, items, cells, code, diffs): embeddings and overrides
    /// (U+202A–U+202E) are shown escaped, since they can make a sentence display other
    /// characters than it holds; isolates (U+2066–U+2069) are kept, being the well-behaved
    /// way right-to-left text embeds a left-to-right name (they cannot reverse a run).
    Body,
}

/// Whether `c` is a bidi control that [`visible`] shows escaped in `place`.
pub fn is_hidden_control(c: char, place: Place) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}')
        || (place == Place::Heading && matches!(c, '\u{2066}'..='\u{2069}'))
}

/// `text` with the bidi controls that could make it display differently from what it says
/// replaced by a visible `⟨U+202E⟩`. Zero-width joiners and non-joiners (U+200C, U+200D) are
/// kept: emoji sequences and Indic scripts need them. The model keeps the text as written
/// (digests, comparisons and the JSON model see the real characters); only what people see
/// is escaped, here, so the HTML string and the DOM built from the tree agree.
///
/// # Examples
/// ```
/// use policy_consent::render::tree::{visible, Place};
/// assert_eq!(visible("Fees \u{202E}0001\u{202C}", Place::Body), "Fees ⟨U+202E⟩0001⟨U+202C⟩");
/// assert_eq!(visible("\u{2067}Rights\u{2069}", Place::Heading), "⟨U+2067⟩Rights⟨U+2069⟩");
/// assert_eq!(visible("\u{2067}Rights\u{2069}", Place::Body), "\u{2067}Rights\u{2069}");
/// assert_eq!(visible("👩\u{200D}👩", Place::Heading), "👩\u{200D}👩");
/// ```
pub fn visible(text: &str, place: Place) -> String {
    // Every control is encoded as E2 80 xx or E2 81 xx: only the characters starting with
    // 0xE2 (curly quotes and dashes too) are decoded, and the runs between copied whole.
    let mut out = String::new();
    let mut start = 0;
    for (i, &byte) in text.as_bytes().iter().enumerate() {
        if byte != 0xE2 {
            continue;
        }
        // 0xE2 is a lead byte, so `i` is a char boundary.
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if is_hidden_control(c, place) {
            out.reserve(text.len() + 16);
            out.push_str(&text[start..i]);
            out.push_str(&format!("⟨U+{:04X}⟩", c as u32));
            start = i + c.len_utf8();
        }
    }
    if start == 0 {
        return text.to_string();
    }
    out.push_str(&text[start..]);
    out
}

/// A text node of policy text shown in `place` (see [`visible`]).
fn text(s: &str, place: Place) -> Node {
    Node::Text(visible(s, place))
}

/// The whole policy: `<article>` with title, preamble, table of contents and sections.
pub fn policy(policy: &Policy, options: &Options) -> Node {
    element(
        "article",
        class(ARTICLE_CLASS),
        policy_children(policy, options).collect(),
    )
}

/// The class of the `<article>` that [`policy`] returns.
pub(crate) const ARTICLE_CLASS: &str = "pc-policy";

/// The children of [`policy`]'s `<article>`, built one at a time (title, preamble, table of
/// contents, then each top-level section), so that a serialiser can write each and drop it
/// instead of holding the tree of a whole long policy.
pub fn policy_children<'a>(
    policy: &'a Policy,
    options: &'a Options,
) -> impl Iterator<Item = Node> + 'a {
    let title = (options.title && !policy.title.is_empty()).then(|| {
        element(
            heading_tag(options.heading_base),
            class("pc-title"),
            vec![text(&policy.title, Place::Heading)],
        )
    });
    let toc = (options.toc && !policy.sections.is_empty()).then(|| toc(policy, options));
    title
        .into_iter()
        .chain(policy.blocks.iter().map(block))
        .chain(toc)
        .chain(policy.sections.iter().map(|s| section(s, options)))
}

/// `<h1>` … `<h6>` for a level (clamped).
fn heading_tag(level: u8) -> &'static str {
    match level {
        0 | 1 => "h1",
        2 => "h2",
        3 => "h3",
        4 => "h4",
        5 => "h5",
        _ => "h6",
    }
}

/// `1.2.1 Heading`, `I. Heading`, or the heading alone, as shown to people (bidi controls
/// escaped, see [`visible`]).
pub fn section_title(section: &Section) -> String {
    let title = match (&section.number, section.heading.is_empty()) {
        (Some(number), true) => display_number(number),
        (Some(number), false) => format!("{} {}", display_number(number), section.heading),
        (None, _) => section.heading.clone(),
    };
    visible(&title, Place::Heading)
}

/// A single-component number is shown with its dot (`I.`, `3.`), a dotted one as is.
fn display_number(number: &str) -> String {
    if crate::search::contains_char(number, '.') || number.ends_with('、') {
        number.to_string()
    } else if number
        .chars()
        .all(|c| crate::search::contains_char("一二三四五六七八九十百零〇", c))
    {
        format!("{number}、")
    } else {
        format!("{number}.")
    }
}

fn toc(policy: &Policy, options: &Options) -> Node {
    fn entries(sections: &[Section], depth: u8, options: &Options) -> Node {
        let items = sections
            .iter()
            .map(|s| {
                let mut children = vec![element(
                    "a",
                    vec![("href", format!("#{}", s.id))],
                    vec![Node::Text(section_title(s))],
                )];
                if depth < options.toc_depth && !s.sections.is_empty() {
                    children.push(entries(&s.sections, depth + 1, options));
                }
                element("li", Vec::new(), children)
            })
            .collect();
        element("ol", Vec::new(), items)
    }
    element(
        "nav",
        vec![
            ("class", "pc-toc".to_string()),
            ("aria-label", options.toc_label.clone()),
        ],
        vec![
            element(
                heading_tag(options.heading_base + 1),
                class("pc-toc-title"),
                vec![text(&options.toc_label, Place::Heading)],
            ),
            entries(&policy.sections, 1, options),
        ],
    )
}

fn section(s: &Section, options: &Options) -> Node {
    let heading_tag = heading_tag(options.heading_base.saturating_add(s.level.max(1)));
    let mut heading = Vec::new();
    if let Some(number) = &s.number {
        heading.push(element(
            "span",
            class("pc-num"),
            vec![text(&display_number(number), Place::Heading)],
        ));
        if !s.heading.is_empty() {
            heading.push(Node::Text(" ".to_string()));
        }
    }
    heading.push(text(&s.heading, Place::Heading));
    let mut attrs = vec![("id", s.id.clone()), ("class", "pc-section".to_string())];
    if let Some(mark) = options.changed.get(&s.id) {
        attrs[1].1.push_str(" pc-changed");
        attrs.push(("data-pc-change", mark.level.clone()));
        heading.push(Node::Text(" ".to_string()));
        heading.push(element(
            "span",
            class("pc-change-label"),
            vec![text(&mark.label, Place::Heading)],
        ));
    }
    let mut children = Vec::new();
    for anchor in &s.anchors {
        children.push(element("span", vec![("id", anchor.clone())], Vec::new()));
    }
    children.push(element(heading_tag, Vec::new(), heading));
    blocks(&s.blocks, &mut children);
    for sub in &s.sections {
        children.push(section(sub, options));
    }
    blocks(&s.tail, &mut children);
    element("section", attrs, children)
}

fn blocks(blocks: &[Block], out: &mut Vec<Node>) {
    for b in blocks {
        out.push(block(b));
    }
}

fn block(b: &Block) -> Node {
    match b {
        Block::Paragraph { text } => element("p", Vec::new(), spans(text)),
        Block::List { ordered, items } => {
            let marked = items.iter().any(|i| i.marker.is_some());
            let tag = if *ordered { "ol" } else { "ul" };
            let attrs = if marked {
                class("pc-marked")
            } else {
                Vec::new()
            };
            element(tag, attrs, items.iter().map(list_item).collect())
        }
        Block::Table { head, rows } => {
            let mut table = Vec::new();
            if !head.is_empty() {
                let cells = head.iter().map(|c| cell("th", c)).collect();
                table.push(element(
                    "thead",
                    Vec::new(),
                    vec![element("tr", Vec::new(), cells)],
                ));
            }
            let body = rows
                .iter()
                .map(|row| {
                    element(
                        "tr",
                        Vec::new(),
                        row.iter().map(|c| cell("td", c)).collect(),
                    )
                })
                .collect();
            table.push(element("tbody", Vec::new(), body));
            // The wrapper scrolls sideways on a narrow phone instead of the whole page.
            element(
                "div",
                class("pc-table"),
                vec![element("table", Vec::new(), table)],
            )
        }
        Block::Quote { blocks: inner } => {
            let mut children = Vec::new();
            blocks(inner, &mut children);
            element("blockquote", Vec::new(), children)
        }
        Block::Code { text: code } => element(
            "pre",
            Vec::new(),
            vec![element("code", Vec::new(), vec![text(code, Place::Body)])],
        ),
    }
}

/// A list item or table cell shows the text of its first paragraph directly, not in a `<p>`.
fn compact(content: &[Block]) -> Vec<Node> {
    let mut children = Vec::new();
    let rest = match content {
        [Block::Paragraph { text }, rest @ ..] => {
            children.extend(spans(text));
            rest
        }
        _ => content,
    };
    blocks(rest, &mut children);
    children
}

fn list_item(item: &ListItem) -> Node {
    match &item.marker {
        // The source's own marker (`(1)`, `5.1`) replaces the list's numbering; the item
        // text hangs beside it.
        Some(marker) => element(
            "li",
            Vec::new(),
            vec![
                element("span", class("pc-marker"), vec![text(marker, Place::Body)]),
                Node::Text(" ".to_string()),
                element("div", class("pc-item"), compact(&item.blocks)),
            ],
        ),
        None => element("li", Vec::new(), compact(&item.blocks)),
    }
}

fn cell(tag: &'static str, content: &[Block]) -> Node {
    element(tag, Vec::new(), compact(content))
}

fn spans(spans: &[Span]) -> Vec<Node> {
    match spans {
        [one] => span(one),
        _ => spans.iter().flat_map(span).collect(),
    }
}

fn span(s: &Span) -> Vec<Node> {
    let mut nodes = Vec::new();
    for (i, line) in s.text.split('\n').enumerate() {
        if i > 0 {
            nodes.push(element("br", Vec::new(), Vec::new()));
        }
        if !line.is_empty() {
            nodes.push(text(line, Place::Body));
        }
    }
    let styles: [(bool, &'static str); 4] = [
        (s.code, "code"),
        (s.del, "del"),
        (s.em, "em"),
        (s.strong, "strong"),
    ];
    for (on, tag) in styles {
        if on {
            nodes = vec![element(tag, Vec::new(), nodes)];
        }
    }
    if let Some(href) = s.href.as_deref().and_then(safe_href) {
        let mut attrs = vec![("href", href.to_string())];
        if !href.starts_with('#') {
            attrs.push(("rel", "noopener noreferrer".to_string()));
        }
        nodes = vec![element("a", attrs, nodes)];
    }
    nodes
}

/// A link target that is safe to follow: `http:`, `https:`, `mailto:`, `tel:` or a
/// `#fragment`, with the control characters and whitespace browsers ignore removed first
/// (so `java\tscript:` cannot pass as something else) and invisible characters (zero-width,
/// bidi controls: [`is_invisible`](crate::policy::model::is_invisible)) percent-encoded, so
/// the address a browser shows is the address followed. Anything else is dropped.
///
/// # Examples
/// ```
/// use policy_consent::render::tree::safe_href;
/// assert_eq!(safe_href(" https://example.com/a b").as_deref(), Some("https://example.com/ab"));
/// assert_eq!(safe_href("#s-2"), Some("#s-2".into()));
/// assert_eq!(safe_href("java\tscript:alert(1)"), None);
/// assert_eq!(safe_href("java\u{200B}script:alert(1)"), None);
/// assert_eq!(safe_href("https://a.example/\u{202E}fdp.exe").as_deref(), Some("https://a.example/%E2%80%AEfdp.exe"));
/// assert_eq!(safe_href("/relative"), None);
/// ```
pub fn safe_href(href: &str) -> Option<String> {
    // Printable ASCII, what nearly every link is, has nothing to remove or encode.
    let cleaned = if href.bytes().all(|b| b.is_ascii_graphic()) {
        href.to_string()
    } else {
        let mut cleaned = String::with_capacity(href.len());
        for c in href.chars() {
            if c.is_whitespace() || c.is_control() {
                continue;
            }
            if crate::policy::model::is_invisible(c) {
                for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                    cleaned.push_str(&format!("%{byte:02X}"));
                }
            } else {
                cleaned.push(c);
            }
        }
        cleaned
    };
    (has_safe_scheme(&cleaned) && cleaned.len() > 1).then_some(cleaned)
}

/// Whether a link goes only where a browser runs nothing: `http(s):`, `mailto:`, `tel:` or
/// a fragment (any case). The one rule for links the renderer makes and the ones it accepts.
pub fn has_safe_scheme(href: &str) -> bool {
    ["http://", "https://", "mailto:", "tel:", "#"]
        .iter()
        .any(|scheme| {
            href.as_bytes()
                .get(..scheme.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(scheme.as_bytes()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_display_with_their_dot() {
        assert_eq!(display_number("I"), "I.");
        assert_eq!(display_number("3"), "3.");
        assert_eq!(display_number("1.2.1"), "1.2.1");
        assert_eq!(display_number("一"), "一、");
    }

    #[test]
    fn unsafe_links_keep_their_text() {
        let nodes = span(&Span {
            text: "click".into(),
            href: Some("javascript:alert(1)".into()),
            ..Span::default()
        });
        assert_eq!(nodes, vec![Node::Text("click".into())]);
    }
}
