//! The result every call hands back: a `#[repr(C)]` struct C reads, owned
//! by the library, freed by `loyalty_result_free`.

use std::alloc::{self, Layout};
use std::ffi::c_char;
use std::{ptr, slice};

use loyalty_core::{json, Error, ErrorKind, Quote};

/// The status of a call. `LOYALTY_OK` and `LOYALTY_DUPLICATE` are the two
/// successes (`status <= LOYALTY_DUPLICATE`); every other value is a failure
/// whose details are in the result's `error_*` fields.
///
/// New statuses may be added at the end in a minor version: treat an unknown
/// value as a failure.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoyaltyStatus {
    /// Success.
    LOYALTY_OK = 0,
    /// Success: the event was a retry of one already applied (same id, same
    /// content). Nothing changed; the result holds the outcome and the
    /// account all the same, and the account is the one to keep.
    LOYALTY_DUPLICATE = 1,
    /// A null pointer, or a length larger than `PTRDIFF_MAX`, or a call that
    /// does not fit the event (e.g. a `commit` event given to
    /// `loyalty_reserve`). Error kind `invalid_argument`.
    LOYALTY_INVALID_ARGUMENT = 2,
    /// A document is not UTF-8, not JSON, or JSON of the wrong shape
    /// (unknown field, wrong type, missing field). Error kind `invalid_json`.
    LOYALTY_INVALID_JSON = 3,
    /// A document is well-formed but a value is not acceptable (negative
    /// price, unknown reward...). Error kind `validation`.
    LOYALTY_VALIDATION = 4,
    /// The program's rules refuse a valid event (not enough points, no
    /// voucher...). Error kind `rule`; `error_code` says which rule.
    LOYALTY_RULE = 5,
    /// The event id was already applied with different content.
    /// Error kind `conflict`.
    LOYALTY_CONFLICT = 6,
    /// The event is older than the account's last event.
    /// Error kind `out_of_order`.
    LOYALTY_OUT_OF_ORDER = 7,
    /// A documented limit was exceeded (document size, nesting, number
    /// range). Error kind `limit`.
    LOYALTY_LIMIT = 8,
    /// A bug: the library panicked. The panic was caught and nothing was
    /// changed; please report the input. Error kind `internal`.
    LOYALTY_PANIC = 9,
}

impl LoyaltyStatus {
    /// The status of a core error.
    pub(crate) fn of(kind: ErrorKind) -> LoyaltyStatus {
        match kind {
            ErrorKind::InvalidJson => LoyaltyStatus::LOYALTY_INVALID_JSON,
            ErrorKind::Validation => LoyaltyStatus::LOYALTY_VALIDATION,
            ErrorKind::Rule => LoyaltyStatus::LOYALTY_RULE,
            ErrorKind::Conflict => LoyaltyStatus::LOYALTY_CONFLICT,
            ErrorKind::OutOfOrder => LoyaltyStatus::LOYALTY_OUT_OF_ORDER,
            ErrorKind::Limit => LoyaltyStatus::LOYALTY_LIMIT,
        }
    }

    /// The status's name as a NUL-terminated static string.
    pub(crate) fn name(code: std::ffi::c_int) -> &'static str {
        match code {
            0 => "LOYALTY_OK\0",
            1 => "LOYALTY_DUPLICATE\0",
            2 => "LOYALTY_INVALID_ARGUMENT\0",
            3 => "LOYALTY_INVALID_JSON\0",
            4 => "LOYALTY_VALIDATION\0",
            5 => "LOYALTY_RULE\0",
            6 => "LOYALTY_CONFLICT\0",
            7 => "LOYALTY_OUT_OF_ORDER\0",
            8 => "LOYALTY_LIMIT\0",
            9 => "LOYALTY_PANIC\0",
            _ => "LOYALTY_UNKNOWN_STATUS\0",
        }
    }
}

