//! The one unit-rule table: every ufunc, ufunc method, array function and
//! exponent gets its unit rule here, and every front end (DimArray,
//! DaskDimArray, the Array API namespaces, JAX and PyTorch arrays) asks it.
//!
//! A rule never touches data: from the operands' units it says how to convert
//! each input's magnitudes before the backend's own function runs
//! ([`Convert`]) and which unit each output carries ([`Out`]). Errors
//! therefore come before any computation (or any Dask graph) exists, and
//! whether code is a unit error never depends on the values.
//!
//! - [`ufuncs`]: one rule class per NumPy ufunc (one line each);
//! - [`functions`]: NumPy, `linalg`, `fft` and Array API functions, one line
//!   each in a small rule language;
//! - [`reductions`]: the unit of sums and products, and which function a
//!   ufunc method (`np.add.reduce`) stands for;
//! - [`offset`]: what temperature points, intervals and absolute units do
//!   in operations (docs/temperatures.md).

pub mod functions;
pub mod offset;
pub mod reductions;
pub mod ufuncs;

use smallvec::SmallVec;

use crate::error::{Error, Result};
use crate::units::rational::Rational;
use crate::units::registry::registry;
use crate::units::unit::{close, Unit};

pub use functions::{function_plan, function_rule, known_functions, FnCall, FnPlan, Opt, Value};
pub use offset::offset_error;
pub use reductions::ufunc_method;
pub use ufuncs::{
    is_known_ufunc, known_ufuncs, same_unit_plan, ufunc_arity, ufunc_class, ufunc_plan,
    unknown_ufunc, Class, OffsetRule, UFUNCS,
};

/// One operand as the caller sees it.
#[derive(Clone, Copy, Debug)]
pub enum Operand<'a> {
    /// A quantity in this unit.
    Unit(&'a Unit),
    /// A bare number or plain array: the dimensionless unit 1.
    Plain,
    /// Meets any unit: the bare scalars 0, ±inf and nan, and arrays whose
    /// unit is not chosen yet. In same-unit operations (add, subtract,
    /// comparisons, maximum, …) they take the other operand's unit without
    /// conversion; everywhere else they are [`Operand::Plain`]. Next to an
    /// offset unit a wildcard is neutral: `20 °C + 0` and `0 − 20 °C` stay
    /// in °C.
    Wildcard,
}

impl<'a> From<&'a Unit> for Operand<'a> {
    fn from(u: &'a Unit) -> Self {
        Operand::Unit(u)
    }
}

/// Per-input conversions and per-output units, stored inline (ufuncs have
/// at most three inputs and two outputs): a plan allocates nothing.
pub type Converts = SmallVec<[Convert; 3]>;
pub type Outs = SmallVec<[Out; 2]>;

/// What to do to one input's magnitudes before calling the backend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Convert {
    None,
    /// `x -> a·x`
    Scale(f64),
    /// `x -> a·x + b` (between offset units only)
    Affine(f64, f64),
}

impl Convert {
    /// The converted value of one number (for scalars and tests).
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Convert::None => x,
            Convert::Scale(a) => a * x,
            Convert::Affine(a, b) => a * x + b,
        }
    }

    /// `(a, b)` with `new = a·value + b`.
    pub fn pair(self) -> (f64, f64) {
        match self {
            Convert::None => (1.0, 0.0),
            Convert::Scale(a) => (a, 0.0),
            Convert::Affine(a, b) => (a, b),
        }
    }

    /// `Scale(a)`, or `None` when `a` is 1 within the tolerance with which
    /// units compare equal (so `m` to `m` reached by two routes costs nothing).
    pub(crate) fn scale(a: f64) -> Convert {
        if close(a, 1.0) {
            Convert::None
        } else {
            Convert::Scale(a)
        }
    }
}

/// The unit of one output.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    Unit(Unit),
    /// A bool/int result with no unit attached (isnan, equal, frexp's
    /// exponent, argmin's indices).
    Plain,
}

