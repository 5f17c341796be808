//! The compact JSON form of an account (issue 8: a typical account under 1 KB).
//!
//! The account stays a JSON object with named fields, read strictly
//! (unknown fields and duplicates are errors), but its high-volume records
//! are positional arrays and the times inside them may be written relative
//! to `last_event_at`:
//!
//! - a **time** in `points.lots`, `wallet.lots` and `purchases` is either an
//!   RFC 3339 string or an integer: whole seconds after `last_event_at`
//!   (negative before it), in `last_event_at`'s offset. Writers use the
//!   integer when it is exact (same offset, whole seconds); `last_event_at`
//!   must come before the records that use it;
//! - a **lot** is `[points, earned_at, expires_at, available_at]`, trailing
//!   absent times left out (`null` for no expiry before an `available_at`);
//! - a **purchase** is `[id, at, lines, tier_bucket, visit_points,
//!   visit_stamps, redemptions, cause, vouchers]`, trailing defaults (`null`,
//!   `0`, `[]`) left out;
//! - a **purchase line** is `[quantity, points, spend, stamps, cashback,
//!   donation, returned, points_back, spend_back, stamps_back, cashback_back,
//!   donation_back]`, trailing zeros left out;
//! - a **tier bucket** is `[key, value]`;
//! - a **remembered event** is `"ID DIGEST"` (the id, a space, 16 hex digits);
//! - `last_activity_at` is left out when it equals `last_event_at` (`null`
//!   when there is none but there is a `last_event_at`).

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{
    Account, Bucket, LineRecord, Lot, MessagingState, Points, Profile, PurchaseRecord, SeenEvent,
    Stamps,
};
use crate::id::Id;
#[cfg(not(target_arch = "wasm32"))]
use crate::text::Padded;
use crate::text::StackText;
use crate::time::Timestamp;

// ---------------------------------------------------------------- times

/// [`seconds_to`] from an optional anchor.
#[cfg(test)]
fn relative(anchor: Option<&Timestamp>, t: &Timestamp) -> Option<i64> {
    seconds_to(anchor?, t)
}

/// Seconds from `anchor` (an account's `last_event_at`, from which it
/// writes the time of every lot and purchase) to `t`, when that says
/// exactly `t`: a subtraction of Unix seconds, but next to a leap second.
fn seconds_to(anchor: &Timestamp, t: &Timestamp) -> Option<i64> {
    if anchor.offset_seconds() != t.offset_seconds() {
        return None;
    }
    // The same instant (a record made by the last event).
    if t.same_instant(anchor) {
        return Some(0);
    }
    let (an, tn) = (anchor.subsec_nanos(), t.subsec_nanos());
    if an < 1_000_000_000 && tn < 1_000_000_000 {
        return (an == tn).then(|| t.unix_seconds() - anchor.unix_seconds());
    }
    // Next to a leap second, chrono's difference and its sum do not
    // always undo each other: a time kept as seconds must read back as
    // itself, or it is written whole.
    let diff = t.as_datetime().signed_duration_since(anchor.as_datetime());
    let seconds = (diff.subsec_nanos() == 0).then(|| diff.num_seconds())?;
    (anchor.checked_plus_seconds(seconds) == Some(*t)).then_some(seconds)
}

fn resolve<E: de::Error>(anchor: Option<&Timestamp>, seconds: i64) -> Result<Timestamp, E> {
    let Some(anchor) = anchor else {
        return Err(E::custom(format!(
            "`{seconds}`: a time written as seconds needs `last_event_at` before it"
        )));
    };
    anchor
        .checked_plus_seconds(seconds)
        .and_then(Timestamp::supported)
        .ok_or_else(|| {
            E::custom(format!(
                "`{seconds}` seconds after `last_event_at` is outside the supported years"
            ))
        })
}

struct TimeOut<'a> {
    t: &'a Timestamp,
    anchor: Option<&'a Timestamp>,
}

impl Serialize for TimeOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.anchor.and_then(|a| seconds_to(a, self.t)) {
            Some(n) => s.serialize_i64(n),
            None => self.t.serialize(s),
        }
    }
}

struct OptTimeOut<'a> {
    t: Option<&'a Timestamp>,
    anchor: Option<&'a Timestamp>,
}

impl Serialize for OptTimeOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.t {
            Some(t) => TimeOut {
                t,
                anchor: self.anchor,
            }
            .serialize(s),
            None => s.serialize_none(),
        }
    }
}

#[derive(Clone, Copy)]
struct TimeIn<'a>(Option<&'a Timestamp>);

impl<'de> DeserializeSeed<'de> for TimeIn<'_> {
    type Value = Timestamp;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Timestamp, D::Error> {
        d.deserialize_any(self)
    }
}

impl Visitor<'_> for TimeIn<'_> {
    type Value = Timestamp;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 timestamp with an offset, or whole seconds after `last_event_at`")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Timestamp::parse(v).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        resolve(self.0, v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        let v = i64::try_from(v).map_err(|_| E::custom(format!("`{v}` seconds is too far")))?;
        resolve(self.0, v)
    }
}

/// A time or `null`.
#[derive(Clone, Copy)]
struct OptTimeIn<'a>(Option<&'a Timestamp>);

impl<'de> DeserializeSeed<'de> for OptTimeIn<'_> {
    type Value = Option<Timestamp>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Timestamp>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptTimeIn<'_> {
    type Value = Option<Timestamp>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a time or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<Timestamp>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<Timestamp>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Timestamp>, D::Error> {
        TimeIn(self.0).deserialize(d).map(Some)
    }
}

fn time_schema() -> Schema {
    json_schema!({
        "description": "An RFC 3339 timestamp with an offset, or an integer: whole seconds after the account's `last_event_at` (negative before it), in its offset.",
        "anyOf": [
            {"type": "string", "format": "date-time"},
            {"type": "integer"}
        ]
    })
}

/// The element at `index` of a positional record, which must be there.
fn needed<T, E: de::Error>(v: Option<T>, index: usize, exp: &dyn de::Expected) -> Result<T, E> {
    v.ok_or_else(|| E::invalid_length(index, exp))
}

fn too_long<E: de::Error>(max: usize, what: &str) -> E {
    E::custom(format!("{what} has at most {max} elements"))
}

/// Refuses elements after the last known one.
fn end<'de, A: SeqAccess<'de>>(seq: &mut A, max: usize, what: &str) -> Result<(), A::Error> {
    if seq.next_element::<IgnoredAny>()?.is_some() {
        return Err(too_long(max, what));
    }
    Ok(())
}

// ---------------------------------------------------------------- lots

struct LotOut<'a> {
    lot: &'a Lot,
    anchor: Option<&'a Timestamp>,
}

impl Serialize for LotOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (lot, anchor) = (self.lot, self.anchor);
        let len = if lot.available_at.is_some() {
            4
        } else if lot.expires_at.is_some() {
            3
        } else {
            2
        };
        let mut seq = s.serialize_seq(Some(len))?;
        seq.serialize_element(&lot.points)?;
        seq.serialize_element(&TimeOut {
            t: &lot.earned_at,
            anchor,
        })?;
        if len >= 3 {
            seq.serialize_element(&OptTimeOut {
                t: lot.expires_at.as_ref(),
                anchor,
            })?;
        }
        if let Some(t) = &lot.available_at {
            seq.serialize_element(&TimeOut { t, anchor })?;
        }
        seq.end()
    }
}

#[derive(Clone, Copy)]
struct LotIn<'a>(Option<&'a Timestamp>);

impl<'de> DeserializeSeed<'de> for LotIn<'_> {
    type Value = Lot;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Lot, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for LotIn<'_> {
    type Value = Lot;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a lot: [points, earned_at, expires_at, available_at]")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lot, A::Error> {
        let points = needed(seq.next_element::<i64>()?, 0, &self)?;
        let earned_at = needed(seq.next_element_seed(TimeIn(self.0))?, 1, &self)?;
        let expires_at = seq.next_element_seed(OptTimeIn(self.0))?.flatten();
        let available_at = match seq.next_element_seed(OptTimeIn(self.0))? {
            Some(Some(t)) => Some(t),
            Some(None) => return Err(de::Error::custom("`available_at` is a time, not null")),
            None => None,
        };
        end(&mut seq, 4, "a lot")?;
        Ok(Lot {
            points,
            earned_at,
            available_at,
            expires_at,
        })
    }
}

struct LotsOut<'a> {
    lots: &'a VecDeque<Lot>,
    anchor: Option<&'a Timestamp>,
}

impl Serialize for LotsOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.lots.iter().map(|lot| LotOut {
            lot,
            anchor: self.anchor,
        }))
    }
}

/// A list of items read with a seed.
struct ListIn<T>(T);

impl<'de, T: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for ListIn<T> {
    type Value = VecDeque<T::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeSeed<'de> + Copy> Visitor<'de> for ListIn<T> {
    type Value = VecDeque<T::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = VecDeque::new();
        while let Some(item) = seq.next_element_seed(self.0)? {
            out.push_back(item);
        }
        Ok(out)
    }
}

impl Serialize for Lot {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        LotOut {
            lot: self,
            anchor: None,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Lot {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lot, D::Error> {
        LotIn(None).deserialize(d)
    }
}

impl JsonSchema for Lot {
    fn schema_name() -> Cow<'static, str> {
        "Lot".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Points earned together, expiring together: `[points, earned_at, expires_at, available_at]`. `points` (> 0) is what is left in the lot; `earned_at` is when its (first) points were earned; `expires_at` is when they expire (left out or `null`: never, or by inactivity); `available_at`, while the lot is pending, is when its points become available. Trailing absent times are left out. In the account's own lots a time may be an integer of seconds after `last_event_at`; in reservations it is RFC 3339.",
            "type": "array",
            "prefixItems": [
                {"type": "integer", "format": "int64"},
                time_schema(),
                {"anyOf": [time_schema(), {"type": "null"}]},
                time_schema()
            ],
            "minItems": 2,
            "maxItems": 4
        })
    }
}

// ---------------------------------------------------------------- points

const POINTS_FIELDS: &[&str] = &["balance", "pending", "reserved", "debt", "lots"];

struct PointsOut<'a> {
    points: &'a Points,
    anchor: Option<&'a Timestamp>,
}

impl Serialize for PointsOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.points;
        let mut st = s.serialize_struct("Points", 5)?;
        st.serialize_field("balance", &p.balance)?;
        // Each member written with its name known (see `field`), not from
        // a table of names.
        field(&mut st, "pending", p.pending == 0, &p.pending)?;
        field(&mut st, "reserved", p.reserved == 0, &p.reserved)?;
        field(&mut st, "debt", p.debt == 0, &p.debt)?;
        field(
            &mut st,
            "lots",
            p.lots.is_empty(),
            &LotsOut {
                lots: &p.lots,
                anchor: self.anchor,
            },
        )?;
        st.end()
    }
}

/// [`Points::is_empty`] field by field, rather than by comparing with a
/// default made for it (an empty wallet is tested in every account
/// written). Every field is named, so a new one must be added here.
fn unused(p: &Points) -> bool {
    let Points {
        balance,
        pending,
        reserved,
        debt,
        lots,
    } = p;
    *balance == 0 && *pending == 0 && *reserved == 0 && *debt == 0 && lots.is_empty()
}

/// A key among `fields`, as its index.
struct Key(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Key {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|k| *k == v)
            .ok_or_else(|| E::unknown_field(v, self.0))
    }
}

