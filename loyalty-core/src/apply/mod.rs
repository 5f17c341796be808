//! Applying one event to one account.
//!
//! The order of work for every event is fixed, so that outcomes are
//! reproducible and explainable:
//! 1. check the event's own values (no state is read yet);
//! 2. idempotency: a remembered id with the same digest is a duplicate (a
//!    no-op), with another digest a conflict;
//! 3. order: an event older than the account's last event is refused;
//! 4. time passes up to the event's time: expired reservations are released,
//!    pending points and cashback vest, lots and vouchers whose expiry instant
//!    is at or before the event's time expire, a lapsed plan ends, tier
//!    reviews due are held, a birthday reward due is issued, purchases leave
//!    the return window (if the event reads them: otherwise in step 6);
//! 5. the event itself;
//! 6. the event id is remembered and the clock of the account advances.
//!
//! The work happens on a copy of the account (see [`crate::Engine::apply`]),
//! so an error at any step leaves the caller's account untouched.

mod cards;
mod journal;
mod member;
mod messages;
mod pool;
mod purchase;
mod redeem;
mod tier;

use rust_decimal::Decimal;

use crate::account::{Account, Saved, SeenEvent};
use crate::basket::{check_event_id, value_lines, Basket, Valued};
use crate::earn::{evaluate, Evaluation, Facts};
use crate::engine::Engine;
use crate::error::{Document, Error};
use crate::event::{Event, Purchase};
use crate::id::Id;
use crate::idempotency::digest;
use crate::limits::{MAX_POINTS, MAX_STAMPS, MAX_TEXT_BYTES};
use crate::outcome::{Asset, Balances, EntryKind, LedgerEntry, Outcome, Quote, Status};
use crate::time::Timestamp;

pub(crate) use pool::PoolId;

pub(crate) fn balances(engine: &Engine, account: &Account) -> Balances {
    let money = |minor: i64| engine.money(minor).into();
    Balances {
        points: account.points.balance,
        pending: account.points.pending,
        reserved: account.points.reserved,
        debt: account.points.debt,
        stamps: account.stamps.count,
        vouchers: i64::try_from(account.vouchers.len()).unwrap_or(i64::MAX),
        wallet: money(account.wallet.balance),
        wallet_pending: money(account.wallet.pending),
    }
}

/// What a ledger entry refers to: an id the engine shares (a rule's), or
/// text the entry gets a copy of.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ref<'a> {
    /// Shared: the entry holds another reference to it.
    Shared(&'a Id),
    /// Copied into the entry.
    Text(&'a str),
}

impl Ref<'_> {
    /// Make `slot` hold this reference, written where it lies.
    fn write_to(self, slot: &mut Option<Id>) {
        match self {
            Ref::Shared(id) => slot.get_or_insert_default().copy_from(id),
            Ref::Text(text) => *slot = Some(Id::from(text)),
        }
    }
}

/// An event being applied: the engine, the account (changed in place), the
/// undo records of its long lists and the outcome so far.
pub(crate) struct Tx<'a, 'j> {
    engine: &'a Engine,
    acc: &'a mut Account,
    // The journals and the outcome live in `apply`'s frame, not here: an
    // outcome and five journals are a kilobyte that every move would copy.
    journal: &'j mut Journals,
    out: &'j mut Outcome,
    now: Timestamp,
    vouchers_issued: i64,
    /// The qualifying value at `now` after the last change to the tier
    /// buckets, when it was worked out (see [`tier::info`]).
    tier_value: Option<i64>,
    /// The tier bucket an event at `now` counts in and the window at
    /// `now`, once worked out (see [`tier::Window::with_key`]): time
    /// passing and a purchase both need them.
    tier_window: Option<(i64, tier::Window)>,
}

/// Undo records of the lists that are not copied before an event.
#[derive(Default)]
pub(crate) struct Journals {
    points: journal::Journal<crate::account::Lot>,
    wallet: journal::Journal<crate::account::Lot>,
    purchases: journal::Journal<crate::account::PurchaseRecord>,
    redemptions: journal::Journal<crate::account::Redemption>,
    vouchers: journal::Journal<crate::account::Voucher>,
    buckets: journal::BucketLog,
}

