//! Manifest validation: any JSON that reads as a manifest is validated (alone and against
//! the sample policy) without panicking, every problem names a field, and the manifest
//! survives a JSON round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_consent::policy::manifest::Manifest;
use policy_consent::policy::{self, Format, Policy};
use std::sync::OnceLock;

fn sample() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        policy::parse(
            include_str!("../../policy/privacy-policy.txt"),
            Some(Format::Text),
        )
        .expect("the sample policy parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(manifest) = serde_json::from_slice::<Manifest>(data) else {
        return;
    };
    for problems in [manifest.validate(None), manifest.validate(Some(sample()))] {
        for problem in problems {
            assert!(
                !problem.field.is_empty(),
                "a problem without a field: {problem}"
            );
            let _ = problem.to_string();
        }
    }
    let json = serde_json::to_string(&manifest).expect("a manifest serialises");
    let back: Manifest = serde_json::from_str(&json).expect("the manifest reads back");
    assert_eq!(back, manifest, "JSON round trip");
});
