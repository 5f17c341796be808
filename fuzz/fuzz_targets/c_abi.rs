//! The C ABI entry points with arbitrary bytes, lengths and null pointers.
//!
//! The input is cut into a selector byte and up to three documents (program,
//! account, event) separated by `0xFF` bytes (never valid UTF-8, so a
//! separator is never part of a document). Each export is called the way a
//! careless C caller might: documents may be null, shorter than the length
//! passed is never done (that would be the caller's undefined behaviour), but
//! lengths may be truncated, zero or above `PTRDIFF_MAX`. Checked:
//! - no call reports `LOYALTY_PANIC`, and every result is freed once;
//! - every result carries an envelope that is JSON with the status's `ok`;
//! - `loyalty_apply` answers byte for byte what `loyalty_core::json::apply`
//!   answers for the same text (same answer through both doors).
#![no_main]

use std::ptr;

use loyalty::{
    loyalty_apply, loyalty_commit, loyalty_engine_free, loyalty_engine_new,
    loyalty_program_validate, loyalty_quote, loyalty_release, loyalty_reserve, loyalty_result_free,
    loyalty_status_name, LoyaltyEngine, LoyaltyResult, LoyaltyStatus,
};

const PROGRAMS: &[&str] = &[
    include_str!("../../examples/programs/cafe.json"),
    include_str!("../../examples/programs/cashback.json"),
    include_str!("../../examples/programs/tiered.json"),
    include_str!("../../examples/programs/coffee-club.json"),
];

const ENROLLED: &str =
    r#"{"type": "enrol", "id": "e", "member": "m", "time": "2026-01-01T00:00:00Z"}"#;

type Call = unsafe extern "C" fn(
    *const LoyaltyEngine,
    *const u8,
    usize,
    *const u8,
    usize,
    *mut *mut LoyaltyResult,
) -> LoyaltyStatus;

const CALLS: &[Call] = &[
    loyalty_apply,
    loyalty_reserve,
    loyalty_commit,
    loyalty_release,
    loyalty_quote,
];

/// How a document is passed: as is, null, truncated, or with a huge length.
fn pass(doc: &[u8], mode: u8) -> (*const u8, usize) {
    match mode % 8 {
        0 => (ptr::null(), doc.len()),
        1 => (doc.as_ptr(), doc.len() / 2),
        2 => (doc.as_ptr(), usize::MAX),
        3 => (doc.as_ptr(), isize::MAX as usize + 1),
        4 => (doc.as_ptr(), 0),
        _ => (doc.as_ptr(), doc.len()),
    }
}