impl Journals {
    /// Journals that keep nothing, for an account that is dropped on error.
    fn off() -> Journals {
        use journal::Journal::Off;
        Journals {
            points: Off,
            wallet: Off,
            purchases: Off,
            redemptions: Off,
            vouchers: Off,
            buckets: journal::BucketLog::Off,
        }
    }

    /// The end of journals that are [`Journals::off`], which hold
    /// nothing: they are forgotten rather than dropped. Dropping them
    /// tested each of the six for what it might hold, 85 instructions an
    /// event (1% of a typed apply).
    fn forget_off(self) {
        use journal::Journal::Off;
        let Journals {
            points,
            wallet,
            purchases,
            redemptions,
            vouchers,
            buckets,
        } = &self;
        debug_assert!(
            matches!(
                (points, wallet, purchases, redemptions, vouchers, buckets),
                (Off, Off, Off, Off, Off, journal::BucketLog::Off)
            ),
            "journals that were off kept something"
        );
        std::mem::forget(self);
    }
}

/// What becomes of the account when an event fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OnError {
    /// Put it back exactly as it was (the account is the caller's: a small
    /// copy and the journals are kept while the event runs).
    Restore,
    /// Nothing: the account is a copy the caller drops on error, so neither
    /// the small copy nor the journals are needed.
    Discard,
}

/// Put `acc` back as it was: the long lists undone by their journals, the
/// rest from what was saved.
fn roll_back(acc: &mut Account, saved: Saved, journals: Journals) {
    journals.vouchers.restore(&mut acc.vouchers);
    journals.redemptions.restore(&mut acc.redemptions);
    journals.points.restore(&mut acc.points.lots);
    journals.wallet.restore(&mut acc.wallet.lots);
    journals.purchases.restore(&mut acc.purchases);
    // Without a tier state before the event, the buckets it made are
    // dropped with the rest of its tier state.
    let buckets = match acc.tier.take() {
        Some(now) => {
            let mut buckets = now.buckets;
            journals.buckets.restore(&mut buckets);
            buckets
        }
        None => Vec::new(),
    };
    saved.restore(acc, buckets);
}

/// An empty outcome (no event id, nothing in it): what a caller passes to
/// [`crate::Engine::apply_in_place_into`] the first time, to be filled.
impl Default for Outcome {
    fn default() -> Self {
        empty_outcome(Id::from(""), Status::Applied)
    }
}

fn empty_outcome(id: Id, status: Status) -> Outcome {
    Outcome {
        event: id,
        status,
        awards: vec![],
        discounts: vec![],
        reservation: None,
        vouchers: vec![],
        ledger: vec![],
        effects: vec![],
        intents: vec![],
        suppressed: vec![],
        tier: None,
        balances: Balances::default(),
    }
}

/// Empty `out`'s lists, tier and balances, keeping the lists' room.
pub(crate) fn clear(out: &mut Outcome) {
    out.awards.clear();
    out.tier = None;
    out.balances = Balances::default();
    clear_lists(out);
}

/// Empty `out`'s lists but the awards, keeping their room: what a reused
/// outcome starts an event with (see [`begin`]). The awards are a
/// purchase's to write over, the tier and balances are written at the end
/// of every event that succeeds, and an event that fails is emptied by
/// [`clear`].
fn clear_lists(out: &mut Outcome) {
    // Every field is named: a new one cannot be forgotten here.
    let Outcome {
        event: _,
        status: _,
        awards: _,
        discounts,
        reservation,
        vouchers,
        ledger,
        effects,
        intents,
        suppressed,
        tier: _,
        balances: _,
    } = out;
    discounts.clear();
    *reservation = None;
    vouchers.clear();
    ledger.clear();
    effects.clear();
    intents.clear();
    suppressed.clear();
}

/// Whether two event ids are equal, their last bytes compared first: the
/// ids a till or an app makes for one member are mostly of one length
/// and differ at the end (`t-1001`, `t-1002`), so the comparison of a new
/// id with each remembered one is then settled without a `memcmp` call.
#[inline]
fn same_id(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.last() == b.last() && a == b
}

pub(crate) fn apply(
    engine: &Engine,
    acc: &mut Account,
    event: &Event,
    on_error: OnError,
) -> Result<Outcome, Error> {
    let mut out = empty_outcome(event.shared_id(), Status::Applied);
    // Room for the ledger entries of a typical event, allocated as such:
    // `reserve` on an empty list takes the growth path, at twice the cost.
    out.ledger = Vec::with_capacity(8);
    run(engine, acc, event, on_error, &mut out, true)?;
    Ok(out)
}

