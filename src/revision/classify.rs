//! Classifying the edits between two versions of a section: each finding is a level and a
//! reason a person can check. The principle (tuned on our own revisions of the corpus, see
//! `tests/revisions.rs`): cosmetic when nothing a reader could act on changed; material
//! when a person's rights or what is done with their data could be affected; minor between.

use super::diff::{self, Edit, Token, TokenKind};
use super::{DiffPart, Level, Op, Unit, View};
use crate::hash::{HashMap, HashSet};
use crate::lowercase::lower;
use crate::policy::model::Policy;
use crate::search::{contains, contains_char};
use std::cell::OnceCell;

/// What is known about both documents as a whole, computed on first use (most sections
/// are unchanged and never need it).
pub(super) struct Context<'a> {
    old: &'a Policy,
    new: &'a Policy,
    old_words: OnceCell<HashSet<String>>,
    new_words: OnceCell<HashSet<String>>,
}

impl<'a> Context<'a> {
    pub(super) fn new(old: &'a Policy, new: &'a Policy) -> Context<'a> {
        Context {
            old,
            new,
            old_words: OnceCell::new(),
            new_words: OnceCell::new(),
        }
    }

    /// Lowercase words of the old version.
    fn old_words(&self) -> &HashSet<String> {
        self.old_words.get_or_init(|| words_of_policy(self.old))
    }

    /// Lowercase words of the new version.
    fn new_words(&self) -> &HashSet<String> {
        self.new_words.get_or_init(|| words_of_policy(self.new))
    }
}

fn words_of_policy(policy: &Policy) -> HashSet<String> {
    let mut set = HashSet::default();
    policy.visit_text(&mut |s| {
        for t in diff::tokenize(s) {
            if t.kind == TokenKind::Word {
                set.insert(lower(t.text));
            }
        }
    });
    set
}

/// The classification of a paired section.
pub(super) struct Analysis {
    pub level: Level,
    pub reasons: Vec<String>,
    pub reason_levels: Vec<Level>,
    pub diff: Vec<DiffPart>,
}

