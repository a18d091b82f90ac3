//! The browser stores, in headless Chromium: `wasm-pack test --headless --chrome
//! --no-default-features --test browser` (scripts/test.sh passes Debian's chromedriver).
#![cfg(all(target_arch = "wasm32", not(feature = "view")))]

use policy_consent::web::storage::{Chain, MemoryStore, Store};
use policy_consent::web::{CookieStore, LocalStore};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn local_storage_round_trip() {
    assert!(LocalStore::works());
    let store = LocalStore;
    store.set("policy-consent:test", "{\"a\":1}").unwrap();
    assert_eq!(
        store.get("policy-consent:test").unwrap().as_deref(),
        Some("{\"a\":1}")
    );
    store.remove("policy-consent:test").unwrap();
    assert_eq!(store.get("policy-consent:test").unwrap(), None);
}

#[wasm_bindgen_test]
fn cookie_round_trip_with_characters_that_need_encoding() {
    let store = CookieStore;
    let value = "{\"x\":\"a; b=c, 中文\"}";
    store.set("policy-consent:cookie-test", value).unwrap();
    assert_eq!(
        store.get("policy-consent:cookie-test").unwrap().as_deref(),
        Some(value)
    );
    store.remove("policy-consent:cookie-test").unwrap();
    assert_eq!(store.get("policy-consent:cookie-test").unwrap(), None);
}

#[wasm_bindgen_test]
fn an_oversized_cookie_is_refused_not_truncated() {
    let store = CookieStore;
    let big = "x".repeat(5000);
    assert!(
        store
            .set("policy-consent:big", &big)
            .unwrap_err()
            .contains("too large")
    );
    assert_eq!(store.get("policy-consent:big").unwrap(), None);
}

#[wasm_bindgen_test]
fn the_chain_falls_back_to_cookies_then_memory() {
    // A cookie that cannot hold the value falls through to memory, and says so.
    let chain = Chain::new(vec![
        Box::new(CookieStore),
        Box::new(MemoryStore::default()),
    ]);
    let saved = chain.set("policy-consent:chain", &"y".repeat(5000));
    assert_eq!((saved.kind, saved.persisted), ("memory", false));
    assert!(saved.failures[0].starts_with("cookie: too large"));
    let saved = Chain::new(vec![
        Box::new(CookieStore),
        Box::new(MemoryStore::default()),
    ])
    .set("policy-consent:chain", "small");
    assert_eq!((saved.kind, saved.persisted), ("cookie", true));
    CookieStore.remove("policy-consent:chain").unwrap();
}