/// [`apply`] into `out`, whose lists keep their room from one event to the
/// next when the caller reuses it; on error `out` is left as it was or
/// partly written (the caller drops or empties it).
pub(crate) fn apply_into(
    engine: &Engine,
    acc: &mut Account,
    event: &Event,
    on_error: OnError,
    out: &mut Outcome,
) -> Result<(), Error> {
    run(engine, acc, event, on_error, out, false)
}

/// Make `out` the empty outcome of `event` with `status`. When it is
/// `fresh` (made empty for this event by [`apply`]) only the status is
/// set; a reused one gets the id and its lists are emptied, keeping their
/// room (see [`crate::Engine::apply_in_place_into`]); its tier and
/// balances are left for the end of the event to write over.
///
/// But for a `purchase`, which always writes its awards over the list
/// whatever it held (see `earn::write_awards`): the awards of the event
/// before are left for it to overwrite, so an award of the same rule
/// keeps its slot and shared rule id, where emptying the list would drop
/// each award (a reference count each) for the purchase to build anew.
/// Every other event, and a purchase that fails (the caller empties the
/// outcome then), has no awards: their list is emptied here.
fn begin(out: &mut Outcome, event: &Event, status: Status, fresh: bool, purchase: bool) {
    out.status = status;
    if !fresh {
        out.event = event.shared_id();
        if !purchase {
            out.awards.clear();
        }
        clear_lists(out);
    }
}

fn run(
    engine: &Engine,
    acc: &mut Account,
    event: &Event,
    on_error: OnError,
    out: &mut Outcome,
    fresh: bool,
) -> Result<(), Error> {
    // Valued in place: the basket's inline storage is not moved around.
    let mut basket = Basket::new();
    check_event(engine, event, &mut basket)?;
    let id = event.id();
    let digest = digest(event);
    if let Some(seen) = acc.recent_events.iter().find(|s| same_id(&s.id, id)) {
        if seen.digest == digest {
            begin(out, event, Status::Duplicate, fresh, false);
            out.balances = balances(engine, acc);
            let at = acc.last_event_at.unwrap_or(event.time());
            tier::write_info(engine, acc, at, None, &mut out.tier);
            return Ok(());
        }
        return Err(Error::Conflict { id: id.to_owned() });
    }
    let now = event.time();
    if let Some(last) = acc.last_event_at {
        if now < last && !now.same_instant(&last) {
            return Err(Error::OutOfOrder { time: now, last });
        }
    }
    match event {
        Event::Enrol(e) => {
            if acc.enrolled_at.is_some() {
                return Err(Error::rule(
                    "already_enrolled",
                    "member",
                    format!("member `{}` is already enrolled", e.member),
                ));
            }
            if !acc.member.is_empty() && acc.member != e.member {
                return Err(Error::rule(
                    "member_mismatch",
                    "member",
                    format!(
                        "event is for member `{}` but the account is `{}`",
                        e.member, acc.member
                    ),
                ));
            }
        }
        _ => {
            if acc.enrolled_at.is_none() {
                return Err(Error::rule(
                    "not_enrolled",
                    "type",
                    format!("member `{}` is not enrolled", acc.member),
                ));
            }
        }
    }

    let points_before = acc.points.balance;
    let identity = matches!(event, Event::Enrol(_) | Event::UpdateProfile(_));
    let restore = on_error == OnError::Restore;
    let saved = restore.then(|| Saved::of(acc, identity));
    let mut journal = if restore {
        Journals::default()
    } else {
        Journals::off()
    };
    begin(
        out,
        event,
        Status::Applied,
        fresh,
        matches!(event, Event::Purchase(_)),
    );
    let mut tx = Tx {
        engine,
        acc,
        journal: &mut journal,
        out: &mut *out,
        now,
        vouchers_issued: 0,
        tier_value: None,
        tier_window: None,
    };
    if let Err(e) = tx.run(event, &basket, points_before) {
        if let Some(saved) = saved {
            roll_back(tx.acc, saved, journal);
        }
        return Err(e);
    }
    let remember = usize::try_from(engine.program().idempotency.remember).unwrap_or(usize::MAX);
    let tier_value = tx.tier_value;
    let acc = tx.acc;
    if !restore {
        journal.forget_off();
    }
    ReturnWindow::close(engine, acc, now, Reads::of(event));
    acc.last_event_at = Some(now);
    // The oldest are forgotten first, so a full memory never needs room
    // for one more (`remember` is at least 1, checked at load).
    let keep = remember.saturating_sub(1);
    if acc.recent_events.len() > keep {
        let extra = acc.recent_events.len() - keep;
        acc.recent_events.drain(..extra);
    } else if acc.recent_events.len() == acc.recent_events.capacity() {
        // The memory fills up to `remember` ids: it is given that room
        // (up to 32) at once, not grown from 4 to 8 to 16, a copy each.
        let room = remember.min(32).saturating_sub(acc.recent_events.len());
        acc.recent_events.reserve_exact(room);
    }
    // The outcome's copy of the id, shared.
    acc.recent_events.push(SeenEvent {
        id: Id::clone(&out.event),
        digest,
    });
    out.balances = balances(engine, acc);
    tier::write_info(engine, acc, now, tier_value, &mut out.tier);
    Ok(())
}

