//! Differential test: the same random event streams through the core's JSON
//! interface and through the C ABI must give identical bytes.
//!
//! Streams are generated from a fixed seed (`LOYALTY_DIFF_SEED`, default 6)
//! for every example program: enrolments, purchases, partial and full
//! returns, redemptions, reservations with commits and releases, time
//! advances, adjustments, retries, conflicting ids, invalid events and
//! malformed JSON. Each answer's account is carried to the next event. The
//! same streams go through a kept account (`loyalty_account_*`), whose
//! answers must be the stateless ones without the account, and whose
//! account, written out after every event, the stateless door's.
//!
//! With `LOYALTY_DIFF_DIR` set, the streams are also written to
//! `DIR/streams/NAME.jsonl` (first line: the program file, then one event per
//! line) and the core's answers to `DIR/rust/NAME.out`, for
//! `scripts/test-differential.sh` to replay through the C library (a C
//! driver) and the npm package (Node) and compare byte for byte.

#![allow(
    unsafe_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::ptr;

use loyalty::{
    loyalty_account_apply, loyalty_account_free, loyalty_account_json, loyalty_account_new,
    loyalty_apply, loyalty_engine_free, loyalty_engine_new, loyalty_result_free, LoyaltyResult,
};
use loyalty_core::{json, Engine};

const PROGRAMS: &[&str] = &[
    "cafe.json",
    "cafe-hybrid.json",
    "cafe-stamp-card.json",
    "cashback.json",
    "charity-round-up.json",
    "coffee-club.json",
    "points.json",
    "tiered.json",
];

const MENU: &[(&str, &str, &str)] = &[
    ("latte", "coffee", "4.75"),
    ("drip", "coffee", "2.95"),
    ("croissant", "pastry", "3.25"),
    ("tea", "tea", "3.80"),
    ("sandwich", "sandwich", "8.50"),
    ("mug", "merch", "14.00"),
    ("card", "gift_card", "25.00"),
];

