//! # loyalty-ffi: the C library
//!
//! A C ABI over `loyalty_core()` for point-of-sale vendors: `libloyalty.so`,
//! `libloyalty.a` and the header `include/loyalty.h` (generated from this
//! crate by cbindgen). Every call translates bytes to and from
//! [`loyalty_core::json`]; no loyalty logic lives here, so a result from C is
//! byte for byte what Rust returns for the same input.
//!
//! The contract, for every export:
//! - it returns a `LoyaltyStatus`; when it has a `LoyaltyResult **out`
//!   and `out` is not null, `*out` receives a result (also on failure) that
//!   the caller frees with `loyalty_result_free()`;
//! - null pointers, lengths above `PTRDIFF_MAX` and invalid UTF-8 are
//!   reported as statuses, never undefined behaviour;
//! - a panic is caught at the export (`catch_unwind`) and reported as
//!   `LOYALTY_PANIC`: nothing unwinds into C.

// This crate is the C boundary: it must dereference the raw pointers C
// passes and export unmangled symbols, which needs `unsafe`. Every unsafe
// block says why it is sound in a `// SAFETY:` comment.
#![allow(unsafe_code)]
#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    clippy::missing_safety_doc
)]

mod result;

use std::ffi::{c_char, c_int};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use loyalty_core::error::Document;
use loyalty_core::{json, Engine, Error};

use result::Answer;
pub use result::{LoyaltyResult, LoyaltyStatus};

/// Major version of the library this header belongs to.
pub const LOYALTY_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const LOYALTY_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const LOYALTY_VERSION_PATCH: u32 = 0;

/// A loaded, validated program: the engine every call runs against.
///
/// Made by `loyalty_engine_new()`, freed by `loyalty_engine_free()`. It is
/// immutable: one engine may be used by any number of threads at the same
/// time without locking, for as long as it is not freed.
pub struct LoyaltyEngine {
    engine: Engine,
}

// The header promises that one engine may be shared across threads.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<LoyaltyEngine>()
};

/// The library's version, e.g. `"0.1.0"`: a static NUL-terminated string
/// (never free it). Compare with `LOYALTY_VERSION_MAJOR`/`MINOR`/`PATCH` to
/// check that the header and the library agree.
#[no_mangle]
pub extern "C" fn loyalty_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The name of a status (`"LOYALTY_RULE"`), or `"LOYALTY_UNKNOWN_STATUS"` for
/// a value that is not one: a static NUL-terminated string (never free it).
/// Takes an `int` so any value is safe to pass.
#[no_mangle]
pub extern "C" fn loyalty_status_name(status: c_int) -> *const c_char {
    LoyaltyStatus::name(status).as_ptr().cast()
}

/// Validate a program (JSON) without keeping it. The result's `json` is the
/// envelope `{"ok":true,"program":{"name":...,"currency":...}}` or the error,
/// as `loyalty_core::json::validate_program` returns it.
///
/// # Safety
/// `program` is null or points to `program_len` readable bytes; `out` is
/// null or points to writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn loyalty_program_validate(
    program: *const u8,
    program_len: usize,
    out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    // SAFETY: the caller's contract, passed on unchanged.
    unsafe { program_call(program, program_len, out, json::validate_program) }
}

/// Check a program (JSON) with the program checker: warnings about rules
/// that can never fire, rewards nobody can obtain, tiers out of reach and
/// first milestones far from the guidance, each with its JSON path. The
/// result's `json` is the envelope `{"ok":true,"warnings":[{"path":...,
/// "code":...,"message":...}]}` (the status is `LOYALTY_OK` even when there
/// are warnings), or the error of a program that does not validate, as
/// `loyalty_core::json::check_program` returns them.
///
/// # Safety
/// `program` is null or points to `program_len` readable bytes; `out` is
/// null or points to writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn loyalty_program_check(
    program: *const u8,
    program_len: usize,
    out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    // SAFETY: the caller's contract, passed on unchanged.
    unsafe { program_call(program, program_len, out, json::check_program) }
}

