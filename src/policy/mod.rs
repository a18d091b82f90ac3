//! Policy documents: the model, and the plain-text and Markdown parsers that produce it.

pub mod commonmark;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod text;

mod inline_html;

pub use model::{Block, ListItem, Policy, Section, Span};

use std::fmt;

/// Largest policy accepted, in bytes. Far above any real policy (the longest in the corpus is
/// 49 KB); it bounds the memory a hostile input can make the parser use. Parsing and
/// rendering peak at up to ~256 bytes per input byte on the worst inputs (a megabyte of
/// 8-byte sections; real policies ~8, see `tests/hostile.rs`), so the Wasm module, which
/// runs in a browser tab or a phone's webview, takes at most 2 MiB (≤ 512 MiB at worst);
/// the command-line tool 16 MiB.
#[cfg(target_arch = "wasm32")]
pub const MAX_POLICY_BYTES: usize = 2 * 1024 * 1024;
/// Largest policy accepted, in bytes. Far above any real policy (the longest in the corpus is
/// 49 KB); it bounds the memory a hostile input can make the parser use. Parsing and
/// rendering peak at up to ~256 bytes per input byte on the worst inputs (a megabyte of
/// 8-byte sections; real policies ~8, see `tests/hostile.rs`): natively 16 MiB (≤ 4 GiB at
/// worst); the Wasm module, in a browser tab or a phone's webview, takes at most 2 MiB.
#[cfg(not(target_arch = "wasm32"))]
pub const MAX_POLICY_BYTES: usize = 16 * 1024 * 1024;

/// The source format of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text with numbered or unnumbered heading lines.
    Text,
    /// Markdown (CommonMark with tables, kramdown attribute lines, raw HTML tables).
    Markdown,
}

impl Format {
    /// The format for a file name's extension (`.md`, `.markdown` → Markdown; `.txt` → text).
    pub fn from_path(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" | "mdown" | "mkd" => Some(Format::Markdown),
            "txt" | "text" => Some(Format::Text),
            _ => None,
        }
    }

    /// Parses `text`, `markdown`/`md` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "text" | "txt" | "plain" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            _ => None,
        }
    }

    /// Guesses the format from the content: Markdown when it has ATX headings, setext
    /// underlines, Markdown links, table rules or kramdown attribute lines.
    pub fn sniff(text: &str) -> Format {
        let mut previous_blank = true;
        for line in text.lines().take(2000) {
            let trimmed = line.trim();
            let atx = trimmed.starts_with('#')
                && trimmed.trim_start_matches('#').starts_with(' ')
                && trimmed.len() - trimmed.trim_start_matches('#').len() <= 6;
            let setext = !previous_blank
                && trimmed.len() >= 3
                && (trimmed.bytes().all(|b| b == b'=') || trimmed.bytes().all(|b| b == b'-'));
            let table_rule = trimmed.starts_with('|') && crate::search::contains(trimmed, "---");
            let ial = trimmed.starts_with("{:") && trimmed.ends_with('}');
            let link = crate::search::contains(trimmed, "](")
                && crate::search::contains_char(trimmed, '[');
            if atx || setext || table_rule || ial || link {
                return Format::Markdown;
            }
            previous_blank = trimmed.is_empty();
        }
        Format::Text
    }
}

/// What was wrong with a policy's text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text has no words at all.
    Empty,
    /// The text is larger than [`MAX_POLICY_BYTES`].
    TooLarge {
        /// Its size in bytes.
        bytes: usize,
    },
}

/// An error parsing a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Empty => write!(f, "the policy is empty (no text to show)"),
            ErrorKind::TooLarge { bytes } => write!(
                f,
                "the policy is too large ({bytes} bytes; at most {MAX_POLICY_BYTES})"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Parses a policy in the given format (or sniffs it when `format` is `None`).
///
/// # Examples
/// ```
/// use policy_consent::policy::{parse, Format};
/// let policy = parse("Privacy Policy\n\nIntroduction\nWe collect little.\n", Some(Format::Text)).unwrap();
/// assert_eq!(policy.title, "Privacy Policy");
/// assert_eq!(policy.sections[0].heading, "Introduction");
/// ```
pub fn parse(text: &str, format: Option<Format>) -> Result<Policy, Error> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(Error {
            kind: ErrorKind::TooLarge { bytes: text.len() },
        });
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if !text.chars().any(char::is_alphanumeric) {
        return Err(Error {
            kind: ErrorKind::Empty,
        });
    }
    let mut policy = match format.unwrap_or_else(|| Format::sniff(text)) {
        Format::Text => text::parse(text),
        Format::Markdown => markdown::parse(text),
    };
    model::finish(&mut policy);
    Ok(policy)
}
