//! A reader for the documents every call brings, in the shape tools write
//! them: a purchase event (and, in `account::compact`, an account) of
//! known keys, strings without escapes, integers and `null`.
//!
//! serde_json and the derived visitors spend most of reading an event on
//! their machinery (a key costs as much as the string it names): this
//! reader goes over the text once, byte by byte, and builds the value
//! directly with the same functions the `Deserialize` impls call
//! (`Timestamp::parse`, `Dec::from_str`). It accepts only what those impls
//! accept and reads it to the same value; anything else (an escape, an
//! unknown or repeated key, a float, a value of another type, a nested
//! shape it does not know, bytes after the document) makes it give up with
//! `None`, and the caller reads the text with serde, which gives the same
//! value or the error with its path. It is left out of the WebAssembly
//! build (the npm package's size budget).

#![cfg_attr(target_arch = "wasm32", allow(dead_code))]

use crate::decimal::Dec;
use crate::event::{Line, Purchase};
use crate::time::Timestamp;

/// A position in a JSON text.
pub(crate) struct Text<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Text<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Text { s, at: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.s.as_bytes()
    }

    /// Skips JSON whitespace (serde_json's four bytes).
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes().get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte after whitespace, not taken.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes().get(self.at).copied()
    }

    /// Takes `c` (after whitespace).
    pub(crate) fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek()? != c {
            return None;
        }
        self.at += 1;
        Some(())
    }

    /// Takes `null` when it comes next.
    pub(crate) fn null(&mut self) -> Option<bool> {
        if self.peek()? != b'n' {
            return Some(false);
        }
        let end = self.at + 4;
        if self.bytes().get(self.at..end)? != b"null" {
            return None;
        }
        self.at = end;
        Some(true)
    }

    /// A string without escapes or control bytes (which serde would read
    /// as it is, borrowed).
    pub(crate) fn str(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let rest = self.bytes().get(start..)?;
        let len = first_special(rest)?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        self.at = start + len + 1;
        // `"` is ASCII, so both ends are character boundaries.
        self.s.get(start..start + len)
    }

    /// A string or `null`.
    pub(crate) fn opt_str(&mut self) -> Option<Option<&'a str>> {
        if self.null()? {
            return Some(None);
        }
        self.str().map(Some)
    }

    /// Digits of a non-negative integer in JSON's grammar (no leading
    /// zero; a fraction or an exponent would make it a float, which the
    /// integer fields refuse), with no whitespace before them.
    fn digits(&mut self) -> Option<u64> {
        let rest = self.bytes().get(self.at..)?;
        let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 || (len > 1 && rest.first() == Some(&b'0')) {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = rest.get(len) {
            return None;
        }
        let mut n = 0_u64;
        for &b in rest.get(..len)? {
            n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        }
        self.at += len;
        Some(n)
    }

    /// A non-negative integer.
    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.skip_ws();
        self.digits()
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.u64()?).ok()
    }

    /// After an element or member: `true` after a `,`, `false` after the
    /// closing `close`.
    fn more(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            c if c == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// An array, each element read by `item`.
    pub(crate) fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Vec::new();
        self.elements(|t| {
            out.push(item(t)?);
            Some(())
        })?;
        Some(out)
    }

    /// An array, each element read by `item`.
    pub(crate) fn elements(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            item(self)?;
            if !self.more(b']')? {
                return Some(());
            }
        }
    }

    /// An object, each member's value read by `member` given its key.
    pub(crate) fn members(
        &mut self,
        mut member: impl FnMut(&mut Self, &'a str) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let key = self.str()?;
            self.eat(b':')?;
            member(self, key)?;
            if !self.more(b'}')? {
                return Some(());
            }
        }
    }

    /// Nothing but whitespace is left.
    pub(crate) fn end(&mut self) -> Option<()> {
        self.skip_ws();
        (self.at == self.s.len()).then_some(())
    }
}

