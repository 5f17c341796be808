//! One member's state: compact aggregates, never the whole history.
//!
//! The host stores the account (as JSON, or as this struct) and passes it
//! back with the next event. Everything here is bounded: points are kept as
//! lots (merged when they share an expiry), purchases only while they can be
//! returned, event ids only for the idempotency window. The cost of applying
//! an event therefore does not grow with the member's history.

use std::collections::VecDeque;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::id::Id;
use crate::time::Timestamp;

mod compact;

/// One member's loyalty state.
///
/// As JSON, the account is compact (a typical member's account is under
/// 1 KB): its lots, purchases, purchase lines, tier buckets and remembered
/// events are positional arrays, and the times in its lots and purchases
/// may be whole seconds after `last_event_at` (which then comes first).
///
/// ```
/// let account = loyalty_core::Account::new("m-42");
/// assert_eq!(account.points.balance, 0);
/// assert!(account.enrolled_at.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The member's id in the host's system.
    // An `Id`: copying the account, as every `Engine::apply` does,
    // allocates nothing for it.
    pub member: Id,
    /// When the member enrolled; none until the enrol event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolled_at: Option<Timestamp>,
    /// Time of the last applied event; older events are refused. The times
    /// in `points.lots`, `wallet.lots` and `purchases` may be written as
    /// whole seconds after it, so it is written before them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_event_at: Option<Timestamp>,
    /// Time of the last purchase or redemption (inactivity expiry counts
    /// from it). Left out when equal to `last_event_at`; `null` when there is
    /// none although there is a `last_event_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activity_at: Option<Timestamp>,
    /// Profile facts rules may test: tags, birthday, cause, referrer.
    #[serde(default, skip_serializing_if = "Profile::is_empty")]
    pub profile: Profile,
    /// Purchases made (for `nth_visit` conditions).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub visits: u64,
    /// Points balances and lots.
    #[serde(default)]
    pub points: Points,
    /// The cashback wallet, in minor currency units (cents).
    #[serde(default, skip_serializing_if = "Points::is_empty")]
    pub wallet: Points,
    /// The stamp card.
    #[serde(default)]
    pub stamps: Stamps,
    /// Unspent vouchers, soonest to expire first (vouchers that never
    /// expire last, ties oldest first). The engine keeps them in that order
    /// and relies on it: the vouchers that expire are always the first
    /// ones, so expiry looks at those, not at every voucher a regular holds.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub vouchers: VecDeque<Voucher>,
    /// Open reservations, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reservations: Vec<Reservation>,
    /// Redemptions still inside the return window, not yet tied to a purchase.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub redemptions: VecDeque<Redemption>,
    /// Purchases still inside the return window.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub purchases: VecDeque<PurchaseRecord>,
    /// Tier level and qualifying aggregates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<TierState>,
    /// Counters behind per-period limits (rule limits, cashback caps, allowances).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<Usage>,
    /// The paid plan, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<Subscription>,
    /// Donations given to causes, per cause, in minor units.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub donations: Vec<CauseTotal>,
    /// Year of the last birthday reward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday_year: Option<i32>,
    /// Whether this member's first qualifying purchase already produced its referral effect.
    #[serde(default, skip_serializing_if = "is_false")]
    pub referral_done: bool,
    /// Members this member referred who earned them a reward (each at most once).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referrals: Vec<String>,
    /// What messaging needs to enforce caps and say things once.
    #[serde(default, skip_serializing_if = "MessagingState::is_empty")]
    pub messaging: MessagingState,
    /// The last events, newest last (idempotency), each as `"ID DIGEST"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent_events: Vec<SeenEvent>,
}

/// Messaging memory: intents delivered this week, and what was already said.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessagingState {
    /// Intents delivered in the current local week (for caps), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sent: Vec<SentIntent>,
    /// Lots expiring up to this instant were already announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiring_until: Option<Timestamp>,
    /// `we_miss_you` was said for the absence that began at this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missed_since: Option<Timestamp>,
    /// `tier_at_risk` was said for the review at this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_review: Option<Timestamp>,
    /// `renewal_due` was said for the paid end at this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_for: Option<Timestamp>,
}

