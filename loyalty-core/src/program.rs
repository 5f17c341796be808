//! The program definition: what a shop configures.
//!
//! A [`Program`] is plain data read from JSON. It is checked once and turned
//! into an [`Engine`](crate::Engine), which is what events are applied with.
//! Unknown fields are errors everywhere in a program: a misspelt field must
//! never silently switch a rule off.
//!
//! ## How rules combine
//! Rules run by `priority` (highest first), then in program order. Each rule
//! whose `when` holds gives its award; awards stack, except inside a `group`,
//! where only the best rule applies: the one giving the most points, then
//! the most stamps, then the most cashback, then the largest donation; on a
//! tie, the higher priority, then the earlier rule in the program. A
//! multiplier sees the points of its target rules after the groups were
//! decided. `limits.per_purchase` caps a rule's award; `limits.per_member`
//! caps how often it applies per local day, week, month or campaign.
//!
//! A minimal program, one point per dollar and a ten-stamp coffee card:
//!
//! ```
//! let program = r#"{
//!   "name": "Café",
//!   "currency": "USD",
//!   "rules": [
//!     {"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}},
//!     {"id": "coffee", "earn": {"type": "stamps_per_unit", "stamps": 1,
//!                               "matching": {"categories": ["coffee"]}}}
//!   ],
//!   "stamps": {"card_size": 10, "reward": "free_coffee"},
//!   "rewards": [{"id": "free_coffee", "cost": {"type": "voucher"},
//!                "benefit": {"type": "free_item", "matching": {"categories": ["coffee"]}}}]
//! }"#;
//! let engine = loyalty_core::Engine::from_json(program).unwrap();
//! assert_eq!(engine.program().name, "Café");
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::de::tagged_enum;
use crate::decimal::{Dec, Rounding};
use crate::time::Timestamp;

/// A loyalty program definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Program {
    /// Shown to members and staff.
    pub name: String,
    /// ISO 4217 code of the shop's currency, e.g. `USD`, `EUR`, `CAD`.
    pub currency: String,
    /// Decimals of the currency (2 for cents). Amounts with more decimals are rejected.
    #[serde(default = "defaults::minor_units")]
    pub minor_units: u32,
    /// Rounding of money shares (percent discounts): default `half_even`.
    #[serde(default = "defaults::money_rounding")]
    pub money_rounding: Rounding,
    /// How points are rounded, held, spent and expired.
    #[serde(default)]
    pub points: PointsPolicy,
    /// Categories that never count as eligible spend (gift cards, merch...).
    #[serde(default)]
    pub excluded_categories: Vec<String>,
    /// Earning rules, evaluated on every purchase by priority (highest
    /// first), then in program order.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// The stamp card, if the program has one.
    #[serde(default)]
    pub stamps: Option<StampCard>,
    /// The rewards catalog.
    #[serde(default)]
    pub rewards: Vec<Reward>,
    /// What returns take back and for how long they are accepted.
    #[serde(default)]
    pub returns: ReturnPolicy,
    /// Two-phase redemption settings.
    #[serde(default)]
    pub redemption: RedemptionPolicy,
    /// How many event ids each account remembers to detect duplicates.
    #[serde(default)]
    pub idempotency: IdempotencyPolicy,
    /// Tier levels and how members qualify for them.
    #[serde(default)]
    pub tiers: Option<Tiers>,
    /// The cashback wallet: required when a rule gives cashback.
    #[serde(default)]
    pub cashback: Option<CashbackPolicy>,
    /// Paid membership plans.
    #[serde(default)]
    pub plans: Vec<Plan>,
    /// Causes members may choose for donations; empty means any.
    #[serde(default)]
    pub causes: Vec<String>,
    /// What a referrer earns when a referred member makes a first qualifying purchase.
    #[serde(default)]
    pub referral: Option<ReferralPolicy>,
    /// A reward once a year around the member's birthday.
    #[serde(default)]
    pub birthday: Option<BirthdayPolicy>,
    /// Which notification intents outcomes carry, how often, and when not.
    #[serde(default)]
    pub messaging: Option<Messaging>,
}

