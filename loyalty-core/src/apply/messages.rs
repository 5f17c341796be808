//! Notification intents: what the host should tell the member after an event.
//!
//! After every event the engine lists what is worth saying (a voucher
//! earned, a reward now affordable, one step from the next reward, a tier
//! reached or at risk, points expiring, a long absence, a birthday, a plan
//! to renew or ended), orders it by the program's priorities, and delivers
//! each intent unless quiet hours or a frequency cap hold it back; those are
//! reported as suppressed with the reason. Things said "once" (expiring
//! points, an absence, a risk, a renewal) are remembered only when
//! delivered, so a suppressed one comes back at a later event.

use crate::account::SentIntent;
use crate::event::Event;
use crate::outcome::{Asset, EntryKind, Intent, Suppressed};
use crate::period;
use crate::program::{Cost, Expiry, IntentKind, Messaging, Period};

use super::Tx;

fn intent(kind: IntentKind) -> Intent {
    Intent {
        kind,
        subject: None,
        amount: None,
        at: None,
    }
}

impl Tx<'_, '_> {
    /// Candidate intents for this event, in a fixed order.
    fn candidates(&self, m: &Messaging, points_before: i64, event: &Event) -> Vec<Intent> {
        let mut out = Vec::new();
        let program = self.engine.program();
        let now = self.now;
        for v in &self.out.vouchers {
            let birthday = self.out.ledger.iter().any(|e| {
                e.asset == Asset::Vouchers
                    && e.kind == EntryKind::Birthday
                    && e.reference.as_deref() == Some(&v.id)
            });
            let kind = if birthday {
                IntentKind::Birthday
            } else {
                IntentKind::RewardEarned
            };
            out.push(Intent {
                subject: Some(v.reward.to_string()),
                at: v.expires_at,
                ..intent(kind)
            });
        }
        for e in &self.out.ledger {
            match (e.asset, e.kind) {
                (Asset::Tier, EntryKind::TierUp) => out.push(Intent {
                    subject: e.reference.as_deref().map(str::to_owned),
                    ..intent(IntentKind::TierUp)
                }),
                (Asset::Subscription, EntryKind::Lapsed) => out.push(Intent {
                    subject: e.reference.as_deref().map(str::to_owned),
                    ..intent(IntentKind::SubscriptionLapsed)
                }),
                _ => {}
            }
        }
        let balance = self.acc.points.balance;
        let costs = program.rewards.iter().filter_map(|r| match r.cost {
            Cost::Points { points } => Some((r, i64::from(points))),
            _ => None,
        });
        if let Some((r, cost)) = costs
            .clone()
            .filter(|(_, c)| points_before < *c && *c <= balance)
            .max_by_key(|(_, c)| *c)
        {
            out.push(Intent {
                subject: Some(r.id.clone()),
                amount: Some(cost),
                ..intent(IntentKind::RewardAvailable)
            });
        }
        if matches!(event, Event::Purchase(_)) {
            if let Some(card) = &program.stamps {
                if self.acc.stamps.count == i64::from(card.card_size) - 1 {
                    out.push(Intent {
                        subject: Some(card.reward.clone()),
                        amount: Some(1),
                        ..intent(IntentKind::OneStepAway)
                    });
                }
            }
            if let Some((r, cost)) = costs.filter(|(_, c)| *c > balance).min_by_key(|(_, c)| *c) {
                if cost - balance <= i64::from(m.one_step_points) {
                    out.push(Intent {
                        subject: Some(r.id.clone()),
                        amount: Some(cost - balance),
                        ..intent(IntentKind::OneStepAway)
                    });
                }
            }
        }
        if let Some(info) = super::tier::info(self.engine, self.acc, now, self.tier_value) {
            if let (true, Some(review)) = (info.at_risk, info.next_evaluation) {
                if review <= now.plus_days(m.at_risk_days)
                    && self.acc.messaging.risk_review != Some(review)
                {
                    out.push(Intent {
                        subject: info.level.as_deref().map(str::to_owned),
                        at: Some(review),
                        ..intent(IntentKind::TierAtRisk)
                    });
                }
            }
        }
        let horizon = now.plus_days(m.expiring_days);
        let said = self.acc.messaging.expiring_until;
        let inactivity = match (&program.points.expiry, self.acc.last_activity_at) {
            (Some(Expiry::Inactivity { days }), Some(last)) => Some(last.plus_days(*days)),
            _ => None,
        };
        let (mut points, mut first) = (0_i64, None);
        // Lots expire in earning order (see `expire_lots`): stop at the first
        // one beyond the horizon.
        let soon = |lot: &&crate::account::Lot| {
            lot.expires_at
                .or(inactivity)
                .is_some_and(|at| at <= horizon)
        };
        for lot in self.acc.points.lots.iter().take_while(soon) {
            let Some(at) = lot.expires_at.or(inactivity) else {
                continue;
            };
            if said.is_none_or(|s| at > s) {
                points += lot.points;
                first = first.map_or(Some(at), |f: crate::time::Timestamp| Some(f.min(at)));
            }
        }
        if points > 0 {
            out.push(Intent {
                amount: Some(points),
                at: first,
                ..intent(IntentKind::PointsExpiring)
            });
        }
        if let Some(last) = self.acc.last_activity_at {
            if last.plus_days(m.miss_you_days) <= now
                && self.acc.messaging.missed_since != Some(last)
            {
                let days = period::whole_days(last, now);
                out.push(Intent {
                    amount: Some(days),
                    at: Some(last),
                    ..intent(IntentKind::WeMissYou)
                });
            }
        }
        if let Some(sub) = &self.acc.subscription {
            let due = sub.paid_until;
            let soon = now < due && due <= now.plus_days(m.renewal_days);
            if soon && !sub.cancelled && self.acc.messaging.renewal_for != Some(due) {
                out.push(Intent {
                    subject: Some(sub.plan.clone()),
                    at: Some(due),
                    ..intent(IntentKind::RenewalDue)
                });
            }
        }
        out
    }

