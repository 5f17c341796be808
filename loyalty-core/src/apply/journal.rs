//! Undo for the account's long lists, so an event can be applied in place.
//!
//! An event is all or nothing: if it fails, the account must be exactly as
//! it was. Copying the whole account before every event would make the cost
//! of an event grow with the member's lots and recent purchases, so the
//! long lists (points and wallet lots, recent purchases, vouchers,
//! redemptions still open to returns) are journaled instead, and kept in
//! ring buffers (`VecDeque`) so dropping from the front costs what is
//! dropped, not what remains (with a `Vec`,
//! expiring one lot of a regular's thousand moved the other 999, and that
//! move was half the cost of their purchases).
//!
//! Events change these lists at their ends: expiry and redemptions take
//! from the front (oldest first), purchases append or merge into the last
//! element, returns take back from the newest lots and the newest
//! purchases. The journal therefore saves only what an event touches: the
//! elements dropped from the front, and the original of every element from
//! the first one changed near the back to the end. Undoing costs what was
//! touched. Any other change (vesting, a released reservation's lots put
//! back in order) first saves the whole list; those are rarer events.

use std::collections::VecDeque;

use crate::account::Bucket;
use crate::inline::few;

/// What an event dropped from the front of a list: nearly always one or
/// two elements (the lot that expired, the purchases that left the return
/// window: in the replay benchmark one drop of purchases in four takes two
/// or more, and room for only one made those allocate), kept without an
/// allocation.
type Front<T> = few![T; 2];

/// The originals of the elements an event changed near the back, kept
/// last first (saving an earlier element pushes it): nearly always the one
/// last element a purchase merges into, kept without an allocation.
type Tail<T> = few![T; 1];

/// The undo record of one list.
///
/// While `Ends`, the original list is `front ++ list[fresh..fresh + kept]
/// ++ tail`: `front` was dropped from the front, the first `fresh` current
/// elements are new (pushed to the front), the next `kept` are the
/// original's and untouched, and `tail` (stored last first) is the
/// original of everything after them, which the event may have changed,
/// removed or appended to.
#[derive(Debug, Default)]
pub(crate) enum Journal<T> {
    /// Not changed by this event.
    #[default]
    Untouched,
    /// Only pushed to at the back: the original is the first `kept`
    /// elements. What most events do to the lists they touch (a purchase's
    /// record, a voucher issued), kept apart from `Ends` because it holds
    /// nothing to drop: ending an event whose journals are all `Untouched`
    /// or `Pushed` costs no look into their saved elements. Native only:
    /// the WebAssembly build, whose size matters more, has `Ends` do it.
    #[cfg(not(target_arch = "wasm32"))]
    Pushed { kept: usize },
    /// Changed only at its ends (see above).
    Ends {
        front: Front<T>,
        fresh: usize,
        kept: usize,
        tail: Tail<T>,
    },
    /// The whole original list.
    Full(VecDeque<T>),
    /// Not kept: a failed event will not be undone (its account is a copy
    /// that is dropped, see `Engine::apply`).
    Off,
}

impl<T: Clone> Journal<T> {
    fn track(&mut self, list: &VecDeque<T>) {
        let kept = match self {
            Journal::Untouched => list.len(),
            #[cfg(not(target_arch = "wasm32"))]
            Journal::Pushed { kept } => *kept,
            _ => return,
        };
        *self = Journal::Ends {
            front: Front::new(),
            fresh: 0,
            kept,
            tail: Tail::new(),
        };
    }

    /// Before changing, removing or inserting anything at position `at` or
    /// after it (current positions), or appending.
    pub(crate) fn touch_from(&mut self, list: &VecDeque<T>, at: usize) {
        self.track(list);
        if let Journal::Ends {
            fresh, kept, tail, ..
        } = self
        {
            let start = at.max(*fresh);
            let end = *fresh + *kept;
            if start < end {
                for x in list.range(start..end).rev() {
                    tail.push(x.clone());
                }
                *kept = start - *fresh;
            }
        }
    }

    /// Before pushing to `list` or changing its last element.
    pub(crate) fn before_append(&mut self, list: &VecDeque<T>) {
        self.touch_from(list, list.len().saturating_sub(1));
    }

