//! Record decoding: any bytes give a record or an error, never a panic; a record that
//! decodes re-encodes to one that decodes to the same record; a decoded record never holds
//! a grant without a person's act.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_consent::consent::record::{Actor, ConsentRecord, State};
use policy_consent::policy::manifest::Manifest;
use std::sync::OnceLock;

/// 2026-11-29 12:00 UTC.
const NOW: i64 = 1_795_953_600_000;

fn manifest() -> &'static Manifest {
    static MANIFEST: OnceLock<Manifest> = OnceLock::new();
    MANIFEST.get_or_init(|| {
        serde_json::from_str(include_str!("../../policy/consent.json"))
            .expect("the sample manifest reads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    match ConsentRecord::decode(json, manifest(), NOW) {
        Ok(record) => {
            for (id, purpose) in &record.purposes {
                assert!(
                    !(purpose.state == State::Granted && purpose.by == Actor::System),
                    "purpose {id} granted by nobody"
                );
                assert!(
                    manifest().purpose(id).is_some(),
                    "purpose {id} not in the manifest"
                );
            }
            let again = ConsentRecord::decode(&record.encode(), manifest(), NOW)
                .expect("a decoded record re-encodes to a valid one");
            assert_eq!(again, record, "encode/decode round trip");
        }
        Err(error) => {
            assert!(!error.to_string().is_empty());
        }
    }
});
