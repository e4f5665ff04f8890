//! Helpers shared by the integration tests (each test file uses a subset).
#![allow(dead_code)]

use dimtensor_core::{lookup, parse, Rational, Unit};

/// Parses `text`, failing the test with the parser's message.
pub fn p(text: &str) -> Unit {
    parse(text).unwrap_or_else(|e| panic!("{text:?} does not parse: {e}"))
}

/// The registered unit `name`.
pub fn get(name: &str) -> Unit {
    lookup(name).unwrap_or_else(|| panic!("{name:?} is not registered"))
}

/// The fraction `n/d`.
pub fn r(n: i64, d: i64) -> Rational {
    Rational::new(n, d).unwrap()
}
