//! Policy revisions: align the sections of two versions, diff their words, and classify each
//! change as cosmetic, minor or material, with the reasons a person can check.
//!
//! Sections are aligned by content first (an unedited section that moved or was renumbered
//! is found wherever it went), then by id when the content is similar, then by heading,
//! then by content similarity; only what is left is added or removed. Within a pair, the
//! paragraphs and list items are aligned, then the words of each changed one, and
//! [`classify`] reads the edits.

mod classify;
pub mod diff;

use crate::hash::{HashMap, HashSet};
use crate::policy::model::{self, Block, Policy, Section, Span};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How much a change matters to a reader, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing changed.
    Unchanged,
    /// Nothing a reader could act on: spacing, markup, case, spelling, moves.
    Cosmetic,
    /// A rephrasing that keeps the meaning, a clarified example, a new contact address.
    Minor,
    /// Could affect a person's rights or what is done with their data.
    Material,
}

impl Level {
    /// The level's name as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unchanged => "unchanged",
            Level::Cosmetic => "cosmetic",
            Level::Minor => "minor",
            Level::Material => "material",
        }
    }

    /// Parses a level name.
    pub fn from_name(name: &str) -> Option<Level> {
        match name {
            "unchanged" | "none" => Some(Level::Unchanged),
            "cosmetic" => Some(Level::Cosmetic),
            "minor" => Some(Level::Minor),
            "material" => Some(Level::Material),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened to a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// Same text, another place or number.
    Moved,
    /// The text changed.
    Modified,
    /// Identical.
    Unchanged,
}

impl Change {
    /// The change's name as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Moved => "moved",
            Change::Modified => "modified",
            Change::Unchanged => "unchanged",
        }
    }
}

/// One piece of a word diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// In both versions.
    Equal,
    /// Only in the new version.
    Insert,
    /// Only in the old version.
    Delete,
}

/// A run of text in a word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffPart {
    /// What the run is.
    pub op: Op,
    /// Its text (paragraphs separated by blank lines).
    pub text: String,
}

/// How one section changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionChange {
    /// The section's id in the new version (the old one when removed).
    pub id: String,
    /// Its heading (new version; old when removed).
    pub heading: String,
    /// What happened.
    pub change: Change,
    /// How much it matters.
    pub level: Level,
    /// Why, in words a person can check ("number changed: 18 → 14").
    pub reasons: Vec<String>,
    /// Word diff of the section's own text (empty when unchanged).
    pub diff: Vec<DiffPart>,
    /// Its number in the new version (old when removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Its id in the old version, when that differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    /// Ids, numbers and anchors the section answers to in either version (to find the
    /// purposes that cite it).
    #[serde(skip)]
    pub refs: Vec<String>,
    /// The level of each reason, in the same order.
    #[serde(skip)]
    pub reason_levels: Vec<Level>,
}

impl SectionChange {
    /// `8.2 Duration of Information Storage`, or the id when there is no heading.
    pub fn label(&self) -> String {
        match (&self.number, self.heading.is_empty()) {
            (Some(n), false) => format!("{n} {}", self.heading),
            (Some(n), true) => format!("section {n}"),
            (None, false) => self.heading.clone(),
            (None, true) => self.id.clone(),
        }
    }
}

/// The comparison of two versions of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// The highest level found.
    pub level: Level,
    /// Every section of either version, in the new version's order (removed ones where they were).
    pub sections: Vec<SectionChange>,
    /// Purposes whose cited sections changed materially (see [`Revision::with_purposes`]).
    pub purposes: Vec<String>,
}

