//! Hostile input: what a broken or malicious till can send, and exactly how
//! the engine refuses it.
//!
//! Each case is an event (or an account or program document) sent to the
//! café program against an account with history (points, a voucher, an open
//! reservation, a partly returned purchase). Every case pins:
//! - the error kind and code, the document and the JSON path;
//! - that the account is unchanged: `json::apply` answers a failure
//!   envelope and the typed `Engine::apply_in_place` (when the event parses)
//!   leaves the account exactly as it was;
//! - that the envelope is the same through `json::apply` and `json::quote`
//!   for parse failures (same answer through every door of the core).
//!
//! The limits these cases probe are listed in `loyalty_core::limits` and in
//! `fuzz/README.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use loyalty_core::error::{Document, ErrorKind};
use loyalty_core::{json, Account, Engine, Event};

const CAFE: &str = include_str!("../../examples/programs/cafe.json");
const T0: &str = "2026-03-02T08:00:00Z";

/// The café engine and an account with some history:
/// - `p1`: 10 lattes and a croissant (a full stamp card: one voucher);
/// - `p2`: 2 teas, both returned by `ret2`;
/// - `res1`: an open reservation of `five_off` (100 points, 15 minutes);
/// - `p3`: 10 drips, a second full card; `rv-spent` spends the older voucher;
/// - `rv-points`: a free pastry for 60 points, leaving 44 available.
fn setup() -> (Engine, String) {
    let engine = Engine::from_json(CAFE).unwrap();
    let events = [
        format!(r#"{{"type":"enrol","id":"e","member":"m","time":"{T0}"}}"#),
        r#"{"type":"purchase","id":"p1","time":"2026-03-02T08:01:00Z","lines":[
            {"sku":"latte","category":"coffee","quantity":10,"unit_price":"4.75"},
            {"sku":"croissant","category":"pastry","quantity":1,"unit_price":"3.25"}]}"#
            .to_owned(),
        r#"{"type":"purchase","id":"p2","time":"2026-03-02T08:02:00Z","lines":[
            {"sku":"tea","category":"tea","quantity":2,"unit_price":"3.80"}]}"#
            .to_owned(),
        r#"{"type":"return","id":"ret2","time":"2026-03-02T08:03:00Z","purchase":"p2"}"#.to_owned(),
        r#"{"type":"purchase","id":"p3","time":"2026-03-02T08:04:00Z","lines":[
            {"sku":"drip","category":"coffee","quantity":10,"unit_price":"2.95"}]}"#
            .to_owned(),
        r#"{"type":"redeem","id":"rv-spent","time":"2026-03-02T08:05:00Z","reward":"free_coffee",
            "basket":[{"sku":"latte","category":"coffee","quantity":1,"unit_price":"4.75"}]}"#
            .to_owned(),
        r#"{"type":"redeem","id":"rv-points","time":"2026-03-02T08:05:30Z","reward":"free_pastry",
            "basket":[{"sku":"croissant","category":"pastry","quantity":1,"unit_price":"3.25"}]}"#
            .to_owned(),
        r#"{"type":"reserve","id":"res1","time":"2026-03-02T08:06:00Z","reward":"five_off",
            "basket":[{"sku":"latte","category":"coffee","quantity":2,"unit_price":"4.75"}]}"#
            .to_owned(),
    ];
    let mut account = "null".to_owned();
    for e in &events {
        let (a, _) = json::apply_parts(&engine, &account, e)
            .unwrap_or_else(|err| panic!("setup event {e} failed: {err}"));
        account = a;
    }
    (engine, account)
}

