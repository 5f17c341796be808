//! The outcome of an event written straight as JSON (natively), byte for
//! byte what its `Serialize` writes through `write::append`.
//!
//! Through serde, every member of an outcome is a state tested and
//! updated, every element of its lists a call, and every optional member
//! a trip through `Option`'s `Serialize`: most of writing an outcome. Here
//! the members the café's answers hold (awards, ledger entries, the tier,
//! the balances) are written by pushes of known bytes; the lists an
//! answer seldom holds (discounts, vouchers, effects, intents...) are
//! written by the serde writer, member by member. Each struct is taken
//! apart field by field (no `..`), so a field added to one fails to
//! compile here until it is written; a test compares every outcome of the
//! conformance vectors and generated ones with serde_json's text.

use crate::outcome::{
    Asset, Award, Balances, EntryKind, LedgerEntry, Outcome, Quote, Status, TierInfo, TierProgress,
};

use super::fast::{push_time, ReadTimes};
use super::write::direct::{int, member, str};

/// Appends the JSON of `o` to `out`, as `write::append` does.
pub(crate) fn outcome(out: &mut String, o: &Outcome) {
    outcome_with(out, o, &[]);
}

/// [`outcome`], copying the text of a timestamp read in one of `times`'
/// documents rather than formatting it (the same bytes: see `ReadTimes`).
pub(crate) fn outcome_with(out: &mut String, o: &Outcome, times: &[ReadTimes<'_>]) {
    let start = out.len();
    if outcome_direct(out, o, times).is_none() {
        out.truncate(start);
        super::write::append(out, o).unwrap_or_default();
    }
}

/// Appends the JSON of `q` to `out`, as `write::append` does: a quote is
/// the whole of `json::quote`'s answer, and serde's machinery was about a
/// tenth of it (its awards are the outcome's, written by [`award`]).
pub(crate) fn quote(out: &mut String, q: &Quote) {
    let start = out.len();
    if quote_direct(out, q).is_none() {
        out.truncate(start);
        super::write::append(out, q).unwrap_or_default();
    }
}

fn quote_direct(out: &mut String, q: &Quote) -> Option<()> {
    let Quote {
        awards,
        points,
        stamps,
        vouchers,
        cashback,
        discounts,
    } = q;
    match awards.split_first() {
        Some((first, rest)) => {
            out.push_str("{\"awards\":[");
            award(out, first)?;
            for a in rest {
                out.push(',');
                award(out, a)?;
            }
            out.push_str("],\"points\":");
        }
        None => out.push_str("{\"points\":"),
    }
    int(out, *points);
    out.push_str(",\"stamps\":");
    int(out, *stamps);
    out.push_str(",\"vouchers\":");
    int(out, *vouchers);
    out.push_str(",\"cashback\":");
    cashback.push_json(out);
    member(out, ",\"discounts\":", !discounts.is_empty(), discounts)?;
    out.push('}');
    Some(())
}

fn outcome_direct(out: &mut String, o: &Outcome, times: &[ReadTimes<'_>]) -> Option<()> {
    let Outcome {
        event,
        status,
        awards,
        discounts,
        reservation,
        vouchers,
        ledger,
        effects,
        intents,
        suppressed,
        tier,
        balances,
    } = o;
    out.push_str("{\"event\":");
    str(out, event)?;
    out.push_str(",\"status\":");
    out.push_str(status_json(*status));
    if let Some((first, rest)) = awards.split_first() {
        out.push_str(",\"awards\":[");
        award(out, first)?;
        for a in rest {
            out.push(',');
            award(out, a)?;
        }
        out.push(']');
    }
    member(out, ",\"discounts\":", !discounts.is_empty(), discounts)?;
    member(out, ",\"reservation\":", reservation.is_some(), reservation)?;
    member(out, ",\"vouchers\":", !vouchers.is_empty(), vouchers)?;
    if let Some((first, rest)) = ledger.split_first() {
        out.push_str(",\"ledger\":[");
        entry(out, first)?;
        for e in rest {
            out.push(',');
            entry(out, e)?;
        }
        out.push(']');
    }
    member(out, ",\"effects\":", !effects.is_empty(), effects)?;
    member(out, ",\"intents\":", !intents.is_empty(), intents)?;
    member(out, ",\"suppressed\":", !suppressed.is_empty(), suppressed)?;
    if let Some(t) = tier {
        out.push_str(",\"tier\":");
        tier_info(out, t, times)?;
    }
    out.push_str(",\"balances\":");
    balances_of(out, balances);
    out.push('}');
    Some(())
}

fn award(out: &mut String, a: &Award) -> Option<()> {
    let Award {
        rule,
        points,
        stamps,
        cashback,
        donation,
        voucher,
    } = a;
    out.push_str("{\"rule\":");
    str(out, rule)?;
    if *points != 0 {
        out.push_str(",\"points\":");
        int(out, *points);
    }
    if *stamps != 0 {
        out.push_str(",\"stamps\":");
        int(out, *stamps);
    }
    if let Some(d) = cashback {
        out.push_str(",\"cashback\":");
        d.push_json(out);
    }
    if let Some(d) = donation {
        out.push_str(",\"donation\":");
        d.push_json(out);
    }
    if let Some(v) = voucher {
        out.push_str(",\"voucher\":");
        str(out, v)?;
    }
    out.push('}');
    Some(())
}

fn entry(out: &mut String, e: &LedgerEntry) -> Option<()> {
    let LedgerEntry {
        event,
        asset,
        kind,
        amount,
        reference,
    } = e;
    out.push_str("{\"event\":");
    str(out, event)?;
    out.push_str(",\"asset\":");
    out.push_str(asset_json(*asset));
    out.push_str(",\"kind\":");
    out.push_str(kind_json(*kind));
    out.push_str(",\"amount\":");
    int(out, *amount);
    if let Some(r) = reference {
        out.push_str(",\"reference\":");
        str(out, r)?;
    }
    out.push('}');
    Some(())
}

// A status, an asset and an entry's kind as their `Serialize` writes
// them (unit variants in snake case, quoted), as one string each: through
// the serializer's unit-variant path they cost some 110 instructions a
// café answer, which writes two for each ledger entry (a test compares
// every variant with serde's text).

fn status_json(s: Status) -> &'static str {
    match s {
        Status::Applied => "\"applied\"",
        Status::Duplicate => "\"duplicate\"",
    }
}

fn asset_json(a: Asset) -> &'static str {
    match a {
        Asset::Points => "\"points\"",
        Asset::Pending => "\"pending\"",
        Asset::Reserved => "\"reserved\"",
        Asset::Debt => "\"debt\"",
        Asset::Stamps => "\"stamps\"",
        Asset::Vouchers => "\"vouchers\"",
        Asset::ReservedVouchers => "\"reserved_vouchers\"",
        Asset::Wallet => "\"wallet\"",
        Asset::WalletPending => "\"wallet_pending\"",
        Asset::WalletReserved => "\"wallet_reserved\"",
        Asset::WalletDebt => "\"wallet_debt\"",
        Asset::Donations => "\"donations\"",
        Asset::Tier => "\"tier\"",
        Asset::Subscription => "\"subscription\"",
    }
}

