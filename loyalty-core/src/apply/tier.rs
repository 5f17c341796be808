//! Tiers: qualifying aggregates, upgrades at once, downgrades at reviews.
//!
//! The qualifying value is kept in buckets (days for rolling windows, a year
//! for calendar years, one bucket for lifetime), so a purchase costs the same
//! whatever the member's history: only buckets inside the window are kept.

use rust_decimal::Decimal;

use crate::account::{Account, Bucket, TierState};
use crate::engine::Engine;
use crate::error::Error;
use crate::id::Id;
use crate::outcome::{Asset, EntryKind, TierInfo, TierProgress};
use crate::period;
use crate::program::{Qualifier, TierWindow, Tiers};
use crate::time::Timestamp;

use super::{Ref, Tx};

fn width(window: &TierWindow) -> i64 {
    match window {
        TierWindow::Rolling { days, bucket_days } => {
            i64::from(bucket_days.unwrap_or((*days).div_ceil(12)).max(1))
        }
        _ => 1,
    }
}

/// Which buckets count at a moment: worked out once, then tested per
/// bucket (the day index and local year are not free, and a rolling year
/// of weekly buckets has 52 of them).
#[derive(Clone, Copy)]
pub(crate) enum Window {
    /// Buckets whose key is above this.
    After(i64),
    /// Only the bucket of this local year.
    Year(i64),
    /// Every bucket.
    All,
}

impl Window {
    fn at(tiers: &Tiers, t: Timestamp) -> Window {
        Window::with_key(tiers, t).1
    }

    /// The bucket an event at `t` counts in, and the window at `t`, from
    /// one day index or local year (a purchase needs both).
    pub(crate) fn with_key(tiers: &Tiers, t: Timestamp) -> (i64, Window) {
        match &tiers.window {
            // Day `d` counts in bucket `d / width`. A bucket counts for
            // `days` days from its first day: with one-day buckets that is
            // exactly "the last `days` days". Key `k` counts when
            // `k x width > day - days`, i.e. `k > (day - days) / width`
            // rounded down.
            TierWindow::Rolling { days, .. } => {
                let (day, width) = (period::day_index(t), width(&tiers.window));
                (
                    day.div_euclid(width),
                    Window::After((day - i64::from(*days)).div_euclid(width)),
                )
            }
            TierWindow::CalendarYear => {
                let year = period::local_year(t);
                (year, Window::Year(year))
            }
            TierWindow::Lifetime => (0, Window::All),
        }
    }

    /// How many buckets no longer count. Buckets are kept in key order
    /// (events come in time order) and the window only moves forward, so
    /// those are a prefix: dropping them costs what leaves the window.
    fn gone(self, buckets: &[Bucket]) -> usize {
        buckets.iter().take_while(|b| !self.counts(b.key)).count()
    }

    fn counts(self, key: i64) -> bool {
        match self {
            Window::After(first) => key > first,
            Window::Year(year) => key == year,
            Window::All => true,
        }
    }
}

/// The values of `buckets`, four at a time (a year of weekly buckets is
/// summed on every purchase of a regular; one running sum serialises the
/// additions).
fn sum(buckets: &[Bucket]) -> i64 {
    let mut fours = buckets.chunks_exact(4);
    let mut total = [0_i64; 4];
    for four in &mut fours {
        for (t, b) in total.iter_mut().zip(four) {
            *t += b.value;
        }
    }
    total.iter().sum::<i64>() + fours.remainder().iter().map(|b| b.value).sum::<i64>()
}

/// The qualifying value at `t`.
pub(crate) fn qualifying(tiers: &Tiers, state: &TierState, t: Timestamp) -> i64 {
    qualifying_in(Window::at(tiers, t), state)
}

/// The qualifying value of the buckets that count in `window`.
fn qualifying_in(window: Window, state: &TierState) -> i64 {
    let buckets = &state.buckets;
    match window {
        // Buckets are in key order (the account check makes sure).
        Window::After(first) => {
            // Nearly always every bucket counts: the ones that left the
            // window were dropped when time passed.
            let start = match buckets.first() {
                Some(b) if b.key <= first => buckets.partition_point(|b| b.key <= first),
                _ => 0,
            };
            sum(buckets.get(start..).unwrap_or_default())
        }
        window => buckets
            .iter()
            .filter(|b| window.counts(b.key))
            .map(|b| b.value)
            .sum(),
    }
}

/// When the next review after reaching a level at `t` happens.
fn review_after(tiers: &Tiers, t: Timestamp) -> Option<Timestamp> {
    match &tiers.window {
        TierWindow::Rolling { days, .. } => Some(t.plus_days(tiers.review_days.unwrap_or(*days))),
        TierWindow::CalendarYear => Some(period::next_new_year(t)),
        TierWindow::Lifetime => None,
    }
}

