//! Short lists kept inline.
//!
//! A purchase's valued lines, its rule results and their per-line shares,
//! and what an event drops from the front of an account's list, are few.
//! Natively they are `SmallVec`s (inline up to a size, on the heap past
//! it), so evaluating a purchase allocates nearly nothing for them. The
//! WebAssembly build keeps plain `Vec`s: every inline-vector type is its
//! own copy of smallvec's code, and there the npm package's download size
//! (its budget is 250 KB gzipped) matters more than a few allocations.
//! Both have the methods the engine uses, so the code is the same.

/// `few![T; N]`: a list of `T`, inline up to `N` elements (natively).
#[cfg(not(target_arch = "wasm32"))]
macro_rules! few {
    ($t:ty; $n:literal) => {
        smallvec::SmallVec<[$t; $n]>
    };
}

/// `few![T; N]`: a plain `Vec<T>` in the WebAssembly build.
#[cfg(target_arch = "wasm32")]
macro_rules! few {
    ($t:ty; $n:literal) => {
        Vec<$t>
    };
}

pub(crate) use few;
