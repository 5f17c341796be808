//! The program compiled for evaluation, once, when the engine is built.
//!
//! A program is written for people: rules name the rules they multiply,
//! matches list category names, conditions hold decimals and clock times.
//! Evaluated as written, every purchase would compare the same strings and
//! convert the same decimals again. Compiling does that work once, at load:
//!
//! - every distinct [`Match`] of the rules gets a bit, and each category,
//!   SKU and tag the program names is stored with the bits it turns on (and
//!   [`EXCLUDED`] for excluded categories). A basket line is classified once,
//!   by looking up its category, SKU and tags, into a mask; from then on
//!   "does this line match" is a bit test;
//! - conditions are compiled ([`Cond`]): amounts in minor units, days of a
//!   time window as a bit set, tiers as level indices;
//! - a multiplier's target rules are indices, groups are small integers,
//!   per-member limit counters have their key made.
//!
//! A program with more distinct matches than bits (63) still works: the
//! matches past the last bit are compared the slow way ([`Matcher::Direct`]).

use rust_decimal::Decimal;

use crate::basket::Valued;
use crate::decimal::Rounding;
use crate::event::Line;
use crate::id::Fault;
use crate::program::{Condition, Earn, Match, PeriodLimit, Program, Weekday};
use crate::time::Timestamp;

/// The bit of a line in an excluded category.
pub(crate) const EXCLUDED: u64 = 1 << 63;

/// How many matches get a bit (the last bit is [`EXCLUDED`]).
const MATCH_BITS: usize = 63;

/// Which lines something counts: a bit of the line's mask, or (past the
/// bits) the match itself.
#[derive(Clone, Debug)]
pub(crate) enum Matcher {
    /// Lines whose mask has this bit.
    Bit(u64),
    /// Lines that [`Match::matches`].
    Direct(Match),
}

impl Matcher {
    /// Whether the valued line `l` is one of those.
    pub(crate) fn hits(&self, l: &Valued<'_>) -> bool {
        self.hit(l) != 0
    }

    /// 1 when the valued line `l` is one of those, else 0, worked out
    /// without a branch on the line (a shift, not a comparison the
    /// compiler would make a jump): which lines of a basket match is as
    /// good as random to the processor's branch predictor, and a
    /// mispredicted branch costs some 15 cycles, more than the arithmetic
    /// of a per-unit award.
    #[inline]
    pub(crate) fn hit(&self, l: &Valued<'_>) -> u64 {
        match self {
            // One bit (see `Bits::matcher`).
            Matcher::Bit(bit) => (l.mask >> bit.trailing_zeros()) & 1,
            Matcher::Direct(m) => u64::from(m.matches(l.line)),
        }
    }
}

/// A condition ready to test: what can be worked out from the program alone
/// is (see [`Condition`] for what each means).
#[derive(Clone, Debug)]
pub(crate) enum Cond {
    /// Every one holds.
    All(Vec<Cond>),
    /// At least one holds.
    Any(Vec<Cond>),
    /// It does not hold.
    Not(Box<Cond>),
    /// The eligible subtotal is at least this many minor units.
    SubtotalAtLeast(i128),
    /// At least `min` units of matching lines.
    Contains {
        /// Which lines.
        matcher: Matcher,
        /// Units needed.
        min: u64,
    },
    /// Local time in `[from, to)` minutes after midnight (wrapping when
    /// `from > to`), on a day of `days` (bit 0 Monday).
    TimeWindow {
        /// Days, one bit each.
        days: u8,
        /// Minutes after local midnight.
        from: u16,
        /// Minutes after local midnight.
        to: u16,
    },
    /// The member's level (an index into the levels) is one of these.
    Tier(Vec<usize>),
    /// The event is at or after `from` and before `to`.
    DateRange {
        /// Start, included.
        from: Option<Timestamp>,
        /// End, excluded.
        to: Option<Timestamp>,
    },
    /// The member has one of these tags.
    MemberTag(Vec<String>),
    /// Whole days since enrolment within these bounds.
    EnrolledDays {
        /// At least.
        at_least: Option<u32>,
        /// At most.
        at_most: Option<u32>,
    },
    /// The event is within these days around the member's birthday.
    BirthdayWindow {
        /// Days before.
        before: u32,
        /// Days after.
        after: u32,
    },
    /// The purchase is the member's `n`th (every `n`th with `repeat`).
    NthVisit {
        /// Which visit.
        n: u64,
        /// Every `n`th.
        repeat: bool,
    },
    /// A plan in force, one of these (any when empty).
    SubscriptionActive(Vec<String>),
    /// The event is at one of these locations.
    Location(Vec<String>),
    /// The event came through one of these channels.
    Channel(Vec<String>),
}

