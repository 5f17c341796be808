//! C ABI over loyalty-core (filled by its own issue).
