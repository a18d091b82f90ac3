//! Tests of the full module's JS API under Node: `wasm-pack test --node --no-default-features
//! --features full --test web`.
#![cfg(all(target_arch = "wasm32", feature = "full"))]

use policy_consent::web::render_policy;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const SEED: &str = include_str!("../policy/privacy-policy.txt");

#[wasm_bindgen_test]
fn renders_html() {
    let html = render_policy(SEED, "html", None)
        .unwrap()
        .as_string()
        .unwrap();
    assert!(html.starts_with("<article class=\"pc-policy\">"));
    assert!(html.contains("<section id=\"s-2-5\" class=\"pc-section\">"));
}

#[wasm_bindgen_test]
fn renders_the_model_as_a_plain_object() {
    let model = render_policy(SEED, "json", Some("text".into())).unwrap();
    let title = js_sys::Reflect::get(&model, &JsValue::from_str("title")).unwrap();
    assert_eq!(title.as_string().as_deref(), Some("Privacy Policy"));
    let sections = js_sys::Reflect::get(&model, &JsValue::from_str("sections")).unwrap();
    assert_eq!(js_sys::Array::from(&sections).length(), 12);
}

#[wasm_bindgen_test]
fn sniffs_markdown_and_escapes() {
    let html = render_policy(
        "# T\n\n## <script>x</script>\n\n[a](javascript:alert(1))\n",
        "html",
        None,
    )
    .unwrap()
    .as_string()
    .unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
}

#[wasm_bindgen_test]
fn bad_input_is_an_error_not_a_panic() {
    assert!(render_policy("   \n", "html", None).is_err());
    assert!(render_policy(SEED, "pdf", None).is_err());
    assert!(render_policy(SEED, "html", Some("rtf".into())).is_err());
}

#[wasm_bindgen_test]
fn compares_two_versions() {
    let new = SEED.replace("under the age of 18", "under the age of 14");
    let revision = policy_consent::web::compare_policies(SEED, &new, None).unwrap();
    let level = js_sys::Reflect::get(&revision, &JsValue::from_str("level")).unwrap();
    assert_eq!(level.as_string().as_deref(), Some("material"));
    assert!(policy_consent::web::compare_policies(SEED, "", None).is_err());
}

#[wasm_bindgen_test]
fn assesses_a_revision_against_the_manifests_citations() {
    use policy_consent::policy::{self, manifest::Manifest};
    use policy_consent::revision::{Level, compare};
    let manifest: Manifest = serde_wasm_bindgen::from_value(
        js_sys::JSON::parse(include_str!("../policy/consent.json")).unwrap(),
    )
    .unwrap();
    // As the consent app passes them: [id, [section, …]] pairs.
    let citations: Vec<(&str, &[String])> = manifest.citations().collect();
    let citations = serde_wasm_bindgen::to_value(&citations).unwrap();
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &JsValue::from_str(k)).unwrap();
    let strings = |v: JsValue| -> Vec<String> {
        js_sys::Array::from(&v)
            .iter()
            .map(|s| s.as_string().unwrap())
            .collect()
    };
    // 2027-01 changes the ads section (2.5), which the purpose `ads` cites.
    let new = include_str!("../policy/versions/2027-01.txt");
    let assessment = policy_consent::web::assess_revision(SEED, new, None, citations).unwrap();
    // What the crate finds with the manifest itself.
    let revision = compare(
        &policy::parse(SEED, None).unwrap(),
        &policy::parse(new, None).unwrap(),
    )
    .with_purposes(manifest.citations());
    assert_eq!(
        get(&assessment, "level").as_string().as_deref(),
        Some("material")
    );
    let sections: Vec<String> = revision
        .changed(Level::Material)
        .map(|s| s.id.clone())
        .collect();
    assert_eq!(strings(get(&assessment, "sections")), sections);
    assert_eq!(revision.purposes, ["ads"]);
    assert_eq!(strings(get(&assessment, "purposes")), revision.purposes);

    let error = |json: &str| {
        policy_consent::web::assess_revision(SEED, new, None, js_sys::JSON::parse(json).unwrap())
            .err()
            .and_then(|e| get(&JsValue::from(e), "message").as_string())
    };
    assert_eq!(
        error(r#"[["ads", ["2.5"]], ["analytics", [2]]]"#).as_deref(),
        Some(
            "assessRevision: citations[1]: not an [id, sections] pair (a string, an array of strings)"
        )
    );
    assert!(error(r#"[["ads", ["2.5"]], ["analytics", []]]"#).is_none());
    for bad in [
        "null",
        "{}",
        r#"{"purposes": []}"#,
        r#"[["ads"]]"#,
        r#"[["ads", "2.5"]]"#,
        r#"[["ads", [2.5]]]"#,
        r#"[[1, ["2.5"]]]"#,
        r#"[["ads", ["2.5"], "extra"]]"#,
    ] {
        assert!(error(bad).is_some(), "{bad}");
    }
}

/// The consent app decodes manifests and records with the vendored serde-wasm-bindgen,
/// whose errors name a float through JS rather than Rust's float formatting
/// (vendor/serde-wasm-bindgen/PATCHED.md): the messages still say what was wrong.
#[wasm_bindgen_test]
fn a_manifest_with_a_wrong_number_says_so() {
    use policy_consent::policy::manifest::Manifest;
    let decode = |json: &str| {
        serde_wasm_bindgen::from_value::<Manifest>(js_sys::JSON::parse(json).unwrap())
            .unwrap_err()
            .to_string()
    };
    let base = include_str!("../policy/consent.json");
    let version = base.replacen(r#""version": "2026-11""#, r#""version": 1.5"#, 1);
    assert_ne!(version, base, "the sample manifest's version moved");
    assert_eq!(
        decode(&version),
        "policy.version: invalid type: floating point `1.5`, expected a string"
    );
    let whole = base.replacen(r#""version": "2026-11""#, r#""version": 2"#, 1);
    assert_eq!(
        decode(&whole),
        "policy.version: invalid type: floating point `2`, expected a string"
    );
}

/// The vendored deserializer's errors say where: the field path and the element's index
/// (vendor/serde-wasm-bindgen/PATCHED.md), and name a wrong object or array by its kind
/// rather than dumping it.
#[wasm_bindgen_test]
fn a_manifest_error_says_where() {
    use policy_consent::policy::manifest::Manifest;
    let decode = |json: &str| {
        serde_wasm_bindgen::from_value::<Manifest>(js_sys::JSON::parse(json).unwrap()).unwrap_err()
    };
    let base = include_str!("../policy/consent.json");
    // A string where purposes[1] (after "necessary") should have a boolean.
    let at = base
        .find(r#""id": "personalization""#)
        .expect("the sample manifest's second purpose moved");
    let wrong = format!("{}\"required\": \"yes\", {}", &base[..at], &base[at..]);
    let error = decode(&wrong);
    assert_eq!(
        error.to_string(),
        "purposes[1].required: invalid type: string \"yes\", expected a boolean"
    );
    // The same message reaches JS: the thrown error's own message.
    let thrown: JsValue = error.into();
    assert_eq!(
        String::from(js_sys::Error::from(thrown).message()),
        "purposes[1].required: invalid type: string \"yes\", expected a boolean"
    );
    let listless = base
        .replacen(r#""purposes": ["#, r#""purposes": {"list": ["#, 1)
        .replacen("],\n  \"changelog\"", "]},\n  \"changelog\"", 1);
    assert_ne!(listless, base);
    assert_eq!(
        decode(&listless).to_string(),
        "purposes: invalid type: map, expected a sequence"
    );
}