impl MessagingState {
    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        *self == MessagingState::default()
    }
}

/// An intent delivered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SentIntent {
    /// Its kind.
    pub kind: crate::program::IntentKind,
    /// When.
    pub at: Timestamp,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_zero_i64(n: &i64) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Facts about the member that rules may test.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Tags (segments).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Birthday, `MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    /// Chosen cause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Who referred the member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

impl Profile {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
            && self.birthday.is_none()
            && self.cause.is_none()
            && self.referrer.is_none()
    }
}

/// The member's tier and what qualifies them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierState {
    /// Current level id; none below the first threshold.
    // An `Id`: copying the account allocates nothing for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Id>,
    /// When the current level was reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Timestamp>,
    /// Next review (downgrades happen only at reviews).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_at: Option<Timestamp>,
    /// Set after a failed review: the level is kept until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_until: Option<Timestamp>,
    /// Qualifying value per bucket (minor units for spend), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<Bucket>,
}

/// The qualifying value gathered in one bucket of the tier window.
///
/// In JSON, a positional array (see its JSON Schema).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    /// Bucket key: day index divided by the bucket width (rolling), the
    /// year (calendar year) or 0 (lifetime).
    pub key: i64,
    /// Qualifying value.
    pub value: i64,
}

/// A usage counter for one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    /// What is counted: `rule:ID`, `cashback` or `allowance:REWARD`.
    pub key: String,
    /// The period it counts in.
    pub period: i64,
    /// Amount used (times, minor units or units).
    pub used: i64,
}

/// A paid plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// Plan id.
    pub plan: String,
    /// When the current membership started.
    pub started_at: Timestamp,
    /// Start of the current paid period.
    pub period_start: Timestamp,
    /// End of the paid time: perks stop then (or after the plan's grace).
    pub paid_until: Timestamp,
    /// Cancelled: it will not be renewed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cancelled: bool,
}

/// Donations to one cause.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CauseTotal {
    /// The cause.
    pub cause: String,
    /// Total given, in minor units.
    pub amount: i64,
}

impl Account {
    /// A new, not yet enrolled account for `member`.
    pub fn new(member: impl Into<Id>) -> Account {
        Account {
            member: member.into(),
            ..Account::default()
        }
    }

    /// Empties the account back to [`Account::default()`], keeping the
    /// room its lists have grown.
    ///
    /// A back office replaying many members one after the other can
    /// replay each from one account cleared in between: the next member's
    /// events then fill lists that already have room (lots, purchases,
    /// vouchers, remembered events) rather than growing each of them from
    /// nothing, a reallocation every time one doubles. Read or store the
    /// member's final state first: clearing it is not undone.
    ///
    /// ```
    /// use loyalty_core::{Account, Engine, Event};
    ///
    /// let engine = Engine::from_json(r#"{"name": "Points", "currency": "USD",
    ///     "rules": [{"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}}]}"#)?;
    /// let enrol = Event::from_json(r#"{"type": "enrol", "id": "e-1", "member": "m-1",
    ///     "time": "2026-03-02T08:00:00-05:00"}"#)?;
    /// let buy = Event::from_json(r#"{"type": "purchase", "id": "p-1",
    ///     "time": "2026-03-02T09:00:00-05:00",
    ///     "lines": [{"sku": "latte", "unit_price": "4.50", "quantity": 2}]}"#)?;
    /// // One account for every member replayed: the first one...
    /// let mut account = Account::new("m-1");
    /// engine.apply_in_place(&mut account, &enrol)?;
    /// engine.apply_in_place(&mut account, &buy)?;
    /// assert_eq!(account.points.balance, 9);
    ///
    /// // ...stored, then cleared for the next.
    /// account.clear();
    /// assert_eq!(account, Account::default());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clear(&mut self) {
        // Every field is named: a new one cannot be forgotten here.
        let Account {
            member,
            enrolled_at,
            last_event_at,
            last_activity_at,
            profile,
            visits,
            points,
            wallet,
            stamps,
            vouchers,
            reservations,
            redemptions,
            purchases,
            tier,
            usage,
            subscription,
            donations,
            birthday_year,
            referral_done,
            referrals,
            messaging,
            recent_events,
        } = self;
        *member = Id::default();
        *enrolled_at = None;
        *last_event_at = None;
        *last_activity_at = None;
        *profile = Profile::default();
        *visits = 0;
        points.clear();
        wallet.clear();
        *stamps = Stamps::default();
        vouchers.clear();
        reservations.clear();
        redemptions.clear();
        purchases.clear();
        *tier = None;
        usage.clear();
        *subscription = None;
        donations.clear();
        *birthday_year = None;
        *referral_done = false;
        referrals.clear();
        *messaging = MessagingState::default();
        recent_events.clear();
    }

    /// A copy with room for a few more elements in the lists events append
    /// to, for `Engine::apply`: a derived `clone()` leaves none, so the
    /// event's first push would move the whole list to a bigger buffer.
    pub(crate) fn copy_with_room(&self) -> Account {
        // Every field is named: a new one cannot be forgotten here.
        let Account {
            member,
            enrolled_at,
            last_event_at,
            last_activity_at,
            profile,
            visits,
            points,
            wallet,
            stamps,
            vouchers,
            reservations,
            redemptions,
            purchases,
            tier,
            usage,
            subscription,
            donations,
            birthday_year,
            referral_done,
            referrals,
            messaging,
            recent_events,
        } = self;
        Account {
            member: member.clone(),
            enrolled_at: *enrolled_at,
            last_event_at: *last_event_at,
            last_activity_at: *last_activity_at,
            profile: if profile.is_empty() {
                Profile::default()
            } else {
                profile.clone()
            },
            visits: *visits,
            points: points.copy_with_room(),
            wallet: wallet.copy_with_room(),
            stamps: stamps.clone(),
            vouchers: with_room(vouchers),
            reservations: copy(reservations),
            redemptions: with_room(redemptions),
            purchases: with_room(purchases),
            tier: tier.as_ref().map(TierState::copy_with_room),
            usage: copy(usage),
            subscription: subscription.clone(),
            donations: copy(donations),
            birthday_year: *birthday_year,
            referral_done: *referral_done,
            referrals: copy(referrals),
            messaging: MessagingState {
                sent: copy(&messaging.sent),
                ..*messaging
            },
            recent_events: {
                let mut v = Vec::with_capacity(recent_events.len() + ROOM);
                v.extend(recent_events.iter().cloned());
                v
            },
        }
    }
}