fn once<T, E: de::Error>(slot: &mut Option<T>, key: &'static str, v: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(key));
    }
    *slot = Some(v);
    Ok(())
}

#[derive(Clone, Copy)]
pub(super) struct PointsIn<'a>(pub(super) Option<&'a Timestamp>);

impl<'de> DeserializeSeed<'de> for PointsIn<'_> {
    type Value = Points;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Points, D::Error> {
        d.deserialize_struct("Points", POINTS_FIELDS, self)
    }
}

impl<'de> Visitor<'de> for PointsIn<'_> {
    type Value = Points;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("points: an object with `balance` and `lots`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Points, A::Error> {
        let mut balance = None;
        let mut counters: [Option<i64>; 3] = [None; 3];
        let mut lots = None;
        while let Some(k) = map.next_key_seed(Key(POINTS_FIELDS))? {
            match k {
                0 => once(&mut balance, "balance", map.next_value()?)?,
                4 => once(
                    &mut lots,
                    "lots",
                    map.next_value_seed(ListIn(LotIn(self.0)))?,
                )?,
                i => {
                    let key = POINTS_FIELDS.get(i).copied().unwrap_or("");
                    if let Some(slot) = counters.get_mut(i - 1) {
                        once(slot, key, map.next_value()?)?;
                    }
                }
            }
        }
        let [pending, reserved, debt] = counters;
        Ok(Points {
            balance: balance.ok_or_else(|| de::Error::missing_field("balance"))?,
            pending: pending.unwrap_or(0),
            reserved: reserved.unwrap_or(0),
            debt: debt.unwrap_or(0),
            lots: lots.unwrap_or_default(),
        })
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PointsOut {
            points: self,
            anchor: None,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Points, D::Error> {
        PointsIn(None).deserialize(d)
    }
}

// ---------------------------------------------------------------- lines

impl LineRecord {
    /// The fields in their positional order.
    fn numbers(&self) -> [i64; 12] {
        [
            i64::from(self.quantity),
            self.points,
            self.spend,
            self.stamps,
            self.cashback,
            self.donation,
            i64::from(self.returned),
            self.points_back,
            self.spend_back,
            self.stamps_back,
            self.cashback_back,
            self.donation_back,
        ]
    }

    /// A line from its counts of units and the other fields in their
    /// positional order (`n[5]`, where `returned` stands, is not read):
    /// what both readers of the positional form build.
    fn from_numbers(quantity: u32, returned: u32, n: [i64; 11]) -> LineRecord {
        let [points, spend, stamps, cashback, donation, _, points_back, spend_back, stamps_back, cashback_back, donation_back] =
            n;
        LineRecord {
            quantity,
            returned,
            points,
            points_back,
            stamps,
            stamps_back,
            cashback,
            cashback_back,
            donation,
            donation_back,
            spend,
            spend_back,
        }
    }
}

impl Serialize for LineRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.numbers();
        let len = n.iter().rposition(|v| *v != 0).map_or(1, |i| i + 1).max(1);
        s.collect_seq(n.iter().take(len))
    }
}

struct LineVisitor;

impl<'de> Visitor<'de> for LineVisitor {
    type Value = LineRecord;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a purchase line: [quantity, points, spend, stamps, cashback, donation, returned, points_back, spend_back, stamps_back, cashback_back, donation_back]")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LineRecord, A::Error> {
        let quantity = needed(seq.next_element::<u32>()?, 0, &self)?;
        let mut n = [0_i64; 11];
        let mut returned = 0_u32;
        for (i, slot) in n.iter_mut().enumerate() {
            // `returned` (position 6) is a count of units, like `quantity`.
            if i == 5 {
                match seq.next_element::<u32>()? {
                    Some(v) => returned = v,
                    None => break,
                }
                continue;
            }
            match seq.next_element::<i64>()? {
                Some(v) => *slot = v,
                None => break,
            }
        }
        end(&mut seq, 12, "a purchase line")?;
        Ok(LineRecord::from_numbers(quantity, returned, n))
    }
}

impl<'de> Deserialize<'de> for LineRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LineRecord, D::Error> {
        d.deserialize_seq(LineVisitor)
    }
}

impl JsonSchema for LineRecord {
    fn schema_name() -> Cow<'static, str> {
        "LineRecord".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "One line of a recent purchase, as integers: `[quantity, points, spend, stamps, cashback, donation, returned, points_back, spend_back, stamps_back, cashback_back, donation_back]`: units bought; what the line earned (points, qualifying tier spend in minor units, stamps, cashback and matched donation in minor units); units returned so far; and what was already taken back of each. Trailing zeros are left out.",
            "type": "array",
            "items": {"type": "integer", "format": "int64"},
            "minItems": 1,
            "maxItems": 12
        })
    }
}

// ---------------------------------------------------------------- purchases

struct PurchaseOut<'a> {
    p: &'a PurchaseRecord,
    anchor: Option<&'a Timestamp>,
}

impl Serialize for PurchaseOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.p;
        let present = [
            p.tier_bucket.is_some(),
            p.visit_points != 0,
            p.visit_stamps != 0,
            !p.redemptions.is_empty(),
            p.cause.is_some(),
            !p.vouchers.is_empty(),
        ];
        let len = 3 + present.iter().rposition(|b| *b).map_or(0, |i| i + 1);
        let mut seq = s.serialize_seq(Some(len))?;
        seq.serialize_element(&p.id)?;
        seq.serialize_element(&TimeOut {
            t: &p.at,
            anchor: self.anchor,
        })?;
        seq.serialize_element(&p.lines)?;
        if len > 3 {
            seq.serialize_element(&p.tier_bucket)?;
        }
        if len > 4 {
            seq.serialize_element(&p.visit_points)?;
        }
        if len > 5 {
            seq.serialize_element(&p.visit_stamps)?;
        }
        if len > 6 {
            seq.serialize_element(&p.redemptions)?;
        }
        if len > 7 {
            seq.serialize_element(&p.cause)?;
        }
        if len > 8 {
            seq.serialize_element(&p.vouchers)?;
        }
        seq.end()
    }
}

struct PurchasesOut<'a> {
    list: &'a VecDeque<PurchaseRecord>,
    anchor: Option<&'a Timestamp>,
}

impl Serialize for PurchasesOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.list.iter().map(|p| PurchaseOut {
            p,
            anchor: self.anchor,
        }))
    }
}

#[derive(Clone, Copy)]
pub(super) struct PurchaseIn<'a>(pub(super) Option<&'a Timestamp>);

impl<'de> DeserializeSeed<'de> for PurchaseIn<'_> {
    type Value = PurchaseRecord;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<PurchaseRecord, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PurchaseIn<'_> {
    type Value = PurchaseRecord;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a purchase: [id, at, lines, tier_bucket, visit_points, visit_stamps, redemptions, cause, vouchers]")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PurchaseRecord, A::Error> {
        let id = needed(seq.next_element::<Id>()?, 0, &self)?;
        let at = needed(seq.next_element_seed(TimeIn(self.0))?, 1, &self)?;
        let lines = needed(seq.next_element()?, 2, &self)?;
        let mut p = PurchaseRecord {
            id,
            at,
            lines,
            visit_points: 0,
            visit_stamps: 0,
            redemptions: vec![],
            tier_bucket: None,
            cause: None,
            vouchers: vec![],
        };
        // The optional elements, in order, up to the first one left out.
        macro_rules! then {
            ($($field:ident),*) => {$(
                match seq.next_element()? {
                    Some(v) => p.$field = v,
                    None => return Ok(p),
                }
            )*};
        }
        then!(
            tier_bucket,
            visit_points,
            visit_stamps,
            redemptions,
            cause,
            vouchers
        );
        end(&mut seq, 9, "a purchase")?;
        Ok(p)
    }
}

impl Serialize for PurchaseRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PurchaseOut {
            p: self,
            anchor: None,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for PurchaseRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PurchaseRecord, D::Error> {
        PurchaseIn(None).deserialize(d)
    }
}

impl JsonSchema for PurchaseRecord {
    fn schema_name() -> Cow<'static, str> {
        "PurchaseRecord".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let line = g.subschema_for::<LineRecord>();
        let redemption = g.subschema_for::<super::Redemption>();
        json_schema!({
            "description": "What a return needs to know about a recent purchase: `[id, at, lines, tier_bucket, visit_points, visit_stamps, redemptions, cause, vouchers]`: the purchase event id; when (a time: RFC 3339 or seconds after `last_event_at`); its lines; the tier bucket it counted in (`null` if tiers are off); points and stamps earned by the purchase as a whole (per-visit rules); redemptions paid on it; the cause its donations went to (or `null`); vouchers it issued through rules (revoked, if unspent, by a full return). Trailing `null`, `0` and `[]` are left out.",
            "type": "array",
            "prefixItems": [
                {"type": "string"},
                time_schema(),
                {"type": "array", "items": line},
                {"type": ["integer", "null"], "format": "int64"},
                {"type": "integer", "format": "int64"},
                {"type": "integer", "format": "int64"},
                {"type": "array", "items": redemption},
                {"type": ["string", "null"]},
                {"type": "array", "items": {"type": "string"}}
            ],
            "minItems": 3,
            "maxItems": 9
        })
    }
}

// ---------------------------------------------------------------- buckets, events

impl Serialize for Bucket {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.key, self.value).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Bucket {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bucket, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Bucket;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a tier bucket: [key, value]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bucket, A::Error> {
                let key = needed(seq.next_element()?, 0, &self)?;
                let value = needed(seq.next_element()?, 1, &self)?;
                end(&mut seq, 2, "a tier bucket")?;
                Ok(Bucket { key, value })
            }
        }
        d.deserialize_seq(V)
    }
}

impl JsonSchema for Bucket {
    fn schema_name() -> Cow<'static, str> {
        "Bucket".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The qualifying value gathered in one bucket of the tier window: `[key, value]`. The key is the day index divided by the bucket width (rolling), the year (calendar year) or 0 (lifetime); the value is the qualifying value (minor units for spend).",
            "type": "array",
            "prefixItems": [
                {"type": "integer", "format": "int64"},
                {"type": "integer", "format": "int64"}
            ],
            "minItems": 2,
            "maxItems": 2
        })
    }
}

impl Serialize for SeenEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Natively, the usual id in a word-aligned buffer ([`seen_text`]).
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(text) = seen_text(&self.id, self.digest, &mut Padded::<64>::spaces()) {
            return s.serialize_str(text);
        }
        // "ID DIGEST" made on the stack: an account writes every event it
        // remembers.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = StackText::<{ crate::limits::MAX_ID_BYTES + 17 }>::new();
        // A longer id (only an account built in code can hold one) is
        // written by `format_args!`: an id of up to 16 more bytes fits the
        // buffer, but its digits would not (they were cut short).
        if self.id.len() > crate::limits::MAX_ID_BYTES || !text.push_str(&self.id) {
            return s.collect_str(&format_args!("{} {:016x}", self.id, self.digest));
        }
        text.push(b' ');
        for shift in (0..16).rev() {
            let nibble = (self.digest >> (4 * shift)) & 0xf;
            text.push(HEX.get(nibble as usize).copied().unwrap_or(b'0'));
        }
        s.serialize_str(text.as_str())
    }
}

