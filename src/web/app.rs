//! The running consent UI: holds the engine, turns clicks into engine events, shows what the
//! engine's prompt says, persists the record, and tells the page (events, gated scripts).
//!
//! Everything that can call back into page JavaScript (gated scripts run on insertion,
//! `change` listeners, the guardian's verify function) runs after the state is released,
//! so a listener that calls the API never finds it borrowed.

use super::dom::{self, h};
use super::storage::Chain;
use super::strings::Strings;
use super::ui::{self, GuardianStep};
use super::{gating, signals};
use crate::consent::record::ConsentRecord;
use crate::consent::{Act, Config, CurrentPolicy, Engine, Event, Init, Method, Prompt, Signals};
use crate::policy::manifest::Manifest;
use crate::revision::Level;
use crate::sorted_map::SortedSet;
use js_sys::{Function, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{Element, HtmlDialogElement, HtmlElement, HtmlInputElement, HtmlSelectElement};

pub(crate) type Shared = Rc<RefCell<App>>;

/// The host's options, read from the object passed to `PolicyConsent.start`.
pub(crate) struct Options {
    pub policy_url: Option<Link>,
    pub policy_text: Option<String>,
    /// The `versions` option, if given (else see [`Options::versions_url`]).
    pub versions: Option<Link>,
    pub verify: Option<Function>,
    pub receipt_endpoint: Option<Link>,
    /// The viewer's rendering made ahead of time, if the host publishes one.
    pub view_url: Option<Link>,
    pub mount: Option<Element>,
}

impl Options {
    /// The policy's address, resolved.
    pub fn policy_href(&self) -> Option<String> {
        self.policy_url.as_ref().map(Link::href)
    }

    /// Where old versions are published: the `versions` option, else `versions/` beside the
    /// policy (or the policy's own folder, when it is one of them).
    pub fn versions_url(&self) -> Option<String> {
        if let Some(versions) = &self.versions {
            return Some(versions.href());
        }
        let policy = self.policy_href()?;
        let (dir, _) = policy.rsplit_once('/')?;
        Some(if dir.ends_with("/versions") {
            format!("{dir}/")
        } else {
            format!("{dir}/versions/")
        })
    }
}

/// An address the host gave, resolved against the page's address at start only when it is
/// used: the first `URL` object a page makes has Blink build the interface (~5 KB of the
/// page's heap), which a first visit that fetches nothing need not pay.
#[derive(Clone)]
pub(crate) struct Link {
    given: String,
    base: String,
}

impl Link {
    /// `given`, to be resolved against `base` (the page's address when the app started).
    pub fn new(given: String, base: &str) -> Link {
        Link {
            given,
            base: base.to_string(),
        }
    }

    /// The absolute address (or the given text, if it is not one relative to the page).
    pub fn href(&self) -> String {
        web_sys::Url::new_with_base(&self.given, &self.base)
            .map(|u| u.href())
            .unwrap_or_else(|_| self.given.clone())
    }
}

/// What a running UI is made from.
pub(crate) struct Parts {
    pub engine: Engine,
    pub strings: Strings,
    pub store: Chain,
    pub key: String,
    pub options: Options,
    pub gpc: bool,
    pub config: Config,
    pub policy_state: CurrentPolicy,
    /// The stored value as read, so an unchanged record is not written again.
    pub stored_raw: Option<String>,
}

pub(crate) struct App {
    pub engine: Engine,
    pub strings: Strings,
    pub store: Chain,
    pub key: String,
    pub options: Options,
    pub root: Element,
    pub listeners: Vec<(String, Function)>,
    /// Purposes whose gated scripts have run in this page.
    pub activated: SortedSet<String>,
    pub persisted: bool,
    pub gpc: bool,
    pub config: Config,
    pub policy_state: CurrentPolicy,
    pub guardian_step: GuardianStep,
    pub age_error: Option<String>,
    /// Prompt dialogs the person closed in this page view (shown again next time).
    pub dismissed: SortedSet<&'static str>,
    /// The modal the prompt put up, by hook.
    pub modal: Option<(&'static str, HtmlDialogElement)>,
    pub opener: Option<HtmlElement>,
    pub last_saved: Option<String>,
    pub channel: Option<web_sys::BroadcastChannel>,
    /// Which version the viewer holds: `Some(false)` the current one, `Some(true)` the upcoming one.
    pub policy_loaded: Option<bool>,
    /// The current policy's text, once fetched (by a prefetch or the viewer).
    pub policy_text: Option<String>,
    /// A prefetch for the viewer has started.
    pub prefetched: bool,
    /// The viewer's rendering, made ahead of the click or in flight, and what it was made for.
    pub view: Option<(super::viewer::ViewKey, js_sys::Promise)>,
    /// What the banner or bar on screen says (empty: none), to rebuild it only on change.
    pub shown: String,
    /// The click handler of the UI's root, also listening on placeholders outside it.
    pub click: Option<Function>,
    _closures: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

/// Milliseconds now.
pub(crate) fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// The record as JSON, through the browser's own JSON.
pub(crate) fn encode(record: &ConsentRecord) -> Option<String> {
    let value = super::to_js(record).ok()?;
    js_sys::JSON::stringify(&value).ok()?.as_string()
}

/// A stored record: size-checked, parsed by the browser, decoded strictly, validated.
pub(crate) fn decode(
    raw: &str,
    manifest: &Manifest,
    now: i64,
) -> Result<ConsentRecord, crate::consent::RecordError> {
    use crate::consent::record::{MAX_RECORD_BYTES, RecordError};
    if raw.len() > MAX_RECORD_BYTES {
        return Err(RecordError::TooLarge(raw.len()));
    }
    let value = js_sys::JSON::parse(raw).map_err(|_| RecordError::Malformed("not JSON".into()))?;
    let schema = Reflect::get(&value, &"schema".into())
        .ok()
        .and_then(|v| v.as_f64());
    if let Some(schema) = schema.filter(|s| *s > f64::from(crate::consent::record::RECORD_SCHEMA)) {
        return Err(RecordError::FutureSchema(schema as u32));
    }
    let record: ConsentRecord =
        serde_wasm_bindgen::from_value(value).map_err(|e| RecordError::Malformed(e.to_string()))?;
    record.validate(manifest, now)
}

impl App {
    pub(crate) fn new(parts: Parts) -> Result<App, JsValue> {
        let Parts {
            engine,
            strings,
            store,
            key,
            options,
            gpc,
            config,
            policy_state,
            stored_raw,
        } = parts;
        let document = dom::document()?;
        let mount: Element = match &options.mount {
            Some(m) => m.clone(),
            None => document.body().ok_or("no body")?.into(),
        };
        // The loader may have painted the banner already (a first visit): adopt its root.
        let root = match dom::find(&mount, ":scope > [data-pc-root]") {
            Some(root) => root,
            None => {
                let root = h("div")
                    .class("pc-root")
                    .attr("data-pc-root", "")
                    .attr("lang", strings.locale())
                    .build()?;
                mount.append_child(&root)?;
                root
            }
        };
        Ok(App {
            engine,
            strings,
            store,
            key,
            options,
            root,
            listeners: Vec::new(),
            activated: SortedSet::new(),
            persisted: true,
            gpc,
            config,
            policy_state,
            guardian_step: GuardianStep::Form(None),
            age_error: None,
            dismissed: SortedSet::new(),
            modal: None,
            opener: None,
            last_saved: stored_raw,
            channel: None,
            policy_loaded: None,
            policy_text: None,
            prefetched: false,
            view: None,
            shown: String::new(),
            click: None,
            _closures: Vec::new(),
        })
    }

    /// Stores the record when it changed; tells other tabs.
    fn save(&mut self) {
        let Some(json) = encode(self.engine.record()) else {
            self.persisted = false;
            return;
        };
        if self.last_saved.as_deref() == Some(json.as_str()) {
            return;
        }
        let saved = self.store.set(&self.key, &json);
        self.persisted = saved.persisted;
        if saved.persisted {
            self.last_saved = Some(json.clone());
        }
        if let Some(channel) = &self.channel {
            let _ = channel.post_message(&JsValue::from_str(&json));
        }
    }

    /// Shows what the engine's prompt says: banner, bars, the prompt's modal, the settings button.
    pub(crate) fn render(&mut self) {
        if let Err(e) = self.try_render() {
            web_sys::console::warn_2(&"policy-consent: could not render".into(), &e);
        }
    }

    fn try_render(&mut self) -> Result<(), JsValue> {
        let prompt = self.engine.prompt();
        // The banner and bars are rebuilt only when what they say changes, so focus and the
        // element that opened a dialog survive a render.
        let shown = match &prompt {
            Prompt::Banner { reason } => self.banner_signature(reason),
            Prompt::ChangeNotice {
                level: Level::Minor,
                ..
            } if !self.dismissed.contains("minor") => "minor".into(),
            Prompt::UpcomingChange { .. } if !self.dismissed.contains("upcoming") => {
                "upcoming".into()
            }
            _ => String::new(),
        };
        if self.shown != shown {
            self.shown = shown;
            let focused = dom::document()
                .ok()
                .and_then(|d| d.active_element())
                .and_then(|e| e.get_attribute("data-pc-action"));
            for old in dom::find_all(&self.root, "[data-pc=\"banner\"], .pc-bar") {
                old.remove();
            }
            let manifest = self.engine.manifest();
            let fresh = match &prompt {
                Prompt::Banner { reason } => {
                    Some(ui::banner(&self.strings, reason, self.gpc, manifest)?)
                }
                Prompt::ChangeNotice {
                    level: Level::Minor,
                    ..
                } if !self.dismissed.contains("minor") => Some(ui::notice_bar(
                    &self.strings,
                    "minor",
                    self.strings.get("notice.minor.text"),
                )?),
                Prompt::UpcomingChange { date, .. } if !self.dismissed.contains("upcoming") => {
                    let text = crate::search::replace(
                        self.strings.get("notice.upcoming.text"),
                        "{date}",
                        &self.strings.date(date),
                    );
                    Some(ui::notice_bar(&self.strings, "upcoming", &text)?)
                }
                _ => None,
            };
            if let Some(fresh) = fresh {
                self.root.prepend_with_node_1(&fresh)?;
                // Focus that was on a control of the old banner moves to the same control.
                let same =
                    focused.and_then(|a| dom::find(&fresh, &format!("[data-pc-action=\"{a}\"]")));
                if let Some(control) = same.and_then(|c| c.dyn_into::<HtmlElement>().ok()) {
                    let _ = control.focus();
                }
            }
        }
        let manifest = self.engine.manifest();
        let fab = dom::find(&self.root, ".pc-fab");
        match (matches!(prompt, Prompt::Banner { .. }), fab) {
            (true, Some(fab)) => fab.remove(),
            (false, None) => {
                let button = ui::settings_button(&self.strings)?;
                self.root.append_child(&button)?;
            }
            _ => {}
        }
        let wanted: Option<&'static str> = match &prompt {
            Prompt::AgeGate => Some("age-gate"),
            Prompt::GuardianNeeded { .. } if !self.dismissed.contains("guardian") => {
                Some("guardian")
            }
            Prompt::ChangeNotice {
                level: Level::Material,
                ..
            } if !self.dismissed.contains("change-notice") => Some("change-notice"),
            _ => None,
        };
        let current = self.modal.as_ref().map(|(hook, _)| *hook);
        let rebuild = wanted.is_some()
            && (current != wanted || wanted == Some("age-gate") || wanted == Some("guardian"));
        if current.is_some() && (current != wanted || rebuild) {
            if let Some((_, dialog)) = self.modal.take() {
                dialog.close();
                dialog.remove();
            }
        }
        if let (Some(hook), true) = (wanted, rebuild) {
            let element = match hook {
                "age-gate" => ui::age_gate(&self.strings, year_now(), self.age_error.as_deref())?,
                "guardian" => {
                    let step = match &prompt {
                        Prompt::GuardianNeeded {
                            awaiting_verification: true,
                        } => GuardianStep::Waiting,
                        _ => self.guardian_step.clone(),
                    };
                    ui::guardian(
                        &self.strings,
                        manifest,
                        self.options.verify.is_some(),
                        &step,
                    )?
                }
                _ => {
                    let Prompt::ChangeNotice { purposes, .. } = &prompt else {
                        return Ok(());
                    };
                    let summary = manifest
                        .changelog_entry(&manifest.policy.version)
                        .map(|e| e.summary.get(self.strings.locale()).to_string());
                    ui::material_notice(&self.strings, manifest, summary.as_deref(), purposes)?
                }
            };
            let dialog: HtmlDialogElement = element.dyn_into()?;
            self.root.append_child(&dialog)?;
            if !dialog.open() {
                dialog.show_modal()?;
            }
            focus_first(&dialog);
            self.modal = Some((hook, dialog));
        }
        Ok(())
    }

    /// What a banner says, to compare with the one on screen.
    fn banner_signature(&self, reason: &crate::consent::AskReason) -> String {
        use crate::consent::AskReason::*;
        let mut signature = String::from(match reason {
            FirstVisit => "banner:first",
            InvalidRecord => "banner:invalid",
            Expired => "banner:expired",
            GuardianLapsed => "banner:lapsed",
            Guardian => "banner:guardian",
            NewPurposes { .. } => "banner:new:",
        });
        if let NewPurposes { purposes } = reason {
            signature.push_str(&purposes.join(","));
        }
        if self.gpc {
            signature.push_str(":gpc");
        }
        signature
    }

    /// Keeps the banner the loader painted when the engine asks for the same one (a first
    /// visit: nothing stored); any other prompt replaces it, and none removes it.
    pub(crate) fn adopt_banner(&mut self) {
        let Some(painted) = dom::find(&self.root, "[data-pc=\"banner\"]") else {
            return;
        };
        match self.engine.prompt() {
            Prompt::Banner { reason } if reason == crate::consent::AskReason::FirstVisit => {
                self.shown = self.banner_signature(&reason);
            }
            // Another tab may have decided since the loader painted it (an app started on
            // demand is often started by that decision): the render shows what is due.
            _ => painted.remove(),
        }
    }

    /// Opens the settings dialog, built from the current state.
    pub(crate) fn open_settings(&mut self) -> Result<(), JsValue> {
        self.remember_opener();
        if let Some(old) = dom::find(&self.root, "[data-pc=\"settings\"]") {
            old.remove();
        }
        let element = ui::settings(
            &self.strings,
            self.engine.manifest(),
            &self.engine.purposes(),
        )?;
        let dialog: HtmlDialogElement = element.dyn_into()?;
        self.root.append_child(&dialog)?;
        dialog.show_modal()?;
        focus_first(&dialog);
        Ok(())
    }

    /// Remembers the focused element, to give focus back to when a dialog closes.
    pub(crate) fn remember_opener(&mut self) {
        self.opener = dom::document()
            .ok()
            .and_then(|d| d.active_element())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    }

    /// Closes a dialog by hook and gives focus back to what opened it.
    pub(crate) fn close_dialog(&mut self, dialog: &HtmlDialogElement) {
        let hook = dialog.get_attribute("data-pc").unwrap_or_default();
        dialog.close();
        if let Some((current, _)) = &self.modal {
            if *current == hook.as_str() {
                let current = *current;
                self.dismissed.insert(current);
                self.modal = None;
                if current == "age-gate" {
                    // Closing the age question cancels the grants that waited for it.
                    self.engine.cancel_pending();
                }
            }
        }
        if hook != "policy" {
            dialog.remove();
        }
        if let Some(opener) = self.opener.take().filter(|o| o.is_connected()) {
            let _ = opener.focus();
        } else if let Some(button) =
            dom::find(&self.root, ".pc-fab").and_then(|b| b.dyn_into::<HtmlElement>().ok())
        {
            let _ = button.focus();
        }
    }
}

fn year_now() -> i64 {
    js_sys::Date::new_0().get_full_year() as i64
}

fn focus_first(dialog: &HtmlDialogElement) {
    let target = dom::find(
        dialog,
        "input:not([disabled]), select, button.pc-primary, button",
    );
    if let Some(el) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Applies an engine event and then runs its effects.
pub(crate) fn act(shared: &Shared, event: Event, method: Method) -> Result<(), String> {
    let result = {
        let mut app = shared.borrow_mut();
        let result = app.engine.handle(event, Act { now: now(), method });
        if let Ok(outcome) = &result {
            if outcome.changed {
                app.save();
            }
            app.render();
        }
        result
    };
    match result {
        Ok(outcome) => {
            after_change(shared, outcome.changed);
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// What follows a change, with nothing borrowed: gated scripts and their placeholders, the
/// change event, the receipt, the app bridge.
pub(crate) fn after_change(shared: &Shared, changed: bool) {
    let (granted, detail, listeners, receipt, endpoint, placeholders) = {
        let mut app = shared.borrow_mut();
        let granted: SortedSet<String> = app
            .engine
            .manifest()
            .purposes
            .iter()
            .filter(|p| app.engine.granted(&p.id))
            .map(|p| p.id.clone())
            .collect();
        let reload: Vec<String> = app
            .activated
            .iter()
            .filter(|p| !granted.contains(*p))
            .cloned()
            .collect();
        // Only a change is told (on start nothing is: the ready event says what holds).
        let detail = if changed {
            change_detail(&app, &granted, &reload)
        } else {
            JsValue::UNDEFINED
        };
        let listeners: Vec<Function> = app
            .listeners
            .iter()
            .filter(|(e, _)| e == "change")
            .map(|(_, f)| f.clone())
            .collect();
        let receipt = changed
            .then(|| super::to_js(&app.engine.receipt(now())).ok())
            .flatten();
        let endpoint = app.options.receipt_endpoint.as_ref().map(Link::href);
        app.activated.extend(granted.iter().cloned());
        // The cookies of purposes not granted go, on start too (set before a decision, or
        // under consent since withdrawn, expired or suspended by a revision).
        if app
            .engine
            .manifest()
            .purposes
            .iter()
            .any(|p| !p.cookies.is_empty())
        {
            let cookies = super::browser::cookies().unwrap_or_default();
            let names = super::browser::cookie_pairs(&cookies).map(|(name, _)| name);
            for name in app.engine.cookies_to_delete(names) {
                let _ = super::browser::delete_cookie(name);
            }
        }
        let placeholders = app.click.clone().map(|click| {
            let views = app.engine.purposes();
            gating::Placeholders::new(&app.strings, app.engine.manifest(), &views, click)
        });
        (granted, detail, listeners, receipt, endpoint, placeholders)
    };
    gating::activate(&granted);
    if let Some(placeholders) = placeholders {
        placeholders.show();
    }
    // A material notice just shown: fetch and fill in its word diffs.
    let unfilled = dom::find(
        &shared.borrow().root,
        "[data-pc-changes]:not([data-pc-filled])",
    );
    if let Some(container) = unfilled {
        let _ = container.set_attribute("data-pc-filled", "");
        super::viewer::fill_notice(shared);
    }
    if changed {
        for listener in listeners {
            let _ = listener.call1(&JsValue::NULL, &detail);
        }
        dispatch_window_event("policy-consent:change", &detail);
        signals::after_change(shared, &detail);
        if let (Some(receipt), Some(endpoint)) = (receipt, endpoint) {
            signals::send_receipt(shared, &endpoint, &receipt);
        }
    }
}

fn change_detail(app: &App, granted: &SortedSet<String>, reload: &[String]) -> JsValue {
    let detail = js_sys::Object::new();
    let map = js_sys::Object::new();
    for p in &app.engine.manifest().purposes {
        let _ = Reflect::set(&map, &p.id.as_str().into(), &granted.contains(&p.id).into());
    }
    let set = |k: &str, v: &JsValue| {
        let _ = Reflect::set(&detail, &k.into(), v);
    };
    set("granted", &map);
    set("persisted", &app.persisted.into());
    set("storage", &app.store.kind().into());
    let reload_array: js_sys::Array = reload.iter().map(|p| JsValue::from_str(p)).collect();
    set("reloadNeeded", &reload_array);
    let record = super::to_js(app.engine.record()).unwrap_or(JsValue::NULL);
    set("record", &record);
    let mode = js_sys::Object::new();
    for (k, v) in app.engine.consent_mode() {
        let _ = Reflect::set(&mode, &k.as_str().into(), &v.into());
    }
    set("consentMode", &mode);
    detail.into()
}

pub(crate) fn dispatch_window_event(name: &str, detail: &JsValue) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(detail);
    if let (Some(window), Ok(event)) = (
        web_sys::window(),
        web_sys::CustomEvent::new_with_event_init_dict(name, &init),
    ) {
        let _ = window.dispatch_event(&event);
    }
}

/// Wires the DOM: one delegated listener on the root for clicks, submits, searches and
/// dialog closes; the channel to other tabs.
pub(crate) fn wire(shared: &Shared) -> Result<(), JsValue> {
    let root = shared.borrow().root.clone();
    let mut closures = Vec::new();
    for kind in [
        "click",
        "submit",
        "input",
        "close",
        "cancel",
        "keydown",
        "pointerover",
        "focusin",
    ] {
        let weak = Rc::downgrade(shared);
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            // An event dispatched synchronously by our own DOM calls (focus() in a render)
            // finds the app borrowed: it is ours, not the person's, and is let go rather
            // than panicking.
            if let Some(shared) = weak.upgrade().filter(|s| s.try_borrow_mut().is_ok()) {
                on_event(&shared, &event);
            }
        });
        // `close` and `cancel` do not bubble: listen in the capture phase.
        root.add_event_listener_with_callback_and_bool(
            kind,
            closure.as_ref().unchecked_ref(),
            kind == "close" || kind == "cancel",
        )?;
        if kind == "click" {
            shared.borrow_mut().click = Some(closure.as_ref().unchecked_ref::<Function>().clone());
        }
        closures.push(closure);
    }
    let key = shared.borrow().key.clone();
    if let Ok(channel) = web_sys::BroadcastChannel::new(&key) {
        let weak = Rc::downgrade(shared);
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(shared) = weak.upgrade() else {
                return;
            };
            if let Some(json) = event
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|m| m.data().as_string())
            {
                from_other_tab(&shared, &json);
            }
        });
        channel.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        closures.push(closure);
        shared.borrow_mut().channel = Some(channel);
    }
    // localStorage's own event, for browsers without BroadcastChannel.
    let weak = Rc::downgrade(shared);
    let storage_listener =
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(shared) = weak.upgrade() else {
                return;
            };
            if let Some(e) = event.dyn_ref::<web_sys::StorageEvent>() {
                let ours = e.key().is_some_and(|k| k == shared.borrow().key);
                if let (true, Some(json)) = (ours, e.new_value()) {
                    from_other_tab(&shared, &json);
                }
            }
        });
    if let Some(window) = web_sys::window() {
        window.add_event_listener_with_callback(
            "storage",
            storage_listener.as_ref().unchecked_ref(),
        )?;
    }
    closures.push(storage_listener);
    shared.borrow_mut()._closures = closures;
    Ok(())
}

