//! The JS API of the consent app module: `PolicyConsent`.

use super::app::{self, App, Link, Options, Parts, Shared};
use super::storage::{Chain, MemoryStore, Store};
use super::strings::{Strings, choose_locale};
use super::{browser, dom, js_error, lazy, signals, to_js, viewer};
use crate::consent::engine::{host_birth, host_birth_from_text};
use crate::consent::{Config, CurrentPolicy, Engine, Event, Init, Method, Signals};
use crate::policy::manifest::Manifest;
use js_sys::{Function, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Options for `PolicyConsent.start`. */
export interface StartOptions {
  /** URL of the manifest (`policy/consent.json`), or the manifest itself. */
  manifest: string | Manifest;
  /** URL of the policy (`.txt` or `.md`), or its text. */
  policy?: string;
  /** Where older versions are published (`<policy dir>/versions/` by default). */
  versions?: string;
  /** `auto` (default), or a locale such as `en` or `zh-CN`. */
  lang?: string;
  /** `auto` (default: localStorage → cookie → memory), `local`, `cookie`, `memory` or `native`. */
  storage?: "auto" | "local" | "cookie" | "memory" | "native";
  /** With `storage: "native"`: the record the app kept. */
  record?: ConsentRecord | string;
  /** The host verifies a guardian: resolve with a token once verified, reject if not. */
  guardian?: { verify?: (contact: string) => Promise<string> | string };
  /** Each new receipt is POSTed here as JSON (fetch keepalive). It stays queued (at most 20, 256 KB) until a 2xx, and is retried on later loads: deduplicate by record id and time. */
  receiptEndpoint?: string;
  /** URL of the viewer's rendering made ahead (`policy-consent render … --format view`): the viewer shows it without fetching a module or the text. */
  policyView?: string;
  /** With `age_gate: "host"`: the birth year and month the site knows, or `"YYYY-MM"` (the loader's `data-birth`). */
  birth?: { year: number; month: number } | string;
  /** Where the UI goes (default: `document.body`). */
  mount?: Element;
}

/** The manifest (`policy/consent.json`); see README for every field. */
export interface Manifest {
  schema?: number;
  policy: { id: string; version: string; effective: string; source: string; locale?: string; upcoming?: { version: string; effective: string; notice_from: string; source?: string } };
  minor_age?: number;
  age_gate?: "ask" | "host" | "off";
  lifetime_days?: number;
  purposes: Array<{ id: string; title: string | Record<string, string>; description: string | Record<string, string>; sections?: string[]; required?: boolean; default?: boolean; sale_or_share?: boolean; minors?: "allowed" | "guardian" | "forbidden"; consent_mode?: string[]; recipients?: string[]; cookies?: string[] }>;
  changelog?: Array<{ version: string; date: string; level: "cosmetic" | "minor" | "material"; summary: string | Record<string, string>; sections?: string[]; purposes?: string[] }>;
  strings?: Record<string, Record<string, string>>;
}

/** One purpose's stored decision. */
export interface PurposeRecord { state: "granted" | "denied" | "suspended"; at: number; version: string; by: "self" | "guardian" | "system"; method: string; definition: string; reason?: string }

/** The stored consent record. */
export interface ConsentRecord {
  schema: number; id: string; created: number; updated: number; locale: string;
  policy: { id: string; version: string; sections?: Record<string, string> };
  purposes: Record<string, PurposeRecord>;
  age?: { birth_year: number; birth_month: number; at: number; by: string };
  guardian?: { name: string; relationship: string; method: string; token?: string; started: number; confirmed?: number };
  signals: { gpc?: number };
  notice?: { level: string; from: string; to: string; sections?: string[]; purposes?: string[]; acknowledged?: number };
  upcoming_seen?: string;
  events: Array<{ at: number; kind: string; detail?: string }>;
  folded?: { events: number; first: number; last: number; kinds: Record<string, number> };
}

/** The person's copy of their consent. */
export interface Receipt {
  version: string; record: string; issued: string; policy: { id: string; version: string };
  purposes: Array<{ id: string; title: string; state: string; required: boolean; at?: string; by?: string; method?: string; policy_version?: string }>;
  age_status: string; guardian?: { name: string; relationship: string; method: string; confirmed?: string }; gpc: boolean;
}

/** What the UI shows now. */
export type Prompt =
  | { type: "none" }
  | { type: "banner"; reason: string; purposes?: string[] }
  | { type: "age-gate" }
  | { type: "guardian-needed"; awaiting_verification: boolean }
  | { type: "change-notice"; level: "minor" | "material"; from: string; to: string; sections: string[]; purposes: string[] }
  | { type: "upcoming-change"; version: string; date: string };

/** One purpose as the UI shows it. */
export interface PurposeView { id: string; granted: boolean; state: string; lock: "required" | "forbidden-for-minors" | "needs-guardian" | null }

/** The detail of `change` events (and of the `policy-consent:change` window event). */
export interface ChangeDetail {
  granted: Record<string, boolean>;
  /** False when the record could only be kept in memory (storage failed). */
  persisted: boolean;
  storage: string;
  /** Purposes withdrawn whose scripts already ran: a reload is needed to stop them. */
  reloadNeeded: string[];
  record: ConsentRecord;
  consentMode: Record<string, "granted" | "denied">;
}

/** What the loader (`policy-consent/loader`) reads and sets on `window`. */
declare global {
  interface Window {
    /** Options for the loader, set before it runs; its `data-*` attributes give the strings. */
    policyConsentOptions?: Partial<StartOptions> & {
      /** `on-demand`: the app starts when something needs it (README: On demand). */
      start?: "at-once" | "on-demand";
    };
    /** The started app, once `policy-consent:ready` has fired. */
    policyConsent?: PolicyConsent;
    /** Resolves with the started app (starting it now when it waits for demand); rejects when it cannot start. */
    policyConsentReady?: () => Promise<PolicyConsent>;
  }
}

"#;

async fn fetch_json(url: &str) -> Result<JsValue, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("{url}: {}", super::js_text(&e)))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let promise = response
        .json()
        .map_err(|e| format!("{url}: {}", super::js_text(&e)))?;
    JsFuture::from(promise)
        .await
        .map_err(|_| format!("{url}: not JSON"))
}

fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(object, &key.into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn get_string(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).and_then(|v| v.as_string())
}

/// A policy option is a URL when it is one line that looks like a path or address.
fn looks_like_url(value: &str) -> bool {
    !value.contains('\n')
        && value.len() < 2048
        && (value.starts_with('/')
            || value.starts_with("./")
            || value.starts_with("../")
            || value.starts_with("http")
            || value.ends_with(".txt")
            || value.ends_with(".md"))
}

fn page_locales(option: Option<&str>) -> String {
    let mut candidates: Vec<String> = option.map(str::to_string).into_iter().collect();
    if let Some(lang) = dom::document()
        .ok()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
    {
        candidates.push(lang);
    }
    if let Some(window) = web_sys::window() {
        for lang in window.navigator().languages().iter() {
            if let Some(lang) = lang.as_string() {
                candidates.push(lang);
            }
        }
    }
    choose_locale(candidates.iter().map(String::as_str))
}

fn stores(kind: &str) -> Vec<Box<dyn Store>> {
    match kind {
        "local" => vec![
            Box::new(browser::LocalStore),
            Box::new(MemoryStore::default()),
        ],
        "cookie" => vec![
            Box::new(browser::CookieStore),
            Box::new(MemoryStore::default()),
        ],
        "memory" | "native" => vec![Box::new(MemoryStore::default())],
        // No probe write first: a full quota must not hide a record stored before it filled.
        _ => vec![
            Box::new(browser::LocalStore),
            Box::new(browser::CookieStore),
            Box::new(MemoryStore::default()),
        ],
    }
}