const NEGATIONS: &[&str] = &[
    "not", "no", "never", "none", "nor", "neither", "without", "cannot", "unless", "except",
    "nothing", "nobody", "不", "没", "无", "未", "非", "禁止",
];
const MODALS: &[&str] = &[
    "may",
    "might",
    "will",
    "shall",
    "must",
    "can",
    "could",
    "should",
    "would",
    "only",
    "always",
    "all",
    "any",
    "some",
    "required",
    "optional",
    "mandatory",
    "automatically",
    "可能",
    "将",
    "会",
    "应",
    "必须",
    "可以",
    "仅",
];
/// Words of amount, time and extent: `minimum` → `maximum` changes what a promise covers.
const EXTENT: &[&str] = &[
    "minimum",
    "maximum",
    "least",
    "most",
    "less",
    "more",
    "fewer",
    "shorter",
    "longer",
    "before",
    "after",
    "within",
    "beyond",
    "until",
    "indefinitely",
    "permanently",
    "temporarily",
    "immediately",
    "promptly",
    "reasonable",
    "necessary",
    "strictly",
    "solely",
    "exclusively",
    "anonymized",
    "anonymised",
    "aggregated",
    "identifiable",
    "最少",
    "最长",
    "最短",
    "之前",
    "之后",
    "永久",
];
const CONSENT: &[&str] = &[
    "consent",
    "agree",
    "agreement",
    "permission",
    "authorization",
    "authorisation",
    "explicit",
    "prior",
    "opt",
    "approval",
    "同意",
    "授权",
    "许可",
];
const RIGHTS: &[&str] = &[
    "right",
    "rights",
    "access",
    "correct",
    "correction",
    "delete",
    "deletion",
    "erase",
    "erasure",
    "object",
    "restrict",
    "portability",
    "withdraw",
    "complain",
    "complaint",
    "unsubscribe",
    "refuse",
    "权利",
    "删除",
    "更正",
    "撤回",
    "投诉",
];
/// Words that name a recipient, purpose, category of data or place: adding one widens
/// what is done with a person's data.
const SCOPE: &[&str] = &[
    "third",
    "parties",
    "party",
    "partner",
    "partners",
    "affiliate",
    "affiliates",
    "advertiser",
    "advertisers",
    "vendor",
    "vendors",
    "processor",
    "processors",
    "government",
    "authorities",
    "sell",
    "sells",
    "sold",
    "sale",
    "share",
    "shares",
    "shared",
    "sharing",
    "disclose",
    "discloses",
    "disclosed",
    "transfer",
    "transferred",
    "advertising",
    "advertisement",
    "advertisements",
    "ads",
    "marketing",
    "profiling",
    "profile",
    "personalized",
    "personalised",
    "analytics",
    "tracking",
    "track",
    "research",
    "training",
    "location",
    "biometric",
    "health",
    "contacts",
    "photos",
    "messages",
    "browsing",
    "identifier",
    "identifiers",
    "device",
    "ip",
    "email",
    "phone",
    "financial",
    "payment",
    "face",
    "voice",
    "fingerprint",
    "children",
    "outside",
    "abroad",
    "overseas",
    "international",
    "country",
    "countries",
    "cross",
    "border",
    "第三方",
    "共享",
    "广告",
    "位置",
    "境外",
    "出境",
    "生物",
    "画像",
    "营销",
];
const EXAMPLE_MARKERS: &[&str] = &[
    "example",
    "e.g",
    "such as",
    "including",
    "for instance",
    "例如",
    "比如",
];
const DATE_WORDS: &[&str] = &[
    "effective",
    "updated",
    "last",
    "date",
    "version",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "年",
    "月",
    "日",
    "生效",
    "更新",
];
const TOPICS: &[(&str, &[&str])] = &[
    ("collection", &["collect", "obtain", "gather", "收集"]),
    ("use", &["use", "purpose", "process", "使用", "目的"]),
    (
        "sharing",
        &[
            "share", "disclos", "third", "transfer", "sell", "sale", "共享", "披露", "转让",
        ],
    ),
    (
        "storage and retention",
        &[
            "store",
            "storage",
            "retain",
            "retention",
            "period",
            "keep",
            "存储",
            "保存",
            "期限",
        ],
    ),
    (
        "rights",
        &[
            "right", "choice", "access", "manage", "control", "权利", "管理",
        ],
    ),
    (
        "minors",
        &[
            "minor",
            "child",
            "age",
            "guardian",
            "parent",
            "未成年",
            "儿童",
            "监护",
        ],
    ),
    (
        "security",
        &["security", "protect", "secure", "安全", "保护"],
    ),
    ("changes", &["change", "revis", "update", "变更", "更新"]),
];

/// Level of a reason given for an added or removed section.
pub(super) fn added_or_removed(
    view: &View,
    change: super::Change,
    context: &Context<'_>,
) -> (Level, String) {
    let _ = context;
    let label = match (&view.number, view.heading.is_empty()) {
        (Some(n), false) => format!("{n} {}", view.heading),
        (Some(n), true) => n.clone(),
        (None, _) => view.heading.clone(),
    };
    // A heading-only section still says something when its heading is a sentence (the
    // sample's `2.5 Recommend advertisements…`); only a short, neutral one is minor.
    let body_empty = view.units.iter().skip(1).all(|u| u.norm.is_empty());
    let heading_words = words_of(&view.heading);
    let neutral = heading_words.len() <= 4 && !heading_words.iter().any(|w| is_signal(w));
    let verb = if change == super::Change::Added {
        "added"
    } else {
        "removed"
    };
    if body_empty && neutral {
        (Level::Minor, format!("empty section {verb}: {label}"))
    } else {
        (Level::Material, format!("section {verb}: {label}"))
    }
}

/// The topic a section is about, when it is one that weighs most (collection, purposes,
/// sharing, storage, rights, minors, security, changes).
fn weighty_topic(view: &View) -> Option<&'static str> {
    let heading = lower(&view.heading);
    TOPICS
        .iter()
        .find(|(_, keys)| keys.iter().any(|k| contains(&heading, k)))
        .map(|(topic, _)| *topic)
}

/// Reasons found, each once, in the order found.
#[derive(Default)]
struct Findings {
    items: Vec<(Level, String)>,
    /// The reasons in `items`, so that a section with thousands of distinct reasons is
    /// not quadratic.
    seen: HashSet<String>,
}

impl Findings {
    fn add(&mut self, level: Level, reason: String) {
        if self.seen.insert(reason.clone()) {
            self.items.push((level, reason));
        }
    }