/// A decision made in another tab: the newest record wins in every tab.
fn from_other_tab(shared: &Shared, json: &str) {
    let changed = {
        let mut app = shared.borrow_mut();
        if app.last_saved.as_deref() == Some(json) {
            return;
        }
        let manifest = app.engine.manifest().clone();
        let Ok(record) = decode(json, &manifest, now()) else {
            return;
        };
        let ours = app.last_saved.as_deref().unwrap_or("");
        if !record.prevails_over(json, app.engine.record(), ours) {
            // Ours wins, but the other tab's write may have landed after ours: put ours back
            // so the store agrees with both tabs.
            if let Some(ours) = app.last_saved.clone() {
                if app.store.get(&app.key).as_deref() != Some(ours.as_str()) {
                    app.store.set(&app.key, &ours);
                }
            }
            return;
        }
        let engine = Engine::start(Init {
            manifest,
            policy: app.policy_state.clone(),
            stored: Some(Ok(record)),
            signals: Signals { gpc: app.gpc },
            config: app.config.clone(),
            new_record_id: String::new(),
            now: now(),
        });
        app.engine = engine;
        app.last_saved = Some(json.to_string());
        // A later write from a tab that lost may sit in the store: the winner goes back.
        if app.store.get(&app.key).as_deref() != Some(json) {
            app.persisted = app.store.set(&app.key, json).persisted;
        }
        if let Some((_, dialog)) = app.modal.take() {
            dialog.close();
            dialog.remove();
        }
        app.render();
        true
    };
    after_change(shared, changed);
}