    /// Before pushing to the back of `list`, leaving its elements as they
    /// are: nothing is saved (undo drops what is past the original length),
    /// where [`Journal::before_append`] saves the last element in case it
    /// changes.
    pub(crate) fn before_push(&mut self, list: &VecDeque<T>) {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Journal::Untouched => *self = Journal::Pushed { kept: list.len() },
            #[cfg(not(target_arch = "wasm32"))]
            Journal::Pushed { .. } => {}
            _ => self.touch_from(list, list.len()),
        }
    }

    /// Drop the first `n` elements of `list`, remembering them.
    pub(crate) fn drop_front(&mut self, list: &mut VecDeque<T>, n: usize) {
        let n = n.min(list.len());
        if n == 0 {
            return;
        }
        self.track(list);
        match self {
            Journal::Ends {
                front, fresh, kept, ..
            } if n <= *fresh + *kept => {
                let new = n.min(*fresh);
                // Nearly always none: a drain's setup is not free.
                if new > 0 {
                    list.drain(..new);
                    *fresh -= new;
                }
                // One by one: nearly always one element (a lot, a
                // purchase), which a drain's setup costs several times over.
                for _ in new..n {
                    if let Some(x) = list.pop_front() {
                        front.push(x);
                    }
                }
                *kept -= n - new;
            }
            _ => {
                self.before_any(list);
                list.drain(..n);
            }
        }
    }

    /// Drop the elements at the front of `list` for which `gone` holds
    /// (lists kept in time order lose what leaves a window as a prefix).
    pub(crate) fn drop_front_while(&mut self, list: &mut VecDeque<T>, gone: impl Fn(&T) -> bool) {
        self.drop_front(list, prefix(list, gone));
    }

    /// Put `x` in front of `list`.
    pub(crate) fn push_front(&mut self, list: &mut VecDeque<T>, x: T) {
        self.track(list);
        if let Journal::Ends { fresh, .. } = self {
            *fresh += 1;
        }
        list.push_front(x);
    }

    /// Before any other change: save the whole original list.
    pub(crate) fn before_any(&mut self, list: &VecDeque<T>) {
        if matches!(self, Journal::Off) {
            return;
        }
        let original = match std::mem::take(self) {
            Journal::Untouched => list.clone(),
            #[cfg(not(target_arch = "wasm32"))]
            Journal::Pushed { kept } => list.iter().take(kept).cloned().collect(),
            Journal::Ends {
                front,
                fresh,
                kept,
                tail,
            } => original_of(list, front, fresh, kept, tail),
            Journal::Full(o) => o,
            Journal::Off => return,
        };
        *self = Journal::Full(original);
    }

    /// Put `list` back as it was before the event.
    pub(crate) fn restore(self, list: &mut VecDeque<T>) {
        match self {
            Journal::Untouched | Journal::Off => {}
            #[cfg(not(target_arch = "wasm32"))]
            Journal::Pushed { kept } => list.truncate(kept),
            Journal::Ends {
                front,
                fresh,
                kept,
                tail,
            } => *list = original_of(list, front, fresh, kept, tail),
            Journal::Full(o) => *list = o,
        }
    }
}

/// How many elements at the front of `list` `gone` holds for: nearly
/// always none or one, counted over the deque's two slices (its iterator's
/// `take_while(..).count()` cost several times that).
pub(crate) fn prefix<T>(list: &VecDeque<T>, gone: impl Fn(&T) -> bool) -> usize {
    let (a, b) = list.as_slices();
    match a.iter().position(|x| !gone(x)) {
        Some(n) => n,
        None => a.len() + b.iter().position(|x| !gone(x)).unwrap_or(b.len()),
    }
}

fn original_of<T: Clone>(
    list: &VecDeque<T>,
    front: Front<T>,
    fresh: usize,
    kept: usize,
    tail: Tail<T>,
) -> VecDeque<T> {
    let mut original: VecDeque<T> = front.into_iter().collect();
    original.extend(list.iter().skip(fresh).take(kept).cloned());
    original.extend(tail.into_iter().rev());
    original
}