    fn retain(&mut self, keep: impl Fn(Level) -> bool) {
        self.items.retain(|(level, _)| keep(*level));
        self.seen = self.items.iter().map(|(_, r)| r.clone()).collect();
    }
}

/// How many units of each side have each normalised text, for telling a moved or
/// duplicated paragraph from a new one without scanning both sides for each unit.
struct Copies<'a>(HashMap<&'a str, [usize; 2]>);

impl<'a> Copies<'a> {
    fn new(old: &'a View, new: &'a View) -> Copies<'a> {
        let mut counts: HashMap<&str, [usize; 2]> = HashMap::default();
        for (side, view) in [old, new].into_iter().enumerate() {
            for unit in &view.units {
                counts.entry(unit.norm.as_str()).or_default()[side] += 1;
            }
        }
        Copies(counts)
    }

    /// Copies of `norm` in the old (`new == false`) or new version.
    fn count(&self, norm: &str, new: bool) -> usize {
        self.0.get(norm).map_or(0, |c| c[usize::from(new)])
    }
}

/// Classifies a paired section and builds its word diff.
pub(super) fn section(old: &View, new: &View, context: &Context<'_>) -> Analysis {
    let old_keys: Vec<&str> = old.units.iter().map(|u| u.norm.as_str()).collect();
    let new_keys: Vec<&str> = new.units.iter().map(|u| u.norm.as_str()).collect();
    let edits = diff::diff(&old_keys, &new_keys, 1000);
    let copies = Copies::new(old, new);
    let mut findings = Findings::default();
    let mut parts: Vec<DiffPart> = Vec::new();
    let topic = weighty_topic(new).or_else(|| weighty_topic(old));

    let mut i = 0;
    while i < edits.len() {
        match edits[i] {
            Edit::Equal(o, n) => {
                let (a, b) = (&old.units[o], &new.units[n]);
                if a.text != b.text {
                    findings.add(Level::Cosmetic, "spacing, punctuation or case".to_string());
                } else if a.markup != b.markup {
                    findings.add(Level::Cosmetic, "formatting or link targets".to_string());
                }
                push(&mut parts, Op::Equal, &b.text);
                push(&mut parts, Op::Equal, "\n\n");
                i += 1;
            }
            _ => {
                let start = i;
                while i < edits.len() && !matches!(edits[i], Edit::Equal(..)) {
                    i += 1;
                }
                let deleted: Vec<usize> = edits[start..i]
                    .iter()
                    .filter_map(|e| {
                        if let Edit::Delete(o) = e {
                            Some(*o)
                        } else {
                            None
                        }
                    })
                    .collect();
                let inserted: Vec<usize> = edits[start..i]
                    .iter()
                    .filter_map(|e| {
                        if let Edit::Insert(n) = e {
                            Some(*n)
                        } else {
                            None
                        }
                    })
                    .collect();
                hunk(
                    old,
                    new,
                    &deleted,
                    &inserted,
                    &copies,
                    context,
                    topic,
                    &mut findings,
                    &mut parts,
                );
            }
        }
    }
    while parts
        .last()
        .is_some_and(|p| p.op == Op::Equal && p.text.trim().is_empty())
    {
        parts.pop();
    }
    if let Some(last) = parts.last_mut() {
        let trimmed = last.text.trim_end_matches('\n').len();
        last.text.truncate(trimmed);
    }
    if old.preamble {
        soften_dates(&mut findings, old, new);
    }
    let level = findings
        .items
        .iter()
        .map(|(l, _)| *l)
        .max()
        .unwrap_or(Level::Unchanged);
    // Report the reasons for the level found first.
    crate::sort::sort_by(&mut findings.items, |a, b| b.0.cmp(&a.0));
    Analysis {
        level,
        reason_levels: findings.items.iter().map(|(l, _)| *l).collect(),
        reasons: findings.items.into_iter().map(|(_, r)| r).collect(),
        diff: parts,
    }
}

