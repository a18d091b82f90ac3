//! The Markdown parser and the HTML renderer: never panics, and no input yields live markup,
//! an event-handler attribute, a `javascript:` link or a raw bidi override
//! (`render::html::audit` and `common::check_html`). The model also survives a JSON round trip
//! (the CLI's `--format json`).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use policy_consent::policy::{self, Format, Policy};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = policy::parse(text, Some(Format::Markdown)) else {
        return;
    };
    common::render_all(&policy);
    let json = serde_json::to_string(&policy).expect("a policy serialises");
    let back: Policy = serde_json::from_str(&json).expect("the JSON model reads back");
    assert_eq!(back, policy, "JSON round trip");
});
