//! Duplicate detection without unbounded memory.
//!
//! An account remembers the ids of its last `idempotency.remember` events
//! (default 16, at most [`MAX_REMEMBERED_EVENTS`](crate::limits::MAX_REMEMBERED_EVENTS)),
//! each with a 64-bit digest of the event's content. A retry of a
//! remembered event is a no-op reported as `duplicate`; the same id with
//! other content is a conflict. An event older than the window is refused as
//! out of order (events are applied in time order), so nothing is ever
//! applied twice even after it is forgotten. Memory: at most `remember` ids
//! of up to 128 bytes plus 16 hex digits each.
//!
//! The digest is over the parsed event's fields, not the caller's bytes:
//! whitespace and key order do not matter, and `"1.5"` and `"1.50"` differ
//! (they are different inputs). Every field is fed with its kind and length
//! (the event's `type` first, a tag before an optional value, a length
//! before a string or a list), so no two different events feed the same
//! sequence of words. No JSON is written: the digest used to be over the
//! event's JSON, which was a fifth of the cost of applying a purchase.
//!
//! The hash works a 64-bit word at a time: an integer is one word (an `i128`
//! mantissa two), a string is its length and then its bytes in words of 8
//! read little-endian (`u64::from_le_bytes`, the last one padded with
//! zeros, which the length before it makes unambiguous). Each word is mixed
//! in with an exclusive or, a multiplication by an odd constant and a
//! rotation by 32 bits, which brings the product's high half (where the
//! multiplication carries the input's low bits) down to where the next
//! multiplication spreads it up again. Each step is a bijection, so two
//! sequences of words that differ in exactly one word never collide. The
//! result goes through murmur3's 64-bit finaliser, so every bit of the
//! state reaches every bit of the digest. It used to be FNV-1a fed a byte
//! at a time, integers and lengths included (8 steps for each), which cost
//! about a tenth of applying a purchase.
//!
//! Only `u64` arithmetic in a fixed byte order: nothing depends on `usize`,
//! the platform or a random seed, so the digest is the same on every
//! platform (the C library and the 32-bit WebAssembly build agree with
//! native Rust) and from one run to the next. It is not a cryptographic
//! hash: it tells a retry from an id reused by mistake, but two events
//! could be constructed to collide (a change of only the top bit of one
//! word and only bit 31 of the next cancels out).

use crate::decimal::Dec;
use crate::event::*;
use crate::time::Timestamp;

/// The state of the digest: a word-at-a-time mixer.
struct Mixer(u64);

impl Mixer {
    /// Starting state (the first 64 bits of the fraction of pi).
    const SEED: u64 = 0x243f_6a88_85a3_08d3;
    /// Multiplier of a step: odd, so the multiplication is a bijection
    /// (2^64 / golden ratio).
    const K: u64 = 0x9e37_79b9_7f4a_7c15;

    /// Mixes in one word.
    #[inline]
    fn u64(&mut self, w: u64) {
        self.0 = (self.0 ^ w).wrapping_mul(Self::K).rotate_left(32);
    }

    /// Mixes in bytes 8 at a time, little-endian, the last word padded with
    /// zeros. Not framed: callers feed the length first.
    ///
    /// The last word is read without a loop over its bytes: after 8 bytes
    /// or more, as the string's last 8 bytes shifted right past the ones
    /// already fed; in a string of 4 to 7 bytes, as two overlapping halves;
    /// of 1 to 3, as the first, middle and last byte. Either way it is the
    /// word of the tail's bytes followed by zeros.
    #[inline]
    fn bytes(&mut self, bytes: &[u8]) {
        let n = bytes.len();
        if n > 8 {
            let mut rest = bytes;
            while rest.len() > 8 {
                let Some((word, tail)) = rest.split_first_chunk::<8>() else {
                    break;
                };
                self.u64(u64::from_le_bytes(*word));
                rest = tail;
            }
            // 1 to 8 bytes left, the last of `bytes`.
            let last = bytes
                .last_chunk::<8>()
                .map_or(0, |w| u64::from_le_bytes(*w));
            self.u64(last >> (64 - 8 * rest.len()));
        } else if n == 8 {
            self.u64(
                bytes
                    .first_chunk::<8>()
                    .map_or(0, |w| u64::from_le_bytes(*w)),
            );
        } else if n >= 4 {
            let half = |w: Option<&[u8; 4]>| u64::from(w.map_or(0, |w| u32::from_le_bytes(*w)));
            self.u64(half(bytes.first_chunk()) | half(bytes.last_chunk()) << (8 * (n - 4)));
        } else if n > 0 {
            let at = |i: usize| bytes.get(i).map_or(0, |&b| u64::from(b)) << (8 * i);
            self.u64(at(0) | at(n / 2) | at(n - 1));
        }
    }

