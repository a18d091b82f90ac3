//! The consent manifest (`policy/consent.json`): the policy's identity and versions, the
//! purposes a visitor decides on and the sections that explain them, the rules for minors,
//! and the changelog; with validation whose errors name the field.
//!
//! It is JSON so browsers parse it natively (the Wasm shell receives a JS object) and the
//! CLI reads it with serde_json; this module only defines and checks it.

use super::model::Policy;
use crate::hash::{HashMap, HashSet};
use crate::sorted_map::SortedMap;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The manifest schema this build reads.
pub const SCHEMA: u32 = 1;

/// Most purposes a manifest may have. Far more than any site asks about (IAB's framework
/// has eleven), small enough that the record of every decision stays a few hundred KB
/// and the settings list stays usable.
pub const MAX_PURPOSES: usize = 1000;

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Schema version (1).
    #[serde(default = "schema_one")]
    pub schema: u32,
    /// The policy this manifest belongs to.
    pub policy: PolicyInfo,
    /// Under this age (in years) a person is a minor. Default 18, as the sample policy says.
    #[serde(default = "default_minor_age")]
    pub minor_age: u8,
    /// How age is known.
    #[serde(default)]
    pub age_gate: AgeGate,
    /// Days after which a decision is asked again (default 365).
    #[serde(default = "default_lifetime")]
    pub lifetime_days: u32,
    /// The purposes a visitor decides on.
    pub purposes: Vec<Purpose>,
    /// What changed in each version, newest last or first (order does not matter).
    #[serde(default)]
    pub changelog: Vec<ChangelogEntry>,
    /// UI strings per locale, overriding the built-in ones (`{"en": {"banner.title": "…"}}`).
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub strings: SortedMap<String, SortedMap<String, String>>,
}

fn schema_one() -> u32 {
    SCHEMA
}
fn default_minor_age() -> u8 {
    18
}
fn default_lifetime() -> u32 {
    365
}

/// The policy's identity and versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyInfo {
    /// A stable id (letters, digits, `.`, `_`, `-`): the storage key is `policy-consent:<id>`.
    pub id: String,
    /// The current version's name, e.g. `2026-11`.
    pub version: String,
    /// When the current version took effect (`YYYY-MM-DD`).
    pub effective: String,
    /// The policy file, relative to the manifest.
    pub source: String,
    /// The policy's language (BCP 47), e.g. `en`.
    #[serde(default = "default_locale")]
    pub locale: String,
    /// A version announced before it takes effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upcoming: Option<Upcoming>,
}

fn default_locale() -> String {
    "en".to_string()
}

/// A version announced in advance ("prior to the change taking effect").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upcoming {
    /// Its version name.
    pub version: String,
    /// When it takes effect (`YYYY-MM-DD`).
    pub effective: String,
    /// From when visitors are told about it (`YYYY-MM-DD`).
    pub notice_from: String,
    /// Its policy file, relative to the manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// How a person's age is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgeGate {
    /// Ask birth year and month before the first optional grant takes effect.
    #[default]
    Ask,
    /// The host knows the birth month (from the account) and passes it in; ask if it does not.
    Host,
    /// No age gate.
    Off,
}

/// What minors may do with a purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MinorsRule {
    /// Open to minors without a guardian: only for required (strictly necessary) purposes;
    /// consent-based processing of a minor's data always needs a guardian.
    Allowed,
    /// Needs a guardian's consent.
    #[default]
    Guardian,
    /// Never for a minor, even with a guardian's consent (profiling, personalised ads).
    Forbidden,
}

/// Text in one or more locales: `"Analytics"` or `{"en": "Analytics", "zh-CN": "统计分析"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Localized {
    /// The same text in every locale.
    One(String),
    /// Text per locale.
    Many(SortedMap<String, String>),
}