/// A decimal rate applied to integers: `value x mantissa / divisor`, with
/// the divisor (the power of ten of the rate's scale and of the value's)
/// worked out once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rate {
    mantissa: i128,
    divisor: i128,
    /// Both in 64 bits, when they fit (nearly always): then a value that
    /// fits too is multiplied and divided without 128-bit arithmetic, whose
    /// checked multiplication and division are library calls.
    small: Option<(i64, i64)>,
}

impl Rate {
    /// `factor` for values with `scale` decimals; none when the power of
    /// ten does not fit (a scale past 38, which validation never lets in).
    pub(crate) fn new(factor: Decimal, scale: u32) -> Option<Rate> {
        let mantissa = factor.mantissa();
        let divisor = 10_i128.checked_pow(scale.checked_add(factor.scale())?)?;
        let small = i64::try_from(mantissa)
            .ok()
            .zip(i64::try_from(divisor).ok());
        Some(Rate {
            mantissa,
            divisor,
            small,
        })
    }

    /// `value x rate`, rounded; none past `i64`. The same as
    /// [`Rounding::ratio`] with the rate's decimal.
    pub(crate) fn of(self, rounding: Rounding, value: i128) -> Option<i64> {
        if let (Some((m, d)), Ok(v)) = (self.small, i64::try_from(value)) {
            if let Some(n) = v.checked_mul(m) {
                return rounding.divide_small(n, d);
            }
        }
        rounding.divide(value.checked_mul(self.mantissa)?, self.divisor)
    }
}

/// One rule, compiled.
#[derive(Clone, Debug, Default)]
pub(crate) struct RulePlan {
    /// The lines its earn counts, if it names any.
    pub matcher: Option<Matcher>,
    /// Its condition.
    pub when: Option<Cond>,
    /// The rules a multiplier multiplies (indices in the program).
    pub targets: Vec<usize>,
    /// Its exclusive group, numbered.
    pub group: Option<usize>,
    /// Its per-member limit and the key of the counter behind it
    /// (`rule:ID`).
    pub limit: Option<(PeriodLimit, String)>,
    /// Its per-purchase cap.
    pub cap: Option<i64>,
    /// The rate of points per amount (for amounts in minor units) or a
    /// multiplier's factor.
    pub rate: Option<Rate>,
}

/// Names (categories, SKUs, tags) with the bits they turn on.
///
/// Names of up to 15 bytes (nearly all) are kept as one `u128` each, their
/// bytes and their length, so looking a line's name up compares integers
/// rather than strings; longer ones are compared as strings.
#[derive(Clone, Debug, Default)]
struct Names {
    /// Packed short names and their bits, sorted by key.
    short: Vec<(u128, u64)>,
    /// Longer names and their bits.
    long: Vec<(Box<str>, u64)>,
}

