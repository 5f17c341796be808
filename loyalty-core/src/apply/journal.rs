//! Undo for the account's long lists, so an event can be applied in place.
//!
//! An event is all or nothing: if it fails, the account must be exactly as
//! it was. Copying the whole account before every event would make the cost
//! of an event grow with the member's lots and recent purchases, so the
//! long lists (points and wallet lots, recent purchases) are journaled
//! instead. The common changes are cheap to undo and recorded as such:
//! appending (undo: truncate, restore the old last element, which a merge
//! may have changed) and dropping from the front (expiry, the return window;
//! undo: put the dropped elements back). Any other change first saves the
//! whole list, which only happens on rarer events (redemptions, returns,
//! vesting). Everything else in an account is small and copied up front.

/// The undo record of one list.
#[derive(Debug, Default)]
pub(crate) enum Journal<T> {
    /// Not changed by this event.
    #[default]
    Untouched,
    /// Changed only at its ends: `front` were dropped from the front, the
    /// first `kept` current elements are the original's remaining ones, and
    /// `last` is the original last element (when it is among them).
    Ends {
        front: Vec<T>,
        kept: usize,
        last: Option<T>,
    },
    /// The whole original list.
    Full(Vec<T>),
}

impl<T: Clone> Journal<T> {
    fn track(&mut self, list: &[T]) {
        if matches!(self, Journal::Untouched) {
            *self = Journal::Ends {
                front: Vec::new(),
                kept: list.len(),
                last: list.last().cloned(),
            };
        }
    }

    /// Before pushing to `list` or changing its last element.
    pub(crate) fn before_append(&mut self, list: &[T]) {
        self.track(list);
    }

    /// Drop the first `n` elements of `list`, remembering them.
    pub(crate) fn drop_front(&mut self, list: &mut Vec<T>, n: usize) {
        let n = n.min(list.len());
        if n == 0 {
            return;
        }
        self.track(list);
        match self {
            Journal::Ends { front, kept, .. } if n <= *kept => {
                front.extend(list.drain(..n));
                *kept -= n;
            }
            _ => {
                self.before_any(list);
                list.drain(..n);
            }
        }
    }

    /// Before any other change: save the whole original list.
    pub(crate) fn before_any(&mut self, list: &[T]) {
        let original = match std::mem::take(self) {
            Journal::Untouched => list.to_vec(),
            Journal::Ends { front, kept, last } => original_of(list, front, kept, last),
            Journal::Full(o) => o,
        };
        *self = Journal::Full(original);
    }

    /// Put `list` back as it was before the event.
    pub(crate) fn restore(self, list: &mut Vec<T>) {
        match self {
            Journal::Untouched => {}
            Journal::Ends { front, kept, last } => *list = original_of(list, front, kept, last),
            Journal::Full(o) => *list = o,
        }
    }
}

fn original_of<T: Clone>(list: &[T], front: Vec<T>, kept: usize, last: Option<T>) -> Vec<T> {
    let mut original = front;
    let remaining = list.get(..kept).unwrap_or(list);
    original.extend_from_slice(remaining);
    if kept > 0 {
        if let (Some(slot), Some(last)) = (original.last_mut(), last) {
            *slot = last;
        }
    }
    original
}

#[cfg(test)]
mod tests {
    use super::Journal;

    #[test]
    fn ends_are_undone() {
        let original = vec![1, 2, 3, 4];
        let mut list = original.clone();
        let mut j = Journal::default();
        j.drop_front(&mut list, 2);
        j.before_append(&list);
        if let Some(last) = list.last_mut() {
            *last += 10;
        }
        list.push(5);
        assert_eq!(list, vec![3, 14, 5]);
        j.restore(&mut list);
        assert_eq!(list, original);
    }

    #[test]
    fn full_saves_after_ends() {
        let original = vec![1, 2, 3];
        let mut list = original.clone();
        let mut j = Journal::default();
        list.push(4);
        j.before_any(&list[..3]);
        let mut j2 = Journal::default();
        j2.before_append(&list);
        list.push(9);
        j2.drop_front(&mut list, 1);
        j2.before_any(&list);
        list.clear();
        j2.restore(&mut list);
        assert_eq!(list, vec![1, 2, 3, 4]);
        j.restore(&mut list);
        assert_eq!(list, original);
    }

    #[test]
    fn dropping_everything_then_appending() {
        let original = vec![1, 2];
        let mut list = original.clone();
        let mut j = Journal::default();
        j.drop_front(&mut list, 2);
        j.before_append(&list);
        list.push(7);
        j.restore(&mut list);
        assert_eq!(list, original);
    }
}