impl Localized {
    /// The text for `locale`: an exact match, then the language (`zh` for `zh-CN`), then
    /// English, then any.
    pub fn get(&self, locale: &str) -> &str {
        match self {
            Localized::One(text) => text,
            Localized::Many(map) => {
                let language = locale.split(['-', '_']).next().unwrap_or(locale);
                map.get(locale)
                    .or_else(|| {
                        map.iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(locale))
                            .map(|(_, v)| v)
                    })
                    .or_else(|| {
                        map.iter()
                            .find(|(k, _)| k.split(['-', '_']).next() == Some(language))
                            .map(|(_, v)| v)
                    })
                    .or_else(|| map.get("en"))
                    .or_else(|| map.values().next())
                    .map_or("", String::as_str)
            }
        }
    }

    fn is_blank(&self) -> bool {
        match self {
            Localized::One(text) => text.trim().is_empty(),
            Localized::Many(map) => map.values().all(|t| t.trim().is_empty()),
        }
    }
}

/// One purpose of processing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    /// Stable id (letters, digits, `.`, `_`, `-`), used in records and `data-consent`.
    pub id: String,
    /// Short title.
    pub title: Localized,
    /// What it means for the visitor.
    pub description: Localized,
    /// Policy sections that explain it, by number (`2.5`) or id (`s-2-5`).
    #[serde(default)]
    pub sections: Vec<String>,
    /// Strictly necessary: always on, shown locked with the reason.
    #[serde(default)]
    pub required: bool,
    /// Initial state of an optional purpose: must be `false` (no pre-ticked boxes).
    #[serde(default)]
    pub default: bool,
    /// A sale or sharing of personal data: a Global Privacy Control signal turns it off.
    #[serde(default)]
    pub sale_or_share: bool,
    /// What minors may do.
    #[serde(default)]
    pub minors: MinorsRule,
    /// Google Consent Mode v2 types this purpose grants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consent_mode: Vec<String>,
    /// Recipients (third parties) of the data, listed to the visitor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    /// Cookies set for this purpose (names; a trailing `*` matches every name it begins):
    /// deleted whenever the purpose is not granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cookies: Vec<String>,
}

impl Purpose {
    /// Whether `name` is one of the cookies this purpose lists.
    pub fn lists_cookie(&self, name: &str) -> bool {
        self.cookies
            .iter()
            .any(|pattern| match pattern.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == pattern,
            })
    }
}

/// Why `pattern` cannot name cookies to delete, if it cannot: a cookie name (RFC 6265
/// token characters), with at most a trailing `*`, and not `*` alone.
fn cookie_pattern_problem(pattern: &str) -> Option<&'static str> {
    let name = pattern.strip_suffix('*').unwrap_or(pattern);
    if name.is_empty() {
        return Some("matches every cookie, those of necessary purposes too: name them");
    }
    if pattern.len() > 128 {
        return Some("is longer than 128 characters");
    }
    let token = |b: u8| b.is_ascii_graphic() && !br#"()<>@,;:\"/[]?={}*"#.contains(&b);
    (!name.bytes().all(token)).then_some(
        "is not a cookie name (letters, digits and !#$%&'+-.^_`|~, with `*` only at the end)",
    )
}

/// The Consent Mode v2 consent types.
pub const CONSENT_MODE_TYPES: &[&str] = &[
    "ad_storage",
    "analytics_storage",
    "ad_user_data",
    "ad_personalization",
    "functionality_storage",
    "personalization_storage",
    "security_storage",
];

/// One version's entry in the changelog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangelogEntry {
    /// The version.
    pub version: String,
    /// When it was published (`YYYY-MM-DD`).
    pub date: String,
    /// The level the publisher declares (`cosmetic`, `minor`, `material`).
    pub level: crate::revision::Level,
    /// What changed, for people.
    pub summary: Localized,
    /// Sections that changed materially, as `policy-consent diff` found them (ids or numbers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<String>,
    /// Purposes whose answer must be asked again (filled from the comparison).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<String>,
}

/// A problem with a manifest, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON path of the field, e.g. `purposes[2].sections[0]`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "manifest: {}: {}", self.field, self.message)
    }
}

/// A section citation without the decoration people add: `#s-2-5` → `s-2-5`, `2.5.` → `2.5`.
fn citation_key(cited: &str) -> &str {
    cited.trim().trim_start_matches('#').trim_end_matches('.')
}

