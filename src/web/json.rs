//! The full module's results as JSON text, which the JS side turns into plain objects with
//! the browser's own `JSON.parse`: the policy model, a comparison, an assessment, and a
//! rendered tree (JsonML, as `render --format view` writes it) for the DOM builder.
//!
//! Written by hand rather than with serde because serde's serializer, monomorphised for
//! these types and for the JS boundary, was 6 KB of the full module's gzip. The text is
//! exactly what `serde_json::to_string` makes of the same values (the derives stay the
//! single description of the shape; a test holds the two together on every fixture).

use crate::consent::Assessment;
use crate::policy::{Block, ListItem, Policy, Section, Span};
use crate::render::tree::Node;
use crate::revision::{Change, DiffPart, Level, Op, Revision, SectionChange};

/// A value that can be written as JSON.
pub trait ToJson {
    /// Appends the value's JSON text to `out`.
    fn write(&self, out: &mut String);
}

/// The value as JSON text.
pub fn to_json<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write(&mut out);
    out
}

/// Writes a JSON object field by field: `"key":value`, comma-separated.
struct Object<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Object<'a> {
    fn new(out: &'a mut String) -> Self {
        out.push('{');
        Object { out, first: true }
    }

    fn field<T: ToJson + ?Sized>(mut self, key: &str, value: &T) -> Self {
        if !std::mem::take(&mut self.first) {
            self.out.push(',');
        }
        key.write(self.out);
        self.out.push(':');
        value.write(self.out);
        self
    }

    /// A field left out when `skip` (serde's `skip_serializing_if`).
    fn field_unless<T: ToJson + ?Sized>(self, skip: bool, key: &str, value: &T) -> Self {
        if skip { self } else { self.field(key, value) }
    }

    fn end(self) {
        self.out.push('}');
    }
}

impl ToJson for str {
    /// A JSON string, escaped as serde_json does: `"` and `\`, and control characters as
    /// `\b \t \n \f \r` or `\u00XX`.
    fn write(&self, out: &mut String) {
        out.push('"');
        let mut start = 0;
        for (i, byte) in self.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\x08' => "\\b",
                b'\t' => "\\t",
                b'\n' => "\\n",
                b'\x0c' => "\\f",
                b'\r' => "\\r",
                0..0x20 => "",
                _ => continue,
            };
            out.push_str(&self[start..i]);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xf)]));
            } else {
                out.push_str(escape);
            }
            start = i + 1;
        }
        out.push_str(&self[start..]);
        out.push('"');
    }
}

impl ToJson for String {
    fn write(&self, out: &mut String) {
        self.as_str().write(out);
    }
}

