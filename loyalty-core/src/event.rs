//! Events: what happened to a member, as the till or app reports it.
//!
//! Every event has an `id` (for idempotency) and a `time` (RFC 3339 with an
//! offset). In JSON an event is an object tagged by `type`:
//!
//! ```
//! use loyalty_core::Event;
//! let e = Event::from_json(r#"{"type": "purchase", "id": "p1",
//!     "time": "2026-03-14T09:30:00-04:00",
//!     "lines": [{"sku": "latte", "category": "coffee", "quantity": 1, "unit_price": "4.50"}]}"#)
//!     .unwrap();
//! assert_eq!(e.id(), "p1");
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::decimal::Dec;
use crate::error::Error;
use crate::id::Id;
use crate::time::Timestamp;

/// An event's id, made with `.into()` from a `&str` or a `String`: an
/// [`Id`], so the outcome, its ledger entries, the account's memory of
/// recent events and a purchase's record hold copies that cost no
/// allocation (see [`Id`]).
pub type EventId = Id;

/// One thing that happened to a member.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The member joins the program.
    Enrol(Enrol),
    /// A paid basket.
    Purchase(Purchase),
    /// Some or all lines of an earlier purchase come back.
    Return(Return),
    /// Spend a reward at once (one-phase).
    Redeem(Redeem),
    /// Hold a reward before payment (two-phase, step one).
    Reserve(Redeem),
    /// Payment succeeded: spend what the reservation holds.
    Commit(Settle),
    /// Payment failed: give back what the reservation holds.
    Release(Settle),
    /// Nothing happened but time passed: expiry and pending points catch up.
    TimeAdvanced(TimeAdvanced),
    /// A staff member corrects a balance.
    Adjust(Adjust),
    /// The member's profile changes (tags, birthday, cause).
    UpdateProfile(UpdateProfile),
    /// The member starts a paid plan (the first period is paid).
    Subscribe(Subscribe),
    /// The member pays for the next period of their plan.
    Renew(Subscribe),
    /// The member cancels: the plan stays in force until the paid period ends.
    Cancel(Cancel),
    /// A member this member referred made a first qualifying purchase (the
    /// host forwards the referral effect of that purchase's outcome).
    Referral(Referral),
}

/// Profile changes; absent fields stay as they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProfile {
    /// Event id.
    pub id: EventId,
    /// When.
    pub time: Timestamp,
    /// New tags (segments), replacing the old ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Birthday, `MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    /// Chosen cause for donations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// Start or renew a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscribe {
    /// Event id.
    pub id: EventId,
    /// When (the payment time).
    pub time: Timestamp,
    /// Plan id.
    pub plan: String,
}

/// Cancel the plan at the end of the paid period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancel {
    /// Event id.
    pub id: EventId,
    /// When.
    pub time: Timestamp,
}

/// A referred member qualified.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    /// Event id.
    pub id: EventId,
    /// When.
    pub time: Timestamp,
    /// The referred member's id.
    pub referred: String,
}

/// The member joins the program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Enrol {
    /// Event id.
    pub id: EventId,
    /// When.
    pub time: Timestamp,
    /// The member's id in the host's system; must match the account's.
    pub member: String,
    /// Where.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Who enrolled them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    /// Channel of enrolment (`in_store`, `app`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Tags (segments).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Birthday, `MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    /// Chosen cause for donations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Id of the member who referred this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

/// A paid basket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Purchase {
    /// Event id; a later return names the purchase by it.
    pub id: EventId,
    /// When.
    pub time: Timestamp,
    /// Where.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Who served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    /// Channel (`in_store`, `app`, `online`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The basket.
    pub lines: Vec<Line>,
    /// Ids of redemptions (redeem events or committed reservations) paid on
    /// this basket, so a full return can give their cost back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redemptions: Vec<String>,
}

/// A basket line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// Product code.
    // An `Id`, as every basket line has one: reading a line allocates
    // nothing for it.
    pub sku: Id,
    /// Product category.
    // An `Id`, like the SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Id>,
    /// Free tags (e.g. `seasonal`, `vegan`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Units, 1 to 10,000.
    pub quantity: u32,
    /// Price of one unit before discounts.
    pub unit_price: Dec,
    /// Ordinary discount on the whole line (promotions, staff discount).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<Dec>,
    /// Discount on the whole line paid by a loyalty reward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward_discount: Option<Dec>,
}

/// Some or all lines of an earlier purchase come back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Return {
    /// Event id.
    pub id: EventId,
    /// When.
    pub time: Timestamp,
    /// Id of the purchase.
    pub purchase: String,
    /// Which lines and how many units; none means everything not yet returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<ReturnLine>>,
}