/// The member's tier and progress at `now`, for outcomes.
///
/// `known` is the qualifying value at `now` when the caller has it (a
/// purchase just worked it out): summing a year of buckets again is a
/// visible part of a long-lived member's event.
pub(crate) fn info(
    engine: &Engine,
    acc: &Account,
    now: Timestamp,
    known: Option<i64>,
) -> Option<TierInfo> {
    let mut info = None;
    write_info(engine, acc, now, known, &mut info);
    info
}

/// [`info`] written over `out`: an outcome reused from one event to the
/// next keeps its tier's level ids when they are the same (nearly always),
/// so that writing them touches no reference count, where a new tier
/// clones two shared ids and dropping the old one releases two.
pub(crate) fn write_info(
    engine: &Engine,
    acc: &Account,
    now: Timestamp,
    known: Option<i64>,
    out: &mut Option<TierInfo>,
) {
    let Some(tiers) = engine.program().tiers.as_ref() else {
        *out = None;
        return;
    };
    // No tier state is an empty one (nothing qualifies, no level, no
    // review), read without making and dropping one.
    let state = acc.tier.as_ref();
    let value = known.unwrap_or_else(|| state.map_or(0, |s| qualifying(tiers, s, now)));
    let saved_level = state.and_then(|s| s.level.as_deref());
    let current = saved_level.and_then(|l| engine.tier_index(l));
    let display = |v: i64| -> Decimal {
        match tiers.qualify_on {
            Qualifier::Spend => engine.money(v),
            _ => Decimal::from(v),
        }
    };
    let next_index = current.map_or(0, |c| c + 1);
    let next = engine
        .tier_shared_id(next_index)
        .zip(engine.tier_thresholds().get(next_index))
        .map(|(level, &threshold)| (level, display((threshold - value).max(0))));
    let level = current.and_then(|c| engine.tier_shared_id(c));
    let info = out.get_or_insert_with(|| TierInfo {
        level: None,
        qualifying: Decimal::ZERO.into(),
        next: None,
        next_evaluation: None,
        at_risk: false,
    });
    match (level, &mut info.level) {
        (Some(id), Some(kept)) => kept.copy_from(id),
        (Some(id), kept) => *kept = Some(Id::clone(id)),
        // A level the program no longer has keeps its saved name.
        (None, kept) => *kept = saved_level.map(Id::from),
    }
    match (next, &mut info.next) {
        (Some((id, remaining)), Some(kept)) => {
            kept.level.copy_from(id);
            kept.remaining = remaining.into();
        }
        (next, kept) => {
            *kept = next.map(|(id, remaining)| TierProgress {
                level: Id::clone(id),
                remaining: remaining.into(),
            });
        }
    }
    info.qualifying = display(value).into();
    info.next_evaluation = state.and_then(|s| s.grace_until.or(s.review_at));
    info.at_risk = current.is_some_and(|c| engine.level_for(value).is_none_or(|q| q < c));
}

impl Tx<'_, '_> {
    fn tier_state(&mut self) -> &mut TierState {
        self.acc.tier.get_or_insert_with(TierState::default)
    }

    /// [`Window::with_key`] at `now`, worked out once per event.
    fn window_now(&mut self, tiers: &Tiers) -> (i64, Window) {
        match self.tier_window {
            Some(known) => known,
            None => {
                let known = Window::with_key(tiers, self.now);
                self.tier_window = Some(known);
                known
            }
        }
    }

    /// Count a purchase (its eligible spend in minor units and the points
    /// its rules gave) toward the tier; upgrade at once if a threshold is
    /// crossed. Returns the bucket it counted in.
    pub(crate) fn qualify(&mut self, spend: i64, points: i64) -> Result<Option<i64>, Error> {
        let Some(tiers) = self.engine.program().tiers.as_ref() else {
            return Ok(None);
        };
        let value = match tiers.qualify_on {
            Qualifier::Spend => spend,
            Qualifier::Visits => 1,
            Qualifier::Points => points,
        };
        let (key, window) = self.window_now(tiers);
        let engine = self.engine;
        let log = &mut self.journal.buckets;
        let state = self.acc.tier.get_or_insert_with(TierState::default);
        let gone = window.gone(&state.buckets);
        log.drop_front(&mut state.buckets, gone);
        match state.buckets.last().copied() {
            Some(b) if b.key == key => {
                let last = state.buckets.len() - 1;
                log.set(&mut state.buckets, last, b.value + value);
            }
            _ => log.push(&mut state.buckets, Bucket { key, value }),
        }
        let total = qualifying_in(window, state);
        let current = state.level.as_deref().and_then(|l| engine.tier_index(l));
        self.tier_value = Some(total);
        if let Some(q) = self.engine.level_for(total) {
            if current.is_none_or(|c| q > c) {
                self.move_to(Some(q), EntryKind::TierUp)?;
            }
        }
        Ok(Some(key))
    }

