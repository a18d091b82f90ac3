//! The consent UI's pieces, built from what the engine says and the strings: banner,
//! settings, age gate, guardian form, change notices, policy viewer frame. Stable hooks
//! (`data-pc`, `data-pc-action`, `data-pc-purpose`, `data-pc-field`) are the styling and
//! testing contract.

use super::dom::h;
use super::strings::Strings;
use crate::consent::{AskReason, Lock, PurposeView};
use crate::policy::manifest::{Manifest, Purpose};
use crate::policy::model;
use wasm_bindgen::JsValue;
use web_sys::Element;

type El = Result<Element, JsValue>;

fn button(action: &str, label: &str, class: &str) -> El {
    h("button")
        .attr("type", "button")
        .class(class)
        .attr("data-pc-action", action)
        .text(label)
        .build()
}

/// The element id a cited section has in the rendered policy: `2.5` → `s-2-5`; ids stay.
pub fn section_anchor(cited: &str) -> String {
    let cited = cited.trim().trim_start_matches('#').trim_end_matches('.');
    if cited.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        model::id_from_number(cited)
    } else {
        cited.to_string()
    }
}

/// The banner (first layer), with a note on why it asks again when it does.
pub fn banner(s: &Strings, reason: &AskReason, gpc: bool, manifest: &Manifest) -> El {
    let note = match reason {
        AskReason::FirstVisit => None,
        AskReason::InvalidRecord => Some(s.get("banner.invalid").to_string()),
        AskReason::Expired => Some(s.get("banner.expired").to_string()),
        AskReason::GuardianLapsed => Some(s.get("banner.lapsed").to_string()),
        AskReason::Guardian => Some(s.get("banner.guardian").to_string()),
        AskReason::NewPurposes { purposes } => {
            let titles: Vec<&str> = purposes
                .iter()
                .filter_map(|id| manifest.purpose(id))
                .map(|p| p.title.get(s.locale()))
                .collect();
            Some(format!("{} {}", s.get("banner.new"), titles.join(", ")))
        }
    };
    banner_element(&|key| s.get(key).to_string(), note.as_deref(), gpc)
}

/// The banner: title, short text, optional notes, a link to the policy, three equal buttons.
/// The loader's first paint (`src/web/loader.js`) builds the same markup before this
/// module has loaded, so the app can adopt it; `tests/tests.rs` keeps their words equal.
/// `text(key)` gives the words (`banner.title`, `banner.text`, `banner.policy`, `banner.gpc`,
/// `accept-all`, `reject-all`, `choose`).
fn banner_element(
    text: &dyn Fn(&str) -> String,
    note: Option<&str>,
    gpc: bool,
) -> Result<Element, JsValue> {
    let button = |action: &str, key: &str, class: &str| {
        h("button")
            .attr("type", "button")
            .class(class)
            .attr("data-pc-action", action)
            .text(&text(key))
            .build()
    };
    h("section")
        .attr("data-pc", "banner")
        .class("pc-banner")
        .attr("role", "region")
        .attr("aria-labelledby", "pc-banner-title")
        .child(
            h("h2")
                .attr("id", "pc-banner-title")
                .class("pc-title")
                .text(&text("banner.title"))
                .build(),
        )
        .child(h("p").class("pc-text").text(&text("banner.text")).build())
        .children(note.map(|n| h("p").class("pc-note").text(n).build()))
        .children(gpc.then(|| {
            h("p")
                .class("pc-note pc-gpc")
                .attr("data-pc-signal", "gpc")
                .text(&text("banner.gpc"))
                .build()
        }))
        .child(
            h("p")
                .class("pc-text")
                .child(button("policy", "banner.policy", "pc-link"))
                .build(),
        )
        .child(
            h("div")
                .class("pc-actions pc-actions-equal")
                .child(button("accept-all", "accept-all", "pc-button"))
                .child(button("reject-all", "reject-all", "pc-button"))
                .child(button("settings", "choose", "pc-button"))
                .build(),
        )
        .build()
}