/// What the rules may know about `account` for an event at `time`.
pub(crate) fn facts<'a>(
    engine: &Engine,
    account: &'a Account,
    time: Timestamp,
    location: Option<&'a str>,
    channel: Option<&'a str>,
) -> Facts<'a> {
    Facts {
        time,
        location,
        channel,
        tier: account
            .tier
            .as_ref()
            .and_then(|t| t.level.as_deref())
            .and_then(|l| engine.tier_index(l)),
        tags: &account.profile.tags,
        enrolled_at: account.enrolled_at,
        birthday: account.profile.birthday.as_deref(),
        visit: account.visits + 1,
        plan: member::plan_in_force(engine, account, time),
        usage: &account.usage,
        cause: account.profile.cause.as_deref(),
    }
}

pub(crate) fn quote(
    engine: &Engine,
    account: &Account,
    purchase: &Purchase,
) -> Result<Quote, Error> {
    let mut quote = Quote::default();
    quote_into(engine, account, purchase, &mut quote)?;
    Ok(quote)
}

/// [`quote`] into `out`, whose lists keep their room (see
/// [`crate::Engine::quote_into`]); on error `out` may be partly written.
#[inline]
pub(crate) fn quote_into(
    engine: &Engine,
    account: &Account,
    purchase: &Purchase,
    out: &mut Quote,
) -> Result<(), Error> {
    let mut lines = Basket::new();
    check_purchase(engine, purchase, &mut lines)?;
    let f = facts(
        engine,
        account,
        purchase.time,
        purchase.location.as_deref(),
        purchase.channel.as_deref(),
    );
    let mut ev = Evaluation::default();
    evaluate(engine, &lines, &f, false, &mut ev, &mut out.awards)?;
    let (points, stamps) = (ev.points(), ev.stamps());
    out.vouchers = match &engine.program().stamps {
        Some(card) if stamps > 0 => {
            (account.stamps.count + stamps).max(0) / i64::from(card.card_size)
        }
        _ => 0,
    };
    out.points = points;
    out.stamps = stamps;
    out.cashback = engine.money(ev.cashback()).into();
    match f
        .plan
        .and_then(|p| engine.plan(p))
        .and_then(|p| p.discount.as_ref())
    {
        Some(d) => {
            out.discounts =
                crate::rewards::plan_discounts(engine, &d.matching, d.percent.0, &lines);
        }
        None => out.discounts.clear(),
    }
    Ok(())
}

/// Empty `out`, keeping its lists' room.
pub(crate) fn clear_quote(out: &mut Quote) {
    // Every field is named: a new one cannot be forgotten here.
    let Quote {
        awards,
        points,
        stamps,
        vouchers,
        cashback,
        discounts,
    } = out;
    awards.clear();
    discounts.clear();
    (*points, *stamps, *vouchers) = (0, 0, 0);
    *cashback = crate::decimal::Dec(Decimal::ZERO);
}

