//! The consent UI's policy viewer, rendered ahead of time (by the CLI, when the site is
//! built): the tree as JSON stamped with the policy it shows, and the checks that let the
//! browser build a fetched one into the page only from the renderer's own tags and
//! attributes. With one, opening the viewer needs neither a fetched module nor the text.
//!
//! The tree is JsonML: an element is `["tag", {"attr": "value", …}, child, …]`, a text
//! node a string.

use super::html::{allowed_attr, allowed_tag, clip};
use super::tree::{self, Node, Options, Place};
use crate::policy::Policy;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

/// The format's version: a browser skips a rendering of another.
pub const SCHEMA: u32 = 1;

/// How the viewer renders a policy: inside a dialog whose own `<h2>` carries the title, so
/// no title and top-level sections one level below it.
pub fn options(lang: &str) -> Options {
    Options {
        title: false,
        heading_base: 2,
        ..Options::for_lang(lang)
    }
}

/// Which policy a rendering shows: the manifest's `policy.id` and `policy.version`, and the
/// name of the file rendered (the page may show another text than the manifest's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stamp {
    /// The policy's id.
    pub id: String,
    /// The policy's version.
    pub version: String,
    /// The file's name, without its directory (`privacy-policy.txt`).
    pub file: String,
}

/// The file name a URL or path ends with, without query or fragment.
pub fn file_name(path: &str) -> &str {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A rendering for the viewer, as the CLI writes it (`render --format view`).
#[derive(Debug, Serialize)]
pub struct Rendering {
    /// [`SCHEMA`].
    pub schema: u32,
    /// What it renders.
    pub policy: Stamp,
    /// The language it was rendered for (the contents' label); the UI uses it only in this
    /// language.
    pub lang: String,
    /// The policy's title, for the dialog's heading.
    pub title: String,
    /// The `<article>`.
    pub tree: Node,
}

impl Rendering {
    /// `policy` rendered as the viewer shows it in `lang`, stamped as `stamp`.
    pub fn new(policy: &Policy, stamp: Stamp, lang: &str) -> Rendering {
        Rendering {
            schema: SCHEMA,
            policy: stamp,
            lang: lang.to_string(),
            title: tree::visible(&policy.title, Place::Heading),
            tree: tree::policy(policy, &options(lang)),
        }
    }

    /// Whether a fetched rendering (its `schema`, `policy` and `lang`) is the viewer's for
    /// the policy `want` in the UI's language `ui_lang` (else the browser renders the text).
    pub fn fits(schema: u32, policy: &Stamp, lang: &str, want: &Stamp, ui_lang: &str) -> bool {
        schema == SCHEMA && policy == want && tree::toc_label(lang) == tree::toc_label(ui_lang)
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Text(text) => serializer.serialize_str(text),
            Node::Element {
                tag,
                attrs,
                children,
            } => {
                let mut seq = serializer.serialize_seq(Some(2 + children.len()))?;
                seq.serialize_element(tag)?;
                seq.serialize_element(&Attrs(attrs))?;
                for child in children {
                    seq.serialize_element(child)?;
                }
                seq.end()
            }
        }
    }
}

