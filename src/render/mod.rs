//! Rendering a policy for people: a node tree that only ever holds the elements and
//! attributes this module emits, serialised to an HTML string (escaping in one place) or
//! built into the DOM by the web shell, plus the plain-text outline.

pub mod diff;
pub mod html;
pub mod tree;
pub mod view;

pub use tree::{Node, Options};

use crate::policy::Policy;

/// The outline as indented plain text: one line per section, with its number, heading and id
/// (bidi controls shown escaped, as in headings: see [`tree::visible`]).
///
/// # Examples
/// ```
/// let policy = policy_consent::policy::parse("Terms\n\nIntroduction\nHello there.\n", None).unwrap();
/// assert_eq!(policy_consent::render::outline(&policy), "Terms\n  Introduction  #introduction\n");
/// ```
pub fn outline(policy: &Policy) -> String {
    let mut out = String::new();
    out.push_str(&tree::visible(&policy.title, tree::Place::Heading));
    out.push('\n');
    for section in policy.walk() {
        for _ in 0..section.level {
            out.push_str("  ");
        }
        let title = tree::section_title(section);
        out.push_str(&title);
        out.push_str("  #");
        out.push_str(&section.id);
        out.push('\n');
    }
    out
}