/// The shared body of the calls that take only a program: check the bytes,
/// take the status from loading the program, and answer with `envelope`'s
/// JSON for it (the core's envelope, so the bytes match the other doors).
///
/// # Safety
/// As for `loyalty_program_validate`.
unsafe fn program_call(
    program: *const u8,
    program_len: usize,
    out: *mut *mut LoyaltyResult,
    envelope: fn(&str) -> String,
) -> LoyaltyStatus {
    guard(out, || {
        // SAFETY: the caller's contract on `program` and `program_len`.
        let program = match unsafe { text(program, program_len, "program", Document::Program) } {
            Ok(p) => p,
            Err(answer) => return answer,
        };
        match json::load_program(program) {
            Ok(_) => Answer::ok(envelope(program)),
            Err(e) => Answer::error(&e),
        }
    })
}

/// Load and validate a program (JSON) into an engine.
///
/// On success `*engine_out` receives the engine (free it with
/// `loyalty_engine_free()`) and `*error_out`, when `error_out` is not null,
/// is set to `NULL`. On failure `*engine_out` is set to `NULL` and
/// `*error_out`, when `error_out` is not null, receives the error (free it
/// with `loyalty_result_free()`).
///
/// # Safety
/// `program` is null or points to `program_len` readable bytes;
/// `engine_out` and `error_out` are null or point to writable storage for
/// one pointer.
#[no_mangle]
pub unsafe extern "C" fn loyalty_engine_new(
    program: *const u8,
    program_len: usize,
    engine_out: *mut *mut LoyaltyEngine,
    error_out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    let make = || {
        // SAFETY: the caller's contract on `program` and `program_len`.
        let program = unsafe { text(program, program_len, "program", Document::Program) }?;
        Engine::from_json(program)
            .map(|engine| LoyaltyEngine { engine })
            .map_err(|e| Answer::error(&e))
    };
    let null = "`engine_out` is a null pointer";
    // SAFETY: the caller's contract on `engine_out` and `error_out`.
    unsafe { new_handle(engine_out, error_out, "program", null, make) }
}

/// The body of the exports that make a handle (`loyalty_engine_new()`,
/// `loyalty_account_new()`): `*handle_out` receives the handle `make`
/// builds and `*error_out` `NULL`, or, on failure, `*handle_out` `NULL`
/// and `*error_out` the error; each out-pointer only when it is not null
/// (a null `handle_out` is itself the error, in `document`).
///
/// # Safety
/// `handle_out` and `error_out` are null or point to writable storage for
/// one pointer.
unsafe fn new_handle<T>(
    handle_out: *mut *mut T,
    error_out: *mut *mut LoyaltyResult,
    document: &'static str,
    null_message: &'static str,
    make: impl FnOnce() -> Result<T, Answer>,
) -> LoyaltyStatus {
    if !handle_out.is_null() {
        // SAFETY: `handle_out` is not null and, by the caller's contract,
        // writable.
        unsafe { handle_out.write(ptr::null_mut()) };
    }
    let mut handle = ptr::null_mut();
    let mut error = ptr::null_mut();
    let status = guard(&mut error, || {
        if handle_out.is_null() {
            return Answer::invalid_argument("null_pointer", document, null_message);
        }
        match make() {
            Ok(made) => {
                handle = Box::into_raw(Box::new(made));
                Answer::ok(String::new())
            }
            Err(answer) => answer,
        }
    });
    if status == LoyaltyStatus::LOYALTY_OK {
        // SAFETY: `error` was made by `guard` and is freed once, here.
        unsafe { result::free(error) };
        error = ptr::null_mut();
        // SAFETY: the handle was made only after `handle_out` was checked
        // non-null; it is writable by the caller's contract.
        unsafe { handle_out.write(handle) };
    } else if !handle.is_null() {
        // Unreachable (a handle is made only on success), but never leak.
        // SAFETY: `handle` came from `Box::into_raw` just above.
        drop(unsafe { Box::from_raw(handle) });
    }
    if error_out.is_null() {
        // SAFETY: `error` is null or was made by `guard`; freed once, here.
        unsafe { result::free(error) };
    } else {
        // SAFETY: `error_out` is not null and writable by the caller's contract.
        unsafe { error_out.write(error) };
    }
    status
}