struct Attrs<'a>(&'a [(&'static str, String)]);

impl Serialize for Attrs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// A rendering read back from its JSON, every node checked.
#[derive(Debug)]
pub struct Fetched {
    /// Its format's version.
    pub schema: u32,
    /// What it renders.
    pub policy: Stamp,
    /// The language it was rendered for.
    pub lang: String,
    /// The policy's title.
    pub title: String,
    /// The `<article>`, built only of what [`checked_tag`], [`checked_attr`] and
    /// [`checked_text`] let through.
    pub tree: Node,
}

/// Reads a rendering made ahead (the JSON `render --format view` writes). Strict JSON, at
/// most [`MAX_DEPTH`] deep; every tag, attribute, link and text is checked as it is read,
/// and the first problem is the error. The browser parses it here rather than with
/// `JSON.parse`: one string into the module instead of a call per node and attribute.
pub fn parse(json: &str) -> Result<Fetched, String> {
    let mut reader = Reader { text: json, at: 0 };
    let value = reader.value(0)?;
    reader.space();
    if reader.at != json.len() {
        return Err(format!("unexpected text at byte {}", reader.at));
    }
    let Json::Object(fields) = value else {
        return Err("not a JSON object".into());
    };
    let mut schema = None;
    let (mut policy, mut lang, mut title, mut tree) = (None, None, None, None);
    for (name, value) in fields {
        match (name.as_str(), value) {
            ("schema", Json::Number(n)) => schema = Some(n),
            ("policy", Json::Object(stamp)) => policy = Some(stamp),
            ("lang", Json::String(s)) => lang = Some(s),
            ("title", Json::String(s)) => title = Some(s),
            ("tree", value) => tree = Some(value),
            _ => {}
        }
    }
    let mut stamp = Stamp {
        id: String::new(),
        version: String::new(),
        file: String::new(),
    };
    for (name, value) in policy.ok_or("no policy")? {
        if let Json::String(value) = value {
            match name.as_str() {
                "id" => stamp.id = value,
                "version" => stamp.version = value,
                "file" => stamp.file = value,
                _ => {}
            }
        }
    }
    Ok(Fetched {
        schema: schema.ok_or("no schema")?,
        policy: stamp,
        lang: lang.ok_or("no lang")?,
        title: checked_text(&title.ok_or("no title")?),
        tree: node(tree.ok_or("no tree")?, 0)?,
    })
}

/// A JSON value (numbers: whole ones only, all this format has).
enum Json {
    Literal,
    Number(u32),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

fn node(value: Json, depth: usize) -> Result<Node, String> {
    match value {
        Json::String(text) => Ok(Node::Text(checked_text(&text))),
        Json::Array(_) if depth > MAX_DEPTH => Err(format!("nested deeper than {MAX_DEPTH}")),
        Json::Array(parts) => {
            let mut parts = parts.into_iter();
            let Some(Json::String(tag)) = parts.next() else {
                return Err("an element without a tag".into());
            };
            let tag = checked_tag(&tag)?;
            let Some(Json::Object(given)) = parts.next() else {
                return Err(format!("<{tag}>: attributes are not an object"));
            };
            let mut attrs = Vec::with_capacity(given.len());
            for (name, value) in given {
                let Json::String(value) = value else {
                    return Err(format!("<{tag}>: an attribute value is not a string"));
                };
                attrs.push((checked_attr(&name, &value)?, value));
            }
            let children = parts
                .map(|child| node(child, depth + 1))
                .collect::<Result<_, _>>()?;
            Ok(Node::Element {
                tag,
                attrs,
                children,
            })
        }
        _ => Err("a node neither text nor an element".into()),
    }
}

/// A strict JSON reader over a string.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        self.space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn unexpected(&self) -> String {
        match self.text[self.at..].chars().next() {
            // Named by code point: Debug formatting of a char would bring in Unicode tables.
            Some(c) => format!("unexpected U+{:04X} at byte {}", u32::from(c), self.at),
            None => "unexpected end".into(),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        // The tree sits two levels down (the object, its `tree`); the reader's limit keeps
        // the recursion bounded whatever the input.
        if depth > MAX_DEPTH + 2 {
            return Err(format!("nested deeper than {MAX_DEPTH}"));
        }
        self.space();
        match self.peek() {
            Some(b'"') => self.string().map(Json::String),
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(self.unexpected()),
                    }
                }
            }
            Some(b'{') => {
                self.at += 1;
                let mut fields = Vec::new();
                self.space();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(Json::Object(fields));
                }
                loop {
                    self.space();
                    if self.peek() != Some(b'"') {
                        return Err(self.unexpected());
                    }
                    let name = self.string()?;
                    self.expect(b':')?;
                    fields.push((name, self.value(depth + 1)?));
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Object(fields));
                        }
                        _ => return Err(self.unexpected()),
                    }
                }
            }
            Some(b'0'..=b'9') => {
                let start = self.at;
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.at += 1;
                }
                if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
                    return Err(format!("a number other than a whole one at byte {start}"));
                }
                self.text[start..self.at]
                    .parse()
                    .map(Json::Number)
                    .map_err(|_| format!("a number too large at byte {start}"))
            }
            _ => {
                for word in ["true", "false", "null"] {
                    if self.text[self.at..].starts_with(word) {
                        self.at += word.len();
                        return Ok(Json::Literal);
                    }
                }
                Err(self.unexpected())
            }
        }
    }

    /// A string, after its opening quote is seen.
    fn string(&mut self) -> Result<String, String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            // Runs without a quote, a backslash or a control character are copied whole;
            // stopping only at ASCII bytes keeps every slice on a character boundary.
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.at += 1;
            }
            out.push_str(&self.text[start..self.at]);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escape = self.peek().ok_or("unexpected end")?;
                    self.at += 1;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return Err(format!("a bad escape at byte {}", self.at - 2)),
                    }
                }
                Some(_) => {
                    return Err(format!(
                        "a control character in a string at byte {}",
                        self.at
                    ));
                }
                None => return Err("an unterminated string".into()),
            }
        }
    }

    /// `\uXXXX` (after the `u`), a surrogate pair joined.
    fn unicode_escape(&mut self) -> Result<char, String> {
        let at = self.at - 2;
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if !self.text[self.at..].starts_with("\\u") {
                return Err(format!("a lone surrogate at byte {at}"));
            }
            self.at += 2;
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(format!("a lone surrogate at byte {at}"));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| format!("a lone surrogate at byte {at}"))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| format!("a bad \\u escape at byte {}", self.at))?;
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|e| e.to_string())
    }
}

/// The renderer's tag `name`; any other is refused (a fetched rendering cannot make a
/// `<script>`, an `<iframe>` or a form).
pub fn checked_tag(name: &str) -> Result<&'static str, String> {
    allowed_tag(name).ok_or_else(|| format!("tag not allowed: <{}>", clip(name)))
}

/// The renderer's attribute `name` with a `value` it could have given it (links only to
/// `http(s):`, `mailto:`, `tel:` or a fragment); no event handler, no style, no script URL.
pub fn checked_attr(name: &str, value: &str) -> Result<&'static str, String> {
    allowed_attr(name, value)
}

/// A text node's content as the viewer shows it: the bidi controls that could make text
/// display other characters than it holds are shown escaped, as the renderer does.
pub fn checked_text(text: &str) -> String {
    tree::visible(text, Place::Body)
}

/// The tree's depth limit for a fetched rendering: the renderer nests far less; deeper is
/// refused rather than recursed into.
pub const MAX_DEPTH: usize = 64;