fn on_event(shared: &Shared, event: &web_sys::Event) {
    let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    match event.type_().as_str() {
        "click" => {
            if let Some(button) = target.closest("[data-pc-action]").ok().flatten() {
                let action = button.get_attribute("data-pc-action").unwrap_or_default();
                // Submit buttons are handled by the form's submit event.
                if action != "age-submit" && action != "guardian-submit" {
                    event.prevent_default();
                    on_action(shared, &action, &button);
                }
            }
        }
        "submit" => {
            event.prevent_default();
            match target.get_attribute("data-pc-form").as_deref() {
                Some("age") => submit_age(shared, &target),
                Some("guardian") => submit_guardian(shared, &target),
                _ => {}
            }
        }
        "input" if target.get_attribute("data-pc-field").as_deref() == Some("policy-search") => {
            if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
                super::viewer::filter(&shared.borrow().root, &input.value());
            }
        }
        "keydown" => trap_focus(event, &target),
        // A pointer on, or focus in, a link to the policy: fetch what the viewer needs now,
        // so it opens at once on the click that usually follows.
        "pointerover" | "focusin" => {
            if let Some(link) = target.closest("[data-pc-action=\"policy\"]").ok().flatten() {
                super::viewer::prefetch(shared, shows_upcoming(&link));
            }
        }
        "close" | "cancel" => {
            if let Some(dialog) = target.dyn_ref::<HtmlDialogElement>() {
                if event.type_() == "cancel" {
                    event.prevent_default();
                }
                let dialog = dialog.clone();
                let closed_by_us = !dialog.is_connected();
                // Escape (cancel) or a close we did not make: the person dismissed it.
                if !closed_by_us && (event.type_() == "cancel" || !dialog.open()) {
                    shared.borrow_mut().close_dialog(&dialog);
                    shared.borrow_mut().render();
                }
            }
        }
        _ => {}
    }
}

