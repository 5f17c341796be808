//! The member: enrolment, profile, paid plans, referrals, birthdays and
//! staff adjustments.
//!
//! Plans: `subscribe` starts a plan and pays its first period; `renew` pays
//! the next period (it may come early, or up to `grace_days` after the paid
//! period ended, perks staying on meanwhile); `cancel` keeps the plan until
//! the paid period ends. A plan not renewed by the end of its grace (or a
//! cancelled one at its paid end) lapses at the first event after that
//! instant, and nothing of it applies afterwards.

use crate::account::{Account, Subscription};
use crate::engine::Engine;
use crate::error::Error;
use crate::event::{Adjust, Enrol, Referral, Subscribe, UpdateProfile};
use crate::id::Id;
use crate::outcome::{Asset, EntryKind};
use crate::period;
use crate::time::Timestamp;

use super::{PoolId, Ref, Tx};

/// The instant a subscription stops: its paid end, plus the plan's grace
/// unless it was cancelled.
fn ends_at(engine: &Engine, s: &Subscription) -> Timestamp {
    let grace = engine.plan(&s.plan).map_or(0, |p| p.grace_days);
    if s.cancelled {
        s.paid_until
    } else {
        s.paid_until.plus_days(grace)
    }
}

/// The plan in force for `account` at `t`, if any.
pub(crate) fn plan_in_force<'a>(
    engine: &Engine,
    account: &'a Account,
    t: Timestamp,
) -> Option<&'a str> {
    account
        .subscription
        .as_ref()
        .filter(|s| t < ends_at(engine, s))
        .map(|s| s.plan.as_str())
}

impl Tx<'_, '_> {
    pub(crate) fn enrol(&mut self, e: &Enrol) -> Result<(), Error> {
        self.acc.member = Id::from(e.member.as_str());
        self.acc.enrolled_at = Some(self.now);
        self.acc.last_activity_at = Some(self.now);
        self.acc.profile.tags.clone_from(&e.tags);
        self.acc.profile.birthday.clone_from(&e.birthday);
        self.acc.profile.cause.clone_from(&e.cause);
        self.acc.profile.referrer.clone_from(&e.referrer);
        let welcome = i64::from(self.engine.program().points.welcome_points);
        self.earn(
            PoolId::Points,
            &[(Ref::Text("welcome"), welcome)],
            EntryKind::Earn,
        )?;
        self.enter_tiers()?;
        self.birthday()
    }

    pub(crate) fn update_profile(&mut self, u: &UpdateProfile) -> Result<(), Error> {
        if let Some(tags) = &u.tags {
            self.acc.profile.tags.clone_from(tags);
        }
        if let Some(b) = &u.birthday {
            self.acc.profile.birthday = Some(b.clone());
        }
        if let Some(c) = &u.cause {
            self.acc.profile.cause = Some(c.clone());
        }
        self.birthday()
    }

    fn price(&self, plan: &str) -> i64 {
        self.engine
            .plan(plan)
            .map_or(0, |p| crate::basket::minor(self.engine, p.price.0))
    }

    pub(crate) fn subscribe(&mut self, s: &Subscribe) -> Result<(), Error> {
        if let Some(current) = plan_in_force(self.engine, self.acc, self.now) {
            return Err(Error::rule(
                "already_subscribed",
                "plan",
                format!("the member's plan `{current}` is still in force; renew or cancel it"),
            ));
        }
        let days = self.engine.plan(&s.plan).map_or(1, |p| p.period_days);
        self.acc.subscription = Some(Subscription {
            plan: s.plan.clone(),
            started_at: self.now,
            period_start: self.now,
            paid_until: self.now.plus_days(days),
            cancelled: false,
        });
        let price = self.price(&s.plan);
        self.entry(
            Asset::Subscription,
            EntryKind::Subscribed,
            price,
            Some(&s.plan),
        );
        Ok(())
    }

    pub(crate) fn renew(&mut self, s: &Subscribe) -> Result<(), Error> {
        let engine = self.engine;
        let now = self.now;
        let Some(sub) = self
            .acc
            .subscription
            .as_mut()
            .filter(|x| x.plan == s.plan && now < ends_at(engine, x))
        else {
            return Err(Error::rule(
                "not_subscribed",
                "plan",
                format!("no plan `{}` in force to renew; subscribe instead", s.plan),
            ));
        };
        let days = engine.plan(&s.plan).map_or(1, |p| p.period_days);
        // An early renewal extends the paid time; one in the grace period starts now.
        sub.period_start = if now < sub.paid_until {
            sub.paid_until
        } else {
            now
        };
        sub.paid_until = sub.period_start.plus_days(days);
        sub.cancelled = false;
        let price = self.price(&s.plan);
        self.entry(
            Asset::Subscription,
            EntryKind::Renewed,
            price,
            Some(&s.plan),
        );
        Ok(())
    }

