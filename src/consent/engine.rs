//! The consent engine: a state machine over a stored [`ConsentRecord`] and the current
//! manifest and policy. Events in (a person's acts, with the time and how they were made),
//! the new record and what the UI must show out. It never reads a clock, storage or the DOM.
//!
//! The one invariant everything here serves: an optional purpose is reported granted only
//! after an affirmative act, recorded with its time, policy version and method, by an adult
//! or a verified guardian, under the current policy version or one whose later changes were
//! not material for that purpose.

use super::record::{
    Actor, AgeRecord, ConsentRecord, GuardianRecord, Method, Millis, NoticeRecord, PurposeRecord,
    RecordError, State,
};
use crate::policy::manifest::{self, AgeGate, Manifest, MinorsRule, Purpose};
use crate::policy::model;
use crate::revision::Level;
use crate::sorted_map::SortedMap;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What the shell knows about the policy being served.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentPolicy {
    /// Per-section digests (section id → digest), when the shell parsed the policy or the
    /// manifest carries them; empty when unknown.
    #[serde(default)]
    pub sections: SortedMap<String, String>,
    /// The comparison of the record's version with this one, when the shell could make it
    /// (the previous text is in `policy/versions/`).
    #[serde(default)]
    pub comparison: Option<Assessment>,
}

/// How a revision affects consent: its level, the sections that changed materially and the
/// purposes to ask again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The revision's level.
    pub level: Level,
    /// Sections changed materially (ids).
    #[serde(default)]
    pub sections: Vec<String>,
    /// Purposes whose sections changed materially.
    #[serde(default)]
    pub purposes: Vec<String>,
}

/// Signals from the browser or app.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signals {
    /// `navigator.globalPrivacyControl === true`.
    #[serde(default)]
    pub gpc: bool,
}

/// How the host is set up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The locale the person sees.
    #[serde(default)]
    pub locale: String,
    /// The host verifies guardians (it configured `guardian.verify`): a guardian is confirmed
    /// only by [`Event::GuardianConfirm`]. Without it, the guardian's attestation confirms.
    #[serde(default)]
    pub guardian_verification: bool,
    /// With `age_gate: host`: the birth (year, month) the host knows from the account
    /// (checked with [`host_birth`]; one that is not a month is not used).
    #[serde(default)]
    pub host_birth: Option<(i32, u32)>,
}

/// The birth month a host passes in, as `YYYY-MM` (`data-birth="1990-04"` on the loader)
/// or as numbers: `Err` names what is wrong, and the visitor is then asked instead.
pub fn host_birth(year: i32, month: u32) -> Result<(i32, u32), String> {
    if !(1..=12).contains(&month) {
        return Err(format!("birth month {month} is not a month (1–12)"));
    }
    if !(1850..=3000).contains(&year) {
        return Err(format!("birth year {year} is not a plausible year"));
    }
    Ok((year, month))
}

/// [`host_birth`] from its text form, `YYYY-MM`.
pub fn host_birth_from_text(text: &str) -> Result<(i32, u32), String> {
    let bad = || format!("birth {text:?} is not a year and month written YYYY-MM (e.g. 1990-04)");
    let (year, month) = text.trim().split_once('-').ok_or_else(bad)?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) {
        return Err(bad());
    }
    host_birth(
        year.parse().map_err(|_| bad())?,
        month.parse().map_err(|_| bad())?,
    )
}

/// Everything [`Engine::start`] needs.
#[derive(Debug, Clone)]
pub struct Init {
    /// The manifest.
    pub manifest: Manifest,
    /// The policy being served.
    pub policy: CurrentPolicy,
    /// The stored record, decoded and validated by [`ConsentRecord::validate`], or why it
    /// could not be; `None` on a first visit.
    pub stored: Option<Result<ConsentRecord, RecordError>>,
    /// Signals.
    pub signals: Signals,
    /// Host set-up.
    pub config: Config,
    /// Id for a new record (the shell makes it, e.g. with `crypto.randomUUID()`).
    pub new_record_id: String,
    /// Now.
    pub now: Millis,
}

/// A person's act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Event {
    /// Birth year and month, answering the age gate.
    DeclareAge {
        /// Year.
        birth_year: i32,
        /// Month, 1–12.
        birth_month: u32,
    },
    /// Grant these purposes.
    Grant {
        /// Purpose ids.
        purposes: Vec<String>,
    },
    /// Deny these purposes.
    Deny {
        /// Purpose ids.
        purposes: Vec<String>,
    },
    /// Withdraw these purposes (a denial of what was granted).
    Withdraw {
        /// Purpose ids.
        purposes: Vec<String>,
    },
    /// The settings' Save: exactly these optional purposes granted, the others denied.
    Save {
        /// Purpose ids to grant.
        granted: Vec<String>,
    },
    /// Grant every optional purpose (except those a GPC signal or the age rules exclude).
    AcceptAll,
    /// Deny every optional purpose: one act, as easy as accepting.
    RejectAll,
    /// A guardian starts consenting for a minor.
    GuardianStart {
        /// The guardian's name.
        name: String,
        /// Relationship to the minor.
        relationship: String,
        /// The guardian attests to being the minor's parent or legal guardian.
        attest: bool,
    },
    /// The host verified the guardian (e.g. a code sent by e-mail).
    GuardianConfirm {
        /// How (`email-code`, `sms-code`, …).
        method: String,
        /// The host's token for the verification.
        token: Option<String>,
    },
    /// A verified guardian clears the declared age (it was wrong), so it is asked again.
    GuardianReset,
    /// The person has seen the change notice.
    AcknowledgeNotice,
    /// The person has seen the advance notice of an upcoming version.
    AcknowledgeUpcoming,
}

