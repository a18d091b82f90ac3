//! Tokens and a bounded Myers diff over them.

/// What a token is, for diffing and classifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters and digits (one CJK character is a word of its own).
    Word,
    /// Whitespace.
    Space,
    /// Anything else, one character at a time.
    Punct,
}

/// A slice of text with its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The text, as written.
    pub text: &'a str,
    /// Its kind.
    pub kind: TokenKind,
}

/// Whether `c` belongs to a script written without spaces (Han, kana, Hangul): there each
/// character is a word, so a diff can point at the characters that changed.
pub fn is_unspaced(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Splits text into words, whitespace runs and single punctuation characters.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start = 0;
    let mut current: Option<TokenKind> = None;
    for (i, c) in text.char_indices() {
        let kind = if c.is_whitespace() {
            TokenKind::Space
        } else if c.is_alphanumeric() {
            TokenKind::Word
        } else {
            TokenKind::Punct
        };
        let joins = current == Some(kind)
            && kind != TokenKind::Punct
            && !(kind == TokenKind::Word
                && (is_unspaced(c) || text[start..i].chars().next_back().is_some_and(is_unspaced)));
        if !joins {
            if let Some(k) = current {
                tokens.push(Token {
                    text: &text[start..i],
                    kind: k,
                });
            }
            start = i;
            current = Some(kind);
        }
    }
    if let Some(kind) = current {
        tokens.push(Token {
            text: &text[start..],
            kind,
        });
    }
    tokens
}

/// One step of an edit script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Present in both (index in a, index in b).
    Equal(usize, usize),
    /// Only in a.
    Delete(usize),
    /// Only in b.
    Insert(usize),
}

/// Most comparisons a diff may make, about (N+M)·D for Myers: the edit limit shrinks for
/// long inputs so that diffing two megabyte paragraphs costs what diffing two pages does.
/// Inputs that real policies have (a paragraph of a few thousand words) are far below it.
pub const MAX_WORK: usize = 16_000_000;

/// An edit script turning `a` into `b` (Myers' O((N+M)·D) algorithm), after stripping the
/// common prefix and suffix. When more than `max_edits` edits are needed, or more than
/// [`MAX_WORK`] / (N+M) for the middle left after stripping, the middle is reported as
/// deleted then inserted whole, which bounds the time on hostile inputs to O(N+M+MAX_WORK).
pub fn diff<T: PartialEq>(a: &[T], b: &[T], max_edits: usize) -> Vec<Edit> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut edits: Vec<Edit> = (0..prefix).map(|i| Edit::Equal(i, i)).collect();
    let affordable = MAX_WORK / (a_mid.len() + b_mid.len()).max(1);
    match myers(a_mid, b_mid, max_edits.min(affordable)) {
        Some(middle) => edits.extend(middle.into_iter().map(|e| match e {
            Edit::Equal(i, j) => Edit::Equal(i + prefix, j + prefix),
            Edit::Delete(i) => Edit::Delete(i + prefix),
            Edit::Insert(j) => Edit::Insert(j + prefix),
        })),
        None => {
            edits.extend((0..a_mid.len()).map(|i| Edit::Delete(i + prefix)));
            edits.extend((0..b_mid.len()).map(|j| Edit::Insert(j + prefix)));
        }
    }
    let (a_end, b_end) = (a.len() - suffix, b.len() - suffix);
    edits.extend((0..suffix).map(|k| Edit::Equal(a_end + k, b_end + k)));
    edits
}

/// Forward greedy Myers. Each round's frontier is kept (only the diagonals it can reach,
/// so O(D²) memory) for the backtrack.
fn myers<T: PartialEq>(a: &[T], b: &[T], max_edits: usize) -> Option<Vec<Edit>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    if n == 0 || m == 0 {
        let mut edits: Vec<Edit> = (0..a.len()).map(Edit::Delete).collect();
        edits.extend((0..b.len()).map(Edit::Insert));
        return Some(edits);
    }
    let limit = (a.len() + b.len()).min(max_edits) as isize;
    let offset = limit + 2;
    let mut v = vec![0isize; (2 * limit + 5) as usize];
    // trace[d]: v over diagonals -d-1..=d+1 at the start of round d.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    for d in 0..=limit {
        trace.push(v[(offset - d - 1) as usize..=(offset + d + 1) as usize].to_vec());
        let mut k = -d;
        while k <= d {
            let idx = (offset + k) as usize;
            let mut x = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) {
                v[idx + 1]
            } else {
                v[idx - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[idx] = x;
            if x >= n && y >= m {
                return Some(backtrack(&trace, n, m));
            }
            k += 2;
        }
    }
    None
}

