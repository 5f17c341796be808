//! What happened: the outcome of one event, and the quote of a basket.
//!
//! Every movement of points, stamps and vouchers is a [`LedgerEntry`] tied
//! to its event id; the account's balances always equal the sum of the
//! entries on each [`Asset`].

use schemars::JsonSchema;
use serde::Serialize;

use crate::account::Voucher;
use crate::decimal::Dec;
use crate::id::Id;
use crate::time::Timestamp;

/// The result of applying one event.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Outcome {
    /// The event id.
    pub event: Id,
    /// Applied, or recognised as a duplicate (and then nothing changed).
    pub status: Status,
    /// What each rule gave, for the till to explain ("coffee stamp: +2").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    /// Discount lines a redemption applies to the basket.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<Discount>,
    /// The reservation a reserve event opened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation: Option<ReservationInfo>,
    /// Vouchers issued by this event.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vouchers: Vec<Voucher>,
    /// Every movement, in the order it happened.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<LedgerEntry>,
    /// Effects for the host to deliver elsewhere (e.g. a referral to the referrer's account).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<Effect>,
    /// Notifications for the host to send (programs with `messaging`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub intents: Vec<Intent>,
    /// Intents held back by caps or quiet hours, with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<Suppressed>,
    /// Tier and progress after the event (programs with tiers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<TierInfo>,
    /// Balances after the event.
    pub balances: Balances,
}

/// Something the host should do with another account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Send a `referral` event naming `referred` to the account of `referrer`.
    Referral {
        /// The referrer's member id.
        referrer: String,
        /// The member who just qualified.
        referred: String,
    },
}

/// A notification the host should send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Intent {
    /// What it is about.
    pub kind: crate::program::IntentKind,
    /// The reward, voucher, tier or plan concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// A count that goes with it: points expiring, points or stamps missing, days away.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// A date that goes with it: expiry, review, paid end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
}

/// An intent held back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Suppressed {
    /// The intent.
    pub intent: Intent,
    /// Why: `quiet_hours`, `daily_cap`, `weekly_cap`, `kind_daily_cap` or `kind_weekly_cap`.
    pub reason: &'static str,
}

/// A member's tier and their progress.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct TierInfo {
    /// Current level; none below the first.
    // An `Id`: copied from the engine's without allocating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Id>,
    /// Qualifying value in the window now (money for spend, else a count).
    pub qualifying: Dec,
    /// The next level and what is missing to reach it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<TierProgress>,
    /// Next review, when a downgrade may happen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_evaluation: Option<Timestamp>,
    /// Whether the member currently falls short of their level (kept until `next_evaluation`).
    pub at_risk: bool,
}

/// Progress to the next tier ("$37.50 to Gold").
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct TierProgress {
    /// The next level.
    pub level: Id,
    /// What is missing.
    pub remaining: Dec,
}

/// Whether the event changed the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
// Read back only by the tests of the JSON writer.
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The event was applied.
    Applied,
    /// The same event (same id, same content) was applied before; nothing changed.
    Duplicate,
}

/// What one rule gave on a purchase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Award {
    /// Rule id.
    // An `Id`: copied from the engine's without allocating.
    pub rule: Id,
    /// Points given (0 when the rule gives stamps).
    #[serde(skip_serializing_if = "is_zero")]
    pub points: i64,
    /// Stamps given.
    #[serde(skip_serializing_if = "is_zero")]
    pub stamps: i64,
    /// Cashback given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cashback: Option<Dec>,
    /// Donation matched to the member's cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub donation: Option<Dec>,
    /// Reward of a voucher issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voucher: Option<String>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// A discount a reward applies to one basket line.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Discount {
    /// Index of the basket line.
    pub line: u32,
    /// Amount off the line; never more than the line's value.
    pub amount: Dec,
    /// Reward id.
    // An `Id`, like an award's rule id: copied without allocating.
    pub reward: Id,
}

