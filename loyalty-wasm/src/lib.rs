//! WebAssembly bindings of loyalty-core (filled by its own issue).