/// Notification intents: what the engine tells the host to send a member.
///
/// The engine decides what to say and when; the host delivers. Frequency
/// caps count intents delivered in the member's local day and week (in the
/// offset of each event); intents that a cap or quiet hours hold back are
/// listed in the outcome as suppressed, with the reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Messaging {
    /// Kinds that are on; empty means all.
    #[serde(default)]
    pub kinds: Vec<IntentKind>,
    /// Most intents per member per local day, all kinds together.
    #[serde(default)]
    pub max_per_day: Option<u32>,
    /// Most intents per member per local week (Monday to Sunday).
    #[serde(default)]
    pub max_per_week: Option<u32>,
    /// Caps for single kinds.
    #[serde(default)]
    pub per_kind: Vec<KindCap>,
    /// No intents while the member's local time is in this window.
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
    /// Higher first when several intents compete for a cap (default 0; ties keep the order of the list of kinds).
    #[serde(default)]
    pub priorities: Vec<KindPriority>,
    /// Days before a lot expires to warn (`points_expiring`).
    #[serde(default = "defaults::seven")]
    pub expiring_days: u32,
    /// Days without a purchase before `we_miss_you`.
    #[serde(default = "defaults::thirty")]
    pub miss_you_days: u32,
    /// Days before a tier review to warn a member at risk.
    #[serde(default = "defaults::fourteen")]
    pub at_risk_days: u32,
    /// Days before a plan's paid end to remind (`renewal_due`).
    #[serde(default = "defaults::three")]
    pub renewal_days: u32,
    /// Points short of the cheapest points reward that count as "one step away".
    #[serde(default = "defaults::ten")]
    pub one_step_points: u32,
}

/// A cap on one kind of intent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindCap {
    /// The kind.
    pub kind: IntentKind,
    /// Most per local day.
    #[serde(default)]
    pub max_per_day: Option<u32>,
    /// Most per local week.
    #[serde(default)]
    pub max_per_week: Option<u32>,
}

/// The priority of one kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindPriority {
    /// The kind.
    pub kind: IntentKind,
    /// Higher is delivered first.
    pub priority: i32,
}

/// Local hours without messages, e.g. 21:00 to 08:00.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// Start, `HH:MM`.
    pub from: LocalTime,
    /// End, `HH:MM` (wraps past midnight when before `from`).
    pub to: LocalTime,
}

/// What an intent is about.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum IntentKind {
    /// A voucher was issued (a completed card, a rule, a tier, a referral).
    RewardEarned,
    /// The points balance just became enough for a reward.
    RewardAvailable,
    /// One stamp, or a few points, from the next reward.
    OneStepAway,
    /// The member moved up a tier.
    TierUp,
    /// The member is below their tier and a review is near.
    TierAtRisk,
    /// Points expire soon.
    PointsExpiring,
    /// No purchase for a while.
    WeMissYou,
    /// A birthday voucher was issued.
    Birthday,
    /// A paid plan ends soon and is not cancelled.
    RenewalDue,
    /// A paid plan ended.
    SubscriptionLapsed,
}

mod defaults {
    use crate::decimal::Rounding;
    pub fn minor_units() -> u32 {
        2
    }
    pub fn money_rounding() -> Rounding {
        Rounding::HalfEven
    }
    pub fn return_window() -> u32 {
        30
    }
    pub fn yes() -> bool {
        true
    }
    pub fn reservation_minutes() -> u32 {
        15
    }
    pub fn remember() -> u32 {
        16
    }
    pub fn one() -> u32 {
        1
    }
    pub fn three() -> u32 {
        3
    }
    pub fn seven() -> u32 {
        7
    }
    pub fn ten() -> u32 {
        10
    }
    pub fn fourteen() -> u32 {
        14
    }
    pub fn thirty() -> u32 {
        30
    }
}

