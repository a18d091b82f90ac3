//! The viewer's rendering made ahead, as a browser reads it from the network: any bytes are
//! refused with a named error or read into a tree that holds only the renderer's tags,
//! attributes and safe links (its HTML passes `render::html::audit`, no raw bidi override),
//! and a tree read back is what it wrote.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_consent::render::html;
use policy_consent::render::view::{self, Rendering};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match view::parse(text) {
        Err(problem) => assert!(!problem.is_empty(), "an error without words"),
        Ok(fetched) => {
            let mut out = String::new();
            html::write(&fetched.tree, &mut out);
            if let Err(problem) = html::audit(&out) {
                panic!("a fetched tree passed the checks but not the audit: {problem}\n{out}");
            }
            assert!(!out.contains('\u{202E}'), "a raw bidi override");
            let rendering = Rendering {
                schema: fetched.schema,
                policy: fetched.policy,
                lang: fetched.lang,
                title: fetched.title,
                tree: fetched.tree,
            };
            let json = serde_json::to_string(&rendering).expect("a rendering serialises");
            let back = view::parse(&json).expect("a rendering reads back");
            assert_eq!(back.tree, rendering.tree, "JSON round trip");
        }
    }
});