/// How to run one ufunc on magnitudes: one [`Convert`] per input, one [`Out`]
/// per output.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub inputs: Converts,
    pub outputs: Outs,
    /// `Some(c)`: every element of the result is `c`, whatever the values
    /// (`equal`/`not_equal` between different dimensions: all False / all
    /// True, no error, as NumPy does for incomparable types).
    pub constant: Option<bool>,
}

pub(crate) fn plan(inputs: Converts, outputs: Outs) -> Plan {
    Plan {
        inputs,
        outputs,
        constant: None,
    }
}

/// The exponent `x` as an exact fraction with a denominator of at most
/// 1000: a power of a dimensional unit must be exact, so an exponent that is
/// no such fraction (within 1e-9) is an error instead of a rounded unit.
pub fn exact_exponent(x: f64) -> Result<Rational> {
    Rational::exact_from_f64(x, 1000)
}

/// Unit algebra reports an out-of-range scale (`km**400`) as `Invalid`; in a
/// rule it is a dimension error naming the operation, so that `Invalid` keeps
/// meaning "no rule".
pub(crate) fn algebra_error(name: &str, e: Error) -> Error {
    match e {
        Error::Invalid(m) => Error::Dimension(format!("{name}: {m}")),
        e => e,
    }
}

/// A registered unit the rules rely on (`rad`, `deg`, `%`).
pub(crate) fn named(name: &str) -> Unit {
    registry()
        .get(name)
        .cloned()
        .unwrap_or_else(|| panic!("the registry lacks '{name}'"))
}

/// The unit an operand stands for when it is not a wildcard: Plain is 1.
pub(crate) fn unit_of(op: Operand) -> Unit {
    match op {
        Operand::Unit(u) => u.clone(),
        Operand::Plain | Operand::Wildcard => Unit::one(),
    }
}

pub(crate) fn symbol(u: &Unit) -> String {
    let s = u.symbol();
    if s.is_empty() {
        "1".into()
    } else {
        s
    }
}

/// `'m' [L]`, for messages.
pub(crate) fn describe(op: Operand) -> String {
    match op {
        Operand::Unit(u) => format!("'{}' [{}]", symbol(u), u.dimension()),
        Operand::Plain => "a plain number [1]".into(),
        Operand::Wildcard => "0/inf/nan".into(),
    }
}

pub(crate) fn mismatch(name: &str, a: Operand, b: Operand) -> Error {
    let hint = if matches!(a, Operand::Plain) || matches!(b, Operand::Plain) {
        " (a plain number is dimensionless; only the scalars 0, ±inf and nan meet any unit)"
    } else {
        ""
    };
    Error::Dimension(format!(
        "{name} needs operands of the same dimension, got {} and {}{hint}",
        describe(a),
        describe(b)
    ))
}

/// The conversion of a dimensionless operand to scale 1 (`km/m` ×1000,
/// `deg` ×π/180), or a dimension error naming the operation.
pub(crate) fn to_scale_one(name: &str, op: Operand) -> Result<Convert> {
    let u = unit_of(op);
    if !u.dimension().is_dimensionless() {
        return Err(Error::Dimension(format!(
            "{name} needs a dimensionless input (a ratio or an angle), got {}",
            describe(op)
        )));
    }
    Ok(Convert::scale(u.scale()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_units_the_rules_rely_on_are_registered() {
        for n in ["rad", "deg", "%", "delta_degC", "delta_degF"] {
            assert!(registry().get(n).is_some(), "{n}");
        }
    }

    #[test]
    fn exponents_are_exact_fractions() {
        assert_eq!(exact_exponent(0.5).unwrap(), Rational::new(1, 2).unwrap());
        assert_eq!(
            exact_exponent(-0.25).unwrap(),
            Rational::new(-1, 4).unwrap()
        );
        assert_eq!(
            exact_exponent(1.0 / 3.0).unwrap(),
            Rational::new(1, 3).unwrap()
        );
        assert!(exact_exponent(1e-4).is_err());
        assert!(exact_exponent(0.1234567).is_err());
    }
}
