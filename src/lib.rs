//! policy-consent: renders a privacy policy, captures per-purpose consent with an under-18
//! guardian gate, and asks again when the policy changes materially.
//!
//! The core (`policy`, `render`) is plain Rust, tested natively; `web` is the thin
//! WebAssembly shell over it and `src/bin/policy-consent.rs` the command-line shell.
#![deny(missing_docs)]

pub mod consent;
pub mod policy;
pub mod render;
pub mod revision;
pub mod web;

mod hash;
mod lowercase;
mod search;
mod sort;
pub mod sorted_map;

// Talc instead of std's dlmalloc: 2.6 KiB gzip less in each module, for ~5% more time in
// allocation-heavy work (the full module's comparison: 18–20 → 20–21 ms at best, warm).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