impl Revision {
    /// Fills `purposes` with the ids of the purposes (id, cited sections by id, number or
    /// anchor) that cite a section that changed materially.
    pub fn with_purposes<'a>(
        mut self,
        citations: impl IntoIterator<Item = (&'a str, &'a [String])>,
    ) -> Revision {
        // Every id, number and anchor of a materially changed section, in one set: a
        // thousand purposes against a hundred thousand sections stay linear.
        let material: HashSet<&str> = self
            .sections
            .iter()
            .filter(|s| s.level == Level::Material)
            .flat_map(|s| s.refs.iter().map(String::as_str))
            .collect();
        self.purposes = citations
            .into_iter()
            .filter(|(_, cited)| {
                cited.iter().any(|c| {
                    let c = c.trim().trim_start_matches('#').trim_end_matches('.');
                    material.contains(c)
                })
            })
            .map(|(id, _)| id.to_string())
            .collect();
        self
    }

    /// Sections whose change is at least `level`.
    pub fn changed(&self, level: Level) -> impl Iterator<Item = &SectionChange> {
        self.sections.iter().filter(move |s| s.level >= level)
    }

    /// When a declared level is lower than the level found: a message naming the first
    /// section and reason that goes beyond it ("declared minor, but 8.2 Duration of
    /// Information Storage: number changed: 30 → 90").
    pub fn under_declared(&self, declared: Level) -> Option<String> {
        if declared >= self.level {
            return None;
        }
        let worst = self.sections.iter().find(|s| s.level == self.level)?;
        let reason = worst
            .reasons
            .iter()
            .zip(&worst.reason_levels)
            .find(|(_, level)| **level == self.level)
            .map(|(r, _)| r)
            .or(worst.reasons.first())
            .cloned()
            .unwrap_or_else(|| worst.change.as_str().to_string());
        Some(format!(
            "declared {declared}, but the comparison finds {}: {}: {reason}",
            self.level,
            worst.label()
        ))
    }
}

/// Compares two versions of a policy.
///
/// # Examples
/// ```
/// use policy_consent::policy::parse;
/// use policy_consent::revision::{compare, Level};
/// let old = parse("Policy\n\nMinors\nUsers under 18 need a guardian.\n", None).unwrap();
/// let new = parse("Policy\n\nMinors\nUsers under 14 need a guardian.\n", None).unwrap();
/// let revision = compare(&old, &new);
/// assert_eq!(revision.level, Level::Material);
/// assert_eq!(revision.sections[1].reasons, ["number changed: 18 → 14"]);
/// ```
pub fn compare(old: &Policy, new: &Policy) -> Revision {
    let old_views = views(old);
    let new_views = views(new);
    let context = classify::Context::new(old, new);
    let pairs = align(&old_views, &new_views);

    let mut old_to_new: Vec<Option<usize>> = vec![None; old_views.len()];
    for &(o, n) in &pairs {
        old_to_new[o] = Some(n);
    }
    let mut new_to_old: Vec<Option<usize>> = vec![None; new_views.len()];
    for &(o, n) in &pairs {
        new_to_old[n] = Some(o);
    }
    let out_of_order = moved_pairs(&pairs, |o, n| {
        let (a, b) = (&old_views[o], &new_views[n]);
        match (
            a.content_key == b.content_key,
            a.number == b.number && a.parent == b.parent,
        ) {
            (false, _) => 0,
            (true, false) => 1,
            (true, true) => 2,
        }
    });

    let mut changes_by_new: Vec<SectionChange> = Vec::with_capacity(new_views.len());
    for (n, view) in new_views.iter().enumerate() {
        let change = match new_to_old[n] {
            Some(o) => compare_pair(&old_views[o], view, out_of_order[n], &context),
            None => added_or_removed(view, Change::Added, &context),
        };
        changes_by_new.push(change);
    }
    // Removed sections go after the new counterpart of the section that preceded them:
    // removed_after[0] before all, removed_after[n + 1] after new section n.
    let mut removed_after: Vec<Vec<SectionChange>> = Vec::new();
    removed_after.resize_with(new_views.len() + 1, Vec::new);
    let mut anchor = 0;
    for (o, view) in old_views.iter().enumerate() {
        match old_to_new[o] {
            Some(n) => anchor = n + 1,
            None => removed_after[anchor].push(added_or_removed(view, Change::Removed, &context)),
        }
    }
    let mut removed_after = removed_after.into_iter();
    let mut sections = removed_after.next().unwrap_or_default();
    for (change, removed) in changes_by_new.into_iter().zip(removed_after) {
        sections.push(change);
        sections.extend(removed);
    }
    let level = sections
        .iter()
        .map(|s| s.level)
        .max()
        .unwrap_or(Level::Unchanged);
    Revision {
        level,
        sections,
        purposes: Vec::new(),
    }
}