/// The small persistent button that opens the settings at any time.
pub fn settings_button(s: &Strings) -> El {
    h("button")
        .attr("type", "button")
        .class("pc-fab")
        .attr("data-pc-action", "open-settings")
        .text(s.get("open-settings"))
        .build()
}

fn dialog(hook: &str, title_id: &str, title: &str, class: &str) -> H2 {
    H2 {
        dialog: h("dialog")
            .attr("data-pc", hook)
            .class(class)
            .attr("aria-labelledby", title_id),
        header: h("div").class("pc-dialog-header").child(
            h("h2")
                .attr("id", title_id)
                .class("pc-title")
                .text(title)
                .build(),
        ),
    }
}

/// A dialog being built: its header (title and close button) and body.
struct H2 {
    dialog: super::dom::H,
    header: super::dom::H,
}

impl H2 {
    fn closable(mut self, s: &Strings) -> H2 {
        self.header = self.header.child(
            h("button")
                .attr("type", "button")
                .class("pc-close")
                .attr("data-pc-action", "close")
                .attr("aria-label", s.get("settings.close"))
                .text("×")
                .build(),
        );
        self
    }

    fn body(self, children: impl IntoIterator<Item = El>) -> El {
        self.dialog
            .child(self.header.build())
            .children(children)
            .build()
    }
}

fn lock_text(s: &Strings, lock: Lock) -> &str {
    match lock {
        Lock::Required => s.get("lock.required"),
        Lock::ForbiddenForMinors => s.get("lock.forbidden"),
        Lock::NeedsGuardian => s.get("lock.guardian"),
    }
}

fn purpose_row(s: &Strings, purpose: &Purpose, view: &PurposeView) -> El {
    let id = format!("pc-purpose-{}", purpose.id);
    let desc_id = format!("{id}-desc");
    let checked = view.granted || (view.lock.is_none() && view.state == "granted");
    let mut row = h("div")
        .class("pc-purpose")
        .attr("data-pc-purpose-row", &purpose.id);
    let mut input = h("input")
        .attr("type", "checkbox")
        .attr("role", "switch")
        .attr("id", &id)
        .attr("data-pc-purpose", &purpose.id)
        .attr("aria-describedby", &desc_id)
        .flag("checked", checked)
        .flag("disabled", view.lock.is_some());
    if view.lock.is_some() {
        input = input.attr("aria-disabled", "true");
    }
    row = row.child(
        h("div")
            .class("pc-purpose-head")
            .child(input.build())
            .child(
                h("label")
                    .attr("for", &id)
                    .class("pc-purpose-title")
                    .text(purpose.title.get(s.locale()))
                    .build(),
            )
            .build(),
    );
    let mut description = h("div").attr("id", &desc_id).class("pc-purpose-desc");
    description = description.child(h("p").text(purpose.description.get(s.locale())).build());
    if !purpose.recipients.is_empty() {
        description = description.child(
            h("p")
                .class("pc-note")
                .text(&format!(
                    "{} {}",
                    s.get("settings.recipients"),
                    purpose.recipients.join(", ")
                ))
                .build(),
        );
    }
    if let Some(lock) = view.lock {
        description = description.child(
            h("p")
                .class("pc-lock")
                .attr("data-pc-lock", lock_name(lock))
                .text(lock_text(s, lock))
                .build(),
        );
    } else if view.state == "suspended" {
        description = description.child(
            h("p")
                .class("pc-lock")
                .text(s.get("state.suspended"))
                .build(),
        );
    }
    if let Some(first) = purpose.sections.first() {
        description = description.child(
            h("p")
                .child(
                    h("button")
                        .attr("type", "button")
                        .class("pc-link")
                        .attr("data-pc-action", "policy")
                        .attr("data-pc-section", &section_anchor(first))
                        .text(s.get("settings.read"))
                        .build(),
                )
                .build(),
        );
    }
    row.child(description.build()).build()
}

