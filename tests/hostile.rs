//! Hostile inputs: policies with megabyte lines, 100k headings, 10k-deep nesting, bidi
//! overrides, zero-width characters, mixed scripts, invalid UTF-8 and script payloads in
//! every position; records of wrong types, huge sizes and future schemas; manifests with
//! duplicate and dangling references. Each must give a correct render or a clear error,
//! in linear time and in memory under a stated bound.
//!
//! Its own test binary (`cargo test --test hostile`) because it installs a counting global
//! allocator: [`measure`] reports the peak bytes and the number of allocations of what
//! runs on the current thread, so the parallel test harness does not disturb it.
//!
//! **Time.** No test here times anything. Every big input runs under [`guarded`], a hang
//! guard: each case gets [`DEADLINE`] (60 s), while a case takes about a second in a debug
//! build and the whole binary under 30 s. A quadratic step with a costly inner loop over
//! these 1 MiB inputs (100k+ lines, spans, sections or tokens) runs past the guard even
//! so; one with a cheap inner loop shows at `HOSTILE_MB=8 cargo test --release --test
//! hostile` (the same cases at 8 MiB, about a minute). Where it can be asserted
//! structurally, linearity is: the same input at `n` and `8n` must not use more than ~8×
//! the peak memory or the allocations (see [`assert_linear`]).
//!
//! **Memory.** Parsing a policy and then rendering it (HTML fragment, standalone page,
//! outline, JSON model or the web shell's node tree, whichever costs most) peaks at most
//! [`K_RENDER`] bytes per input byte plus [`C_RENDER`]; comparing two versions at most
//! [`K_COMPARE`] per input byte plus [`C_COMPARE`] (see those constants for what they
//! cover and why). Real policies are at ~8× (`sizes::real_policies_peak_far_below_the_bound`).
#![cfg(not(target_arch = "wasm32"))]

#[path = "hostile/cli.rs"]
mod cli;
#[path = "hostile/manifests.rs"]
mod manifests;
#[path = "hostile/records.rs"]
mod records;
#[path = "hostile/sizes.rs"]
mod sizes;
#[path = "hostile/text.rs"]
mod text;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::mpsc;
use std::time::Duration;

/// The allocator that counts, per thread, the bytes live, their peak and the allocations.
struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

fn grew(bytes: usize) {
    // `try_with`: a thread being torn down may still free memory after its locals are gone.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + bytes;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
    let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
}

fn shrank(bytes: usize) {
    // Memory freed on another thread than it was allocated on only ever lowers the count.
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(bytes)));
}

// SAFETY: every call is forwarded to the system allocator unchanged; the bookkeeping only
// touches const-initialised thread-locals without destructors, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as ours.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            // Both blocks may exist during the copy: count the new one before freeing the old.
            grew(new_size);
            shrank(layout.size());
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What a piece of work cost on this thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// Peak bytes allocated above what was live when it started (its result included).
    pub peak: usize,
    /// Bytes still allocated when it ended: the size of its result.
    pub retained: usize,
    /// Number of allocations (a proxy for the work done).
    pub allocs: u64,
}

impl Usage {
    /// The cost of this work followed by `then`, run while this work's result is alive.
    pub fn then(self, then: Usage) -> Usage {
        Usage {
            peak: self.peak.max(self.retained + then.peak),
            retained: self.retained + then.retained,
            allocs: self.allocs + then.allocs,
        }
    }

    /// The worse of two alternatives.
    pub fn worst(self, other: Usage) -> Usage {
        Usage {
            peak: self.peak.max(other.peak),
            retained: self.retained.max(other.retained),
            allocs: self.allocs.max(other.allocs),
        }
    }
}

/// Runs `f` and reports its peak memory and allocations on this thread.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(base));
    let allocs = ALLOCS.with(Cell::get);
    let out = f();
    let usage = Usage {
        peak: PEAK.with(Cell::get) - base,
        retained: LIVE.with(Cell::get).saturating_sub(base),
        allocs: ALLOCS.with(Cell::get) - allocs,
    };
    (out, usage)
}

/// Deadline of one guarded piece of work (see the module documentation).
pub const DEADLINE: Duration = Duration::from_secs(60);

/// The stack a guarded worker gets: 1 MiB, the default stack of a Rust Wasm module, so deep
/// nesting that recursed would overflow here as it would in the browser.
const STACK: usize = 1 << 20;

/// Runs `f` on its own thread with a 1 MiB stack, failing if it has not finished within
/// [`DEADLINE`] (a hang guard, not a benchmark) or if it panicked.
pub fn guarded<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name(name.to_string())
        .stack_size(STACK)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawn a worker");
    match rx.recv_timeout(DEADLINE) {
        Ok(out) => out,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "{name}: not finished after {DEADLINE:?}; linear work on this input takes well under a second"
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("{name}: the worker panicked (see its message above)")
        }
    }
}

/// Bytes per input byte that parsing and rendering may peak at: the model, then the
/// costliest output made from it while it is alive (see `sizes::render_all`). Measured worst
/// case 209×: a megabyte of 8-byte sections (`Head\nT.\n`), where each section costs a
/// `Section` (~200 bytes plus its id, digest and paragraph) and, in the node tree the web
/// shell builds the DOM from, a dozen nodes with their table-of-contents entry. Real
/// policies, whose sections are hundreds of bytes, peak at ~8×.
pub const K_RENDER: usize = 256;
/// Fixed overhead of a render: the stylesheet, buffers, hash maps' first allocations.
pub const C_RENDER: usize = 4 << 20;
/// Bytes per input byte (both versions together) a comparison may peak at: both models,
/// the views (each unit's text twice: as written and normalised), the word sets, and the
/// revision with its word diff and rendered HTML. Measured worst case 176× (65k identical
/// one-line sections, one edited).
pub const K_COMPARE: usize = 256;
/// Fixed overhead of a comparison: the Myers trace is O(D²) for at most 2,000 edits
/// (32 MB at worst), plus hash maps' first allocations.
pub const C_COMPARE: usize = 48 << 20;

/// Asserts `usage.peak <= k × input + c`, naming the case.
pub fn assert_bounded(name: &str, input: usize, usage: Usage, k: usize, c: usize) {
    assert!(
        usage.peak <= k * input + c,
        "{name}: peak {} bytes for {input} bytes of input, over the bound {k} × input + {c}",
        usage.peak
    );
}

/// Linearity, structurally: at 8× the input, at most ~8× the peak memory and allocations
/// (10× allowed, plus a constant for fixed costs; quadratic growth would give 64×).
pub fn assert_linear(name: &str, small: Usage, large: Usage) {
    let ok = |s: u64, l: u64, constant: u64| l <= 10 * s + constant;
    assert!(
        ok(small.peak as u64, large.peak as u64, 1 << 20),
        "{name}: peak grew from {} to {} bytes for 8× the input",
        small.peak,
        large.peak
    );
    assert!(
        ok(small.allocs, large.allocs, 1000),
        "{name}: allocations grew from {} to {} for 8× the input",
        small.allocs,
        large.allocs
    );
}

/// The repository root.
pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `tests/hostile/`.
pub fn hostile_file(name: &str) -> String {
    let path = root().join("tests/hostile").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