/// When and how an event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Act {
    /// Now.
    pub now: Millis,
    /// Through which control.
    pub method: Method,
}

/// Why the banner asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum AskReason {
    /// Nothing decided yet.
    FirstVisit,
    /// The stored record could not be used (kept aside by the shell).
    InvalidRecord,
    /// The last decision is older than the manifest's lifetime.
    Expired,
    /// The person came of age: a guardian's consent no longer counts.
    GuardianLapsed,
    /// Purposes were added since the last decision.
    NewPurposes {
        /// Their ids.
        purposes: Vec<String>,
    },
    /// A guardian was confirmed and now decides for the minor.
    Guardian,
}

/// What the UI must show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Prompt {
    /// Nothing: the settings button only.
    None,
    /// The banner (first layer).
    Banner {
        /// Why.
        #[serde(flatten)]
        reason: AskReason,
    },
    /// The age question (birth year and month) before an optional grant takes effect.
    AgeGate,
    /// A minor: a guardian must consent.
    GuardianNeeded {
        /// A guardian started and the host's verification is pending.
        awaiting_verification: bool,
    },
    /// The policy changed: material (prominent, before anything else) or minor (dismissible).
    ChangeNotice {
        /// Material or minor.
        level: Level,
        /// The version the person last saw.
        from: String,
        /// The current version.
        to: String,
        /// Sections that changed materially.
        sections: Vec<String>,
        /// Purposes that need a new answer.
        purposes: Vec<String>,
    },
    /// A new version is announced ("On DATE our policy changes").
    UpcomingChange {
        /// Its version.
        version: String,
        /// When it takes effect.
        date: String,
    },
}

/// Why a purpose cannot be switched by the person now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lock {
    /// Strictly necessary: always on.
    Required,
    /// Never for a minor.
    ForbiddenForMinors,
    /// A minor: a verified guardian decides.
    NeedsGuardian,
}

/// One purpose as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeView {
    /// Purpose id.
    pub id: String,
    /// Whether it is active now.
    pub granted: bool,
    /// `granted`, `denied`, `suspended`, or `default` when never decided.
    pub state: String,
    /// Why it cannot be switched, if it cannot.
    pub lock: Option<Lock>,
}

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConsentError {
    /// The event does not apply now (a guardian confirmation with no guardian started, …).
    NotNow(String),
    /// The input is invalid (a birth month in the future, an empty guardian name, …).
    Invalid(String),
    /// A declared minor tried to declare an adult age.
    AgeLocked,
}

impl fmt::Display for ConsentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsentError::NotNow(m) | ConsentError::Invalid(m) => f.write_str(m),
            ConsentError::AgeLocked => f.write_str(
                "the age declared earlier is under the age of majority; it stays until a guardian resets it or the birth month passes the threshold",
            ),
        }
    }
}

impl std::error::Error for ConsentError {}

/// A purpose the event could not grant, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// Purpose id.
    pub purpose: String,
    /// Why.
    pub reason: String,
}

/// The result of an event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The record changed (store it).
    pub changed: bool,
    /// Purposes that could not be granted.
    pub refused: Vec<Refusal>,
}

/// The consent state machine.
#[derive(Debug, Clone)]
pub struct Engine {
    manifest: Manifest,
    config: Config,
    record: ConsentRecord,
    gpc: bool,
    ask: Option<AskReason>,
    /// Grants waiting for the age gate.
    pending: Option<(Vec<String>, Method)>,
    /// A minor tried to grant what needs a guardian.
    guardian_wanted: bool,
    /// A guardian confirmed in this session: grants are theirs.
    guardian_session: bool,
    now: Millis,
    /// What went wrong while starting (an unusable stored record).
    warnings: Vec<String>,
    /// Each purpose's place in the manifest and definition digest, by id: `granted` is
    /// asked of every purpose after each decision, so neither is recomputed.
    purposes: SortedMap<String, (usize, String)>,
}

/// Digest of what a purpose is: a change here asks again for that purpose.
pub fn definition_digest(purpose: &Purpose) -> String {
    let mut recipients = purpose.recipients.clone();
    crate::sort::sort(&mut recipients);
    let mut modes = purpose.consent_mode.clone();
    crate::sort::sort(&mut modes);
    model::digest(&format!(
        "required={} sale_or_share={} minors={:?} recipients={} consent_mode={}",
        purpose.required,
        purpose.sale_or_share,
        purpose.minors,
        recipients.join(","),
        modes.join(",")
    ))
}

/// (year, month) of a time.
fn year_month(ms: Millis) -> (i64, u32) {
    let (y, m, _) = super::record::civil_from_days(ms.div_euclid(86_400_000));
    (y, m)
}

fn day(ms: Millis) -> i64 {
    ms.div_euclid(86_400_000)
}