/// Whether `id` is a safe key: 1–64 letters, digits, `.`, `_`, `-`.
pub fn is_safe_key(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Days since 1970-01-01 for a `YYYY-MM-DD` date, if it is a real date.
pub fn parse_date(date: &str) -> Option<i64> {
    let bytes = date.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i64 = date[..4].parse().ok()?;
    let month: u32 = date[5..7].parse().ok()?;
    let day: u32 = date[8..10].parse().ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's days-from-civil.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Manifest {
    /// The purpose with this id.
    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.id == id)
    }

    /// The changelog entry for a version.
    pub fn changelog_entry(&self, version: &str) -> Option<&ChangelogEntry> {
        self.changelog.iter().find(|e| e.version == version)
    }

    /// Purposes and the sections they cite, for [`crate::revision::Revision::with_purposes`].
    pub fn citations(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.purposes
            .iter()
            .map(|p| (p.id.as_str(), p.sections.as_slice()))
    }

    /// Every problem with the manifest; with the policy, cited sections are checked too.
    ///
    /// # Examples
    /// ```
    /// use policy_consent::policy::manifest::Manifest;
    /// let json = r#"{"policy": {"id": "p", "version": "1", "effective": "2026-02-30", "source": "p.txt"},
    ///   "purposes": [{"id": "ads", "title": "Ads", "description": "Ads.", "sections": ["9.9"], "default": true}]}"#;
    /// let manifest: Manifest = serde_json::from_str(json).unwrap();
    /// let policy = policy_consent::policy::parse("P\n\nIntro\nText.\n", None).unwrap();
    /// let problems: Vec<String> = manifest.validate(Some(&policy)).iter().map(|p| p.to_string()).collect();
    /// assert_eq!(problems, [
    ///     "manifest: policy.effective: `2026-02-30` is not a date (YYYY-MM-DD)",
    ///     "manifest: purposes[0].sections[0]: purpose `ads` cites section `9.9`, which the policy does not have",
    ///     "manifest: purposes[0].default: optional purpose `ads` is on by default; optional purposes must start off (no pre-ticked boxes)",
    /// ]);
    /// ```
    pub fn validate(&self, policy: Option<&Policy>) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut problem =
            |field: String, message: String| problems.push(Problem { field, message });
        if self.schema != SCHEMA {
            problem(
                "schema".into(),
                format!(
                    "schema {} is not supported (this version reads {SCHEMA})",
                    self.schema
                ),
            );
        }
        if !is_safe_key(&self.policy.id) {
            problem(
                "policy.id".into(),
                format!(
                    "`{}` must be 1–64 letters, digits, `.`, `_` or `-`",
                    self.policy.id
                ),
            );
        }
        if self.policy.version.trim().is_empty() {
            problem("policy.version".into(), "is empty".into());
        }
        let effective = parse_date(&self.policy.effective);
        if effective.is_none() {
            problem(
                "policy.effective".into(),
                format!("`{}` is not a date (YYYY-MM-DD)", self.policy.effective),
            );
        }
        if let Some(upcoming) = &self.policy.upcoming {
            let (eff, from) = (
                parse_date(&upcoming.effective),
                parse_date(&upcoming.notice_from),
            );
            if eff.is_none() {
                problem(
                    "policy.upcoming.effective".into(),
                    format!("`{}` is not a date (YYYY-MM-DD)", upcoming.effective),
                );
            }
            if from.is_none() {
                problem(
                    "policy.upcoming.notice_from".into(),
                    format!("`{}` is not a date (YYYY-MM-DD)", upcoming.notice_from),
                );
            }
            if let (Some(eff), Some(from)) = (eff, from) {
                if from > eff {
                    problem(
                        "policy.upcoming.notice_from".into(),
                        format!(
                            "{} is after the upcoming version takes effect ({})",
                            upcoming.notice_from, upcoming.effective
                        ),
                    );
                }
            }
            if let (Some(eff), Some(current)) = (eff, effective) {
                if eff <= current {
                    problem(
                        "policy.upcoming.effective".into(),
                        format!(
                            "{} is not after the current version's effective date ({})",
                            upcoming.effective, self.policy.effective
                        ),
                    );
                }
            }
            if upcoming.version == self.policy.version {
                problem(
                    "policy.upcoming.version".into(),
                    format!("`{}` is the current version", upcoming.version),
                );
            }
            if upcoming.source.as_deref() == Some(self.policy.source.as_str()) {
                problem(
                    "policy.upcoming.source".into(),
                    format!(
                        "`{}` is the current version's file: the upcoming version needs its own",
                        self.policy.source
                    ),
                );
            }
        }
        if !(1..=25).contains(&self.minor_age) {
            problem(
                "minor_age".into(),
                format!(
                    "{} is not a plausible age of majority (1–25)",
                    self.minor_age
                ),
            );
        }
        if !(1..=3650).contains(&self.lifetime_days) {
            problem(
                "lifetime_days".into(),
                format!("{} days is out of range (1–3650)", self.lifetime_days),
            );
        }
        if self.purposes.is_empty() {
            problem(
                "purposes".into(),
                "no purposes: a visitor has nothing to decide".into(),
            );
        }
        if self.purposes.len() > MAX_PURPOSES {
            problem(
                "purposes".into(),
                format!(
                    "{} purposes: at most {MAX_PURPOSES} (group related uses into one purpose)",
                    self.purposes.len()
                ),
            );
            // Checking each of thousands would bury this message.
            return problems;
        }
        let mut seen = HashSet::default();
        // One index of the policy's ids, numbers and anchors for every citation, not a walk
        // of the whole policy per citation.
        let index = policy.map(Policy::index);
        for (i, purpose) in self.purposes.iter().enumerate() {
            let at = |field: &str| format!("purposes[{i}].{field}");
            let id = &purpose.id;
            if !is_safe_key(id) {
                problem(
                    at("id"),
                    format!("`{id}` must be 1–64 letters, digits, `.`, `_` or `-`"),
                );
            }
            if !seen.insert(id.as_str()) {
                problem(at("id"), format!("duplicate purpose id `{id}`"));
            }
            if purpose.title.is_blank() {
                problem(at("title"), format!("purpose `{id}` has no title"));
            }
            if purpose.description.is_blank() {
                problem(
                    at("description"),
                    format!("purpose `{id}` has no description"),
                );
            }
            // Each cited section once: by its id when the policy is known (`2.5` and `s-2-5`
            // are one section), else by the citation as written.
            let mut cited_at: HashMap<&str, usize> = HashMap::default();
            for (j, cited) in purpose.sections.iter().enumerate() {
                let key = match &index {
                    Some(index) => match index.find(cited) {
                        Some(section) => section.id.as_str(),
                        None => {
                            problem(
                                format!("purposes[{i}].sections[{j}]"),
                                format!(
                                    "purpose `{id}` cites section `{cited}`, which the policy does not have"
                                ),
                            );
                            continue;
                        }
                    },
                    None => citation_key(cited),
                };
                if let Some(first) = cited_at.get(key) {
                    problem(
                        format!("purposes[{i}].sections[{j}]"),
                        format!(
                            "purpose `{id}` cites section `{cited}` twice (also as sections[{first}])"
                        ),
                    );
                } else {
                    cited_at.insert(key, j);
                }
            }
            if purpose.required && purpose.minors == MinorsRule::Forbidden {
                problem(
                    at("minors"),
                    format!(
                        "purpose `{id}` is required (strictly necessary) but forbidden for minors: a minor could not use the service at all"
                    ),
                );
            }
            if purpose.required && purpose.sale_or_share {
                problem(
                    at("sale_or_share"),
                    format!(
                        "purpose `{id}` is required but a sale or sharing: selling or sharing data is never strictly necessary"
                    ),
                );
            }
            if !purpose.required && purpose.minors == MinorsRule::Allowed {
                problem(
                    at("minors"),
                    format!(
                        "optional purpose `{id}` cannot be `allowed` for minors: consent-based processing of a minor's data needs a guardian (use `guardian` or `forbidden`)"
                    ),
                );
            }
            if purpose.default && !purpose.required {
                problem(
                    at("default"),
                    format!(
                        "optional purpose `{id}` is on by default; optional purposes must start off (no pre-ticked boxes)"
                    ),
                );
            }
            for (j, pattern) in purpose.cookies.iter().enumerate() {
                if let Some(why) = cookie_pattern_problem(pattern) {
                    problem(
                        format!("purposes[{i}].cookies[{j}]"),
                        format!("`{pattern}` {why}"),
                    );
                }
            }
            for (j, kind) in purpose.consent_mode.iter().enumerate() {
                if !CONSENT_MODE_TYPES.contains(&kind.as_str()) {
                    problem(
                        format!("purposes[{i}].consent_mode[{j}]"),
                        format!(
                            "`{kind}` is not a Consent Mode v2 type ({})",
                            CONSENT_MODE_TYPES.join(", ")
                        ),
                    );
                }
            }
        }
        let mut versions = HashSet::default();
        for (i, entry) in self.changelog.iter().enumerate() {
            if !versions.insert(entry.version.as_str()) {
                problem(
                    format!("changelog[{i}].version"),
                    format!("duplicate changelog entry for version `{}`", entry.version),
                );
            }
            if parse_date(&entry.date).is_none() {
                problem(
                    format!("changelog[{i}].date"),
                    format!("`{}` is not a date (YYYY-MM-DD)", entry.date),
                );
            }
            let mut listed = HashSet::default();
            for (j, p) in entry.purposes.iter().enumerate() {
                if !seen.contains(p.as_str()) {
                    problem(
                        format!("changelog[{i}].purposes[{j}]"),
                        format!("no purpose `{p}`"),
                    );
                } else if !listed.insert(p.as_str()) {
                    problem(
                        format!("changelog[{i}].purposes[{j}]"),
                        format!("purpose `{p}` is listed twice"),
                    );
                }
            }
            let mut listed = HashSet::default();
            for (j, cited) in entry.sections.iter().enumerate() {
                if !listed.insert(citation_key(cited)) {
                    problem(
                        format!("changelog[{i}].sections[{j}]"),
                        format!("section `{cited}` is listed twice"),
                    );
                }
            }
        }
        problems
    }
}