/// A section flattened for comparison: its own text as units (heading, paragraphs, list
/// items, table rows), in order.
#[derive(Debug)]
struct View {
    id: String,
    number: Option<String>,
    heading: String,
    parent: Option<String>,
    units: Vec<Unit>,
    refs: Vec<String>,
    /// Normalised heading and units: equal keys mean equal text, cosmetics aside.
    content_key: String,
    /// Hashes of the words of the whole own text, for similarity (computed on first use:
    /// only sections left unpaired by content need it).
    words: std::cell::OnceCell<HashSet<u64>>,
    preamble: bool,
}

#[derive(Debug, Clone)]
struct Unit {
    text: String,
    norm: String,
    /// The styles and link targets of its spans (empty for plain text), to see markup-only changes.
    markup: String,
}

fn views(policy: &Policy) -> Vec<View> {
    let mut out = Vec::new();
    if !policy.title.is_empty() || !policy.blocks.is_empty() {
        let mut units = vec![unit_from_text(&policy.title)];
        flatten(&policy.blocks, &mut units);
        out.push(view(
            "preamble".into(),
            None,
            policy.title.clone(),
            None,
            units,
            vec!["preamble".into()],
            true,
        ));
    }
    fn visit(sections: &[Section], parent: Option<&str>, out: &mut Vec<View>) {
        for s in sections {
            let mut units = vec![unit_from_text(&s.heading)];
            flatten(&s.blocks, &mut units);
            flatten(&s.tail, &mut units);
            let mut refs = vec![s.id.clone()];
            refs.extend(s.number.clone());
            refs.extend(s.anchors.iter().cloned());
            out.push(view(
                s.id.clone(),
                s.number.clone(),
                s.heading.clone(),
                parent.map(str::to_string),
                units,
                refs,
                false,
            ));
            visit(&s.sections, Some(&s.id), out);
        }
    }
    visit(&policy.sections, None, &mut out);
    out
}

fn view(
    id: String,
    number: Option<String>,
    heading: String,
    parent: Option<String>,
    units: Vec<Unit>,
    refs: Vec<String>,
    preamble: bool,
) -> View {
    let mut content_key = String::new();
    for unit in &units {
        content_key.push_str(&unit.norm);
        content_key.push('\n');
    }
    View {
        id,
        number,
        heading,
        parent,
        units,
        refs,
        content_key,
        words: std::cell::OnceCell::new(),
        preamble,
    }
}

fn unit_from_text(text: &str) -> Unit {
    Unit {
        text: text.to_string(),
        norm: model::normalize(text),
        markup: String::new(),
    }
}

fn unit_from_spans(prefix: Option<&str>, spans: &[Span]) -> Unit {
    let mut text = String::new();
    if let Some(prefix) = prefix {
        text.push_str(prefix);
        text.push(' ');
    }
    text.push_str(&model::spans_text(spans));
    // Plain text (the common case) has no markup to compare.
    let styled = spans
        .iter()
        .any(|s| s.strong || s.em || s.code || s.del || s.href.is_some());
    let mut markup = String::new();
    if styled {
        // Any encoding that tells two span lists apart will do: the flags, then the link
        // with its length (so no text inside it can pass for a boundary).
        for span in spans {
            for flag in [span.strong, span.em, span.code, span.del] {
                markup.push(if flag { '1' } else { '0' });
            }
            if let Some(href) = &span.href {
                markup.push_str(&href.len().to_string());
                markup.push(':');
                markup.push_str(href);
            }
            markup.push('|');
        }
    }
    Unit {
        norm: model::normalize(&text),
        text,
        markup,
    }
}