fn lock_name(lock: Lock) -> &'static str {
    match lock {
        Lock::Required => "required",
        Lock::ForbiddenForMinors => "forbidden",
        Lock::NeedsGuardian => "guardian",
    }
}

/// The settings dialog (second layer): a switch per purpose, locked ones with the reason.
pub fn settings(s: &Strings, manifest: &Manifest, views: &[PurposeView]) -> El {
    let rows = manifest.purposes.iter().filter_map(|p| {
        let view = views.iter().find(|v| v.id == p.id)?;
        Some(purpose_row(s, p, view))
    });
    dialog(
        "settings",
        "pc-settings-title",
        s.get("settings.title"),
        "pc-dialog",
    )
    .closable(s)
    .body([
        h("p").class("pc-text").text(s.get("settings.text")).build(),
        h("div").class("pc-purposes").children(rows).build(),
        h("div")
            .class("pc-actions pc-actions-equal")
            .child(button("reject-all", s.get("reject-all"), "pc-button"))
            .child(button("accept-all", s.get("accept-all"), "pc-button"))
            .child(button(
                "save",
                s.get("settings.save"),
                "pc-button pc-primary",
            ))
            .build(),
    ])
}

/// The age gate: birth year and month, a neutral question.
pub fn age_gate(s: &Strings, this_year: i64, error: Option<&str>) -> El {
    let mut month = h("select")
        .attr("id", "pc-birth-month")
        .attr("data-pc-field", "birth-month")
        .attr("required", "");
    month = month.child(h("option").attr("value", "").text("—").build());
    for m in 1..=12u32 {
        month = month.child(
            h("option")
                .attr("value", &m.to_string())
                .text(&s.month(m))
                .build(),
        );
    }
    dialog(
        "age-gate",
        "pc-age-title",
        s.get("age.title"),
        "pc-dialog pc-dialog-small",
    )
    .body([
        h("p").class("pc-text").text(s.get("age.text")).build(),
        h("form")
            .attr("data-pc-form", "age")
            .attr("novalidate", "")
            .child(
                h("div")
                    .class("pc-fields")
                    .child(
                        h("div")
                            .class("pc-field")
                            .child(
                                h("label")
                                    .attr("for", "pc-birth-year")
                                    .text(s.get("age.year"))
                                    .build(),
                            )
                            .child(
                                h("input")
                                    .attr("id", "pc-birth-year")
                                    .attr("data-pc-field", "birth-year")
                                    .attr("type", "number")
                                    .attr("inputmode", "numeric")
                                    .attr("min", &(this_year - 120).to_string())
                                    .attr("max", &this_year.to_string())
                                    .attr("required", "")
                                    .attr("autocomplete", "bday-year")
                                    .build(),
                            )
                            .build(),
                    )
                    .child(
                        h("div")
                            .class("pc-field")
                            .child(
                                h("label")
                                    .attr("for", "pc-birth-month")
                                    .text(s.get("age.month"))
                                    .build(),
                            )
                            .child(month.build())
                            .build(),
                    )
                    .build(),
            )
            .children(error.map(|e| {
                h("p")
                    .class("pc-error")
                    .attr("role", "alert")
                    .text(e)
                    .build()
            }))
            .child(
                h("div")
                    .class("pc-actions")
                    .child(
                        h("button")
                            .attr("type", "submit")
                            .class("pc-button pc-primary")
                            .attr("data-pc-action", "age-submit")
                            .text(s.get("age.submit"))
                            .build(),
                    )
                    .build(),
            )
            .build(),
    ])
}

/// Where the guardian flow is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardianStep {
    /// The form.
    Form(Option<String>),
    /// Waiting for the host's verification.
    Waiting,
}

