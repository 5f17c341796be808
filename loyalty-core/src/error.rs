//! Errors. Every error names what was wrong and where, as a JSON path into
//! the document at fault (`rules[2].earn.rate`, `lines[0].quantity`).
//!
//! Messages are lowercase, quote the user's value in backticks and never
//! name a Rust type. Each error has a stable [`ErrorKind`] (what a binding
//! maps to a status code) and a stable machine `code`.

use serde::Serialize;

use crate::time::Timestamp;

/// Which input document an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    /// The program definition.
    Program,
    /// The member's account state.
    Account,
    /// The event being applied or the basket being quoted.
    Event,
}

impl std::fmt::Display for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Document::Program => "program",
            Document::Account => "account",
            Document::Event => "event",
        })
    }
}

/// The broad class of an error, stable across versions; the C status codes
/// and the JS `code` prefix follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Not JSON, or JSON of the wrong shape (unknown field, wrong type...).
    InvalidJson,
    /// Well-formed, but a value is not acceptable (negative price, bad rate...).
    Validation,
    /// Valid input the program's rules refuse (not enough points, no voucher...).
    Rule,
    /// An event id already applied with different content.
    Conflict,
    /// An event older than the account's last event.
    OutOfOrder,
    /// A documented limit was exceeded (size, nesting, number range).
    Limit,
}

/// Everything that can go wrong, with the document and JSON path at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The document is not JSON of the expected shape.
    #[error("{document} {}: {message}", display_path(path))]
    Parse {
        /// Which document.
        document: Document,
        /// JSON path of the offending value (`.` for the whole document).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A value is well-formed but not acceptable.
    #[error("{document} {}: {message}", display_path(path))]
    Invalid {
        /// Which document.
        document: Document,
        /// JSON path of the offending value.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A documented limit was exceeded.
    #[error("{document} {}: {message}", display_path(path))]
    Limit {
        /// Which document.
        document: Document,
        /// JSON path of the offending value.
        path: String,
        /// Which limit.
        message: String,
    },
    /// The program's rules refuse a valid event.
    #[error("event {}: {reason}", display_path(path))]
    Rule {
        /// Stable machine code, e.g. `insufficient_points`.
        code: &'static str,
        /// JSON path in the event.
        path: String,
        /// What stopped it.
        reason: String,
    },
    /// The same event id was applied before with other content.
    #[error("event id: `{id}` was already applied with different content")]
    Conflict {
        /// The event id.
        id: String,
    },
    /// The event is older than the account's last event.
    #[error("event time: {time} is before the account's last event at {last}")]
    OutOfOrder {
        /// The event's time.
        time: Timestamp,
        /// The account's last event time.
        last: Timestamp,
    },
}

fn display_path(path: &str) -> &str {
    if path.is_empty() {
        "."
    } else {
        path
    }
}

impl Error {
    /// The broad class of the error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Parse { .. } => ErrorKind::InvalidJson,
            Error::Invalid { .. } => ErrorKind::Validation,
            Error::Limit { .. } => ErrorKind::Limit,
            Error::Rule { .. } => ErrorKind::Rule,
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::OutOfOrder { .. } => ErrorKind::OutOfOrder,
        }
    }

    /// A stable machine code, finer than [`Error::kind`].
    ///
    /// ```
    /// let err = loyalty_core::Engine::from_json("{").unwrap_err();
    /// assert_eq!(err.code(), "invalid_program_json");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::Parse { document, .. } => match document {
                Document::Program => "invalid_program_json",
                Document::Account => "invalid_account_json",
                Document::Event => "invalid_event_json",
            },
            Error::Invalid { document, .. } => match document {
                Document::Program => "invalid_program",
                Document::Account => "invalid_account",
                Document::Event => "invalid_event",
            },
            Error::Limit { .. } => "limit_exceeded",
            Error::Rule { code, .. } => code,
            Error::Conflict { .. } => "conflict",
            Error::OutOfOrder { .. } => "out_of_order",
        }
    }

    /// The JSON path at fault, relative to its document (`""` for the root).
    pub fn path(&self) -> &str {
        match self {
            Error::Parse { path, .. }
            | Error::Invalid { path, .. }
            | Error::Limit { path, .. }
            | Error::Rule { path, .. } => path,
            Error::Conflict { .. } => "id",
            Error::OutOfOrder { .. } => "time",
        }
    }

    /// What is wrong, without the document and path (the `message` of a JSON error).
    pub fn message(&self) -> String {
        match self {
            Error::Parse { message, .. }
            | Error::Invalid { message, .. }
            | Error::Limit { message, .. } => message.clone(),
            Error::Rule { reason, .. } => reason.clone(),
            Error::Conflict { id } => format!("`{id}` was already applied with different content"),
            Error::OutOfOrder { time, last } => {
                format!("{time} is before the account's last event at {last}")
            }
        }
    }

    /// The document the path points into.
    pub fn document(&self) -> Document {
        match self {
            Error::Parse { document, .. }
            | Error::Invalid { document, .. }
            | Error::Limit { document, .. } => *document,
            Error::Rule { .. } | Error::Conflict { .. } | Error::OutOfOrder { .. } => {
                Document::Event
            }
        }
    }

    pub(crate) fn invalid(
        document: Document,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Error {
        Error::Invalid {
            document,
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn limit(
        document: Document,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Error {
        Error::Limit {
            document,
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn rule(
        code: &'static str,
        path: impl Into<String>,
        reason: impl Into<String>,
    ) -> Error {
        Error::Rule {
            code,
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// A user value shortened for an error message: hostile input must not
/// make error messages as large as itself.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 64;
    let mut out: String = s.chars().take(MAX).flat_map(char::escape_default).collect();
    if s.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}