/// Each paragraph, list item and table row becomes one unit; nested content follows its item.
fn flatten(blocks: &[Block], out: &mut Vec<Unit>) {
    for block in blocks {
        match block {
            Block::Paragraph { text } => out.push(unit_from_spans(None, text)),
            Block::List { items, .. } => {
                for item in items {
                    let (first, rest) = match item.blocks.split_first() {
                        Some((Block::Paragraph { text }, rest)) => (Some(text), rest),
                        _ => (None, &item.blocks[..]),
                    };
                    out.push(unit_from_spans(
                        item.marker.as_deref(),
                        first.map_or(&[][..], |t| &t[..]),
                    ));
                    flatten(rest, out);
                }
            }
            Block::Table { head, rows } => {
                for row in std::iter::once(head).chain(rows).filter(|r| !r.is_empty()) {
                    let mut spans = Vec::new();
                    for (i, cell) in row.iter().enumerate() {
                        if i > 0 {
                            spans.push(Span::plain(" | "));
                        }
                        model::visit_blocks(cell, &mut |t| {
                            spans.push(Span::plain(t));
                            spans.push(Span::plain(" "));
                        });
                    }
                    out.push(unit_from_spans(None, &spans));
                }
            }
            Block::Quote { blocks } => flatten(blocks, out),
            Block::Code { text } => out.push(unit_from_text(text)),
        }
    }
}

/// Pairs old and new sections: identical content, then same id when similar, then same
/// heading, then the most similar content. Returns (old index, new index) pairs.
fn align(old: &[View], new: &[View]) -> Vec<(usize, usize)> {
    let mut old_taken = vec![false; old.len()];
    let mut new_taken = vec![false; new.len()];
    let mut pairs = Vec::new();
    let take = |o: usize,
                n: usize,
                pairs: &mut Vec<(usize, usize)>,
                ot: &mut Vec<bool>,
                nt: &mut Vec<bool>| {
        ot[o] = true;
        nt[n] = true;
        pairs.push((o, n));
    };

    // The preamble pairs with the preamble.
    if let (Some(o), Some(n)) = (
        old.iter().position(|v| v.preamble),
        new.iter().position(|v| v.preamble),
    ) {
        take(o, n, &mut pairs, &mut old_taken, &mut new_taken);
    }

    // 1. Identical content (cosmetics aside): same id first, then the k-th copy with the
    //    k-th copy, so that the pairing is the same whichever version is called old.
    let mut by_content: HashMap<&str, (Vec<usize>, Vec<usize>)> = HashMap::default();
    for (o, v) in old.iter().enumerate().filter(|(o, _)| !old_taken[*o]) {
        by_content
            .entry(v.content_key.as_str())
            .or_default()
            .0
            .push(o);
    }
    for (n, v) in new.iter().enumerate().filter(|(n, _)| !new_taken[*n]) {
        by_content
            .entry(v.content_key.as_str())
            .or_default()
            .1
            .push(n);
    }
    let mut groups: Vec<&(Vec<usize>, Vec<usize>)> = by_content
        .values()
        .filter(|(o, n)| !o.is_empty() && !n.is_empty())
        .collect();
    crate::sort::sort(&mut groups);
    for (olds, news) in groups {
        // The group's new sections by id, in order, so that a group of thousands of
        // identical sections is paired in linear time.
        let mut news_by_id: HashMap<&str, std::collections::VecDeque<usize>> = HashMap::default();
        for &n in news {
            news_by_id
                .entry(new[n].id.as_str())
                .or_default()
                .push_back(n);
        }
        for &o in olds {
            let same_id = news_by_id.get_mut(old[o].id.as_str());
            if let Some(n) = same_id.and_then(|queue| queue.pop_front()) {
                take(o, n, &mut pairs, &mut old_taken, &mut new_taken);
            }
        }
        let rest_old: Vec<usize> = olds.iter().copied().filter(|&o| !old_taken[o]).collect();
        let rest_new: Vec<usize> = news.iter().copied().filter(|&n| !new_taken[n]).collect();
        for (o, n) in rest_old.into_iter().zip(rest_new) {
            take(o, n, &mut pairs, &mut old_taken, &mut new_taken);
        }
    }

    // 2. Same id (or number), when the content is at least somewhat alike.
    let old_by_id: HashMap<&str, usize> = old
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i))
        .collect();
    for (n, v) in new.iter().enumerate() {
        if new_taken[n] {
            continue;
        }
        if let Some(&o) = old_by_id.get(v.id.as_str()) {
            let same_heading = model::normalize(&old[o].heading) == model::normalize(&v.heading);
            if !old_taken[o]
                && (same_heading || similarity(&old[o], v) >= 0.3 || containment(&old[o], v) >= 0.7)
            {
                take(o, n, &mut pairs, &mut old_taken, &mut new_taken);
            }
        }
    }

    // 3. Same heading, when it is unique among what is left on both sides.
    let mut heading_count: HashMap<String, (usize, usize, usize, usize)> = HashMap::default();
    for (o, v) in old.iter().enumerate().filter(|(o, _)| !old_taken[*o]) {
        let e = heading_count
            .entry(model::normalize(&v.heading))
            .or_default();
        e.0 += 1;
        e.2 = o;
    }
    for (n, v) in new.iter().enumerate().filter(|(n, _)| !new_taken[*n]) {
        let e = heading_count
            .entry(model::normalize(&v.heading))
            .or_default();
        e.1 += 1;
        e.3 = n;
    }
    let mut heading_pairs: Vec<(usize, usize)> = heading_count
        .iter()
        .filter(|(h, (oc, nc, _, _))| !h.is_empty() && *oc == 1 && *nc == 1)
        .map(|(_, &(_, _, o, n))| (o, n))
        .collect();
    crate::sort::sort(&mut heading_pairs);
    for (o, n) in heading_pairs {
        take(o, n, &mut pairs, &mut old_taken, &mut new_taken);
    }

    // 4. Most similar content, greedily, above a threshold; bounded so that documents with
    //    thousands of unmatched sections stay fast.
    let old_left: Vec<usize> = (0..old.len()).filter(|&o| !old_taken[o]).collect();
    let new_left: Vec<usize> = (0..new.len()).filter(|&n| !new_taken[n]).collect();
    if !old_left.is_empty() && !new_left.is_empty() && old_left.len() * new_left.len() <= 40_000 {
        let mut candidates = Vec::new();
        for &o in &old_left {
            for &n in &new_left {
                let s = similarity(&old[o], &new[n]);
                if s >= 0.5 {
                    candidates.push((s, o, n));
                }
            }
        }
        // Ties go to the pair closest in position: symmetric in old and new.
        let key = |&(_, o, n): &(f64, usize, usize)| (o.abs_diff(n), o + n);
        crate::sort::sort_by(&mut candidates, |a, b| {
            b.0.total_cmp(&a.0).then(key(a).cmp(&key(b)))
        });
        for (_, o, n) in candidates {
            if !old_taken[o] && !new_taken[n] {
                take(o, n, &mut pairs, &mut old_taken, &mut new_taken);
            }
        }
    }
    crate::sort::sort(&mut pairs);
    pairs
}