/// `"ID DIGEST"` in `buf` (all spaces), or `None` when it does not fit
/// (an id of more than 47 bytes: the general loop writes it).
///
/// The text is checked as UTF-8 up to the end of its last 16-byte block
/// (the spaces after it are ASCII and are then cut off at a character
/// boundary), so that the check is whole double words: a byte-by-byte
/// tail, and a separate check of the digits, cost about as much as the
/// rest of writing the event.
#[cfg(not(target_arch = "wasm32"))]
fn seen_text<'b, const N: usize>(id: &str, digest: u64, buf: &'b mut Padded<N>) -> Option<&'b str> {
    let len = id.len() + 17;
    let (head, rest) = buf.0.get_mut(..len)?.split_at_mut(id.len());
    head.copy_from_slice(id.as_bytes());
    // `rest` is the space (already there) and the 16 digits.
    let (hi, lo) = rest.get_mut(1..17)?.split_at_mut(8);
    hi.copy_from_slice(&hex8((digest >> 32) as u32));
    lo.copy_from_slice(&hex8(digest as u32));
    buf.text(len)
}

/// The 8 lowercase hex digits of `x`, all at once: each nibble is spread
/// into a byte of its own (most significant first), and a byte of 10 or
/// more (which 6 carries past 15) gets the distance from `:` to `a`. An
/// account writes the digest of every event it remembers.
#[cfg(not(target_arch = "wasm32"))]
fn hex8(x: u32) -> [u8; 8] {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = u64::from(x);
    let x = (x | x << 16) & 0x0000_FFFF_0000_FFFF;
    let x = (x | x << 8) & 0x00FF_00FF_00FF_00FF;
    let x = (x | x << 4) & 0x0F0F_0F0F_0F0F_0F0F;
    let letters = ((x + ONES * 6) >> 4) & ONES;
    (x + ONES * u64::from(b'0') + letters * u64::from(b'a' - b'9' - 1)).to_be_bytes()
}

impl<'de> Deserialize<'de> for SeenEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SeenEvent, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SeenEvent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a remembered event: \"ID DIGEST\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SeenEvent, E> {
                match v.rsplit_once(' ') {
                    Some((id, d)) => match digest(d) {
                        Some(digest) => Ok(SeenEvent {
                            id: Id::from(id),
                            digest,
                        }),
                        None => Err(E::custom(format!(
                            "`{}`: the digest must be 16 lowercase hex digits",
                            crate::error::clip(v)
                        ))),
                    },
                    None => Err(E::custom(format!(
                        "`{}` is not an event id, a space and a digest",
                        crate::error::clip(v)
                    ))),
                }
            }
        }
        d.deserialize_str(V)
    }
}

/// The value of exactly 16 lowercase hex digits, checked and read in one
/// pass (an account reads every event it remembers).
fn digest(d: &str) -> Option<u64> {
    if d.len() != 16 {
        return None;
    }
    // Natively eight digits at a time ([`hex_word`]); the WebAssembly
    // build keeps the smaller loop.
    #[cfg(not(target_arch = "wasm32"))]
    if let (Some(hi), Some(lo)) = (d.as_bytes().first_chunk(), d.as_bytes().last_chunk()) {
        return Some(u64::from(hex_word(hi)?) << 32 | u64::from(hex_word(lo)?));
    }
    d.bytes().try_fold(0_u64, |n, b| {
        let v = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => return None,
        };
        Some(n << 4 | u64::from(v))
    })
}

/// The value of 8 lowercase hex digits (the first one most significant),
/// all at once: every byte must be ASCII and within `0`-`9` or `a`-`f`
/// (for bytes below 0x80, adding `0x80 - lo` sets a byte's top bit exactly
/// when it is at least `lo`, with no carry into the next byte); a digit's
/// value is its low nibble, plus 9 for a letter; the nibbles are then
/// gathered, most significant first.
#[cfg(not(target_arch = "wasm32"))]
fn hex_word(digits: &[u8; 8]) -> Option<u32> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES << 7;
    let x = u64::from_le_bytes(*digits);
    if x & HIGH != 0 {
        return None;
    }
    let at_least = |lo: u8| x.wrapping_add(ONES * u64::from(0x80 - lo)) & HIGH;
    let digit = at_least(b'0') & !at_least(b'9' + 1);
    let letter = at_least(b'a') & !at_least(b'f' + 1);
    if digit | letter != HIGH {
        return None;
    }
    // The first digit in the lowest byte: swapped, it is in the highest.
    let nibbles = ((x & (ONES * 0x0f)) + (letter >> 7) * 9).swap_bytes();
    let y = (nibbles | nibbles >> 4) & 0x00FF_00FF_00FF_00FF;
    let y = (y | y >> 8) & 0x0000_FFFF_0000_FFFF;
    u32::try_from((y | y >> 16) & 0xFFFF_FFFF).ok()
}

impl JsonSchema for SeenEvent {
    fn schema_name() -> Cow<'static, str> {
        "SeenEvent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An event the account remembers for idempotency: its id, a space, and the 64-bit digest of its fields in 16 lowercase hex digits, e.g. \"pos-17-000123 b51d3ecfc68e1d5e\".",
            "type": "string"
        })
    }
}

// ---------------------------------------------------------------- account

const ACCOUNT_FIELDS: &[&str] = &[
    "member",
    "enrolled_at",
    "last_event_at",
    "last_activity_at",
    "profile",
    "visits",
    "points",
    "wallet",
    "stamps",
    "vouchers",
    "reservations",
    "redemptions",
    "purchases",
    "tier",
    "usage",
    "subscription",
    "donations",
    "birthday_year",
    "referral_done",
    "referrals",
    "messaging",
    "recent_events",
];

/// Inlined natively, so the JSON writer sees each member name as known
/// (see `json::write`); the WebAssembly build keeps one copy.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn field<S: SerializeStruct>(
    st: &mut S,
    key: &'static str,
    skip: bool,
    v: &impl Serialize,
) -> Result<(), S::Error> {
    if skip {
        st.skip_field(key)
    } else {
        st.serialize_field(key, v)
    }
}

impl Serialize for Account {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self;
        let anchor = a.last_event_at.as_ref();
        let mut st = s.serialize_struct("Account", ACCOUNT_FIELDS.len())?;
        st.serialize_field("member", &a.member)?;
        field(
            &mut st,
            "enrolled_at",
            a.enrolled_at.is_none(),
            &a.enrolled_at,
        )?;
        field(
            &mut st,
            "last_event_at",
            a.last_event_at.is_none(),
            &a.last_event_at,
        )?;
        field(
            &mut st,
            "last_activity_at",
            a.last_activity_at == a.last_event_at,
            &a.last_activity_at,
        )?;
        field(&mut st, "profile", a.profile.is_empty(), &a.profile)?;
        field(&mut st, "visits", a.visits == 0, &a.visits)?;
        st.serialize_field(
            "points",
            &PointsOut {
                points: &a.points,
                anchor,
            },
        )?;
        field(
            &mut st,
            "wallet",
            unused(&a.wallet),
            &PointsOut {
                points: &a.wallet,
                anchor,
            },
        )?;
        st.serialize_field("stamps", &a.stamps)?;
        field(&mut st, "vouchers", a.vouchers.is_empty(), &a.vouchers)?;
        field(
            &mut st,
            "reservations",
            a.reservations.is_empty(),
            &a.reservations,
        )?;
        field(
            &mut st,
            "redemptions",
            a.redemptions.is_empty(),
            &a.redemptions,
        )?;
        field(
            &mut st,
            "purchases",
            a.purchases.is_empty(),
            &PurchasesOut {
                list: &a.purchases,
                anchor,
            },
        )?;
        field(&mut st, "tier", a.tier.is_none(), &a.tier)?;
        field(&mut st, "usage", a.usage.is_empty(), &a.usage)?;
        field(
            &mut st,
            "subscription",
            a.subscription.is_none(),
            &a.subscription,
        )?;
        field(&mut st, "donations", a.donations.is_empty(), &a.donations)?;
        field(
            &mut st,
            "birthday_year",
            a.birthday_year.is_none(),
            &a.birthday_year,
        )?;
        field(&mut st, "referral_done", !a.referral_done, &a.referral_done)?;
        field(&mut st, "referrals", a.referrals.is_empty(), &a.referrals)?;
        field(&mut st, "messaging", a.messaging.is_empty(), &a.messaging)?;
        field(
            &mut st,
            "recent_events",
            a.recent_events.is_empty(),
            &a.recent_events,
        )?;
        st.end()
    }
}

/// An account written straight as JSON (natively), byte for byte what
/// its `Serialize` above writes through `json::write::append`.
///
/// Through serde, every member is a state tested and updated, every lot,
/// purchase and line a call per element (a line's numbers go through an
/// iterator), and every time and optional member a trip through their
/// `Serialize`: most of writing an account. Here the members the engine's
/// accounts usually hold are written by pushes of known bytes; the rest
/// (vouchers, reservations, a profile, messaging...) by the serde writer,
/// member by member. Each struct is taken apart field by field (no
/// `..`), so a field added to one fails to compile here until it is
/// written; a test compares every account of the conformance vectors and
/// variants of them with serde_json's text.
#[cfg(not(target_arch = "wasm32"))]
mod direct {
    use super::super::{
        Account, Bucket, LineRecord, Lot, Points, PurchaseRecord, SeenEvent, Stamps, TierState,
    };
    use super::{seconds_to, seen_text, unused};
    use crate::json::fast::{push_time, ReadTimes};
    use crate::json::write::direct::{int, member, str, uint, value};
    use crate::text::Padded;
    use crate::time::Timestamp;

    impl Account {
        /// Appends the JSON of the account to `out`, as
        /// `json::write::append` does (on serde_json's error, nothing).
        pub(crate) fn append_json(&self, out: &mut String) {
            self.append_json_with(out, &[]);
        }

        /// [`Account::append_json`], copying the text of a timestamp read
        /// in one of `times`' documents rather than formatting it (the
        /// same bytes: see `ReadTimes`).
        pub(crate) fn append_json_with(&self, out: &mut String, times: &[ReadTimes<'_>]) {
            let start = out.len();
            if account_direct(out, self, times).is_none() {
                out.truncate(start);
                crate::json::write::append(out, self).unwrap_or_default();
            }
        }
    }

    /// A time as `TimeOut` writes it: seconds after the anchor when they
    /// say it exactly, else its text.
    #[inline]
    fn time(out: &mut String, t: &Timestamp, anchor: Option<&Timestamp>) {
        match anchor.and_then(|a| seconds_to(a, t)) {
            Some(n) => int(out, n),
            None => t.push_json(out),
        }
    }