/// xorshift64*: small, seeded, the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn stream(rng: &mut Rng, program: &serde_json::Value, len: usize) -> Vec<String> {
    let rewards: Vec<String> = program["rewards"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|x| x["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let plan = program["plans"][0]["id"].as_str().map(str::to_owned);
    let mut minutes: u64 = 0;
    let mut out = vec![r#"{"type":"enrol","id":"enrol","member":"m","time":"2026-03-02T08:00:00-05:00","birthday":"03-05"}"#.to_owned()];
    let mut purchases: Vec<String> = vec![];
    let mut reservations: Vec<String> = vec![];
    let time = |m: u64| {
        let base: loyalty_core::Timestamp =
            serde_json::from_str("\"2026-03-02T08:00:00-05:00\"").unwrap();
        base.plus_minutes(u32::try_from(m).unwrap_or(u32::MAX))
            .to_string()
    };
    for i in 0..len {
        minutes += 1 + rng.below(30);
        let id = format!("e{i}");
        let t = time(minutes);
        let line = |rng: &mut Rng| {
            let (sku, cat, price) = MENU[rng.below(MENU.len() as u64) as usize];
            format!(
                r#"{{"sku":"{sku}","category":"{cat}","quantity":{},"unit_price":"{price}"}}"#,
                1 + rng.below(4)
            )
        };
        let e = match rng.below(14) {
            0..=3 => {
                purchases.push(id.clone());
                let n = 1 + rng.below(4);
                let lines: Vec<String> = (0..n).map(|_| line(rng)).collect();
                format!(
                    r#"{{"type":"purchase","id":"{id}","time":"{t}","lines":[{}]}}"#,
                    lines.join(",")
                )
            }
            4 => {
                let p = purchases
                    .get(rng.below(purchases.len() as u64 + 1) as usize)
                    .cloned()
                    .unwrap_or("nope".into());
                if rng.below(2) == 0 {
                    format!(r#"{{"type":"return","id":"{id}","time":"{t}","purchase":"{p}"}}"#)
                } else {
                    format!(
                        r#"{{"type":"return","id":"{id}","time":"{t}","purchase":"{p}","lines":[{{"line":{},"quantity":{}}}]}}"#,
                        rng.below(4),
                        1 + rng.below(3)
                    )
                }
            }
            5 | 6 => {
                let r = rewards
                    .get(rng.below(rewards.len() as u64 + 1) as usize)
                    .cloned()
                    .unwrap_or("nope".into());
                let kind = if rng.below(2) == 0 {
                    reservations.push(id.clone());
                    "reserve"
                } else {
                    "redeem"
                };
                format!(
                    r#"{{"type":"{kind}","id":"{id}","time":"{t}","reward":"{r}","basket":[{},{}]}}"#,
                    line(rng),
                    line(rng)
                )
            }
            7 => {
                let r = reservations
                    .get(rng.below(reservations.len() as u64 + 1) as usize)
                    .cloned()
                    .unwrap_or("nope".into());
                let kind = if rng.below(2) == 0 {
                    "commit"
                } else {
                    "release"
                };
                format!(r#"{{"type":"{kind}","id":"{id}","time":"{t}","reservation":"{r}"}}"#)
            }
            8 => {
                minutes += rng.below(60 * 24 * 400);
                format!(
                    r#"{{"type":"time_advanced","id":"{id}","time":"{}"}}"#,
                    time(minutes)
                )
            }
            9 => format!(
                r#"{{"type":"adjust","id":"{id}","time":"{t}","points":{},"staff":"s","reason":"r"}}"#,
                rng.below(200) as i64 - 60
            ),
            10 => out[rng.below(out.len() as u64) as usize].clone(),
            11 => format!(
                r#"{{"type":"time_advanced","id":"e{}","time":"{t}"}}"#,
                rng.below(i as u64 + 1)
            ),
            12 => match (&plan, rng.below(2)) {
                (Some(p), 0) => {
                    format!(r#"{{"type":"subscribe","id":"{id}","time":"{t}","plan":"{p}"}}"#)
                }
                _ => format!(
                    r#"{{"type":"update_profile","id":"{id}","time":"{t}","tags":["vip"]}}"#
                ),
            },
            _ => match rng.below(5) {
                0 => format!(
                    r#"{{"type":"purchase","id":"{id}","time":"{t}","lines":[{{"sku":"x","quantity":0,"unit_price":"1.00"}}]}}"#
                ),
                1 => format!(
                    r#"{{"type":"purchase","id":"{id}","time":"{t}","lines":[{{"sku":"x","quantity":1,"unit_price":"NaN"}}]}}"#
                ),
                2 => format!(
                    r#"{{"type":"time_advanced","id":"{id}","time":"2026-03-02T08:00:00"}}"#
                ),
                3 => format!(r#"{{"type":"time_advanced","id":"{id}","time":"{t}"}} x"#),
                _ => format!(
                    r#"{{"type":"adjust","id":"{id}","time":"{t}","points":1,"staff":"s","reason":"r","reason":"r"}}"#
                ),
            },
        };
        out.push(e);
    }
    out
}

/// Carry the account forward: the exact bytes of the `account` member of a
/// success envelope (its last member).
fn next_account(answer: &str, account: String) -> String {
    const KEY: &str = r#","account":"#;
    match (answer.starts_with(r#"{"ok":true,"#), answer.rfind(KEY)) {
        (true, Some(at)) => answer[at + KEY.len()..answer.len() - 1].to_owned(),
        _ => account,
    }
}

fn through_c(program: &str, events: &[String]) -> Vec<String> {
    let mut engine = ptr::null_mut();
    let mut error = ptr::null_mut();
    // SAFETY: valid pointers and lengths.
    let s = unsafe { loyalty_engine_new(program.as_ptr(), program.len(), &mut engine, &mut error) };
    assert_eq!(s as i32, 0);
    let mut account = "null".to_owned();
    let mut answers = vec![];
    for e in events {
        let mut r = ptr::null_mut();
        // SAFETY: valid pointers and lengths; the result is freed below.
        unsafe {
            loyalty_apply(
                engine,
                account.as_ptr(),
                account.len(),
                e.as_ptr(),
                e.len(),
                &mut r,
            )
        };
        // SAFETY: the result is live until freed.
        let answer = unsafe {
            let r = &*r;
            String::from_utf8(std::slice::from_raw_parts(r.json.cast::<u8>(), r.json_len).to_vec())
                .unwrap()
        };
        // SAFETY: made by the library, freed once.
        unsafe { loyalty_result_free(r) };
        account = next_account(&answer, account);
        answers.push(answer);
    }
    // SAFETY: made by `loyalty_engine_new`, freed once.
    unsafe { loyalty_engine_free(engine) };
    answers
}

/// The bytes of a result's string field, then the result freed.
///
/// # Safety
/// `r` is a live result from the library.
unsafe fn take(r: *mut LoyaltyResult, field: fn(&LoyaltyResult) -> (*const u8, usize)) -> String {
    // SAFETY: the result is live until freed, its strings valid for their lengths.
    let text = unsafe {
        let (at, len) = field(&*r);
        String::from_utf8(std::slice::from_raw_parts(at, len).to_vec()).unwrap()
    };
    // SAFETY: made by the library, freed once.
    unsafe { loyalty_result_free(r) };
    text
}

/// The events through a kept account: each answer, and the account
/// written out after it.
fn through_kept_c(program: &str, events: &[String]) -> Vec<(String, String)> {
    let mut engine = ptr::null_mut();
    let mut member = ptr::null_mut();
    // SAFETY: valid pointers and lengths.
    unsafe {
        assert_eq!(
            loyalty_engine_new(
                program.as_ptr(),
                program.len(),
                &mut engine,
                ptr::null_mut()
            ) as i32,
            0
        );
        assert_eq!(
            loyalty_account_new(b"null".as_ptr(), 4, &mut member, ptr::null_mut()) as i32,
            0
        );
    }
    let answers = events
        .iter()
        .map(|e| {
            let (mut r, mut a) = (ptr::null_mut(), ptr::null_mut());
            // SAFETY: valid handles, pointers and lengths; results freed by `take`.
            unsafe {
                loyalty_account_apply(engine, member, e.as_ptr(), e.len(), &mut r);
                loyalty_account_json(member, &mut a);
                (
                    take(r, |r| (r.json.cast(), r.json_len)),
                    take(a, |a| (a.account.cast(), a.account_len)),
                )
            }
        })
        .collect();
    // SAFETY: made above, freed once.
    unsafe {
        loyalty_account_free(member);
        loyalty_engine_free(engine);
    }
    answers
}

fn through_rust(engine: &Engine, events: &[String]) -> Vec<String> {
    let mut account = "null".to_owned();
    events
        .iter()
        .map(|e| {
            let answer = json::apply(engine, &account, e);
            account = next_account(&answer, std::mem::take(&mut account));
            answer
        })
        .collect()
}

#[test]
fn rust_and_c_abi_answer_the_same_bytes() {
    let seed: u64 = std::env::var("LOYALTY_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    let streams: usize = std::env::var("LOYALTY_DIFF_STREAMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let dir = std::env::var("LOYALTY_DIFF_DIR")
        .ok()
        .map(std::path::PathBuf::from);
    if let Some(d) = &dir {
        std::fs::create_dir_all(d.join("streams")).unwrap();
        std::fs::create_dir_all(d.join("rust")).unwrap();
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/programs");
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut compared = 0;
    for file in PROGRAMS {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let engine = Engine::from_json(&text).unwrap();
        for n in 0..streams {
            let events = stream(&mut rng, &value, 40);
            let rust = through_rust(&engine, &events);
            let c = through_c(&text, &events);
            for (i, (a, b)) in rust.iter().zip(&c).enumerate() {
                assert_eq!(a, b, "{file} stream {n} event {i}: {}", events[i]);
            }
            let mut account = "null".to_owned();
            for (i, (a, (kept, kept_account))) in
                rust.iter().zip(through_kept_c(&text, &events)).enumerate()
            {
                account = next_account(a, account);
                let stateless = match a.rfind(r#","account":"#) {
                    Some(at) if a.starts_with(r#"{"ok":true,"#) => format!("{}}}", &a[..at]),
                    _ => a.clone(),
                };
                assert_eq!(
                    kept, stateless,
                    "{file} stream {n} event {i}: {}",
                    events[i]
                );
                assert_eq!(
                    kept_account, account,
                    "{file} stream {n} event {i}: {}",
                    events[i]
                );
            }
            compared += rust.len();
            if let Some(d) = &dir {
                let name = format!("{}-{n}", file.trim_end_matches(".json"));
                let mut s = format!("{file}\n");
                for e in &events {
                    s.push_str(e);
                    s.push('\n');
                }
                std::fs::write(d.join("streams").join(format!("{name}.jsonl")), s).unwrap();
                std::fs::write(
                    d.join("rust").join(format!("{name}.out")),
                    rust.join("\n") + "\n",
                )
                .unwrap();
            }
        }
    }
    eprintln!("differential: {compared} answers identical through Rust and the C ABI");
}