/// How points are rounded, held, spent and expired.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PointsPolicy {
    /// Rounding of fractional points: applied once to each rule's total for
    /// a purchase (never line by line), and to shares taken back by returns.
    #[serde(default)]
    pub rounding: Rounding,
    /// Whether reward discounts on a line reduce the spend that earns points.
    #[serde(default)]
    pub earn_on: EarnBase,
    /// Days earned points stay pending before they can be spent (0: at once).
    #[serde(default)]
    pub pending_days: u32,
    /// When points expire; none means never.
    #[serde(default)]
    pub expiry: Option<Expiry>,
    /// Points given once, when the member enrols.
    #[serde(default)]
    pub welcome_points: u32,
}

/// Which amount earns points when a line carries a reward discount.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EarnBase {
    /// Points are earned on what the member paid: ordinary and reward
    /// discounts both reduce eligible spend. The default: a free coffee
    /// earns nothing.
    #[default]
    AfterRewardDiscounts,
    /// Reward discounts do not reduce eligible spend (ordinary discounts still do).
    BeforeRewardDiscounts,
}

tagged_enum! {
    /// When points expire. Redemption always spends the oldest points first.
    #[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub enum Expiry reads as ExpiryDe("Expiry") {
        /// Each earning expires `days` days (of 24 hours) after it was earned, at that exact instant.
        Rolling {
            /// Lifetime of a lot in days.
            days: u32,
        },
        /// All points expire after `days` days without a purchase or redemption.
        Inactivity {
            /// Days of inactivity.
            days: u32,
        },
        /// Points earned before `at` expire at `at`; points earned later do not expire.
        FixedDate {
            /// The expiry instant.
            at: Timestamp,
        },
    }
}

/// "When CONDITION, EARN": one earning rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique id; outcomes name it so a till can explain each line of earning.
    pub id: String,
    /// The rule applies only when this holds; none means always.
    #[serde(default)]
    pub when: Option<Condition>,
    /// What the rule gives.
    pub earn: Earn,
    /// Rules run by priority, highest first; equal priorities keep program order.
    #[serde(default)]
    pub priority: i32,
    /// Rules sharing a group are exclusive: only the best applies (see
    /// [`crate::program`] for how "best" and ties are decided).
    #[serde(default)]
    pub group: Option<String>,
    /// Caps on what the rule gives.
    #[serde(default)]
    pub limits: Option<RuleLimits>,
}

/// Caps on a rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleLimits {
    /// Most points (or stamps) the rule gives on one purchase.
    #[serde(default)]
    pub per_purchase: Option<u32>,
    /// Most times the rule applies to one member in a period.
    #[serde(default)]
    pub per_member: Option<PeriodLimit>,
}

/// "At most `times` per `per`".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodLimit {
    /// How many times.
    pub times: u32,
    /// In which period.
    pub per: Period,
}

/// A calendar period in the member's local time (the offset of each event).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// A local calendar day.
    Day,
    /// A week from Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// The whole life of the rule.
    Campaign,
}