/// Of the records the stores hold, the newest usable one (a write that fell back to a
/// cookie leaves an older copy in localStorage); with none usable, the first one's error.
/// Unusable ones go to `keep_aside`.
fn newest_record(
    raws: Vec<String>,
    manifest: &crate::policy::manifest::Manifest,
    now: i64,
    keep_aside: impl Fn(&str),
) -> (
    Option<String>,
    Option<Result<crate::consent::ConsentRecord, crate::consent::RecordError>>,
) {
    let mut newest: Option<(String, crate::consent::ConsentRecord)> = None;
    let mut first_error = None;
    for raw in raws {
        match app::decode(&raw, manifest, now) {
            Ok(record) => {
                if newest
                    .as_ref()
                    .is_none_or(|(held, n)| record.prevails_over(&raw, n, held))
                {
                    newest = Some((raw, record));
                }
            }
            Err(e) => {
                keep_aside(&raw);
                first_error.get_or_insert((raw, e));
            }
        }
    }
    match (newest, first_error) {
        (Some((raw, record)), _) => (Some(raw), Some(Ok(record))),
        (None, Some((raw, e))) => (Some(raw), Some(Err(e))),
        (None, None) => (None, None),
    }
}

fn new_id() -> String {
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    if let Some(id) = crypto
        .as_ref()
        .and_then(|c| Reflect::get(c, &"randomUUID".into()).ok())
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| {
            f.call0(crypto.as_ref().map_or(&JsValue::NULL, |c| c.as_ref()))
                .ok()
        })
        .and_then(|v| v.as_string())
    {
        return id;
    }
    let mut bytes = [0u8; 16];
    if let Some(c) = crypto {
        let _ = c.get_random_values_with_u8_array(&mut bytes);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The consent UI for a page.
#[wasm_bindgen]
pub struct PolicyConsent {
    app: Shared,
}

#[wasm_bindgen]
impl PolicyConsent {
    /// Loads the manifest, restores the stored record, and shows what is needed (banner,
    /// notice, …). Resolves with the running instance; rejects with a clear message when
    /// the manifest cannot be loaded or is invalid.
    pub async fn start(
        #[wasm_bindgen(unchecked_param_type = "StartOptions")] options: JsValue,
    ) -> Result<PolicyConsent, JsError> {
        let manifest_value = match get(&options, "manifest") {
            Some(v) if v.is_string() => fetch_json(&v.as_string().unwrap_or_default())
                .await
                .map_err(|e| JsError::new(&format!("policy-consent: manifest {e}")))?,
            Some(v) => v,
            None => {
                return Err(JsError::new(
                    "policy-consent: the `manifest` option is required (a URL or an object)",
                ));
            }
        };
        let manifest: Manifest = serde_wasm_bindgen::from_value(manifest_value)
            .map_err(|e| JsError::new(&format!("policy-consent: manifest: {e}")))?;
        let problems = manifest.validate(None);
        if let Some(problem) = problems.first() {
            return Err(JsError::new(&format!("policy-consent: {problem}")));
        }
        // Addresses are kept with the page's address as it is now and resolved when used
        // (see `Link`); document.URL is location.href without the Location interface.
        let base = dom::document()
            .ok()
            .and_then(|d| d.url().ok())
            .unwrap_or_default();
        let link = |key| get_string(&options, key).map(|given| Link::new(given, &base));
        let (policy_url, policy_text) = match get_string(&options, "policy") {
            Some(p) if looks_like_url(&p) => (Some(Link::new(p, &base)), None),
            Some(p) => (None, Some(p)),
            None => (None, None),
        };
        let verify = get(&options, "guardian")
            .and_then(|g| get(&g, "verify"))
            .and_then(|f| f.dyn_into::<Function>().ok());
        let storage_kind = get_string(&options, "storage").unwrap_or_else(|| "auto".into());
        let locale = page_locales(get_string(&options, "lang").as_deref());
        let birth = get(&options, "birth").and_then(|b| {
            let checked = match b.as_string() {
                Some(text) => host_birth_from_text(&text),
                None => {
                    let number = |key| get(&b, key).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
                    let (year, month) = (number("year"), number("month"));
                    if year.fract() == 0.0 && month.fract() == 0.0 && month >= 0.0 {
                        host_birth(year as i32, month as u32)
                    } else {
                        Err("birth is not { year, month } (whole numbers)".to_string())
                    }
                }
            };
            // A wrong birth month must not stop consent: the visitor is asked, as without one.
            checked
                .map_err(|e| {
                    web_sys::console::warn_1(
                        &format!("policy-consent: {e}; the visitor is asked instead").into(),
                    )
                })
                .ok()
        });
        let mount = get(&options, "mount").and_then(|m| m.dyn_into::<web_sys::Element>().ok());
        let store = Chain::new(stores(&storage_kind));
        let key = format!("policy-consent:{}", manifest.policy.id);
        let now = app::now();

        let raws = if storage_kind == "native" {
            get(&options, "record")
                .and_then(|r| {
                    r.as_string()
                        .or_else(|| js_sys::JSON::stringify(&r).ok().and_then(|s| s.as_string()))
                })
                .into_iter()
                .collect()
        } else {
            store.get_all(&key)
        };
        let (raw, stored) = newest_record(raws, &manifest, now, |raw| {
            // Kept aside, never thrown away: someone may want to look at it.
            store.set_beside(&format!("{key}:backup"), raw);
        });

        let host = Options {
            policy_url,
            policy_text,
            versions: link("versions"),
            verify,
            receipt_endpoint: link("receiptEndpoint"),
            view_url: link("policyView"),
            mount,
        };

        // A returning visitor under an older version that the changelog does not cover:
        // compare with the published old text when there is one.
        let mut policy_state = CurrentPolicy::default();
        if let Some(Ok(record)) = &stored {
            let old = &record.policy.version;
            let covered = manifest.changelog_entry(old).is_some()
                && manifest.changelog_entry(&manifest.policy.version).is_some();
            if *old != manifest.policy.version && !covered {
                policy_state.comparison = lazy::assess_published(
                    &manifest,
                    old,
                    host.policy_href().as_deref(),
                    host.policy_text.as_deref(),
                    host.versions_url().as_deref(),
                )
                .await;
            }
        }
        let gpc = signals::gpc();
        let config = Config {
            locale: locale.clone(),
            guardian_verification: host.verify.is_some(),
            host_birth: birth,
        };
        let engine = Engine::start(Init {
            manifest: manifest.clone(),
            policy: policy_state.clone(),
            stored,
            signals: Signals { gpc },
            config: config.clone(),
            new_record_id: new_id(),
            now,
        });
        let had_decision = engine
            .record()
            .purposes
            .values()
            .any(|p| p.by != crate::consent::Actor::System);
        let receipt_endpoint = host.receipt_endpoint.as_ref().map(Link::href);
        let strings = Strings::new(&locale, &manifest);
        let app = App::new(Parts {
            engine,
            strings,
            store,
            key,
            options: host,
            gpc,
            config,
            policy_state,
            stored_raw: raw,
        })
        .map_err(js_error)?;
        let shared: Shared = Rc::new(RefCell::new(app));
        app::wire(&shared).map_err(js_error)?;
        // Every Consent Mode type the manifest maps, each once: the engine's map has them.
        let mode_types: Vec<String> = shared
            .borrow()
            .engine
            .consent_mode()
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        signals::consent_mode_default(&mode_types);
        {
            let mut app = shared.borrow_mut();
            // Reconciling (a revision, expiry, GPC) may have changed the stored record.
            if had_decision {
                let json = app::encode(app.engine.record());
                if json != app.last_saved {
                    if let Some(json) = json {
                        let saved = app.store.set(&app.key, &json);
                        app.persisted = saved.persisted;
                        app.last_saved = Some(json);
                    }
                }
            }
            app.adopt_banner();
            app.render();
        }
        app::after_change(&shared, false);
        if had_decision {
            let mode = js_sys::Object::new();
            for (k, v) in shared.borrow().engine.consent_mode() {
                let _ = Reflect::set(&mode, &k.as_str().into(), &v.into());
            }
            signals::consent_mode_update(&mode);
        }
        if let Some(endpoint) = receipt_endpoint {
            signals::flush_receipts(&shared, &endpoint);
        }
        let consent = PolicyConsent { app: shared };
        app::dispatch_window_event("policy-consent:ready", &consent.granted_map());
        Ok(consent)
    }

    fn granted_map(&self) -> JsValue {
        let app = self.app.borrow();
        let map = js_sys::Object::new();
        for p in &app.engine.manifest().purposes {
            let _ = Reflect::set(
                &map,
                &p.id.as_str().into(),
                &app.engine.granted(&p.id).into(),
            );
        }
        map.into()
    }

    /// Whether a purpose is active now.
    pub fn granted(&self, purpose: &str) -> bool {
        self.app.borrow().engine.granted(purpose)
    }

    /// The stored record, as a plain object.
    #[wasm_bindgen(unchecked_return_type = "ConsentRecord")]
    pub fn record(&self) -> JsValue {
        to_js(&self.app.borrow().engine.record()).unwrap_or(JsValue::NULL)
    }

    /// The person's copy of their consent.
    #[wasm_bindgen(unchecked_return_type = "Receipt")]
    pub fn receipt(&self) -> JsValue {
        to_js(&self.app.borrow().engine.receipt(app::now())).unwrap_or(JsValue::NULL)
    }

    /// What the UI shows now.
    #[wasm_bindgen(unchecked_return_type = "Prompt")]
    pub fn prompt(&self) -> JsValue {
        to_js(&self.app.borrow().engine.prompt()).unwrap_or(JsValue::NULL)
    }

    /// Every purpose with its state and lock.
    #[wasm_bindgen(unchecked_return_type = "PurposeView[]")]
    pub fn purposes(&self) -> JsValue {
        to_js(&self.app.borrow().engine.purposes()).unwrap_or(JsValue::NULL)
    }

    /// Problems met while starting (a stored record that could not be used, kept aside).
    pub fn warnings(&self) -> Vec<String> {
        self.app.borrow().engine.warnings().to_vec()
    }

    /// Where the record is kept: `local`, `cookie`, `memory`.
    pub fn storage(&self) -> String {
        self.app.borrow().store.kind().to_string()
    }

    /// Opens the settings.
    #[wasm_bindgen(js_name = showSettings)]
    pub fn show_settings(&self) -> Result<(), JsError> {
        self.app.borrow_mut().open_settings().map_err(js_error)
    }

    /// Opens the policy viewer, at a section when given (an id like `s-2-5` or a number like `2.5`).
    #[wasm_bindgen(js_name = showPolicy)]
    pub fn show_policy(&self, section: Option<String>) {
        viewer::open(
            &self.app,
            section.map(|s| super::ui::section_anchor(&s)),
            false,
        );
    }

    /// Grants purposes (an API act, recorded as such).
    pub fn grant(&self, purposes: Vec<String>) -> Result<(), JsError> {
        app::act(&self.app, Event::Grant { purposes }, Method::Api).map_err(|e| JsError::new(&e))
    }

    /// Withdraws purposes at once.
    pub fn withdraw(&self, purposes: Vec<String>) -> Result<(), JsError> {
        app::act(&self.app, Event::Withdraw { purposes }, Method::Api).map_err(|e| JsError::new(&e))
    }

    /// Listens: `change` (detail: granted, record, persisted, reloadNeeded, consentMode).
    pub fn on(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"change\"")] event: &str,
        #[wasm_bindgen(unchecked_param_type = "(detail: ChangeDetail) => void")] callback: Function,
    ) {
        self.app
            .borrow_mut()
            .listeners
            .push((event.to_string(), callback));
    }
}
