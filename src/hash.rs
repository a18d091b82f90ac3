//! The hash maps and sets of the core: std's, with a small multiply–rotate hasher.
//!
//! std's SipHash is there to resist keys chosen to collide, which needs a secret seed; on
//! `wasm32-unknown-unknown` there is no randomness to seed it from, so its keys are fixed
//! and it buys nothing there, while each key type's inlined SipHash rounds cost the Wasm
//! modules ~1 KB apiece. The keys here are a policy's own words, ids and headings.

use std::hash::{BuildHasherDefault, Hasher};

/// `std::collections::HashMap` with [`WordHasher`].
pub type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<WordHasher>>;
/// `std::collections::HashSet` with [`WordHasher`].
pub type HashSet<K> = std::collections::HashSet<K, BuildHasherDefault<WordHasher>>;

/// FxHash's step (rustc's own map hasher): fold each 8-byte word in with a rotate, xor and
/// multiply by an odd constant.
#[derive(Default, Clone, Copy)]
pub struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length tells "a" from "a\0".
            self.add(u64::from_le_bytes(word) ^ (rest.len() as u64) << 59);
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