/// A manifest proposed from a policy, for a person to edit: each item of the policy's
/// purpose-like list (the subsections or list items of the section that says how
/// information is used) becomes a purpose citing its section, with first guesses for
/// `required`, `sale_or_share`, `minors` and Consent Mode from its words.
///
/// # Examples
/// ```
/// let policy = policy_consent::policy::parse(
///     "Policy\n\nHow we use information\nFor these purposes.\n2.1 Providing the service.\n2.2 Advertising.\n",
///     None,
/// ).unwrap();
/// let manifest = policy_consent::policy::manifest::propose(&policy, "policy.txt", "2026-11-29");
/// let ids: Vec<&str> = manifest.purposes.iter().map(|p| p.id.as_str()).collect();
/// assert_eq!(ids, ["providing-the-service", "advertising"]);
/// assert!(manifest.purposes[0].required && manifest.purposes[1].sale_or_share);
/// ```
pub fn propose(policy: &Policy, source: &str, today: &str) -> Manifest {
    use super::model::{self, Block, Section};
    const USE_WORDS: &[&str] = &[
        "use",
        "uses",
        "purpose",
        "purposes",
        "process",
        "processing",
    ];
    let is_use = |s: &Section| {
        let h = s.heading.to_lowercase();
        h.split(|c: char| !c.is_alphanumeric())
            .any(|w| USE_WORDS.contains(&w))
            || crate::search::contains(&h, "使用")
            || crate::search::contains(&h, "目的")
    };
    // The purpose list: of the sections about use, the one with the most items.
    let items = |s: &Section| -> Vec<(String, String, String)> {
        let mut found = Vec::new();
        if !s.sections.is_empty() {
            for sub in &s.sections {
                let mut text = sub.heading.clone();
                model::visit_blocks(&sub.blocks, &mut |t| {
                    text.push(' ');
                    text.push_str(t);
                });
                found.push((
                    sub.heading.clone(),
                    text,
                    sub.number.clone().unwrap_or_else(|| sub.id.clone()),
                ));
            }
            return found;
        }
        for block in &s.blocks {
            if let Block::List { items, .. } = block {
                for item in items {
                    let mut text = String::new();
                    model::visit_blocks(&item.blocks, &mut |t| text.push_str(t));
                    let title = text
                        .split(['.', ':', '。'])
                        .next()
                        .unwrap_or(&text)
                        .trim()
                        .to_string();
                    found.push((title, text.clone(), s.id.clone()));
                }
            }
        }
        found
    };
    let candidates = policy
        .walk()
        .into_iter()
        .filter(|s| is_use(s))
        .map(items)
        .max_by_key(Vec::len)
        .unwrap_or_default();
    let mut purposes: Vec<Purpose> = Vec::new();
    for (title, description, citation) in candidates {
        let title = title.trim().trim_end_matches(['.', '。']).to_string();
        let lower = description.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| crate::search::contains(&lower, w));
        let required = has(&[
            "services provided",
            "provide the service",
            "providing the service",
            "security",
            "management software",
            "necessary",
            "essential",
            "安全",
            "必要",
        ]);
        let ads = has(&["advertis", "promotion", "marketing", "广告", "营销"]);
        let analytics = has(&[
            "analytic",
            "optimi",
            "statistic",
            "product development",
            "measure",
            "统计",
            "分析",
        ]);
        let personal = has(&["personali", "preference", "个性化"]);
        let mut consent_mode = Vec::new();
        if required {
            consent_mode.push("security_storage".to_string());
        } else if ads {
            consent_mode
                .extend(["ad_storage", "ad_user_data", "ad_personalization"].map(String::from));
        } else if analytics {
            consent_mode.push("analytics_storage".to_string());
        } else if personal {
            consent_mode.push("personalization_storage".to_string());
        }
        let mut id = model::slug(&title, 24);
        if id.is_empty() {
            id = format!("purpose-{}", purposes.len() + 1);
        }
        while purposes.iter().any(|p| p.id == id) {
            id.push_str("-2");
        }
        purposes.push(Purpose {
            id,
            title: Localized::One(title),
            description: Localized::One(description.trim().to_string()),
            sections: vec![citation],
            required,
            default: false,
            sale_or_share: ads && !required,
            minors: if required {
                MinorsRule::Allowed
            } else if ads {
                MinorsRule::Forbidden
            } else {
                MinorsRule::Guardian
            },
            consent_mode,
            recipients: Vec::new(),
            cookies: Vec::new(),
        });
    }
    let file = source.rsplit(['/', '\\']).next().unwrap_or(source);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let id = model::slug(stem, 64);
    let version = today.get(..7).unwrap_or(today).to_string();
    Manifest {
        schema: SCHEMA,
        policy: PolicyInfo {
            id: if id.is_empty() {
                "policy".to_string()
            } else {
                id
            },
            version: version.clone(),
            effective: today.to_string(),
            source: file.to_string(),
            locale: policy.language().to_string(),
            upcoming: None,
        },
        minor_age: default_minor_age(),
        age_gate: AgeGate::Ask,
        lifetime_days: default_lifetime(),
        purposes,
        changelog: vec![ChangelogEntry {
            version,
            date: today.to_string(),
            level: crate::revision::Level::Material,
            summary: Localized::One("First published version.".into()),
            sections: Vec::new(),
            purposes: Vec::new(),
        }],
        strings: SortedMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11017));
        assert_eq!(
            parse_date("2024-02-29").map(|d| d - parse_date("2024-02-28").unwrap()),
            Some(1)
        );
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("26-1-1"), None);
    }

    #[test]
    fn localized_text_falls_back() {
        let text = Localized::Many(SortedMap::from([
            ("en".to_string(), "Ads".to_string()),
            ("zh-CN".to_string(), "广告".to_string()),
        ]));
        assert_eq!(text.get("zh-CN"), "广告");
        assert_eq!(text.get("zh"), "广告");
        assert_eq!(text.get("zh-TW"), "广告");
        assert_eq!(text.get("fr"), "Ads");
        assert_eq!(Localized::One("x".into()).get("fr"), "x");
    }
}
