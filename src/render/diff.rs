//! A revision for people: each changed section with its level, reasons and word diff
//! (`<ins>`/`<del>`), through the same tree and escaping as the policy.

use super::tree::{Node, Place, visible};
use crate::revision::{Change, Level, Op, Revision};

fn element(tag: &'static str, attrs: Vec<(&'static str, String)>, children: Vec<Node>) -> Node {
    Node::Element {
        tag,
        attrs,
        children,
    }
}

/// Text the renderer wrote, or a heading, reason or purpose id quoted from a policy or
/// manifest: every bidi control shown escaped.
fn text(s: impl Into<String>) -> Node {
    Node::Text(visible(&s.into(), Place::Heading))
}

/// A piece of a policy's body text in a word diff.
fn body(s: &str) -> Node {
    Node::Text(visible(s, Place::Body))
}

/// The revision as `<article class="pc-revision">`: a verdict, then one `<section>` per
/// section at or above `min` (`Level::Cosmetic` shows every change).
pub fn revision(revision: &Revision, min: Level) -> Node {
    let mut children = vec![
        element("h1", Vec::new(), vec![text("What changed")]),
        element(
            "p",
            vec![
                ("class", "pc-verdict".to_string()),
                ("data-pc-level", revision.level.to_string()),
            ],
            vec![text(format!("Overall: {}", revision.level))],
        ),
    ];
    if !revision.purposes.is_empty() {
        children.push(element(
            "p",
            vec![("class", "pc-purposes".to_string())],
            vec![text(format!(
                "Purposes to ask again: {}",
                revision.purposes.join(", ")
            ))],
        ));
    }
    for section in revision.changed(min.max(Level::Cosmetic)) {
        let change = match section.change {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Moved => "moved",
            Change::Modified => "modified",
            Change::Unchanged => "unchanged",
        };
        let mut body = vec![element(
            "h2",
            Vec::new(),
            vec![
                text(section.label()),
                text(" "),
                element(
                    "span",
                    vec![("class", "pc-change-label".to_string())],
                    vec![text(format!("{change}, {}", section.level))],
                ),
            ],
        )];
        if !section.reasons.is_empty() {
            let items = section
                .reasons
                .iter()
                .map(|r| element("li", Vec::new(), vec![text(r.clone())]))
                .collect();
            body.push(element(
                "ul",
                vec![("class", "pc-reasons".to_string())],
                items,
            ));
        }
        if !section.diff.is_empty() {
            body.push(diff_paragraphs(&section.diff));
        }
        children.push(element(
            "section",
            vec![
                ("id", format!("change-{}", section.id)),
                ("class", "pc-change".to_string()),
                ("data-pc-change", section.level.to_string()),
            ],
            body,
        ));
    }
    element(
        "article",
        vec![("class", "pc-revision".to_string())],
        children,
    )
}

/// A word diff as a `<div class="pc-diff">` of paragraphs (split at blank lines), with
/// insertions in `<ins>` and deletions in `<del>`.
pub fn diff_paragraphs(parts: &[crate::revision::DiffPart]) -> Node {
    let mut paragraphs: Vec<Node> = Vec::new();
    let mut current: Vec<Node> = Vec::new();
    for part in parts {
        for (i, piece) in crate::search::split(&part.text, "\n\n").enumerate() {
            if i > 0 && !current.is_empty() {
                paragraphs.push(element("p", Vec::new(), std::mem::take(&mut current)));
            }
            if piece.is_empty() {
                continue;
            }
            current.push(match part.op {
                Op::Equal => body(piece),
                Op::Insert => element("ins", Vec::new(), vec![body(piece)]),
                Op::Delete => element("del", Vec::new(), vec![body(piece)]),
            });
        }
    }
    if !current.is_empty() {
        paragraphs.push(element("p", Vec::new(), current));
    }
    element("div", vec![("class", "pc-diff".to_string())], paragraphs)
}
