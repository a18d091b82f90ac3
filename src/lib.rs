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