/// The answer to a call. Every string is owned by the library, valid until
/// the result is given to `loyalty_result_free`, UTF-8, and NUL-terminated
/// with its length (in bytes, without the NUL) beside it. The fields are
/// read-only: change none of them.
///
/// `json` is always set: it is the envelope, byte for byte what the Rust
/// JSON interface (`loyalty_core::json`) returns for the same input:
/// `{"ok":true,...}` or `{"ok":false,"error":{...}}`. The other string fields
/// are conveniences cut from the same answer and are `NULL` (length 0) when
/// they do not apply.
///
/// `error_message` and `error_path` may quote the caller's input, so they can
/// contain a NUL byte of the input's: use their lengths to read them whole.
#[repr(C)]
#[derive(Debug)]
pub struct LoyaltyResult {
    /// The status the call returned.
    pub status: LoyaltyStatus,
    /// The envelope (always set).
    pub json: *const c_char,
    /// Length of `json` in bytes.
    pub json_len: usize,
    /// After an apply that succeeded: the new account, compact JSON, exactly
    /// the envelope's `account` member. Store it; pass it to the next call.
    /// After `loyalty_account_json()`: the kept account. `NULL` after
    /// `loyalty_account_apply()`, which keeps the account in its handle.
    pub account: *const c_char,
    /// Length of `account` in bytes.
    pub account_len: usize,
    /// After an apply that succeeded: the outcome, exactly the envelope's
    /// `outcome` member.
    pub outcome: *const c_char,
    /// Length of `outcome` in bytes.
    pub outcome_len: usize,
    /// After a quote that succeeded: the quote, exactly the envelope's
    /// `quote` member.
    pub quote: *const c_char,
    /// Length of `quote` in bytes.
    pub quote_len: usize,
    /// On failure: the error kind (`invalid_argument`, `invalid_json`,
    /// `validation`, `rule`, `conflict`, `out_of_order`, `limit`, `internal`).
    pub error_kind: *const c_char,
    /// On failure: the stable machine code, finer than the kind
    /// (`invalid_event_json`, `insufficient_points`, `null_pointer`...).
    pub error_code: *const c_char,
    /// On failure: the document at fault (`program`, `account` or `event`).
    pub error_document: *const c_char,
    /// On failure: the JSON path in that document (`lines[0].quantity`;
    /// the empty string for the whole document).
    pub error_path: *const c_char,
    /// Length of `error_path` in bytes.
    pub error_path_len: usize,
    /// On failure: what is wrong, in lowercase English, without the path.
    pub error_message: *const c_char,
    /// Length of `error_message` in bytes.
    pub error_message_len: usize,
}

/// What a call produced, before it is laid out for C.
pub(crate) struct Answer {
    status: LoyaltyStatus,
    json: Json,
    error: Option<Box<ErrorFields>>,
}

/// The envelope, and the members C also gets on their own.
enum Json {
    /// An envelope with no member handed out separately.
    Plain(String),
    /// `{"ok":true,"outcome":O,"account":A}`.
    Applied { outcome: String, account: String },
    /// `{"ok":true,"quote":Q}`.
    Quoted(String),
    /// `{"ok":true,"account":A}`: a kept account written out.
    Account(String),
}

struct ErrorFields {
    kind: &'static str,
    code: String,
    document: String,
    path: String,
    message: String,
}

