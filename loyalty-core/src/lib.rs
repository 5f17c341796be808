//! # loyalty-core
//!
//! A pure, deterministic rules engine for customer loyalty programs:
//! points, stamp cards, a rewards catalog, returns, expiry and a ledger.
//!
//! The engine stores nothing and reads no clock. The host passes a
//! [`Program`] (validated once into an [`Engine`]), a member's [`Account`]
//! and an [`Event`]; it gets back the new account and an [`Outcome`]
//! listing every movement. Same inputs, same outputs, on every platform.
//!
//! ```
//! use loyalty_core::{Account, Engine, Event};
//!
//! let engine = Engine::from_json(r#"{
//!     "name": "Corner Café", "currency": "USD",
//!     "excluded_categories": ["merch"],
//!     "rules": [
//!         {"id": "base", "earn": {"type": "points_per_amount", "rate": "1"}},
//!         {"id": "coffee", "earn": {"type": "stamps_per_unit", "stamps": 1,
//!                                   "matching": {"categories": ["coffee"]}}}],
//!     "stamps": {"card_size": 10, "reward": "free_coffee"},
//!     "rewards": [{"id": "free_coffee", "cost": {"type": "voucher"},
//!                  "benefit": {"type": "free_item", "matching": {"categories": ["coffee"]}}}]
//! }"#)?;
//!
//! let mut account = Account::new("m-1");
//! engine.apply_in_place(&mut account, &Event::from_json(
//!     r#"{"type": "enrol", "id": "e1", "member": "m-1", "time": "2026-03-02T08:00:00-05:00"}"#)?)?;
//! let outcome = engine.apply_in_place(&mut account, &Event::from_json(r#"{
//!     "type": "purchase", "id": "p1", "time": "2026-03-02T08:01:00-05:00",
//!     "lines": [{"sku": "latte", "category": "coffee", "quantity": 2, "unit_price": "4.75"},
//!               {"sku": "mug", "category": "merch", "quantity": 1, "unit_price": "12.00"}]}"#)?)?;
//!
//! assert_eq!(account.points.balance, 9); // floor(9.50): the mug is merch
//! assert_eq!(account.stamps.count, 2);
//! assert_eq!(outcome.awards.len(), 2);
//! # Ok::<(), loyalty_core::Error>(())
//! ```
//!
//! ## Where to read next
//! - [`program`]: the program format and every mechanic's options;
//! - [`apply`](Engine::apply) and the order of work in one event;
//! - [`json`]: the JSON interface the C and WASM bindings use;
//! - [`limits`]: the bounds on hostile input.
//!
//! ## Choices this crate makes (and documents where they live)
//! - Points are rounded once per rule per purchase ([`Rounding`]), on the
//!   eligible subtotal, not line by line.
//! - Points are earned after reward discounts by default ([`program::EarnBase`]).
//! - Returns take back what the returned lines earned, in proportion to the
//!   units returned, cumulatively, with the same rounding; per-visit awards go
//!   back only with the last returned line ([`program::Earn`]).
//! - Already spent points taken back become a debt or a negative balance
//!   ([`program::Shortfall`]). Stamps of a completed card taken back leave the
//!   card below zero.
//! - A full return gives back rewards redeemed on that purchase when the
//!   program's `returns.restore_rewards` is on (the default).

#![forbid(unsafe_code)]

pub mod account;
mod account_check;
pub mod analytics;
mod apply;
mod basket;
pub mod check;
mod compiled;
mod de;
pub mod decimal;
mod earn;
mod engine;
pub mod error;
pub mod event;
mod id;
mod idempotency;
mod inline;
pub mod json;
pub mod limits;
pub mod outcome;
mod period;
pub mod program;
mod rewards;
pub mod schema;
mod text;
pub mod time;
mod validate;

pub use account::Account;
pub use decimal::{Dec, Rounding};
pub use engine::{Applied, Engine};
pub use error::{Document, Error, ErrorKind};
pub use event::Event;
pub use id::Id;
pub use outcome::{Outcome, Quote};
pub use program::Program;
pub use time::Timestamp;
