//! Arbitrary bytes as a program: parsing and validation must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = loyalty_core::json::validate_program(text);
    }
});