/// A reservation opened by a reserve event.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct ReservationInfo {
    /// Its id (the reserve event id): commit or release name it.
    pub id: String,
    /// When it is released automatically.
    pub expires_at: Timestamp,
}

/// Balances after an event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Balances {
    /// Spendable points.
    pub points: i64,
    /// Pending points.
    pub pending: i64,
    /// Points held by reservations.
    pub reserved: i64,
    /// Points owed after returns.
    pub debt: i64,
    /// Stamps on the current card.
    pub stamps: i64,
    /// Vouchers held.
    pub vouchers: i64,
    /// Spendable cashback.
    pub wallet: Dec,
    /// Pending cashback.
    pub wallet_pending: Dec,
}

/// What a ledger entry moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
// Read back only by the tests of the JSON writer.
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "snake_case")]
pub enum Asset {
    /// Spendable points (`balance`).
    Points,
    /// Pending points.
    Pending,
    /// Points held by reservations.
    Reserved,
    /// Points owed.
    Debt,
    /// Stamps on the card.
    Stamps,
    /// Vouchers held.
    Vouchers,
    /// Vouchers held by reservations.
    ReservedVouchers,
    /// Spendable cashback (minor units).
    Wallet,
    /// Pending cashback (minor units).
    WalletPending,
    /// Cashback held by reservations (minor units).
    WalletReserved,
    /// Cashback owed after returns (minor units).
    WalletDebt,
    /// Donations given (minor units; the reference is the cause).
    Donations,
    /// Tier status (the amount is the new level's rank, 0 for none).
    Tier,
    /// Paid plan status (the amount is the price paid, in minor units).
    Subscription,
}

/// Why a ledger entry happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
// Read back only by the tests of the JSON writer.
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Earned by a rule (or the welcome bonus).
    Earn,
    /// Pending points became available (a pair: pending -, points +).
    Vest,
    /// Spent on a reward.
    Redeem,
    /// Held by a reservation.
    Reserve,
    /// Given back by a released or expired reservation.
    Release,
    /// Expired.
    Expire,
    /// Taken back by a return.
    Clawback,
    /// Debt repaid from new earnings.
    DebtRepaid,
    /// Debt recorded because a return took back spent points.
    DebtIncurred,
    /// A completed stamp card (stamps -, vouchers +).
    CardCompleted,
    /// Reward cost given back after a full return.
    Restore,
    /// A manual adjustment by staff.
    Adjust,
    /// A donation to a cause.
    Donate,
    /// Moved up a tier.
    TierUp,
    /// Moved down a tier after a review and its grace.
    TierDown,
    /// A plan started.
    Subscribed,
    /// A plan renewed.
    Renewed,
    /// A plan cancelled (still in force until its paid end).
    Cancelled,
    /// A plan ended (lapsed or cancelled at its end).
    Lapsed,
    /// A reward for a referral.
    Referral,
    /// A birthday reward.
    Birthday,
}

/// One movement on one asset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LedgerEntry {
    /// The event that caused it.
    // An `Id`: the outcome's copy, copied into each entry without
    // allocating.
    pub event: Id,
    /// What moved.
    pub asset: Asset,
    /// Why.
    pub kind: EntryKind,
    /// Signed amount.
    pub amount: i64,
    /// The rule, reward, voucher, purchase or reservation concerned.
    // An `Id`: copied from the engine's rule ids without allocating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<Id>,
}

/// What a basket would earn, without changing anything.
#[derive(Clone, Debug, Default, PartialEq, Serialize, JsonSchema)]
pub struct Quote {
    /// What each rule would give.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    /// Total points.
    pub points: i64,
    /// Total stamps.
    pub stamps: i64,
    /// Stamp cards the basket would complete (vouchers issued).
    pub vouchers: i64,
    /// Total cashback.
    pub cashback: Dec,
    /// Discount lines of the member's plan the till should apply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<Discount>,
}