tagged_enum! {
    /// What a rule gives on a purchase.
    ///
    /// Per-amount and per-unit awards belong to lines and are taken back line by
    /// line on returns; per-visit awards belong to the purchase as a whole and
    /// are taken back only when the whole purchase has been returned.
    #[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub enum Earn reads as EarnDe("Earn") {
        /// `rate` points per currency unit of eligible spend, rounded once on the
        /// rule's total with the program's rounding (`"1"`: a point per dollar;
        /// `"0.2"`: a point per five dollars).
        PointsPerAmount {
            /// Points per currency unit; > 0.
            rate: Dec,
            /// Count only the matching eligible lines; none means all eligible lines.
            #[serde(default)]
            matching: Option<Match>,
        },
        /// `points` for each unit of the matching lines.
        PointsPerUnit {
            /// Points per unit; > 0.
            points: u32,
            /// Which lines.
            matching: Match,
        },
        /// `points` once per purchase: a visit bonus, or with `when` a fixed bonus
        /// ("50 points on baskets of $25 or more").
        PointsPerVisit {
            /// Points per purchase; > 0.
            points: u32,
        },
        /// `stamps` for each unit of the matching lines.
        StampsPerUnit {
            /// Stamps per unit; > 0.
            stamps: u32,
            /// Which lines.
            matching: Match,
        },
        /// `stamps` once per purchase; with `when: subtotal_at_least` a visit
        /// above a minimum amount.
        StampsPerVisit {
            /// Stamps per purchase; > 0.
            stamps: u32,
        },
        /// Multiply the points the listed rules gave on this purchase by
        /// `factor`; the award is the extra points. The listed rules must run
        /// before this one (higher priority, or earlier at equal priority).
        PointsMultiplier {
            /// Factor, > 1 for a bonus (e.g. `"2"`).
            factor: Dec,
            /// Rule ids.
            rules: Vec<String>,
        },
        /// Multiply the points of the listed rules by the member's tier multiplier.
        TierMultiplier {
            /// Rule ids.
            rules: Vec<String>,
        },
        /// `percent` of the eligible (matching) spend into the cashback wallet,
        /// rounded down to the cent; `by_tier` overrides the rate per tier.
        CashbackPercent {
            /// Percent of spend.
            percent: Dec,
            /// Only these lines; none means all eligible lines.
            #[serde(default)]
            matching: Option<Match>,
            /// Rate per tier id.
            #[serde(default)]
            by_tier: std::collections::BTreeMap<String, Dec>,
        },
        /// `amount` for every full `every` of eligible spend ("$1 per $20").
        CashbackStep {
            /// Spend step.
            every: Dec,
            /// Cashback per step.
            amount: Dec,
        },
        /// Issue a voucher for a reward (whose cost must be a voucher).
        IssueReward {
            /// Reward id.
            reward: String,
        },
        /// The shop rounds the eligible subtotal up to the next multiple of
        /// `to` and gives the difference to the member's chosen cause (nothing
        /// when the member has none, or when the subtotal is already round).
        DonationRoundUp {
            /// The rounding step, e.g. `"1.00"`.
            to: Dec,
        },
        /// The shop gives `percent` of eligible spend to the member's chosen
        /// cause (nothing when the member has none), rounded down to the cent.
        DonationMatch {
            /// Percent of spend.
            percent: Dec,
        },
    }
}

/// Which basket lines something applies to: a line matches when its SKU, its
/// category or one of its tags is listed. At least one list must be non-empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// SKUs.
    #[serde(default)]
    pub skus: Vec<String>,
    /// Categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
}