/// A changed effective date in the preamble is the revision's own date, not a change of
/// substance.
fn soften_dates(findings: &mut Findings, old: &View, new: &View) {
    let date_like = |units: &[Unit]| {
        units.iter().all(|u| {
            diff::tokenize(&u.norm)
                .iter()
                .filter(|t| t.kind == TokenKind::Word)
                .all(|t| t.text.chars().all(|c| c.is_ascii_digit()) || DATE_WORDS.contains(&t.text))
        })
    };
    fn norms(view: &View) -> HashSet<&str> {
        view.units.iter().map(|u| u.norm.as_str()).collect()
    }
    let (old_norms, new_norms) = (norms(old), norms(new));
    // Units with no text (an empty title) changed nothing a date could explain.
    let changed_old: Vec<Unit> = old
        .units
        .iter()
        .filter(|u| !u.norm.is_empty() && !new_norms.contains(u.norm.as_str()))
        .cloned()
        .collect();
    let changed_new: Vec<Unit> = new
        .units
        .iter()
        .filter(|u| !u.norm.is_empty() && !old_norms.contains(u.norm.as_str()))
        .cloned()
        .collect();
    if !changed_old.is_empty() && date_like(&changed_old) && date_like(&changed_new) {
        findings.retain(|level| level < Level::Minor);
        findings.add(Level::Cosmetic, "effective date changed".to_string());
    }
}

fn push(parts: &mut Vec<DiffPart>, op: Op, text: &str) {
    if text.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some(last) if last.op == op => last.text.push_str(text),
        _ => parts.push(DiffPart {
            op,
            text: text.to_string(),
        }),
    }
}

fn words_of(text: &str) -> Vec<String> {
    diff::tokenize(text)
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| lower(t.text))
        .collect()
}

fn word_overlap(a: &str, b: &str) -> f64 {
    let a: HashSet<String> = words_of(a).into_iter().collect();
    let b: HashSet<String> = words_of(b).into_iter().collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.intersection(&b).count();
    common as f64 / (a.len() + b.len() - common) as f64
}

/// A run of deleted and inserted units: pair the similar ones and diff their words; the
/// rest were added or removed whole.
#[allow(clippy::too_many_arguments)]
fn hunk(
    old: &View,
    new: &View,
    deleted: &[usize],
    inserted: &[usize],
    copies: &Copies<'_>,
    context: &Context<'_>,
    topic: Option<&str>,
    findings: &mut Findings,
    parts: &mut Vec<DiffPart>,
) {
    let (mut d, mut n) = (0, 0);
    while d < deleted.len() || n < inserted.len() {
        let a = deleted.get(d).map(|&o| &old.units[o]);
        let b = inserted.get(n).map(|&j| &new.units[j]);
        match (a, b) {
            (Some(a), Some(b))
                if word_overlap(&a.text, &b.text) >= 0.3
                    || (deleted.len() == inserted.len() && deleted.len() == 1) =>
            {
                let heading = deleted[d] == 0 && inserted[n] == 0;
                words(a, b, heading, context, topic, findings, parts);
                push(parts, Op::Equal, "\n\n");
                d += 1;
                n += 1;
            }
            (Some(a), Some(b)) => {
                // Whichever side's next unit matches the other side better goes first.
                let next_b = inserted
                    .get(n + 1)
                    .map(|&j| word_overlap(&a.text, &new.units[j].text))
                    .unwrap_or(0.0);
                if next_b >= 0.3 {
                    whole(Op::Insert, b, copies, findings, parts);
                    n += 1;
                } else {
                    whole(Op::Delete, a, copies, findings, parts);
                    d += 1;
                }
            }
            (Some(a), None) => {
                whole(Op::Delete, a, copies, findings, parts);
                d += 1;
            }
            (None, Some(b)) => {
                whole(Op::Insert, b, copies, findings, parts);
                n += 1;
            }
            (None, None) => break,
        }
    }
}

