//! Browser stores: localStorage and cookies (every call guarded: in some browsers and
//! webviews touching them throws), and the native store whose record lives in the app.

use super::storage::Store;
use wasm_bindgen::{JsCast, JsValue};

fn message(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.name()) + ": " + &String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// `window.localStorage`.
pub struct LocalStore;

impl LocalStore {
    fn storage() -> Result<web_sys::Storage, String> {
        let window = web_sys::window().ok_or("no window")?;
        window
            .local_storage()
            .map_err(message)?
            .ok_or_else(|| "localStorage is unavailable".to_string())
    }

    /// Whether localStorage can be written and read back now.
    pub fn works() -> bool {
        let probe = "policy-consent:probe";
        Self::storage()
            .and_then(|s| {
                s.set_item(probe, "1").map_err(message)?;
                let ok = s.get_item(probe).map_err(message)?.as_deref() == Some("1");
                s.remove_item(probe).map_err(message)?;
                Ok(ok)
            })
            .unwrap_or(false)
    }
}

impl Store for LocalStore {
    fn kind(&self) -> &'static str {
        "local"
    }
    fn get(&self, key: &str) -> Result<Option<String>, String> {
        Self::storage()?.get_item(key).map_err(message)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        Self::storage()?.set_item(key, value).map_err(message)
    }
    fn remove(&self, key: &str) -> Result<(), String> {
        Self::storage()?.remove_item(key).map_err(message)
    }
}

/// A first-party cookie (SameSite=Lax, Secure on https), 400 days, for when localStorage
/// is unavailable.
pub struct CookieStore;

/// Browsers keep cookies up to about 4 KB, name included.
const MAX_COOKIE: usize = 3900;

impl CookieStore {
    fn document() -> Result<web_sys::HtmlDocument, String> {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .ok_or_else(|| "no document".to_string())
    }

    fn name(key: &str) -> String {
        String::from(js_sys::encode_uri_component(key))
    }

    fn write(key: &str, value: &str, max_age: i64) -> Result<(), String> {
        let secure = web_sys::window()
            .and_then(|w| w.location().protocol().ok())
            .is_some_and(|p| p == "https:");
        let cookie = format!(
            "{}={}; Max-Age={max_age}; Path=/; SameSite=Lax{}",
            Self::name(key),
            String::from(js_sys::encode_uri_component(value)),
            if secure { "; Secure" } else { "" }
        );
        if cookie.len() > MAX_COOKIE {
            return Err(format!("too large for a cookie ({} bytes)", cookie.len()));
        }
        Self::document()?.set_cookie(&cookie).map_err(message)
    }
}

/// The page's cookies, as `document.cookie` gives them (`a=1; b=2`).
pub fn cookies() -> Result<String, String> {
    CookieStore::document()?.cookie().map_err(message)
}

/// Each cookie in `cookies` (`document.cookie`) as its name and value.
pub fn cookie_pairs(cookies: &str) -> impl Iterator<Item = (&str, &str)> {
    crate::search::split(cookies, "; ")
        .map(|pair| crate::search::split_once(pair, "=").unwrap_or((pair, "")))
}

// A cookie is replaced only with its own domain and path, which the page cannot read: so
// `name` is expired for the host and each parent domain, on `/` and each directory of the
// page's path (wherever a script on this page could have set it). In JS: a few lines
// here, where the same loops in Rust were 2 KiB gzip of the app.
#[wasm_bindgen::prelude::wasm_bindgen(inline_js = "export function delete_cookie(name) {
  const domains = [''], paths = ['/'];
  const labels = location.hostname.split('.'), dirs = location.pathname.split('/');
  for (let i = 0; i < labels.length - 1; i++) domains.push('; Domain=' + labels.slice(i).join('.'));
  for (let i = 2; i < dirs.length; i++) paths.push(dirs.slice(0, i).join('/'));
  for (const domain of domains) for (const path of paths) document.cookie = name + '=; Max-Age=0; Path=' + path + domain;
}")]
extern "C" {
    /// Deletes the cookie `name` wherever a script on this page could have set it (`Err`
    /// where cookies throw, as in a sandboxed frame).
    #[wasm_bindgen(catch)]
    pub fn delete_cookie(name: &str) -> Result<(), wasm_bindgen::JsValue>;
}

impl Store for CookieStore {
    fn kind(&self) -> &'static str {
        "cookie"
    }
    fn get(&self, key: &str) -> Result<Option<String>, String> {
        let cookies = cookies()?;
        let name = Self::name(key);
        cookie_pairs(&cookies)
            .find(|(n, _)| *n == name)
            .map(|(_, value)| {
                js_sys::decode_uri_component(value)
                    .map(String::from)
                    .map_err(message)
            })
            .transpose()
    }
    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        Self::write(key, value, 400 * 86_400)?;
        // Cookies can be disabled without an error: read back to know.
        match self.get(key)? {
            Some(stored) if stored == value => Ok(()),
            _ => Err("cookies are disabled".into()),
        }
    }
    fn remove(&self, key: &str) -> Result<(), String> {
        Self::write(key, "", 0)
    }
}
