//! The loader paints the first-visit banner before the Wasm app loads: its words must be
//! the app's own, in both languages.

use crate::util::read;
use policy_consent::web::strings::banner_text;

#[test]
fn the_loader_banner_says_what_the_app_says() {
    let loader = read("src/web/loader.js");
    for locale in ["en", "zh-CN"] {
        for key in [
            "banner.title",
            "banner.text",
            "banner.policy",
            "banner.gpc",
            "accept-all",
            "reject-all",
            "choose",
        ] {
            let text = banner_text(locale, key);
            assert!(!text.is_empty(), "{locale} {key}");
            let quoted = format!("{key:?}: {text:?}");
            let bare = format!("{key}: {text:?}");
            assert!(
                loader.contains(&quoted) || loader.contains(&bare),
                "{locale} {key}: {text:?} not in src/web/loader.js"
            );
        }
    }
}