    /// An optional time as `Option<Timestamp>` writes it.
    #[inline]
    fn opt_stamp(out: &mut String, t: Option<&Timestamp>, times: &[ReadTimes<'_>]) {
        match t {
            Some(t) => push_time(out, t, times),
            None => out.push_str("null"),
        }
    }

    fn account_direct(out: &mut String, a: &Account, times: &[ReadTimes<'_>]) -> Option<()> {
        let Account {
            member: id,
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
        } = a;
        let anchor = last_event_at.as_ref();
        out.push_str("{\"member\":");
        str(out, id)?;
        if let Some(t) = enrolled_at {
            out.push_str(",\"enrolled_at\":");
            push_time(out, t, times);
        }
        if let Some(t) = last_event_at {
            out.push_str(",\"last_event_at\":");
            push_time(out, t, times);
        }
        if last_activity_at != last_event_at {
            out.push_str(",\"last_activity_at\":");
            opt_stamp(out, last_activity_at.as_ref(), times);
        }
        member(out, ",\"profile\":", !profile.is_empty(), profile)?;
        if *visits != 0 {
            out.push_str(",\"visits\":");
            uint(out, *visits);
        }
        out.push_str(",\"points\":");
        points_of(out, points, anchor);
        if !unused(wallet) {
            out.push_str(",\"wallet\":");
            points_of(out, wallet, anchor);
        }
        let Stamps {
            count,
            cards_completed,
        } = stamps;
        out.push_str(",\"stamps\":{\"count\":");
        int(out, *count);
        if *cards_completed != 0 {
            out.push_str(",\"cards_completed\":");
            uint(out, *cards_completed);
        }
        out.push('}');
        member(out, ",\"vouchers\":", !vouchers.is_empty(), vouchers)?;
        member(
            out,
            ",\"reservations\":",
            !reservations.is_empty(),
            reservations,
        )?;
        member(
            out,
            ",\"redemptions\":",
            !redemptions.is_empty(),
            redemptions,
        )?;
        if !purchases.is_empty() {
            out.push_str(",\"purchases\":[");
            for (i, p) in purchases.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                purchase(out, p, anchor)?;
            }
            out.push(']');
        }
        if let Some(t) = tier {
            out.push_str(",\"tier\":");
            tier_of(out, t, times)?;
        }
        member(out, ",\"usage\":", !usage.is_empty(), usage)?;
        member(
            out,
            ",\"subscription\":",
            subscription.is_some(),
            subscription,
        )?;
        member(out, ",\"donations\":", !donations.is_empty(), donations)?;
        if let Some(y) = birthday_year {
            out.push_str(",\"birthday_year\":");
            int(out, i64::from(*y));
        }
        if *referral_done {
            out.push_str(",\"referral_done\":true");
        }
        member(out, ",\"referrals\":", !referrals.is_empty(), referrals)?;
        member(out, ",\"messaging\":", !messaging.is_empty(), messaging)?;
        if let Some((first, rest)) = recent_events.split_first() {
            out.push_str(",\"recent_events\":[");
            seen(out, first)?;
            for e in rest {
                out.push(',');
                seen(out, e)?;
            }
            out.push(']');
        }
        out.push('}');
        Some(())
    }

    /// As `PointsOut`.
    fn points_of(out: &mut String, p: &Points, anchor: Option<&Timestamp>) {
        let Points {
            balance,
            pending,
            reserved,
            debt,
            lots,
        } = p;
        out.push_str("{\"balance\":");
        int(out, *balance);
        for (key, n) in [
            (",\"pending\":", *pending),
            (",\"reserved\":", *reserved),
            (",\"debt\":", *debt),
        ] {
            if n != 0 {
                out.push_str(key);
                int(out, n);
            }
        }
        if !lots.is_empty() {
            out.push_str(",\"lots\":[");
            for (i, lot) in lots.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                lot_of(out, lot, anchor);
            }
            out.push(']');
        }
        out.push('}');
    }

    /// As `LotOut`.
    fn lot_of(out: &mut String, lot: &Lot, anchor: Option<&Timestamp>) {
        let Lot {
            points,
            earned_at,
            available_at,
            expires_at,
        } = lot;
        out.push('[');
        int(out, *points);
        out.push(',');
        time(out, earned_at, anchor);
        if available_at.is_some() || expires_at.is_some() {
            out.push(',');
            match expires_at {
                Some(t) => time(out, t, anchor),
                None => out.push_str("null"),
            }
        }
        if let Some(t) = available_at {
            out.push(',');
            time(out, t, anchor);
        }
        out.push(']');
    }

    /// As `PurchaseOut`.
    fn purchase(out: &mut String, p: &PurchaseRecord, anchor: Option<&Timestamp>) -> Option<()> {
        let PurchaseRecord {
            id,
            at,
            lines,
            visit_points,
            visit_stamps,
            redemptions,
            tier_bucket,
            cause,
            vouchers,
        } = p;
        let present = [
            tier_bucket.is_some(),
            *visit_points != 0,
            *visit_stamps != 0,
            !redemptions.is_empty(),
            cause.is_some(),
            !vouchers.is_empty(),
        ];
        let len = 3 + present.iter().rposition(|b| *b).map_or(0, |i| i + 1);
        out.push('[');
        str(out, id)?;
        out.push(',');
        time(out, at, anchor);
        out.push_str(",[");
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            line(out, l);
        }
        out.push(']');
        if len > 3 {
            out.push(',');
            match tier_bucket {
                Some(n) => int(out, *n),
                None => out.push_str("null"),
            }
        }
        if len > 4 {
            out.push(',');
            int(out, *visit_points);
        }
        if len > 5 {
            out.push(',');
            int(out, *visit_stamps);
        }
        if len > 6 {
            out.push(',');
            value(out, redemptions)?;
        }
        if len > 7 {
            out.push(',');
            value(out, cause)?;
        }
        if len > 8 {
            out.push(',');
            value(out, vouchers)?;
        }
        out.push(']');
        Some(())
    }

    /// As `LineRecord`'s `Serialize`: its numbers up to the last that is
    /// not zero (at least one).
    fn line(out: &mut String, l: &LineRecord) {
        let n = l.numbers();
        let len = n.iter().rposition(|v| *v != 0).map_or(1, |i| i + 1);
        out.push('[');
        for (i, v) in n.iter().take(len).enumerate() {
            if i > 0 {
                out.push(',');
            }
            int(out, *v);
        }
        out.push(']');
    }

    /// As `TierState`'s derived `Serialize`: each member left out when
    /// empty, `{}` when all are.
    fn tier_of(out: &mut String, t: &TierState, times: &[ReadTimes<'_>]) -> Option<()> {
        let TierState {
            level,
            since,
            review_at,
            grace_until,
            buckets,
        } = t;
        let mut open = "{";
        if let Some(level) = level {
            out.push_str("{\"level\":");
            str(out, level)?;
            open = ",";
        }
        for (key, t) in [
            ("\"since\":", since),
            ("\"review_at\":", review_at),
            ("\"grace_until\":", grace_until),
        ] {
            if let Some(t) = t {
                out.push_str(open);
                out.push_str(key);
                push_time(out, t, times);
                open = ",";
            }
        }
        if !buckets.is_empty() {
            out.push_str(open);
            out.push_str("\"buckets\":[");
            for (i, Bucket { key, value }) in buckets.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('[');
                int(out, *key);
                out.push(',');
                int(out, *value);
                out.push(']');
            }
            out.push(']');
            open = ",";
        }
        out.push_str(if open == "{" { "{}" } else { "}" });
        Some(())
    }

    /// As `SeenEvent`'s `Serialize`: the usual id in a word-aligned
    /// buffer, any other by the serde writer.
    fn seen(out: &mut String, e: &SeenEvent) -> Option<()> {
        match seen_text(&e.id, e.digest, &mut Padded::<64>::spaces()) {
            Some(text) => str(out, text),
            None => value(out, e),
        }
    }
}

struct AccountVisitor;

impl<'de> Visitor<'de> for AccountVisitor {
    type Value = Account;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an account object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Account, A::Error> {
        let mut member: Option<Id> = None;
        let mut enrolled_at: Option<Option<Timestamp>> = None;
        let mut last_event_at: Option<Option<Timestamp>> = None;
        let mut last_activity_at: Option<Option<Timestamp>> = None;
        let mut profile: Option<Profile> = None;
        let mut visits: Option<u64> = None;
        let mut points: Option<Points> = None;
        let mut wallet: Option<Points> = None;
        let mut stamps: Option<Stamps> = None;
        let mut vouchers = None;
        let mut reservations = None;
        let mut redemptions = None;
        let mut purchases = None;
        let mut tier = None;
        let mut usage = None;
        let mut subscription = None;
        let mut donations = None;
        let mut birthday_year = None;
        let mut referral_done: Option<bool> = None;
        let mut referrals = None;
        let mut messaging: Option<MessagingState> = None;
        let mut recent_events = None;
        while let Some(k) = map.next_key_seed(Key(ACCOUNT_FIELDS))? {
            let anchor = last_event_at.as_ref().and_then(Option::as_ref);
            let key = ACCOUNT_FIELDS.get(k).copied().unwrap_or("");
            match k {
                0 => once(&mut member, key, map.next_value()?)?,
                1 => once(&mut enrolled_at, key, map.next_value()?)?,
                2 => once(&mut last_event_at, key, map.next_value()?)?,
                3 => once(&mut last_activity_at, key, map.next_value()?)?,
                4 => once(&mut profile, key, map.next_value()?)?,
                5 => once(&mut visits, key, map.next_value()?)?,
                6 => once(&mut points, key, map.next_value_seed(PointsIn(anchor))?)?,
                7 => once(&mut wallet, key, map.next_value_seed(PointsIn(anchor))?)?,
                8 => once(&mut stamps, key, map.next_value()?)?,
                9 => once(&mut vouchers, key, map.next_value()?)?,
                10 => once(&mut reservations, key, map.next_value()?)?,
                11 => once(&mut redemptions, key, map.next_value()?)?,
                12 => once(
                    &mut purchases,
                    key,
                    map.next_value_seed(ListIn(PurchaseIn(anchor)))?,
                )?,
                13 => once(&mut tier, key, map.next_value()?)?,
                14 => once(&mut usage, key, map.next_value()?)?,
                15 => once(&mut subscription, key, map.next_value()?)?,
                16 => once(&mut donations, key, map.next_value()?)?,
                17 => once(&mut birthday_year, key, map.next_value()?)?,
                18 => once(&mut referral_done, key, map.next_value()?)?,
                19 => once(&mut referrals, key, map.next_value()?)?,
                20 => once(&mut messaging, key, map.next_value()?)?,
                _ => once(&mut recent_events, key, map.next_value()?)?,
            }
        }
        let last_event_at = last_event_at.flatten();
        Ok(Account {
            member: member.ok_or_else(|| de::Error::missing_field("member"))?,
            enrolled_at: enrolled_at.flatten(),
            last_activity_at: last_activity_at.unwrap_or(last_event_at),
            last_event_at,
            profile: profile.unwrap_or_default(),
            visits: visits.unwrap_or(0),
            points: points.unwrap_or_default(),
            wallet: wallet.unwrap_or_default(),
            stamps: stamps.unwrap_or_default(),
            vouchers: vouchers.unwrap_or_default(),
            reservations: reservations.unwrap_or_default(),
            redemptions: redemptions.unwrap_or_default(),
            purchases: purchases.unwrap_or_default(),
            tier: tier.flatten(),
            usage: usage.unwrap_or_default(),
            subscription: subscription.flatten(),
            donations: donations.unwrap_or_default(),
            birthday_year: birthday_year.flatten(),
            referral_done: referral_done.unwrap_or(false),
            referrals: referrals.unwrap_or_default(),
            messaging: messaging.unwrap_or_default(),
            recent_events: recent_events.unwrap_or_default(),
        })
    }
}

impl<'de> Deserialize<'de> for Account {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Account, D::Error> {
        d.deserialize_struct("Account", ACCOUNT_FIELDS, AccountVisitor)
    }
}

// ---------------------------------------------------------------- one pass

