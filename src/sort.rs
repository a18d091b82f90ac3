//! One small stable sort for the whole crate.
//!
//! `slice::sort_by` and `sort_unstable` are fast, but each use monomorphises a few KB of
//! driftsort or ipnsort (sorting networks, pivots, run detection): the six sorts of the
//! parser and the comparison were 19 KB of the Wasm module. Here the merging is written
//! once, over indices; each use adds only its comparison and the final move. The result is
//! the one any stable sort gives. The lists sorted are short (sections, lines, reasons), so
//! O(n log n) with an index table costs nothing that shows.

use std::cmp::Ordering;

/// Sorts `v` stably by `compare`, as `slice::sort_by` does.
pub(crate) fn sort_by<T>(v: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_order(v.len(), &mut |a, b| compare(&v[a], &v[b]) == Ordering::Less);
    let mut items: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.into_iter().filter_map(|i| items[i].take()));
}

/// Sorts `v` by the values' own order (for values whose equal elements are
/// indistinguishable, the same result as `sort_unstable`).
pub(crate) fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
}

/// The indices `0..n` in the order that sorts the elements stably, by a bottom-up merge
/// sort: `less(a, b)` when element `a` goes strictly before element `b`.
fn sorted_order(n: usize, less: &mut dyn FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged = vec![0; n];
    let mut width = 1;
    while width < n {
        for start in (0..n).step_by(2 * width) {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut left, mut right) = (start, mid);
            for slot in &mut merged[start..end] {
                // Equal elements keep their order: the left run's go first.
                let take_left = left < mid && (right == end || !less(order[right], order[left]));
                if take_left {
                    *slot = order[left];
                    left += 1;
                } else {
                    *slot = order[right];
                    right += 1;
                }
            }
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_as_the_standard_stable_sort(keys in proptest::collection::vec(0u8..8, 0..200)) {
            // Each element remembers where it was, so a stability slip shows.
            let items: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| b.0.cmp(&a.0));
            let mut std = items.clone();
            std.sort_by_key(|item| std::cmp::Reverse(item.0));
            prop_assert_eq!(ours, std);
            let mut ours = keys.clone();
            sort(&mut ours);
            let mut std = keys;
            std.sort_unstable();
            prop_assert_eq!(ours, std);
        }
    }
}
