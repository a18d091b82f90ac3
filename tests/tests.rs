//! Native integration tests, one binary (ripgrep style): fixtures, text conservation,
//! escaping and the command-line tool.
#![cfg(not(target_arch = "wasm32"))]

mod cli;
mod consent;
mod conservation;
mod fuzz_regressions;
mod json;
mod loader;
mod markdown_parser;
mod outline;
mod pulldown_adapter;
mod revisions;
mod util;
mod view;
mod xss;