fn check_text(path: &str, text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid(Document::Event, path, "must not be empty"));
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(Error::limit(
            Document::Event,
            path,
            format!("must be at most {MAX_TEXT_BYTES} bytes"),
        ));
    }
    Ok(())
}

fn opt_id(path: &str, id: Option<&str>) -> Result<(), Error> {
    id.map_or(Ok(()), |id| check_event_id(path, id))
}

fn check_tags(path: &str, tags: &[String]) -> Result<(), Error> {
    if tags.len() > 32 {
        return Err(Error::limit(
            Document::Event,
            path,
            "at most 32 tags are allowed",
        ));
    }
    for (i, t) in tags.iter().enumerate() {
        check_event_id(&format!("{path}[{i}]"), t)?;
    }
    Ok(())
}

fn check_birthday(path: &str, birthday: Option<&str>) -> Result<(), Error> {
    match birthday {
        Some(b) if crate::period::parse_birthday(b).is_none() => Err(Error::invalid(
            Document::Event,
            path,
            format!("`{}` is not a birthday `MM-DD`", crate::error::clip(b)),
        )),
        _ => Ok(()),
    }
}

fn check_cause(engine: &Engine, path: &str, cause: Option<&str>) -> Result<(), Error> {
    let Some(cause) = cause else { return Ok(()) };
    check_event_id(path, cause)?;
    let causes = &engine.program().causes;
    if !causes.is_empty() && !causes.iter().any(|c| c == cause) {
        return Err(Error::invalid(
            Document::Event,
            path,
            format!("`{cause}` is not one of the program's causes"),
        ));
    }
    Ok(())
}

/// Check an event's fields (checks that need no account state), and value
/// its basket into `basket` when it has one (a purchase's lines, a
/// redemption's basket) so that is done only once.
fn check_event<'a>(
    engine: &Engine,
    event: &'a Event,
    basket: &mut Basket<'a>,
) -> Result<(), Error> {
    // A purchase's id is checked with its other fields, by the check a
    // quote makes too: checked here as well, it was checked twice.
    if !matches!(event, Event::Purchase(_)) {
        check_event_id("id", event.id())?;
    }
    match event {
        Event::Enrol(e) => {
            check_event_id("member", &e.member)?;
            opt_id("location", e.location.as_deref())?;
            opt_id("staff", e.staff.as_deref())?;
            opt_id("channel", e.channel.as_deref())?;
            opt_id("referrer", e.referrer.as_deref())?;
            check_tags("tags", &e.tags)?;
            check_birthday("birthday", e.birthday.as_deref())?;
            check_cause(engine, "cause", e.cause.as_deref())?;
            if e.referrer.as_deref() == Some(e.member.as_str()) {
                return Err(Error::invalid(
                    Document::Event,
                    "referrer",
                    "a member cannot refer themselves",
                ));
            }
        }
        Event::Purchase(p) => return check_purchase(engine, p, basket),
        Event::Return(r) => {
            check_event_id("purchase", &r.purchase)?;
            if let Some(lines) = &r.lines {
                if lines.is_empty() {
                    return Err(Error::invalid(
                        Document::Event,
                        "lines",
                        "list at least one line, or leave `lines` out to return everything",
                    ));
                }
                if lines.len() > crate::limits::MAX_LINES {
                    return Err(Error::limit(
                        Document::Event,
                        "lines",
                        format!("at most {} lines are allowed", crate::limits::MAX_LINES),
                    ));
                }
                for (i, l) in lines.iter().enumerate() {
                    if l.quantity == 0 {
                        return Err(Error::invalid(
                            Document::Event,
                            format!("lines[{i}].quantity"),
                            "must be at least 1",
                        ));
                    }
                }
            }
        }
        Event::Redeem(r) | Event::Reserve(r) => {
            check_event_id("reward", &r.reward)?;
            opt_id("voucher", r.voucher.as_deref())?;
            value_lines(engine, "basket", &r.basket, basket)?;
            if let Some(a) = r.amount {
                let mu = engine.program().minor_units;
                if a.0 <= Decimal::ZERO || a.scale() > mu {
                    return Err(Error::invalid(
                        Document::Event,
                        "amount",
                        format!("must be > 0 with at most {mu} decimals, got `{a}`"),
                    ));
                }
            }
            return Ok(());
        }
        Event::Commit(s) | Event::Release(s) => check_event_id("reservation", &s.reservation)?,
        Event::TimeAdvanced(_) | Event::Cancel(_) => {}
        Event::Adjust(a) => {
            check_event_id("staff", &a.staff)?;
            check_text("reason", &a.reason)?;
            if a.points == 0 && a.stamps == 0 {
                return Err(Error::invalid(
                    Document::Event,
                    "points",
                    "an adjustment must change points or stamps",
                ));
            }
            if a.points.unsigned_abs() > MAX_POINTS.unsigned_abs() {
                return Err(Error::limit(
                    Document::Event,
                    "points",
                    format!("must be within ±{MAX_POINTS}"),
                ));
            }
            if a.stamps.unsigned_abs() > MAX_STAMPS.unsigned_abs() {
                return Err(Error::limit(
                    Document::Event,
                    "stamps",
                    format!("must be within ±{MAX_STAMPS}"),
                ));
            }
        }
        Event::UpdateProfile(u) => {
            check_tags("tags", u.tags.as_deref().unwrap_or_default())?;
            check_birthday("birthday", u.birthday.as_deref())?;
            check_cause(engine, "cause", u.cause.as_deref())?;
        }
        Event::Subscribe(s) | Event::Renew(s) => {
            check_event_id("plan", &s.plan)?;
            if engine.plan(&s.plan).is_none() {
                return Err(Error::rule(
                    "unknown_plan",
                    "plan",
                    format!("`{}` is not a plan of this program", s.plan),
                ));
            }
        }
        Event::Referral(r) => check_event_id("referred", &r.referred)?,
    }
    Ok(())
}