tagged_enum! {
    /// A condition on a purchase. Compose with `all`, `any` and `not`.
    #[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub enum Condition reads as ConditionDe("Condition") {
        /// Every condition holds (true when empty).
        All {
            /// The conditions.
            of: Vec<Condition>,
        },
        /// At least one condition holds (false when empty).
        Any {
            /// The conditions.
            of: Vec<Condition>,
        },
        /// The condition does not hold.
        Not {
            /// The negated condition.
            condition: Box<Condition>,
        },
        /// Eligible spend is at least `amount`.
        SubtotalAtLeast {
            /// The threshold.
            amount: Dec,
        },
        /// The basket holds at least `min_quantity` units of matching lines.
        Contains {
            /// Which lines.
            matching: Match,
            /// Units needed (default 1).
            #[serde(default = "defaults::one")]
            min_quantity: u32,
        },
        /// The event's local time (in its own offset) is on one of `days`
        /// (all days when empty) and within `from` (included) to `to` (excluded);
        /// `from` after `to` wraps past midnight.
        TimeWindow {
            /// Days of the week.
            #[serde(default)]
            days: Vec<Weekday>,
            /// Start, `HH:MM`.
            from: LocalTime,
            /// End, `HH:MM` (`24:00` for midnight).
            to: LocalTime,
        },
        /// The event's instant is within `from` (included) to `to` (excluded).
        DateRange {
            /// Start; none means since always.
            #[serde(default)]
            from: Option<Timestamp>,
            /// End; none means forever.
            #[serde(default)]
            to: Option<Timestamp>,
        },
        /// The member's tier (at the time of the purchase) is one of these.
        Tier {
            /// Tier ids.
            tiers: Vec<String>,
        },
        /// The member has one of these tags (segments).
        MemberTag {
            /// Tags.
            tags: Vec<String>,
        },
        /// Whole days since enrolment are within the bounds.
        EnrolledDays {
            /// At least this many days.
            #[serde(default)]
            at_least: Option<u32>,
            /// At most this many days.
            #[serde(default)]
            at_most: Option<u32>,
        },
        /// The event's local date is within the window around the member's
        /// birthday (29 February counts as 28 February in other years).
        BirthdayWindow {
            /// Days before the birthday.
            #[serde(default)]
            days_before: u32,
            /// Days after the birthday.
            #[serde(default)]
            days_after: u32,
        },
        /// This purchase is the member's `n`th (1 for the first); with `repeat`,
        /// every `n`th.
        NthVisit {
            /// Which visit.
            n: u32,
            /// Every `n`th rather than only the `n`th.
            #[serde(default)]
            repeat: bool,
        },
        /// The member has a subscription in force (one of `plans`, or any when empty).
        SubscriptionActive {
            /// Plan ids.
            #[serde(default)]
            plans: Vec<String>,
        },
        /// The purchase happened at one of these locations.
        Location {
            /// Location ids.
            locations: Vec<String>,
        },
        /// The purchase came through one of these channels (`in_store`, `app`...).
        Channel {
            /// Channel names.
            channels: Vec<String>,
        },
    }
}

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

/// A local time of day, `HH:MM`, from `00:00` to `24:00`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema)]
#[schemars(with = "String")]
pub struct LocalTime(pub u16);

impl LocalTime {
    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl Serialize for LocalTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:02}:{:02}", self.0 / 60, self.0 % 60))
    }
}

impl<'de> Deserialize<'de> for LocalTime {
    /// Checked inside the visitor, so that serde_json places an error at the
    /// value (and the error's JSON path ends with the field).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = LocalTime;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<LocalTime, E> {
                let bad = || {
                    E::custom(format!(
                        "`{}` is not a time of day `HH:MM` from 00:00 to 24:00",
                        crate::error::clip(text)
                    ))
                };
                let (h, m) = text.split_once(':').ok_or_else(bad)?;
                if h.len() != 2
                    || m.len() != 2
                    || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
                {
                    return Err(bad());
                }
                let (h, m): (u16, u16) =
                    (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
                if m > 59 || h > 24 || (h == 24 && m != 0) {
                    return Err(bad());
                }
                Ok(LocalTime(h * 60 + m))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// Tier levels and how members qualify.
///
/// Members move up as soon as their qualifying value crosses a level's
/// threshold. They move down only at a review: every `review_days` after
/// reaching their level (rolling windows), on 1 January (calendar year), never
/// (lifetime); a member below their level at a review keeps it for
/// `grace_days` more and is then placed at the level they qualify for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tiers {
    /// What qualifies: spend (eligible spend net of returns), visits or points earned.
    pub qualify_on: Qualifier,
    /// Over which window.
    pub window: TierWindow,
    /// Levels, lowest first, with increasing thresholds.
    pub levels: Vec<TierLevel>,
    /// Days between reviews for rolling windows (default: the window's days).
    #[serde(default)]
    pub review_days: Option<u32>,
    /// Days a member keeps a level after failing a review.
    #[serde(default)]
    pub grace_days: u32,
}

/// What counts toward a tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// Eligible spend, net of returns.
    Spend,
    /// Purchases (a fully returned purchase no longer counts).
    Visits,
    /// Points earned by rules, net of returns.
    Points,
}

