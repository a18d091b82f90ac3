//! Stored consent records that are not what this version wrote: every field of a valid
//! record replaced by a value of the wrong type, records past the size limit, nested past
//! any parser's stack, from future schemas, or decided by nobody. Each decodes to a clear
//! error or to a valid record, never a panic, and never to a grant without an act.

use crate::{guarded, hostile_file};
use policy_consent::consent::record::{Actor, ConsentRecord, MAX_RECORD_BYTES, RecordError, State};
use policy_consent::policy::manifest::Manifest;
use serde_json::Value;

/// 2026-11-29 12:00 UTC, after the sample records were written.
const NOW: i64 = 1_795_953_600_000;

fn manifest() -> Manifest {
    let path = crate::root().join("policy/consent.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn decode(json: &str) -> Result<ConsentRecord, RecordError> {
    ConsentRecord::decode(json, &manifest(), NOW)
}

/// A decoded record is one the engine may trust: re-encoding it gives the same record, and
/// no purpose is granted without a person's (or a confirmed guardian's) act.
fn assert_trustworthy(record: &ConsentRecord, what: &str) {
    for (id, purpose) in &record.purposes {
        assert!(
            !(purpose.state == State::Granted && purpose.by == Actor::System),
            "{what}: `{id}` granted by nobody"
        );
    }
    let again = decode(&record.encode()).unwrap_or_else(|e| panic!("{what}: re-encoded: {e}"));
    assert_eq!(&again, record, "{what}: round trip");
}

#[test]
fn the_valid_samples_decode() {
    for file in [
        "valid-adult.json",
        "valid-guardian.json",
        "valid-rejected.json",
    ] {
        let record = decode(&hostile_file(&format!("records/{file}")))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_trustworthy(&record, file);
    }
}

/// Every value in a record (recursively), replaced by each value of another type or an
/// extreme of its own: an error that says the record is unusable, or a record to trust.
#[test]
fn every_field_of_the_wrong_type_is_an_error_or_harmless() {
    let replacements: Vec<Value> = [
        "null",
        "true",
        "0",
        "-1",
        "1e300",
        "18446744073709551616",
        "-9223372036854775809",
        "9223372036854775807",
        "\"\"",
        "\"granted\"",
        "[]",
        "[1]",
        "{}",
        "{\"state\":\"granted\"}",
    ]
    .iter()
    .map(|s| serde_json::from_str(s).unwrap())
    .chain([Value::String("x".repeat(10_000))])
    .collect();
    let mut tried = 0;
    for file in ["valid-adult.json", "valid-guardian.json"] {
        let original: Value =
            serde_json::from_str(&hostile_file(&format!("records/{file}"))).unwrap();
        let mut paths = Vec::new();
        collect_paths(&original, &mut Vec::new(), &mut paths);
        assert!(paths.len() > 30, "{}", paths.len());
        for path in &paths {
            for replacement in &replacements {
                let mut record = original.clone();
                *pointer(&mut record, path) = replacement.clone();
                let json = serde_json::to_string(&record).unwrap();
                let what = format!(
                    "{file}: {} = {}",
                    path.join("."),
                    clip(&replacement.to_string())
                );
                match decode(&json) {
                    Ok(decoded) => assert_trustworthy(&decoded, &what),
                    Err(e) => {
                        let message = e.to_string();
                        assert!(
                            message.starts_with("stored consent record"),
                            "{what}: {message}"
                        );
                    }
                }
                tried += 1;
            }
        }
    }
    assert!(tried > 800, "{tried}");
}

fn clip(s: &str) -> &str {
    &s[..s.len().min(40)]
}

fn collect_paths(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if !at.is_empty() {
        out.push(at.clone());
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                at.push(key.clone());
                collect_paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(i.to_string());
                collect_paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn pointer<'a>(value: &'a mut Value, path: &[String]) -> &'a mut Value {
    let pointer: String = path.iter().map(|p| format!("/{p}")).collect();
    value.pointer_mut(&pointer).expect("the path exists")
}

#[test]
fn committed_hostile_records_give_clear_errors() {
    let cases = [
        ("wrong-types.json", "malformed"),
        ("schema-as-string.json", "malformed"),
        (
            "future-schema.json",
            "schema 7, newer than this version reads (1)",
        ),
        (
            "future-schema-new-fields.json",
            "schema 2, newer than this version reads (1)",
        ),
        (
            "granted-by-nobody.json",
            "granted without an act of a person",
        ),
    ];
    for (file, expected) in cases {
        let error = decode(&hostile_file(&format!("records/{file}")))
            .expect_err(file)
            .to_string();
        assert!(error.contains(expected), "{file}: {error}");
    }
}

#[test]
fn schemas_from_the_future_and_the_past() {
    let valid = hostile_file("records/valid-adult.json");
    let with_schema =
        |schema: &str| valid.replacen("\"schema\":1", &format!("\"schema\":{schema}"), 1);
    let error = |schema: &str| decode(&with_schema(schema)).expect_err(schema);
    assert_eq!(error("2"), RecordError::FutureSchema(2));
    assert_eq!(error("4294967296"), RecordError::FutureSchema(u32::MAX));
    assert!(
        error("99999999999999999999999")
            .to_string()
            .contains("malformed")
    );
    for past in ["0", "-1", "1.5", "\"1\"", "null"] {
        assert!(
            matches!(error(past), RecordError::Malformed(_)),
            "{past}: {:?}",
            error(past)
        );
    }
    // A future schema is recognised even when its other fields changed shape.
    let mut reshaped: Value = serde_json::from_str(&with_schema("3")).unwrap();
    let purposes: Vec<Value> = reshaped["purposes"]
        .as_object()
        .unwrap()
        .values()
        .cloned()
        .collect();
    reshaped["purposes"] = Value::Array(purposes);
    assert_eq!(
        decode(&reshaped.to_string()).unwrap_err(),
        RecordError::FutureSchema(3)
    );
}

#[test]
fn oversized_and_deeply_nested_records_are_refused_quickly() {
    let valid = hostile_file("records/valid-adult.json");
    // Just past the limit, however it is padded.
    let padded = format!("{valid}{}", " ".repeat(MAX_RECORD_BYTES + 1 - valid.len()));
    assert_eq!(
        decode(&padded).unwrap_err(),
        RecordError::TooLarge(MAX_RECORD_BYTES + 1)
    );
    // Under the limit, a field too long for a record is inconsistent, not stored.
    let long_id = valid.replacen(
        "\"id\":\"rec-1\"",
        &format!("\"id\":\"{}\"", "r".repeat(MAX_RECORD_BYTES / 2)),
        1,
    );
    assert!(
        decode(&long_id)
            .unwrap_err()
            .to_string()
            .contains("record id is empty or too long")
    );
    let long_kind = valid.replacen(
        "\"kind\":\"age\"",
        &format!("\"kind\":\"{}\"", "k".repeat(1000)),
        1,
    );
    assert!(
        decode(&long_kind)
            .unwrap_err()
            .to_string()
            .contains("an event is malformed")
    );
    // Nesting as deep as the size limit allows: the parser's depth limit answers, on a
    // 1 MiB stack, without overflowing it.
    guarded("deep record", move || {
        let depth = MAX_RECORD_BYTES / 2 - 10;
        for json in [
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
            valid.replacen(
                "\"locale\":\"en\"",
                &format!(
                    "\"locale\":{}1{}",
                    "[".repeat(depth / 2),
                    "]".repeat(depth / 2)
                ),
                1,
            ),
            "{\"a\":".repeat(depth / 6),
        ] {
            assert!(matches!(decode(&json), Err(RecordError::Malformed(_))));
        }
    });
}

#[test]
fn unbounded_parts_of_a_record_are_bounded() {
    let valid: Value = serde_json::from_str(&hostile_file("records/valid-adult.json")).unwrap();
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut record = valid.clone();
        edit(&mut record);
        decode(&record.to_string())
    };
    assert!(with(&|_| {}).is_ok());
    let folded = |kinds: Value, first: i64, last: i64| serde_json::json!({ "events": 3, "first": first, "last": last, "kinds": kinds });
    let ok_folded = folded(serde_json::json!({ "grant": 3 }), NOW - 1000, NOW - 10);
    assert!(with(&|r| r["folded"] = ok_folded.clone()).is_ok());
    let many_kinds: serde_json::Map<String, Value> = (0..100)
        .map(|i| (format!("k{i}"), Value::from(1)))
        .collect();
    for bad in [
        folded(Value::Object(many_kinds), NOW - 1000, NOW - 10),
        folded(
            serde_json::json!({ "x".repeat(100): 1 }),
            NOW - 1000,
            NOW - 10,
        ),
        folded(serde_json::json!({ "grant": 3 }), NOW - 10, NOW - 1000),
        folded(serde_json::json!({ "grant": 3 }), 0, NOW - 10),
    ] {
        let error = with(&|r| r["folded"] = bad.clone())
            .unwrap_err()
            .to_string();
        assert!(error.contains("folded event log is malformed"), "{error}");
    }
    let notice = |sections: Value, acknowledged: Value| serde_json::json!({ "level": "material", "from": "2026-05", "to": "2026-11", "sections": sections, "acknowledged": acknowledged });
    assert!(
        with(&|r| r["notice"] = notice(serde_json::json!(["s-2-5"]), Value::from(NOW))).is_ok()
    );
    for bad in [
        notice(serde_json::json!(["s".repeat(200)]), Value::Null),
        notice(serde_json::json!([""]), Value::Null),
        notice(
            serde_json::json!(["s-2-5"]),
            Value::from(NOW + 30 * 86_400_000),
        ),
    ] {
        let error = with(&|r| r["notice"] = bad.clone())
            .unwrap_err()
            .to_string();
        assert!(error.contains("change notice is malformed"), "{error}");
    }
    let error = with(&|r| r["policy"]["sections"] = serde_json::json!({ "s-1": "d".repeat(100) }))
        .unwrap_err()
        .to_string();
    assert!(error.contains("section digests are malformed"), "{error}");
    let error = with(&|r| r["signals"]["gpc"] = Value::from(-5))
        .unwrap_err()
        .to_string();
    assert!(error.contains("signal's time is out of range"), "{error}");
}

/// JSON with a purpose twice: the last one counts, as in the browser's `JSON.parse`, so a
/// record means the same to the native and the Wasm decoder.
#[test]
fn a_duplicate_purpose_key_means_what_json_parse_makes_of_it() {
    let valid = hostile_file("records/valid-adult.json");
    let record = decode(&valid).unwrap();
    let (id, purpose) = record
        .purposes
        .iter()
        .find(|(_, p)| p.state == State::Granted)
        .expect("a granted purpose");
    let mut denied = purpose.clone();
    denied.state = State::Denied;
    let twice = valid.replacen(
        "\"purposes\":{",
        &format!(
            "\"purposes\":{{\"{id}\":{},",
            serde_json::to_string(&denied).unwrap()
        ),
        1,
    );
    assert_eq!(
        decode(&twice).unwrap().purposes[id].state,
        State::Granted,
        "the last wins"
    );
    // A struct field twice is an error.
    let error =
        decode(&valid.replacen("{\"schema\":1,", "{\"schema\":1,\"schema\":1,", 1)).unwrap_err();
    assert!(error.to_string().contains("duplicate field"), "{error}");
}