    pub(crate) fn cancel(&mut self) -> Result<(), Error> {
        let now = self.now;
        let engine = self.engine;
        let Some(sub) = self
            .acc
            .subscription
            .as_mut()
            .filter(|x| now < ends_at(engine, x) && !x.cancelled)
        else {
            return Err(Error::rule(
                "not_subscribed",
                "type",
                "the member has no plan in force to cancel",
            ));
        };
        sub.cancelled = true;
        let plan = sub.plan.clone();
        self.entry(Asset::Subscription, EntryKind::Cancelled, 0, Some(&plan));
        Ok(())
    }

    /// End a plan whose time is over.
    pub(crate) fn lapse_plan(&mut self) {
        let Some(sub) = &self.acc.subscription else {
            return;
        };
        if self.now < ends_at(self.engine, sub) {
            return;
        }
        let plan = sub.plan.clone();
        self.acc.subscription = None;
        self.acc.usage.retain(|u| !u.key.starts_with("allowance:"));
        self.entry(Asset::Subscription, EntryKind::Lapsed, 0, Some(&plan));
    }

    /// Issue the yearly birthday voucher when the member's local date is in
    /// the window and this year's was not issued yet.
    pub(crate) fn birthday(&mut self) -> Result<(), Error> {
        let Some(policy) = self.engine.program().birthday.as_ref() else {
            return Ok(());
        };
        if self.acc.enrolled_at.is_none() {
            return Ok(());
        }
        let Some(birthday) = self.acc.profile.birthday.as_deref() else {
            return Ok(());
        };
        let Some((year, ends)) =
            period::birthday_in_window(birthday, self.now, policy.days_before, policy.days_after)
        else {
            return Ok(());
        };
        if self.acc.birthday_year.is_some_and(|y| i64::from(y) >= year) {
            return Ok(());
        }
        self.acc.birthday_year = i32::try_from(year).ok();
        let reward = policy.reward.clone();
        self.issue_voucher(&reward, Some(ends), EntryKind::Birthday)?;
        Ok(())
    }

    pub(crate) fn referral(&mut self, r: &Referral) -> Result<(), Error> {
        let Some(policy) = self.engine.program().referral.as_ref() else {
            return Err(Error::rule(
                "no_referral_program",
                "type",
                "the program has no referral rewards",
            ));
        };
        if self.acc.referrals.contains(&r.referred) {
            return Err(Error::rule(
                "referral_already_rewarded",
                "referred",
                format!("the referral of `{}` was already rewarded", r.referred),
            ));
        }
        if self.acc.referrals.len() >= 1000 {
            return Err(Error::limit(
                crate::error::Document::Account,
                "referrals",
                "at most 1000 referrals are rewarded",
            ));
        }
        if r.referred == self.acc.member {
            return Err(Error::rule(
                "self_referral",
                "referred",
                "a member cannot refer themselves",
            ));
        }
        self.acc.referrals.push(r.referred.clone());
        let (points, reward) = (i64::from(policy.points), policy.reward.clone());
        self.earn(
            PoolId::Points,
            &[(Ref::Text(&r.referred), points)],
            EntryKind::Referral,
        )?;
        if let Some(reward) = reward {
            self.issue_voucher(&reward, None, EntryKind::Referral)?;
        }
        Ok(())
    }

    pub(crate) fn adjust(&mut self, a: &Adjust) -> Result<(), Error> {
        if a.points > 0 {
            self.earn(
                PoolId::Points,
                &[(Ref::Text(&a.staff), a.points)],
                EntryKind::Adjust,
            )?;
        } else if a.points < 0 {
            let points = -a.points;
            self.require(PoolId::Points, points, "points", "the adjustment")?;
            self.take_oldest(PoolId::Points, points);
            self.entry(Asset::Points, EntryKind::Adjust, a.points, Some(&a.staff));
        }
        if a.stamps > 0 {
            if self.engine.program().stamps.is_none() {
                return Err(Error::rule(
                    "no_stamp_card",
                    "stamps",
                    "the program has no stamp card",
                ));
            }
            self.add_stamps(a.stamps, EntryKind::Adjust, Ref::Text(&a.staff))?;
        } else if a.stamps < 0 {
            if self.acc.stamps.count < -a.stamps {
                return Err(Error::rule(
                    "insufficient_stamps",
                    "stamps",
                    format!(
                        "the card holds {} stamps; cannot remove {}",
                        self.acc.stamps.count.max(0),
                        -a.stamps
                    ),
                ));
            }
            self.acc.stamps.count += a.stamps;
            self.entry(Asset::Stamps, EntryKind::Adjust, a.stamps, Some(&a.staff));
        }
        Ok(())
    }
}
