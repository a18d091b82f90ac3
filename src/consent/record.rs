//! The consent record: what a person decided, when, under which policy version, by whom;
//! their age status and guardian attestation; signals; a bounded event log. Fields follow
//! ISO/IEC TS 27560 and the Kantara Consent Receipt where they overlap. Decoding is strict
//! and total: anything unexpected is an error, which the engine treats as "no valid consent".

use crate::policy::manifest::Manifest;
use crate::sorted_map::SortedMap;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The record schema this build writes and reads.
pub const RECORD_SCHEMA: u32 = 1;
/// Largest encoded record accepted (bytes of JSON): a real one is a few KB; one with a
/// decision on each of [`MAX_PURPOSES`](crate::policy::manifest::MAX_PURPOSES) purposes
/// with long ids is under 300 KB.
pub const MAX_RECORD_BYTES: usize = 512 * 1024;
/// Events kept verbatim; older ones are folded into [`LogSummary`].
pub const MAX_EVENTS: usize = 40;
const MAX_TEXT: usize = 300;
/// Longest section or purpose id a record may name (generated ids are under 80 bytes).
const MAX_ID: usize = 128;

/// Milliseconds since 1970-01-01 UTC.
pub type Millis = i64;

/// A person's decision on one purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// An affirmative act granted it.
    Granted,
    /// Refused, withdrawn, or never granted.
    Denied,
    /// Was granted, but the policy changed materially for it (or the decision expired, or a
    /// guardian's consent lapsed): treated as denied until granted again.
    Suspended,
}

/// Who made a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Actor {
    /// The person themselves (an adult, or a minor for purposes allowed to minors).
    #[serde(rename = "self")]
    Person,
    /// A verified guardian, for a minor.
    Guardian,
    /// Nobody: a default, a signal, or the engine applying a rule.
    System,
}

/// How a decision was expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// The banner's buttons.
    Banner,
    /// The settings dialog.
    Settings,
    /// The site's JavaScript API.
    Api,
    /// A native app through the webview bridge.
    Native,
    /// The change notice after a revision.
    Notice,
    /// The notice in place of gated content (a map, a video) not yet allowed.
    Embed,
    /// No act: the default (off).
    Default,
    /// A Global Privacy Control signal.
    Gpc,
    /// A rule of the engine: revision, expiry, age.
    Rule,
}

/// One purpose's state in the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurposeRecord {
    /// Granted, denied or suspended.
    pub state: State,
    /// When it was last decided.
    pub at: Millis,
    /// The policy version it was decided under.
    pub version: String,
    /// Who decided.
    pub by: Actor,
    /// How.
    pub method: Method,
    /// Digest of the purpose's definition (required, sale/share, minors rule, recipients,
    /// Consent Mode types) when decided: a change to the purpose itself asks again.
    pub definition: String,
    /// Why the engine set this state, when it did (`material change in s-2-5`, `expired`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The policy the record was last reconciled with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyRef {
    /// The policy id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Per-section digests of that version, when known.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub sections: SortedMap<String, String>,
}

/// What is known about the person's age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeRecord {
    /// Birth year as declared.
    pub birth_year: i32,
    /// Birth month (1–12) as declared.
    pub birth_month: u32,
    /// When it was declared.
    pub at: Millis,
    /// Who declared it: the person (`self`) or the host (`system`).
    pub by: Actor,
}

/// A guardian's attestation for a minor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardianRecord {
    /// The guardian's name as stated.
    pub name: String,
    /// Relationship to the minor (parent, legal guardian, …).
    pub relationship: String,
    /// How the guardian was verified (`attestation`, `email-code`, `sms-code`, …).
    pub method: String,
    /// The host's verification token, if the host verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// When the attestation started.
    pub started: Millis,
    /// When it was confirmed; `None` while verification is pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<Millis>,
}

/// A change notice owed to the person for a revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeRecord {
    /// The revision's level (`minor` or `material`).
    pub level: crate::revision::Level,
    /// The version the person had seen.
    pub from: String,
    /// The version the notice is for.
    pub to: String,
    /// Sections that changed materially.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<String>,
    /// Purposes that need a new answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<String>,
    /// When the person acknowledged it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<Millis>,
}

/// Signals seen from the browser.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalRecord {
    /// When a Global Privacy Control signal was last honoured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpc: Option<Millis>,
}