fn backtrack(trace: &[Vec<isize>], n: isize, m: isize) -> Vec<Edit> {
    let mut edits = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..trace.len() as isize).rev() {
        let frontier = &trace[d as usize];
        let at = |k: isize| frontier[(k + d + 1) as usize];
        let k = x - y;
        let down = k == -d || (k != d && at(k - 1) < at(k + 1));
        let prev_k = if down { k + 1 } else { k - 1 };
        let prev_x = at(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            edits.push(Edit::Equal(x as usize, y as usize));
        }
        if d > 0 {
            if down {
                edits.push(Edit::Insert(prev_y as usize));
            } else {
                edits.push(Edit::Delete(prev_x as usize));
            }
        }
        x = prev_x;
        y = prev_y;
    }
    edits.reverse();
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(a: &[char], b: &[char], edits: &[Edit]) -> (String, String) {
        let mut left = String::new();
        let mut right = String::new();
        for e in edits {
            match *e {
                Edit::Equal(i, j) => {
                    assert_eq!(a[i], b[j]);
                    left.push(a[i]);
                    right.push(b[j]);
                }
                Edit::Delete(i) => left.push(a[i]),
                Edit::Insert(j) => right.push(b[j]),
            }
        }
        (left, right)
    }

    fn check(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let edits = diff(&a, &b, 10_000);
        let (left, right) = apply(&a, &b, &edits);
        assert_eq!(left, a.iter().collect::<String>());
        assert_eq!(right, b.iter().collect::<String>());
        edits
            .iter()
            .filter(|e| !matches!(e, Edit::Equal(..)))
            .count()
    }

    #[test]
    fn edit_scripts_are_minimal_and_valid() {
        assert_eq!(check("abcabba", "cbabac"), 5);
        assert_eq!(check("", "abc"), 3);
        assert_eq!(check("abc", ""), 3);
        assert_eq!(check("same", "same"), 0);
        assert_eq!(check("kitten", "sitting"), 5);
        assert_eq!(check("with consent", "without consent"), 3);
    }

    #[test]
    fn long_inputs_get_a_smaller_edit_limit() {
        // 2M tokens: the budget allows only 8 edits, so 20 changes fall back to a replace.
        let a: Vec<u32> = (0..1_000_000).collect();
        let mut b = a.clone();
        for k in 0..10 {
            b[k * 100_000 + 50_000] = u32::MAX;
        }
        let edits = diff(&a, &b, 2000);
        let changed = edits
            .iter()
            .filter(|e| !matches!(e, Edit::Equal(..)))
            .count();
        assert!(
            changed > 20,
            "{changed} edits: the middle was replaced whole"
        );
        // The same change on a short input is found exactly.
        let (a, mut b): (Vec<u32>, Vec<u32>) = ((0..1000).collect(), (0..1000).collect());
        b[500] = u32::MAX;
        assert_eq!(
            diff(&a, &b, 2000)
                .iter()
                .filter(|e| !matches!(e, Edit::Equal(..)))
                .count(),
            2
        );
    }

    #[test]
    fn large_differences_fall_back_to_replace() {
        let a: Vec<u32> = (0..500).collect();
        let b: Vec<u32> = (1000..1500).collect();
        let edits = diff(&a, &b, 10);
        assert_eq!(edits.len(), 1000);
    }

    #[test]
    fn tokens() {
        let t: Vec<&str> = tokenize("We retain it 30 days, “not” 个人信息.")
            .iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(
            t,
            [
                "We", " ", "retain", " ", "it", " ", "30", " ", "days", ",", " ", "“", "not", "”",
                " ", "个", "人", "信", "息", "."
            ]
        );
    }
}