/// What an event applied in place may change outside the long lists,
/// saved to put back if the event fails: every field of the account but
/// the long lists (points and wallet lots, vouchers, redemptions,
/// purchases, tier buckets, recent events), which are journaled instead,
/// and, unless the event can change them, the member's id and profile.
///
/// Its own type rather than an [`Account`] with empty lists: making and
/// dropping seven empty lists was a third of the cost of saving.
#[derive(Debug)]
pub(crate) struct Saved {
    enrolled_at: Option<Timestamp>,
    last_event_at: Option<Timestamp>,
    last_activity_at: Option<Timestamp>,
    visits: u64,
    points: [i64; 4],
    wallet: [i64; 4],
    stamps: Stamps,
    /// The tier state but its buckets.
    tier: Option<SavedTier>,
    birthday_year: Option<i32>,
    referral_done: bool,
    /// The rest, when any of it is set (see [`Rest`]).
    rest: Option<Box<Rest>>,
}

/// The fields of [`Saved`] that most accounts leave empty: kept apart,
/// and only when one is set, so that saving the others is a few words
/// (saving them all was a copy of six hundred bytes and the drop of seven
/// lists, for every event of every member).
#[derive(Debug, Default)]
struct Rest {
    identity: Option<(Id, Profile)>,
    reservations: Vec<Reservation>,
    usage: Vec<Usage>,
    subscription: Option<Subscription>,
    donations: Vec<CauseTotal>,
    referrals: Vec<String>,
    messaging: MessagingState,
}