/// A unit added or removed whole.
fn whole(
    op: Op,
    unit: &Unit,
    copies: &Copies<'_>,
    findings: &mut Findings,
    parts: &mut Vec<DiffPart>,
) {
    push(parts, op, &unit.text);
    push(parts, op, "\n\n");
    if unit.norm.is_empty() {
        return;
    }
    let inserted = op == Op::Insert;
    let verb = if inserted { "added" } else { "removed" };
    let copies_here = copies.count(&unit.norm, inserted);
    let in_other = copies.count(&unit.norm, !inserted) > 0;
    let still_there = if op == Op::Delete {
        copies.count(&unit.norm, true) > 0
    } else {
        copies.count(&unit.norm, false) > 0
    };
    if in_other && copies_here <= 1 && !still_there {
        findings.add(Level::Cosmetic, "paragraph moved".to_string());
        return;
    }
    if still_there {
        findings.add(Level::Cosmetic, format!("duplicate paragraph {verb}"));
        return;
    }
    let excerpt = excerpt(&unit.text);
    let words = words_of(&unit.text);
    if is_contact_only(&unit.text) {
        findings.add(Level::Minor, format!("contact details {verb}: “{excerpt}”"));
    } else if words.len() <= 2 && !words.iter().any(|w| is_signal(w)) {
        findings.add(Level::Minor, format!("text {verb}: “{excerpt}”"));
    } else if is_example(&unit.text) && !has_number(&words) {
        findings.add(Level::Minor, format!("example {verb}: “{excerpt}”"));
    } else {
        let what = if unit.text.trim_end().ends_with([':', '：']) || words.len() < 12 {
            "item"
        } else {
            "paragraph"
        };
        findings.add(Level::Material, format!("{what} {verb}: “{excerpt}”"));
    }
}

fn is_signal(word: &str) -> bool {
    [NEGATIONS, MODALS, EXTENT, CONSENT, RIGHTS, SCOPE]
        .iter()
        .any(|list| list.contains(&word))
        || word.chars().any(|c| c.is_ascii_digit())
}

fn has_number(words: &[String]) -> bool {
    words.iter().any(|w| {
        w.chars()
            .any(|c| c.is_ascii_digit() || contains_char("〇一二三四五六七八九十百千万", c))
    })
}

fn is_example(text: &str) -> bool {
    let lower = lower(text);
    EXAMPLE_MARKERS.iter().any(|m| contains(&lower, m))
}

/// Only an e-mail address, URL, phone number or postal line: contact details.
fn is_contact_only(text: &str) -> bool {
    let lower = lower(text);
    let has_contact = contains_char(&lower, '@')
        || contains(&lower, "http")
        || contains(&lower, "www.")
        || contains(&lower, "tel")
        || lower.chars().filter(|c| c.is_ascii_digit()).count() >= 7;
    let label_words = [
        "contact", "us", "email", "e", "mail", "at", "write", "to", "call", "phone", "address",
        "or", "by", "our", "the", "you", "can", "reach", "联系", "我们", "邮箱", "电话",
    ];
    has_contact
        && words_of(text).iter().all(|w| {
            label_words.contains(&w.as_str())
                || w.chars().any(|c| c.is_ascii_digit())
                || contains(&lower, &format!("{w}@"))
                || contains(&lower, &format!("@{w}"))
                || contains(&lower, &format!(".{w}"))
                || contains(&lower, &format!("{w}."))
        })
}