tagged_enum! {
    /// The window qualifying values are counted over.
    #[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub enum TierWindow reads as TierWindowDe("TierWindow") {
        /// The last `days` days (UTC days), counted in buckets of `bucket_days`
        /// (default: a twelfth of the window, at least 1). A bucket counts for
        /// `days` days from its first day, so with one-day buckets the window is
        /// exact and with wider ones a purchase may leave up to `bucket_days - 1`
        /// days early; in exchange an account keeps at most `days / bucket_days + 1`
        /// buckets whatever its history.
        Rolling {
            /// Window length.
            days: u32,
            /// Bucket width.
            #[serde(default)]
            bucket_days: Option<u32>,
        },
        /// The current calendar year (in the offset of each event).
        CalendarYear,
        /// Since enrolment; levels are never lost.
        Lifetime,
    }
}

/// One tier level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierLevel {
    /// Unique id (also usable as a display name).
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Qualifying value needed (money for spend, a count otherwise).
    pub threshold: Dec,
    /// Earning multiplier used by `tier_multiplier` rules (default 1).
    #[serde(default)]
    pub multiplier: Option<Dec>,
    /// Voucher issued when a member reaches the level (a free item perk).
    #[serde(default)]
    pub reward: Option<String>,
}

/// The cashback wallet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CashbackPolicy {
    /// Days cashback stays pending (returns possible) before it can be spent.
    #[serde(default)]
    pub pending_days: u32,
    /// Most cashback one purchase earns.
    #[serde(default)]
    pub max_per_purchase: Option<Dec>,
    /// Most cashback a member earns per period.
    #[serde(default)]
    pub max_per_period: Option<MoneyPerPeriod>,
}

/// An amount per period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyPerPeriod {
    /// The amount.
    pub amount: Dec,
    /// The period.
    pub per: Period,
}

/// A paid membership plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Unique id.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Price of one period.
    pub price: Dec,
    /// Length of a period in days.
    pub period_days: u32,
    /// Days after the period's end during which a renewal still continues
    /// the membership (perks stay on); then it lapses.
    #[serde(default)]
    pub grace_days: u32,
    /// A discount members get on matching lines (returned by quotes).
    #[serde(default)]
    pub discount: Option<PlanDiscount>,
}

/// A plan's standing discount.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDiscount {
    /// Percent off, > 0 and <= 100.
    pub percent: Dec,
    /// Which lines.
    pub matching: Match,
}

/// What a referrer earns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralPolicy {
    /// Smallest eligible subtotal of the referred member's first purchase that qualifies.
    #[serde(default)]
    pub min_subtotal: Option<Dec>,
    /// Points for the referrer.
    #[serde(default)]
    pub points: u32,
    /// Voucher for the referrer.
    #[serde(default)]
    pub reward: Option<String>,
}

/// A yearly birthday reward.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BirthdayPolicy {
    /// Reward of the voucher issued (its cost must be a voucher).
    pub reward: String,
    /// The voucher is issued by the first event from this many days before the birthday...
    #[serde(default)]
    pub days_before: u32,
    /// ...to this many days after it; it expires at the window's end.
    #[serde(default)]
    pub days_after: u32,
}

/// The stamp card: every `card_size` stamps issue a voucher for `reward`.
/// Extra stamps carry over to the next card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StampCard {
    /// Stamps per card, 2 to 1,000.
    pub card_size: u32,
    /// Reward the voucher is for; its cost must be `voucher`.
    pub reward: String,
    /// Days a voucher stays valid; none means it never expires.
    #[serde(default)]
    pub voucher_days: Option<u32>,
}

/// A reward in the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reward {
    /// Unique id.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// What it costs.
    pub cost: Cost,
    /// What it gives against a basket.
    pub benefit: Benefit,
    /// Only members of these tiers may redeem it; empty means everyone.
    #[serde(default)]
    pub tiers: Vec<String>,
}