    /// murmur3's `fmix64`: every bit of the state reaches every bit of the
    /// digest.
    fn finish(self) -> u64 {
        let mut k = self.0;
        k ^= k >> 33;
        k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
        k ^= k >> 33;
        k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        k ^ (k >> 33)
    }
}

/// A value that can be fed to the digest.
trait Feed {
    fn feed(&self, h: &mut Mixer);
}

impl Feed for str {
    fn feed(&self, h: &mut Mixer) {
        h.u64(self.len() as u64);
        h.bytes(self.as_bytes());
    }
}

impl Feed for String {
    fn feed(&self, h: &mut Mixer) {
        self.as_str().feed(h);
    }
}

impl Feed for crate::id::Id {
    fn feed(&self, h: &mut Mixer) {
        self.as_str().feed(h);
    }
}

impl Feed for u32 {
    fn feed(&self, h: &mut Mixer) {
        h.u64(u64::from(*self));
    }
}

impl Feed for i64 {
    fn feed(&self, h: &mut Mixer) {
        h.u64(*self as u64);
    }
}

impl Feed for Dec {
    /// Mantissa (two words, low first) and scale: `1.5` and `1.50` are
    /// different inputs.
    fn feed(&self, h: &mut Mixer) {
        let m = self.0.mantissa() as u128;
        h.u64(m as u64);
        h.u64((m >> 64) as u64);
        h.u64(u64::from(self.0.scale()));
    }
}

impl Feed for Timestamp {
    /// The instant and the offset it was written with.
    fn feed(&self, h: &mut Mixer) {
        h.u64(self.unix_seconds() as u64);
        h.u64(u64::from(self.subsec_nanos()));
        h.u64(i64::from(self.offset_seconds()) as u64);
    }
}

impl<T: Feed> Feed for Option<T> {
    #[inline]
    fn feed(&self, h: &mut Mixer) {
        match self {
            None => h.u64(0),
            Some(v) => {
                h.u64(1);
                v.feed(h);
            }
        }
    }
}

impl<T: Feed> Feed for Vec<T> {
    #[inline]
    fn feed(&self, h: &mut Mixer) {
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
            fn feed(&self, h: &mut Mixer) {
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
    fn feed(&self, h: &mut Mixer) {
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

/// The digest of an event (written in accounts as 16 lowercase hex digits).
pub(crate) fn digest(event: &Event) -> u64 {
    let mut h = Mixer(Mixer::SEED);
    event.feed(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::{digest, Mixer};
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
        assert_eq!(d(e), "dd59e32ef2fb65e2");
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

    /// Strings are fed 8 bytes at a time after their length: a byte moved
    /// from one field to the next across a word boundary, a string of 0, 7,
    /// 8, 9 or 16 bytes, the last byte of a word or of a padded tail, and a
    /// trailing zero byte (the padding's value) all change the digest.
    #[test]
    fn digest_sees_strings_across_word_boundaries() {
        let event = |id: &str, location: Option<&str>| {
            let location = location.map_or(String::new(), |l| format!(r#","location":"{l}""#));
            format!(
                r#"{{"type":"purchase","id":"{id}","time":"2026-03-14T09:30:00Z"{location},"lines":[{{"sku":"a","quantity":1,"unit_price":"1"}}]}}"#
            )
        };
        let mut events = vec![
            event("abcdefgh", Some("i")),
            event("abcdefg", Some("hi")),
            event("abcdefghi", Some("")),
            event("abcdefghi", None),
            event("abcdefghijklmnop", Some("q")),
            event("abcdefghijklmno", Some("pq")),
            event("abcdefghijklmnopq", Some("")),
            event("e", Some(r"abcdefg\u0000")),
            event("e", Some(r"abcdefgh\u0000")),
            event("e", None),
        ];
        let text = "abcdefghijklmnop";
        for len in [0, 7, 8, 9, 16] {
            events.push(event("e", Some(&text[..len])));
            if len > 0 {
                events.push(event("e", Some(&format!("{}Z", &text[..len - 1]))));
            }
        }
        assert_eq!(events.len(), 19);
        let mut seen = std::collections::HashMap::new();
        for e in &events {
            if let Some(other) = seen.insert(d(e), e) {
                panic!("same digest:\n{other}\n{e}");
            }
        }
    }

    /// The tail read without a loop is the word the definition says: the
    /// bytes in order, little-endian, padded with zeros, for every length.
    #[test]
    fn bytes_are_words_of_8_padded_with_zeros() {
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37) ^ 0xa5).collect();
        for len in 0..=data.len() {
            let bytes = &data[..len];
            let mut fast = Mixer(Mixer::SEED);
            fast.bytes(bytes);
            let mut plain = Mixer(Mixer::SEED);
            for chunk in bytes.chunks(8) {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                plain.u64(u64::from_le_bytes(word));
            }
            assert_eq!(fast.0, plain.0, "{len} bytes");
        }
    }
}