impl View {
    fn words(&self) -> &HashSet<u64> {
        self.words.get_or_init(|| {
            use std::hash::BuildHasher;
            // Each word by its hash, with the maps' own hasher (std's SipHash would be one
            // more hasher in the Wasm module); a rare collision only nudges a similarity.
            let hasher = std::hash::BuildHasherDefault::<crate::hash::WordHasher>::default();
            diff::tokenize(&self.content_key)
                .into_iter()
                .filter(|token| token.kind == diff::TokenKind::Word)
                .map(|token| hasher.hash_one(token.text))
                .collect()
        })
    }
}

/// Word-set similarity (Jaccard) of two sections' own text.
fn similarity(a: &View, b: &View) -> f64 {
    let (wa, wb) = (a.words(), b.words());
    if wa.is_empty() && wb.is_empty() {
        return 1.0;
    }
    let (small, large) = if wa.len() <= wb.len() {
        (wa, wb)
    } else {
        (wb, wa)
    };
    let common = small.iter().filter(|w| large.contains(*w)).count();
    common as f64 / (wa.len() + wb.len() - common) as f64
}

/// Share of the smaller section's words found in the other: a section that grew or shrank.
fn containment(a: &View, b: &View) -> f64 {
    let (wa, wb) = (a.words(), b.words());
    let (small, large) = if wa.len() <= wb.len() {
        (wa, wb)
    } else {
        (wb, wa)
    };
    if small.is_empty() {
        return 0.0;
    }
    small.iter().filter(|w| large.contains(*w)).count() as f64 / small.len() as f64
}