/// Free an engine. `NULL` is accepted and ignored.
///
/// # Safety
/// `engine` is null or came from `loyalty_engine_new()`, is not freed yet,
/// and no other thread is still using it.
#[no_mangle]
pub unsafe extern "C" fn loyalty_engine_free(engine: *mut LoyaltyEngine) {
    if engine.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: by the caller's contract `engine` came from
        // `Box::into_raw` in `loyalty_engine_new` and is freed only once.
        drop(unsafe { Box::from_raw(engine) });
    }));
}

/// An account kept in memory by the library between events: the door for
/// a till's open session, a back office replaying a history or a program
/// that holds its members' accounts in memory. Each event is read as JSON,
/// applied to the account in place and answered with the outcome alone; the
/// account is written out as JSON only when asked (`loyalty_account_json()`).
/// The cost of an event then stays the same however long the member's
/// history, where `loyalty_apply()` reads and writes the whole account with
/// every event. The answers are `loyalty_apply()`'s, byte for byte.
///
/// Made by `loyalty_account_new()`, freed by `loyalty_account_free()`. It
/// changes with every event: use it from one thread at a time (it may move
/// between threads), and with engines of the program its events are meant
/// for.
pub struct LoyaltyAccount {
    kept: json::KeptAccount,
    /// The buffer the core writes each event's outcome into, kept so that
    /// after the first events it neither allocates nor grows; the result
    /// copies the outcome out of it.
    outcome: String,
    /// A call on this account panicked: the account may be half changed, so
    /// every later call on it is refused.
    poisoned: bool,
}

// The header promises that an account may move between threads.
const _: () = {
    const fn movable<T: Send>() {}
    movable::<LoyaltyAccount>()
};

/// Keep an account (JSON; the four bytes `null` for a member not enrolled
/// yet, when only an `enrol` event may follow) in memory.
///
/// On success `*account_out` receives the account (free it with
/// `loyalty_account_free()`) and `*error_out`, when `error_out` is not
/// null, is set to `NULL`. On failure (the account JSON is refused as
/// `loyalty_apply()` would refuse it) `*account_out` is set to `NULL` and
/// `*error_out`, when `error_out` is not null, receives the error (free it
/// with `loyalty_result_free()`).
///
/// # Safety
/// `account` is null or points to `account_len` readable bytes;
/// `account_out` and `error_out` are null or point to writable storage for
/// one pointer.
#[no_mangle]
pub unsafe extern "C" fn loyalty_account_new(
    account: *const u8,
    account_len: usize,
    account_out: *mut *mut LoyaltyAccount,
    error_out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    let make = || {
        // SAFETY: the caller's contract on `account` and `account_len`.
        let account = unsafe { text(account, account_len, "account", Document::Account) }?;
        json::KeptAccount::from_json(account)
            .map(|kept| LoyaltyAccount {
                kept,
                outcome: String::new(),
                poisoned: false,
            })
            .map_err(|e| Answer::error(&e))
    };
    let null = "`account_out` is a null pointer";
    // SAFETY: the caller's contract on `account_out` and `error_out`.
    unsafe { new_handle(account_out, error_out, "account", null, make) }
}

/// Apply an event (JSON) to a kept account, in place.
///
/// The result's `json` is `{"ok":true,"outcome":O}`, O being exactly the
/// `outcome` `loyalty_apply()` gives for the same account and event, and
/// `outcome` is O; `account` is `NULL` (the account stays in its handle).
/// A retry of an event already applied returns `LOYALTY_DUPLICATE` with
/// its outcome. On failure the result is `loyalty_apply()`'s and the
/// account is exactly as it was.
///
/// # Safety
/// `engine` is null or a live engine from `loyalty_engine_new()`;
/// `account` is null or a live account from `loyalty_account_new()` that
/// no other thread is using; `event` is null or points to `event_len`
/// readable bytes; `out` is null or points to writable storage for one
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn loyalty_account_apply(
    engine: *const LoyaltyEngine,
    account: *mut LoyaltyAccount,
    event: *const u8,
    event_len: usize,
    out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    // SAFETY: by the caller's contract `account` is null or a live account
    // that no one else uses during this call.
    let Some(handle) = (unsafe { account.as_mut() }) else {
        return guard(out, missing_account);
    };
    if handle.poisoned {
        return guard(out, poisoned);
    }
    let status = guard_raw(out, || {
        // SAFETY: the caller's contract on `engine`, `event` and `event_len`.
        let (engine, event) = match unsafe { engine_and_event(engine, event, event_len) } {
            Ok(inputs) => inputs,
            Err(answer) => return answer.into_made(),
        };
        let LoyaltyAccount { kept, outcome, .. } = handle;
        outcome.clear();
        match kept.apply_parts_into(engine, event, outcome) {
            Ok(()) => result::outcome(outcome),
            Err(e) => Answer::error(&e).into_made(),
        }
    });
    // A panic may have left the account between two states: refuse it
    // from now on rather than apply the next event to it.
    handle.poisoned = status == LoyaltyStatus::LOYALTY_PANIC;
    status
}

