//! Temperatures in operations: points (°C, °F), intervals (Δ°C, Δ°F) and
//! absolute units (K, °R, and every unit without an offset).
//!
//! | operation | result |
//! |---|---|
//! | point − point | interval of the left unit |
//! | point − absolute | the absolute value on the point's scale, then point − point |
//! | absolute − point | the point converted to the absolute unit |
//! | point + point, point + absolute, absolute + point | error: ambiguous |
//! | point ± interval, interval + point | the point's unit |
//! | interval − point | error |
//! | absolute ± interval, interval ± interval, absolute ± absolute | the left unit |
//! | comparisons, maximum, where, concatenate, … | point and absolute compared as temperatures; point vs interval: error |
//! | `*`, `/`, `**`, products with a point | error |
//!
//! The user-facing version of this table is docs/temperatures.md.

use smallvec::smallvec;

use super::{mismatch, symbol, unit_of, Convert, Converts, Operand};
use crate::error::{Error, Result};
use crate::units::format::Format;
use crate::units::temperature::interval_of;
pub use crate::units::temperature::offset_error;
use crate::units::unit::{close, Kind, Unit};

/// What a temperature operand means to a same-unit operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetRule {
    /// Points are compared or picked (comparisons, maximum, where, joins):
    /// later operands are converted affinely between points and absolute
    /// units; a point next to an interval is an error.
    Points,
    /// `add`: see the table above.
    Add,
    /// `subtract`: see the table above.
    Subtract,
    /// The result depends on the origin (hypot, fmod, gcd, …): points are
    /// an error.
    Reject,
}

/// For operations whose result depends on where the scale puts zero.
pub(crate) fn origin_error(name: &str, u: &Unit) -> Error {
    offset_error(
        name,
        u,
        &format!("the result depends on where '{}' puts zero", symbol(u)),
    )
}

pub(crate) fn no_offset(name: &str, op: Operand) -> Result<()> {
    match op {
        Operand::Unit(u) if u.has_offset() => Err(origin_error(name, u)),
        _ => Ok(()),
    }
}

/// Products, quotients and powers scale their operands: a point cannot
/// take part (2 · 20 °C is not 40 °C).
pub(crate) fn no_point_in_product(name: &str, op: Operand, verb: &str) -> Result<()> {
    match op {
        Operand::Unit(u) if u.has_offset() => Err(offset_error(
            name,
            u,
            &format!("cannot {verb} a value in '{}'", symbol(u)),
        )),
        _ => Ok(()),
    }
}

/// The conversion of values in `from` to `to` (same dimension): affine
/// between a point and an absolute unit, a scale otherwise; a point and an
/// interval never convert into each other.
pub(crate) fn affine(name: &str, from: &Unit, to: &Unit) -> Result<Convert> {
    let (a, b) = from.affine_to(to).map_err(|e| named_error(name, e))?;
    Ok(if close(from.offset(), to.offset()) {
        Convert::scale(a)
    } else {
        Convert::Affine(a, b)
    })
}

fn named_error(name: &str, e: Error) -> Error {
    match e {
        Error::Offset(m) => Error::Offset(format!("{name}: {m}")),
        e => e,
    }
}

/// Same-unit core: every non-wildcard operand must share one dimension and
/// is converted to the reference unit as `rule` says. The reference is the
/// first non-wildcard operand, except that `interval + point` is in the
/// point's unit. Returns the conversions and the result unit.
pub(crate) fn same_unit(name: &str, ops: &[Operand], rule: OffsetRule) -> Result<(Converts, Unit)> {
    let mut inputs: Converts = smallvec![Convert::None; ops.len()];
    let present: Vec<usize> = (0..ops.len())
        .filter(|&i| !matches!(ops[i], Operand::Wildcard))
        .collect();
    let Some(&ri) = present.first() else {
        return Ok((inputs, Unit::one()));
    };
    if matches!(rule, OffsetRule::Add | OffsetRule::Subtract) && present.len() == 2 {
        let (i, j) = (present[0], present[1]);
        let (ci, cj, unit) = add_or_subtract(name, ops[i], ops[j], rule)?;
        inputs[i] = ci;
        inputs[j] = cj;
        return Ok((inputs, unit));
    }
    let r = unit_of(ops[ri]);
    if rule == OffsetRule::Reject {
        no_offset(name, ops[ri])?;
    }
    for &i in &present[1..] {
        let u = unit_of(ops[i]);
        if u.dimension() != r.dimension() {
            return Err(mismatch(name, ops[ri], ops[i]));
        }
        inputs[i] = match rule {
            OffsetRule::Reject if u.has_offset() => return Err(origin_error(name, &u)),
            OffsetRule::Reject => Convert::scale(u.scale() / r.scale()),
            _ => affine(name, &u, &r)?,
        };
    }
    Ok((inputs, r))
}