/// One change to the tier window's buckets, as undone.
#[derive(Debug)]
pub(crate) enum Step {
    /// These buckets were dropped from the front (they left the window).
    Dropped(Vec<Bucket>),
    /// A bucket was pushed.
    Pushed,
    /// The bucket at `at` had the value of `was`.
    Set { at: usize, was: Bucket },
}

/// The undo record of the tier window's buckets.
///
/// A year of weekly buckets is a list a regular's every purchase changes,
/// but only at its ends: the buckets that left the window are dropped from
/// the front, and the purchase is added to the last bucket or pushes a new
/// one (a return sets one bucket). Saving those steps rather than copying
/// the list keeps a long-lived member's event as cheap as a new member's.
#[derive(Debug, Default)]
pub(crate) enum BucketLog {
    /// Steps so far, undone in reverse.
    #[default]
    Empty,
    Steps(few![Step; 2]),
    /// Not kept (see [`Journal::Off`]).
    Off,
}

impl BucketLog {
    // `few!` is a `Vec` in the WebAssembly build, where clippy would have
    // the inline list built by `vec![..]`.
    #[cfg_attr(target_arch = "wasm32", allow(clippy::vec_init_then_push))]
    fn record(&mut self, step: Step) {
        match self {
            BucketLog::Off => {}
            BucketLog::Empty => {
                let mut steps = <few![Step; 2]>::new();
                steps.push(step);
                *self = BucketLog::Steps(steps);
            }
            BucketLog::Steps(steps) => steps.push(step),
        }
    }

    /// Drop the first `n` buckets.
    pub(crate) fn drop_front(&mut self, buckets: &mut Vec<Bucket>, n: usize) {
        let n = n.min(buckets.len());
        if n == 0 {
            return;
        }
        if matches!(self, BucketLog::Off) {
            buckets.drain(..n);
            return;
        }
        let gone: Vec<Bucket> = buckets.drain(..n).collect();
        self.record(Step::Dropped(gone));
    }

    /// Push `bucket`.
    pub(crate) fn push(&mut self, buckets: &mut Vec<Bucket>, bucket: Bucket) {
        buckets.push(bucket);
        self.record(Step::Pushed);
    }

    /// Set the value of the bucket at `at`.
    pub(crate) fn set(&mut self, buckets: &mut [Bucket], at: usize, value: i64) {
        if let Some(b) = buckets.get_mut(at) {
            let was = *b;
            b.value = value;
            self.record(Step::Set { at, was });
        }
    }