/// One logged event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    /// When.
    pub at: Millis,
    /// What (`grant`, `deny`, `withdraw`, `age`, `guardian`, `notice`, `suspend`, …).
    pub kind: String,
    /// Details (purpose ids, versions).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// Events folded out of the log: counted, never silently dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSummary {
    /// How many events were folded.
    pub events: u64,
    /// The first folded event's time.
    pub first: Millis,
    /// The last folded event's time.
    pub last: Millis,
    /// Folded events by kind.
    pub kinds: SortedMap<String, u64>,
}

/// The whole record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentRecord {
    /// Schema version.
    pub schema: u32,
    /// Record id (chosen by the shell, e.g. `crypto.randomUUID()`).
    pub id: String,
    /// When the record was created.
    pub created: Millis,
    /// When it last changed.
    pub updated: Millis,
    /// Locale the person saw.
    pub locale: String,
    /// The policy it was last reconciled with.
    pub policy: PolicyRef,
    /// Per-purpose states.
    pub purposes: SortedMap<String, PurposeRecord>,
    /// Age status, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<AgeRecord>,
    /// Guardian attestation, for a minor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<GuardianRecord>,
    /// Signals honoured.
    #[serde(default)]
    pub signals: SignalRecord,
    /// The change notice for the current version, until and after it is acknowledged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<NoticeRecord>,
    /// The upcoming version whose advance notice was acknowledged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upcoming_seen: Option<String>,
    /// The most recent events, oldest first.
    #[serde(default)]
    pub events: Vec<LogEntry>,
    /// Older events, folded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folded: Option<LogSummary>,
}

/// Why a stored record could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordError {
    /// Larger than [`MAX_RECORD_BYTES`].
    TooLarge(usize),
    /// Not JSON, or not the shape of a record.
    Malformed(String),
    /// Written by a newer version of this library.
    FutureSchema(u32),
    /// Another policy's record.
    WrongPolicy(String),
    /// Well-formed but inconsistent: looks edited by hand or corrupted.
    Inconsistent(String),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::TooLarge(n) => write!(f, "stored consent record is too large ({n} bytes)"),
            RecordError::Malformed(e) => write!(f, "stored consent record is malformed: {e}"),
            RecordError::FutureSchema(v) => write!(
                f,
                "stored consent record has schema {v}, newer than this version reads ({RECORD_SCHEMA})"
            ),
            RecordError::WrongPolicy(id) => write!(f, "stored consent record is for policy `{id}`"),
            RecordError::Inconsistent(e) => write!(f, "stored consent record is inconsistent: {e}"),
        }
    }
}

impl std::error::Error for RecordError {}

impl ConsentRecord {
    /// An empty record: nothing decided.
    pub fn new(id: &str, manifest: &Manifest, locale: &str, now: Millis) -> ConsentRecord {
        ConsentRecord {
            schema: RECORD_SCHEMA,
            id: id.to_string(),
            created: now,
            updated: now,
            locale: locale.to_string(),
            policy: PolicyRef {
                id: manifest.policy.id.clone(),
                version: manifest.policy.version.clone(),
                sections: SortedMap::new(),
            },
            purposes: SortedMap::new(),
            age: None,
            guardian: None,
            signals: SignalRecord::default(),
            notice: None,
            upcoming_seen: None,
            events: Vec::new(),
            folded: None,
        }
    }

    /// Whether this copy of a decision prevails over `other` when two are found (in two
    /// stores, or written by two tabs): the later `updated`; in the same millisecond the
    /// larger encoding, an arbitrary but total order, so every tab and every load picks the
    /// same copy. `encoding` and `other_encoding` are the copies as stored.
    pub fn prevails_over(
        &self,
        encoding: &str,
        other: &ConsentRecord,
        other_encoding: &str,
    ) -> bool {
        (self.updated, encoding) > (other.updated, other_encoding)
    }

