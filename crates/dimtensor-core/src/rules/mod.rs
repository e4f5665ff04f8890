//! The one unit-rule table for NumPy's ufuncs and reductions, shared by
//! DimArray, DaskDimArray and the Array API namespaces.
//!
//! A rule never touches data: from the operands' units it says how to convert
//! each input's magnitudes before the plain NumPy ufunc runs ([`Convert`]) and
//! which unit each output carries ([`Out`]). Errors therefore come before any
//! computation (or any Dask graph) exists.
//!
//! Each ufunc name maps to one [`Class`] in [`UFUNCS`]; each class has one
//! function below. Offset units (degC, degF) follow API.md §4: a value in
//! them is a point on a shifted scale, so only operations that make sense on
//! points accept them.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use smallvec::{smallvec, SmallVec};

use crate::error::{Error, Result};
use crate::units::format::Format;
use crate::units::rational::Rational;
use crate::units::registry::registry;
use crate::units::unit::{close, Name, Unit};

/// One operand as the caller sees it.
#[derive(Clone, Copy, Debug)]
pub enum Operand<'a> {
    /// A quantity in this unit.
    Unit(&'a Unit),
    /// A bare number or plain array: the dimensionless unit 1.
    Plain,
    /// The bare scalars 0, ±inf and nan: in same-unit operations (add,
    /// subtract, comparisons, maximum, …) they take the other operand's unit
    /// without conversion; everywhere else they are [`Operand::Plain`].
    /// Next to an offset unit a wildcard is neutral: `20 °C + 0` and
    /// `0 − 20 °C` stay in °C.
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

/// What to do to one input's magnitudes before calling the ufunc.
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

    /// `Scale(a)`, or `None` when `a` is 1 within the tolerance with which
    /// units compare equal (so `m` to `m` reached by two routes costs nothing).
    fn scale(a: f64) -> Convert {
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
    /// A bool/int result with no unit attached (isnan, equal, frexp's exponent).
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

/// What an offset operand means to a same-unit operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetRule {
    /// Points are compared or picked (comparisons, maximum, nextafter):
    /// later operands are converted affinely.
    Points,
    /// point + interval → point; point + point is an error.
    Add,
    /// point − point → interval (delta unit); point − interval → point.
    Subtract,
    /// The result depends on the origin (hypot, fmod, gcd, …): offset units
    /// are an error.
    Reject,
}

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
    /// `floor_divide(a, b)`: one dimension, result 1.
    FloorDivide,
    /// `divmod(a, b)`: one dimension, results (1, a's unit).
    Divmod,
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

/// Every ufunc of NumPy 2.4 (name, nin, nout, class), sorted by name for a
/// binary search. Aliases (abs/absolute, pow/power, mod/remainder, …) are
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
    ("fmod", 2, 1, SameUnit(Reject)),
    ("frexp", 1, 2, Frexp),
    ("gcd", 2, 1, SameUnit(Reject)),
    ("greater", 2, 1, ORDER),
    ("greater_equal", 2, 1, ORDER),
    ("heaviside", 2, 1, Heaviside),
    ("hypot", 2, 1, SameUnit(Reject)),
    ("invert", 1, 1, Integer),
    ("isfinite", 1, 1, Predicate),
    ("isinf", 1, 1, Predicate),
    ("isnan", 1, 1, Predicate),
    ("isnat", 1, 1, Predicate),
    ("lcm", 2, 1, SameUnit(Reject)),
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
    ("mod", 2, 1, SameUnit(Reject)),
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
    ("remainder", 2, 1, SameUnit(Reject)),
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
    let &(_, nin, nout, class) = entry(name).ok_or_else(|| unknown_ufunc(name))?;
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

/// A same-unit plan for functions that are not ufuncs (concatenate, stack,
/// where, clip, full): every operand converted to the first non-wildcard
/// operand's unit (affinely between offset units), result in that unit.
/// `what` names the function in error messages.
pub fn same_unit_plan(what: &str, operands: &[Operand]) -> Result<Plan> {
    let (inputs, unit) = same_unit(what, operands, Points).map_err(|e| algebra_error(what, e))?;
    Ok(plan(inputs, smallvec![Out::Unit(unit)]))
}

/// Unit algebra reports an out-of-range scale (`km**400`) as `Invalid`; here
/// it is a dimension error naming the operation, so that `Invalid` keeps
/// meaning "no rule".
fn algebra_error(name: &str, e: Error) -> Error {
    match e {
        Error::Invalid(m) => Error::Dimension(format!("{name}: {m}")),
        e => e,
    }
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
            let (inputs, _) = same_unit(name, ops, Reject)?;
            Ok(plan(inputs, smallvec![Out::Unit(Unit::one())]))
        }
        Divmod => {
            let (inputs, unit) = same_unit(name, ops, Reject)?;
            Ok(plan(
                inputs,
                smallvec![Out::Unit(Unit::one()), Out::Unit(unit)],
            ))
        }
        Modf => {
            // The fractional part is x − trunc(x): a difference, so an
            // interval when x is on an offset scale.
            let u = unit_of(ops[0]);
            let frac = delta_unit(&u)?;
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

fn plan(inputs: Converts, outputs: Outs) -> Plan {
    Plan {
        inputs,
        outputs,
        constant: None,
    }
}

/// A registered unit the rules rely on (`rad`, `deg`).
fn named(name: &str) -> Unit {
    registry()
        .get(name)
        .cloned()
        .unwrap_or_else(|| panic!("the registry lacks '{name}'"))
}

/// The unit an operand stands for when it is not a wildcard: Plain is 1.
fn unit_of(op: Operand) -> Unit {
    match op {
        Operand::Unit(u) => u.clone(),
        Operand::Plain | Operand::Wildcard => Unit::one(),
    }
}

fn symbol(u: &Unit) -> String {
    let s = u.symbol();
    if s.is_empty() {
        "1".into()
    } else {
        s
    }
}

/// `'m' [L]`, for messages.
fn describe(op: Operand) -> String {
    match op {
        Operand::Unit(u) => format!("'{}' [{}]", symbol(u), u.dimension()),
        Operand::Plain => "a plain number [1]".into(),
        Operand::Wildcard => "0/inf/nan".into(),
    }
}

fn mismatch(name: &str, a: Operand, b: Operand) -> Error {
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

/// The interval unit of an offset unit: same dimension and scale, offset 0
/// (`delta_degC` for degC, `delta_degF` for degF; `Δ<symbol>` otherwise).
/// Any other unit is its own interval unit.
pub fn delta_unit(u: &Unit) -> Result<Unit> {
    if !u.has_offset() {
        return Ok(u.clone());
    }
    for name in ["delta_degC", "delta_degF"] {
        if let Some(d) = registry().get(name) {
            if d.dimension() == u.dimension() && close(d.scale(), u.scale()) {
                return Ok(d.clone());
            }
        }
    }
    let name = Name {
        unicode: format!("Δ{}", u.symbol()).into(),
        ascii: format!("delta_{}", u.to_string_in(Format::Ascii)).into(),
        latex: format!("\\Delta{{}}{}", u.to_string_in(Format::Latex)).into(),
        cf: format!("delta_{}", u.to_string_in(Format::Cf)).into(),
    };
    Unit::named(name, u.dimension(), u.scale(), 0.0)
}

/// An offset-unit error that names the unit and the two ways out (the one
/// wording, also used by unit algebra).
pub(crate) fn offset_error(name: &str, u: &Unit, problem: &str) -> Error {
    let sym = symbol(u);
    let absolute = symbol(&registry().to_base(u));
    let delta = delta_unit(u).map_or_else(
        |_| "delta_degC".to_string(),
        |d| d.to_string_in(Format::Ascii),
    );
    Error::Offset(format!(
        "{name}: {problem}: a value in the offset unit '{sym}' is a point on a shifted scale, \
         not an amount that scales; convert to the absolute unit '{absolute}' first, \
         or use the interval unit '{delta}'"
    ))
}

/// For operations whose result depends on where the scale puts zero.
fn origin_error(name: &str, u: &Unit) -> Error {
    offset_error(
        name,
        u,
        &format!("the result depends on where '{}' puts zero", symbol(u)),
    )
}

fn no_offset(name: &str, op: Operand) -> Result<()> {
    match op {
        Operand::Unit(u) if u.has_offset() => Err(origin_error(name, u)),
        _ => Ok(()),
    }
}

/// Same-unit core: the reference is the first non-wildcard operand; every
/// other non-wildcard operand must share its dimension and is converted to
/// its unit as `rule` says. Returns the conversions and the result unit.
fn same_unit(name: &str, ops: &[Operand], rule: OffsetRule) -> Result<(Converts, Unit)> {
    let mut inputs = smallvec![Convert::None; ops.len()];
    let Some(ri) = ops.iter().position(|o| !matches!(o, Operand::Wildcard)) else {
        return Ok((inputs, Unit::one()));
    };
    let r = unit_of(ops[ri]);
    if rule == Reject {
        no_offset(name, ops[ri])?;
    }
    let mut result = r.clone();
    for (i, &op) in ops.iter().enumerate() {
        if i == ri || matches!(op, Operand::Wildcard) {
            continue;
        }
        let u = unit_of(op);
        if u.dimension() != r.dimension() {
            return Err(mismatch(name, ops[ri], op));
        }
        inputs[i] = match (rule, r.has_offset(), u.has_offset()) {
            (Reject, _, true) => return Err(origin_error(name, &u)),
            (Points, _, _) => affine(&u, &r)?,
            (Add, true, true) => {
                return Err(offset_error(
                    name,
                    &r,
                    &format!(
                        "cannot add two points '{}' and '{}'",
                        symbol(&r),
                        symbol(&u)
                    ),
                ))
            }
            (Add | Subtract, false, true) => {
                return Err(offset_error(
                    name,
                    &u,
                    &format!(
                        "cannot {} the point '{}' {} the non-offset unit '{}'",
                        if rule == Add { "add" } else { "subtract" },
                        symbol(&u),
                        if rule == Add { "to" } else { "from" },
                        symbol(&r)
                    ),
                ))
            }
            (Subtract, true, true) => {
                // point − point: an interval on the first operand's scale.
                result = delta_unit(&r)?;
                affine(&u, &r)?
            }
            // point ± interval, or no offsets at all: scale only (an
            // interval of 1 K is 1 delta_degC whatever the origin).
            _ => Convert::scale(u.scale() / r.scale()),
        };
    }
    Ok((inputs, result))
}

/// The conversion of values in `from` to `to` (same dimension): affine when
/// their offsets differ.
fn affine(from: &Unit, to: &Unit) -> Result<Convert> {
    let (a, b) = from.affine_to(to)?;
    Ok(if close(from.offset(), to.offset()) {
        Convert::scale(a)
    } else {
        Convert::Affine(a, b)
    })
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
    for &op in ops {
        // Unit::mul lets an offset unit times 1 through; a ufunc must not
        // (2 · 20 °C is not 40 °C).
        match op {
            Operand::Unit(u) if u.has_offset() => {
                let verb = if divide { "divide" } else { "multiply" };
                return Err(offset_error(
                    name,
                    u,
                    &format!("cannot {verb} a value in '{}'", symbol(u)),
                ));
            }
            _ => {}
        }
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
    let p = Rational::from_f64(exp_conv.apply(p), 1000)?;
    Ok(plan(
        smallvec![Convert::None, exp_conv],
        smallvec![Out::Unit(b.powr(p)?)],
    ))
}

/// The conversion of a dimensionless operand to scale 1 (`km/m` ×1000,
/// `deg` ×π/180), or a dimension error naming the ufunc.
fn to_scale_one(name: &str, op: Operand) -> Result<Convert> {
    let u = unit_of(op);
    if !u.dimension().is_dimensionless() {
        return Err(Error::Dimension(format!(
            "{name} needs a dimensionless input (a ratio or an angle), got {}",
            describe(op)
        )));
    }
    Ok(Convert::scale(u.scale()))
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

/// The unit rule of a reduction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduce {
    /// Adds values: an offset unit is an error (20 °C + 20 °C is not 40 °C).
    Sum,
    /// Picks or averages points: the unit, offset included.
    Keep,
    /// A spread (std, ptp): the interval unit.
    Spread,
    /// The interval unit squared.
    Var,
    /// unit^count.
    Prod,
    /// unit^1, unit^2, … along the axis: only a unit with no scale or
    /// dimension, or one element, has a single result unit.
    CumProd,
    /// Indices or booleans: no unit.
    Index,
}

/// Every reduction with a rule, sorted by name.
pub const REDUCTIONS: &[(&str, Reduce)] = &[
    ("all", Reduce::Index),
    ("amax", Reduce::Keep),
    ("amin", Reduce::Keep),
    ("any", Reduce::Index),
    ("argmax", Reduce::Index),
    ("argmin", Reduce::Index),
    ("average", Reduce::Keep),
    ("cumprod", Reduce::CumProd),
    ("cumsum", Reduce::Sum),
    ("max", Reduce::Keep),
    ("mean", Reduce::Keep),
    ("median", Reduce::Keep),
    ("min", Reduce::Keep),
    ("nanargmax", Reduce::Index),
    ("nanargmin", Reduce::Index),
    ("nancumprod", Reduce::CumProd),
    ("nancumsum", Reduce::Sum),
    ("nanmax", Reduce::Keep),
    ("nanmean", Reduce::Keep),
    ("nanmedian", Reduce::Keep),
    ("nanmin", Reduce::Keep),
    ("nanpercentile", Reduce::Keep),
    ("nanprod", Reduce::Prod),
    ("nanquantile", Reduce::Keep),
    ("nanstd", Reduce::Spread),
    ("nansum", Reduce::Sum),
    ("nanvar", Reduce::Var),
    ("percentile", Reduce::Keep),
    ("prod", Reduce::Prod),
    ("ptp", Reduce::Spread),
    ("quantile", Reduce::Keep),
    ("std", Reduce::Spread),
    ("sum", Reduce::Sum),
    ("var", Reduce::Var),
];

/// Every reduction name with a rule, sorted.
pub fn known_reductions() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| REDUCTIONS.iter().map(|e| e.0).collect())
}

/// The unit of reduction `name` over values in `unit`; `Ok(None)` for
/// results with no unit (argmin, any). `count` is the number of elements
/// multiplied along the reduced axes (prod needs it when the unit has a
/// dimension or a scale).
pub fn reduction_unit(name: &str, unit: &Unit, count: Option<usize>) -> Result<Option<Unit>> {
    let rule = REDUCTIONS
        .binary_search_by(|e| e.0.cmp(name))
        .map(|i| REDUCTIONS[i].1)
        .map_err(|_| unknown_reduction(name))?;
    reduce(rule, name, unit, count).map_err(|e| algebra_error(name, e))
}

fn reduce(rule: Reduce, name: &str, unit: &Unit, count: Option<usize>) -> Result<Option<Unit>> {
    let product_rule = matches!(rule, Reduce::Prod | Reduce::CumProd);
    if unit.has_offset() && (rule == Reduce::Sum || product_rule) {
        let verb = if rule == Reduce::Sum {
            "add"
        } else {
            "multiply"
        };
        return Err(offset_error(
            name,
            unit,
            &format!("cannot {verb} values in '{}'", symbol(unit)),
        ));
    }
    // A pure number of scale 1: every power of it is itself.
    let unit_one = unit.dimension().is_dimensionless() && close(unit.scale(), 1.0);
    let out = match rule {
        Reduce::Index => return Ok(None),
        Reduce::Sum | Reduce::Keep => unit.clone(),
        Reduce::Spread => delta_unit(unit)?,
        Reduce::Var => delta_unit(unit)?.powr(Rational::int(2))?,
        _ if unit_one => Unit::one(),
        Reduce::Prod => match count {
            Some(n) => power_count(unit, n)?,
            None => {
                return Err(Error::Dimension(format!(
                    "{name} of values in {} needs the number of elements multiplied \
                     (the result is in {}^n), which is not known here",
                    describe(Operand::Unit(unit)),
                    symbol(unit)
                )))
            }
        },
        Reduce::CumProd => match count {
            Some(n @ (0 | 1)) => power_count(unit, n)?,
            _ => {
                return Err(Error::Dimension(format!(
                    "{name} of values in {} gives each element a different unit \
                     ({s}, {s}², {s}³, …); convert to plain numbers first",
                    describe(Operand::Unit(unit)),
                    s = symbol(unit)
                )))
            }
        },
    };
    Ok(Some(out))
}

/// The only `Invalid` error of [`reduction_unit`], as for ufuncs.
fn unknown_reduction(name: &str) -> Error {
    Error::Invalid(format!(
        "dimtensor has no unit rule for the reduction '{name}'"
    ))
}

fn power_count(unit: &Unit, n: usize) -> Result<Unit> {
    if n == 0 {
        // An empty product is the number 1.
        return Ok(Unit::one());
    }
    let p = i64::try_from(n).map_err(|_| Error::Dimension(format!("{n} factors")))?;
    unit.powr(Rational::new(p, 1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(UFUNCS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(REDUCTIONS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn the_units_the_rules_rely_on_are_registered() {
        for n in ["rad", "deg", "delta_degC", "delta_degF"] {
            assert!(registry().get(n).is_some(), "{n}");
        }
    }
}
