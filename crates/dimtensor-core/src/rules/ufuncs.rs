//! The unit rule of every NumPy ufunc: one [`Class`] per ufunc name in
//! [`UFUNCS`], one function per class.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use smallvec::smallvec;

pub use super::offset::OffsetRule;
use super::offset::{no_offset, no_point_in_product, offset_error, same_unit, smallest_unit};
use super::{
    algebra_error, describe, exact_exponent, named, plan, symbol, to_scale_one, unit_of, Convert,
    Converts, Operand, Out, Plan,
};
use crate::error::{Error, Result};
use crate::units::rational::Rational;
use crate::units::temperature::interval_of;
use crate::units::unit::{close, Unit};

/// The rule class of a ufunc; one function per class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Equal dimensions; later operands converted to the first's unit, result
    /// in it.
    SameUnit(OffsetRule),
    /// Like `SameUnit(Points)` with a bool result. `differ`: the value of the
    /// whole result when the dimensions differ (equal: false, not_equal:
    /// true); `None` (ordering) makes that an error.
    Compare { differ: Option<bool> },
    /// Units multiply, no conversion.
    Multiply,
    /// Units divide, no conversion.
    Divide,
    /// The unit raised to `num/den` (reciprocal, sqrt, cbrt, square).
    PowerOf(i16, i16),
    /// `base ** exponent` with a dimensionless exponent.
    Power,
    /// Dimensionless inputs converted to scale 1; result 1 (exp, log, sin, …).
    Dimensionless,
    /// Like `Dimensionless`, result in radians (arcsin, arctan, …).
    InverseTrig,
    /// Two operands of one dimension, result in radians.
    Atan2,
    /// Angle converted to `from` first; result in `to` (radians, degrees).
    AngleTo {
        from: &'static str,
        to: &'static str,
    },
    /// Result in the input's unit, no conversion. `offset_ok`: whether an
    /// offset unit is allowed (negative, floor: yes; absolute: no).
    Preserve { offset_ok: bool },
    /// Any unit in, dimensionless out.
    Sign,
    /// `heaviside(x, h0)`: x any unit, h0 dimensionless, result 1.
    Heaviside,
    /// `copysign(x, y)`: x's unit; only y's sign is used.
    Copysign,
    /// `ldexp(x, e)`: x's unit; e a plain integer.
    Ldexp,
    /// `floor_divide(a, b)`: one dimension, computed in the smaller unit
    /// (exact cases stay exact), result 1.
    FloorDivide,
    /// `divmod(a, b)`: as floor division; results (1, the smaller unit).
    Divmod,
    /// Remainders, gcd, lcm: one dimension, computed in the smaller unit,
    /// result in it.
    Exact,
    /// `modf(x)`: results (fractional part, integral part) in x's unit.
    Modf,
    /// `frexp(x)`: results (mantissa in x's unit, plain exponent).
    Frexp,
    /// Any units, plain bool result (isnan, logical_and, …).
    Predicate,
    /// Integers and bits: dimensionless inputs of scale exactly 1, never
    /// converted (a conversion would change the bit patterns); result 1.
    Integer,
}

use Class::*;
use OffsetRule::*;

// Short names that keep the table one line per ufunc.
const EQUAL: Class = Compare {
    differ: Some(false),
};
const NOT_EQUAL: Class = Compare { differ: Some(true) };
const ORDER: Class = Compare { differ: None };
const KEEP: Class = Preserve { offset_ok: true };
/// abs/fabs: the magnitude of a point depends on where its scale puts zero.
const ORIGIN: Class = Preserve { offset_ok: false };
const TO_RAD: Class = AngleTo {
    from: "deg",
    to: "rad",
};
const TO_DEG: Class = AngleTo {
    from: "rad",
    to: "deg",
};