/// Which pairs are out of order, by the pair's new position (each new position is in one
/// pair at most): those off a heaviest increasing run of new positions when the pairs are
/// read in old order. `weight` ranks how much a pair should stay in place
/// (0: edited, 1: unedited but renumbered or reparented, 2: unedited and in place), so that
/// among equally short explanations the "moved" mark lands on a section that is reported
/// as changed anyway; this makes what is reported as moved the same in both directions.
fn moved_pairs(pairs: &[(usize, usize)], weight: impl Fn(usize, usize) -> u32) -> Vec<bool> {
    let size = pairs.iter().map(|&(_, n)| n + 1).max().unwrap_or(0);
    let base = pairs.len() as u64 + 1;
    // Fenwick tree over new positions: the best (weight, pair index) ending below a position.
    let mut tree: Vec<(u64, usize)> = vec![(0, usize::MAX); size + 1];
    let mut prev = vec![usize::MAX; pairs.len()];
    let mut best = (0u64, usize::MAX);
    for (i, &(o, n)) in pairs.iter().enumerate() {
        let mut before = (0u64, usize::MAX);
        let mut k = n;
        while k > 0 {
            before = before.max(tree[k]);
            k &= k - 1;
        }
        let weight = before.0 + base.pow(weight(o, n));
        prev[i] = before.1;
        let entry = (weight, i);
        best = best.max(entry);
        let mut k = n + 1;
        while k <= size {
            tree[k] = tree[k].max(entry);
            k += k & k.wrapping_neg();
        }
    }
    let mut keep = vec![false; pairs.len()];
    let mut i = best.1;
    while i != usize::MAX {
        keep[i] = true;
        i = prev[i];
    }
    let mut out_of_order = vec![false; size];
    for (&(_, n), kept) in pairs.iter().zip(keep) {
        out_of_order[n] = !kept;
    }
    out_of_order
}

fn compare_pair(
    old: &View,
    new: &View,
    out_of_order: bool,
    context: &classify::Context,
) -> SectionChange {
    let mut refs = new.refs.clone();
    refs.extend(old.refs.iter().cloned());
    let analysis = classify::section(old, new, context);
    let mut reasons = analysis.reasons;
    let mut reason_levels = analysis.reason_levels;
    let mut level = analysis.level;
    let text_same = old.units.len() == new.units.len()
        && old
            .units
            .iter()
            .zip(&new.units)
            .all(|(a, b)| a.text == b.text);
    let renumbered = old.number != new.number;
    let reparented = old.parent != new.parent;
    let change = if !text_same || level > Level::Unchanged {
        Change::Modified
    } else if out_of_order || renumbered || reparented {
        Change::Moved
    } else {
        Change::Unchanged
    };
    if change == Change::Moved || (change == Change::Modified && (out_of_order || renumbered)) {
        if renumbered {
            reasons.push(format!(
                "renumbered: {} → {}",
                old.number.as_deref().unwrap_or("none"),
                new.number.as_deref().unwrap_or("none")
            ));
        } else {
            reasons.push("moved".to_string());
        }
        reason_levels.push(Level::Cosmetic);
        level = level.max(Level::Cosmetic);
    }
    SectionChange {
        id: new.id.clone(),
        heading: new.heading.clone(),
        change,
        level,
        reasons,
        diff: if change == Change::Modified {
            analysis.diff
        } else {
            Vec::new()
        },
        number: new.number.clone(),
        old_id: (old.id != new.id).then(|| old.id.clone()),
        refs,
        reason_levels,
    }
}

fn added_or_removed(view: &View, change: Change, context: &classify::Context<'_>) -> SectionChange {
    let (level, reason) = classify::added_or_removed(view, change, context);
    let text = view
        .units
        .iter()
        .map(|u| u.text.as_str())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    SectionChange {
        id: view.id.clone(),
        heading: view.heading.clone(),
        change,
        level,
        reasons: vec![reason],
        diff: vec![DiffPart {
            op: if change == Change::Added {
                Op::Insert
            } else {
                Op::Delete
            },
            text,
        }],
        number: view.number.clone(),
        old_id: None,
        refs: view.refs.clone(),
        reason_levels: vec![level],
    }
}