/// The account in the shape the engine writes it, read in one pass over
/// the text (natively; see `json::fast`): every member the visitors above
/// read, with known keys, strings without escapes and integers. Each value
/// is built with the functions those visitors call (`Timestamp::parse`,
/// [`resolve`], [`digest`]) and refused where they refuse it; anything
/// else gives up with `None`, and serde reads the text, to the same value
/// or to the error with its path.
#[cfg(not(target_arch = "wasm32"))]
mod usual {
    use std::collections::VecDeque;

    use serde::de::value::{Error as ValueError, StrDeserializer};
    use serde::Deserialize;

    use super::super::{
        Account, Bucket, CauseTotal, LineRecord, Lot, MessagingState, Points, Profile,
        PurchaseRecord, Redemption, Reservation, SeenEvent, SentIntent, Stamps, Subscription,
        TierState, Usage, Voucher,
    };
    use super::{digest, resolve};
    use crate::id::Id;
    use crate::json::fast::{members, once, ReadTimes, Text};
    use crate::program::IntentKind;
    use crate::time::Timestamp;

    type Anchor<'t> = Option<&'t Timestamp>;

    /// A time as `TimeIn` reads it: an RFC 3339 string, or whole seconds
    /// after the anchor.
    fn time(t: &mut Text<'_, '_>, anchor: Anchor<'_>) -> Option<Timestamp> {
        if t.peek()? == b'"' {
            return t.timestamp();
        }
        resolve::<ValueError>(anchor, t.i64()?).ok()
    }

    /// A time or `null` (`OptTimeIn`).
    fn opt_time(t: &mut Text<'_, '_>, anchor: Anchor<'_>) -> Option<Option<Timestamp>> {
        t.nullable(|t| time(t, anchor))
    }

    /// An RFC 3339 string (a `Timestamp` field of a derived struct).
    fn stamp(t: &mut Text<'_, '_>) -> Option<Timestamp> {
        t.timestamp()
    }

    fn opt_stamp(t: &mut Text<'_, '_>) -> Option<Option<Timestamp>> {
        t.nullable(stamp)
    }

    fn string(t: &mut Text<'_, '_>) -> Option<String> {
        t.str().map(str::to_owned)
    }

    fn opt_string(t: &mut Text<'_, '_>) -> Option<Option<String>> {
        Some(t.opt_str()?.map(str::to_owned))
    }

    fn strings(t: &mut Text<'_, '_>) -> Option<Vec<String>> {
        t.list(string)
    }

    /// `[points, earned_at, expires_at, available_at]` (`LotIn`).
    fn lot(t: &mut Text<'_, '_>, anchor: Anchor<'_>) -> Option<Lot> {
        if !t.open()? {
            return None;
        }
        let points = t.i64()?;
        if !t.then()? {
            return None;
        }
        let mut lot = Lot {
            points,
            earned_at: time(t, anchor)?,
            available_at: None,
            expires_at: None,
        };
        if !t.then()? {
            return Some(lot);
        }
        lot.expires_at = opt_time(t, anchor)?;
        if !t.then()? {
            return Some(lot);
        }
        // `null` here is refused: `time` gives up on it.
        lot.available_at = Some(time(t, anchor)?);
        if t.then()? {
            return None;
        }
        Some(lot)
    }

    fn lots(t: &mut Text<'_, '_>, anchor: Anchor<'_>) -> Option<Vec<Lot>> {
        t.list(|t| lot(t, anchor))
    }

    /// `PointsIn`: `balance`, the counters and the lots.
    fn points(t: &mut Text<'_, '_>, anchor: Anchor<'_>) -> Option<Points> {
        let (mut balance, mut pending, mut reserved, mut debt, mut list) =
            (None, None, None, None, None);
        members!(t, {
            "balance" => once(&mut balance, t.i64()?),
            "pending" => once(&mut pending, t.i64()?),
            "reserved" => once(&mut reserved, t.i64()?),
            "debt" => once(&mut debt, t.i64()?),
            "lots" => once(&mut list, lots(t, anchor)?),
        })?;
        Some(Points {
            balance: balance?,
            pending: pending.unwrap_or(0),
            reserved: reserved.unwrap_or(0),
            debt: debt.unwrap_or(0),
            lots: list.map(VecDeque::from).unwrap_or_default(),
        })
    }

    /// `[quantity, points, spend, stamps, cashback, donation, returned,
    /// points_back, spend_back, stamps_back, cashback_back, donation_back]`
    /// (`LineVisitor`): `quantity` and `returned` are `u32`.
    fn line(t: &mut Text<'_, '_>) -> Option<LineRecord> {
        if !t.open()? {
            return None;
        }
        let quantity = t.u32()?;
        let mut n = [0_i64; 11];
        let mut returned = 0_u32;
        let mut open = true;
        for (i, slot) in n.iter_mut().enumerate() {
            if !t.then()? {
                open = false;
                break;
            }
            if i == 5 {
                returned = t.u32()?;
            } else {
                *slot = t.i64()?;
            }
        }
        if open && t.then()? {
            return None;
        }
        Some(LineRecord::from_numbers(quantity, returned, n))
    }

    /// `[id, at, lines, tier_bucket, visit_points, visit_stamps,
    /// redemptions, cause, vouchers]` (`PurchaseIn`).
    fn purchase(t: &mut Text<'_, '_>, anchor: Anchor<'_>) -> Option<PurchaseRecord> {
        if !t.open()? {
            return None;
        }
        let id = Id::from(t.str()?);
        if !t.then()? {
            return None;
        }
        let at = time(t, anchor)?;
        if !t.then()? {
            return None;
        }
        let mut p = PurchaseRecord {
            id,
            at,
            lines: t.list(line)?,
            visit_points: 0,
            visit_stamps: 0,
            redemptions: vec![],
            tier_bucket: None,
            cause: None,
            vouchers: vec![],
        };
        // The optional elements, in order, up to the first one left out.
        if !t.then()? {
            return Some(p);
        }
        p.tier_bucket = t.nullable(Text::i64)?;
        if !t.then()? {
            return Some(p);
        }
        p.visit_points = t.i64()?;
        if !t.then()? {
            return Some(p);
        }
        p.visit_stamps = t.i64()?;
        if !t.then()? {
            return Some(p);
        }
        p.redemptions = t.list(redemption)?;
        if !t.then()? {
            return Some(p);
        }
        p.cause = opt_string(t)?;
        if !t.then()? {
            return Some(p);
        }
        p.vouchers = t.list(|t| t.str().map(Id::from))?;
        if t.then()? {
            return None;
        }
        Some(p)
    }

    /// `[key, value]`.
    fn bucket(t: &mut Text<'_, '_>) -> Option<Bucket> {
        if !t.open()? {
            return None;
        }
        let key = t.i64()?;
        if !t.then()? {
            return None;
        }
        let value = t.i64()?;
        if t.then()? {
            return None;
        }
        Some(Bucket { key, value })
    }

    /// `"ID DIGEST"`.
    ///
    /// Read as the visitor's `rsplit_once(' ')` and [`digest`] read it:
    /// the digest is 16 hex digits (no space among them), so the last
    /// space is the 17th byte from the end whenever the visitor takes it.
    fn seen(t: &mut Text<'_, '_>) -> Option<SeenEvent> {
        let text = t.str()?;
        let (id, d) = text.split_at_checked(text.len().checked_sub(17)?)?;
        let d = d.strip_prefix(' ')?;
        Some(SeenEvent {
            id: Id::from(id),
            digest: digest(d)?,
        })
    }

    // The derived structs (`deny_unknown_fields`; `Option` fields and
    // those with `default` may be left out).

    fn profile(t: &mut Text<'_, '_>) -> Option<Profile> {
        let (mut tags, mut birthday, mut cause, mut referrer) = (None, None, None, None);
        members!(t, {
            "tags" => once(&mut tags, strings(t)?),
            "birthday" => once(&mut birthday, opt_string(t)?),
            "cause" => once(&mut cause, opt_string(t)?),
            "referrer" => once(&mut referrer, opt_string(t)?),
        })?;
        Some(Profile {
            tags: tags.unwrap_or_default(),
            birthday: birthday.flatten(),
            cause: cause.flatten(),
            referrer: referrer.flatten(),
        })
    }

    fn stamps(t: &mut Text<'_, '_>) -> Option<Stamps> {
        let (mut count, mut cards_completed) = (None, None);
        members!(t, {
            "count" => once(&mut count, t.i64()?),
            "cards_completed" => once(&mut cards_completed, t.u64()?),
        })?;
        Some(Stamps {
            count: count?,
            cards_completed: cards_completed.unwrap_or(0),
        })
    }

    fn voucher(t: &mut Text<'_, '_>) -> Option<Voucher> {
        let (mut id, mut reward, mut issued_at, mut expires_at) = (None, None, None, None);
        members!(t, {
            "id" => once(&mut id, Id::from(t.str()?)),
            "reward" => once(&mut reward, Id::from(t.str()?)),
            "issued_at" => once(&mut issued_at, stamp(t)?),
            "expires_at" => once(&mut expires_at, opt_stamp(t)?),
        })?;
        Some(Voucher {
            id: id?,
            reward: reward?,
            issued_at: issued_at?,
            expires_at: expires_at.flatten(),
        })
    }

    fn opt_voucher(t: &mut Text<'_, '_>) -> Option<Option<Voucher>> {
        t.nullable(voucher)
    }

    fn usage(t: &mut Text<'_, '_>) -> Option<Usage> {
        let (mut key_, mut period, mut used) = (None, None, None);
        members!(t, {
            "key" => once(&mut key_, string(t)?),
            "period" => once(&mut period, t.i64()?),
            "used" => once(&mut used, t.i64()?),
        })?;
        Some(Usage {
            key: key_?,
            period: period?,
            used: used?,
        })
    }

    fn reservation(t: &mut Text<'_, '_>) -> Option<Reservation> {
        let (mut id, mut reward, mut expires_at, mut points) = (None, None, None, None);
        let (mut lots_, mut voucher, mut wallet, mut wallet_lots, mut allowance) =
            (None, None, None, None, None);
        members!(t, {
            "id" => once(&mut id, Id::from(t.str()?)),
            "reward" => once(&mut reward, Id::from(t.str()?)),
            "expires_at" => once(&mut expires_at, stamp(t)?),
            "points" => once(&mut points, t.i64()?),
            // A reservation's lots have no anchor (`Lot`'s own reader).
            "lots" => once(&mut lots_, lots(t, None)?),
            "voucher" => once(&mut voucher, opt_voucher(t)?),
            "wallet" => once(&mut wallet, t.i64()?),
            "wallet_lots" => once(&mut wallet_lots, lots(t, None)?),
            "allowance" => once(&mut allowance, t.nullable(usage)?),
        })?;
        Some(Reservation {
            id: id?,
            reward: reward?,
            expires_at: expires_at?,
            points: points.unwrap_or(0),
            lots: lots_.unwrap_or_default(),
            voucher: voucher.flatten(),
            wallet: wallet.unwrap_or(0),
            wallet_lots: wallet_lots.unwrap_or_default(),
            allowance: allowance.flatten(),
        })
    }