/// The guardian path for a minor: why choices are locked, what is never available, and
/// the form (name, relationship, attestation, contact when the host verifies).
pub fn guardian(s: &Strings, manifest: &Manifest, verify: bool, step: &GuardianStep) -> El {
    let forbidden: Vec<&str> = manifest
        .purposes
        .iter()
        .filter(|p| !p.required && p.minors == crate::policy::manifest::MinorsRule::Forbidden)
        .map(|p| p.title.get(s.locale()))
        .collect();
    let mut body = vec![h("p").class("pc-text").text(s.get("guardian.text")).build()];
    if !forbidden.is_empty() {
        body.push(
            h("p")
                .class("pc-note")
                .attr("data-pc-lock", "forbidden")
                .text(&format!(
                    "{} {}",
                    s.get("guardian.forbidden"),
                    forbidden.join(", ")
                ))
                .build(),
        );
    }
    match step {
        GuardianStep::Waiting => body.push(
            h("p")
                .class("pc-note")
                .attr("role", "status")
                .text(s.get("guardian.waiting"))
                .build(),
        ),
        GuardianStep::Form(error) => {
            let field = |id: &str, label: &str, input: super::dom::H| {
                h("div")
                    .class("pc-field")
                    .child(h("label").attr("for", id).text(label).build())
                    .child(input.attr("id", id).build())
                    .build()
            };
            let relationship = h("select")
                .attr("data-pc-field", "guardian-relationship")
                .child(
                    h("option")
                        .attr("value", "parent")
                        .text(s.get("guardian.parent"))
                        .build(),
                )
                .child(
                    h("option")
                        .attr("value", "legal guardian")
                        .text(s.get("guardian.legal"))
                        .build(),
                );
            let mut form = h("form")
                .attr("data-pc-form", "guardian")
                .attr("novalidate", "")
                .child(field(
                    "pc-guardian-name",
                    s.get("guardian.name"),
                    h("input")
                        .attr("type", "text")
                        .attr("data-pc-field", "guardian-name")
                        .attr("autocomplete", "name")
                        .attr("required", ""),
                ))
                .child(field(
                    "pc-guardian-relationship",
                    s.get("guardian.relationship"),
                    relationship,
                ));
            if verify {
                form = form.child(field(
                    "pc-guardian-contact",
                    s.get("guardian.contact"),
                    h("input")
                        .attr("type", "text")
                        .attr("data-pc-field", "guardian-contact")
                        .attr("autocomplete", "email")
                        .attr("required", ""),
                ));
            }
            form = form
                .child(
                    h("div")
                        .class("pc-check")
                        .child(
                            h("input")
                                .attr("type", "checkbox")
                                .attr("id", "pc-guardian-attest")
                                .attr("data-pc-field", "guardian-attest")
                                .attr("required", "")
                                .build(),
                        )
                        .child(
                            h("label")
                                .attr("for", "pc-guardian-attest")
                                .text(s.get("guardian.attest"))
                                .build(),
                        )
                        .build(),
                )
                .children(error.as_deref().map(|e| {
                    h("p")
                        .class("pc-error")
                        .attr("role", "alert")
                        .text(e)
                        .build()
                }))
                .child(
                    h("div")
                        .class("pc-actions")
                        .child(button(
                            "guardian-later",
                            s.get("guardian.later"),
                            "pc-button",
                        ))
                        .child(
                            h("button")
                                .attr("type", "submit")
                                .class("pc-button pc-primary")
                                .attr("data-pc-action", "guardian-submit")
                                .text(s.get("guardian.submit"))
                                .build(),
                        )
                        .build(),
                );
            body.push(form.build());
        }
    }
    dialog(
        "guardian",
        "pc-guardian-title",
        s.get("guardian.title"),
        "pc-dialog",
    )
    .body(body)
}

