//! Revision comparison of two inputs: the first byte picks each side's format, the rest is
//! split at the first NUL into old and new. Never panics; a version compared with itself is
//! unchanged; whether anything changed does not depend on which side is called old; the
//! rendered revision passes the escaping audit.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use policy_consent::policy::{self, Format};
use policy_consent::render;
use policy_consent::revision::{self, Change, Level};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (old, new) = text.split_once('\0').unwrap_or((text, ""));
    let format = |bit: u8| {
        if flags & bit != 0 {
            Format::Markdown
        } else {
            Format::Text
        }
    };
    let (Ok(old), Ok(new)) = (
        policy::parse(old, Some(format(1))),
        policy::parse(new, Some(format(2))),
    ) else {
        return;
    };
    let forward = revision::compare(&old, &new);
    let backward = revision::compare(&new, &old);
    assert_eq!(
        forward.level == Level::Unchanged,
        backward.level == Level::Unchanged,
        "forward {:?}, backward {:?}",
        forward.level,
        backward.level
    );
    let same = revision::compare(&old, &old);
    assert_eq!(same.level, Level::Unchanged, "a version against itself");
    assert!(
        same.sections
            .iter()
            .all(|s| s.change == Change::Unchanged && s.diff.is_empty())
    );
    let citations = [("p".to_string(), vec!["1".to_string(), "s-1".to_string()])];
    let forward =
        forward.with_purposes(citations.iter().map(|(id, s)| (id.as_str(), s.as_slice())));
    let _ = forward.under_declared(Level::Cosmetic);
    common::check_html(
        &render::html::revision_fragment(&forward, Level::Cosmetic),
        "revision",
    );
});