/// Quote a purchase event (JSON) for a kept account: what it would earn,
/// changing nothing, as `loyalty_quote()` for the account's JSON.
///
/// # Safety
/// As for `loyalty_account_apply()`.
#[no_mangle]
pub unsafe extern "C" fn loyalty_account_quote(
    engine: *const LoyaltyEngine,
    account: *const LoyaltyAccount,
    purchase: *const u8,
    purchase_len: usize,
    out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    // SAFETY: by the caller's contract `account` is null or a live account
    // that no one changes during this call.
    let Some(handle) = (unsafe { account.as_ref() }) else {
        return guard(out, missing_account);
    };
    if handle.poisoned {
        return guard(out, poisoned);
    }
    guard(out, || {
        // SAFETY: the caller's contract on `engine`, `purchase` and its length.
        let (engine, purchase) = match unsafe { engine_and_event(engine, purchase, purchase_len) } {
            Ok(inputs) => inputs,
            Err(answer) => return answer,
        };
        match handle.kept.quote(engine, purchase) {
            Ok(quote) => Answer::quoted(&quote),
            Err(e) => Answer::error(&e),
        }
    })
}

/// Write a kept account out. The result's `json` is
/// `{"ok":true,"account":A}` and `account` is A: the compact JSON
/// `loyalty_apply()` would have returned (`null` before enrolment), to
/// store or to pass to `loyalty_apply()` or `loyalty_account_new()`.
///
/// # Safety
/// `account` is null or a live account from `loyalty_account_new()` that
/// no one changes during this call; `out` is null or points to writable
/// storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn loyalty_account_json(
    account: *const LoyaltyAccount,
    out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    // SAFETY: by the caller's contract `account` is null or a live account
    // that no one changes during this call.
    let Some(handle) = (unsafe { account.as_ref() }) else {
        return guard(out, missing_account);
    };
    if handle.poisoned {
        return guard(out, poisoned);
    }
    guard(out, || Answer::account(handle.kept.to_json()))
}

/// Free a kept account. `NULL` is accepted and ignored.
///
/// # Safety
/// `account` is null or came from `loyalty_account_new()`, is not freed
/// yet, and no other thread is using it.
#[no_mangle]
pub unsafe extern "C" fn loyalty_account_free(account: *mut LoyaltyAccount) {
    if account.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: by the caller's contract `account` came from
        // `Box::into_raw` in `loyalty_account_new` and is freed only once.
        drop(unsafe { Box::from_raw(account) });
    }));
}

fn missing_account() -> Answer {
    Answer::invalid_argument("null_pointer", "account", "`account` is a null pointer")
}

fn poisoned() -> Answer {
    Answer::invalid_argument(
        "poisoned_account",
        "account",
        "an earlier call on this account panicked: free it and keep the account again from its last JSON",
    )
}

/// Apply an event (JSON) to an account (JSON; the four bytes `null` for a
/// member not enrolled yet, when only an `enrol` event may follow).
///
/// The result's `json` is the envelope of `loyalty_core::json::apply`; on
/// success `account` is the new account to store and `outcome` what
/// happened. A retry of an event already applied returns
/// `LOYALTY_DUPLICATE` with the outcome and the (unchanged) account.
///
/// # Safety
/// `engine` is null or a live engine from `loyalty_engine_new()`;
/// `account` and `event` are null or point to `account_len` and `event_len`
/// readable bytes; `out` is null or points to writable storage for one
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn loyalty_apply(
    engine: *const LoyaltyEngine,
    account: *const u8,
    account_len: usize,
    event: *const u8,
    event_len: usize,
    out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    // SAFETY: the caller's contract, passed on.
    guard(out, || unsafe {
        apply(engine, account, account_len, event, event_len, None)
    })
}

