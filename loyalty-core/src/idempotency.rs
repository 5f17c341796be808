//! Duplicate detection without unbounded memory.
//!
//! An account remembers the ids of its last `idempotency.remember` events
//! (default 16, at most [`MAX_REMEMBERED_EVENTS`](crate::limits::MAX_REMEMBERED_EVENTS)),
//! each with a 64-bit FNV-1a digest of the event's canonical JSON. A retry
//! of a remembered event is a no-op reported as `duplicate`; the same id with
//! other content is a conflict. An event older than the window is refused as
//! out of order (events are applied in time order), so nothing is ever
//! applied twice even after it is forgotten. Memory: at most `remember` ids
//! of up to 128 bytes plus 16 hex digits each.
//!
//! The digest is over the engine's own serialization, not the caller's
//! bytes: whitespace and key order do not matter, and `"1.5"` and `"1.50"`
//! differ (they are different inputs).

use std::io::Write;

use crate::event::Event;

/// 64-bit FNV-1a, fed by the JSON serializer without allocating.
struct Fnv(u64);

impl Write for Fnv {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The digest of an event, as 16 lowercase hex digits.
pub(crate) fn digest(event: &Event) -> String {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    // Serializing plain data into a writer that cannot fail cannot fail.
    let _ = serde_json::to_writer(&mut h, event);
    format!("{:016x}", h.0)
}