/// Every ufunc of NumPy 2.4 (name, nin, nout, class), sorted by name (kept
/// so by a test, for readers; lookups go through a hash index). Aliases (abs/absolute, pow/power, mod/remainder, …) are
/// listed under both names, since callers see either.
pub const UFUNCS: &[(&str, u8, u8, Class)] = &[
    ("abs", 1, 1, ORIGIN),
    ("absolute", 1, 1, ORIGIN),
    ("acos", 1, 1, InverseTrig),
    ("acosh", 1, 1, Dimensionless),
    ("add", 2, 1, SameUnit(Add)),
    ("arccos", 1, 1, InverseTrig),
    ("arccosh", 1, 1, Dimensionless),
    ("arcsin", 1, 1, InverseTrig),
    ("arcsinh", 1, 1, Dimensionless),
    ("arctan", 1, 1, InverseTrig),
    ("arctan2", 2, 1, Atan2),
    ("arctanh", 1, 1, Dimensionless),
    ("asin", 1, 1, InverseTrig),
    ("asinh", 1, 1, Dimensionless),
    ("atan", 1, 1, InverseTrig),
    ("atan2", 2, 1, Atan2),
    ("atanh", 1, 1, Dimensionless),
    ("bitwise_and", 2, 1, Integer),
    ("bitwise_count", 1, 1, Integer),
    ("bitwise_invert", 1, 1, Integer),
    ("bitwise_left_shift", 2, 1, Integer),
    ("bitwise_not", 1, 1, Integer),
    ("bitwise_or", 2, 1, Integer),
    ("bitwise_right_shift", 2, 1, Integer),
    ("bitwise_xor", 2, 1, Integer),
    ("cbrt", 1, 1, PowerOf(1, 3)),
    ("ceil", 1, 1, KEEP),
    // Not exported as a ufunc by NumPy, but `ndarray.clip` calls the
    // `numpy._core.umath.clip` ufunc, so a quantity bound can arrive here.
    ("clip", 3, 1, SameUnit(Points)),
    ("conj", 1, 1, KEEP),
    ("conjugate", 1, 1, KEEP),
    ("copysign", 2, 1, Copysign),
    ("cos", 1, 1, Dimensionless),
    ("cosh", 1, 1, Dimensionless),
    ("deg2rad", 1, 1, TO_RAD),
    ("degrees", 1, 1, TO_DEG),
    ("divide", 2, 1, Divide),
    ("divmod", 2, 2, Divmod),
    ("equal", 2, 1, EQUAL),
    ("exp", 1, 1, Dimensionless),
    ("exp2", 1, 1, Dimensionless),
    ("expm1", 1, 1, Dimensionless),
    ("fabs", 1, 1, ORIGIN),
    ("float_power", 2, 1, Power),
    ("floor", 1, 1, KEEP),
    ("floor_divide", 2, 1, FloorDivide),
    ("fmax", 2, 1, SameUnit(Points)),
    ("fmin", 2, 1, SameUnit(Points)),
    ("fmod", 2, 1, Exact),
    ("frexp", 1, 2, Frexp),
    ("gcd", 2, 1, Exact),
    ("greater", 2, 1, ORDER),
    ("greater_equal", 2, 1, ORDER),
    ("heaviside", 2, 1, Heaviside),
    ("hypot", 2, 1, SameUnit(Reject)),
    ("invert", 1, 1, Integer),
    ("isfinite", 1, 1, Predicate),
    ("isinf", 1, 1, Predicate),
    ("isnan", 1, 1, Predicate),
    ("isnat", 1, 1, Predicate),
    ("lcm", 2, 1, Exact),
    ("ldexp", 2, 1, Ldexp),
    ("left_shift", 2, 1, Integer),
    ("less", 2, 1, ORDER),
    ("less_equal", 2, 1, ORDER),
    ("log", 1, 1, Dimensionless),
    ("log10", 1, 1, Dimensionless),
    ("log1p", 1, 1, Dimensionless),
    ("log2", 1, 1, Dimensionless),
    ("logaddexp", 2, 1, Dimensionless),
    ("logaddexp2", 2, 1, Dimensionless),
    ("logical_and", 2, 1, Predicate),
    ("logical_not", 1, 1, Predicate),
    ("logical_or", 2, 1, Predicate),
    ("logical_xor", 2, 1, Predicate),
    ("matmul", 2, 1, Multiply),
    ("matvec", 2, 1, Multiply),
    ("maximum", 2, 1, SameUnit(Points)),
    ("minimum", 2, 1, SameUnit(Points)),
    ("mod", 2, 1, Exact),
    ("modf", 1, 2, Modf),
    ("multiply", 2, 1, Multiply),
    ("negative", 1, 1, KEEP),
    ("nextafter", 2, 1, SameUnit(Points)),
    ("not_equal", 2, 1, NOT_EQUAL),
    ("positive", 1, 1, KEEP),
    ("pow", 2, 1, Power),
    ("power", 2, 1, Power),
    ("rad2deg", 1, 1, TO_DEG),
    ("radians", 1, 1, TO_RAD),
    ("reciprocal", 1, 1, PowerOf(-1, 1)),
    ("remainder", 2, 1, Exact),
    ("right_shift", 2, 1, Integer),
    ("rint", 1, 1, KEEP),
    ("sign", 1, 1, Sign),
    ("signbit", 1, 1, Predicate),
    ("sin", 1, 1, Dimensionless),
    ("sinh", 1, 1, Dimensionless),
    ("spacing", 1, 1, KEEP),
    ("sqrt", 1, 1, PowerOf(1, 2)),
    ("square", 1, 1, PowerOf(2, 1)),
    ("subtract", 2, 1, SameUnit(Subtract)),
    ("tan", 1, 1, Dimensionless),
    ("tanh", 1, 1, Dimensionless),
    ("true_divide", 2, 1, Divide),
    ("trunc", 1, 1, KEEP),
    ("vecdot", 2, 1, Multiply),
    ("vecmat", 2, 1, Multiply),
];