/// Check a result and free it; returns the envelope text.
fn take(status: LoyaltyStatus, result: *mut LoyaltyResult) -> String {
    assert_ne!(status, LoyaltyStatus::LOYALTY_PANIC, "an export panicked");
    assert!(!loyalty_status_name(status as i32).is_null());
    assert!(!result.is_null(), "no result for status {status:?}");
    // SAFETY: `result` was made by the library and is read before being freed.
    let r = unsafe { &*result };
    assert_eq!(r.status, status);
    assert!(!r.json.is_null());
    // SAFETY: `json` points to `json_len` bytes owned by the result.
    let bytes = unsafe { std::slice::from_raw_parts(r.json.cast::<u8>(), r.json_len) };
    let text = std::str::from_utf8(bytes)
        .expect("envelope is UTF-8")
        .to_owned();
    let value: serde_json::Value = serde_json::from_str(&text).expect("envelope is JSON");
    let ok = value
        .get("ok")
        .and_then(serde_json::Value::as_bool)
        .expect("`ok` member");
    let success = matches!(
        status,
        LoyaltyStatus::LOYALTY_OK | LoyaltyStatus::LOYALTY_DUPLICATE
    );
    assert_eq!(ok, success, "envelope {text} for status {status:?}");
    // SAFETY: made by the library, freed once.
    unsafe { loyalty_result_free(result) };
    text
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.split(|&b| b == 0xFF);
    let first = parts.next().unwrap_or_default();
    let second = parts.next().unwrap_or_default();
    let third = parts.next();
    let modes = (selector >> 3, selector >> 5);

    // Arbitrary bytes as a program, through both program exports.
    let (p, n) = pass(first, modes.0);
    let mut result = ptr::null_mut();
    // SAFETY: `p` is null or points to `first`; the length is at most
    // `first.len()` or above `PTRDIFF_MAX`, which the export refuses unread.
    let status = unsafe { loyalty_program_validate(p, n, &mut result) };
    take(status, result);
    let mut engine = ptr::null_mut();
    let mut error = ptr::null_mut();
    // SAFETY: as above; the out pointers are valid.
    let status = unsafe { loyalty_engine_new(p, n, &mut engine, &mut error) };
    if status == LoyaltyStatus::LOYALTY_OK {
        assert!(error.is_null() && !engine.is_null());
        // SAFETY: made by `loyalty_engine_new`, freed once.
        unsafe { loyalty_engine_free(engine) };
    } else {
        assert!(engine.is_null());
        take(status, error);
    }

    // A known program; the next two documents as account and event.
    let program = PROGRAMS[usize::from(selector) % PROGRAMS.len()];
    let mut engine = ptr::null_mut();
    let mut error = ptr::null_mut();
    // SAFETY: a valid program string and valid out pointers.
    let status =
        unsafe { loyalty_engine_new(program.as_ptr(), program.len(), &mut engine, &mut error) };
    assert_eq!(status, LoyaltyStatus::LOYALTY_OK);
    let core_engine = loyalty_core::Engine::from_json(program).expect("example program loads");

    let (account, event) = match third {
        Some(event) => (second, event),
        None => (&b"null"[..], second),
    };
    let call = CALLS[usize::from(selector & 7) % CALLS.len()];
    let (ap, an) = pass(account, modes.1);
    let (ep, en) = pass(event, modes.0 ^ modes.1);
    let mut result = ptr::null_mut();
    // SAFETY: pointers are null or point into `data` with lengths in bounds
    // or above `PTRDIFF_MAX`.
    let status = unsafe { call(engine, ap, an, ep, en, &mut result) };
    let answer = take(status, result);

    // The same text through `loyalty_apply` and through Rust: same bytes.
    if let (Ok(a), Ok(e)) = (std::str::from_utf8(account), std::str::from_utf8(event)) {
        let mut result = ptr::null_mut();
        // SAFETY: valid pointers and lengths.
        let status = unsafe {
            loyalty_apply(
                engine,
                a.as_ptr(),
                a.len(),
                e.as_ptr(),
                e.len(),
                &mut result,
            )
        };
        let from_c = take(status, result);
        assert_eq!(from_c, loyalty_core::json::apply(&core_engine, a, e));
        // And applied to an enrolled account.
        if let Ok((acct, _)) = loyalty_core::json::apply_parts(&core_engine, "null", ENROLLED) {
            let mut result = ptr::null_mut();
            // SAFETY: valid pointers and lengths.
            let status = unsafe {
                loyalty_apply(
                    engine,
                    acct.as_ptr(),
                    acct.len(),
                    e.as_ptr(),
                    e.len(),
                    &mut result,
                )
            };
            let from_c = take(status, result);
            assert_eq!(from_c, loyalty_core::json::apply(&core_engine, &acct, e));
        }
    }
    let _ = answer;

    // Null out pointers and a null engine are statuses, not crashes.
    // SAFETY: a null `out` is refused before anything is read.
    let status = unsafe { call(engine, ap, an, ep, en, ptr::null_mut()) };
    assert_eq!(status, LoyaltyStatus::LOYALTY_INVALID_ARGUMENT);
    let mut result = ptr::null_mut();
    // SAFETY: a null engine is refused before the documents are read.
    let status = unsafe { call(ptr::null(), ap, an, ep, en, &mut result) };
    take(status, result);

    // SAFETY: made by `loyalty_engine_new`, freed once.
    unsafe { loyalty_engine_free(engine) };
});
