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
