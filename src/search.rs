//! Substring search, without std's two-way searcher.
//!
//! `str::find` with a `&str` pattern (and `str::contains` with a non-ASCII `char`) builds
//! std's two-way searcher, ~5 KB of each Wasm module. Most needles here are a few fixed
//! bytes ("-->", "://"), for which looking for the first byte and comparing the rest is
//! linear; a longer needle (a word of the policy, as long as the policy may be) goes through
//! Knuth–Morris–Pratt, linear in both lengths, so that no input is quadratic. Indices are
//! byte offsets, as std's are.

/// Needles up to this long are matched directly: at most this many byte comparisons per
/// haystack byte.
const SHORT: usize = 16;

/// Where `needle` first occurs in `haystack`, as `haystack.find(needle)`.
pub(crate) fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, pat) = (haystack.as_bytes(), needle.as_bytes());
    if pat.len() > SHORT {
        return knuth_morris_pratt(hay, pat);
    }
    let Some((&first, rest)) = pat.split_first() else {
        return Some(0);
    };
    let mut from = 0;
    while let Some(at) = hay.get(from..)?.iter().position(|&b| b == first) {
        let at = from + at;
        if hay[at + 1..].starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The first match of `pat` (longer than [`SHORT`]) in `hay`.
fn knuth_morris_pratt(hay: &[u8], pat: &[u8]) -> Option<usize> {
    // fallback[i]: the length of the longest proper prefix of pat[..=i] that ends it.
    let mut fallback = vec![0; pat.len()];
    let mut k = 0;
    for i in 1..pat.len() {
        while k > 0 && pat[i] != pat[k] {
            k = fallback[k - 1];
        }
        if pat[i] == pat[k] {
            k += 1;
        }
        fallback[i] = k;
    }
    let mut k = 0;
    for (i, &b) in hay.iter().enumerate() {
        while k > 0 && b != pat[k] {
            k = fallback[k - 1];
        }
        if b == pat[k] {
            k += 1;
            if k == pat.len() {
                return Some(i + 1 - k);
            }
        }
    }
    None
}

/// Where `needle` last occurs in `haystack`, as `haystack.rfind(needle)`; for needles of a
/// few bytes (each occurrence of its first byte is compared with the whole needle).
pub(crate) fn rfind(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, pat) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = pat.first() else {
        return Some(hay.len());
    };
    let mut end = hay.len().checked_sub(pat.len())? + 1;
    while let Some(at) = hay[..end].iter().rposition(|&b| b == first) {
        if hay[at..].starts_with(pat) {
            return Some(at);
        }
        end = at;
    }
    None
}

/// Whether `needle` occurs in `haystack`, as `haystack.contains(needle)`.
pub(crate) fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

/// Whether `c` occurs in `haystack`, as `haystack.contains(c)` (whose search for a non-ASCII
/// character is std's two-way searcher again).
pub(crate) fn contains_char(haystack: &str, c: char) -> bool {
    if c.is_ascii() {
        haystack.as_bytes().contains(&(c as u8))
    } else {
        contains(haystack, c.encode_utf8(&mut [0; 4]))
    }
}

/// `haystack` split at the first `needle`, as `haystack.split_once(needle)`.
pub(crate) fn split_once<'a>(haystack: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = find(haystack, needle)?;
    // Both ends of a match of a whole `str` fall on character boundaries.
    Some((&haystack[..at], &haystack[at + needle.len()..]))
}

/// The pieces of `haystack` between occurrences of `needle`, as `haystack.split(needle)`.
/// (An empty needle, which std splits between every character, gives the whole text.)
pub(crate) fn split<'a>(haystack: &'a str, needle: &'a str) -> impl Iterator<Item = &'a str> {
    let mut rest = Some(haystack);
    std::iter::from_fn(move || {
        let text = rest?;
        match split_once(text, needle) {
            Some((piece, after)) if !needle.is_empty() => {
                rest = Some(after);
                Some(piece)
            }
            _ => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// `haystack` with every `from` replaced by `to`, as `haystack.replace(from, to)` (for an
/// empty `from`, which std puts between every character, the text is returned unchanged).
#[allow(dead_code)] // the consent app's (and the tests'): not the CLI's or the full module's
pub(crate) fn replace(haystack: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(haystack.len());
    let mut pieces = split(haystack, from);
    if let Some(first) = pieces.next() {
        out.push_str(first);
    }
    for piece in pieces {
        out.push_str(to);
        out.push_str(piece);
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    proptest! {
        // Small alphabets, so that needles occur and overlap.
        #[test]
        fn agrees_with_std(hay in "[abé>-]{0,40}", needle in "[abé>-]{1,4}") {
            prop_assert_eq!(super::find(&hay, &needle), hay.find(needle.as_str()));
            prop_assert_eq!(super::rfind(&hay, &needle), hay.rfind(needle.as_str()));
            prop_assert_eq!(super::contains(&hay, &needle), hay.contains(needle.as_str()));
            for c in needle.chars() {
                prop_assert_eq!(super::contains_char(&hay, c), hay.contains(c));
            }
            prop_assert_eq!(super::split_once(&hay, &needle), hay.split_once(needle.as_str()));
            prop_assert_eq!(super::split(&hay, &needle).collect::<Vec<_>>(), hay.split(needle.as_str()).collect::<Vec<_>>());
            prop_assert_eq!(super::replace(&hay, &needle, "<x>"), hay.replace(needle.as_str(), "<x>"));
        }
    }

    proptest! {
        // Needles past SHORT (the Knuth–Morris–Pratt path), planted so that they occur.
        #[test]
        fn long_needles_agree_with_std(pre in "[ab]{0,30}", needle in "[ab]{17,24}", post in "[ab]{0,30}") {
            let hay = format!("{pre}{needle}{post}");
            prop_assert_eq!(super::find(&hay, &needle), hay.find(needle.as_str()));
            let near = format!("{pre}{}{post}", &needle[1..]);
            prop_assert_eq!(super::find(&near, &needle), near.find(needle.as_str()));
        }
    }

    #[test]
    fn a_long_needle_in_a_long_repetitive_text_is_linear() {
        // Quadratic searching would compare ~10^11 bytes here.
        let hay = "a".repeat(1 << 20);
        let needle = format!("{}b", "a".repeat(1 << 19));
        assert_eq!(super::find(&hay, &needle), None);
        assert_eq!(super::find(&format!("{hay}b"), &needle), Some(1 << 19));
    }

    #[test]
    fn empty_needles_and_haystacks() {
        assert_eq!(super::find("abc", ""), Some(0));
        assert_eq!(super::rfind("abc", ""), Some(3));
        assert_eq!(super::find("", "a"), None);
        assert_eq!(super::rfind("", "ab"), None);
    }
}