/// The pieces of the apply and quote envelopes around their members: the
/// same bytes as `loyalty_core::json::apply` and `json::quote` (serde's
/// compact form); the C suite replays the conformance vectors to hold them
/// equal.
const APPLIED: [&str; 3] = [r#"{"ok":true,"outcome":"#, r#","account":"#, "}"];
const QUOTED: [&str; 2] = [r#"{"ok":true,"quote":"#, "}"];
const OUTCOME: [&str; 2] = [r#"{"ok":true,"outcome":"#, "}"];
const ACCOUNT: [&str; 2] = [r#"{"ok":true,"account":"#, "}"];

impl Answer {
    /// The answer's status, and the answer laid out for C (see
    /// [`Answer::into_raw`]).
    pub(crate) fn into_made(self) -> (LoyaltyStatus, *mut LoyaltyResult) {
        (self.status, self.into_raw())
    }

    /// A failure from the core.
    pub(crate) fn error(error: &Error) -> Answer {
        let kind = match error.kind() {
            ErrorKind::InvalidJson => "invalid_json",
            ErrorKind::Validation => "validation",
            ErrorKind::Rule => "rule",
            ErrorKind::Conflict => "conflict",
            ErrorKind::OutOfOrder => "out_of_order",
            ErrorKind::Limit => "limit",
        };
        Answer {
            status: LoyaltyStatus::of(error.kind()),
            json: Json::Plain(json::error_envelope(error)),
            error: Some(Box::new(ErrorFields {
                kind,
                code: error.code().to_owned(),
                document: error.document().to_string(),
                path: error.path().to_owned(),
                message: error.message(),
            })),
        }
    }

    /// A failure found by the binding itself, before the core is called.
    /// `code`, `document` and `message` are static ASCII with no `"` or `\`,
    /// so they go into the envelope as they are.
    fn binding_error(
        status: LoyaltyStatus,
        kind: &'static str,
        code: &'static str,
        document: &'static str,
        message: &'static str,
    ) -> Answer {
        Answer {
            status,
            json: Json::Plain(format!(
                r#"{{"ok":false,"error":{{"kind":"{kind}","code":"{code}","document":"{document}","path":"","message":"{message}"}}}}"#
            )),
            error: Some(Box::new(ErrorFields {
                kind,
                code: code.to_owned(),
                document: document.to_owned(),
                path: String::new(),
                message: message.to_owned(),
            })),
        }
    }

    /// An invalid argument (null pointer, bad length, wrong call).
    pub(crate) fn invalid_argument(
        code: &'static str,
        document: &'static str,
        message: &'static str,
    ) -> Answer {
        Answer::binding_error(
            LoyaltyStatus::LOYALTY_INVALID_ARGUMENT,
            "invalid_argument",
            code,
            document,
            message,
        )
    }

    /// The answer after a caught panic.
    pub(crate) fn panic() -> Answer {
        Answer::binding_error(
            LoyaltyStatus::LOYALTY_PANIC,
            "internal",
            "internal",
            "event",
            "internal error: the library panicked; nothing was changed (please report the input)",
        )
    }

    /// A successful apply, from the core's account and outcome.
    pub(crate) fn applied(account: String, outcome: String) -> Answer {
        Answer {
            status: status_of(&outcome),
            json: Json::Applied { outcome, account },
            error: None,
        }
    }

    /// A kept account written out.
    pub(crate) fn account(account: String) -> Answer {
        Answer {
            status: LoyaltyStatus::LOYALTY_OK,
            json: Json::Account(account),
            error: None,
        }
    }

    /// A successful envelope with no parts (program validation).
    pub(crate) fn ok(json: String) -> Answer {
        Answer {
            status: LoyaltyStatus::LOYALTY_OK,
            json: Json::Plain(json),
            error: None,
        }
    }

    /// A successful quote.
    pub(crate) fn quoted(quote: &Quote) -> Answer {
        match serde_json::to_string(quote) {
            Ok(quote) => Answer {
                status: LoyaltyStatus::LOYALTY_OK,
                json: Json::Quoted(quote),
                error: None,
            },
            // A quote is plain data; serializing it cannot fail.
            Err(_) => Answer::panic(),
        }
    }

    /// Lay the answer out for C (every string followed by a NUL); the
    /// caller owns the pointer and gives it back to [`free`].
    fn into_raw(self) -> *mut LoyaltyResult {
        let error = self.error.as_ref().map(|e| {
            [
                e.kind,
                e.code.as_str(),
                e.document.as_str(),
                e.path.as_str(),
                e.message.as_str(),
            ]
        });
        let mut strings = match &self.json {
            Json::Plain(text) => Strings {
                json: &[text],
                ..Strings::default()
            },
            Json::Applied { outcome, account } => {
                let [head, middle, tail] = APPLIED;
                Strings {
                    json: &[head, outcome, middle, account, tail],
                    account: Some(account),
                    outcome: Some(outcome),
                    ..Strings::default()
                }
            }
            Json::Quoted(quote) => {
                let [head, tail] = QUOTED;
                Strings {
                    json: &[head, quote, tail],
                    quote: Some(quote),
                    ..Strings::default()
                }
            }
            Json::Account(account) => {
                let [head, tail] = ACCOUNT;
                Strings {
                    json: &[head, account, tail],
                    account: Some(account),
                    ..Strings::default()
                }
            }
        };
        strings.error = error;
        lay_out(self.status, &strings)
    }
}

/// The result of a successful apply to a kept account, `{"ok":true,
/// "outcome":O}` with O on its own, from the core's outcome
/// (`loyalty_core::json::KeptAccount::apply_parts_into`), which the
/// account's handle keeps writing into the same buffer: laid out from the
/// borrowed text, it is copied only into the result.
pub(crate) fn outcome(outcome: &str) -> (LoyaltyStatus, *mut LoyaltyResult) {
    let [head, tail] = OUTCOME;
    let status = status_of(outcome);
    let strings = Strings {
        json: &[head, outcome, tail],
        outcome: Some(outcome),
        ..Strings::default()
    };
    (status, lay_out(status, &strings))
}

/// The strings of a result: the envelope as the pieces it is joined from,
/// and the parts (`None` leaves a field `NULL`).
#[derive(Default)]
struct Strings<'a> {
    json: &'a [&'a str],
    account: Option<&'a str>,
    outcome: Option<&'a str>,
    quote: Option<&'a str>,
    /// Kind, code, document, path and message.
    error: Option<[&'a str; 5]>,
}

/// Lay a result out for C in two allocations of the exact sizes: the
/// envelope and its NUL in one, the `LoyaltyResult` followed by its parts
/// (each with a NUL) in the other. Split so, each holds about half the
/// bytes: a kept account's answer (its outcome twice) then fits glibc's
/// per-thread cache in both while the outcome is under about 850 bytes, as
/// most purchases' are, where one buffer of it all took malloc's and
/// free's slower paths (about 140 instructions an event more under
/// callgrind on `bench_apply`'s kept purchases).
fn lay_out(status: LoyaltyStatus, strings: &Strings<'_>) -> *mut LoyaltyResult {
    // The parts in the order they are laid out; the size and the writes
    // below both walk this one list, so they agree.
    let [kind, code, document, path, message] = match &strings.error {
        Some(fields) => fields.map(Some),
        None => [None; 5],
    };
    let parts = [
        strings.account,
        strings.outcome,
        strings.quote,
        kind,
        code,
        document,
        path,
        message,
    ];
    let json_size = strings.json.iter().map(|p| p.len()).sum::<usize>() + 1;
    let parts_size: usize = parts.iter().flatten().map(|p| p.len() + 1).sum();
    let json_layout = match Layout::array::<u8>(json_size) {
        Ok(layout) => layout,
        // More than `isize::MAX` bytes: no allocation could hold them.
        Err(_) => alloc::handle_alloc_error(Layout::new::<u8>()),
    };
    let (layout, mut at) = match Layout::array::<u8>(parts_size)
        .and_then(|bytes| Layout::new::<Owned>().extend(bytes))
    {
        Ok(layout) => layout,
        Err(_) => alloc::handle_alloc_error(Layout::new::<Owned>()),
    };
    // SAFETY: neither layout is zero-sized (one holds at least a NUL, the
    // other an `Owned`).
    let (json_base, base) = unsafe { (alloc::alloc(json_layout), alloc::alloc(layout)) };
    if json_base.is_null() {
        alloc::handle_alloc_error(json_layout);
    }
    if base.is_null() {
        alloc::handle_alloc_error(layout);
    }
    // SAFETY: `json_base` is a fresh allocation of `json_size` bytes, which
    // counted every piece and the NUL.
    let (json, json_len) = unsafe { put(json_base, &mut 0, strings.json) };
    let mut spans = [(ptr::null(), 0); 8];
    for (part, span) in parts.iter().zip(&mut spans) {
        if let Some(part) = part {
            // SAFETY: the `parts_size` bytes after the `Owned` (from offset
            // `at` on) are the fresh allocation's, and `parts_size` counted
            // every part and NUL written here.
            *span = unsafe { put(base, &mut at, slice::from_ref(part)) };
        }
    }
    let [account, outcome, quote, kind, code, document, path, message] = spans;
    let owned = Owned {
        public: LoyaltyResult {
            status,
            json,
            json_len,
            account: account.0,
            account_len: account.1,
            outcome: outcome.0,
            outcome_len: outcome.1,
            quote: quote.0,
            quote_len: quote.1,
            error_kind: kind.0,
            error_code: code.0,
            error_document: document.0,
            error_path: path.0,
            error_path_len: path.1,
            error_message: message.0,
            error_message_len: message.1,
        },
        layout,
        json_layout,
    };
    let result = base.cast::<Owned>();
    // SAFETY: the allocation starts with room for an `Owned`, aligned for
    // it (`layout` was extended from `Layout::new::<Owned>()`).
    unsafe { result.write(owned) };
    // `Owned` is `repr(C)` with the public part first, so a pointer to it
    // is a pointer to its `LoyaltyResult`.
    result.cast::<LoyaltyResult>()
}

/// The status of a successful apply: `LOYALTY_DUPLICATE` when the outcome
/// says the event was a retry.
///
/// The outcome is the core's compact JSON, whose first member is the event
/// id and second the status: `{"event":"ID","status":"duplicate",...`. The
/// id is skipped as a JSON string is (a `\` escapes the byte after it), so
/// the look costs the id's length; a search for `"status":"` through the
/// outcome cost the C door's kept account some 850 instructions an event.
fn status_of(outcome: &str) -> LoyaltyStatus {
    const HEAD: &str = r#"{"event":""#;
    const DUPLICATE: &str = r#","status":"duplicate""#;
    let duplicate = outcome.strip_prefix(HEAD).is_some_and(|rest| {
        let bytes = rest.as_bytes();
        let mut at = 0;
        loop {
            match bytes.get(at) {
                Some(b'\\') => at += 2,
                Some(b'"') => break,
                Some(_) => at += 1,
                None => return false,
            }
        }
        rest.get(at + 1..).is_some_and(|r| r.starts_with(DUPLICATE))
    });
    if duplicate {
        LoyaltyStatus::LOYALTY_DUPLICATE
    } else {
        LoyaltyStatus::LOYALTY_OK
    }
}

/// Write the pieces and a NUL at `base + *at`, moving `*at` past them; the
/// string's start and length (without the NUL).
///
/// # Safety
/// The bytes from `base + *at` on have room for the pieces and the NUL, in
/// one allocation that no piece overlaps.
unsafe fn put(base: *mut u8, at: &mut usize, pieces: &[&str]) -> (*const c_char, usize) {
    let start = *at;
    for piece in pieces {
        // SAFETY: by the contract there is room for the piece at `*at`,
        // and it does not overlap the allocation.
        unsafe { ptr::copy_nonoverlapping(piece.as_ptr(), base.add(*at), piece.len()) };
        *at += piece.len();
    }
    // SAFETY: by the contract there is room for the NUL after the pieces.
    unsafe { base.add(*at).write(0) };
    *at += 1;
    // SAFETY: `start` is within the same allocation, as above.
    let string = unsafe { base.add(start) }.cast::<c_char>().cast_const();
    (string, *at - start - 1)
}

/// The head of a result's allocation: the result, then the layouts to free
/// it and its envelope with; its parts follow it (see [`lay_out`]).
#[repr(C)]
struct Owned {
    public: LoyaltyResult,
    layout: Layout,
    json_layout: Layout,
}

/// Free a result made by [`lay_out`].
///
/// # Safety
/// `result` is null or was returned by [`lay_out`] and not freed yet.
pub(crate) unsafe fn free(result: *mut LoyaltyResult) {
    if result.is_null() {
        return;
    }
    // SAFETY: the pointer is the start of an allocation `lay_out` made with
    // an `Owned` at its head and, by this function's contract, was not
    // freed before; its `layout` is the one it was allocated with.
    let (json, json_layout, layout) = unsafe {
        let owned = &*result.cast::<Owned>();
        (owned.public.json, owned.json_layout, owned.layout)
    };
    // SAFETY: `json` is the envelope's allocation, made with `json_layout`
    // (see `lay_out`), freed once, here; then the head's, read above.
    unsafe {
        alloc::dealloc(json.cast_mut().cast::<u8>(), json_layout);
        alloc::dealloc(result.cast::<u8>(), layout);
    }
}

#[cfg(test)]
mod tests {
    use super::{status_of, LoyaltyStatus};

    /// The status read past the id is the outcome's, whatever the id
    /// holds (escaped quotes and backslashes, a `"status":"duplicate"` of
    /// its own).
    #[test]
    fn status_is_read_past_the_event_id() {
        let ids = [
            "p1",
            "",
            r#"a\"b"#,
            r#"a\\"#,
            r#"\\\"x\\"#,
            r#"\",\"status\":\"duplicate\""#,
            "é😀",
        ];
        for id in ids {
            for (status, want) in [
                ("duplicate", LoyaltyStatus::LOYALTY_DUPLICATE),
                ("applied", LoyaltyStatus::LOYALTY_OK),
            ] {
                let outcome = format!(r#"{{"event":"{id}","status":"{status}","awards":[]}}"#);
                assert_eq!(status_of(&outcome), want, "{outcome}");
            }
        }
        assert_eq!(status_of(r#"{"event":"p"#), LoyaltyStatus::LOYALTY_OK);
        assert_eq!(status_of(""), LoyaltyStatus::LOYALTY_OK);
    }
}