/// A purchase's fields, and its lines valued into `lines`.
fn check_purchase<'a>(
    engine: &Engine,
    p: &'a Purchase,
    lines: &mut Basket<'a>,
) -> Result<(), Error> {
    check_event_id("id", &p.id)?;
    opt_id("location", p.location.as_deref())?;
    opt_id("staff", p.staff.as_deref())?;
    opt_id("channel", p.channel.as_deref())?;
    value_lines(engine, "lines", &p.lines, lines)?;
    if p.lines.is_empty() {
        return Err(Error::invalid(
            Document::Event,
            "lines",
            "a purchase needs at least one line",
        ));
    }
    if p.redemptions.len() > 32 {
        return Err(Error::limit(
            Document::Event,
            "redemptions",
            "at most 32 redemptions are allowed",
        ));
    }
    for (i, r) in p.redemptions.iter().enumerate() {
        check_event_id(&format!("redemptions[{i}]"), r)?;
    }
    Ok(())
}

/// Which of the lists kept for returns an event reads: a return looks up
/// its purchase, a purchase the redemptions it pays for.
#[derive(Clone, Copy)]
struct Reads {
    purchases: bool,
    redemptions: bool,
}

impl Reads {
    fn of(event: &Event) -> Reads {
        Reads {
            purchases: matches!(event, Event::Return(_)),
            redemptions: matches!(event, Event::Purchase(p) if !p.redemptions.is_empty()),
        }
    }
}

/// The return window at an event's time: purchases and redemptions made
/// before it can no longer be returned and are forgotten.
///
/// A list the event reads must lose them before the event, or it would
/// find what is too old; that drop is journaled like any change. Every
/// other event only appends to these lists (at its own time, which is
/// inside the window), so for them the drop waits until the event has
/// succeeded: it then needs no undo, which spares the journal's copy of
/// each record that leaves (and its drop at the end of the event), and a
/// failed event has dropped nothing. The lists are in time order, so what
/// leaves is a prefix either way, and the same prefix.
struct ReturnWindow {
    days: u32,
    now: Timestamp,
    start: Option<Timestamp>,
}

impl ReturnWindow {
    fn of(engine: &Engine, now: Timestamp) -> ReturnWindow {
        let days = engine.program().returns.window_days;
        ReturnWindow {
            days,
            now,
            start: now.window_start(days),
        }
    }

    /// Whether something made at `at` has left the window.
    fn left(&self, at: Timestamp) -> bool {
        at.left_behind(self.days, self.now, self.start)
    }