/// `name` as one integer: its bytes, then its length in the last byte;
/// none when it is longer than 15 bytes.
///
/// Read as two words from the name's two ends (overlapping when it is
/// short), the end word shifted so only the bytes past the first word
/// remain: the same integer as copying the bytes into a zeroed buffer, but
/// without a copy of unknown length, which is a `memcpy` call (a few per
/// cent of a quote: every basket line's category is looked up).
fn pack(name: &str) -> Option<u128> {
    let bytes = name.as_bytes();
    let len = bytes.len();
    let text = if let (Some(first), Some(last)) =
        (bytes.first_chunk::<8>(), bytes.last_chunk::<8>())
    {
        if len > 15 {
            return None;
        }
        // `last` holds bytes `len - 8..len`; the first `16 - len` of them
        // are in `first` already.
        let rest = u128::from(u64::from_le_bytes(*last)) >> (8 * (16 - len));
        u128::from(u64::from_le_bytes(*first)) | rest << 64
    } else if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let rest = u64::from(u32::from_le_bytes(*last)) >> (8 * (8 - len));
        u128::from(u64::from(u32::from_le_bytes(*first)) | rest << 32)
    } else {
        bytes
            .iter()
            .rev()
            .fold(0_u128, |key, &b| key << 8 | u128::from(b))
    };
    Some(text | (len as u128) << 120)
}

impl Names {
    /// `name` turns on `bits` too. Short names are kept in key order as
    /// they come (programs name few; this runs at load, and a sort or a map
    /// would be code of their own in the WebAssembly build).
    fn add(&mut self, name: &str, bits: u64) {
        match pack(name) {
            Some(key) => {
                let at = self.short.partition_point(|(k, _)| *k < key);
                match self.short.get_mut(at) {
                    Some((k, b)) if *k == key => *b |= bits,
                    _ => self.short.insert(at, (key, bits)),
                }
            }
            None => match self.long.iter_mut().find(|(k, _)| **k == *name) {
                Some((_, b)) => *b |= bits,
                None => self.long.push((Box::from(name), bits)),
            },
        }
    }

    fn is_empty(&self) -> bool {
        self.short.is_empty() && self.long.is_empty()
    }

    /// Always inline: a line's category is looked up on every line of
    /// every purchase, and out of line the call cost as much as the
    /// comparisons (the compiler's estimate let it go out of line when
    /// the basket checks grew). Not in the WebAssembly build, whose size
    /// matters more.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn bits(&self, name: &str) -> u64 {
        match pack(name) {
            // A few names (nearly always): compared with every one, not
            // searched for, so that the loop's branches follow the program
            // alone; where a search stops depends on the line's name, as
            // good as random to the processor's branch predictor (a
            // mispredicted branch costs some 15 cycles). The keys are
            // distinct: at most one contributes its bits.
            Some(key) if self.short.len() <= 8 => self
                .short
                .iter()
                .fold(0, |bits, (k, b)| bits | b & all_ones_if_same(*k, key)),
            Some(key) => match self.short.binary_search_by_key(&key, |(k, _)| *k) {
                Ok(i) => self.short.get(i).map_or(0, |(_, b)| *b),
                Err(_) => 0,
            },
            None => self
                .long
                .iter()
                .find(|(k, _)| **k == *name)
                .map_or(0, |(_, b)| *b),
        }
    }
}

/// All ones when `a == b`, else 0, by arithmetic: the compiler turns a
/// comparison of a key loaded from memory into a branch, even one made a
/// mask (`u64::from(a == b).wrapping_neg()`).
#[inline(always)]
fn all_ones_if_same(a: u128, b: u128) -> u64 {
    let d = a ^ b;
    let folded = u128::from(d as u64 | (d >> 64) as u64);
    // Only 0 borrows: 0 - 1 is all ones in the high half.
    (folded.wrapping_sub(1) >> 64) as u64
}

/// The compiled program.
#[derive(Clone, Debug, Default)]
pub(crate) struct Compiled {
    categories: Names,
    skus: Names,
    tags: Names,
    /// Per rule, in program order.
    pub rules: Vec<RulePlan>,
    /// Per tier level, its earning multiplier; none when it is 1 (or unset),
    /// so a tier multiplier rule has nothing to do.
    tier_factors: Vec<Option<Rate>>,
}

/// Bits given to distinct matches while compiling.
#[derive(Default)]
struct Bits<'p> {
    seen: Vec<&'p Match>,
    categories: Names,
    skus: Names,
    tags: Names,
}