/// Reserve a reward before payment (two-phase redemption, step one): an
/// `loyalty_apply()` that also checks the event's `type` is `reserve`
/// (otherwise `LOYALTY_INVALID_ARGUMENT`, code `wrong_event_type`). The
/// outcome's `reservation.id` names the reservation to commit or release.
///
/// # Safety
/// As for `loyalty_apply()`.
#[no_mangle]
pub unsafe extern "C" fn loyalty_reserve(
    engine: *const LoyaltyEngine,
    account: *const u8,
    account_len: usize,
    event: *const u8,
    event_len: usize,
    out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    // SAFETY: the caller's contract, passed on.
    guard(out, || unsafe {
        apply(
            engine,
            account,
            account_len,
            event,
            event_len,
            Some("reserve"),
        )
    })
}

/// Payment succeeded: spend what a reservation holds. An `loyalty_apply()`
/// that also checks the event's `type` is `commit`.
///
/// # Safety
/// As for `loyalty_apply()`.
#[no_mangle]
pub unsafe extern "C" fn loyalty_commit(
    engine: *const LoyaltyEngine,
    account: *const u8,
    account_len: usize,
    event: *const u8,
    event_len: usize,
    out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    // SAFETY: the caller's contract, passed on.
    guard(out, || unsafe {
        apply(
            engine,
            account,
            account_len,
            event,
            event_len,
            Some("commit"),
        )
    })
}

/// Payment failed: give back what a reservation holds. An `loyalty_apply()`
/// that also checks the event's `type` is `release`.
///
/// # Safety
/// As for `loyalty_apply()`.
#[no_mangle]
pub unsafe extern "C" fn loyalty_release(
    engine: *const LoyaltyEngine,
    account: *const u8,
    account_len: usize,
    event: *const u8,
    event_len: usize,
    out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    // SAFETY: the caller's contract, passed on.
    guard(out, || unsafe {
        apply(
            engine,
            account,
            account_len,
            event,
            event_len,
            Some("release"),
        )
    })
}

/// Quote a purchase event (JSON) for an account (JSON or `null`): what it
/// would earn, changing nothing. The result's `json` is the envelope of
/// `loyalty_core::json::quote`; on success `quote` is its `quote` member.
///
/// # Safety
/// As for `loyalty_apply()`.
#[no_mangle]
pub unsafe extern "C" fn loyalty_quote(
    engine: *const LoyaltyEngine,
    account: *const u8,
    account_len: usize,
    purchase: *const u8,
    purchase_len: usize,
    out: *mut *mut LoyaltyResult,
) -> LoyaltyStatus {
    guard(out, || {
        // SAFETY: the caller's contract, passed on.
        let (engine, account, purchase) =
            match unsafe { inputs(engine, account, account_len, purchase, purchase_len) } {
                Ok(inputs) => inputs,
                Err(answer) => return answer,
            };
        match json::quote_typed(engine, account, purchase) {
            Ok(quote) => Answer::quoted(&quote),
            Err(e) => Answer::error(&e),
        }
    })
}

/// Free a result. `NULL` is accepted and ignored. Every pointer inside the
/// result becomes invalid.
///
/// # Safety
/// `result` is null or came from this library and is not freed yet.
#[no_mangle]
pub unsafe extern "C" fn loyalty_result_free(result: *mut LoyaltyResult) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller's contract.
        unsafe { result::free(result) }
    }));
}

/// Run `body` behind the panic guard and hand its answer to C through `out`.
fn guard(out: *mut *mut LoyaltyResult, body: impl FnOnce() -> Answer) -> LoyaltyStatus {
    guard_raw(out, || body().into_made())
}

/// [`guard`] for a body that lays its result out itself.
fn guard_raw(
    out: *mut *mut LoyaltyResult,
    body: impl FnOnce() -> (LoyaltyStatus, *mut LoyaltyResult),
) -> LoyaltyStatus {
    if out.is_null() {
        return LoyaltyStatus::LOYALTY_INVALID_ARGUMENT;
    }
    let (status, result) = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(made) => made,
        Err(_) => {
            // Building the panic answer only allocates; if even that panics
            // there is nothing left to report but the status.
            catch_unwind(|| Answer::panic().into_made())
                .unwrap_or((LoyaltyStatus::LOYALTY_PANIC, ptr::null_mut()))
        }
    };
    // SAFETY: `out` is not null and, by the caller's contract, writable.
    unsafe { out.write(result) };
    status
}