impl ToJson for bool {
    fn write(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl ToJson for u8 {
    fn write(&self, out: &mut String) {
        let n = *self;
        if n >= 100 {
            out.push(char::from(b'0' + n / 100));
        }
        if n >= 10 {
            out.push(char::from(b'0' + n / 10 % 10));
        }
        out.push(char::from(b'0' + n % 10));
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write(&self, out: &mut String) {
        match self {
            Some(value) => value.write(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write(out);
        }
        out.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write(&self, out: &mut String) {
        self.as_slice().write(out);
    }
}

impl ToJson for Policy {
    fn write(&self, out: &mut String) {
        Object::new(out)
            .field("title", &self.title)
            .field_unless(self.effective.is_none(), "effective", &self.effective)
            .field_unless(self.blocks.is_empty(), "blocks", &self.blocks)
            .field("sections", &self.sections)
            .end();
    }
}

impl ToJson for Section {
    fn write(&self, out: &mut String) {
        Object::new(out)
            .field("id", &self.id)
            .field_unless(self.number.is_none(), "number", &self.number)
            .field("heading", &self.heading)
            .field("level", &self.level)
            .field_unless(self.anchors.is_empty(), "anchors", &self.anchors)
            .field("digest", &self.digest)
            .field_unless(self.blocks.is_empty(), "blocks", &self.blocks)
            .field_unless(self.sections.is_empty(), "sections", &self.sections)
            .field_unless(self.tail.is_empty(), "tail", &self.tail)
            .end();
    }
}

impl ToJson for Block {
    fn write(&self, out: &mut String) {
        let object = Object::new(out);
        match self {
            Block::Paragraph { text } => object.field("type", "paragraph").field("text", text),
            Block::List { ordered, items } => object
                .field("type", "list")
                .field("ordered", ordered)
                .field("items", items),
            Block::Table { head, rows } => object
                .field("type", "table")
                .field_unless(head.is_empty(), "head", head)
                .field("rows", rows),
            Block::Quote { blocks } => object.field("type", "quote").field("blocks", blocks),
            Block::Code { text } => object.field("type", "code").field("text", text),
        }
        .end();
    }
}

impl ToJson for ListItem {
    fn write(&self, out: &mut String) {
        Object::new(out)
            .field_unless(self.marker.is_none(), "marker", &self.marker)
            .field("blocks", &self.blocks)
            .end();
    }
}

impl ToJson for Span {
    fn write(&self, out: &mut String) {
        Object::new(out)
            .field("text", &self.text)
            .field_unless(!self.strong, "strong", &self.strong)
            .field_unless(!self.em, "em", &self.em)
            .field_unless(!self.code, "code", &self.code)
            .field_unless(!self.del, "del", &self.del)
            .field_unless(self.href.is_none(), "href", &self.href)
            .end();
    }
}

impl ToJson for Level {
    fn write(&self, out: &mut String) {
        self.as_str().write(out);
    }
}

impl ToJson for Change {
    fn write(&self, out: &mut String) {
        self.as_str().write(out);
    }
}

impl ToJson for Op {
    fn write(&self, out: &mut String) {
        match self {
            Op::Equal => "equal",
            Op::Insert => "insert",
            Op::Delete => "delete",
        }
        .write(out);
    }
}

impl ToJson for DiffPart {
    fn write(&self, out: &mut String) {
        Object::new(out)
            .field("op", &self.op)
            .field("text", &self.text)
            .end();
    }
}

impl ToJson for SectionChange {
    fn write(&self, out: &mut String) {
        Object::new(out)
            .field("id", &self.id)
            .field("heading", &self.heading)
            .field("change", &self.change)
            .field("level", &self.level)
            .field("reasons", &self.reasons)
            .field("diff", &self.diff)
            .field_unless(self.number.is_none(), "number", &self.number)
            .field_unless(self.old_id.is_none(), "old_id", &self.old_id)
            .end();
    }
}

impl ToJson for Revision {
    fn write(&self, out: &mut String) {
        Object::new(out)
            .field("level", &self.level)
            .field("sections", &self.sections)
            .field("purposes", &self.purposes)
            .end();
    }
}

impl ToJson for Assessment {
    fn write(&self, out: &mut String) {
        Object::new(out)
            .field("level", &self.level)
            .field("sections", &self.sections)
            .field("purposes", &self.purposes)
            .end();
    }
}

impl ToJson for Node {
    /// JsonML: `["tag",{"name":"value",…},child,…]`, a text node a string.
    fn write(&self, out: &mut String) {
        match self {
            Node::Text(text) => text.write(out),
            Node::Element {
                tag,
                attrs,
                children,
            } => {
                out.push('[');
                tag.write(out);
                out.push_str(",{");
                for (i, (name, value)) in attrs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    name.write(out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
                for child in children {
                    out.push(',');
                    child.write(out);
                }
                out.push(']');
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let all: String = (0u8..0x80)
            .map(char::from)
            .chain("é中\u{2028}😀".chars())
            .collect();
        for s in [all.as_str(), "", "plain", "\"\\", "a\u{1}b\u{1f}c\u{7f}"] {
            assert_eq!(to_json(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
        for n in [0u8, 7, 10, 99, 100, 200, 255] {
            assert_eq!(to_json(&n), serde_json::to_string(&n).unwrap());
        }
    }
}