impl<'p> Bits<'p> {
    fn matcher(&mut self, m: &'p Match) -> Matcher {
        let index = match self.seen.iter().position(|s| *s == m) {
            Some(i) => i,
            None => {
                self.seen.push(m);
                self.seen.len() - 1
            }
        };
        if index >= MATCH_BITS {
            return Matcher::Direct(m.clone());
        }
        let bit = 1_u64 << index;
        for (names, map) in [
            (&m.categories, &mut self.categories),
            (&m.skus, &mut self.skus),
            (&m.tags, &mut self.tags),
        ] {
            // Only valid ids (validation refused a program with any
            // other): a name found here needs no check of its own.
            for name in names.iter().filter(|n| Fault::of(n).is_none()) {
                map.add(name, bit);
            }
        }
        Matcher::Bit(bit)
    }

    fn cond(&mut self, c: &'p Condition, program: &Program) -> Cond {
        match c {
            Condition::All { of } => Cond::All(of.iter().map(|c| self.cond(c, program)).collect()),
            Condition::Any { of } => Cond::Any(of.iter().map(|c| self.cond(c, program)).collect()),
            Condition::Not { condition } => Cond::Not(Box::new(self.cond(condition, program))),
            Condition::SubtotalAtLeast { amount } => Cond::SubtotalAtLeast(i128::from(
                crate::basket::to_minor_units(amount.0, program.minor_units),
            )),
            Condition::Contains {
                matching,
                min_quantity,
            } => Cond::Contains {
                matcher: self.matcher(matching),
                min: u64::from(*min_quantity),
            },
            Condition::TimeWindow { days, from, to } => Cond::TimeWindow {
                days: if days.is_empty() {
                    0x7f
                } else {
                    days.iter().fold(0, |set, d| set | day_bit(*d))
                },
                from: from.minutes(),
                to: to.minutes(),
            },
            Condition::Tier { tiers } => Cond::Tier(
                program
                    .tiers
                    .as_ref()
                    .map(|t| {
                        t.levels
                            .iter()
                            .enumerate()
                            .filter(|(_, l)| tiers.contains(&l.id))
                            .map(|(i, _)| i)
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            Condition::DateRange { from, to } => Cond::DateRange {
                from: *from,
                to: *to,
            },
            Condition::MemberTag { tags } => Cond::MemberTag(tags.clone()),
            Condition::EnrolledDays { at_least, at_most } => Cond::EnrolledDays {
                at_least: *at_least,
                at_most: *at_most,
            },
            Condition::BirthdayWindow {
                days_before,
                days_after,
            } => Cond::BirthdayWindow {
                before: *days_before,
                after: *days_after,
            },
            Condition::NthVisit { n, repeat } => Cond::NthVisit {
                n: u64::from(*n),
                repeat: *repeat,
            },
            Condition::SubscriptionActive { plans } => Cond::SubscriptionActive(plans.clone()),
            Condition::Location { locations } => Cond::Location(locations.clone()),
            Condition::Channel { channels } => Cond::Channel(channels.clone()),
        }
    }
}

/// The bit of `d` in a [`Cond::TimeWindow`]'s days.
fn day_bit(d: Weekday) -> u8 {
    1 << crate::period::monday_index(d)
}

impl Compiled {
    /// Compile `program` (already validated).
    pub(crate) fn new(program: &Program) -> Compiled {
        let mut bits = Bits::default();
        let mut groups: Vec<&str> = Vec::new();
        let mut rules = Vec::with_capacity(program.rules.len());
        for rule in &program.rules {
            let matching = match &rule.earn {
                Earn::PointsPerAmount { matching, .. } | Earn::CashbackPercent { matching, .. } => {
                    matching.as_ref()
                }
                Earn::PointsPerUnit { matching, .. } | Earn::StampsPerUnit { matching, .. } => {
                    Some(matching)
                }
                _ => None,
            };
            let targets = match &rule.earn {
                Earn::PointsMultiplier { rules: ids, .. } | Earn::TierMultiplier { rules: ids } => {
                    program
                        .rules
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| ids.contains(&r.id))
                        .map(|(i, _)| i)
                        .collect()
                }
                _ => Vec::new(),
            };
            let group = rule.group.as_deref().map(|g| {
                groups.iter().position(|x| *x == g).unwrap_or_else(|| {
                    groups.push(g);
                    groups.len() - 1
                })
            });
            let rate = match &rule.earn {
                Earn::PointsPerAmount { rate, .. } => Rate::new(rate.0, program.minor_units),
                Earn::PointsMultiplier { factor, .. } => Rate::new(factor.0, 0),
                _ => None,
            };
            rules.push(RulePlan {
                rate,
                matcher: matching.map(|m| bits.matcher(m)),
                when: rule.when.as_ref().map(|c| bits.cond(c, program)),
                targets,
                group,
                limit: rule
                    .limits
                    .as_ref()
                    .and_then(|l| l.per_member.clone())
                    .map(|l| (l, format!("rule:{}", rule.id))),
                cap: rule
                    .limits
                    .as_ref()
                    .and_then(|l| l.per_purchase)
                    .map(i64::from),
            });
        }
        for c in program
            .excluded_categories
            .iter()
            .filter(|c| Fault::of(c).is_none())
        {
            bits.categories.add(c, EXCLUDED);
        }
        let tier_factors = program.tiers.as_ref().map_or_else(Vec::new, |t| {
            t.levels
                .iter()
                .map(|l| l.multiplier.filter(|m| m.0 != Decimal::ONE))
                .map(|m| m.and_then(|m| Rate::new(m.0, 0)))
                .collect()
        });
        Compiled {
            tier_factors,
            categories: bits.categories,
            skus: bits.skus,
            tags: bits.tags,
            rules,
        }
    }

    /// The bits `category` turns on, when the program names it: then it is
    /// also known to be a valid id (the program's names were checked when
    /// it was loaded), which spares the basket check a pass over it.
    // Inline: called once per basket line, from one place, and a call's
    // register saves were a third of its cost.
    #[inline]
    pub(crate) fn category(&self, category: &str) -> Option<u64> {
        if self.categories.is_empty() {
            return None;
        }
        match self.categories.bits(category) {
            0 => None,
            bits => Some(bits),
        }
    }

    /// The mask of `line`: the bits of the matches it is one of, and
    /// [`EXCLUDED`] when its category is excluded; `category` is what
    /// [`Compiled::category`] gave for its category.
    #[inline]
    pub(crate) fn classify(&self, line: &Line, category: u64) -> u64 {
        let mut mask = category;
        if !self.skus.is_empty() {
            mask |= self.skus.bits(&line.sku);
        }
        if !self.tags.is_empty() {
            for t in &line.tags {
                mask |= self.tags.bits(t);
            }
        }
        mask
    }

    /// The earning multiplier of tier level `index`, when it is not 1.
    pub(crate) fn tier_factor(&self, index: usize) -> Option<Rate> {
        self.tier_factors.get(index).copied().flatten()
    }

    /// The compiled rule at `index`.
    pub(crate) fn rule(&self, index: usize) -> Option<&RulePlan> {
        self.rules.get(index)
    }
}

#[cfg(test)]
mod tests {
    /// The arithmetic comparison is `==`: on equal keys, and on keys that
    /// differ in any one bit or in both halves.
    #[test]
    fn all_ones_if_same_is_equality() {
        let keys = [
            0,
            1,
            u128::MAX,
            1 << 64,
            0x1234_5678_9abc_def0_0fed_cba9_8765_4321,
        ];
        for a in keys {
            assert_eq!(super::all_ones_if_same(a, a), u64::MAX);
            for bit in 0..128 {
                assert_eq!(super::all_ones_if_same(a, a ^ 1 << bit), 0, "{a:x} {bit}");
            }
            for b in keys.iter().filter(|b| **b != a) {
                assert_eq!(super::all_ones_if_same(a, *b), 0, "{a:x} {b:x}");
            }
        }
    }

    /// The two-word packing is the bytes copied into a zeroed buffer with
    /// the length last, for every length a short name may have.
    #[test]
    fn pack_is_the_padded_bytes() {
        let text = "abcdefghijklmnopq\u{e9}xyz";
        for start in 0..4 {
            for len in 0..=17 {
                let Some(name) = text.get(start..start + len) else {
                    continue;
                };
                let mut key = [0_u8; 16];
                let expected = (len <= 15).then(|| {
                    key[..len].copy_from_slice(name.as_bytes());
                    key[15] = len as u8;
                    u128::from_le_bytes(key)
                });
                assert_eq!(super::pack(name), expected, "{name:?}");
            }
        }
    }

    use super::*;

    /// A compiled rate gives what `Rounding::ratio` gives, in 64 bits and
    /// past them.
    #[test]
    fn rates_agree_with_ratio() {
        let mut seed = 3_u64;
        for _ in 0..50_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let factor = Decimal::new((seed >> 40) as i64 - (1 << 23), (seed % 9) as u32);
            let scale = ((seed >> 8) % 5) as u32;
            let value = match seed % 3 {
                0 => i128::from((seed >> 16) as i64 % 1_000_000),
                1 => i128::from((seed >> 1) as i64),
                _ => i128::from(seed) << 60,
            };
            let rate = Rate::new(factor, scale).unwrap();
            for rounding in [Rounding::Floor, Rounding::HalfEven, Rounding::Ceiling] {
                assert_eq!(
                    rate.of(rounding, value),
                    rounding.ratio(value, scale, factor),
                    "{value} x {factor} at scale {scale}, {rounding:?}"
                );
            }
        }
    }

    /// Names are found whatever their length, and only the listed ones.
    #[test]
    fn names_are_looked_up_exactly() {
        let long = "a-category-name-longer-than-fifteen-bytes";
        let mut names = Names::default();
        for (name, bits) in [("coffee", 1), ("", 2), ("fifteen-bytes-x", 4), (long, 8)] {
            names.add(name, bits);
        }
        names.add("coffee", 16);
        names.add(long, 32);
        // A few names are compared in turn, more are searched: both ways.
        for fillers in [0, 30] {
            for i in 0..fillers {
                names.add(&format!("filler-{i}"), 1 << 40);
            }
            for (name, bits) in [("coffee", 17), ("", 2), ("fifteen-bytes-x", 4), (long, 40)] {
                assert_eq!(names.bits(name), bits, "{name}");
            }
            for other in ["coffe", "coffee ", "Coffee", "fifteen-bytes-", &long[1..]] {
                assert_eq!(names.bits(other), 0, "{other}");
            }
        }
        assert_eq!(names.bits("filler-7"), 1 << 40);
    }

    /// Past 63 distinct matches, the rest are compared the slow way and
    /// still count exactly the lines they name.
    #[test]
    fn matches_past_the_bits_still_match() {
        let rules: Vec<String> = (0..70)
            .map(|i| {
                format!(
                    r#"{{"id": "r{i}", "earn": {{"type": "points_per_unit", "points": {p},
                        "matching": {{"categories": ["c{i}"]}}}}}}"#,
                    p = i + 1
                )
            })
            .collect();
        let program = format!(
            r#"{{"name": "many", "currency": "USD", "rules": [{}]}}"#,
            rules.join(",")
        );
        let engine = crate::Engine::from_json(&program).unwrap();
        assert!(matches!(
            engine.compiled().rule(69).and_then(|r| r.matcher.as_ref()),
            Some(Matcher::Direct(_))
        ));
        let account = crate::Account::new("m");
        let line = |c: u32, q: u32| {
            format!(
                r#"{{"sku": "s{c}", "category": "c{c}", "quantity": {q}, "unit_price": "1.00"}}"#
            )
        };
        let purchase = format!(
            r#"{{"id": "p", "time": "2026-03-02T08:00:00Z", "lines": [{}, {}, {}]}}"#,
            line(0, 1),
            line(62, 2),
            line(68, 3)
        );
        let purchase: crate::event::Purchase = serde_json::from_str(&purchase).unwrap();
        let quote = engine.quote(&account, &purchase).unwrap();
        let awards: Vec<(&str, i64)> = quote.awards.iter().map(|a| (&*a.rule, a.points)).collect();
        assert_eq!(awards, [("r0", 1), ("r62", 63 * 2), ("r68", 69 * 3)]);
    }
}
