//! The program definition: what a shop configures.
//!
//! A [`Program`] is plain data read from JSON. It is checked once and turned
//! into an [`Engine`](crate::Engine), which is what events are applied with.
//! Unknown fields are errors everywhere in a program: a misspelt field must
//! never silently switch a rule off.
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
    /// Earning rules, evaluated in order on every purchase.
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
        64
    }
    pub fn one() -> u32 {
        1
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

/// When points expire. Redemption always spends the oldest points first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Expiry {
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
}

/// What a rule gives on a purchase.
///
/// Per-amount and per-unit awards belong to lines and are taken back line by
/// line on returns; per-visit awards belong to the purchase as a whole and
/// are taken back only when the whole purchase has been returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Earn {
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

/// A condition on a purchase. Compose with `all`, `any` and `not`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
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
}

/// What a reward costs the member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Cost {
    /// Spend available points.
    Points {
        /// Points; > 0.
        points: u32,
    },
    /// Spend a voucher for this reward (issued by the stamp card).
    Voucher,
}

/// What a reward gives. The engine returns discount lines against the
/// basket, never more than a line's value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Benefit {
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
    /// its last `remember` events, 1 to 1,024. An older retry is refused as
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