    /// After a successful event at `now`: drop what left the window from
    /// the lists it did not read (those it read were trimmed before it).
    fn close(engine: &Engine, acc: &mut Account, now: Timestamp, reads: Reads) {
        let purchases = !reads.purchases && !acc.purchases.is_empty();
        let redemptions = !reads.redemptions && !acc.redemptions.is_empty();
        if !(purchases || redemptions) {
            return;
        }
        let window = ReturnWindow::of(engine, now);
        // One by one: nearly always none or one, which a drain's setup
        // costs several times over.
        if purchases {
            for _ in 0..journal::prefix(&acc.purchases, |p| window.left(p.at)) {
                acc.purchases.pop_front();
            }
        }
        if redemptions {
            for _ in 0..journal::prefix(&acc.redemptions, |r| window.left(r.at)) {
                acc.redemptions.pop_front();
            }
        }
    }
}

impl Tx<'_, '_> {
    /// Steps 4 and 5: time passes, then the event itself.
    fn run(
        &mut self,
        event: &Event,
        basket: &[Valued<'_>],
        points_before: i64,
    ) -> Result<(), Error> {
        self.pass_time(Reads::of(event))?;
        match event {
            Event::Enrol(e) => self.enrol(e)?,
            Event::Purchase(p) => self.purchase(p, basket)?,
            Event::Return(r) => self.return_lines(r)?,
            Event::Redeem(r) => self.redeem(r, basket, false)?,
            Event::Reserve(r) => self.redeem(r, basket, true)?,
            Event::Commit(s) => self.commit(s)?,
            Event::Release(s) => self.release(s)?,
            Event::TimeAdvanced(_) => {}
            Event::Adjust(a) => self.adjust(a)?,
            Event::UpdateProfile(u) => self.update_profile(u)?,
            Event::Subscribe(s) => self.subscribe(s)?,
            Event::Renew(s) => self.renew(s)?,
            Event::Cancel(_) => self.cancel()?,
            Event::Referral(r) => self.referral(r)?,
        }
        self.messages(points_before, event);
        Ok(())
    }

    /// A ledger entry, referring to `reference` (copied).
    pub(crate) fn entry(
        &mut self,
        asset: Asset,
        kind: EntryKind,
        amount: i64,
        reference: Option<&str>,
    ) {
        self.entry_ref(asset, kind, amount, reference.map(Ref::Text));
    }

    /// A ledger entry, sharing the reference when the engine has it.
    pub(crate) fn entry_ref(
        &mut self,
        asset: Asset,
        kind: EntryKind,
        amount: i64,
        reference: Option<Ref<'_>>,
    ) {
        if amount != 0 || matches!(asset, Asset::Tier | Asset::Subscription) {
            // The ids are copied into the entry once it is in the list, not
            // into an entry built on the stack and then moved there (see
            // `Id::copy_from`).
            let Outcome { event, ledger, .. } = &mut *self.out;
            ledger.push(LedgerEntry {
                event: Id::default(),
                asset,
                kind,
                amount,
                reference: None,
            });
            if let Some(entry) = ledger.last_mut() {
                entry.event.copy_from(event);
                if let Some(reference) = reference {
                    reference.write_to(&mut entry.reference);
                }
            }
        }
    }

    /// Everything that happens because time reached `now` (step 4), but
    /// for trimming the return window's lists the event does not read (see
    /// [`Reads`]), which [`ReturnWindow::close`] does after it.
    fn pass_time(&mut self, reads: Reads) -> Result<(), Error> {
        let now = self.now;
        // Most accounts hold no reservation, or none due: the list is then
        // left as it is rather than taken apart and rebuilt.
        if self.acc.reservations.iter().any(|r| r.expires_at <= now) {
            let (expired, open): (Vec<_>, Vec<_>) = std::mem::take(&mut self.acc.reservations)
                .into_iter()
                .partition(|r| r.expires_at <= now);
            self.acc.reservations = open;
            for r in expired {
                self.give_back(r);
            }
        }
        // Nearly always nothing is pending: settled here, without a call.
        for id in [PoolId::Points, PoolId::Wallet] {
            if self.pool(id).pending != 0 {
                self.vest(id);
            }
        }
        self.expire_lots();
        let expired = |v: &crate::account::Voucher| v.expires_at.is_some_and(|t| t <= now);
        // Vouchers are kept soonest to expire first: the expired ones are
        // a prefix, and dropping them saves only them for undo.
        let prefix = journal::prefix(&self.acc.vouchers, expired);
        if prefix > 0 {
            let gone: Vec<_> = self.acc.vouchers.iter().take(prefix).cloned().collect();
            self.journal
                .vouchers
                .drop_front(&mut self.acc.vouchers, prefix);
            for v in gone {
                self.entry(Asset::Vouchers, EntryKind::Expire, -1, Some(&v.id));
            }
        }
        self.lapse_plan();
        self.review_tier()?;
        self.prune_tier();
        self.birthday()?;
        // The lists the event reads lose what left the return window now,
        // journaled; the others once it has succeeded (see `ReturnWindow`).
        if reads.purchases || reads.redemptions {
            let window = ReturnWindow::of(self.engine, now);
            if reads.purchases {
                self.journal
                    .purchases
                    .drop_front_while(&mut self.acc.purchases, |p| window.left(p.at));
            }
            if reads.redemptions {
                self.journal
                    .redemptions
                    .drop_front_while(&mut self.acc.redemptions, |r| window.left(r.at));
            }
        }
        Ok(())
    }

    /// The current facts, for evaluating rules.
    fn facts<'b>(&'b self, location: Option<&'b str>, channel: Option<&'b str>) -> Facts<'b> {
        facts(self.engine, self.acc, self.now, location, channel)
    }
}