    /// Appends to the event log, folding the oldest events into the summary past [`MAX_EVENTS`].
    pub fn log(&mut self, at: Millis, kind: &str, detail: impl Into<String>) {
        let mut detail = detail.into();
        clip(&mut detail, MAX_TEXT);
        self.events.push(LogEntry {
            at,
            kind: kind.to_string(),
            detail,
        });
        while self.events.len() > MAX_EVENTS {
            let old = self.events.remove(0);
            let summary = self.folded.get_or_insert_with(|| LogSummary {
                events: 0,
                first: old.at,
                last: old.at,
                kinds: SortedMap::new(),
            });
            summary.events += 1;
            summary.first = summary.first.min(old.at);
            summary.last = summary.last.max(old.at);
            *summary.kinds.get_or_insert_with(old.kind, || 0) += 1;
        }
        self.updated = self.updated.max(at);
    }

    /// Checks a decoded record against the manifest and the clock: the right policy, a
    /// schema we read, sane sizes and times, and decisions the rules allow. Purposes the
    /// manifest no longer has are dropped (a removed purpose has nothing to consent to).
    pub fn validate(
        mut self,
        manifest: &Manifest,
        now: Millis,
    ) -> Result<ConsentRecord, RecordError> {
        if self.schema > RECORD_SCHEMA {
            return Err(RecordError::FutureSchema(self.schema));
        }
        if self.schema != RECORD_SCHEMA {
            return Err(RecordError::Malformed(format!(
                "unknown schema {}",
                self.schema
            )));
        }
        if self.policy.id != manifest.policy.id {
            return Err(RecordError::WrongPolicy(self.policy.id.clone()));
        }
        let inconsistent = |what: String| Err(RecordError::Inconsistent(what));
        // A day of clock skew between devices is tolerated; more is not a real record.
        let horizon = now + 86_400_000;
        let earliest = 946_684_800_000; // 2000-01-01
        let time_ok = |t: Millis| (earliest..=horizon).contains(&t);
        if self.id.is_empty() || self.id.len() > 128 {
            return inconsistent("record id is empty or too long".into());
        }
        if !time_ok(self.created) || !time_ok(self.updated) || self.updated < self.created {
            return inconsistent("record times are out of range".into());
        }
        let notice_lists = self
            .notice
            .as_ref()
            .map_or(0, |n| n.sections.len() + n.purposes.len());
        if self.events.len() > MAX_EVENTS
            || self.purposes.len() > crate::policy::manifest::MAX_PURPOSES
            || notice_lists > 20_000
        {
            return inconsistent("more entries than a record can hold".into());
        }
        let texts = [&self.locale, &self.policy.version]
            .into_iter()
            .chain(self.notice.iter().flat_map(|n| [&n.from, &n.to]))
            .chain(self.upcoming_seen.iter());
        for text in texts {
            if text.len() > MAX_TEXT {
                return inconsistent("a field is too long".into());
            }
        }
        if let Some(age) = &self.age {
            if !(1..=12).contains(&age.birth_month)
                || !(1850..=3000).contains(&age.birth_year)
                || !time_ok(age.at)
            {
                return inconsistent("age is out of range".into());
            }
        }
        if let Some(g) = &self.guardian {
            if g.name.trim().is_empty()
                || g.name.len() > MAX_TEXT
                || g.relationship.len() > MAX_TEXT
                || g.method.len() > MAX_TEXT
            {
                return inconsistent("guardian attestation is malformed".into());
            }
            if g.token.as_ref().is_some_and(|t| t.len() > 2048)
                || !time_ok(g.started)
                || g.confirmed.is_some_and(|c| !time_ok(c))
            {
                return inconsistent("guardian attestation is malformed".into());
            }
            if self.age.is_none() {
                return inconsistent("a guardian without a declared age".into());
            }
        }
        for (id, p) in &self.purposes {
            if !time_ok(p.at) {
                return inconsistent(format!("purpose `{id}` has a time out of range"));
            }
            if p.state == State::Granted && p.by == Actor::System {
                return inconsistent(format!(
                    "purpose `{id}` is granted without an act of a person"
                ));
            }
            if p.state == State::Granted
                && p.by == Actor::Guardian
                && self.guardian.as_ref().is_none_or(|g| g.confirmed.is_none())
            {
                return inconsistent(format!(
                    "purpose `{id}` is granted by a guardian that was never confirmed"
                ));
            }
            if p.version.len() > MAX_TEXT
                || p.definition.len() > 64
                || p.reason.as_ref().is_some_and(|r| r.len() > MAX_TEXT)
            {
                return inconsistent(format!("purpose `{id}` has an oversized field"));
            }
        }
        for e in &self.events {
            if e.kind.len() > 32 || e.detail.len() > MAX_TEXT * 4 || !time_ok(e.at) {
                return inconsistent("an event is malformed".into());
            }
        }
        // The parts no rule reads still get bounds: a record is stored and rewritten on
        // every page, so nothing in it may grow without limit.
        if let Some(folded) = &self.folded {
            if folded.kinds.len() > 64
                || folded.kinds.keys().any(|k| k.is_empty() || k.len() > 32)
                || folded.first > folded.last
                || !time_ok(folded.first)
                || !time_ok(folded.last)
            {
                return inconsistent("the folded event log is malformed".into());
            }
        }
        if let Some(notice) = &self.notice {
            if notice
                .sections
                .iter()
                .chain(&notice.purposes)
                .any(|id| id.is_empty() || id.len() > MAX_ID)
                || notice.acknowledged.is_some_and(|t| !time_ok(t))
            {
                return inconsistent("the change notice is malformed".into());
            }
        }
        if self
            .policy
            .sections
            .iter()
            .any(|(id, digest)| id.is_empty() || id.len() > MAX_ID || digest.len() > 64)
        {
            return inconsistent("the policy's section digests are malformed".into());
        }
        if self.signals.gpc.is_some_and(|t| !time_ok(t)) {
            return inconsistent("a signal's time is out of range".into());
        }
        self.purposes.retain(|id, _| manifest.purpose(id).is_some());
        Ok(self)
    }