#[derive(Debug)]
struct SavedTier {
    level: Option<Id>,
    since: Option<Timestamp>,
    review_at: Option<Timestamp>,
    grace_until: Option<Timestamp>,
}

impl Points {
    fn saved(&self) -> [i64; 4] {
        [self.balance, self.pending, self.reserved, self.debt]
    }

    fn put_back(&mut self, [balance, pending, reserved, debt]: [i64; 4]) {
        self.balance = balance;
        self.pending = pending;
        self.reserved = reserved;
        self.debt = debt;
    }
}

impl Saved {
    /// Save `acc` (its id and profile too when `identity`).
    pub(crate) fn of(acc: &Account, identity: bool) -> Saved {
        // Every field is named: a new one cannot be forgotten here.
        let Account {
            member,
            enrolled_at,
            last_event_at,
            last_activity_at,
            profile,
            visits,
            points,
            wallet,
            stamps,
            vouchers: _,
            reservations,
            redemptions: _,
            purchases: _,
            tier,
            usage,
            subscription,
            donations,
            birthday_year,
            referral_done,
            referrals,
            messaging,
            recent_events: _,
        } = acc;
        let rest = (identity
            || !reservations.is_empty()
            || !usage.is_empty()
            || subscription.is_some()
            || !donations.is_empty()
            || !referrals.is_empty()
            || !messaging.is_empty())
        .then(|| {
            Box::new(Rest {
                identity: identity.then(|| (member.clone(), profile.clone())),
                reservations: copy(reservations),
                usage: copy(usage),
                subscription: subscription.clone(),
                donations: copy(donations),
                referrals: copy(referrals),
                messaging: messaging.clone(),
            })
        });
        Saved {
            enrolled_at: *enrolled_at,
            last_event_at: *last_event_at,
            last_activity_at: *last_activity_at,
            visits: *visits,
            points: points.saved(),
            wallet: wallet.saved(),
            stamps: stamps.clone(),
            tier: tier.as_ref().map(|t| SavedTier {
                level: t.level.clone(),
                since: t.since,
                review_at: t.review_at,
                grace_until: t.grace_until,
            }),
            birthday_year: *birthday_year,
            referral_done: *referral_done,
            rest,
        }
    }

    /// Put the saved fields back into `acc`, whose long lists the caller
    /// has put back; `buckets` are the tier buckets as they were (kept
    /// only if there was a tier state before the event).
    pub(crate) fn restore(self, acc: &mut Account, buckets: Vec<Bucket>) {
        let Saved {
            enrolled_at,
            last_event_at,
            last_activity_at,
            visits,
            points,
            wallet,
            stamps,
            tier,
            birthday_year,
            referral_done,
            rest,
        } = self;
        // Without a `Rest`, each of its fields was empty and the identity
        // was not saved.
        let Rest {
            identity,
            reservations,
            usage,
            subscription,
            donations,
            referrals,
            messaging,
        } = rest.map_or_else(Rest::default, |r| *r);
        if let Some((member, profile)) = identity {
            acc.member = member;
            acc.profile = profile;
        }
        acc.enrolled_at = enrolled_at;
        acc.last_event_at = last_event_at;
        acc.last_activity_at = last_activity_at;
        acc.visits = visits;
        acc.points.put_back(points);
        acc.wallet.put_back(wallet);
        acc.stamps = stamps;
        acc.reservations = reservations;
        acc.tier = tier.map(|t| TierState {
            level: t.level,
            since: t.since,
            review_at: t.review_at,
            grace_until: t.grace_until,
            buckets,
        });
        acc.usage = usage;
        acc.subscription = subscription;
        acc.donations = donations;
        acc.birthday_year = birthday_year;
        acc.referral_done = referral_done;
        acc.referrals = referrals;
        acc.messaging = messaging;
    }
}

