//! Units: exact dimensions, units with scale and offset, the registry of
//! named units, the parser and formatter of unit text, CODATA constants.

pub mod cf;
pub mod cf_names;
pub mod constants;
pub mod dimension;
pub mod format;
pub mod parse;
pub mod rational;
pub mod registry;
pub mod temperature;
pub mod unit;