fn excerpt(text: &str) -> String {
    let text = text.trim();
    let mut out: String = text.chars().take(80).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

fn token_key(t: &Token<'_>) -> String {
    match t.kind {
        TokenKind::Space => " ".to_string(),
        TokenKind::Word => t.text.to_string(),
        TokenKind::Punct => crate::policy::model::normalize(t.text),
    }
}

/// Diffs the words of one changed unit and classifies each run of edits.
fn words(
    a: &Unit,
    b: &Unit,
    heading: bool,
    context: &Context<'_>,
    topic: Option<&str>,
    findings: &mut Findings,
    parts: &mut Vec<DiffPart>,
) {
    let ta = diff::tokenize(&a.text);
    let tb = diff::tokenize(&b.text);
    let ka: Vec<String> = ta.iter().map(token_key).collect();
    let kb: Vec<String> = tb.iter().map(token_key).collect();
    let edits = diff::diff(&ka, &kb, 2000);
    let total_words = ta
        .iter()
        .chain(&tb)
        .filter(|t| t.kind == TokenKind::Word)
        .count()
        .max(1);
    let mut changed_words = 0;
    let mut local = Findings::default();
    let mut i = 0;
    while i < edits.len() {
        if let Edit::Equal(_, j) = edits[i] {
            push(parts, Op::Equal, tb[j].text);
            i += 1;
            continue;
        }
        let start = i;
        while i < edits.len() && !matches!(edits[i], Edit::Equal(..)) {
            i += 1;
        }
        let mut del: Vec<Token<'_>> = Vec::new();
        let mut ins: Vec<Token<'_>> = Vec::new();
        let mut before: Option<&Token<'_>> = None;
        for e in &edits[start..i] {
            match *e {
                Edit::Delete(o) => del.push(ta[o]),
                Edit::Insert(j) => {
                    if ins.is_empty() {
                        before = tb[..j].iter().rev().find(|t| t.kind != TokenKind::Space);
                    }
                    ins.push(tb[j]);
                }
                Edit::Equal(..) => {}
            }
        }
        let text = |ts: &[Token<'_>]| ts.iter().map(|t| t.text).collect::<String>();
        push(parts, Op::Delete, &text(&del));
        push(parts, Op::Insert, &text(&ins));
        changed_words += del
            .iter()
            .chain(&ins)
            .filter(|t| t.kind == TokenKind::Word)
            .count();
        edit_run(&del, &ins, before, heading, context, &mut local);
    }
    // A rewording of much of a paragraph in a section about sharing, rights, minors… may
    // change its meaning even when no single word is a signal.
    let level = local
        .items
        .iter()
        .map(|(l, _)| *l)
        .max()
        .unwrap_or(Level::Unchanged);
    if level == Level::Minor && !heading && changed_words * 2 > total_words && total_words >= 12 {
        if let Some(topic) = topic {
            local.add(
                Level::Material,
                format!(
                    "substantial rewording in a section about {topic}: “{}”",
                    excerpt(&b.text)
                ),
            );
        }
    }
    for (level, reason) in local.items {
        findings.add(level, reason);
    }
}

/// Classifies one run of deleted and inserted tokens.
fn edit_run(
    del: &[Token<'_>],
    ins: &[Token<'_>],
    before: Option<&Token<'_>>,
    heading: bool,
    context: &Context<'_>,
    findings: &mut Findings,
) {
    let dw: Vec<String> = del
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| lower(t.text))
        .collect();
    let iw: Vec<String> = ins
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| lower(t.text))
        .collect();
    if dw == iw {
        let case = del
            .iter()
            .zip(ins)
            .any(|(a, b)| a.kind == TokenKind::Word && a.text != b.text);
        findings.add(
            Level::Cosmetic,
            if case {
                "case changed"
            } else {
                "spacing, punctuation or case"
            }
            .to_string(),
        );
        return;
    }
    let mut material = false;
    let numbers = |ws: &[String]| -> Vec<String> {
        ws.iter()
            .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
            .cloned()
            .collect()
    };
    let (dn, inn) = (numbers(&dw), numbers(&iw));
    if dn != inn {
        material = true;
        let reason = match (dn.is_empty(), inn.is_empty()) {
            (false, false) => format!("number changed: {} → {}", dn.join(", "), inn.join(", ")),
            (true, false) => format!("number added: {}", inn.join(", ")),
            _ => format!("number removed: {}", dn.join(", ")),
        };
        findings.add(Level::Material, reason);
    }
    // Sets of each side's words: a run of thousands of negations is not quadratic.
    let del_set: HashSet<&str> = dw.iter().map(String::as_str).collect();
    let ins_set: HashSet<&str> = iw.iter().map(String::as_str).collect();
    let only = |list: &[&str], from: &[String], other: &HashSet<&str>| -> Vec<String> {
        from.iter()
            .filter(|w| list.contains(&w.as_str()) && !other.contains(w.as_str()))
            .cloned()
            .collect()
    };
    let (neg_del, neg_ins) = (
        only(NEGATIONS, &dw, &ins_set),
        only(NEGATIONS, &iw, &del_set),
    );
    if !neg_del.is_empty() || !neg_ins.is_empty() {
        material = true;
        let reason = match (neg_del.is_empty(), neg_ins.is_empty()) {
            (false, false) => format!(
                "negation changed: {} → {}",
                neg_del.join(" "),
                neg_ins.join(" ")
            ),
            (true, false) => format!("negation added: {}", neg_ins.join(" ")),
            _ => format!("negation removed: {}", neg_del.join(" ")),
        };
        findings.add(Level::Material, reason);
    }
    let (mod_del, mod_ins) = (only(MODALS, &dw, &ins_set), only(MODALS, &iw, &del_set));
    if !mod_del.is_empty() || !mod_ins.is_empty() {
        material = true;
        let show = |v: &[String]| {
            if v.is_empty() {
                "—".to_string()
            } else {
                v.join(" ")
            }
        };
        findings.add(
            Level::Material,
            format!("modality changed: {} → {}", show(&mod_del), show(&mod_ins)),
        );
    }
    let (ext_del, ext_ins) = (only(EXTENT, &dw, &ins_set), only(EXTENT, &iw, &del_set));
    if !ext_del.is_empty() || !ext_ins.is_empty() {
        material = true;
        let show = |v: &[String]| {
            if v.is_empty() {
                "—".to_string()
            } else {
                v.join(" ")
            }
        };
        findings.add(
            Level::Material,
            format!("extent changed: {} → {}", show(&ext_del), show(&ext_ins)),
        );
    }
    let consent_removed = only(CONSENT, &dw, &ins_set);
    if !consent_removed.is_empty() {
        material = true;
        findings.add(
            Level::Material,
            format!(
                "consent wording weakened: removed “{}”",
                consent_removed.join(" ")
            ),
        );
    }
    let rights_removed = only(RIGHTS, &dw, &ins_set);
    if !rights_removed.is_empty() {
        material = true;
        findings.add(
            Level::Material,
            format!("right weakened or removed: “{}”", rights_removed.join(" ")),
        );
    }
    let scope_added: Vec<String> = only(SCOPE, &iw, &del_set)
        .into_iter()
        .filter(|w| !context.old_words().contains(w) || !dw.is_empty() || ins.len() > 2)
        .collect();
    if !scope_added.is_empty() {
        material = true;
        findings.add(
            Level::Material,
            format!(
                "widens what is done with data: adds “{}”",
                scope_added.join(" ")
            ),
        );
    }
    // A name that the old version never mentioned, mid-sentence: a new recipient or place.
    let mut previous = before.map(|t| t.text);
    for t in ins {
        if t.kind == TokenKind::Word {
            let sentence_start =
                previous.is_none_or(|p| p.ends_with(['.', '!', '?', ':', '。', '“', '"', '(']));
            let capitalised = t.text.chars().next().is_some_and(char::is_uppercase)
                && t.text.chars().skip(1).any(char::is_lowercase);
            if capitalised
                && !sentence_start
                && !heading
                && !context.old_words().contains(&lower(t.text))
            {
                material = true;
                findings.add(Level::Material, format!("new name: {}", t.text));
            }
        }
        if t.kind != TokenKind::Space {
            previous = Some(t.text);
        }
    }
    if material {
        return;
    }
    if is_spelling_fix(&dw, &iw, context) {
        let pairs: Vec<String> = dw
            .iter()
            .zip(&iw)
            .map(|(a, b)| format!("{a} → {b}"))
            .collect();
        findings.add(Level::Cosmetic, format!("spelling: {}", pairs.join(", ")));
        return;
    }
    let text = |ts: &[Token<'_>]| {
        ts.iter()
            .map(|t| t.text)
            .collect::<String>()
            .trim()
            .to_string()
    };
    let sentence = |ts: &[Token<'_>], ws: &[String]| {
        ws.len() >= 8
            && ts
                .iter()
                .any(|t| matches!(t.text, "." | "!" | "?" | "。" | ";" | "；"))
    };
    for (ts, ws, verb) in [(ins, &iw, "added"), (del, &dw, "removed")] {
        if sentence(ts, ws) {
            let t = text(ts);
            if is_example(&t) || is_contact_only(&t) {
                findings.add(
                    Level::Minor,
                    format!("example or contact {verb}: “{}”", excerpt(&t)),
                );
            } else {
                findings.add(
                    Level::Material,
                    format!("sentence {verb}: “{}”", excerpt(&t)),
                );
            }
            return;
        }
    }
    let reason = if heading {
        format!("heading changed: “{}” → “{}”", text(del), text(ins))
    } else if dw.is_empty() {
        format!("reworded: added “{}”", excerpt(&text(ins)))
    } else if iw.is_empty() {
        format!("reworded: removed “{}”", excerpt(&text(del)))
    } else {
        format!(
            "reworded: “{}” → “{}”",
            excerpt(&text(del)),
            excerpt(&text(ins))
        )
    };
    findings.add(Level::Minor, reason);
}

/// Each changed word is close to its old form, and the old form is not a word the new
/// version uses elsewhere (a typo, not another word).
fn is_spelling_fix(del: &[String], ins: &[String], context: &Context<'_>) -> bool {
    !del.is_empty()
        && del.len() == ins.len()
        && del.iter().zip(ins).all(|(a, b)| {
            let len = a.chars().count().max(b.chars().count());
            let allowed = match len {
                0..=3 => 0,
                4..=6 => 1,
                7..=10 => 2,
                _ => 3,
            };
            !is_signal(a)
                && !is_signal(b)
                && !context.new_words().contains(a)
                && edit_distance(a, b, allowed) <= allowed
        })
}

/// Damerau–Levenshtein distance (adjacent transpositions count one, optimal string
/// alignment), when it is at most `max`; `max + 1` otherwise. Only the diagonal band of
/// width `2 × max + 1` is computed, so two long words cost O(length × max) time and
/// O(max) memory instead of a length² table (two half-megabyte "words" would need
/// terabytes).
fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let far = max + 1;
    if a.len().abs_diff(b.len()) > max {
        return far;
    }
    let width = 2 * max + 1;
    // rows[i % 3][t] holds d[i][i + t - max]; cells outside the table or the band are `far`.
    let mut rows = vec![vec![far; width]; 3];
    let at = |row: &[usize], i: usize, j: usize| -> usize {
        match (j + max).checked_sub(i) {
            Some(t) if t < width => row[t],
            _ => far,
        }
    };
    for j in 0..=b.len().min(max) {
        rows[0][j + max] = j;
    }
    for i in 1..=a.len() {
        let mut row = vec![far; width];
        for j in i.saturating_sub(max)..=(i + max).min(b.len()) {
            let value = if j == 0 {
                i
            } else {
                let above = &rows[(i - 1) % 3];
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut value = (at(above, i - 1, j) + 1)
                    .min(at(&row, i, j - 1) + 1)
                    .min(at(above, i - 1, j - 1) + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    value = value.min(at(&rows[(i - 2) % 3], i - 2, j - 2) + 1);
                }
                value
            };
            row[j + max - i] = value.min(far);
        }
        rows[i % 3] = row;
    }
    at(&rows[a.len() % 3], a.len(), b.len()).min(far)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("recieve", "receive", 3), 1);
        assert_eq!(edit_distance("with", "without", 3), 3);
        assert_eq!(edit_distance("kitten", "sitting", 3), 3);
        assert_eq!(
            edit_distance("kitten", "sitting", 2),
            3,
            "beyond max: max + 1"
        );
        assert_eq!(edit_distance("ab", "ba", 1), 1);
        assert_eq!(edit_distance("same", "same", 0), 0);
        assert_eq!(edit_distance("same", "sane", 0), 1);
        assert_eq!(edit_distance("", "abc", 3), 3);
        assert_eq!(edit_distance("abcdef", "", 3), 4);
        let long = "a".repeat(500_000);
        assert_eq!(edit_distance(&long, &format!("{long}b"), 3), 1);
        assert_eq!(
            edit_distance(&format!("{long}b"), &format!("{long}c"), 3),
            1
        );
    }

    /// The band gives the full table's answer whenever that answer is at most `max`.
    #[test]
    fn banded_distance_agrees_with_the_full_table() {
        fn full(a: &str, b: &str) -> usize {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for (i, row) in d.iter_mut().enumerate() {
                row[0] = i;
            }
            for (j, cell) in d[0].iter_mut().enumerate() {
                *cell = j;
            }
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    d[i][j] = (d[i - 1][j] + 1)
                        .min(d[i][j - 1] + 1)
                        .min(d[i - 1][j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                    }
                }
            }
            d[a.len()][b.len()]
        }
        let words = [
            "", "a", "ab", "ba", "abc", "acb", "cab", "abcd", "dcba", "abdc", "xbcdy",
        ];
        for a in words {
            for b in words {
                for max in 0..4 {
                    let exact = full(a, b);
                    assert_eq!(
                        edit_distance(a, b, max),
                        exact.min(max + 1),
                        "{a:?} {b:?} {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn contact_lines() {
        assert!(is_contact_only("Contact us at privacy@example.com"));
        assert!(is_contact_only("privacy@example.com"));
        assert!(!is_contact_only(
            "We share your email with partners at example.com"
        ));
    }
}