/// Units of one line of the original purchase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnLine {
    /// Index of the line in the original purchase (0-based).
    pub line: u32,
    /// Units returned.
    pub quantity: u32,
}

/// Spend (or reserve) a reward against a basket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Redeem {
    /// Event id; a reservation is named by it.
    pub id: EventId,
    /// When.
    pub time: Timestamp,
    /// Reward id from the catalog.
    pub reward: String,
    /// A specific voucher to spend; by default the oldest one for the reward.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher: Option<String>,
    /// For a wallet payment: how much to pay (default: all that the wallet
    /// and the basket allow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Dec>,
    /// The basket the reward applies to.
    pub basket: Vec<Line>,
}

/// Commit or release a reservation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settle {
    /// Event id.
    pub id: EventId,
    /// When.
    pub time: Timestamp,
    /// Id of the reserve event.
    pub reservation: String,
}

/// Time passes with nothing else happening.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeAdvanced {
    /// Event id.
    pub id: EventId,
    /// The new current time.
    pub time: Timestamp,
}

/// A manual correction by staff.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjust {
    /// Event id.
    pub id: EventId,
    /// When.
    pub time: Timestamp,
    /// Points to add (positive) or remove (negative).
    #[serde(default)]
    pub points: i64,
    /// Stamps to add or remove.
    #[serde(default)]
    pub stamps: i64,
    /// Who made the correction; required.
    pub staff: String,
    /// Why; required.
    pub reason: String,
}

impl Event {
    /// The event id.
    pub fn id(&self) -> &str {
        self.event_id()
    }

    /// The event's id as the outcome and the account keep it (see
    /// [`EventId`]): a copy of the event's own, which allocates nothing.
    pub(crate) fn shared_id(&self) -> Id {
        self.event_id().clone()
    }

    fn event_id(&self) -> &EventId {
        match self {
            Event::Enrol(e) => &e.id,
            Event::Purchase(e) => &e.id,
            Event::Return(e) => &e.id,
            Event::Redeem(e) | Event::Reserve(e) => &e.id,
            Event::Commit(e) | Event::Release(e) => &e.id,
            Event::TimeAdvanced(e) => &e.id,
            Event::Adjust(e) => &e.id,
            Event::UpdateProfile(e) => &e.id,
            Event::Subscribe(e) | Event::Renew(e) => &e.id,
            Event::Cancel(e) => &e.id,
            Event::Referral(e) => &e.id,
        }
    }

    /// When it happened.
    pub fn time(&self) -> Timestamp {
        match self {
            Event::Enrol(e) => e.time,
            Event::Purchase(e) => e.time,
            Event::Return(e) => e.time,
            Event::Redeem(e) | Event::Reserve(e) => e.time,
            Event::Commit(e) | Event::Release(e) => e.time,
            Event::TimeAdvanced(e) => e.time,
            Event::Adjust(e) => e.time,
            Event::UpdateProfile(e) => e.time,
            Event::Subscribe(e) | Event::Renew(e) => e.time,
            Event::Cancel(e) => e.time,
            Event::Referral(e) => e.time,
        }
    }

    /// The `type` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Enrol(_) => "enrol",
            Event::Purchase(_) => "purchase",
            Event::Return(_) => "return",
            Event::Redeem(_) => "redeem",
            Event::Reserve(_) => "reserve",
            Event::Commit(_) => "commit",
            Event::Release(_) => "release",
            Event::TimeAdvanced(_) => "time_advanced",
            Event::Adjust(_) => "adjust",
            Event::UpdateProfile(_) => "update_profile",
            Event::Subscribe(_) => "subscribe",
            Event::Renew(_) => "renew",
            Event::Cancel(_) => "cancel",
            Event::Referral(_) => "referral",
        }
    }

    /// Parse an event from JSON, strictly: unknown fields, duplicate keys
    /// and wrong types are errors that name the JSON path.
    pub fn from_json(json: &str) -> Result<Event, Error> {
        crate::json::parse_event(json)
    }
}

/// The `type` tags of [`Event`], for the first pass of parsing.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EventKind {
    Enrol,
    Purchase,
    Return,
    Redeem,
    Reserve,
    Commit,
    Release,
    TimeAdvanced,
    Adjust,
    UpdateProfile,
    Subscribe,
    Renew,
    Cancel,
    Referral,
}

impl<'de> Deserialize<'de> for Event {
    /// Events deserialize through a buffered tagged representation here;
    /// [`Event::from_json`] is faster and reports more precise paths.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let text = serde_json::to_string(&value).map_err(serde::de::Error::custom)?;
        crate::json::parse_event(&text).map_err(serde::de::Error::custom)
    }
}