/// Tab and Shift+Tab stay inside an open dialog: from the last control to the first and back.
fn trap_focus(event: &web_sys::Event, target: &Element) {
    let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
        return;
    };
    if key.key() != "Tab" {
        return;
    }
    let Some(dialog) = dialog_of(target).filter(HtmlDialogElement::open) else {
        return;
    };
    let focusable: Vec<HtmlElement> = dom::find_all(
        &dialog,
        "button, input, select, textarea, a[href], [tabindex]:not([tabindex=\"-1\"])",
    )
    .into_iter()
    .filter_map(|e| e.dyn_into::<HtmlElement>().ok())
    .filter(|e| !e.has_attribute("disabled") && e.closest("[hidden]").ok().flatten().is_none())
    .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        return;
    };
    let active = dom::document().ok().and_then(|d| d.active_element());
    let at = |e: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<Element>())
    };
    if key.shift_key() && at(first) {
        event.prevent_default();
        let _ = last.focus();
    } else if !key.shift_key() && at(last) {
        event.prevent_default();
        let _ = first.focus();
    }
}

fn dialog_of(element: &Element) -> Option<HtmlDialogElement> {
    element
        .closest("dialog")
        .ok()
        .flatten()
        .and_then(|d| d.dyn_into().ok())
}

fn on_action(shared: &Shared, action: &str, button: &Element) {
    let in_settings = button
        .closest("[data-pc=\"settings\"]")
        .ok()
        .flatten()
        .is_some();
    let method = if in_settings {
        Method::Settings
    } else {
        Method::Banner
    };
    let result = match action {
        "accept-all" => act(shared, Event::AcceptAll, method),
        "reject-all" => act(shared, Event::RejectAll, method),
        "settings" | "open-settings" => shared
            .borrow_mut()
            .open_settings()
            .map_err(|e| super::js_text(&e)),
        "save" => {
            let granted = checked_purposes(button);
            let result = act(shared, Event::Save { granted }, Method::Settings);
            if let Some(dialog) = dialog_of(button) {
                shared.borrow_mut().close_dialog(&dialog);
            }
            result
        }
        "close" => {
            if let Some(dialog) = dialog_of(button) {
                shared.borrow_mut().close_dialog(&dialog);
                shared.borrow_mut().render();
            }
            Ok(())
        }
        "policy" => {
            let section = button.get_attribute("data-pc-section");
            super::viewer::open(shared, section, shows_upcoming(button));
            Ok(())
        }
        "guardian-later" => {
            if let Some(dialog) = dialog_of(button) {
                shared.borrow_mut().close_dialog(&dialog);
                shared.borrow_mut().render();
            }
            Ok(())
        }
        "acknowledge" => acknowledge(shared, button),
        "allow" => {
            let purposes = button
                .closest("[data-pc=placeholder]")
                .ok()
                .flatten()
                .and_then(|p| p.get_attribute("data-pc-for"))
                .unwrap_or_default();
            // The placeholder's ids, one space apart.
            let purposes = purposes.split(' ').map(String::from).collect();
            act(shared, Event::Grant { purposes }, Method::Embed)
        }
        _ => Ok(()),
    };
    if let Err(e) = result {
        web_sys::console::warn_1(&format!("policy-consent: {e}").into());
    }
}