impl Engine {
    /// Starts from the stored record (or a new one) and reconciles it with the current
    /// manifest, policy and signals: revisions, expiry, coming of age, GPC.
    pub fn start(init: Init) -> Engine {
        let Init {
            manifest,
            policy,
            stored,
            signals,
            config,
            new_record_id,
            now,
        } = init;
        let locale = if config.locale.is_empty() {
            manifest.policy.locale.clone()
        } else {
            config.locale.clone()
        };
        let mut warnings = Vec::new();
        let (record, ask) = match stored {
            Some(Ok(record)) => (record, None),
            Some(Err(error)) => {
                warnings.push(error.to_string());
                (
                    ConsentRecord::new(&new_record_id, &manifest, &locale, now),
                    Some(AskReason::InvalidRecord),
                )
            }
            None => (
                ConsentRecord::new(&new_record_id, &manifest, &locale, now),
                Some(AskReason::FirstVisit),
            ),
        };
        // The first of a duplicated id, as `Manifest::purpose` finds it.
        let mut purposes = SortedMap::new();
        for (i, p) in manifest.purposes.iter().enumerate().rev() {
            purposes.insert(p.id.clone(), (i, definition_digest(p)));
        }
        let mut engine = Engine {
            purposes,
            manifest,
            config,
            record,
            gpc: signals.gpc,
            ask,
            pending: None,
            guardian_wanted: false,
            guardian_session: false,
            now,
            warnings,
        };
        engine.apply_host_age(now);
        engine.reconcile_revision(&policy, now);
        engine.reconcile_purposes(now);
        engine.reconcile_expiry(now);
        engine.reconcile_age(now);
        engine.reconcile_gpc(now);
        if engine.ask.is_none() && !engine.has_decided() {
            engine.ask = Some(AskReason::FirstVisit);
        }
        engine
    }

    /// The record (store it after every change).
    pub fn record(&self) -> &ConsentRecord {
        &self.record
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The version the person last consented to, when a change notice stands between it and
    /// the current one: what the policy's changed sections are marked against.
    pub fn consented_version(&self) -> Option<&str> {
        self.record
            .notice
            .as_ref()
            .map(|n| n.from.as_str())
            .filter(|from| *from != self.manifest.policy.version)
    }

    /// Problems met while starting (e.g. why the stored record was unusable).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// A purpose of the manifest and its definition digest.
    fn purpose(&self, id: &str) -> Option<(&Purpose, &str)> {
        let (index, digest) = self.purposes.get(id)?;
        Some((self.manifest.purposes.get(*index)?, digest.as_str()))
    }

    /// Whether a purpose is active now. Required purposes always are; an optional one only
    /// when granted by an act the rules accept.
    pub fn granted(&self, purpose: &str) -> bool {
        let Some((p, digest)) = self.purpose(purpose) else {
            return false;
        };
        if p.required {
            return true;
        }
        let Some(r) = self.record.purposes.get(purpose) else {
            return false;
        };
        if r.state != State::Granted || r.definition != *digest {
            return false;
        }
        match self.is_minor() {
            Some(true) => {
                p.minors != MinorsRule::Forbidden
                    && r.by == Actor::Guardian
                    && self.guardian_confirmed()
            }
            Some(false) => r.by == Actor::Person,
            None if self.manifest.age_gate == AgeGate::Off => r.by == Actor::Person,
            // Age unknown where it must be known: grants wait for the age gate.
            None => false,
        }
    }

    /// Every purpose as the UI shows it, in the manifest's order.
    pub fn purposes(&self) -> Vec<PurposeView> {
        self.manifest
            .purposes
            .iter()
            .map(|p| PurposeView {
                id: p.id.clone(),
                granted: self.granted(&p.id),
                state: match self.record.purposes.get(&p.id) {
                    _ if p.required => "granted".to_string(),
                    Some(r) => serde_json_state(r.state).to_string(),
                    None => "default".to_string(),
                },
                lock: self.lock(p),
            })
            .collect()
    }

    fn lock(&self, p: &Purpose) -> Option<Lock> {
        if p.required {
            return Some(Lock::Required);
        }
        match (self.is_minor(), p.minors) {
            (Some(true), MinorsRule::Forbidden) => Some(Lock::ForbiddenForMinors),
            (Some(true), _) if !self.guardian_session => Some(Lock::NeedsGuardian),
            _ => None,
        }
    }

    /// The person's copy of their consent: every purpose with its state, who decided,
    /// when and how, under which version; age status; the guardian (without the host's token).
    pub fn receipt(&self, now: Millis) -> super::record::Receipt {
        use super::record::{Receipt, ReceiptGuardian, ReceiptPolicy, ReceiptPurpose, iso8601};
        let locale = self.record.locale.as_str();
        Receipt {
            version: "policy-consent-receipt/1".into(),
            record: self.record.id.clone(),
            issued: iso8601(now),
            policy: ReceiptPolicy {
                id: self.manifest.policy.id.clone(),
                version: self.manifest.policy.version.clone(),
            },
            purposes: self
                .manifest
                .purposes
                .iter()
                .map(|p| {
                    let r = self.record.purposes.get(&p.id);
                    ReceiptPurpose {
                        id: p.id.clone(),
                        title: p.title.get(locale).to_string(),
                        state: if self.granted(&p.id) {
                            "granted".into()
                        } else {
                            // Not granted now: a grant on record no longer holds.
                            match r.map_or("denied", |r| serde_json_state(r.state)) {
                                "granted" => "denied",
                                state => state,
                            }
                            .to_string()
                        },
                        required: p.required,
                        at: r.map(|r| iso8601(r.at)),
                        by: r.map(|r| r.by),
                        method: r.map(|r| r.method),
                        policy_version: r.map(|r| r.version.clone()),
                    }
                })
                .collect(),
            age_status: match self.is_minor() {
                Some(true) => "minor",
                Some(false) if self.manifest.age_gate == AgeGate::Off => "not asked",
                Some(false) => "adult",
                None => "unknown",
            }
            .into(),
            guardian: self.record.guardian.as_ref().map(|g| ReceiptGuardian {
                name: g.name.clone(),
                relationship: g.relationship.clone(),
                method: g.method.clone(),
                confirmed: g.confirmed.map(iso8601),
            }),
            gpc: self.record.signals.gpc.is_some(),
        }
    }

    /// Google Consent Mode v2 state: each type `granted` when a purpose mapped to it is.
    pub fn consent_mode(&self) -> SortedMap<String, &'static str> {
        let mut state: SortedMap<String, &'static str> = SortedMap::new();
        for p in &self.manifest.purposes {
            for kind in &p.consent_mode {
                let entry = state.get_or_insert_with(kind.clone(), || "denied");
                if self.granted(&p.id) {
                    *entry = "granted";
                }
            }
        }
        state
    }