/// Where the first `"`, `\\` or control byte of `bytes` is: eight bytes
/// at a time (`write::special` marks them; its lowest mark is always
/// exact), then byte by byte.
fn first_special(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let marks = super::write::special(u64::from_le_bytes(*word));
        if marks != 0 {
            return Some(at + (marks.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let i = bytes
        .get(at..)?
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    Some(at + i)
}

/// Fills an empty slot; a key seen twice gives up.
pub(crate) fn once<T>(slot: &mut Option<T>, v: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(v);
    Some(())
}

fn dec(t: &mut Text<'_>) -> Option<Dec> {
    t.str()?.parse().ok()
}

fn line(t: &mut Text<'_>) -> Option<Line> {
    let (mut sku, mut category, mut tags) = (None, None, None);
    let (mut quantity, mut unit_price, mut discount, mut reward_discount) =
        (None, None, None, None);
    t.members(|t, key| match key {
        "sku" => once(&mut sku, t.str()?.to_owned()),
        "category" => once(&mut category, t.opt_str()?.map(str::to_owned)),
        "tags" => once(&mut tags, t.list(|t| t.str().map(str::to_owned))?),
        "quantity" => once(&mut quantity, t.u32()?),
        "unit_price" => once(&mut unit_price, dec(t)?),
        "discount" => once(&mut discount, opt_dec(t)?),
        "reward_discount" => once(&mut reward_discount, opt_dec(t)?),
        _ => None,
    })?;
    Some(Line {
        sku: sku?,
        category: category.flatten(),
        tags: tags.unwrap_or_default(),
        quantity: quantity?,
        unit_price: unit_price?,
        discount: discount.flatten(),
        reward_discount: reward_discount.flatten(),
    })
}

fn opt_dec(t: &mut Text<'_>) -> Option<Option<Dec>> {
    if t.null()? {
        return Some(None);
    }
    dec(t).map(Some)
}

/// A purchase event (`"type": "purchase"`, anywhere, once), as
/// `parse_event` reads it; `None` when serde must read it.
pub(crate) fn purchase(json: &str) -> Option<Purchase> {
    let mut t = Text::new(json);
    let (mut kind, mut id, mut time, mut location, mut staff) = (None, None, None, None, None);
    let (mut channel, mut lines, mut redemptions) = (None, None, None);
    t.members(|t, key| match key {
        "type" => {
            if t.str()? != "purchase" {
                return None;
            }
            once(&mut kind, ())
        }
        "id" => once(&mut id, t.str()?.to_owned()),
        "time" => once(&mut time, Timestamp::parse(t.str()?).ok()?),
        "location" => once(&mut location, t.opt_str()?.map(str::to_owned)),
        "staff" => once(&mut staff, t.opt_str()?.map(str::to_owned)),
        "channel" => once(&mut channel, t.opt_str()?.map(str::to_owned)),
        "lines" => once(&mut lines, t.list(line)?),
        "redemptions" => once(&mut redemptions, t.list(|t| t.str().map(str::to_owned))?),
        _ => None,
    })?;
    t.end()?;
    kind?;
    Some(Purchase {
        id: id?,
        time: time?,
        location: location.flatten(),
        staff: staff.flatten(),
        channel: channel.flatten(),
        lines: lines?,
        redemptions: redemptions.unwrap_or_default(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
pub(crate) mod tests {
    use std::path::Path;

    use crate::event::Event;

    /// A small deterministic generator (xorshift), so failures repeat.
    pub(crate) struct Rng(pub(crate) u64);

    impl Rng {
        pub(crate) fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// `json` and variants of it: a byte deleted, doubled or replaced, or
    /// a piece of JSON inserted, at random places.
    pub(crate) fn mutations(json: &str, rng: &mut Rng, n: usize) -> Vec<String> {
        const BYTES: &[u8] = b"\"\\,:{}[]0-.eE n1x\t";
        const PIECES: &[&str] = &[
            "null",
            " ",
            "\"\"",
            "[]",
            "{}",
            ",\"id\":\"x\"",
            "\"type\":\"purchase\",",
            "\"tags\":[\"a\"],",
            "\"category\":null,",
            "1.5",
            "-0",
            "00",
            "\\u0041",
            "\"type\": \"purchase\", ",
            "99999999999999999999",
            "\"lots\":[],",
            ",[1]",
        ];
        let mut out = vec![json.to_owned()];
        let bytes = json.as_bytes();
        for _ in 0..n {
            let at = rng.below(bytes.len() + 1);
            let mut b = bytes.to_vec();
            match rng.below(4) {
                0 if at < b.len() => {
                    b.remove(at);
                }
                1 if at < b.len() => b.insert(at, b[at]),
                2 if at < b.len() => b[at] = BYTES[rng.below(BYTES.len())],
                _ => {
                    let piece = PIECES[rng.below(PIECES.len())].as_bytes();
                    b.splice(at..at, piece.iter().copied());
                }
            }
            if let Ok(s) = String::from_utf8(b) {
                out.push(s);
            }
        }
        out
    }

    /// The documents of the conformance vectors: every event and every
    /// account a vector goes through.
    pub(crate) fn vector_documents() -> (Vec<String>, Vec<String>) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
        let mut dirs: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        let (mut events, mut accounts) = (vec![], vec![]);
        for dir in dirs {
            let Ok(program) = std::fs::read_to_string(dir.join("program.json")) else {
                continue;
            };
            let Ok(engine) = crate::Engine::from_json(&program) else {
                continue;
            };
            let mut account = std::fs::read_to_string(dir.join("account.json"))
                .map(|s| s.trim().to_owned())
                .unwrap_or_else(|_| "null".to_owned());
            let steps = std::fs::read_to_string(dir.join("events.jsonl")).unwrap_or_default();
            for step in steps.lines().filter(|l| !l.trim().is_empty()) {
                let step = match step.strip_prefix("{\"quote\": ") {
                    Some(rest) => rest.strip_suffix('}').unwrap(),
                    None => step,
                };
                events.push(step.to_owned());
                accounts.push(account.clone());
                if let Ok((next, _)) = crate::json::apply_parts(&engine, &account, step) {
                    account = next;
                }
            }
            accounts.push(account);
        }
        (events, accounts)
    }

    /// What the fast reader accepts, serde reads to the same value; and
    /// it gives up on whatever serde refuses.
    #[test]
    fn purchases_read_as_serde_reads_them() {
        let (mut events, _) = vector_documents();
        events.extend(
            [
                r#" { "type" : "purchase" , "id" : "p" , "time" : "2026-01-01T00:00:00Z" , "lines" : [ { "sku" : "a" , "quantity" : 1 , "unit_price" : "1.5" } ] } "#,
                "{\"id\":\"p\",\"lines\":[],\"type\":\"purchase\",\"time\":\"2026-01-01T00:00:00+01:00\",\"location\":null,\"staff\":\"s\",\"channel\":\"app\",\"redemptions\":[\"r1\",\"r2\"]}",
                r#"{"type":"purchase","id":"é😀","time":"2026-01-01T00:00:00.5Z","lines":[{"sku":"a","category":null,"tags":[],"quantity":4294967295,"unit_price":"-0.00","discount":null,"reward_discount":"1"},{"tags":["x","y"],"quantity":0,"sku":"","unit_price":"12","discount":"0.5"}]}"#,
                r#"{"type":"purchase","id":"p","time":"2026-01-01T00:00:00Z","lines":[{"sku":"a","quantity":4294967296,"unit_price":"1"}]}"#,
                r#"{"type":"purchase","id":"p","time":"2026-01-01T00:00:00Z","lines":[{"sku":"a","quantity":-1,"unit_price":"1"}]}"#,
                r#"{"type":"purchase","id":"p","time":"2026-01-01T00:00:00","lines":[]}"#,
                r#"{"type":"purchase","id":"p","time":"2026-01-01T00:00:00Z","lines":[]}x"#,
                r#"{"type":"enrol","id":"p","time":"2026-01-01T00:00:00Z","member":"m"}"#,
            ]
            .map(str::to_owned),
        );
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut fast, mut total) = (0, 0);
        for event in &events {
            for json in mutations(event, &mut rng, 60) {
                total += 1;
                let Some(p) = super::purchase(&json) else {
                    continue;
                };
                fast += 1;
                match super::super::parse_event_with_serde(&json) {
                    Ok(Event::Purchase(q)) => assert_eq!(p, q, "{json}"),
                    other => panic!("{json}: the fast reader read what serde gives as {other:?}"),
                }
            }
        }
        assert!(fast > 1_000 && fast < total, "{fast} of {total}");
    }
}