/// Whether a link to the policy is the advance notice's: the upcoming version, its changes
/// marked.
fn shows_upcoming(link: &Element) -> bool {
    link.closest("[data-pc-level=\"upcoming\"]")
        .ok()
        .flatten()
        .is_some()
}

fn checked_purposes(within: &Element) -> Vec<String> {
    let scope = within
        .closest("dialog")
        .ok()
        .flatten()
        .unwrap_or_else(|| within.clone());
    dom::find_all(&scope, "input[data-pc-purpose]")
        .into_iter()
        .filter_map(|e| e.dyn_into::<HtmlInputElement>().ok())
        .filter(|i| i.checked() && !i.disabled())
        .filter_map(|i| i.get_attribute("data-pc-purpose"))
        .collect()
}

fn acknowledge(shared: &Shared, button: &Element) -> Result<(), String> {
    let prompt = shared.borrow().engine.prompt();
    match prompt {
        Prompt::UpcomingChange { .. } => act(shared, Event::AcknowledgeUpcoming, Method::Notice),
        Prompt::ChangeNotice {
            level: Level::Material,
            ..
        } => {
            let granted = checked_purposes(button);
            if !granted.is_empty() {
                act(shared, Event::Grant { purposes: granted }, Method::Notice)?;
            }
            act(shared, Event::AcknowledgeNotice, Method::Notice)
        }
        _ => act(shared, Event::AcknowledgeNotice, Method::Notice),
    }
}