    /// Of the cookies present (by name), those listed by a purpose that is not granted now:
    /// to be deleted. The consent record's own cookie (`policy-consent…`) is never one.
    pub fn cookies_to_delete<'a>(
        &self,
        present: impl IntoIterator<Item = &'a str>,
    ) -> Vec<&'a str> {
        present
            .into_iter()
            .filter(|name| {
                !name.starts_with("policy-consent")
                    && self
                        .manifest
                        .purposes
                        .iter()
                        .any(|p| p.lists_cookie(name) && !self.granted(&p.id))
            })
            .collect()
    }

    /// What the UI must show now. A material change notice comes before anything else.
    pub fn prompt(&self) -> Prompt {
        let notice = self
            .record
            .notice
            .as_ref()
            .filter(|n| n.acknowledged.is_none() && n.to == self.manifest.policy.version);
        if let Some(notice) = notice.filter(|n| n.level == Level::Material) {
            return change_notice(notice);
        }
        if self.pending.is_some() && self.age_needed() {
            return Prompt::AgeGate;
        }
        if self.is_minor() == Some(true) && !self.guardian_session {
            let awaiting = self
                .record
                .guardian
                .as_ref()
                .is_some_and(|g| g.confirmed.is_none());
            if awaiting || self.guardian_wanted {
                return Prompt::GuardianNeeded {
                    awaiting_verification: awaiting,
                };
            }
        }
        if let Some(reason) = &self.ask {
            return Prompt::Banner {
                reason: reason.clone(),
            };
        }
        if let Some(notice) = notice {
            return change_notice(notice);
        }
        if let Some(upcoming) = &self.manifest.policy.upcoming {
            let (from, until) = (
                manifest::parse_date(&upcoming.notice_from),
                manifest::parse_date(&upcoming.effective),
            );
            let today = day(self.now);
            let in_window = from.is_some_and(|f| today >= f) && until.is_some_and(|u| today < u);
            if in_window && self.record.upcoming_seen.as_deref() != Some(&upcoming.version) {
                return Prompt::UpcomingChange {
                    version: upcoming.version.clone(),
                    date: upcoming.effective.clone(),
                };
            }
        }
        Prompt::None
    }

    /// Applies an event. On error nothing changed.
    pub fn handle(&mut self, event: Event, act: Act) -> Result<Outcome, ConsentError> {
        self.now = self.now.max(act.now);
        let before = self.record.clone();
        let mut outcome = Outcome::default();
        match event {
            Event::DeclareAge {
                birth_year,
                birth_month,
            } => self.declare_age(birth_year, birth_month, act, &mut outcome)?,
            Event::Grant { purposes } => {
                let ids = self.known(&purposes, &mut outcome);
                self.grant(ids, act, &mut outcome);
            }
            Event::Deny { purposes } => {
                let ids = self.known(&purposes, &mut outcome);
                self.deny(&ids, act, "deny");
            }
            Event::Withdraw { purposes } => {
                let ids = self.known(&purposes, &mut outcome);
                self.deny(&ids, act, "withdraw");
            }
            Event::Save { granted } => {
                let grant = self.known(&granted, &mut outcome);
                let deny: Vec<String> = self.optional().filter(|id| !grant.contains(id)).collect();
                self.deny(&deny, act, "deny");
                self.grant(grant, act, &mut outcome);
                self.ask = None;
            }
            Event::AcceptAll => {
                let ids: Vec<String> = self
                    .manifest
                    .purposes
                    .iter()
                    .filter(|p| !(p.required || self.gpc && p.sale_or_share))
                    .map(|p| p.id.clone())
                    .collect();
                self.grant(ids, act, &mut outcome);
                self.ask = None;
            }
            Event::RejectAll => {
                let ids: Vec<String> = self.optional().collect();
                self.deny(&ids, act, "reject-all");
                self.pending = None;
                self.guardian_wanted = false;
                self.ask = None;
            }
            Event::GuardianStart {
                name,
                relationship,
                attest,
            } => self.guardian_start(name, relationship, attest, act)?,
            Event::GuardianConfirm { method, token } => {
                self.guardian_confirm(method, token, act)?
            }
            Event::GuardianReset => self.guardian_reset(act)?,
            Event::AcknowledgeNotice => {
                if let Some(notice) = self
                    .record
                    .notice
                    .as_mut()
                    .filter(|n| n.acknowledged.is_none())
                {
                    notice.acknowledged = Some(act.now);
                    let detail = format!("{} {} → {}", notice.level, notice.from, notice.to);
                    self.record.log(act.now, "notice", detail);
                }
            }
            Event::AcknowledgeUpcoming => {
                if let Some(upcoming) = &self.manifest.policy.upcoming {
                    self.record.upcoming_seen = Some(upcoming.version.clone());
                    let detail = format!("{} on {}", upcoming.version, upcoming.effective);
                    self.record.log(act.now, "upcoming", detail);
                }
            }
        }
        outcome.changed = self.record != before;
        if outcome.changed {
            self.record.updated = self.record.updated.max(act.now);
        }
        Ok(outcome)
    }

    /// Drops grants waiting for the age question (the person closed it without answering).
    pub fn cancel_pending(&mut self) {
        self.pending = None;
    }

    /// The host could not verify the guardian: the unconfirmed attestation is withdrawn so
    /// the guardian can try again.
    pub fn guardian_failed(&mut self) {
        if self
            .record
            .guardian
            .as_ref()
            .is_some_and(|g| g.confirmed.is_none())
        {
            self.record.guardian = None;
            self.guardian_wanted = true;
        }
    }

    fn optional(&self) -> impl Iterator<Item = String> + '_ {
        self.manifest
            .purposes
            .iter()
            .filter(|p| !p.required)
            .map(|p| p.id.clone())
    }

    /// Known optional purpose ids from a request; unknown and required ones are refused.
    fn known(&self, ids: &[String], outcome: &mut Outcome) -> Vec<String> {
        let mut out = Vec::new();
        for id in ids {
            match self.purpose(id).map(|(p, _)| p) {
                None => outcome.refused.push(Refusal {
                    purpose: id.clone(),
                    reason: format!("no purpose `{id}` in the manifest"),
                }),
                Some(p) if p.required => outcome.refused.push(Refusal {
                    purpose: id.clone(),
                    reason: "strictly necessary: always on".into(),
                }),
                Some(_) if !out.contains(id) => out.push(id.clone()),
                Some(_) => {}
            }
        }
        out
    }

    fn has_decided(&self) -> bool {
        self.record.purposes.values().any(|p| p.by != Actor::System)
    }

    /// Whether the person is a minor now; `None` when the age is unknown.
    fn is_minor(&self) -> Option<bool> {
        if self.manifest.age_gate == AgeGate::Off {
            return Some(false);
        }
        let age = self.record.age.as_ref()?;
        Some(!self.is_adult_born(age.birth_year, age.birth_month))
    }

    /// Adult from the first day of the month after the birth month `minor_age` years on:
    /// with only a month known, the birth month itself is not yet past the threshold.
    fn is_adult_born(&self, year: i32, month: u32) -> bool {
        let (y, m) = year_month(self.now);
        let months_now = y * 12 + i64::from(m) - 1;
        let adult_from =
            (i64::from(year) + i64::from(self.manifest.minor_age)) * 12 + i64::from(month);
        months_now >= adult_from
    }

    fn age_needed(&self) -> bool {
        self.manifest.age_gate != AgeGate::Off && self.record.age.is_none()
    }

    fn guardian_confirmed(&self) -> bool {
        self.record
            .guardian
            .as_ref()
            .is_some_and(|g| g.confirmed.is_some())
    }

    /// Takes back, by rule, every grant made by `granted_by` (by anyone when `None`): each
    /// goes to `to`, on behalf of `actor` (of whoever granted it when `None`).
    fn revoke_grants(
        &mut self,
        granted_by: Option<Actor>,
        to: State,
        actor: Option<Actor>,
        now: Millis,
        reason: &str,
    ) {
        let grants: Vec<(String, Actor)> = self
            .record
            .purposes
            .iter()
            .filter(|(_, r)| r.state == State::Granted && granted_by.is_none_or(|by| r.by == by))
            .map(|(id, r)| (id.clone(), r.by))
            .collect();
        for (id, by) in grants {
            let act = Act {
                now,
                method: Method::Rule,
            };
            self.set(&id, to, actor.unwrap_or(by), act, Some(reason.into()));
        }
    }

    fn set(&mut self, id: &str, state: State, by: Actor, act: Act, reason: Option<String>) {
        let Some((_, digest)) = self.purpose(id) else {
            return;
        };
        let definition = digest.to_string();
        self.record.purposes.insert(
            id.to_string(),
            PurposeRecord {
                state,
                at: act.now,
                version: self.manifest.policy.version.clone(),
                by,
                method: act.method,
                definition,
                reason,
            },
        );
    }

    fn grant(&mut self, ids: Vec<String>, act: Act, outcome: &mut Outcome) {
        if ids.is_empty() {
            return;
        }
        if self.age_needed() {
            // The first optional grant takes effect only once the age is known.
            let mut pending = self.pending.take().map(|p| p.0).unwrap_or_default();
            for id in ids {
                if !pending.contains(&id) {
                    pending.push(id);
                }
            }
            self.pending = Some((pending, act.method));
            return;
        }
        let minor = self.is_minor() == Some(true);
        let mut granted = Vec::new();
        for id in ids {
            let Some((p, _)) = self.purpose(&id) else {
                continue;
            };
            if minor && p.minors == MinorsRule::Forbidden {
                outcome.refused.push(Refusal {
                    purpose: id,
                    reason: "never for a minor, even with a guardian's consent".into(),
                });
                continue;
            }
            if minor && !(self.guardian_session && self.guardian_confirmed()) {
                self.guardian_wanted = true;
                outcome.refused.push(Refusal {
                    purpose: id,
                    reason: "a minor: a verified guardian must consent".into(),
                });
                continue;
            }
            let by = if minor {
                Actor::Guardian
            } else {
                Actor::Person
            };
            self.set(&id, State::Granted, by, act, None);
            granted.push(id);
        }
        if !granted.is_empty() {
            self.record.log(act.now, "grant", granted.join(" "));
        }
    }

    fn deny(&mut self, ids: &[String], act: Act, kind: &str) {
        if ids.is_empty() {
            return;
        }
        let by = if self.guardian_session && self.is_minor() == Some(true) {
            Actor::Guardian
        } else {
            Actor::Person
        };
        for id in ids {
            self.set(id, State::Denied, by, act, None);
        }
        if let Some((pending, _)) = &mut self.pending {
            pending.retain(|p| !ids.contains(p));
        }
        self.record.log(act.now, kind, ids.join(" "));
    }

    fn declare_age(
        &mut self,
        year: i32,
        month: u32,
        act: Act,
        outcome: &mut Outcome,
    ) -> Result<(), ConsentError> {
        if self.manifest.age_gate == AgeGate::Off {
            return Err(ConsentError::NotNow(
                "this site does not ask for age".into(),
            ));
        }
        let (now_y, now_m) = year_month(act.now);
        if !(1..=12).contains(&month) {
            return Err(ConsentError::Invalid(format!(
                "birth month {month} is not a month (1–12)"
            )));
        }
        if i64::from(year) > now_y || (i64::from(year) == now_y && month > now_m) {
            return Err(ConsentError::Invalid(format!(
                "a birth month of {year}-{month:02} is in the future"
            )));
        }
        if i64::from(year) < now_y - 120 {
            return Err(ConsentError::Invalid(format!(
                "a birth year of {year} is more than 120 years ago"
            )));
        }
        let adult = self.is_adult_born(year, month);
        if let Some(existing) = &self.record.age {
            let was_minor = !self.is_adult_born(existing.birth_year, existing.birth_month);
            if was_minor && adult {
                return Err(ConsentError::AgeLocked);
            }
            if (existing.birth_year, existing.birth_month) == (year, month) {
                return Ok(());
            }
        }
        self.record.age = Some(AgeRecord {
            birth_year: year,
            birth_month: month,
            at: act.now,
            by: Actor::Person,
        });
        self.record
            .log(act.now, "age", if adult { "adult" } else { "minor" });
        if !adult {
            // Grants a person made as an adult do not hold for a minor.
            self.revoke_grants(
                Some(Actor::Person),
                State::Denied,
                Some(Actor::System),
                act.now,
                "declared a minor",
            );
        }
        if let Some((ids, method)) = self.pending.take() {
            self.grant(
                ids,
                Act {
                    now: act.now,
                    method,
                },
                outcome,
            );
        }
        Ok(())
    }

    fn guardian_start(
        &mut self,
        name: String,
        relationship: String,
        attest: bool,
        act: Act,
    ) -> Result<(), ConsentError> {
        if self.is_minor() != Some(true) {
            return Err(ConsentError::NotNow(
                "guardian consent is only for a declared minor".into(),
            ));
        }
        let (name, relationship) = (name.trim().to_string(), relationship.trim().to_string());
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ConsentError::Invalid(
                "the guardian's name is required (at most 200 characters)".into(),
            ));
        }
        if relationship.is_empty() || relationship.chars().count() > 100 {
            return Err(ConsentError::Invalid(
                "the guardian's relationship to the minor is required".into(),
            ));
        }
        if !attest {
            return Err(ConsentError::Invalid(
                "the guardian must attest to being the minor's parent or legal guardian".into(),
            ));
        }
        let verified_by_host = self.config.guardian_verification;
        if verified_by_host && self.guardian_confirmed() {
            // A new verification replaces the confirmed guardian: until it completes, what
            // the former one granted has no confirmed guardian behind it, so it is suspended
            // (asked again), never left granted in a record that would then not validate.
            self.revoke_grants(
                Some(Actor::Guardian),
                State::Suspended,
                None,
                act.now,
                "guardian verification restarted",
            );
            self.guardian_session = false;
        }
        self.record.guardian = Some(GuardianRecord {
            name,
            relationship,
            method: if verified_by_host {
                "pending".into()
            } else {
                "attestation".into()
            },
            token: None,
            started: act.now,
            confirmed: (!verified_by_host).then_some(act.now),
        });
        self.record.log(
            act.now,
            "guardian",
            if verified_by_host {
                "started"
            } else {
                "attested"
            },
        );
        if !verified_by_host {
            self.guardian_session = true;
            self.guardian_wanted = false;
            self.ask = Some(AskReason::Guardian);
        }
        Ok(())
    }

    fn guardian_confirm(
        &mut self,
        method: String,
        token: Option<String>,
        act: Act,
    ) -> Result<(), ConsentError> {
        let Some(guardian) = self.record.guardian.as_mut() else {
            return Err(ConsentError::NotNow("no guardian has started".into()));
        };
        if guardian.confirmed.is_some() && self.guardian_session {
            return Ok(());
        }
        let method = method.trim();
        if method.is_empty() || method.len() > 64 || token.as_ref().is_some_and(|t| t.len() > 2048)
        {
            return Err(ConsentError::Invalid("guardian verification: a method (≤ 64 characters) and a token (≤ 2048) are expected".into()));
        }
        guardian.method = method.to_string();
        guardian.token = token;
        guardian.confirmed = Some(act.now);
        self.record
            .log(act.now, "guardian", format!("confirmed by {method}"));
        self.guardian_session = true;
        self.guardian_wanted = false;
        self.ask = Some(AskReason::Guardian);
        Ok(())
    }

    fn guardian_reset(&mut self, act: Act) -> Result<(), ConsentError> {
        if !(self.guardian_session && self.guardian_confirmed()) {
            return Err(ConsentError::NotNow(
                "only a verified guardian can reset the declared age".into(),
            ));
        }
        self.revoke_grants(
            None,
            State::Denied,
            Some(Actor::System),
            act.now,
            "age reset by the guardian",
        );
        self.record.age = None;
        self.record.guardian = None;
        self.guardian_session = false;
        self.record.log(act.now, "age", "reset by the guardian");
        self.ask = Some(AskReason::FirstVisit);
        Ok(())
    }

    fn apply_host_age(&mut self, now: Millis) {
        if self.manifest.age_gate != AgeGate::Host {
            return;
        }
        if let Some((year, month)) = self.config.host_birth {
            let valid = host_birth(year, month).is_ok();
            let changed = self
                .record
                .age
                .as_ref()
                .is_none_or(|a| (a.birth_year, a.birth_month) != (year, month));
            if valid && changed {
                self.record.age = Some(AgeRecord {
                    birth_year: year,
                    birth_month: month,
                    at: now,
                    by: Actor::System,
                });
                self.record.log(now, "age", "from the host");
            }
        }
    }

    /// A new policy version: carry consent over, notify, or suspend, by level.
    fn reconcile_revision(&mut self, current: &CurrentPolicy, now: Millis) {
        let version = self.manifest.policy.version.clone();
        if self.record.policy.version == version {
            if self.record.policy.sections.is_empty() && !current.sections.is_empty() {
                self.record.policy.sections = current.sections.clone();
            }
            return;
        }
        let from = self.record.policy.version.clone();
        if !self.has_decided() {
            self.record.policy.version = version;
            self.record.policy.sections = current.sections.clone();
            return;
        }
        let assessment = self.assess(current);
        let rule = Act {
            now,
            method: Method::Rule,
        };
        let mut suspended = Vec::new();
        if assessment.level == Level::Material {
            for id in &assessment.purposes {
                let granted_by = self
                    .record
                    .purposes
                    .get(id)
                    .filter(|r| r.state == State::Granted)
                    .map(|r| r.by);
                if let Some(by) = granted_by {
                    let reason = format!("material change {from} → {version}");
                    self.set(id, State::Suspended, by, rule, Some(reason));
                    suspended.push(id.clone());
                }
            }
        }
        self.record.log(
            now,
            "policy",
            format!(
                "{from} → {version}: {}; suspended: {}",
                assessment.level,
                suspended.join(" ")
            ),
        );
        // Kept in the record, so a reload before acknowledging shows it again.
        self.record.notice = (assessment.level >= Level::Minor).then(|| NoticeRecord {
            level: assessment.level,
            from: from.clone(),
            to: version.clone(),
            sections: assessment.sections.clone(),
            purposes: assessment.purposes.clone(),
            acknowledged: None,
        });
        self.record.policy.version = version;
        self.record.policy.sections = current.sections.clone();
    }

    /// How the revision from the record's version to the current one affects consent:
    /// a comparison (raised by the declared level), else the changelog, else section
    /// digests; with none of them, material for every optional purpose.
    fn assess(&self, current: &CurrentPolicy) -> Assessment {
        let declared = self.declared_since(&self.record.policy.version);
        let mut assessment = if let Some(compared) = &current.comparison {
            let mut a = compared.clone();
            if let Some(d) = &declared {
                a.level = a.level.max(d.level);
                merge(&mut a.purposes, &d.purposes);
                merge(&mut a.sections, &d.sections);
            }
            a
        } else if let Some(d) = declared {
            d
        } else if !self.record.policy.sections.is_empty() && !current.sections.is_empty() {
            let old = &self.record.policy.sections;
            let new = &current.sections;
            let mut changed: Vec<String> = old
                .keys()
                .chain(new.keys())
                .filter(|id| old.get(*id) != new.get(*id))
                .cloned()
                .collect();
            crate::sort::sort(&mut changed);
            changed.dedup();
            if changed.is_empty() {
                Assessment {
                    level: Level::Cosmetic,
                    sections: Vec::new(),
                    purposes: Vec::new(),
                }
            } else {
                // The digests say what changed, not how much: unknown means material.
                Assessment {
                    level: Level::Material,
                    purposes: self.purposes_citing(&changed),
                    sections: changed,
                }
            }
        } else {
            Assessment {
                level: Level::Material,
                sections: Vec::new(),
                purposes: Vec::new(),
            }
        };
        if assessment.level == Level::Material && assessment.purposes.is_empty() {
            assessment.purposes = if assessment.sections.is_empty() {
                self.optional().collect()
            } else {
                self.purposes_citing(&assessment.sections)
            };
        }
        assessment
    }

    /// The changelog's declaration for every version after `since` up to the current one,
    /// if the changelog covers that whole span.
    fn declared_since(&self, since: &str) -> Option<Assessment> {
        let log = &self.manifest.changelog;
        let since_date = manifest::parse_date(&log.iter().find(|e| e.version == since)?.date)?;
        let current = self
            .manifest
            .changelog_entry(&self.manifest.policy.version)?;
        let current_date = manifest::parse_date(&current.date)?;
        let mut result = Assessment {
            level: Level::Unchanged,
            sections: Vec::new(),
            purposes: Vec::new(),
        };
        for entry in log {
            let Some(date) = manifest::parse_date(&entry.date) else {
                continue;
            };
            if date > since_date && date <= current_date && entry.version != since {
                result.level = result.level.max(entry.level);
                if entry.level == Level::Material {
                    merge(&mut result.sections, &entry.sections);
                    merge(&mut result.purposes, &entry.purposes);
                }
            }
        }
        Some(result)
    }

    /// Optional purposes that cite one of these sections (by id or number), or cite none:
    /// a purpose whose sections are unknown is affected by any material change.
    fn purposes_citing(&self, sections: &[String]) -> Vec<String> {
        self.manifest
            .purposes
            .iter()
            .filter(|p| !p.required)
            .filter(|p| {
                p.sections.is_empty()
                    || p.sections.iter().any(|cited| {
                        let cited = cited.trim().trim_start_matches('#').trim_end_matches('.');
                        let as_id = model::id_from_number(cited);
                        sections.iter().any(|s| s == cited || *s == as_id)
                    })
            })
            .map(|p| p.id.clone())
            .collect()
    }

    /// A purpose whose definition changed since it was granted is asked again; new
    /// purposes are asked about.
    fn reconcile_purposes(&mut self, now: Millis) {
        let rule = Act {
            now,
            method: Method::Rule,
        };
        let mut changed = Vec::new();
        let mut new = Vec::new();
        for p in self.manifest.purposes.clone() {
            if p.required {
                continue;
            }
            match self.record.purposes.get(&p.id) {
                Some(r) if r.state == State::Granted && r.definition != definition_digest(&p) => {
                    let by = r.by;
                    self.set(
                        &p.id,
                        State::Suspended,
                        by,
                        rule,
                        Some("the purpose itself changed".into()),
                    );
                    changed.push(p.id.clone());
                }
                None => new.push(p.id.clone()),
                _ => {}
            }
        }
        if !changed.is_empty() {
            self.record.log(
                now,
                "suspend",
                format!("purpose changed: {}", changed.join(" ")),
            );
            let version = self.manifest.policy.version.clone();
            let notice = self.record.notice.get_or_insert_with(|| NoticeRecord {
                level: Level::Material,
                from: version.clone(),
                to: version,
                sections: Vec::new(),
                purposes: Vec::new(),
                acknowledged: None,
            });
            notice.level = Level::Material;
            notice.acknowledged = None;
            merge(&mut notice.purposes, &changed);
        }
        if self.has_decided() && !new.is_empty() && self.ask.is_none() {
            self.ask = Some(AskReason::NewPurposes { purposes: new });
        }
    }

    /// Decisions older than the lifetime are asked again; what was granted is suspended.
    fn reconcile_expiry(&mut self, now: Millis) {
        let lifetime = i64::from(self.manifest.lifetime_days) * 86_400_000;
        let last = self
            .record
            .purposes
            .values()
            .filter(|r| r.by != Actor::System)
            .map(|r| r.at)
            .max();
        if last.is_some_and(|t| now - t > lifetime) {
            self.revoke_grants(None, State::Suspended, None, now, "expired");
            self.record.log(
                now,
                "expire",
                format!("{} days", self.manifest.lifetime_days),
            );
            self.ask = Some(AskReason::Expired);
        }
    }

    /// A minor who came of age decides themselves: a guardian's consent lapses.
    fn reconcile_age(&mut self, now: Millis) {
        if self.is_minor() != Some(false) || self.record.guardian.is_none() {
            return;
        }
        self.revoke_grants(
            Some(Actor::Guardian),
            State::Suspended,
            None,
            now,
            "came of age: guardian consent lapsed",
        );
        self.record.guardian = None;
        self.record
            .log(now, "age", "came of age; guardian consent lapsed");
        self.ask = Some(AskReason::GuardianLapsed);
    }

    /// A GPC signal opts out of sale or sharing: grants made before the signal was seen are
    /// denied; a grant made while it was on is an explicit opt-in and stays.
    fn reconcile_gpc(&mut self, now: Millis) {
        if !self.gpc {
            return;
        }
        let seen = *self.record.signals.gpc.get_or_insert(now);
        let mut denied = Vec::new();
        for p in self.manifest.purposes.clone() {
            if !p.sale_or_share || p.required {
                continue;
            }
            if let Some(r) = self.record.purposes.get(&p.id) {
                if r.state == State::Granted && r.at < seen {
                    self.set(
                        &p.id,
                        State::Denied,
                        Actor::System,
                        Act {
                            now,
                            method: Method::Gpc,
                        },
                        Some("Global Privacy Control".into()),
                    );
                    denied.push(p.id.clone());
                }
            }
        }
        if !denied.is_empty() || seen == now {
            self.record.log(now, "gpc", denied.join(" "));
        }
    }
}

fn change_notice(notice: &NoticeRecord) -> Prompt {
    Prompt::ChangeNotice {
        level: notice.level,
        from: notice.from.clone(),
        to: notice.to.clone(),
        sections: notice.sections.clone(),
        purposes: notice.purposes.clone(),
    }
}

fn merge(into: &mut Vec<String>, from: &[String]) {
    for item in from {
        if !into.contains(item) {
            into.push(item.clone());
        }
    }
}

fn serde_json_state(state: State) -> &'static str {
    match state {
        State::Granted => "granted",
        State::Denied => "denied",
        State::Suspended => "suspended",
    }
}
