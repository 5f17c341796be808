//! The bounds on what a caller can make the engine do.
//!
//! Every input may come from a hostile or broken till. These limits keep
//! work, memory and arithmetic bounded; going past one is an error that
//! names the field, never a panic, a wrap-around or a slow path.

/// Largest JSON document accepted by the JSON interface, in bytes (1 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;
/// Deepest nesting of JSON arrays and objects accepted.
pub const MAX_NESTING: usize = 32;
/// Digits before the decimal point in any decimal string.
pub const MAX_INTEGER_DIGITS: u32 = 15;
/// Digits after the decimal point in any decimal string (rates may be finer than money).
pub const MAX_SCALE: u32 = 8;
/// Largest unit price or money amount: 1,000,000,000 currency units.
pub const MAX_AMOUNT_UNITS: i64 = 1_000_000_000;
/// Lines in one basket (purchase, redemption or return).
pub const MAX_LINES: usize = 500;
/// Units on one basket line.
pub const MAX_QUANTITY: u32 = 10_000;
/// Largest points balance, award or adjustment: 10^15.
pub const MAX_POINTS: i64 = 1_000_000_000_000_000;
/// Largest number of stamps a card may need, or an event may give.
pub const MAX_STAMPS: i64 = 1_000_000;
/// Longest identifier (event id, SKU, category, member, reward...), in bytes.
pub const MAX_ID_BYTES: usize = 128;
/// Longest free text (names, reasons), in bytes.
pub const MAX_TEXT_BYTES: usize = 1024;
/// Rules, rewards, tags or set members in one program list.
pub const MAX_LIST: usize = 1000;
/// Deepest nesting of rule conditions (`all` / `any` / `not`).
pub const MAX_CONDITION_DEPTH: usize = 8;
/// Longest duration in days (expiry, windows): about 100 years.
pub const MAX_DAYS: u32 = 36_600;
/// Event ids an account remembers for idempotency, at most.
pub const MAX_REMEMBERED_EVENTS: u32 = 1024;
/// Earliest year of a timestamp.
pub const MIN_YEAR: i32 = 1970;
/// Latest year of a timestamp.
pub const MAX_YEAR: i32 = 9999;
