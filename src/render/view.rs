//! The consent UI's policy viewer, rendered ahead of time (by the CLI, when the site is
//! built): the tree as JSON stamped with the policy it shows, and the checks that let the
//! browser build a fetched one into the page only from the renderer's own tags and
//! attributes. With one, opening the viewer needs neither the full module nor the text.
//!
//! The tree is JsonML: an element is `["tag", {"attr": "value", …}, child, …]`, a text
//! node a string.

use super::html::{allowed_attr, allowed_tag};
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
    pub fn fits(schema: f64, policy: &Stamp, lang: &str, want: &Stamp, ui_lang: &str) -> bool {
        schema == f64::from(SCHEMA)
            && policy == want
            && tree::toc_label(lang) == tree::toc_label(ui_lang)
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

/// The renderer's tag `name`; any other is refused (a fetched rendering cannot make a
/// `<script>`, an `<iframe>` or a form).
pub fn checked_tag(name: &str) -> Result<&'static str, String> {
    allowed_tag(name).ok_or_else(|| format!("tag not allowed: <{}>", name.escape_debug()))
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
