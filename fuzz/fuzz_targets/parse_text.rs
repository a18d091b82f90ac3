//! The plain-text parser: never panics, keeps every word of the input in order (the design's
//! text-conservation invariant), and what it builds renders safely.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use policy_consent::policy::{self, Format};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = policy::parse(text, Some(Format::Text)) else {
        return;
    };
    let expected = common::words(text);
    let actual = common::words(&policy.text_strings().join(" "));
    if expected != actual {
        let at = expected
            .iter()
            .zip(&actual)
            .position(|(a, b)| a != b)
            .unwrap_or(expected.len().min(actual.len()));
        panic!(
            "words lost or reordered at word {at}: expected {:?}, got {:?}",
            &expected[at..(at + 5).min(expected.len())],
            &actual[at..(at + 5).min(actual.len())]
        );
    }
    common::render_all(&policy);
});