/// A purchase at a valid time with `line` as its only line.
fn buy(line: &str) -> String {
    format!(r#"{{"type":"purchase","id":"h","time":"2026-03-02T08:07:00Z","lines":[{line}]}}"#)
}

/// A purchase of one latte with `price` as the unit price (raw JSON).
fn priced(price: &str) -> String {
    buy(&format!(
        r#"{{"sku":"latte","category":"coffee","quantity":1,"unit_price":{price}}}"#
    ))
}

/// A purchase of lattes with `quantity` (raw JSON).
fn units(quantity: &str) -> String {
    buy(&format!(
        r#"{{"sku":"latte","category":"coffee","quantity":{quantity},"unit_price":"4.75"}}"#
    ))
}

/// A time-advanced event at `time` (raw JSON).
fn at(time: &str) -> String {
    format!(r#"{{"type":"time_advanced","id":"h","time":{time}}}"#)
}

struct Case {
    name: &'static str,
    document: Document,
    /// The event, or (for account cases) the account; for program cases the program.
    input: String,
    kind: ErrorKind,
    code: &'static str,
    path: &'static str,
    /// A fragment the message must contain.
    message: &'static str,
}

fn case(
    name: &'static str,
    input: impl Into<String>,
    kind: ErrorKind,
    code: &'static str,
    path: &'static str,
    message: &'static str,
) -> Case {
    Case {
        name,
        document: Document::Event,
        input: input.into(),
        kind,
        code,
        path,
        message,
    }
}

fn cases() -> Vec<Case> {
    use ErrorKind::*;
    let latte = r#"{"sku":"latte","category":"coffee","quantity":1,"unit_price":"4.75"}"#;
    let many_lines = vec![latte; loyalty_core::limits::MAX_LINES + 1].join(",");
    let deep = format!(
        r#"{{"type":"purchase","id":"h","time":"2026-03-02T08:07:00Z","lines":{}{}}}"#,
        "[".repeat(40),
        "]".repeat(40)
    );
    let huge_doc = format!(
        r#"{{"type":"adjust","id":"h","time":"2026-03-02T08:07:00Z","points":1,"staff":"s","reason":"{}"}}"#,
        "x".repeat(loyalty_core::limits::MAX_DOCUMENT_BYTES)
    );
    vec![
        // Numbers out of range, too many digits, too fine a scale.
        case(
            "price above the amount limit",
            priced(r#""1000000001""#),
            Limit,
            "limit_exceeded",
            "lines[0].unit_price",
            "1000000000",
        ),
        case(
            "price with 16 integer digits",
            priced(r#""1234567890123456""#),
            InvalidJson,
            "invalid_event_json",
            "lines[0].unit_price",
            "more than 15 digits",
        ),
        case(
            "price with 9 decimals",
            priced(r#""1.123456789""#),
            InvalidJson,
            "invalid_event_json",
            "lines[0].unit_price",
            "more than 8 digits",
        ),
        case(
            "price finer than the currency",
            priced(r#""4.751""#),
            Validation,
            "invalid_event",
            "lines[0].unit_price",
            "decimals",
        ),
        case(
            "negative price",
            priced(r#""-4.75""#),
            Validation,
            "invalid_event",
            "lines[0].unit_price",
            "negative",
        ),
        case(
            "price as a JSON number",
            priced("4.75"),
            InvalidJson,
            "invalid_event_json",
            "lines[0].unit_price",
            "invalid type",
        ),
        case(
            "NaN as a price",
            priced(r#""NaN""#),
            InvalidJson,
            "invalid_event_json",
            "lines[0].unit_price",
            "NaN",
        ),
        case(
            "Infinity as a price",
            priced(r#""Infinity""#),
            InvalidJson,
            "invalid_event_json",
            "lines[0].unit_price",
            "Infinity",
        ),
        case(
            "bare NaN token",
            priced("NaN"),
            InvalidJson,
            "invalid_event_json",
            "lines[0].unit_price",
            "expected value",
        ),
        case(
            "underscore digits",
            priced(r#""1_000""#),
            InvalidJson,
            "invalid_event_json",
            "lines[0].unit_price",
            "1_000",
        ),
        case(
            "leading plus",
            priced(r#""+5""#),
            InvalidJson,
            "invalid_event_json",
            "lines[0].unit_price",
            "+5",
        ),
        case(
            "exponent",
            priced(r#""1e3""#),
            InvalidJson,
            "invalid_event_json",
            "lines[0].unit_price",
            "1e3",
        ),
        case(
            "empty amount",
            priced(r#""""#),
            InvalidJson,
            "invalid_event_json",
            "lines[0].unit_price",
            "",
        ),
        case(
            "padded amount",
            priced(r#"" 4.75""#),
            InvalidJson,
            "invalid_event_json",
            "lines[0].unit_price",
            "4.75",
        ),
        case(
            "discount above the line",
            buy(
                r#"{"sku":"latte","category":"coffee","quantity":1,"unit_price":"4.75","discount":"5.00"}"#,
            ),
            Validation,
            "invalid_event",
            "lines[0].discount",
            "",
        ),
        case(
            "redeem amount zero",
            r#"{"type":"redeem","id":"h","time":"2026-03-02T08:07:00Z","reward":"five_off","amount":"0","basket":[]}"#,
            Validation,
            "invalid_event",
            "amount",
            "must be > 0",
        ),
        // Quantities.
        case(
            "zero quantity",
            units("0"),
            Validation,
            "invalid_event",
            "lines[0].quantity",
            "at least 1",
        ),
        case(
            "negative quantity",
            units("-1"),
            InvalidJson,
            "invalid_event_json",
            "lines[0].quantity",
            "invalid value",
        ),
        case(
            "fractional quantity",
            units("1.5"),
            InvalidJson,
            "invalid_event_json",
            "lines[0].quantity",
            "invalid type",
        ),
        case(
            "quantity above the limit",
            units("10001"),
            Limit,
            "limit_exceeded",
            "lines[0].quantity",
            "10000",
        ),
        case(
            "quantity beyond u32",
            units("4294967296"),
            InvalidJson,
            "invalid_event_json",
            "lines[0].quantity",
            "invalid value",
        ),
        case(
            "quantity as a string",
            units(r#""1""#),
            InvalidJson,
            "invalid_event_json",
            "lines[0].quantity",
            "invalid type",
        ),
        case(
            "too many lines",
            buy(&many_lines),
            Limit,
            "limit_exceeded",
            "lines",
            "500",
        ),
        case(
            "no lines",
            buy(""),
            Validation,
            "invalid_event",
            "lines",
            "at least one line",
        ),
        // Points totals: checked arithmetic.
        case(
            "adjust beyond the points limit",
            r#"{"type":"adjust","id":"h","time":"2026-03-02T08:07:00Z","points":1000000000000000001,"staff":"s","reason":"r"}"#,
            Limit,
            "limit_exceeded",
            "points",
            "±",
        ),
        case(
            "adjust by i64::MIN",
            r#"{"type":"adjust","id":"h","time":"2026-03-02T08:07:00Z","points":-9223372036854775808,"staff":"s","reason":"r"}"#,
            Limit,
            "limit_exceeded",
            "points",
            "±",
        ),
        case(
            "adjust beyond i64",
            r#"{"type":"adjust","id":"h","time":"2026-03-02T08:07:00Z","points":9223372036854775808,"staff":"s","reason":"r"}"#,
            InvalidJson,
            "invalid_event_json",
            "points",
            "invalid",
        ),
        case(
            "adjust below zero balance",
            r#"{"type":"adjust","id":"h","time":"2026-03-02T08:07:00Z","points":-1000000,"staff":"s","reason":"r"}"#,
            Rule,
            "insufficient_points",
            "points",
            "",
        ),
        case(
            "adjust of nothing",
            r#"{"type":"adjust","id":"h","time":"2026-03-02T08:07:00Z","staff":"s","reason":"r"}"#,
            Validation,
            "invalid_event",
            "points",
            "must change",
        ),
        case(
            "adjust with a blank reason",
            r#"{"type":"adjust","id":"h","time":"2026-03-02T08:07:00Z","points":1,"staff":"s","reason":"  "}"#,
            Validation,
            "invalid_event",
            "reason",
            "empty",
        ),
        // Timestamps.
        case(
            "time without offset",
            at(r#""2026-03-02T08:07:00""#),
            InvalidJson,
            "invalid_event_json",
            "time",
            "offset",
        ),
        case(
            "date only",
            at(r#""2026-03-02""#),
            InvalidJson,
            "invalid_event_json",
            "time",
            "",
        ),
        case(
            "February 30th",
            at(r#""2026-02-30T08:07:00Z""#),
            InvalidJson,
            "invalid_event_json",
            "time",
            "",
        ),
        case(
            "month 13",
            at(r#""2026-13-01T08:07:00Z""#),
            InvalidJson,
            "invalid_event_json",
            "time",
            "",
        ),
        case(
            "hour 24",
            at(r#""2026-03-02T24:00:00Z""#),
            InvalidJson,
            "invalid_event_json",
            "time",
            "",
        ),
        case(
            "year 10000",
            at(r#""10000-01-01T00:00:00Z""#),
            InvalidJson,
            "invalid_event_json",
            "time",
            "",
        ),
        case(
            "year 1969",
            at(r#""1969-12-31T23:59:59Z""#),
            InvalidJson,
            "invalid_event_json",
            "time",
            "",
        ),
        case(
            "time as a number",
            at("1772438820"),
            InvalidJson,
            "invalid_event_json",
            "time",
            "invalid type",
        ),
        case(
            "out of order",
            at(r#""2026-03-02T07:00:00Z""#),
            OutOfOrder,
            "out_of_order",
            "time",
            "before",
        ),
        // Structure.
        case(
            "deep nesting",
            deep,
            Limit,
            "limit_exceeded",
            "",
            "deeper than 32",
        ),
        case(
            "document above 1 MiB",
            huge_doc,
            Limit,
            "limit_exceeded",
            "",
            "bytes",
        ),
        case(
            "duplicate key in a line",
            buy(
                r#"{"sku":"latte","sku":"mocha","category":"coffee","quantity":1,"unit_price":"4.75"}"#,
            ),
            InvalidJson,
            "invalid_event_json",
            "lines[0]",
            "duplicate field `sku`",
        ),
        case(
            "duplicate id key",
            r#"{"type":"time_advanced","id":"h","id":"i","time":"2026-03-02T08:07:00Z"}"#,
            InvalidJson,
            "invalid_event_json",
            "",
            "duplicate field `id`",
        ),
        case(
            "sku above 128 bytes",
            buy(&format!(
                r#"{{"sku":"{}","quantity":1,"unit_price":"1.00"}}"#,
                "s".repeat(129)
            )),
            Limit,
            "limit_exceeded",
            "lines[0].sku",
            "128",
        ),
        case(
            "reason above 1024 bytes",
            format!(
                r#"{{"type":"adjust","id":"h","time":"2026-03-02T08:07:00Z","points":1,"staff":"s","reason":"{}"}}"#,
                "r".repeat(1025)
            ),
            Limit,
            "limit_exceeded",
            "reason",
            "1024",
        ),
        case(
            "unknown top-level field",
            r#"{"type":"time_advanced","id":"h","time":"2026-03-02T08:07:00Z","member":"m"}"#,
            InvalidJson,
            "invalid_event_json",
            "member",
            "unknown field `member`",
        ),
        case(
            "unknown line field",
            buy(r#"{"sku":"latte","quantity":1,"unit_price":"4.75","price":"4.75"}"#),
            InvalidJson,
            "invalid_event_json",
            "lines[0].price",
            "unknown field `price`",
        ),
        case(
            "unknown event type",
            r#"{"type":"refund","id":"h","time":"2026-03-02T08:07:00Z"}"#,
            InvalidJson,
            "invalid_event_json",
            "type",
            "unknown variant `refund`",
        ),
        case(
            "missing type",
            r#"{"id":"h","time":"2026-03-02T08:07:00Z"}"#,
            InvalidJson,
            "invalid_event_json",
            "",
            "missing field `type`",
        ),
        case(
            "missing lines",
            r#"{"type":"purchase","id":"h","time":"2026-03-02T08:07:00Z"}"#,
            InvalidJson,
            "invalid_event_json",
            "",
            "missing field `lines`",
        ),
        case(
            "missing unit price",
            buy(r#"{"sku":"latte","quantity":1}"#),
            InvalidJson,
            "invalid_event_json",
            "lines[0]",
            "missing field `unit_price`",
        ),
        case(
            "lines as an object",
            r#"{"type":"purchase","id":"h","time":"2026-03-02T08:07:00Z","lines":{}}"#,
            InvalidJson,
            "invalid_event_json",
            "lines",
            "invalid type",
        ),
        case(
            "event as an array",
            "[]",
            InvalidJson,
            "invalid_event_json",
            "",
            "must be a JSON object",
        ),
        case(
            "empty document",
            "",
            InvalidJson,
            "invalid_event_json",
            "",
            "EOF",
        ),
        case(
            "trailing bytes",
            format!("{} x", at(r#""2026-03-02T08:07:00Z""#)),
            InvalidJson,
            "invalid_event_json",
            "",
            "trailing characters",
        ),
        case(
            "two documents",
            format!("{0}{0}", at(r#""2026-03-02T08:07:00Z""#)),
            InvalidJson,
            "invalid_event_json",
            "",
            "trailing characters",
        ),
        // Text.
        case(
            "raw control character in a string",
            "{\"type\":\"time_advanced\",\"id\":\"h\u{1}\",\"time\":\"2026-03-02T08:07:00Z\"}",
            InvalidJson,
            "invalid_event_json",
            "id",
            "control character",
        ),
        case(
            "escaped control character in an id",
            at(r#""2026-03-02T08:07:00Z""#).replace(r#""id":"h""#, r#""id":"h\u0000""#),
            Validation,
            "invalid_event",
            "id",
            "control characters",
        ),
        case(
            "lone surrogate escape",
            at(r#""2026-03-02T08:07:00Z""#).replace(r#""id":"h""#, r#""id":"\udc00""#),
            InvalidJson,
            "invalid_event_json",
            "id",
            "surrogate",
        ),
        case(
            "empty id",
            at(r#""2026-03-02T08:07:00Z""#).replace(r#""id":"h""#, r#""id":"""#),
            Validation,
            "invalid_event",
            "id",
            "empty",
        ),
        case(
            // Reported before its bad line: a purchase's id is checked
            // first, by the purchase's own check (which a quote shares).
            "purchase with an empty id",
            buy(r#"{"sku":"","quantity":0,"unit_price":"1.00"}"#)
                .replace(r#""id":"h""#, r#""id":"""#),
            Validation,
            "invalid_event",
            "id",
            "empty",
        ),
        // State: returns, redemptions, reservations, duplicates.
        case(
            "return of an unknown purchase",
            r#"{"type":"return","id":"h","time":"2026-03-02T08:07:00Z","purchase":"nope"}"#,
            Rule,
            "unknown_purchase",
            "purchase",
            "nope",
        ),
        case(
            "return of an unknown line",
            r#"{"type":"return","id":"h","time":"2026-03-02T08:07:00Z","purchase":"p1","lines":[{"line":9,"quantity":1}]}"#,
            Rule,
            "unknown_line",
            "lines[0].line",
            "",
        ),
        case(
            "return of more units than bought",
            r#"{"type":"return","id":"h","time":"2026-03-02T08:07:00Z","purchase":"p1","lines":[{"line":1,"quantity":2}]}"#,
            Rule,
            "return_exceeds_purchase",
            "lines[0].quantity",
            "",
        ),
        case(
            "return of an already returned line",
            r#"{"type":"return","id":"h","time":"2026-03-02T08:07:00Z","purchase":"p2","lines":[{"line":0,"quantity":1}]}"#,
            Rule,
            "return_exceeds_purchase",
            "lines[0].quantity",
            "",
        ),
        case(
            "second full return",
            r#"{"type":"return","id":"h","time":"2026-03-02T08:07:00Z","purchase":"p2"}"#,
            Rule,
            "already_returned",
            "purchase",
            "",
        ),
        case(
            "return of zero units",
            r#"{"type":"return","id":"h","time":"2026-03-02T08:07:00Z","purchase":"p1","lines":[{"line":0,"quantity":0}]}"#,
            Validation,
            "invalid_event",
            "lines[0].quantity",
            "at least 1",
        ),
        case(
            "double redemption of a voucher",
            r#"{"type":"redeem","id":"h","time":"2026-03-02T08:07:00Z","reward":"free_coffee","voucher":"p1/1",
            "basket":[{"sku":"latte","category":"coffee","quantity":1,"unit_price":"4.75"}]}"#,
            Rule,
            "unknown_voucher",
            "voucher",
            "",
        ),
        case(
            "redemption without points",
            r#"{"type":"redeem","id":"h","time":"2026-03-02T08:07:00Z","reward":"five_off",
            "basket":[{"sku":"latte","category":"coffee","quantity":2,"unit_price":"4.75"}]}"#,
            Rule,
            "insufficient_points",
            "reward",
            "",
        ),
        case(
            "unknown reward",
            r#"{"type":"redeem","id":"h","time":"2026-03-02T08:07:00Z","reward":"nope","basket":[]}"#,
            Rule,
            "unknown_reward",
            "reward",
            "nope",
        ),
        case(
            "stale reservation",
            r#"{"type":"commit","id":"h","time":"2026-03-02T09:00:00Z","reservation":"res1"}"#,
            Rule,
            "unknown_reservation",
            "reservation",
            "res1",
        ),
        case(
            "commit of an unknown reservation",
            r#"{"type":"commit","id":"h","time":"2026-03-02T08:07:00Z","reservation":"nope"}"#,
            Rule,
            "unknown_reservation",
            "reservation",
            "nope",
        ),
        case(
            "conflicting duplicate",
            r#"{"type":"purchase","id":"p1","time":"2026-03-02T08:01:00Z","lines":[
            {"sku":"latte","category":"coffee","quantity":11,"unit_price":"4.75"}]}"#,
            Conflict,
            "conflict",
            "id",
            "p1",
        ),
        case(
            "second enrolment",
            r#"{"type":"enrol","id":"h","member":"m","time":"2026-03-02T08:07:00Z"}"#,
            Rule,
            "already_enrolled",
            "member",
            "",
        ),
        // Structs are objects: serde's derive would read them from arrays,
        // field by field.
        case(
            "a line as an array",
            buy(r#"["latte","coffee",1,"4.75"]"#),
            InvalidJson,
            "invalid_event_json",
            "lines[0]",
            "invalid type: sequence, expected an object",
        ),
        case(
            "a line as a string",
            buy(r#""latte""#),
            InvalidJson,
            "invalid_event_json",
            "lines[0]",
            "invalid type: string \"latte\", expected an object",
        ),
        // Other documents.
        Case {
            document: Document::Program,
            ..case(
                "program whose stamp card is an array",
                CAFE.replacen(
                    r#"{"card_size": 10, "reward": "free_coffee", "voucher_days": 90}"#,
                    r#"[10, "free_coffee", 90]"#,
                    1,
                ),
                InvalidJson,
                "invalid_program_json",
                "stamps",
                "invalid type: sequence, expected an object",
            )
        },
        Case {
            document: Document::Program,
            ..case(
                "program whose matching is an array, in a variant read with its type last",
                CAFE.replacen(
                    r#""type": "free_item", "matching": {"categories": ["coffee"]}"#,
                    r#""matching": [["coffee"]], "type": "free_item""#,
                    1,
                ),
                InvalidJson,
                "invalid_program_json",
                "rewards[0].benefit",
                "invalid type: sequence, expected an object",
            )
        },
        Case {
            document: Document::Account,
            ..case(
                "account whose stamp card is an array",
                r#"{"member":"m","enrolled_at":"2026-03-02T08:00:00Z","points":{"balance":0},"stamps":[0]}"#,
                InvalidJson,
                "invalid_account_json",
                "stamps",
                "invalid type: sequence, expected an object",
            )
        },
        Case {
            document: Document::Account,
            ..case(
                "account with an unknown field",
                r#"{"member":"m","points":{"balance":0},"stamps":{"count":0},"vip":true}"#,
                InvalidJson,
                "invalid_account_json",
                "vip",
                "unknown field `vip`",
            )
        },
        Case {
            document: Document::Account,
            ..case(
                "account whose balance is not its lots",
                r#"{"member":"m","enrolled_at":"2026-03-02T08:00:00Z","points":{"balance":5},"stamps":{"count":0}}"#,
                Validation,
                "invalid_account",
                "points.balance",
                "",
            )
        },
        Case {
            document: Document::Account,
            ..case(
                "account whose tier buckets are out of order",
                r#"{"member":"m","enrolled_at":"2026-03-02T08:00:00Z","points":{"balance":0},"stamps":{"count":0},"tier":{"buckets":[[2931,500],[2930,700]]}}"#,
                Validation,
                "invalid_account",
                "tier.buckets[1][0]",
                "increasing key order",
            )
        },
        Case {
            document: Document::Program,
            ..case(
                "program with a NaN rate",
                CAFE.replacen(r#""rate": "1""#, r#""rate": "NaN""#, 1),
                InvalidJson,
                "invalid_program_json",
                "rules[0].earn.rate",
                "NaN",
            )
        },
    ]
}

fn field<'a>(v: &'a serde_json::Value, key: &str) -> &'a str {
    v["error"][key].as_str().unwrap_or_default()
}

#[test]
fn hostile_inputs_are_refused_exactly_and_change_nothing() {
    let (engine, account) = setup();
    let typed: Account = json::parse_account(&account).unwrap().unwrap();
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let answer = match c.document {
            Document::Event => json::apply(&engine, &account, &c.input),
            Document::Account => json::apply(
                &engine,
                &c.input,
                r#"{"type":"time_advanced","id":"h","time":"2026-03-02T08:07:00Z"}"#,
            ),
            Document::Program => json::validate_program(&c.input),
        };
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
        let got = (
            v["ok"].as_bool(),
            field(&v, "kind").to_owned(),
            field(&v, "code").to_owned(),
            field(&v, "document").to_owned(),
            field(&v, "path").to_owned(),
        );
        let want = (
            Some(false),
            serde_json::to_value(c.kind)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned(),
            c.code.to_owned(),
            c.document.to_string(),
            c.path.to_owned(),
        );
        let message = field(&v, "message");
        if got != want || !message.contains(c.message) {
            let shown: String = answer.chars().take(300).collect();
            failures.push(format!(
                "{}: want {want:?} with message containing {:?}, got {shown}",
                c.name, c.message
            ));
            continue;
        }
        if c.document == Document::Event {
            // The typed door: the account is left exactly as it was.
            if let Ok(event) = Event::from_json(&c.input) {
                let mut acc = typed.clone();
                let err = engine.apply_in_place(&mut acc, &event).unwrap_err();
                assert_eq!(err.kind(), c.kind, "{}", c.name);
                assert_eq!(acc, typed, "{}: the account changed", c.name);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_account_is_unchanged_after_every_refusal_and_then_still_works() {
    let (engine, account) = setup();
    let mut acc = account.clone();
    for c in cases().iter().filter(|c| c.document == Document::Event) {
        let answer = json::apply(&engine, &acc, &c.input);
        assert!(answer.starts_with(r#"{"ok":false"#), "{}", c.name);
        // The caller keeps its account; nothing else to carry forward.
        acc = account.clone();
    }
    let fine = json::apply(&engine, &acc, &at(r#""2026-03-02T08:07:00Z""#));
    assert!(fine.starts_with(r#"{"ok":true"#), "{fine}");
}

#[test]
fn dates_near_year_9999_never_panic() {
    let (engine, account) = setup();
    for time in [
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-12:00",
        "9999-12-31T23:59:59+14:00",
        "9999-01-01T00:00:00Z",
    ] {
        for event in [
            at(&format!("\"{time}\"")),
            format!(
                r#"{{"type":"purchase","id":"h","time":"{time}","lines":[{{"sku":"latte","category":"coffee","quantity":1,"unit_price":"4.75"}}]}}"#
            ),
        ] {
            let answer = json::apply(&engine, &account, &event);
            let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
            if v["ok"] == false {
                let kind = field(&v, "kind");
                assert!(
                    matches!(kind, "invalid_json" | "validation" | "limit"),
                    "{time}: {answer}"
                );
            }
        }
    }
}

#[test]
fn extreme_totals_are_limits_not_wraps() {
    let engine = Engine::from_json(CAFE).unwrap();
    let (mut acc, _) = json::apply_parts(
        &engine,
        "null",
        &format!(r#"{{"type":"enrol","id":"e","member":"m","time":"{T0}"}}"#),
    )
    .unwrap();
    // Adjust up to the points limit (20 welcome points + the rest), then
    // one more point must be refused, as must a purchase earning past it.
    for (i, points) in ["999999999999980", "1"].iter().enumerate() {
        let e = format!(
            r#"{{"type":"adjust","id":"a{i}","time":"2026-03-02T08:0{i}:00Z","points":{points},"staff":"s","reason":"r"}}"#
        );
        let answer = json::apply(&engine, &acc, &e);
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
        if i == 0 {
            assert_eq!(v["ok"], true, "{answer}");
            acc = serde_json::to_string(&v["account"]).unwrap();
            assert_eq!(v["account"]["points"]["balance"], 1_000_000_000_000_000_i64);
        } else {
            assert_eq!(field(&v, "kind"), "limit", "{answer}");
            assert_eq!(field(&v, "path"), "points", "{answer}");
        }
    }
    let big = r#"{"type":"purchase","id":"big","time":"2026-03-02T09:00:00Z","lines":[
        {"sku":"x","quantity":10000,"unit_price":"1000000000"}]}"#;
    let answer = json::apply(&engine, &acc, big);
    let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(v["ok"], false, "{answer}");
    assert_eq!(field(&v, "kind"), "limit", "{answer}");
}