    /// Decodes and validates a stored record (JSON), natively.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn decode(
        json: &str,
        manifest: &Manifest,
        now: Millis,
    ) -> Result<ConsentRecord, RecordError> {
        if json.len() > MAX_RECORD_BYTES {
            return Err(RecordError::TooLarge(json.len()));
        }
        let record: ConsentRecord = serde_json::from_str(json).map_err(|e| {
            // A newer schema may have fields we do not know; say so rather than "malformed".
            match serde_json::from_str::<serde_json::Value>(json)
                .ok()
                .and_then(|v| v.get("schema")?.as_u64())
            {
                Some(schema) if schema > u64::from(RECORD_SCHEMA) => {
                    RecordError::FutureSchema(u32::try_from(schema).unwrap_or(u32::MAX))
                }
                _ => RecordError::Malformed(e.to_string()),
            }
        })?;
        record.validate(manifest, now)
    }

    /// Encodes the record as JSON, natively.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn clip(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

/// The person's copy of their consent, to download or send to the site's endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Receipt format.
    pub version: String,
    /// The record id (pseudonymous subject reference).
    pub record: String,
    /// When this receipt was made (ISO 8601).
    pub issued: String,
    /// The policy: id and version.
    pub policy: ReceiptPolicy,
    /// Each purpose with its state.
    pub purposes: Vec<ReceiptPurpose>,
    /// `adult`, `minor` or `unknown`.
    pub age_status: String,
    /// The guardian who consented for a minor, if any (name, relationship, method, when).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<ReceiptGuardian>,
    /// Whether a Global Privacy Control signal was honoured.
    pub gpc: bool,
}

/// The policy in a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPolicy {
    /// Policy id.
    pub id: String,
    /// Version.
    pub version: String,
}

/// One purpose in a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPurpose {
    /// Purpose id.
    pub id: String,
    /// Its title in the record's locale.
    pub title: String,
    /// `granted`, `denied` or `suspended` (`required` purposes are `granted` by nature).
    pub state: String,
    /// Whether it is strictly necessary.
    pub required: bool,
    /// When decided (ISO 8601), if decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Who decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Actor>,
    /// How.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// Under which policy version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_version: Option<String>,
}

/// The guardian in a receipt (without the host's token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptGuardian {
    /// Name as stated.
    pub name: String,
    /// Relationship.
    pub relationship: String,
    /// Verification method.
    pub method: String,
    /// When confirmed (ISO 8601).
    pub confirmed: Option<String>,
}

/// `2026-11-29T21:02:15Z` for a time in milliseconds.
pub fn iso8601(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// (year, month, day) for days since 1970-01-01 (Howard Hinnant's civil-from-days).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_796_000_000_000), "2026-11-30T00:53:20Z");
        for days in [-1000, 0, 11016, 11017, 20_000, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(crate::policy::manifest::days_from_civil(y, m, d), days);
        }
    }
}