fn entry(name: &str) -> Option<&'static (&'static str, u8, u8, Class)> {
    // Hashed once: a lookup sits on the path of every DimArray operation.
    static INDEX: OnceLock<FxHashMap<&'static str, usize>> = OnceLock::new();
    let index = INDEX.get_or_init(|| UFUNCS.iter().enumerate().map(|(i, e)| (e.0, i)).collect());
    index.get(name).map(|&i| &UFUNCS[i])
}

pub fn is_known_ufunc(name: &str) -> bool {
    entry(name).is_some()
}

/// Every ufunc name with a rule, sorted.
pub fn known_ufuncs() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| UFUNCS.iter().map(|e| e.0).collect())
}

/// The rule class of a ufunc, if it has one.
pub fn ufunc_class(name: &str) -> Option<Class> {
    entry(name).map(|e| e.3)
}

/// `(nin, nout)` of a ufunc with a rule.
pub fn ufunc_arity(name: &str) -> Option<(usize, usize)> {
    entry(name).map(|e| (e.1 as usize, e.2 as usize))
}

/// The error for a ufunc without a rule. It is the only `Error::Invalid`
/// that [`ufunc_plan`] returns besides a wrong operand count, so the caller
/// can map `Invalid` to `TypeError` (NumPy's answer to an unsupported ufunc).
pub fn unknown_ufunc(name: &str) -> Error {
    Error::Invalid(format!("dimtensor has no unit rule for the ufunc '{name}'"))
}

/// The plan for calling ufunc `name` on `operands`.
///
/// `power_exponent` is used by power/pow/float_power only: the exponent as one
/// number when it is the same for every element (a Python scalar or a 0-d
/// array), in the exponent operand's own unit (a `%` exponent of 50 means
/// 0.5); `None` when it varies per element.
pub fn ufunc_plan(name: &str, operands: &[Operand], power_exponent: Option<f64>) -> Result<Plan> {
    let Some(&(_, nin, nout, class)) = entry(name) else {
        return special_ufunc_plan(name, operands);
    };
    if operands.len() != nin as usize {
        return Err(Error::Invalid(format!(
            "{name} takes {nin} operand{}, got {}",
            if nin == 1 { "" } else { "s" },
            operands.len()
        )));
    }
    let plan = apply(class, name, operands, power_exponent).map_err(|e| algebra_error(name, e))?;
    debug_assert_eq!(plan.outputs.len(), nout as usize, "{name}");
    Ok(plan)
}

/// A ufunc that is not NumPy's (scipy.special's `jv`, `gamma`, …): the rule
/// `special.<name>` of the function table, its operands by position, so
/// the ufunc and the Array API namespace's `special.<name>` share one rule.
fn special_ufunc_plan(name: &str, operands: &[Operand]) -> Result<Plan> {
    use super::functions::{function_plan, function_rule, Arg, FnCall, Seq, Value};
    let full = format!("special.{name}");
    let rule = match function_rule(&full) {
        Some(rule) => rule?,
        None => return Err(unknown_ufunc(name)),
    };
    if rule.params.len() != operands.len() || rule.params.iter().any(|p| p.seq != Seq::One) {
        return Err(Error::Invalid(format!(
            "{name} takes {} operands here, got {}",
            rule.params.len(),
            operands.len()
        )));
    }
    let call = FnCall {
        values: operands
            .iter()
            .map(|&operand| {
                Value::One(Arg {
                    operand,
                    shape: None,
                })
            })
            .collect(),
        options: Vec::new(),
    };
    let p = function_plan(&full, &call)?;
    Ok(plan(
        p.inputs
            .iter()
            .map(|c| c.first().copied().unwrap_or(Convert::None))
            .collect(),
        p.outputs.into_iter().collect(),
    ))
}