/// Borrow a document from C as text.
///
/// # Safety
/// `ptr` is null or points to `len` readable bytes that stay unchanged for `'a`.
unsafe fn text<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
    document: Document,
) -> Result<&'a str, Answer> {
    if ptr.is_null() {
        let message = match name {
            "program" => "`program` is a null pointer",
            "account" => "`account` is a null pointer",
            _ => "`event` is a null pointer",
        };
        return Err(Answer::invalid_argument("null_pointer", name, message));
    }
    if len > isize::MAX as usize {
        return Err(Answer::invalid_argument(
            "length_too_large",
            name,
            "the length is larger than `PTRDIFF_MAX`",
        ));
    }
    // SAFETY: `ptr` is not null, `len` fits in `isize`, and the caller
    // guarantees `len` readable bytes that outlive `'a`.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    // Documents are nearly always ASCII, which `ascii` checks a vector at
    // a time, faster than `from_utf8`'s general walk.
    if ascii(bytes) {
        // SAFETY: ASCII is UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).map_err(|e| {
        Answer::error(&Error::Parse {
            document,
            path: String::new(),
            message: format!(
                "the document is not UTF-8: invalid byte at offset {}",
                e.valid_up_to()
            ),
        })
    })
}

/// Whether `bytes` are all ASCII: the bytes of each 32 ORed together (one
/// or two vector operations), with no branch until the end.
fn ascii(bytes: &[u8]) -> bool {
    let chunks = bytes.chunks_exact(32);
    let rest = chunks.remainder();
    let high = chunks.fold([0u8; 32], |mut acc, chunk| {
        for (a, b) in acc.iter_mut().zip(chunk) {
            *a |= b;
        }
        acc
    });
    high.iter().fold(0, |acc, b| acc | b) < 0x80 && rest.is_ascii()
}

/// Check the engine and event arguments of a call on a kept account.
///
/// # Safety
/// As for `loyalty_account_apply()`.
unsafe fn engine_and_event<'a>(
    engine: *const LoyaltyEngine,
    event: *const u8,
    event_len: usize,
) -> Result<(&'a Engine, &'a str), Answer> {
    // SAFETY: the caller's contract on `engine`.
    let engine = unsafe { engine_of(engine) }?;
    // SAFETY: the caller's contract on `event`.
    let event = unsafe { text(event, event_len, "event", Document::Event) }?;
    Ok((engine, event))
}

/// The engine behind a handle C passes.
///
/// # Safety
/// `engine` is null or a live engine from `loyalty_engine_new()`.
unsafe fn engine_of<'a>(engine: *const LoyaltyEngine) -> Result<&'a Engine, Answer> {
    // SAFETY: by the caller's contract `engine` is null or a live engine,
    // which is never mutated.
    match unsafe { engine.as_ref() } {
        Some(engine) => Ok(&engine.engine),
        None => Err(Answer::invalid_argument(
            "null_pointer",
            "program",
            "`engine` is a null pointer",
        )),
    }
}

/// Check the engine, account and event arguments of a call.
///
/// # Safety
/// As for `loyalty_apply()`.
unsafe fn inputs<'a>(
    engine: *const LoyaltyEngine,
    account: *const u8,
    account_len: usize,
    event: *const u8,
    event_len: usize,
) -> Result<(&'a Engine, &'a str, &'a str), Answer> {
    // SAFETY: the caller's contract on `engine`.
    let engine = unsafe { engine_of(engine) }?;
    // SAFETY: the caller's contract on `account`.
    let account = unsafe { text(account, account_len, "account", Document::Account) }?;
    // SAFETY: the caller's contract on `event`.
    let event = unsafe { text(event, event_len, "event", Document::Event) }?;
    Ok((engine, account, event))
}

