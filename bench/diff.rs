//! Native time to compare two versions of the 48 KB Firefox notice (one edited in several
//! places), ×1, ×10 and ×100 (both versions repeated), with the time per KB of one version
//! to show that it grows linearly (no quadratic blow-up).
//! Run: `bench/core.sh` (or `cargo run --release --example bench-diff`). Not a test.

use policy_consent::policy::{self, Format};
use policy_consent::revision;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The notice and a revision of it: a number, a modal, a sentence, a removed item, a typo.
pub fn versions() -> (String, String) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let old =
        std::fs::read_to_string(root.join("tests/fixtures/mozilla-en-firefox_privacy_notice.md"))
            .unwrap();
    let edits = [
        ("for more than 25 months", "for more than 36 months"),
        ("we will never discriminate", "we may never discriminate"),
        ("3. Request portability of your data\n", ""),
        (
            "Once the retention period expires we securely delete your data",
            "Once the retention period expires we securely delete your data. Backups are kept for one more year",
        ),
        ("That’s why we build Firefox", "That’s why we bulid Firefox"),
    ];
    let mut new = old.clone();
    for (from, to) in edits {
        assert!(new.contains(from), "{from}");
        new = new.replacen(from, to, 1);
    }
    (old, new)
}

fn main() {
    let (old, new) = versions();
    println!(
        "compare two versions of the Firefox notice, native (release), median of 15 (×100: of 5)"
    );
    println!(
        "{:<6} {:>10} {:>12} {:>14} {:>16}",
        "×", "bytes", "parse both", "compare", "compare per KB"
    );
    for times in [1usize, 10, 100] {
        let (a, b) = (old.repeat(times), new.repeat(times));
        let mut parse_times = Vec::new();
        let mut compare_times = Vec::new();
        let mut level = revision::Level::Unchanged;
        for _ in 0..if times == 100 { 5 } else { 15 } {
            let start = Instant::now();
            let pa = policy::parse(black_box(&a), Some(Format::Markdown)).unwrap();
            let pb = policy::parse(black_box(&b), Some(Format::Markdown)).unwrap();
            parse_times.push(start.elapsed());
            let start = Instant::now();
            let r = revision::compare(black_box(&pa), black_box(&pb));
            compare_times.push(start.elapsed());
            level = r.level;
        }
        let median = |v: &mut Vec<Duration>| {
            v.sort();
            v[v.len() / 2].as_secs_f64() * 1e3
        };
        let compare = median(&mut compare_times);
        println!(
            "{:<6} {:>10} {:>10.2}ms {:>12.2}ms {:>13.1}µs   (level: {level})",
            times,
            a.len(),
            median(&mut parse_times),
            compare,
            compare * 1e3 / (a.len() as f64 / 1024.0)
        );
    }
}