/// A same-unit plan for values that meet outside a ufunc (assignment, fill
/// values): every operand converted to the first non-wildcard operand's unit
/// (affinely between points and absolute units), result in that unit.
/// `what` names the operation in error messages.
pub fn same_unit_plan(what: &str, operands: &[Operand]) -> Result<Plan> {
    let (inputs, unit) = same_unit(what, operands, Points).map_err(|e| algebra_error(what, e))?;
    Ok(plan(inputs, smallvec![Out::Unit(unit)]))
}

fn apply(class: Class, name: &str, ops: &[Operand], power_exponent: Option<f64>) -> Result<Plan> {
    match class {
        SameUnit(rule) => {
            let (inputs, unit) = same_unit(name, ops, rule)?;
            Ok(plan(inputs, smallvec![Out::Unit(unit)]))
        }
        Compare { differ } => compare(name, ops, differ),
        Multiply => product(name, ops, false),
        Divide => product(name, ops, true),
        PowerOf(num, den) => power_of(name, ops[0], Rational::new(num as i64, den as i64)?),
        Power => power(name, ops[0], ops[1], power_exponent),
        Dimensionless => dimensionless(name, ops, Unit::one()),
        InverseTrig => dimensionless(name, ops, named("rad")),
        Atan2 => {
            let (inputs, _) = same_unit(name, ops, Reject)?;
            Ok(plan(inputs, smallvec![Out::Unit(named("rad"))]))
        }
        AngleTo { from, to } => angle_to(name, ops[0], named(from), named(to)),
        Preserve { offset_ok } => {
            if !offset_ok {
                no_offset(name, ops[0])?;
            }
            Ok(plan(
                smallvec![Convert::None],
                smallvec![Out::Unit(unit_of(ops[0]))],
            ))
        }
        Sign => {
            no_offset(name, ops[0])?;
            Ok(plan(
                smallvec![Convert::None],
                smallvec![Out::Unit(Unit::one())],
            ))
        }
        Heaviside => {
            no_offset(name, ops[0])?;
            let h0 = to_scale_one(name, ops[1])?;
            Ok(plan(
                smallvec![Convert::None, h0],
                smallvec![Out::Unit(Unit::one())],
            ))
        }
        Copysign => {
            // Both signs depend on the origin of an offset scale.
            no_offset(name, ops[0])?;
            no_offset(name, ops[1])?;
            Ok(plan(
                smallvec![Convert::None; 2],
                smallvec![Out::Unit(unit_of(ops[0]))],
            ))
        }
        Ldexp => {
            // x·2^e scales x; e is an integer array, so never converted.
            no_offset(name, ops[0])?;
            plain_integer(name, ops[1])?;
            Ok(plan(
                smallvec![Convert::None; 2],
                smallvec![Out::Unit(unit_of(ops[0]))],
            ))
        }
        FloorDivide => {
            let (inputs, _) = smallest_unit(name, ops)?;
            Ok(plan(inputs, smallvec![Out::Unit(Unit::one())]))
        }
        Divmod => {
            let (inputs, unit) = smallest_unit(name, ops)?;
            Ok(plan(
                inputs,
                smallvec![Out::Unit(Unit::one()), Out::Unit(unit)],
            ))
        }
        Exact => {
            let (inputs, unit) = smallest_unit(name, ops)?;
            Ok(plan(inputs, smallvec![Out::Unit(unit)]))
        }
        Modf => {
            // The fractional part is x − trunc(x): a difference, so an
            // interval when x is on an offset scale.
            let u = unit_of(ops[0]);
            let frac = interval_of(&u)?;
            Ok(plan(
                smallvec![Convert::None],
                smallvec![Out::Unit(frac), Out::Unit(u)],
            ))
        }
        Frexp => {
            // x = mantissa·2^e scales the mantissa.
            no_offset(name, ops[0])?;
            Ok(plan(
                smallvec![Convert::None],
                smallvec![Out::Unit(unit_of(ops[0])), Out::Plain],
            ))
        }
        Predicate => Ok(plan(
            smallvec![Convert::None; ops.len()],
            smallvec![Out::Plain],
        )),
        Integer => {
            for &op in ops {
                plain_integer(name, op)?;
            }
            Ok(plan(
                smallvec![Convert::None; ops.len()],
                smallvec![Out::Unit(Unit::one())],
            ))
        }
    }
}

