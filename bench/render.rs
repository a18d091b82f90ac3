//! Native parse + render throughput on the corpus, each input ×1, ×10 and ×100, to show
//! the rate and that time grows linearly with size. Run: `bench/core.sh` (or
//! `cargo run --release --example bench-render`). Prints a table; not a test.

use policy_consent::policy::{self, Format};
use policy_consent::render;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn corpus() -> Vec<(String, String, Format)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let files = [
        ("seed (txt)", "policy/privacy-policy.txt"),
        (
            "firefox notice (md)",
            "tests/fixtures/mozilla-en-firefox_privacy_notice.md",
        ),
        (
            "firefox notice zh-CN (md)",
            "tests/fixtures/mozilla-zh-CN-firefox_privacy_notice.md",
        ),
    ];
    files
        .iter()
        .map(|(name, path)| {
            let text = std::fs::read_to_string(root.join(path)).expect(path);
            (name.to_string(), text, Format::from_path(path).unwrap())
        })
        .collect()
}

/// Median time of one parse + render, over batches filling about `budget`.
fn measure(text: &str, format: Format, budget: Duration) -> Duration {
    let once = || {
        let parsed = policy::parse(black_box(text), Some(format)).unwrap();
        black_box(render::html::fragment(&parsed, &render::Options::default()));
    };
    let start = Instant::now();
    once();
    let single = start.elapsed().max(Duration::from_micros(1));
    let per_batch =
        ((budget.as_secs_f64() / 9.0) / single.as_secs_f64()).clamp(1.0, 10_000.0) as u32;
    let mut samples: Vec<Duration> = (0..9)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_batch {
                once();
            }
            start.elapsed() / per_batch
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let budget = Duration::from_millis(
        std::env::var("BENCH_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(900),
    );
    println!(
        "parse + render to HTML, native ({} build), median of 9 batches",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    println!(
        "{:<28} {:>6} {:>11} {:>11} {:>9} {:>12}",
        "input", "×", "bytes", "time", "MB/s", "ns/byte"
    );
    for (name, text, format) in corpus() {
        let mut base_rate = None;
        for times in [1usize, 10, 100] {
            let input = text.repeat(times);
            let time = measure(&input, format, budget);
            let mbps = input.len() as f64 / time.as_secs_f64() / 1e6;
            let ns_per_byte = time.as_nanos() as f64 / input.len() as f64;
            let base = *base_rate.get_or_insert(ns_per_byte);
            println!(
                "{:<28} {:>6} {:>11} {:>9.3}ms {:>9.1} {:>8.2} ({:.2}× of ×1)",
                name,
                times,
                input.len(),
                time.as_secs_f64() * 1e3,
                mbps,
                ns_per_byte,
                ns_per_byte / base
            );
        }
    }
}