    /// Work out, cap and deliver this event's intents.
    pub(crate) fn messages(&mut self, points_before: i64, event: &Event) {
        let Some(m) = self.engine.program().messaging.as_ref() else {
            return;
        };
        let now = self.now;
        let mut list: Vec<Intent> = self
            .candidates(m, points_before, event)
            .into_iter()
            .filter(|i| m.kinds.is_empty() || m.kinds.contains(&i.kind))
            .collect();
        let priority = |k: IntentKind| {
            m.priorities
                .iter()
                .find(|p| p.kind == k)
                .map_or(0, |p| p.priority)
        };
        list.sort_by_key(|i| std::cmp::Reverse(priority(i.kind)));

        let (today, week) = (
            period::key(Period::Day, now),
            period::key(Period::Week, now),
        );
        self.acc
            .messaging
            .sent
            .retain(|s| period::key(Period::Week, s.at) == week);
        let quiet = m
            .quiet_hours
            .as_ref()
            .is_some_and(|q| period::in_window(now, &[], q.from, q.to));
        for i in list {
            let sent = &self.acc.messaging.sent;
            let day_count = |kind: Option<IntentKind>| {
                sent.iter()
                    .filter(|s| {
                        period::key(Period::Day, s.at) == today && kind.is_none_or(|k| k == s.kind)
                    })
                    .count()
            };
            let week_count = |kind: Option<IntentKind>| {
                sent.iter()
                    .filter(|s| kind.is_none_or(|k| k == s.kind))
                    .count()
            };
            let over = |count: usize, cap: Option<u32>| cap.is_some_and(|c| count >= c as usize);
            let kind_cap = m.per_kind.iter().find(|c| c.kind == i.kind);
            let reason = if quiet {
                Some("quiet_hours")
            } else if over(day_count(None), m.max_per_day) {
                Some("daily_cap")
            } else if over(week_count(None), m.max_per_week) {
                Some("weekly_cap")
            } else if over(
                day_count(Some(i.kind)),
                kind_cap.and_then(|c| c.max_per_day),
            ) {
                Some("kind_daily_cap")
            } else if over(
                week_count(Some(i.kind)),
                kind_cap.and_then(|c| c.max_per_week),
            ) {
                Some("kind_weekly_cap")
            } else {
                None
            };
            if let Some(reason) = reason {
                self.out.suppressed.push(Suppressed { intent: i, reason });
                continue;
            }
            let state = &mut self.acc.messaging;
            match i.kind {
                IntentKind::PointsExpiring => {
                    let horizon = now.plus_days(m.expiring_days);
                    state.expiring_until =
                        Some(state.expiring_until.map_or(horizon, |s| s.max(horizon)));
                }
                IntentKind::WeMissYou => state.missed_since = i.at,
                IntentKind::TierAtRisk => state.risk_review = i.at,
                IntentKind::RenewalDue => state.renewal_for = i.at,
                _ => {}
            }
            state.sent.push(SentIntent {
                kind: i.kind,
                at: now,
            });
            self.out.intents.push(i);
        }
    }
}
