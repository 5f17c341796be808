//! Duplicate detection without unbounded memory.
//!
//! An account remembers the ids of its last `idempotency.remember` events
//! (default 16, at most [`MAX_REMEMBERED_EVENTS`](crate::limits::MAX_REMEMBERED_EVENTS)),
//! each with a 64-bit FNV-1a digest of the event's content. A retry of a
//! remembered event is a no-op reported as `duplicate`; the same id with
//! other content is a conflict. An event older than the window is refused as
//! out of order (events are applied in time order), so nothing is ever
//! applied twice even after it is forgotten. Memory: at most `remember` ids
//! of up to 128 bytes plus 16 hex digits each.
//!
//! The digest is over the parsed event's fields, not the caller's bytes:
//! whitespace and key order do not matter, and `"1.5"` and `"1.50"` differ
//! (they are different inputs). Every field is fed with its kind and length
//! in a fixed byte order, so the digest is the same on every platform (the
//! C library and the 32-bit WebAssembly build agree with native Rust), and
//! no JSON is written: the digest used to be over the event's JSON, which
//! was a fifth of the cost of applying a purchase.

use crate::decimal::Dec;
use crate::event::*;
use crate::time::Timestamp;

/// 64-bit FNV-1a.
struct Fnv(u64);

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn u64(&mut self, n: u64) {
        self.bytes(&n.to_le_bytes());
    }
}

/// A value that can be fed to the digest.
trait Feed {
    fn feed(&self, h: &mut Fnv);
}

impl Feed for str {
    fn feed(&self, h: &mut Fnv) {
        h.u64(self.len() as u64);
        h.bytes(self.as_bytes());
    }
}

impl Feed for String {
    fn feed(&self, h: &mut Fnv) {
        self.as_str().feed(h);
    }
}

impl Feed for u32 {
    fn feed(&self, h: &mut Fnv) {
        h.u64(u64::from(*self));
    }
}

impl Feed for i64 {
    fn feed(&self, h: &mut Fnv) {
        h.bytes(&self.to_le_bytes());
    }
}

impl Feed for Dec {
    /// Mantissa and scale: `1.5` and `1.50` are different inputs.
    fn feed(&self, h: &mut Fnv) {
        h.bytes(&self.0.mantissa().to_le_bytes());
        h.u64(u64::from(self.0.scale()));
    }
}

impl Feed for Timestamp {
    /// The instant and the offset it was written with.
    fn feed(&self, h: &mut Fnv) {
        let t = self.as_datetime();
        h.bytes(&t.timestamp().to_le_bytes());
        h.u64(u64::from(t.timestamp_subsec_nanos()));
        h.bytes(&t.offset().local_minus_utc().to_le_bytes());
    }
}

impl<T: Feed> Feed for Option<T> {
    fn feed(&self, h: &mut Fnv) {
        match self {
            None => h.bytes(&[0]),
            Some(v) => {
                h.bytes(&[1]);
                v.feed(h);
            }
        }
    }
}

impl<T: Feed> Feed for Vec<T> {
    fn feed(&self, h: &mut Fnv) {
        h.u64(self.len() as u64);
        for v in self {
            v.feed(h);
        }
    }
}

/// `Feed` for a struct, field by field. The struct is destructured without
/// `..`, so a field added to an event that is not fed here fails to compile.
macro_rules! feed_fields {
    ($($ty:ident { $($field:ident),* $(,)? })*) => {$(
        impl Feed for $ty {
            fn feed(&self, h: &mut Fnv) {
                let $ty { $($field),* } = self;
                $($field.feed(h);)*
            }
        }
    )*};
}

feed_fields! {
    Enrol { id, time, member, location, staff, channel, tags, birthday, cause, referrer }
    Purchase { id, time, location, staff, channel, lines, redemptions }
    Line { sku, category, tags, quantity, unit_price, discount, reward_discount }
    Return { id, time, purchase, lines }
    ReturnLine { line, quantity }
    Redeem { id, time, reward, voucher, amount, basket }
    Settle { id, time, reservation }
    TimeAdvanced { id, time }
    Adjust { id, time, points, stamps, staff, reason }
    UpdateProfile { id, time, tags, birthday, cause }
    Subscribe { id, time, plan }
    Cancel { id, time }
    Referral { id, time, referred }
}

impl Feed for Event {
    /// The event's `type` first, so two kinds with the same fields (a
    /// redeem and a reserve) differ.
    fn feed(&self, h: &mut Fnv) {
        self.kind().feed(h);
        match self {
            Event::Enrol(e) => e.feed(h),
            Event::Purchase(e) => e.feed(h),
            Event::Return(e) => e.feed(h),
            Event::Redeem(e) | Event::Reserve(e) => e.feed(h),
            Event::Commit(e) | Event::Release(e) => e.feed(h),
            Event::TimeAdvanced(e) => e.feed(h),
            Event::Adjust(e) => e.feed(h),
            Event::UpdateProfile(e) => e.feed(h),
            Event::Subscribe(e) | Event::Renew(e) => e.feed(h),
            Event::Cancel(e) => e.feed(h),
            Event::Referral(e) => e.feed(h),
        }
    }
}

/// The digest of an event, as 16 lowercase hex digits.
pub(crate) fn digest(event: &Event) -> u64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    event.feed(&mut h);
    h.0
}

#[cfg(test)]
mod tests {
    use super::digest;
    use crate::json::parse_event;

    fn d(json: &str) -> String {
        format!(
            "{:016x}",
            digest(&parse_event(json).unwrap_or_else(|e| panic!("{json}: {e}")))
        )
    }

    /// Pinned, so a change of the digest (which makes every stored account's
    /// memory of recent events read as conflicts) is a deliberate one.
    #[test]
    fn digest_is_stable() {
        let e = r#"{"type":"purchase","id":"p1","time":"2026-03-14T09:30:00-05:00",
            "lines":[{"sku":"latte","category":"coffee","quantity":2,"unit_price":"4.50"}]}"#;
        assert_eq!(d(e), "9cbaf2be3dce546e");
    }

    #[test]
    fn digest_sees_every_difference_that_matters() {
        let base = r#"{"type":"purchase","id":"p1","time":"2026-03-14T09:30:00-05:00","lines":[{"sku":"a","quantity":1,"unit_price":"1.5"}]}"#;
        let same = r#"{ "id":"p1", "type":"purchase", "lines":[{"unit_price":"1.5","quantity":1,"sku":"a"}], "time":"2026-03-14T09:30:00-05:00"}"#;
        assert_eq!(d(base), d(same));
        for other in [
            base.replace("\"1.5\"", "\"1.50\""),
            base.replace("-05:00", "-04:00").replace("09:30", "10:30"),
            base.replace("\"sku\":\"a\"", "\"sku\":\"a\",\"category\":\"\""),
            base.replace("purchase", "enrol"),
        ] {
            if let Ok(e) = parse_event(&other) {
                assert_ne!(d(base), format!("{:016x}", digest(&e)), "{other}");
            }
        }
        let redeem =
            r#"{"type":"redeem","id":"r","time":"2026-03-14T09:30:00Z","reward":"x","basket":[]}"#;
        assert_ne!(d(redeem), d(&redeem.replace("redeem", "reserve")));
    }
}