/// The prominent notice of a material change: summary, purposes to answer again (off
/// until answered), and the changed sections (their word diffs are filled in when loaded).
pub fn material_notice(
    s: &Strings,
    manifest: &Manifest,
    summary: Option<&str>,
    purposes: &[String],
) -> El {
    let rows = purposes
        .iter()
        .filter_map(|id| manifest.purpose(id))
        .map(|p| {
            let id = format!("pc-notice-{}", p.id);
            h("div")
                .class("pc-purpose")
                .child(
                    h("div")
                        .class("pc-purpose-head")
                        .child(
                            h("input")
                                .attr("type", "checkbox")
                                .attr("role", "switch")
                                .attr("id", &id)
                                .attr("data-pc-purpose", &p.id)
                                .build(),
                        )
                        .child(
                            h("label")
                                .attr("for", &id)
                                .class("pc-purpose-title")
                                .text(p.title.get(s.locale()))
                                .build(),
                        )
                        .build(),
                )
                .child(
                    h("p")
                        .class("pc-purpose-desc")
                        .text(p.description.get(s.locale()))
                        .build(),
                )
                .build()
        });
    dialog(
        "change-notice",
        "pc-notice-title",
        s.get("notice.material.title"),
        "pc-dialog pc-dialog-wide",
    )
    .body(
        [h("p")
            .class("pc-text")
            .text(s.get("notice.material.text"))
            .build()]
        .into_iter()
        .chain(summary.map(|t| h("p").class("pc-summary").text(t).build()))
        .chain([
            h("h3")
                .class("pc-subtitle")
                .text(s.get("notice.purposes"))
                .build(),
            h("div").class("pc-purposes").children(rows).build(),
            h("h3")
                .class("pc-subtitle")
                .text(s.get("notice.sections"))
                .build(),
            h("div")
                .class("pc-changes")
                .attr("data-pc-changes", "")
                .child(
                    h("p")
                        .class("pc-note")
                        .text(s.get("notice.loading"))
                        .build(),
                )
                .build(),
            h("div")
                .class("pc-actions")
                .child(button("policy", s.get("notice.changes"), "pc-button"))
                .child(button(
                    "acknowledge",
                    s.get("notice.continue"),
                    "pc-button pc-primary",
                ))
                .build(),
        ]),
    )
    .and_then(|d| {
        d.set_attribute("data-pc-level", "material")?;
        Ok(d)
    })
}

/// The dismissible bar of a minor change or an upcoming one.
pub fn notice_bar(s: &Strings, level: &str, text: &str) -> El {
    h("div")
        .attr("data-pc", "change-notice")
        .attr("data-pc-level", level)
        .class("pc-bar")
        .attr("role", "status")
        .child(h("p").class("pc-text").text(text).build())
        .child(
            h("div")
                .class("pc-actions")
                .child(button("policy", s.get("notice.changes"), "pc-button"))
                .child(button("acknowledge", s.get("notice.dismiss"), "pc-button"))
                .build(),
        )
        .build()
}

/// The policy viewer's frame: a search box and the place the policy goes.
pub fn policy_dialog(s: &Strings) -> El {
    dialog(
        "policy",
        "pc-policy-title",
        s.get("policy.title"),
        "pc-dialog pc-dialog-wide pc-viewer",
    )
    .closable(s)
    .body([
        h("div")
            .class("pc-search")
            .child(
                h("label")
                    .attr("for", "pc-policy-search")
                    .class("pc-visually-hidden")
                    .text(s.get("policy.search"))
                    .build(),
            )
            .child(
                h("input")
                    .attr("id", "pc-policy-search")
                    .attr("type", "search")
                    .attr("data-pc-field", "policy-search")
                    .attr("placeholder", s.get("policy.search"))
                    .build(),
            )
            .build(),
        h("p")
            .class("pc-note")
            .attr("data-pc-empty", "")
            .attr("hidden", "")
            .text(s.get("policy.none"))
            .build(),
        h("div")
            .attr("data-pc-policy-body", "")
            .child(
                h("p")
                    .class("pc-note")
                    .text(s.get("policy.loading"))
                    .build(),
            )
            .build(),
    ])
}