    fn redemption(t: &mut Text<'_, '_>) -> Option<Redemption> {
        let (mut id, mut at, mut reward, mut points, mut voucher, mut wallet) =
            (None, None, None, None, None, None);
        members!(t, {
            "id" => once(&mut id, Id::from(t.str()?)),
            "at" => once(&mut at, stamp(t)?),
            "reward" => once(&mut reward, Id::from(t.str()?)),
            "points" => once(&mut points, t.i64()?),
            "voucher" => once(&mut voucher, opt_voucher(t)?),
            "wallet" => once(&mut wallet, t.i64()?),
        })?;
        Some(Redemption {
            id: id?,
            at: at?,
            reward: reward?,
            points: points.unwrap_or(0),
            voucher: voucher.flatten(),
            wallet: wallet.unwrap_or(0),
        })
    }

    fn tier(t: &mut Text<'_, '_>) -> Option<TierState> {
        let (mut level, mut since, mut review_at, mut grace_until, mut buckets) =
            (None, None, None, None, None);
        members!(t, {
            "level" => once(&mut level, t.opt_str()?.map(Id::from)),
            "since" => once(&mut since, opt_stamp(t)?),
            "review_at" => once(&mut review_at, opt_stamp(t)?),
            "grace_until" => once(&mut grace_until, opt_stamp(t)?),
            "buckets" => once(&mut buckets, t.list(bucket)?),
        })?;
        Some(TierState {
            level: level.flatten(),
            since: since.flatten(),
            review_at: review_at.flatten(),
            grace_until: grace_until.flatten(),
            buckets: buckets.unwrap_or_default(),
        })
    }

    fn subscription(t: &mut Text<'_, '_>) -> Option<Subscription> {
        let (mut plan, mut started_at, mut period_start, mut paid_until, mut cancelled) =
            (None, None, None, None, None);
        members!(t, {
            "plan" => once(&mut plan, string(t)?),
            "started_at" => once(&mut started_at, stamp(t)?),
            "period_start" => once(&mut period_start, stamp(t)?),
            "paid_until" => once(&mut paid_until, stamp(t)?),
            "cancelled" => once(&mut cancelled, t.bool()?),
        })?;
        Some(Subscription {
            plan: plan?,
            started_at: started_at?,
            period_start: period_start?,
            paid_until: paid_until?,
            cancelled: cancelled.unwrap_or(false),
        })
    }

    fn cause_total(t: &mut Text<'_, '_>) -> Option<CauseTotal> {
        let (mut cause, mut amount) = (None, None);
        members!(t, {
            "cause" => once(&mut cause, string(t)?),
            "amount" => once(&mut amount, t.i64()?),
        })?;
        Some(CauseTotal {
            cause: cause?,
            amount: amount?,
        })
    }

    /// An intent's kind, by the derived reader of its name.
    fn intent_kind(t: &mut Text<'_, '_>) -> Option<IntentKind> {
        IntentKind::deserialize(StrDeserializer::<ValueError>::new(t.str()?)).ok()
    }

    fn sent_intent(t: &mut Text<'_, '_>) -> Option<SentIntent> {
        let (mut kind, mut at) = (None, None);
        members!(t, {
            "kind" => once(&mut kind, intent_kind(t)?),
            "at" => once(&mut at, stamp(t)?),
        })?;
        Some(SentIntent {
            kind: kind?,
            at: at?,
        })
    }

    fn messaging(t: &mut Text<'_, '_>) -> Option<MessagingState> {
        let (mut sent, mut expiring_until, mut missed_since) = (None, None, None);
        let (mut risk_review, mut renewal_for) = (None, None);
        members!(t, {
            "sent" => once(&mut sent, t.list(sent_intent)?),
            "expiring_until" => once(&mut expiring_until, opt_stamp(t)?),
            "missed_since" => once(&mut missed_since, opt_stamp(t)?),
            "risk_review" => once(&mut risk_review, opt_stamp(t)?),
            "renewal_for" => once(&mut renewal_for, opt_stamp(t)?),
        })?;
        Some(MessagingState {
            sent: sent.unwrap_or_default(),
            expiring_until: expiring_until.flatten(),
            missed_since: missed_since.flatten(),
            risk_review: risk_review.flatten(),
            renewal_for: renewal_for.flatten(),
        })
    }