tagged_enum! {
    /// What a reward costs the member.
    #[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub enum Cost reads as CostDe("Cost") {
        /// Spend available points.
        Points {
            /// Points; > 0.
            points: u32,
        },
        /// Spend a voucher for this reward (issued by the stamp card, a rule,
        /// a tier or the birthday policy).
        Voucher,
        /// Spend the cashback wallet (with a `wallet_payment` benefit).
        Wallet,
        /// Use a plan's allowance: `units` per `per` while the plan is in force.
        Allowance {
            /// Plan id.
            plan: String,
            /// Units per period.
            units: u32,
            /// The period: a local day or week, or the plan's paid period.
            per: AllowancePeriod,
        },
    }
}

/// The period an allowance resets on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AllowancePeriod {
    /// A local calendar day.
    Day,
    /// A local week, Monday to Sunday.
    Week,
    /// The plan's current paid period.
    Period,
}

tagged_enum! {
    /// What a reward gives. The engine returns discount lines against the
    /// basket, never more than a line's value.
    #[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    pub enum Benefit reads as BenefitDe("Benefit") {
        /// One matching unit free: the dearest matching unit in the basket, up to `max_value`.
        FreeItem {
            /// Which items.
            matching: Match,
            /// Most the free item may be worth.
            #[serde(default)]
            max_value: Option<Dec>,
        },
        /// A fixed amount off the eligible lines, shared in proportion to their value.
        FixedDiscount {
            /// Amount off; > 0.
            amount: Dec,
        },
        /// A percentage off the eligible (and matching) lines, rounded once with
        /// `money_rounding`, optionally capped.
        PercentDiscount {
            /// Percent, > 0 and <= 100.
            percent: Dec,
            /// Only these lines; none means all eligible lines.
            #[serde(default)]
            matching: Option<Match>,
            /// Largest discount.
            #[serde(default)]
            cap: Option<Dec>,
        },
        /// Pay part or all of the eligible basket from the cashback wallet: the
        /// redeem event's `amount`, or by default as much as the wallet and
        /// basket allow.
        WalletPayment,
        /// Give `amount` to the member's chosen cause (no basket needed).
        Donation {
            /// Amount given.
            amount: Dec,
        },
    }
}

/// What returns take back and for how long they are accepted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnPolicy {
    /// Days after a purchase during which it can be returned. The account
    /// keeps what a return needs only this long.
    #[serde(default = "defaults::return_window")]
    pub window_days: u32,
    /// What to do when points to take back were already spent.
    #[serde(default)]
    pub shortfall: Shortfall,
    /// On a full return, give back the cost of rewards redeemed on that
    /// purchase (listed in the purchase's `redemptions`).
    #[serde(default = "defaults::yes")]
    pub restore_rewards: bool,
}

impl Default for ReturnPolicy {
    fn default() -> Self {
        ReturnPolicy {
            window_days: defaults::return_window(),
            shortfall: Shortfall::default(),
            restore_rewards: true,
        }
    }
}

/// What happens when a return takes back points the member already spent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Shortfall {
    /// The missing points become a debt, paid from future earnings before
    /// they reach the balance. The balance never goes below zero.
    #[default]
    Debt,
    /// The balance goes below zero; future earnings fill it first.
    NegativeBalance,
}

/// Two-phase redemption settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RedemptionPolicy {
    /// Minutes a reservation holds points or a voucher before it is released
    /// automatically (at the first event at or after that instant).
    #[serde(default = "defaults::reservation_minutes")]
    pub reservation_minutes: u32,
}

impl Default for RedemptionPolicy {
    fn default() -> Self {
        RedemptionPolicy {
            reservation_minutes: defaults::reservation_minutes(),
        }
    }
}

/// Duplicate detection memory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdempotencyPolicy {
    /// The account remembers the ids (and a 64-bit digest of the content) of
    /// its last `remember` events, 1 to 1,024 (default 16: tills retry the
    /// last events, not old ones). An older retry is refused as
    /// out of order instead of being reported as a duplicate.
    #[serde(default = "defaults::remember")]
    pub remember: u32,
}

impl Default for IdempotencyPolicy {
    fn default() -> Self {
        IdempotencyPolicy {
            remember: defaults::remember(),
        }
    }
}