/// The body of every apply-like export; `kind` is the event type a
/// convenience export requires.
///
/// # Safety
/// As for `loyalty_apply()`.
unsafe fn apply(
    engine: *const LoyaltyEngine,
    account: *const u8,
    account_len: usize,
    event: *const u8,
    event_len: usize,
    kind: Option<&'static str>,
) -> Answer {
    // SAFETY: the caller's contract, passed on.
    let (engine, account, event) =
        match unsafe { inputs(engine, account, account_len, event, event_len) } {
            Ok(inputs) => inputs,
            Err(answer) => return answer,
        };
    if let Some(kind) = kind {
        // A malformed event is left to `apply_parts`, which reports it.
        if let Ok(parsed) = json::parse_event(event) {
            if parsed.kind() != kind {
                let message = match kind {
                    "reserve" => "`loyalty_reserve` takes only a `reserve` event",
                    "commit" => "`loyalty_commit` takes only a `commit` event",
                    _ => "`loyalty_release` takes only a `release` event",
                };
                return Answer::invalid_argument("wrong_event_type", "event", message);
            }
        }
    }
    match json::apply_parts(engine, account, event) {
        Ok((account, outcome)) => Answer::applied(account, outcome),
        Err(e) => Answer::error(&e),
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]

    use super::*;
    use std::ffi::CStr;

    #[test]
    fn version_constants_match_the_crate() {
        assert_eq!(
            LOYALTY_VERSION_MAJOR.to_string(),
            env!("CARGO_PKG_VERSION_MAJOR")
        );
        assert_eq!(
            LOYALTY_VERSION_MINOR.to_string(),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(
            LOYALTY_VERSION_PATCH.to_string(),
            env!("CARGO_PKG_VERSION_PATCH")
        );
        // SAFETY: a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(loyalty_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn the_header_carries_the_crate_version() {
        let header =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/loyalty.h"))
                .unwrap();
        let major = format!("#define LOYALTY_VERSION_MAJOR {LOYALTY_VERSION_MAJOR}\n");
        let string = format!(
            "#define LOYALTY_VERSION \"{}\"\n",
            env!("CARGO_PKG_VERSION")
        );
        assert!(
            header.contains(&major),
            "include/loyalty.h is stale: regenerate it"
        );
        assert!(
            header.contains(&string),
            "update LOYALTY_VERSION in loyalty-ffi/cbindgen.toml"
        );
    }

    /// `ascii` is `is_ascii`, wherever a non-ASCII byte falls: in a 32-byte
    /// chunk or in the rest, first or last.
    #[test]
    fn ascii_is_is_ascii() {
        for len in [0, 1, 31, 32, 33, 64, 95, 318] {
            assert!(ascii(&vec![b'a'; len]));
            for at in 0..len {
                let mut bytes = vec![b'a'; len];
                bytes[at] = 0xC3;
                assert!(!ascii(&bytes), "{len} {at}");
            }
        }
    }

    #[test]
    fn a_panic_becomes_a_status() {
        let mut out = ptr::null_mut();
        let status = guard(&mut out, || panic!("boom"));
        assert_eq!(status, LoyaltyStatus::LOYALTY_PANIC);
        assert!(!out.is_null());
        // SAFETY: `out` was just made by `guard`.
        let r = unsafe { &*out };
        assert_eq!(r.status, LoyaltyStatus::LOYALTY_PANIC);
        // SAFETY: NUL-terminated strings owned by the result.
        let kind = unsafe { CStr::from_ptr(r.error_kind) };
        assert_eq!(kind.to_str().unwrap(), "internal");
        // SAFETY: as above.
        let json = unsafe { CStr::from_ptr(r.json) }.to_str().unwrap();
        assert!(
            json.starts_with(r#"{"ok":false,"error":{"kind":"internal","code":"internal""#),
            "{json}"
        );
        looks_like_envelope(json);
        // SAFETY: made by `guard`, freed once.
        unsafe { loyalty_result_free(out) };
    }

    /// The binding's own envelopes must be valid JSON of the core's shape.
    fn looks_like_envelope(json: &str) {
        assert!(json.ends_with("\"}}"), "{json}");
        assert_eq!(json.matches('"').count() % 2, 0, "{json}");
    }

    #[test]
    fn a_null_out_is_reported_without_a_result() {
        let status = guard(ptr::null_mut(), || unreachable!());
        assert_eq!(status, LoyaltyStatus::LOYALTY_INVALID_ARGUMENT);
    }
}