/// `a + b` or `a − b` by the kinds of their units (the table above):
/// conversions of a and b and the result unit.
fn add_or_subtract(
    name: &str,
    a: Operand,
    b: Operand,
    rule: OffsetRule,
) -> Result<(Convert, Convert, Unit)> {
    let (ua, ub) = (unit_of(a), unit_of(b));
    if ua.dimension() != ub.dimension() {
        return Err(mismatch(name, a, b));
    }
    let scale = |from: &Unit, to: &Unit| Convert::scale(from.scale() / to.scale());
    let add = rule == OffsetRule::Add;
    use Kind::*;
    Ok(match (ua.kind(), ub.kind(), add) {
        (Point, Point, true) => {
            return Err(offset_error(
                name,
                &ua,
                &format!(
                    "cannot add two points '{}' and '{}'",
                    symbol(&ua),
                    symbol(&ub)
                ),
            ))
        }
        (Point, Absolute, true) | (Absolute, Point, true) => {
            let (p, other) = if ua.has_offset() {
                (&ua, &ub)
            } else {
                (&ub, &ua)
            };
            return Err(offset_error(
                name,
                p,
                &format!(
                    "adding '{}' to the point '{}' is ambiguous (is it a difference or a \
                     temperature?); write a difference in '{}' to shift the point",
                    symbol(other),
                    symbol(p),
                    interval_of(p)?.to_string_in(Format::Ascii)
                ),
            ));
        }
        (Interval, Point, false) => {
            return Err(offset_error(
                name,
                &ub,
                &format!(
                    "cannot subtract the point '{}' from the difference '{}'",
                    symbol(&ub),
                    symbol(&ua)
                ),
            ))
        }
        // point − point, point − absolute: both as points on a's scale; the
        // result is a difference.
        (Point, Point | Absolute, false) => {
            (Convert::None, affine(name, &ub, &ua)?, interval_of(&ua)?)
        }
        // absolute − point: the point as an absolute temperature.
        (Absolute, Point, false) => (Convert::None, affine(name, &ub, &ua)?, ua),
        // point ± interval: a point.
        (Point, Interval, _) => (Convert::None, scale(&ub, &ua), ua),
        // interval + point: a point, in the point's unit.
        (Interval, Point, true) => (scale(&ua, &ub), Convert::None, ub),
        // differences and absolute units: the left unit.
        _ => (Convert::None, scale(&ub, &ua), ua),
    })
}

/// Every operand converted to the one of them with the smallest scale (for
/// floor division and remainders, which then stay exact: `1 m // 1 cm` is
/// 100 computed as `100 cm // 1 cm`). Points are refused.
pub(crate) fn smallest_unit(name: &str, ops: &[Operand]) -> Result<(Converts, Unit)> {
    let mut inputs: Converts = smallvec![Convert::None; ops.len()];
    let present: Vec<usize> = (0..ops.len())
        .filter(|&i| !matches!(ops[i], Operand::Wildcard))
        .collect();
    let Some(&first) = present.first() else {
        return Ok((inputs, Unit::one()));
    };
    for &i in &present {
        no_offset(name, ops[i])?;
        if unit_of(ops[i]).dimension() != unit_of(ops[first]).dimension() {
            return Err(mismatch(name, ops[first], ops[i]));
        }
    }
    let ri = present
        .iter()
        .copied()
        .min_by(|&i, &j| unit_of(ops[i]).scale().total_cmp(&unit_of(ops[j]).scale()))
        .unwrap_or(first);
    let r = unit_of(ops[ri]);
    for &i in &present {
        inputs[i] = Convert::scale(unit_of(ops[i]).scale() / r.scale());
    }
    Ok((inputs, r))
}
