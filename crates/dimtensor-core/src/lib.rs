//! dimtensor-core: physical dimensions and units, with no Python in it.
//!
//! Three layers, each depending only on the ones above it:
//!
//! - [`units`]: [`Dimension`] (seven exact rational exponents), [`Unit`]
//!   (dimension, scale, offset and temperature kind, with a structured
//!   symbol), the registry of named units, the parser (including the
//!   CF/UDUNITS strings of netCDF/zarr `units` attributes), the formatter
//!   and the CODATA 2022 constants.
//! - [`rules`]: the one unit-rule table. From the units of the operands
//!   alone it decides, for every ufunc, reduction and array function, how
//!   each input is converted and which unit each output carries.
//! - [`compute`]: element-wise loops on slices: the fast-path kernels and
//!   fused programs of many operations in one pass (blocks, SIMD, threads).

pub mod compute;
pub mod error;
pub mod rules;
pub mod units;

pub use error::{Error, Result};
pub use units::cf::{parse_cf, to_cf, CfUnit, Dialect};
pub use units::dimension::Dimension;
pub use units::format::Format;
pub use units::parse::{parse, parse_in, parse_uncached};
pub use units::rational::Rational;
pub use units::registry::{lookup, registry};
pub use units::unit::Unit;
