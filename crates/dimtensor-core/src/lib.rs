//! dimtensor-core: physical dimensions and units, with no Python in it.
//!
//! - [`Dimension`]: seven exact rational exponents (L, M, T, I, Θ, N, J).
//! - [`Unit`]: dimension, scale and offset (value_in_SI = value × scale + offset),
//!   with a structured symbol written by [`Format`].
//! - [`registry`]: every named unit; [`parse`]: unit text, including the
//!   CF/UDUNITS strings of netCDF/zarr `units` attributes.
//! - [`constants`]: CODATA 2022.
//! - [`kernels`], [`expr`]: element-wise loops; `expr` runs fused programs
//!   of many operations in one pass (blocks, SIMD, threads).

pub mod constants;
pub mod dimension;
pub mod error;
pub mod expr;
pub mod format;
pub mod kernels;
pub mod parse;
pub mod rational;
pub mod registry;
pub mod rules;
mod simd;
pub mod unit;

pub use dimension::Dimension;
pub use error::{Error, Result};
pub use format::Format;
pub use parse::{parse, parse_uncached};
pub use rational::Rational;
pub use registry::{lookup, registry};
pub use unit::Unit;