    /// The anchor of relative times: the `last_event_at` read so far.
    fn anchor(last_event_at: &Option<Option<Timestamp>>) -> Anchor<'_> {
        last_event_at.as_ref().and_then(Option::as_ref)
    }

    /// `AccountVisitor`: members in any order, each once; the times of
    /// lots and purchases relative to a `last_event_at` read before them.
    fn account(t: &mut Text<'_, '_>, slot: &mut Option<Account>) -> Option<()> {
        let mut member = None;
        let (mut enrolled_at, mut last_event_at, mut last_activity_at) = (None, None, None);
        let (mut profile_, mut visits, mut points_, mut wallet, mut stamps_) =
            (None, None, None, None, None);
        let (mut vouchers, mut reservations, mut redemptions, mut purchases) =
            (None, None, None, None);
        let (mut tier_, mut usage_, mut subscription_, mut donations) = (None, None, None, None);
        let (mut birthday_year, mut referral_done, mut referrals) = (None, None, None);
        let (mut messaging_, mut recent_events) = (None, None);
        members!(t, {
            "member" => once(&mut member, Id::from(t.str()?)),
            "enrolled_at" => once(&mut enrolled_at, opt_stamp(t)?),
            "last_event_at" => once(&mut last_event_at, opt_stamp(t)?),
            "last_activity_at" => once(&mut last_activity_at, opt_stamp(t)?),
            "profile" => once(&mut profile_, profile(t)?),
            "visits" => once(&mut visits, t.u64()?),
            "points" => once(&mut points_, points(t, anchor(&last_event_at))?),
            "wallet" => once(&mut wallet, points(t, anchor(&last_event_at))?),
            "stamps" => once(&mut stamps_, stamps(t)?),
            "vouchers" => once(&mut vouchers, t.list(voucher)?),
            "reservations" => once(&mut reservations, t.list(reservation)?),
            "redemptions" => once(&mut redemptions, t.list(redemption)?),
            "purchases" => {
                let anchor = anchor(&last_event_at);
                once(&mut purchases, t.list(|t| purchase(t, anchor))?)
            },
            "tier" => once(&mut tier_, t.nullable(tier)?),
            "usage" => once(&mut usage_, t.list(usage)?),
            "subscription" => once(&mut subscription_, t.nullable(subscription)?),
            "donations" => once(&mut donations, t.list(cause_total)?),
            "birthday_year" => once(&mut birthday_year, t.nullable(Text::i32)?),
            "referral_done" => once(&mut referral_done, t.bool()?),
            "referrals" => once(&mut referrals, strings(t)?),
            "messaging" => once(&mut messaging_, messaging(t)?),
            "recent_events" => once(&mut recent_events, t.list(seen)?),
        })?;
        let last_event_at = last_event_at.flatten();
        // Built where the caller keeps it: an account is 808 bytes, and
        // each move on the way to the engine was a copy.
        *slot = Some(Account {
            member: member?,
            enrolled_at: enrolled_at.flatten(),
            last_activity_at: last_activity_at.unwrap_or(last_event_at),
            last_event_at,
            profile: profile_.unwrap_or_default(),
            visits: visits.unwrap_or(0),
            points: points_.unwrap_or_default(),
            wallet: wallet.unwrap_or_default(),
            stamps: stamps_.unwrap_or_default(),
            vouchers: vouchers.map(VecDeque::from).unwrap_or_default(),
            reservations: reservations.unwrap_or_default(),
            redemptions: redemptions.map(VecDeque::from).unwrap_or_default(),
            purchases: purchases.map(VecDeque::from).unwrap_or_default(),
            tier: tier_.flatten(),
            usage: usage_.unwrap_or_default(),
            subscription: subscription_.flatten(),
            donations: donations.unwrap_or_default(),
            birthday_year: birthday_year.flatten(),
            referral_done: referral_done.unwrap_or(false),
            referrals: referrals.unwrap_or_default(),
            messaging: messaging_.unwrap_or_default(),
            recent_events: recent_events.unwrap_or_default(),
        });
        Some(())
    }

    impl Account {
        /// An account document (`null` or an account, and nothing after
        /// it) as `json::parse_account` reads it before its checks; `None`
        /// when serde must read it (see the module's comment).
        #[cfg(test)]
        pub(crate) fn read_usual(json: &str) -> Option<Option<Account>> {
            let mut slot = None;
            Account::read_usual_into(json, &mut slot, None)?;
            Some(slot)
        }

        /// An account document read as `read_usual` reads it, into `slot`,
        /// where the caller keeps the account, with the timestamps read in
        /// it written to `times` when given (see `ReadTimes`). On `None`,
        /// `slot` holds anything (the caller reads the text again with
        /// serde into it) and `times` the timestamps read before the
        /// reader gave up, which are still true of the text.
        pub(crate) fn read_usual_into<'j>(
            json: &'j str,
            slot: &mut Option<Account>,
            times: Option<&mut ReadTimes<'j>>,
        ) -> Option<()> {
            let mut t = Text::keeping_times(json, times);
            if t.null()? {
                *slot = None;
            } else {
                account(&mut t, slot)?;
            }
            t.end()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use chrono::{DateTime, Duration, FixedOffset};

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn hex8_is_format_x() {
        let mut x = 0x9e37_79b9_u32;
        for n in [0, 1, 9, 10, 15, 16, 0xa0, 0xdead_beef, u32::MAX] {
            assert_eq!(hex8(n).to_vec(), format!("{n:08x}").into_bytes());
        }
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            assert_eq!(hex8(x).to_vec(), format!("{x:08x}").into_bytes());
        }
    }

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn lot(points: i64, earned: &str, expires: Option<&str>, available: Option<&str>) -> Lot {
        Lot {
            points,
            earned_at: ts(earned),
            available_at: available.map(ts),
            expires_at: expires.map(ts),
        }
    }

    fn sample() -> Account {
        let mut a = Account::new("m 1");
        a.enrolled_at = Some(ts("2026-03-02T08:00:00-05:00"));
        a.last_event_at = Some(ts("2026-03-12T11:10:00-04:00"));
        a.last_activity_at = Some(ts("2026-03-11T11:10:00-04:00"));
        a.points.balance = 10;
        a.points.pending = 5;
        a.points.lots = VecDeque::from([
            // Another offset: written in RFC 3339.
            lot(
                4,
                "2026-03-02T08:05:00-05:00",
                Some("2027-03-02T08:05:00-05:00"),
                None,
            ),
            // Not whole seconds after the anchor: RFC 3339.
            lot(6, "2026-03-10T10:33:00.5-04:00", None, None),
            lot(
                5,
                "2026-03-12T11:10:00-04:00",
                None,
                Some("2026-03-26T11:10:00-04:00"),
            ),
        ]);
        a.purchases = VecDeque::from([PurchaseRecord {
            id: "p 1".into(),
            at: ts("2026-03-12T11:10:00-04:00"),
            lines: vec![
                LineRecord {
                    quantity: 3,
                    returned: 1,
                    points: 10,
                    points_back: 3,
                    stamps: 0,
                    stamps_back: 0,
                    cashback: 0,
                    cashback_back: 0,
                    donation: 0,
                    donation_back: 0,
                    spend: 900,
                    spend_back: 300,
                },
                LineRecord {
                    quantity: 1,
                    returned: 0,
                    points: 0,
                    points_back: 0,
                    stamps: 0,
                    stamps_back: 0,
                    cashback: 0,
                    cashback_back: 0,
                    donation: 0,
                    donation_back: 7,
                    spend: 0,
                    spend_back: 0,
                },
            ],
            visit_points: 0,
            visit_stamps: 2,
            redemptions: vec![],
            tier_bucket: None,
            cause: Some("trees".into()),
            vouchers: vec![],
        }]);
        a.tier = Some(super::super::TierState {
            level: None,
            since: None,
            review_at: None,
            grace_until: None,
            buckets: vec![Bucket { key: 1, value: 2 }],
        });
        a.recent_events = vec![SeenEvent {
            id: "p 1".into(),
            digest: 0x0123_4567_89ab_cdef,
        }];
        a
    }

    #[test]
    fn round_trips_in_the_compact_form() {
        let a = sample();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"{"member":"m 1","enrolled_at":"2026-03-02T08:00:00-05:00","last_event_at":"2026-03-12T11:10:00-04:00","last_activity_at":"2026-03-11T11:10:00-04:00","points":{"balance":10,"pending":5,"lots":[[4,"2026-03-02T08:05:00-05:00","2027-03-02T08:05:00-05:00"],[6,"2026-03-10T10:33:00.500-04:00"],[5,0,null,1209600]]},"stamps":{"count":0},"purchases":[["p 1",0,[[3,10,900,0,0,0,1,3,300],[1,0,0,0,0,0,0,0,0,0,0,7]],null,0,2,[],"trees"]],"tier":{"buckets":[[1,2]]},"recent_events":["p 1 0123456789abcdef"]}"#
        );
        assert_eq!(serde_json::from_str::<Account>(&json).unwrap(), a);
    }

    /// The copy `Engine::apply` works on is the account, with room to grow.
    #[test]
    fn a_copy_with_room_is_equal() {
        let a = sample();
        let copy = a.copy_with_room();
        assert_eq!(copy, a);
        assert!(copy.points.lots.capacity() > a.points.lots.len());
        assert!(copy.purchases.capacity() > a.purchases.len());
    }

    /// Remembered events are written as "ID DIGEST", whatever the id's length.
    #[test]
    fn remembered_events_are_written_as_id_and_digest() {
        for id in ["e", "caf\u{e9} 1", &"x".repeat(128), &"y".repeat(300)] {
            for digest in [0, 0x0123_4567_89ab_cdef, u64::MAX] {
                let seen = SeenEvent {
                    id: Id::from(id),
                    digest,
                };
                let json = serde_json::to_string(&seen).unwrap();
                assert_eq!(json, format!("\"{id} {digest:016x}\""));
            }
        }
    }

    /// A remembered event's digest is exactly 16 lowercase hex digits.
    #[test]
    fn remembered_digests_are_16_lowercase_hex_digits() {
        let json = serde_json::to_string(&sample()).unwrap();
        for bad in [
            "p 1 0123456789ABCDEF",
            "p 1 0123456789abcde",
            "p 1 0123456789abcdef0",
            "p 1 +123456789abcdef",
            "p 1 0123456789abcdeg",
            "p1",
        ] {
            let text = json.replace("p 1 0123456789abcdef", bad);
            let err = crate::json::parse_account(&text).map(|_| ()).unwrap_err();
            assert_eq!(err.path(), "recent_events[0]", "{bad}: {err}");
        }
    }

    /// Times relative to the anchor, by Unix seconds, are chrono's: the
    /// same instant and offset when read, the same seconds (or none) when
    /// written, for anchors and times of every year, offset and fraction,
    /// leap seconds included.
    #[test]
    fn relative_times_are_chrono_arithmetic() {
        use chrono::{NaiveDate, TimeZone};
        let mut seed = 3_u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        for _ in 0..100_000 {
            let offset =
                FixedOffset::east_opt(i32::try_from(next(50_000)).unwrap() - 25_000).unwrap();
            let year = i32::try_from(next(10_000)).unwrap();
            let date = NaiveDate::from_ymd_opt(year, 1, 1)
                .unwrap()
                .checked_add_days(chrono::Days::new(next(300)))
                .unwrap();
            let nanos = match next(6) {
                0 => u32::try_from(next(1_000_000_000)).unwrap(),
                1 => 1_000_000_000 + u32::try_from(next(1_000_000_000)).unwrap(),
                _ => 0,
            };
            // A leap second is second 59 with nanoseconds past a billion.
            let secs = if nanos >= 1_000_000_000 {
                86_399
            } else {
                next(86_400)
            };
            let secs = u32::try_from(secs).unwrap();
            let local = date
                .and_hms_nano_opt(secs / 3600, secs / 60 % 60, secs % 60, nanos)
                .unwrap();
            let Some(anchor) = offset.from_local_datetime(&local).single() else {
                continue;
            };
            let seconds = match next(5) {
                0 => i64::try_from(next(1 << 40)).unwrap() - (1 << 39),
                // The anchor itself (the writer's shortcut).
                4 => 0,
                1 => i64::MAX - i64::try_from(next(10)).unwrap(),
                _ => i64::try_from(next(100_000_000)).unwrap() - 50_000_000,
            };
            let chrono = Duration::try_seconds(seconds).and_then(|d| anchor.checked_add_signed(d));
            let ours = Timestamp::from_datetime(anchor).checked_plus_seconds(seconds);
            // Equal timestamps have equal offsets too.
            assert_eq!(
                ours,
                chrono.map(Timestamp::from_datetime),
                "{anchor} {seconds}"
            );
            if let Some(t) = chrono {
                let (a, t) = (
                    Timestamp::from_datetime(anchor),
                    Timestamp::from_datetime(t),
                );
                let want = relative_before(Some(&a), &t);
                assert_eq!(relative(Some(&a), &t), want, "{anchor} {seconds}");
                if let Some(n) = want {
                    // Whatever is kept as seconds reads back as itself.
                    assert_eq!(a.checked_plus_seconds(n), Some(t));
                }
                let other =
                    t.as_datetime() + Duration::nanoseconds(i64::try_from(next(3)).unwrap());
                let other = Timestamp::from_datetime(other);
                let want = relative_before(Some(&a), &other);
                assert_eq!(relative(Some(&a), &other), want, "{anchor} {other}");
            }
        }
    }

    /// Seconds from `anchor` to `t` as the writers worked them out before
    /// [`seconds_to`] (and its `Anchor` before that): chrono's Unix seconds of both, each time; next to a leap
    /// second, chrono's difference, kept only when it reads back as `t`.
    fn relative_before(anchor: Option<&Timestamp>, t: &Timestamp) -> Option<i64> {
        let a = anchor?.as_datetime();
        let d = t.as_datetime();
        if a.offset() != d.offset() {
            return None;
        }
        let (an, dn) = (a.timestamp_subsec_nanos(), d.timestamp_subsec_nanos());
        if an < 1_000_000_000 && dn < 1_000_000_000 {
            return (an == dn).then(|| d.timestamp() - a.timestamp());
        }
        leap_seconds(a, d)
    }

    /// Chrono's difference from `a` to `d` in whole seconds, when adding
    /// it to `a` gives `d` back.
    fn leap_seconds(a: DateTime<FixedOffset>, d: DateTime<FixedOffset>) -> Option<i64> {
        let diff = d.signed_duration_since(a);
        let n = (diff.subsec_nanos() == 0).then(|| diff.num_seconds())?;
        (Duration::try_seconds(n).and_then(|x| a.checked_add_signed(x)) == Some(d)).then_some(n)
    }

    /// A time as it was written before: seconds when exact, else RFC 3339.
    fn time_before(anchor: Option<&Timestamp>, t: &Timestamp) -> serde_json::Value {
        match relative_before(anchor, t) {
            Some(n) => n.into(),
            None => serde_json::to_value(t).unwrap(),
        }
    }

    /// Accounts with the anchor moved onto their own times (the same
    /// instant), into another offset, off by a nanosecond, onto a leap
    /// second, and with remembered ids of every length around the
    /// buffer's.
    fn variants(a: &Account) -> Vec<Account> {
        let mut out = vec![a.clone()];
        let times: Vec<Timestamp> = a
            .points
            .lots
            .iter()
            .chain(&a.wallet.lots)
            .flat_map(|l| [Some(l.earned_at), l.expires_at, l.available_at])
            .flatten()
            .chain(a.purchases.iter().map(|p| p.at))
            .collect();
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_000_000_000)
            .unwrap()
            .and_utc()
            .fixed_offset();
        let mut anchors: Vec<Timestamp> = times.iter().take(4).copied().collect();
        if let Some(t) = a.last_event_at.or(times.first().copied()) {
            let d = t.as_datetime();
            anchors.push(Timestamp::from_datetime(
                d.with_timezone(&FixedOffset::east_opt(3600).unwrap()),
            ));
            anchors.push(Timestamp::from_datetime(d + Duration::nanoseconds(1)));
            anchors.push(Timestamp::from_datetime(d + Duration::milliseconds(250)));
        }
        anchors.push(Timestamp::from_datetime(leap));
        for anchor in anchors {
            let mut b = a.clone();
            b.last_event_at = Some(anchor);
            out.push(b);
        }
        let mut b = a.clone();
        b.recent_events = (0..=crate::limits::MAX_ID_BYTES + 2)
            .map(|n| SeenEvent {
                id: Id::from(match n % 3 {
                    0 => "x".repeat(n),
                    1 => format!("{}\u{e9}", "y".repeat(n.saturating_sub(2))),
                    _ => format!("\u{1f600}{}", "z".repeat(n.saturating_sub(4))),
                }),
                digest: (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            })
            .collect();
        out.push(b);
        out
    }

    /// What the account's writer changed for speed (the anchor's seconds
    /// worked out once, the empty wallet tested field by field, remembered
    /// events made in an aligned buffer) writes what it wrote before: the
    /// same times, members and "ID DIGEST" texts, on every account of the
    /// conformance vectors, accounts read from mutations of them, and
    /// variants of both; and the text reads back to the same account.
    #[test]
    fn accounts_are_written_as_before() {
        let (_, mut docs) = crate::json::fast::tests::vector_documents();
        docs.sort();
        docs.dedup();
        let mut rng = crate::json::fast::tests::Rng(0x5851_f42d_4c95_7f2d);
        let mut accounts: Vec<Account> = vec![sample()];
        for doc in &docs {
            let mut texts = vec![doc.clone()];
            texts.extend(crate::json::fast::tests::mutations(doc, &mut rng, 20));
            for text in texts {
                if let Ok(Some(a)) = serde_json::from_str::<Option<Account>>(&text) {
                    accounts.extend(variants(&a));
                }
            }
        }
        assert!(accounts.len() > 1_000, "{}", accounts.len());
        for a in &accounts {
            let json = serde_json::to_string(a).unwrap();
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            let anchor = a.last_event_at.as_ref();
            for (name, p) in [("points", &a.points), ("wallet", &a.wallet)] {
                if name == "wallet" {
                    assert_eq!(unused(p), p.is_empty());
                    if p.is_empty() {
                        assert!(v.get("wallet").is_none(), "{json}");
                        continue;
                    }
                }
                let w = &v[name];
                for (key, n) in [
                    ("pending", p.pending),
                    ("reserved", p.reserved),
                    ("debt", p.debt),
                ] {
                    assert_eq!(w.get(key).cloned(), (n != 0).then(|| n.into()), "{json}");
                }
                let lots = w
                    .get("lots")
                    .map_or(vec![], |l| l.as_array().unwrap().clone());
                assert_eq!(lots.len(), p.lots.len(), "{json}");
                for (lot, w) in p.lots.iter().zip(&lots) {
                    assert_eq!(w[0], lot.points, "{json}");
                    assert_eq!(w[1], time_before(anchor, &lot.earned_at), "{json}");
                    if let Some(t) = &lot.expires_at {
                        assert_eq!(w[2], time_before(anchor, t), "{json}");
                    }
                    if let Some(t) = &lot.available_at {
                        assert_eq!(w[3], time_before(anchor, t), "{json}");
                    }
                }
            }
            for (p, w) in a
                .purchases
                .iter()
                .zip(v["purchases"].as_array().into_iter().flatten())
            {
                assert_eq!(w[1], time_before(anchor, &p.at), "{json}");
            }
            let seen: Vec<String> = a
                .recent_events
                .iter()
                .map(|e| format!("{} {:016x}", e.id, e.digest))
                .collect();
            assert_eq!(
                v.get("recent_events").cloned(),
                (!seen.is_empty()).then(|| seen.into()),
                "{json}"
            );
            assert_eq!(
                &serde_json::from_str::<Account>(&json).unwrap(),
                a,
                "{json}"
            );
        }
    }

    /// Variants of `a` in the members the direct writer writes itself:
    /// each optional member present and absent, escapes, every position
    /// of a purchase and a line, tiers with any of their members.
    #[cfg(not(target_arch = "wasm32"))]
    fn direct_variants(a: &Account) -> Vec<Account> {
        let t = ts("2026-03-12T11:10:00.25+01:00");
        let mut out = vec![];
        let mut push = |f: &dyn Fn(&mut Account)| {
            let mut b = a.clone();
            f(&mut b);
            out.push(b);
        };
        push(&|b| b.member = "we\"ird\\\n\u{1}é".into());
        push(&|b| b.last_activity_at = None);
        push(&|b| b.last_activity_at = Some(t));
        push(&|b| b.enrolled_at = None);
        push(&|b| b.visits = u64::MAX);
        push(&|b| b.tier = Some(super::super::TierState::default()));
        push(&|b| {
            b.tier = Some(super::super::TierState {
                level: Some("g\"old".into()),
                grace_until: Some(t),
                ..super::super::TierState::default()
            })
        });
        push(&|b| {
            b.tier = Some(super::super::TierState {
                since: Some(t),
                review_at: Some(t),
                buckets: vec![
                    Bucket {
                        key: -1,
                        value: i64::MIN,
                    },
                    Bucket { key: 2, value: 0 },
                ],
                ..super::super::TierState::default()
            })
        });
        push(&|b| {
            b.stamps.cards_completed = 3;
            b.stamps.count = -2;
            b.birthday_year = Some(-5);
            b.referral_done = true;
            b.referrals = vec!["r".into()];
            b.wallet = b.points.clone();
            b.wallet.debt = 4;
            b.wallet.reserved = -3;
        });
        push(&|b| {
            b.points.lots.push_back(Lot {
                points: -1,
                earned_at: t,
                available_at: Some(t),
                expires_at: None,
            })
        });
        for i in 0..9 {
            push(&|b| {
                let mut p = b
                    .purchases
                    .front()
                    .cloned()
                    .unwrap_or_else(|| PurchaseRecord {
                        id: "p\"".into(),
                        at: t,
                        lines: vec![],
                        visit_points: 0,
                        visit_stamps: 0,
                        redemptions: vec![],
                        tier_bucket: None,
                        cause: None,
                        vouchers: vec![],
                    });
                match i {
                    0 => p.tier_bucket = Some(-7),
                    1 => p.visit_points = 3,
                    2 => p.visit_stamps = 4,
                    3 => {
                        p.redemptions = vec![crate::account::Redemption {
                            id: "x".into(),
                            at: t,
                            reward: "r".into(),
                            points: 5,
                            voucher: None,
                            wallet: 0,
                        }]
                    }
                    4 => p.cause = Some("c\n".into()),
                    5 => p.vouchers = vec!["v1".into(), "v\"2".into()],
                    6 => p.lines = vec![],
                    7 => {
                        p.lines = (0..13)
                            .map(|k| {
                                let mut n = [0_i64; 11];
                                for (j, v) in n.iter_mut().enumerate() {
                                    if j < k {
                                        *v = (j as i64 + 1) * if j % 2 == 0 { 1 } else { -10_000 };
                                    }
                                }
                                LineRecord::from_numbers(k as u32, k as u32 % 3, n)
                            })
                            .collect()
                    }
                    _ => p.at = t,
                }
                b.purchases.push_back(p);
            });
        }
        out
    }

    /// The direct writer writes what serde_json writes, on the accounts of
    /// [`accounts_are_written_as_before`] and variants of them in every
    /// member it writes itself.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn accounts_are_written_directly_as_serde_json_writes_them() {
        let (_, mut docs) = crate::json::fast::tests::vector_documents();
        docs.sort();
        docs.dedup();
        let mut rng = crate::json::fast::tests::Rng(0x2545_f491_4f6c_dd1d);
        let mut accounts: Vec<Account> = vec![sample(), Account::new("m")];
        for doc in &docs {
            let mut texts = vec![doc.clone()];
            texts.extend(crate::json::fast::tests::mutations(doc, &mut rng, 10));
            for text in texts {
                if let Ok(Some(a)) = serde_json::from_str::<Option<Account>>(&text) {
                    accounts.extend(variants(&a));
                }
            }
        }
        let extra: Vec<Account> = accounts
            .iter()
            .step_by(7)
            .flat_map(direct_variants)
            .collect();
        accounts.extend(extra);
        accounts.extend(direct_variants(&sample()));
        assert!(accounts.len() > 2_000, "{}", accounts.len());
        for a in &accounts {
            let mut direct = String::from("[");
            a.append_json(&mut direct);
            assert_eq!(direct[1..], serde_json::to_string(a).unwrap());
        }
    }

    /// The one-pass digest reads what the check-then-parse did, and
    /// refuses what it refused.
    #[test]
    fn digests_read_in_one_pass_as_checked_then_parsed() {
        let by_parts = |d: &str| {
            let hex = d.len() == 16
                && d.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            hex.then(|| u64::from_str_radix(d, 16).ok()).flatten()
        };
        let alphabet = b"0123456789abcdefABCDEFgz+- \xff";
        let mut seed = 5_u64;
        for _ in 0..100_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let len = [16, 16, 16, 15, 17, 0, 1][(seed >> 40) as usize % 7];
            let text: String = (0..len)
                .map(|i| {
                    let r = seed.rotate_left(i * 5) >> 3;
                    // Mostly lowercase hex, sometimes anything.
                    let pool = if r % 9 == 0 { alphabet.len() } else { 16 };
                    char::from(alphabet[(r >> 4) as usize % pool])
                })
                .collect();
            assert_eq!(digest(&text), by_parts(&text), "{text:?}");
        }
        // Every byte in every position of a valid digest.
        for i in 0..16 {
            for b in 0..=255_u8 {
                let mut text = *b"0123456789abcdef";
                text[i] = b;
                if let Ok(text) = std::str::from_utf8(&text) {
                    assert_eq!(digest(text), by_parts(text), "{text:?}");
                }
            }
        }
        assert_eq!(digest("ffffffffffffffff"), Some(u64::MAX));
        assert_eq!(digest("0000000000000000"), Some(0));
        assert_eq!(digest("é00000000000000"), None);
    }

    #[test]
    fn last_activity_is_left_out_when_equal_and_null_when_none() {
        let mut a = sample();
        a.last_activity_at = a.last_event_at;
        let json = serde_json::to_string(&a).unwrap();
        assert!(!json.contains("last_activity_at"));
        assert_eq!(serde_json::from_str::<Account>(&json).unwrap(), a);
        a.last_activity_at = None;
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains(r#""last_activity_at":null"#));
        assert_eq!(serde_json::from_str::<Account>(&json).unwrap(), a);
    }

    fn error(json: &str) -> String {
        serde_json::from_str::<Account>(json)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn refuses_what_is_not_the_format() {
        let m = r#""member":"m","points":{"balance":0"#;
        for (json, message) in [
            (
                format!(r#"{{{m},"lots":[[1,-60]]}}}}"#),
                "needs `last_event_at` before it",
            ),
            (
                format!(r#"{{{m},"lots":[[1,-60]]}},"last_event_at":"2026-03-12T11:10:00Z"}}"#),
                "needs `last_event_at` before it",
            ),
            (
                format!(
                    r#"{{"last_event_at":"2026-03-12T11:10:00Z",{m},"lots":[[1,-99999999999999]]}}}}"#
                ),
                "outside the supported years",
            ),
            (
                format!(
                    r#"{{"last_event_at":"2026-03-12T11:10:00Z",{m},"lots":[[1,0,null,0,0]]}}}}"#
                ),
                "a lot has at most 4 elements",
            ),
            (format!(r#"{{{m},"lots":[[1]]}}}}"#), "invalid length 1"),
            (
                format!(r#"{{{m},"lots":[[1,"2026-03-12T11:10:00Z",null,null]]}}}}"#),
                "`available_at` is a time",
            ),
            (format!(r#"{{{m},"extra":0}}}}"#), "unknown field `extra`"),
            (format!(r#"{{{m}}},"vip":true}}"#), "unknown field `vip`"),
            (
                format!(r#"{{{m}}},"member":"n"}}"#),
                "duplicate field `member`",
            ),
            (
                format!(r#"{{{m}}},"recent_events":["p1"]}}"#),
                "is not an event id",
            ),
            (
                format!(r#"{{{m}}},"tier":{{"buckets":[[1,2,3]]}}}}"#),
                "a tier bucket has at most 2 elements",
            ),
            (
                format!(r#"{{{m}}},"purchases":[["p",0,[]]]}}"#),
                "needs `last_event_at` before it",
            ),
            (
                format!(
                    r#"{{{m}}},"purchases":[["p","2026-03-12T11:10:00Z",[[1,0,0,0,0,0,-1]]]]}}"#
                ),
                "invalid value: integer `-1`",
            ),
            (
                format!(
                    r#"{{{m}}},"purchases":[["p","2026-03-12T11:10:00Z",[[1,0,0,0,0,0,0,0,0,0,0,0,0]]]]}}"#
                ),
                "a purchase line has at most 12 elements",
            ),
            (
                format!(
                    r#"{{{m}}},"purchases":[["p","2026-03-12T11:10:00Z",[],null,0,0,[],null,[],1]]}}"#
                ),
                "a purchase has at most 9 elements",
            ),
            (
                format!(r#"{{{m}}},"purchases":[{{"id":"p"}}]}}"#),
                "invalid type: map",
            ),
        ] {
            let e = error(&json);
            assert!(e.contains(message), "{json}: {e}");
        }
    }

    #[test]
    fn reservation_lots_are_positional_with_rfc_3339_times() {
        let l = lot(
            5,
            "2026-03-12T11:10:00-04:00",
            Some("2027-03-12T11:10:00-04:00"),
            None,
        );
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(
            json,
            r#"[5,"2026-03-12T11:10:00-04:00","2027-03-12T11:10:00-04:00"]"#
        );
        assert_eq!(serde_json::from_str::<Lot>(&json).unwrap(), l);
        assert!(serde_json::from_str::<Lot>("[5,0]").is_err());
    }
}