fn kind_json(k: EntryKind) -> &'static str {
    match k {
        EntryKind::Earn => "\"earn\"",
        EntryKind::Vest => "\"vest\"",
        EntryKind::Redeem => "\"redeem\"",
        EntryKind::Reserve => "\"reserve\"",
        EntryKind::Release => "\"release\"",
        EntryKind::Expire => "\"expire\"",
        EntryKind::Clawback => "\"clawback\"",
        EntryKind::DebtRepaid => "\"debt_repaid\"",
        EntryKind::DebtIncurred => "\"debt_incurred\"",
        EntryKind::CardCompleted => "\"card_completed\"",
        EntryKind::Restore => "\"restore\"",
        EntryKind::Adjust => "\"adjust\"",
        EntryKind::Donate => "\"donate\"",
        EntryKind::TierUp => "\"tier_up\"",
        EntryKind::TierDown => "\"tier_down\"",
        EntryKind::Subscribed => "\"subscribed\"",
        EntryKind::Renewed => "\"renewed\"",
        EntryKind::Cancelled => "\"cancelled\"",
        EntryKind::Lapsed => "\"lapsed\"",
        EntryKind::Referral => "\"referral\"",
        EntryKind::Birthday => "\"birthday\"",
    }
}

fn tier_info(out: &mut String, t: &TierInfo, times: &[ReadTimes<'_>]) -> Option<()> {
    let TierInfo {
        level,
        qualifying,
        next,
        next_evaluation,
        at_risk,
    } = t;
    match level {
        Some(level) => {
            out.push_str("{\"level\":");
            str(out, level)?;
            out.push_str(",\"qualifying\":");
        }
        None => out.push_str("{\"qualifying\":"),
    }
    qualifying.push_json(out);
    if let Some(TierProgress { level, remaining }) = next {
        out.push_str(",\"next\":{\"level\":");
        str(out, level)?;
        out.push_str(",\"remaining\":");
        remaining.push_json(out);
        out.push('}');
    }
    if let Some(at) = next_evaluation {
        out.push_str(",\"next_evaluation\":");
        push_time(out, at, times);
    }
    out.push_str(if *at_risk {
        ",\"at_risk\":true}"
    } else {
        ",\"at_risk\":false}"
    });
    Some(())
}

fn balances_of(out: &mut String, b: &Balances) {
    let Balances {
        points,
        pending,
        reserved,
        debt,
        stamps,
        vouchers,
        wallet,
        wallet_pending,
    } = b;
    out.push_str("{\"points\":");
    int(out, *points);
    out.push_str(",\"pending\":");
    int(out, *pending);
    out.push_str(",\"reserved\":");
    int(out, *reserved);
    out.push_str(",\"debt\":");
    int(out, *debt);
    out.push_str(",\"stamps\":");
    int(out, *stamps);
    out.push_str(",\"vouchers\":");
    int(out, *vouchers);
    out.push_str(",\"wallet\":");
    wallet.push_json(out);
    out.push_str(",\"wallet_pending\":");
    wallet_pending.push_json(out);
    out.push('}');
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::id::Id;

    use crate::account::Voucher;
    use crate::decimal::Dec;
    use crate::outcome::{
        Asset, Discount, Effect, EntryKind, Intent, Outcome, Quote, ReservationInfo, Status,
        Suppressed, TierInfo, TierProgress,
    };
    use crate::time::Timestamp;

    /// Every status, asset and kind of entry is written as its
    /// `Serialize` writes it: each name of the JSON Schema (which the
    /// same derive gives) read back and written both ways.
    #[test]
    fn unit_variants_are_written_as_serde_writes_them() {
        fn check<T>(json: fn(&T) -> &'static str)
        where
            T: serde::Serialize + serde::de::DeserializeOwned + schemars::JsonSchema,
        {
            let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
            let names = schema["oneOf"].as_array().unwrap();
            assert!(!names.is_empty());
            for name in names {
                let v: T = serde_json::from_value(name["const"].clone()).unwrap();
                assert_eq!(json(&v), name["const"].to_string());
                assert_eq!(serde_json::to_string(&v).unwrap(), json(&v));
            }
        }
        check::<Status>(|s| super::status_json(*s));
        check::<Asset>(|a| super::asset_json(*a));
        check::<EntryKind>(|k| super::kind_json(*k));
    }

    /// Every outcome the conformance vectors' events give.
    fn vector_outcomes() -> Vec<Outcome> {
        let mut out = vec![];
        crate::json::fast::tests::vector_steps(|engine, account, step| {
            if let Some(Ok((_, outcome))) =
                step.map(|s| super::super::apply_typed(engine, account, s))
            {
                out.push(outcome);
            }
        });
        out
    }

    /// Variants of `o` in every member the direct writer writes itself,
    /// and each member it leaves to serde present.
    fn variants(o: &Outcome) -> Vec<Outcome> {
        let t = Timestamp::parse("2026-03-12T11:10:00.25+01:00").unwrap();
        let d = |s: &str| Dec(s.parse().unwrap());
        let mut out = vec![o.clone()];
        let mut push = |f: &dyn Fn(&mut Outcome)| {
            let mut b = o.clone();
            f(&mut b);
            out.push(b);
        };
        push(&|b| b.event = Id::from("we\"ird\\\n\u{1}é"));
        push(&|b| b.status = Status::Duplicate);
        push(&|b| {
            for a in &mut b.awards {
                a.points = -a.points - 1;
                a.stamps = 0;
                a.cashback = Some(d("-1.50"));
                a.donation = Some(d("0.001"));
                a.voucher = Some("v\"".into());
                a.rule = Id::from("r\u{7}");
            }
        });
        push(&|b| {
            for e in &mut b.ledger {
                e.reference = None;
                e.amount = i64::MIN;
                e.asset = Asset::WalletPending;
                e.kind = EntryKind::DebtRepaid;
                e.event = Id::from("\"");
            }
        });
        push(&|b| b.tier = None);
        push(&|b| {
            b.tier = Some(TierInfo {
                level: Some(Id::from("g\"")),
                qualifying: d("79228162514264337593543950335"),
                next: Some(TierProgress {
                    level: Id::from("p"),
                    remaining: d("-0.0000000000000000000000000001"),
                }),
                next_evaluation: Some(t),
                at_risk: true,
            })
        });
        push(&|b| {
            b.tier = Some(TierInfo {
                level: None,
                qualifying: d("0"),
                next: None,
                next_evaluation: None,
                at_risk: false,
            })
        });
        push(&|b| {
            b.balances.points = i64::MAX;
            b.balances.debt = -12_345;
            b.balances.wallet = d("123456789.12");
            b.balances.wallet_pending = d("-0.5");
        });
        push(&|b| {
            b.discounts = vec![Discount {
                line: 3,
                amount: d("1.25"),
                reward: "r".into(),
            }];
            b.reservation = Some(ReservationInfo {
                id: "res".into(),
                expires_at: t,
            });
            b.vouchers = vec![Voucher {
                id: "v".into(),
                reward: "r".into(),
                issued_at: t,
                expires_at: None,
            }];
            let intent = Intent {
                kind: crate::program::IntentKind::RewardEarned,
                subject: Some("s".into()),
                amount: Some(-3),
                at: Some(t),
            };
            b.effects = vec![Effect::Referral {
                referrer: "a".into(),
                referred: "b\"".into(),
            }];
            b.intents = vec![intent.clone()];
            b.suppressed = vec![Suppressed {
                intent,
                reason: "quiet_hours",
            }];
        });
        out
    }

    /// The quote writer writes what serde_json writes, on the quote of
    /// every purchase of the conformance vectors (on every account they
    /// go through) and variants of each: no awards, odd awards, large and
    /// negative totals, discounts (left to serde).
    #[test]
    fn quotes_are_written_directly_as_serde_json_writes_them() {
        let d = |s: &str| Dec(s.parse().unwrap());
        let mut quotes = vec![Quote::default()];
        crate::json::fast::tests::vector_steps(|engine, account, step| {
            if let Some(Ok(q)) = step.map(|s| super::super::quote_typed(engine, account, s)) {
                quotes.push(q);
            }
        });
        assert!(quotes.len() > 100, "{}", quotes.len());
        let mut n = 0;
        for q in &quotes {
            let mut variants = vec![q.clone()];
            let mut b = q.clone();
            b.awards.clear();
            variants.push(b);
            let mut b = q.clone();
            for a in &mut b.awards {
                a.points = i64::MIN;
                a.stamps = -7;
                a.cashback = Some(d("0.10"));
                a.donation = Some(d("-2"));
                a.voucher = Some("v\u{1}\"".into());
                a.rule = Id::from("r\\é");
            }
            b.points = i64::MAX;
            b.stamps = -1;
            b.vouchers = 12;
            b.cashback = d("-79228162514264337593543950335");
            variants.push(b);
            let mut b = q.clone();
            b.discounts = vec![
                Discount {
                    line: 0,
                    amount: d("1.25"),
                    reward: "r\"".into(),
                },
                Discount {
                    line: u32::MAX,
                    amount: d("0"),
                    reward: "".into(),
                },
            ];
            variants.push(b);
            for v in variants {
                let mut direct = String::from("[");
                super::quote(&mut direct, &v);
                assert_eq!(direct[1..], serde_json::to_string(&v).unwrap());
                n += 1;
            }
        }
        assert!(n > 400, "{n}");
        // The whole answer, as the serde envelope wrote it.
        #[derive(serde::Serialize)]
        struct Quoted<'a> {
            ok: bool,
            quote: &'a Quote,
        }
        crate::json::fast::tests::vector_steps(|engine, account, step| {
            let Some(step) = step else { return };
            if let Ok(q) = super::super::quote_typed(engine, account, step) {
                let want = serde_json::to_string(&Quoted {
                    ok: true,
                    quote: &q,
                })
                .unwrap();
                let got = super::super::quote(engine, account, step);
                assert_eq!(got, want);
                assert!(got.starts_with("{\"ok\":true,\"quote\":{"), "{got}");
            }
        });
    }

    /// The direct writer writes what serde_json writes, on every outcome
    /// of the conformance vectors and variants of them.
    #[test]
    fn outcomes_are_written_directly_as_serde_json_writes_them() {
        let outcomes = vector_outcomes();
        assert!(outcomes.len() > 300, "{}", outcomes.len());
        let mut n = 0;
        for o in outcomes.iter().chain([&Outcome::default()]) {
            for v in variants(o) {
                let mut direct = String::from("[");
                super::outcome(&mut direct, &v);
                assert_eq!(direct[1..], serde_json::to_string(&v).unwrap());
                n += 1;
            }
        }
        assert!(n > 3_000, "{n}");
    }
}