    /// Put `buckets` back as they were before the event.
    pub(crate) fn restore(self, buckets: &mut Vec<Bucket>) {
        let BucketLog::Steps(steps) = self else {
            return;
        };
        for step in steps.into_iter().rev() {
            match step {
                Step::Dropped(gone) => {
                    buckets.splice(..0, gone);
                }
                Step::Pushed => {
                    buckets.pop();
                }
                Step::Set { at, was } => {
                    if let Some(b) = buckets.get_mut(at) {
                        *b = was;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::{prefix, Journal};

    fn deque(items: &[i32]) -> VecDeque<i32> {
        items.iter().copied().collect()
    }

    /// Any mix of bucket steps is undone, and a log switched off keeps nothing.
    #[test]
    fn prefix_counts_across_both_slices() {
        // Every split of the deque between its two slices (pushing to the
        // front wraps it), every cut: as `take_while(..).count()`.
        let mut wrapped = 0;
        for front in 0..6 {
            for cut in 0..=8 {
                let mut list: VecDeque<i32> = VecDeque::with_capacity(16);
                list.extend(front..8);
                for x in (0..front).rev() {
                    list.push_front(x);
                }
                if !list.as_slices().1.is_empty() {
                    wrapped += 1;
                }
                let gone = |x: &i32| *x < cut;
                let want = list.iter().take_while(|x| gone(x)).count();
                assert_eq!(prefix(&list, gone), want, "front {front}, cut {cut}");
            }
        }
        assert!(wrapped > 0, "no deque was split in two slices");
    }

    #[test]
    fn bucket_steps_are_undone() {
        use super::BucketLog;
        use crate::account::Bucket;
        let b = |key, value| Bucket { key, value };
        let original = vec![b(1, 10), b(2, 20), b(3, 30)];
        let mut buckets = original.clone();
        let mut log = BucketLog::default();
        log.drop_front(&mut buckets, 1);
        log.set(&mut buckets, 1, 35);
        log.push(&mut buckets, b(4, 5));
        log.drop_front(&mut buckets, 2);
        log.set(&mut buckets, 0, 7);
        log.push(&mut buckets, b(5, 1));
        assert_eq!(buckets, vec![b(4, 7), b(5, 1)]);
        log.restore(&mut buckets);
        assert_eq!(buckets, original);

        let mut off = BucketLog::Off;
        let mut buckets = original.clone();
        off.drop_front(&mut buckets, 5);
        off.push(&mut buckets, b(9, 9));
        off.restore(&mut buckets);
        assert_eq!(buckets, vec![b(9, 9)]);
    }

    /// Switched off, a journal changes the list as asked and keeps nothing.
    #[test]
    fn off_keeps_nothing() {
        let mut list = deque(&[1, 2, 3]);
        let mut j = Journal::Off;
        j.drop_front(&mut list, 1);
        j.before_append(&list);
        j.before_push(&list);
        j.push_front(&mut list, 0);
        j.touch_from(&list, 0);
        j.before_any(&list);
        assert!(matches!(j, Journal::Off));
        assert_eq!(list, deque(&[0, 2, 3]));
    }

    #[test]
    fn ends_are_undone() {
        let original = deque(&[1, 2, 3, 4]);
        let mut list = original.clone();
        let mut j = Journal::default();
        j.drop_front(&mut list, 2);
        j.before_append(&list);
        if let Some(last) = list.back_mut() {
            *last += 10;
        }
        list.push_back(5);
        assert_eq!(list, deque(&[3, 14, 5]));
        j.restore(&mut list);
        assert_eq!(list, original);
    }

    #[test]
    fn full_saves_after_ends() {
        let original = deque(&[1, 2, 3]);
        let mut list = original.clone();
        let mut j = Journal::default();
        list.push_back(4);
        j.before_any(&list.iter().take(3).copied().collect());
        let mut j2 = Journal::default();
        j2.before_append(&list);
        list.push_back(9);
        j2.drop_front(&mut list, 1);
        j2.before_any(&list);
        list.clear();
        j2.restore(&mut list);
        assert_eq!(list, deque(&[1, 2, 3, 4]));
        j.restore(&mut list);
        assert_eq!(list, original);
    }

    #[test]
    fn dropping_everything_then_appending() {
        let original = deque(&[1, 2]);
        let mut list = original.clone();
        let mut j = Journal::default();
        j.drop_front(&mut list, 2);
        j.before_append(&list);
        list.push_back(7);
        j.restore(&mut list);
        assert_eq!(list, original);
    }

    /// Random mixes of every kind of change, undone, against a full copy.
    #[test]
    fn any_mix_of_changes_is_undone() {
        let mut seed = 11_u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n.max(1)
        };
        for case in 0..5_000 {
            let len = next(8) as i32;
            let original: VecDeque<i32> = (0..len).map(|i| i * 10).collect();
            let mut list = original.clone();
            let mut j = Journal::default();
            for _ in 0..next(6) {
                let n = list.len() as u64;
                match next(7) {
                    0 => j.drop_front(&mut list, next(n + 1) as usize),
                    6 => {
                        j.before_push(&list);
                        list.push_back(400 + case);
                    }
                    1 => j.push_front(&mut list, 100 + case),
                    2 => {
                        j.before_append(&list);
                        if next(2) == 0 {
                            list.push_back(200);
                        } else if let Some(last) = list.back_mut() {
                            *last += 1;
                        }
                    }
                    3 => {
                        let at = next(n + 1) as usize;
                        j.touch_from(&list, at);
                        if let Some(x) = list.get_mut(at) {
                            *x += 5;
                        }
                        if next(2) == 0 && at < list.len() {
                            list.remove(at);
                        }
                    }
                    4 => {
                        j.before_any(&list);
                        list.retain(|x| x % 20 != 0);
                    }
                    _ => {
                        let at = next(n + 1) as usize;
                        j.touch_from(&list, at);
                        list.insert(at.min(list.len()), 300);
                    }
                }
            }
            j.restore(&mut list);
            assert_eq!(list, original, "case {case}");
        }
    }
}