fn field_value(form: &Element, name: &str) -> String {
    let Some(field) = dom::find(form, &format!("[data-pc-field=\"{name}\"]")) else {
        return String::new();
    };
    if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
        if input.type_() == "checkbox" {
            return if input.checked() {
                "on".into()
            } else {
                String::new()
            };
        }
        return input.value();
    }
    field
        .dyn_ref::<HtmlSelectElement>()
        .map(HtmlSelectElement::value)
        .unwrap_or_default()
}

fn submit_age(shared: &Shared, form: &Element) {
    let year = field_value(form, "birth-year").trim().parse::<i32>();
    let month = field_value(form, "birth-month").trim().parse::<u32>();
    let error = match (year, month) {
        (Ok(birth_year), Ok(birth_month)) => act(
            shared,
            Event::DeclareAge {
                birth_year,
                birth_month,
            },
            Method::Banner,
        )
        .err(),
        _ => Some(shared.borrow().strings.get("age.invalid").to_string()),
    };
    let mut app = shared.borrow_mut();
    app.age_error = error;
    if app.age_error.is_some() {
        // Rebuild the age gate with the message.
        if let Some((_, dialog)) = app.modal.take() {
            dialog.close();
            dialog.remove();
        }
        app.render();
    }
}

fn submit_guardian(shared: &Shared, form: &Element) {
    let name = field_value(form, "guardian-name");
    let relationship = field_value(form, "guardian-relationship");
    let attest = field_value(form, "guardian-attest") == "on";
    let contact = field_value(form, "guardian-contact");
    let verify = shared.borrow().options.verify.clone();
    let started = act(
        shared,
        Event::GuardianStart {
            name,
            relationship,
            attest,
        },
        Method::Banner,
    );
    if let Err(e) = started {
        let mut app = shared.borrow_mut();
        app.guardian_step = GuardianStep::Form(Some(e));
        if let Some((_, dialog)) = app.modal.take() {
            dialog.close();
            dialog.remove();
        }
        app.render();
        return;
    }
    let Some(verify) = verify else {
        return;
    };
    let shared = shared.clone();
    spawn_local(async move {
        let result = match verify.call1(&JsValue::NULL, &JsValue::from_str(&contact)) {
            Ok(value) => match value.dyn_into::<js_sys::Promise>() {
                Ok(promise) => JsFuture::from(promise).await,
                Err(value) => Ok(value),
            },
            Err(e) => Err(e),
        };
        let token = result.ok().filter(|t| !t.is_falsy());
        match token {
            Some(token) => {
                let token = token.as_string().or_else(|| {
                    js_sys::JSON::stringify(&token)
                        .ok()
                        .and_then(|s| s.as_string())
                });
                let _ = act(
                    &shared,
                    Event::GuardianConfirm {
                        method: "host-verified".into(),
                        token,
                    },
                    Method::Banner,
                );
            }
            None => {
                let mut app = shared.borrow_mut();
                let failed = app.strings.get("guardian.failed").to_string();
                app.guardian_step = GuardianStep::Form(Some(failed));
                // Back to the form: the attestation stays, unconfirmed.
                if let Some((_, dialog)) = app.modal.take() {
                    dialog.close();
                    dialog.remove();
                }
                app.engine.guardian_failed();
                app.render();
            }
        }
    });
}
