//! Fused element-wise expressions: a small program of NumPy-like operations
//! evaluated in one pass over memory.
//!
//! A [`Program`] is a list of [`Node`]s in topological order (each node names
//! only earlier nodes) whose last node is the result. [`Program::new`]
//! validates it, folds constants, merges identical nodes and drops the ones
//! the result does not use. [`eval`] / [`eval_bool`] then run it over
//! `out.len()` elements:
//!
//! - in blocks of [`BLOCK`] elements, so that every intermediate value lives
//!   in a small scratch buffer that stays in L1/L2 cache; buffers are reused
//!   once their value's last reader has run; the inputs of the blocks ahead
//!   are prefetched, all streams at once, a share before each step;
//! - scalar inputs and constants stay scalars (never spread over a block);
//! - unit conversions (affine nodes) read only by arithmetic are applied
//!   inside their readers' loops; a division by a power of two is a
//!   multiplication (the same result);
//! - the block loops are compiled for AVX-512 and AVX2 as well as portably,
//!   and the widest build this CPU runs is chosen at run time;
//! - large outputs are split over rayon's threads, each with its own scratch
//!   ([`Options::threads`] limits how many; 1 keeps to the calling thread);
//! - outputs of evaluations much larger than the cache are written with
//!   streaming stores.
//!
//! Units are no concern here: the caller has already folded conversions into
//! [`Node::Affine`] nodes and constants.
//!
//! Each operation performs the floating-point operations NumPy's ufunc does
//! (no fused multiply-add is formed), so arithmetic results agree with
//! NumPy's unfused evaluation bit for bit; transcendental functions call
//! Rust's `f64`/`f32` methods (the platform's libm), which may differ from
//! NumPy's own SIMD versions in the last bits. Constants are folded in
//! float64; at run time every operation is done in the evaluation type.

mod eval;
mod ops;
mod plan;
mod program;
#[cfg(test)]
mod tests;

pub use eval::{eval, eval_bool, eval_bool_with, eval_with, Options, BLOCK, PARALLEL_ABOVE};
pub use ops::{Binary, Float, Unary};
pub use plan::Operand;
pub use program::{Node, Program};