/// A copy of `list`: a `clone()` of an empty list still goes through the
/// allocator's setup, and most of the lists [`Rest`] keeps and
/// [`Account::copy_with_room`] copies are empty (reservations, usage,
/// donations, referrals and messages sent, in a café account: skipping
/// their clones, and an empty profile's, saved 190 of a typed apply's
/// 8,700 instructions).
#[inline]
fn copy<T: Clone>(list: &[T]) -> Vec<T> {
    if list.is_empty() {
        Vec::new()
    } else {
        list.to_vec()
    }
}

impl Voucher {
    /// Where the voucher stands in [`Account::vouchers`]: by expiry, never
    /// expiring last, then by issue.
    pub(crate) fn expiry_order(&self) -> (bool, Option<Timestamp>, Timestamp) {
        (self.expires_at.is_none(), self.expires_at, self.issued_at)
    }
}

/// Spare room [`Account::copy_with_room`] gives each list.
const ROOM: usize = 2;

fn with_room<T: Clone>(list: &VecDeque<T>) -> VecDeque<T> {
    // An empty list has nothing to move when it grows: it gets no buffer
    // until the event needs one (most lists of most accounts are empty).
    if list.is_empty() {
        return VecDeque::new();
    }
    // Slice by slice into a `Vec`, which a deque then takes over as it is
    // (room included): `extend_from_slice` is one `memcpy` for plain
    // values such as lots, where extending a deque, even from a slice,
    // went element by element (some 20 instructions a lot, and a year of
    // daily visits is a thousand lots).
    let mut copy = Vec::with_capacity(list.len() + ROOM);
    let (front, back) = list.as_slices();
    copy.extend_from_slice(front);
    copy.extend_from_slice(back);
    VecDeque::from(copy)
}

impl TierState {
    /// A copy with room for the bucket a purchase may add.
    fn copy_with_room(&self) -> TierState {
        let mut buckets = Vec::with_capacity(self.buckets.len() + 1);
        buckets.extend_from_slice(&self.buckets);
        TierState {
            level: self.level.clone(),
            buckets,
            ..*self
        }
    }
}

impl Points {
    /// Back to no points, keeping the lots' room (see [`Account::clear`]).
    fn clear(&mut self) {
        let Points {
            balance,
            pending,
            reserved,
            debt,
            lots,
        } = self;
        (*balance, *pending, *reserved, *debt) = (0, 0, 0, 0);
        lots.clear();
    }

    fn copy_with_room(&self) -> Points {
        Points {
            balance: self.balance,
            pending: self.pending,
            reserved: self.reserved,
            debt: self.debt,
            lots: with_room(&self.lots),
        }
    }
}

/// Points balances. Each balance equals the sum of the ledger entries on
/// its asset since the account was created.
#[derive(Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Points {
    /// Points that can be spent now. Below zero only under the
    /// `negative_balance` shortfall policy.
    pub balance: i64,
    /// Points earned but not yet available (pending period).
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub pending: i64,
    /// Points held by open reservations.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub reserved: i64,
    /// Points taken back by returns after they were spent, repaid from
    /// future earnings (`debt` shortfall policy).
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub debt: i64,
    /// The points behind `balance` and `pending`, oldest first, each as
    /// `[points, earned_at, expires_at, available_at]`.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub lots: VecDeque<Lot>,
}

/// Points earned together, expiring together.
///
/// In JSON, a positional array (see its JSON Schema).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lot {
    /// Points left in the lot (> 0).
    pub points: i64,
    /// When the (first) points of the lot were earned.
    pub earned_at: Timestamp,
    /// While pending: when the points become available.
    pub available_at: Option<Timestamp>,
    /// When the points expire; none means never (or by inactivity).
    pub expires_at: Option<Timestamp>,
}

impl Points {
    /// Whether nothing was ever held (used to leave an unused wallet out of JSON).
    pub fn is_empty(&self) -> bool {
        *self == Points::default()
    }
}

impl Lot {
    /// Whether the lot still waits for its pending period.
    pub fn is_pending(&self) -> bool {
        self.available_at.is_some()
    }
}

/// The stamp card.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stamps {
    /// Stamps on the current card. Below zero when a return took back stamps
    /// of a card already completed: the next stamps fill that gap first.
    pub count: i64,
    /// Cards completed so far.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cards_completed: u64,
}

