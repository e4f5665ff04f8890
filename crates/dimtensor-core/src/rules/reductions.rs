//! Sums and products of many values, and the ufunc methods that stand for
//! them. The reductions that keep a unit (mean, max, median) or give an
//! interval (std, ptp) are plain expressions in the function table; what
//! needs more than that lives here: a sum adds amounts (points refused), and
//! a product's unit depends on how many factors it has.

use super::offset::offset_error;
use super::{describe, symbol, Operand};
use crate::error::{Error, Result};
use crate::units::rational::Rational;
use crate::units::unit::{close, Unit};

/// The unit of a sum of values in `unit`: itself; points cannot be added
/// (20 °C + 20 °C is not 40 °C).
pub fn sum_unit(name: &str, unit: &Unit) -> Result<Unit> {
    if unit.has_offset() {
        return Err(offset_error(
            name,
            unit,
            &format!("cannot add values in '{}'", symbol(unit)),
        ));
    }
    Ok(unit.clone())
}

/// A pure number of scale 1: every power of it is itself.
fn unit_one(unit: &Unit) -> bool {
    unit.dimension().is_dimensionless() && close(unit.scale(), 1.0)
}

fn no_point(name: &str, unit: &Unit) -> Result<()> {
    if unit.has_offset() {
        return Err(offset_error(
            name,
            unit,
            &format!("cannot multiply values in '{}'", symbol(unit)),
        ));
    }
    Ok(())
}

/// The unit of a product of `count` values in `unit` (`unit^count`). When
/// the count is not known from shapes alone (a `where=` mask, NaNs skipped)
/// only a pure number of scale 1 has a unit that does not depend on it.
pub fn product_unit(name: &str, unit: &Unit, count: Option<usize>) -> Result<Unit> {
    no_point(name, unit)?;
    if unit_one(unit) {
        return Ok(Unit::one());
    }
    match count {
        Some(n) => power_count(unit, n),
        None => Err(Error::Dimension(format!(
            "{name} of values in {} needs the number of elements multiplied (the result is in \
             {}^n), which is not known from the shapes here (a where= mask, or NaNs that a \
             nan-product skips); convert to plain numbers first",
            describe(Operand::Unit(unit)),
            symbol(unit)
        ))),
    }
}

/// The unit of a cumulative product: element k is in `unit^(k+1)`, so only
/// a pure number, or a run of at most one element, has one unit.
pub fn cumulative_product_unit(name: &str, unit: &Unit, count: Option<usize>) -> Result<Unit> {
    no_point(name, unit)?;
    if unit_one(unit) {
        return Ok(Unit::one());
    }
    match count {
        Some(n @ (0 | 1)) => power_count(unit, n),
        _ => Err(Error::Dimension(format!(
            "{name} of values in {} gives each element a different unit ({s}, {s}², {s}³, …); \
             convert to plain numbers first",
            describe(Operand::Unit(unit)),
            s = symbol(unit)
        ))),
    }
}

fn power_count(unit: &Unit, n: usize) -> Result<Unit> {
    if n == 0 {
        // An empty product is the number 1.
        return Ok(Unit::one());
    }
    let p = i64::try_from(n).map_err(|_| Error::Dimension(format!("{n} factors")))?;
    unit.powr(Rational::new(p, 1)?)
}

/// The function of the table that ufunc method `ufunc.method` computes
/// (`np.add.reduce` is a sum); None where dimtensor has no rule for it.
pub fn ufunc_method(ufunc: &str, method: &str) -> Option<&'static str> {
    Some(match (ufunc, method) {
        ("add", "reduce" | "reduceat") => "sum",
        ("add", "accumulate") => "cumsum",
        ("multiply", "reduce") => "prod",
        ("multiply", "accumulate") => "cumprod",
        ("maximum" | "fmax", "reduce" | "reduceat" | "accumulate") => "max",
        ("minimum" | "fmin", "reduce" | "reduceat" | "accumulate") => "min",
        ("logical_and", "reduce" | "accumulate") => "all",
        ("logical_or", "reduce" | "accumulate") => "any",
        _ => return None,
    })
}