#[cfg(test)]
mod tests {
    use super::same_id;
    use crate::{Account, Engine, Event, Outcome};

    /// One outcome reused for a history (`apply_in_place_into`) answers as
    /// a fresh one per event does, though it keeps the awards of the
    /// purchase before and the tier of the event before to write over:
    /// purchases with other awards, moves up to silver and to gold (no
    /// next level), returns, an event without awards, a duplicate and a
    /// failed event.
    #[test]
    fn a_reused_outcome_is_a_fresh_one() {
        let engine = Engine::from_json(include_str!("../../../examples/programs/tiered.json"))
            .expect("valid program");
        let purchase = |id: &str, day: u32, price: &str| {
            format!(
                r#"{{"type": "purchase", "id": "{id}", "time": "2026-03-{day:02}T09:00:00Z",
                "lines": [{{"sku": "latte", "category": "coffee", "quantity": 1, "unit_price": "{price}"}}]}}"#
            )
        };
        let history = [
            r#"{"type": "enrol", "id": "e1", "member": "m1", "time": "2026-03-01T09:00:00Z"}"#
                .to_owned(),
            purchase("p1", 2, "40.00"),
            purchase("p2", 3, "80.00"),
            purchase("p2", 3, "80.00"),
            r#"{"type": "return", "id": "r1", "time": "2026-03-04T09:00:00Z", "purchase": "p2"}"#
                .to_owned(),
            purchase("p3", 5, "4.75"),
            r#"{"type": "return", "id": "r2", "time": "2026-03-06T09:00:00Z", "purchase": "nope"}"#
                .to_owned(),
            purchase("p4", 7, "450.00"),
            r#"{"type": "time_advanced", "id": "t1", "time": "2026-03-08T09:00:00Z"}"#.to_owned(),
            purchase("p5", 9, "12.00"),
        ];
        let (mut fresh, mut reused) = (Account::new("m1"), Account::new("m1"));
        let mut outcome = Outcome::default();
        for json in &history {
            let event = Event::from_json(json).expect("valid event");
            let answer = engine.apply_in_place(&mut fresh, &event);
            let into = engine.apply_in_place_into(&mut reused, &event, &mut outcome);
            match answer {
                Ok(answer) => {
                    assert!(into.is_ok(), "{json}");
                    assert_eq!(outcome, answer, "{json}");
                }
                Err(e) => {
                    assert_eq!(into.err().map(|e| e.to_string()), Some(e.to_string()));
                    assert!(
                        outcome.awards.is_empty() && outcome.tier.is_none(),
                        "{json}"
                    );
                }
            }
            assert_eq!(reused, fresh, "{json}");
        }
    }

    #[test]
    fn same_id_is_string_equality() {
        let ids = [
            "", "a", "b", "ab", "ba", "t-1001", "t-1002", "u-1001", "t-100", "é", "è",
        ];
        for a in ids {
            for b in ids {
                assert_eq!(same_id(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }
}