fn compare(name: &str, ops: &[Operand], differ: Option<bool>) -> Result<Plan> {
    if let Some(c) = differ {
        let mut dims = ops
            .iter()
            .filter(|o| !matches!(o, Operand::Wildcard))
            .map(|&o| unit_of(o).dimension());
        if let Some(first) = dims.next() {
            if dims.any(|d| d != first) {
                return Ok(Plan {
                    inputs: smallvec![Convert::None; ops.len()],
                    outputs: smallvec![Out::Plain],
                    constant: Some(c),
                });
            }
        }
    }
    let (inputs, _) = same_unit(name, ops, Points)?;
    Ok(plan(inputs, smallvec![Out::Plain]))
}

fn product(name: &str, ops: &[Operand], divide: bool) -> Result<Plan> {
    // Unit::mul lets an offset unit times 1 through; a ufunc must not.
    for &op in ops {
        no_point_in_product(name, op, if divide { "divide" } else { "multiply" })?;
    }
    let (a, b) = (unit_of(ops[0]), unit_of(ops[1]));
    let unit = if divide { a.div(&b)? } else { a.mul(&b)? };
    Ok(plan(
        smallvec![Convert::None; 2],
        smallvec![Out::Unit(unit)],
    ))
}

fn power_of(name: &str, op: Operand, p: Rational) -> Result<Plan> {
    if let Operand::Unit(u) = op {
        if u.has_offset() {
            return Err(offset_error(
                name,
                u,
                &format!("cannot raise a value in '{}' to a power", symbol(u)),
            ));
        }
    }
    let unit = unit_of(op).powr(p)?;
    Ok(plan(smallvec![Convert::None], smallvec![Out::Unit(unit)]))
}

fn power(name: &str, base: Operand, exp: Operand, power_exponent: Option<f64>) -> Result<Plan> {
    let e = unit_of(exp);
    if !e.dimension().is_dimensionless() {
        return Err(Error::Dimension(format!(
            "{name} needs a dimensionless exponent, got {}",
            describe(exp)
        )));
    }
    let exp_conv = Convert::scale(e.scale());
    let b = unit_of(base);
    if b.has_offset() {
        return Err(offset_error(
            name,
            &b,
            &format!("cannot raise a value in '{}' to a power", symbol(&b)),
        ));
    }
    if b.dimension().is_dimensionless() {
        // Any exponent: the base as a pure number, result 1.
        return Ok(plan(
            smallvec![Convert::scale(b.scale()), exp_conv],
            smallvec![Out::Unit(Unit::one())],
        ));
    }
    let Some(p) = power_exponent else {
        return Err(Error::Dimension(format!(
            "{name}: the base in {} is dimensional, so the exponent must be one number for the \
             whole array (a scalar); exponents that vary per element would give each element \
             a different unit",
            describe(base)
        )));
    };
    let p = exact_exponent(exp_conv.apply(p))?;
    Ok(plan(
        smallvec![Convert::None, exp_conv],
        smallvec![Out::Unit(b.powr(p)?)],
    ))
}

fn dimensionless(name: &str, ops: &[Operand], out: Unit) -> Result<Plan> {
    let inputs = ops
        .iter()
        .map(|&op| to_scale_one(name, op))
        .collect::<Result<Converts>>()?;
    Ok(plan(inputs, smallvec![Out::Unit(out)]))
}

/// deg2rad/radians and rad2deg/degrees: the ufunc assumes its input is in
/// `from`, so convert it there first; the result is in `to`. A plain number
/// is in radians (the unit 1 is the radian), like any unit-1 quantity.
fn angle_to(name: &str, op: Operand, from: Unit, to: Unit) -> Result<Plan> {
    let u = unit_of(op);
    if !u.dimension().is_dimensionless() {
        return Err(Error::Dimension(format!(
            "{name} needs an angle (dimensionless), got {}",
            describe(op)
        )));
    }
    Ok(plan(
        smallvec![Convert::scale(u.scale() / from.scale())],
        smallvec![Out::Unit(to)],
    ))
}

/// Integer and bit operands: dimensionless with scale exactly 1.
fn plain_integer(name: &str, op: Operand) -> Result<()> {
    let u = unit_of(op);
    if u.dimension().is_dimensionless() && close(u.scale(), 1.0) {
        return Ok(());
    }
    Err(Error::Dimension(format!(
        "{name} needs plain integers (dimensionless, scale 1), got {}{}; \
         convert the values first, since converting integers here would change their bits",
        describe(op),
        if u.dimension().is_dimensionless() {
            format!(
                " of scale {}",
                crate::units::format::format_number(u.scale())
            )
        } else {
            String::new()
        }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted() {
        assert!(UFUNCS.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