/// A reward the member holds, issued by a completed stamp card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Voucher {
    /// Unique id: the issuing event id, `/`, and a number.
    pub id: Id,
    /// Reward id.
    pub reward: Id,
    /// When issued.
    pub issued_at: Timestamp,
    /// When it expires; none means never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

/// A reward held before payment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reservation {
    /// The reserve event id.
    pub id: Id,
    /// Reward id.
    pub reward: Id,
    /// When it is released automatically.
    pub expires_at: Timestamp,
    /// Points held.
    #[serde(default)]
    pub points: i64,
    /// The lots the points came from, given back as they were on release.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<Lot>,
    /// The voucher held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher: Option<Voucher>,
    /// Wallet money held (minor units).
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub wallet: i64,
    /// The wallet lots the money came from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wallet_lots: Vec<Lot>,
    /// Allowance units held, and the period they count in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowance: Option<Usage>,
}

/// A completed redemption, remembered while it can still be tied to a
/// purchase that may be returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Redemption {
    /// The redeem (or reserve) event id.
    pub id: Id,
    /// When it was completed.
    pub at: Timestamp,
    /// Reward id.
    pub reward: Id,
    /// Points spent.
    #[serde(default)]
    pub points: i64,
    /// Voucher spent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher: Option<Voucher>,
    /// Wallet money spent (minor units).
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub wallet: i64,
}

/// What a return needs to know about a recent purchase.
///
/// In JSON, a positional array (see its JSON Schema).
#[derive(Clone, Debug, PartialEq)]
pub struct PurchaseRecord {
    /// The purchase event id (an [`Id`]: copying an account allocates
    /// nothing for the ids of its purchases).
    pub id: Id,
    /// When.
    pub at: Timestamp,
    /// Per line: units, units returned, and what the line earned and gave back.
    pub lines: Vec<LineRecord>,
    /// Points earned by the purchase as a whole (per-visit rules).
    pub visit_points: i64,
    /// Stamps earned by the purchase as a whole (per-visit rules).
    pub visit_stamps: i64,
    /// Redemptions paid on this purchase.
    pub redemptions: Vec<Redemption>,
    /// Tier bucket the purchase counted in, if tiers are on.
    pub tier_bucket: Option<i64>,
    /// Cause its donations went to.
    pub cause: Option<String>,
    /// Vouchers the purchase issued through rules (revoked, if unspent, by a full return).
    pub vouchers: Vec<Id>,
}

impl PurchaseRecord {
    /// Whether every unit of every line has been returned.
    pub fn fully_returned(&self) -> bool {
        self.lines.iter().all(|l| l.returned == l.quantity)
    }
}

/// One line of a recent purchase.
///
/// In JSON, a positional array (see its JSON Schema).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineRecord {
    /// Units bought.
    pub quantity: u32,
    /// Units returned so far.
    pub returned: u32,
    /// Points the line earned.
    pub points: i64,
    /// Points already taken back.
    pub points_back: i64,
    /// Stamps the line earned.
    pub stamps: i64,
    /// Stamps already taken back.
    pub stamps_back: i64,
    /// Cashback the line earned (minor units).
    pub cashback: i64,
    /// Cashback already taken back.
    pub cashback_back: i64,
    /// Donation matched on the line (minor units).
    pub donation: i64,
    /// Donation already taken back.
    pub donation_back: i64,
    /// Qualifying tier spend of the line (minor units).
    pub spend: i64,
    /// Qualifying spend already taken back.
    pub spend_back: i64,
}

/// An event the account remembers for idempotency.
///
/// In JSON, one string: the id, a space and the digest in 16 lowercase hex
/// digits (see its JSON Schema).
#[derive(Clone, Debug, PartialEq)]
pub struct SeenEvent {
    /// Event id (an [`Id`]: copying an account copies the ids of the
    /// events it remembers without allocating).
    pub id: Id,
    /// 64-bit digest of the event's fields. A number, not its hex
    /// text: every event computes and compares one, and accounts copy and
    /// parse the sixteen or more they remember.
    pub digest: u64,
}