    /// A return takes `less` back from the bucket the purchase counted in.
    pub(crate) fn unqualify(&mut self, key: i64, less: i64) {
        if less <= 0 {
            return;
        }
        self.tier_value = None;
        if let Some(t) = self.acc.tier.as_mut() {
            if let Some(at) = t.buckets.iter().position(|b| b.key == key) {
                let value = t.buckets.get(at).map_or(0, |b| (b.value - less).max(0));
                self.journal.buckets.set(&mut t.buckets, at, value);
            }
        }
    }

    /// Set the level (index into the program's levels), with its ledger
    /// entry, next review and welcome voucher.
    fn move_to(&mut self, level: Option<usize>, kind: EntryKind) -> Result<(), Error> {
        let Some(tiers) = self.engine.program().tiers.as_ref() else {
            return Ok(());
        };
        let now = self.now;
        let id = level.and_then(|l| self.engine.tier_shared_id(l)).cloned();
        let reward = level
            .and_then(|l| tiers.levels.get(l))
            .and_then(|l| l.reward.clone());
        let state = self.tier_state();
        state.level = id.clone();
        state.since = Some(now);
        state.grace_until = None;
        state.review_at = if id.is_some() {
            review_after(tiers, now)
        } else {
            None
        };
        let rank = level.map_or(0, |l| i64::try_from(l).unwrap_or(0) + 1);
        // The entry shares the engine's id of the level, as the state does.
        let reference = id.as_ref().map_or(Ref::Text("none"), Ref::Shared);
        self.entry_ref(Asset::Tier, kind, rank, Some(reference));
        if let (Some(reward), EntryKind::TierUp) = (reward, kind) {
            self.issue_voucher(&reward, None, EntryKind::TierUp)?;
        }
        Ok(())
    }

    /// Hold the reviews due by now: keep the level, start a grace period,
    /// or move down to the level the member qualifies for.
    pub(crate) fn review_tier(&mut self) -> Result<(), Error> {
        let Some(tiers) = self.engine.program().tiers.as_ref() else {
            return Ok(());
        };
        let now = self.now;
        loop {
            let Some(state) = self.acc.tier.as_ref() else {
                return Ok(());
            };
            let current = state
                .level
                .as_deref()
                .and_then(|l| self.engine.tier_index(l));
            let Some(current) = current else {
                return Ok(());
            };
            let due = state.grace_until.or(state.review_at);
            let Some(due) = due.filter(|d| *d <= now) else {
                return Ok(());
            };
            let in_grace = state.grace_until.is_some();
            let value = qualifying(tiers, state, due);
            let earned = self.engine.level_for(value);
            let state = self.tier_state();
            if earned.is_some_and(|q| q >= current) {
                state.grace_until = None;
                state.review_at = review_after(tiers, due);
            } else if !in_grace && tiers.grace_days > 0 {
                state.grace_until = Some(due.plus_days(tiers.grace_days));
            } else {
                let saved = self.now;
                // What was worked out at `now` is not for `due`.
                let window = self.tier_window.take();
                self.now = due;
                let moved = self.move_to(earned, EntryKind::TierDown);
                self.now = saved;
                self.tier_window = window;
                moved?;
            }
            if self
                .acc
                .tier
                .as_ref()
                .and_then(|s| s.grace_until.or(s.review_at))
                .is_none_or(|d| d <= due)
            {
                return Ok(());
            }
        }
    }
}

impl Tx<'_, '_> {
    /// Drop buckets that left the window (after the reviews, which may look
    /// at an earlier instant).
    pub(crate) fn prune_tier(&mut self) {
        let Some(tiers) = self.engine.program().tiers.as_ref() else {
            return;
        };
        if self.acc.tier.is_none() {
            return;
        }
        let (_, window) = self.window_now(tiers);
        if let Some(state) = self.acc.tier.as_mut() {
            let gone = window.gone(&state.buckets);
            self.journal.buckets.drop_front(&mut state.buckets, gone);
            self.tier_value = None;
        }
    }
}

impl Tx<'_, '_> {
    /// At enrolment, a member qualifies at once for any level whose
    /// threshold is zero (e.g. "Bronze for everyone").
    pub(crate) fn enter_tiers(&mut self) -> Result<(), Error> {
        if self.engine.program().tiers.is_none() {
            return Ok(());
        }
        match self.engine.level_for(0) {
            Some(level) => self.move_to(Some(level), EntryKind::TierUp),
            None => Ok(()),
        }
    }
}
