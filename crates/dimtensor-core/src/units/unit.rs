//! Units: a dimension, a scale and an offset (value_in_SI = value × scale +
//! offset), plus a structured symbol so that every output format can be
//! written from the same value.
//!
//! Equality and hashing use (dimension, scale, offset, kind) only: `kg·m/s²`
//! equals `N`, while `Δ°C` (an interval) differs from `K`. Scales and offsets compare with a relative tolerance of 1e-12, since
//! the same unit reached by two routes (`km/h·h` vs `km`) can differ in the
//! last bits; the hash therefore covers the dimension and whether an offset is
//! present, which is constant across approximately equal units.

use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use rustc_hash::FxHashSet;

use smallvec::SmallVec;

use crate::error::{Error, Result};
use crate::units::dimension::Dimension;
use crate::units::rational::Rational;

/// How one named unit is written in each output format.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Name {
    pub unicode: Box<str>,
    pub ascii: Box<str>,
    pub latex: Box<str>,
    pub cf: Box<str>,
    /// Whether UDUNITS-2 (the unit library of CF files) reads `cf` as this
    /// very unit; when not, CF text writes the unit in SI base units.
    pub udunits: bool,
}

impl Name {
    /// A name written the same way in every format (user-defined units,
    /// which UDUNITS-2 does not know).
    pub fn plain(symbol: &str) -> Name {
        Name {
            unicode: symbol.into(),
            ascii: symbol.into(),
            latex: symbol.into(),
            cf: symbol.into(),
            udunits: false,
        }
    }
}

/// An interned name: every distinct name text is stored once for the life of
/// the process, so terms are plain pointers (`Copy`, no reference counting,
/// nothing to drop) and two names are equal exactly when the pointers are.
/// The cost is one `Name` per distinct symbol text ever used; registry names
/// are most of them.
#[derive(Clone, Copy, Debug)]
pub struct NameRef(&'static Name);

impl std::ops::Deref for NameRef {
    type Target = Name;
    fn deref(&self) -> &Name {
        self.0
    }
}

impl PartialEq for NameRef {
    fn eq(&self, o: &NameRef) -> bool {
        std::ptr::eq(self.0, o.0)
    }
}

impl Eq for NameRef {}

impl NameRef {
    /// The interned copy of `name`.
    pub fn intern(name: Name) -> NameRef {
        static NAMES: Mutex<Option<FxHashSet<&'static Name>>> = Mutex::new(None);
        // A poisoned lock only means another thread panicked mid-insert; the
        // set itself is still valid.
        let mut guard = NAMES.lock().unwrap_or_else(|e| e.into_inner());
        let set = guard.get_or_insert_with(FxHashSet::default);
        if let Some(&n) = set.get(&name) {
            return NameRef(n);
        }
        let n: &'static Name = Box::leak(Box::new(name));
        set.insert(n);
        NameRef(n)
    }
}

/// One factor of a symbol: a named unit raised to an exponent.
#[derive(Clone, Copy, Debug)]
pub struct Term {
    pub name: NameRef,
    pub exp: Rational,
}

/// A symbol's terms, stored inline: unit algebra on up to four named units
/// allocates nothing (an allocation per operation was most of its cost).
pub type Terms = SmallVec<[Term; 4]>;

/// What a temperature in a unit stands for (docs/temperatures.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A point on a shifted scale: a unit with an offset (°C, °F).
    Point,
    /// A difference of temperatures (Δ°C, Δ°F): never a point.
    Interval,
    /// A unit with a true zero (K, °R, and every non-temperature unit): a
    /// value in it stands for a temperature or a difference, as the other
    /// operand says.
    Absolute,
}

#[derive(Clone, Debug)]
pub struct Unit {
    dim: Dimension,
    scale: f64,
    offset: f64,
    /// A temperature difference (only ever set on units of dimension Θ
    /// without an offset).
    interval: bool,
    /// The numeric factor written in the symbol (`1000·m`); already in `scale`.
    factor: f64,
    terms: Terms,
}

/// Relative tolerance for comparing scales and offsets.
const REL_TOL: f64 = 1e-12;

pub fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= REL_TOL * a.abs().max(b.abs())
}

/// Scales are positive normal doubles: a subnormal scale (below ~2.2e-308)
/// has lost precision, so equal units reached by two routes would differ.
fn check_scale(scale: f64, what: impl FnOnce() -> String) -> Result<f64> {
    if scale.is_normal() && scale > 0.0 {
        Ok(scale)
    } else {
        Err(Error::Invalid(format!(
            "{}: a unit's scale must be finite and positive (and at least {:e}), got {}",
            what(),
            f64::MIN_POSITIVE,
            crate::units::format::format_number(scale)
        )))
    }
}

impl Unit {
    /// A registered or user-defined unit with a single name.
    pub fn named(name: Name, dim: Dimension, scale: f64, offset: f64) -> Result<Unit> {
        let name = NameRef::intern(name);
        check_scale(scale, || format!("unit {:?}", name.unicode))?;
        if !offset.is_finite() {
            return Err(Error::Invalid(format!(
                "unit {:?}: offset must be finite, got {offset}",
                name.unicode
            )));
        }
        Ok(Unit {
            dim,
            scale,
            offset,
            interval: false,
            factor: 1.0,
            terms: smallvec::smallvec![Term {
                name,
                exp: Rational::ONE,
            }],
        })
    }

    /// The dimensionless unit 1.
    pub fn one() -> Unit {
        Unit {
            dim: Dimension::NONE,
            scale: 1.0,
            offset: 0.0,
            interval: false,
            factor: 1.0,
            terms: Terms::new(),
        }
    }

    /// A pure number used as a unit factor (`1e-3` in `"1e-3 m"`).
    pub fn number(x: f64) -> Result<Unit> {
        check_scale(x, || "numeric factor".to_string())?;
        Ok(Unit {
            scale: x,
            factor: x,
            ..Unit::one()
        })
    }

    /// Rebuild from parts (used by the formatter's base-unit form).
    pub(crate) fn from_parts(dim: Dimension, scale: f64, factor: f64, terms: Terms) -> Unit {
        Unit {
            dim,
            scale,
            offset: 0.0,
            interval: false,
            factor,
            terms,
        }
    }

    /// This unit as a temperature interval (`Δ°C`): only a unit of
    /// dimension Θ without an offset can be one.
    pub fn into_interval(mut self) -> Result<Unit> {
        if self.dim != Dimension::TEMPERATURE || self.has_offset() {
            return Err(Error::Invalid(format!(
                "only a temperature unit without an offset can be an interval, not '{}'",
                self.symbol()
            )));
        }
        self.interval = true;
        Ok(self)
    }

    pub fn dimension(&self) -> Dimension {
        self.dim
    }
    pub fn scale(&self) -> f64 {
        self.scale
    }
    pub fn offset(&self) -> f64 {
        self.offset
    }
    pub fn factor(&self) -> f64 {
        self.factor
    }
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }
    pub fn has_offset(&self) -> bool {
        self.offset != 0.0
    }
    pub fn is_interval(&self) -> bool {
        self.interval
    }
    pub fn kind(&self) -> Kind {
        if self.has_offset() {
            Kind::Point
        } else if self.interval {
            Kind::Interval
        } else {
            Kind::Absolute
        }
    }

    /// The bare number 1: the identity for multiplication.
    pub(crate) fn is_one(&self) -> bool {
        self.terms.is_empty() && self.factor == 1.0 && self.dim.is_dimensionless()
    }

    fn offset_error(&self, op: &str) -> Error {
        crate::units::temperature::offset_error(op, self, "not defined for an offset unit")
    }

    /// Rejects products involving an offset unit (anything times 1 is fine).
    fn check_no_offset(&self, other: &Unit, op: &str) -> Result<()> {
        for (u, v) in [(self, other), (other, self)] {
            if u.has_offset() && !v.is_one() {
                return Err(u.offset_error(op));
            }
        }
        Ok(())
    }

    fn combine(&self, other: &Unit, invert_other: bool) -> Result<Unit> {
        let dim = if invert_other {
            self.dim.div(&other.dim)?
        } else {
            self.dim.mul(&other.dim)?
        };
        let (scale, factor) = if invert_other {
            (self.scale / other.scale, self.factor / other.factor)
        } else {
            (self.scale * other.scale, self.factor * other.factor)
        };
        check_scale(scale, || {
            format!("{} with {}", self.symbol(), other.symbol())
        })?;
        // The factor is written in the symbol: it must stay a number too.
        check_scale(factor, || {
            format!(
                "numeric factor of {} with {}",
                self.symbol(),
                other.symbol()
            )
        })?;
        let mut terms = Terms::from_slice(&self.terms);
        let mut cancelled = false;
        for t in other.terms.iter() {
            let exp = if invert_other { t.exp.neg() } else { t.exp };
            match terms.iter_mut().find(|x| x.name == t.name) {
                Some(x) => {
                    x.exp = x.exp.add(exp)?;
                    cancelled |= x.exp.is_zero();
                }
                None => terms.push(Term { name: t.name, exp }),
            }
        }
        if cancelled {
            terms.retain(|t| !t.exp.is_zero());
        }
        // An offset unit times 1 keeps its offset (and its own symbol).
        let offset = self.offset + if invert_other { 0.0 } else { other.offset };
        // A temperature difference scaled or combined with units that
        // cancel is still a difference.
        let interval = (self.interval || other.interval) && dim == Dimension::TEMPERATURE;
        Ok(Unit {
            dim,
            scale,
            offset,
            interval,
            factor,
            terms,
        })
    }

    pub fn mul(&self, other: &Unit) -> Result<Unit> {
        self.check_no_offset(other, "multiply")?;
        self.combine(other, false)
    }

    pub fn div(&self, other: &Unit) -> Result<Unit> {
        self.check_no_offset(other, "divide")?;
        if other.has_offset() {
            return Err(other.offset_error("divide by"));
        }
        self.combine(other, true)
    }

    /// This unit times a plain number: `m * 1000` is the unit `1000·m`.
    pub fn scaled(&self, x: f64) -> Result<Unit> {
        if x == 1.0 {
            return Ok(self.clone());
        }
        self.mul(&Unit::number(x)?)
    }

    pub fn powr(&self, p: Rational) -> Result<Unit> {
        if p == Rational::ONE {
            return Ok(self.clone());
        }
        if self.has_offset() {
            return Err(self.offset_error("raise to a power"));
        }
        let dim = self.dim.pow(p)?;
        let pw = |x: f64| {
            if p.is_integer() {
                x.powi(p.numer())
            } else {
                x.powf(p.to_f64())
            }
        };
        let scale = check_scale(pw(self.scale), || {
            format!("{} to the power {p}", self.symbol())
        })?;
        let mut terms = Terms::new();
        for t in self.terms.iter() {
            let exp = t.exp.mul(p)?;
            if !exp.is_zero() {
                terms.push(Term { name: t.name, exp });
            }
        }
        Ok(Unit {
            dim,
            scale,
            offset: 0.0,
            interval: false,
            factor: check_scale(pw(self.factor), || {
                format!("numeric factor of {} to the power {p}", self.symbol())
            })?,
            terms,
        })
    }

    pub fn is_compatible(&self, other: &Unit) -> bool {
        self.dim == other.dim
    }

    fn incompatible(&self, other: &Unit) -> Error {
        Error::Conversion(format!(
            "cannot convert from '{}' [{}] to '{}' [{}]: the dimensions differ",
            self.symbol(),
            self.dim,
            other.symbol(),
            other.dim
        ))
    }

    /// `(a, b)` such that a value `x` in this unit is `a·x + b` in `target`.
    /// A point (°C) and an interval (Δ°C) never convert into each other:
    /// 20 °C is no difference, and a difference of 2 K is no temperature.
    pub fn affine_to(&self, target: &Unit) -> Result<(f64, f64)> {
        if !self.is_compatible(target) {
            return Err(self.incompatible(target));
        }
        if let (Kind::Point, Kind::Interval) | (Kind::Interval, Kind::Point) =
            (self.kind(), target.kind())
        {
            let (point, interval) = if self.has_offset() {
                (self, target)
            } else {
                (target, self)
            };
            return Err(Error::Offset(format!(
                "cannot convert from '{}' to '{}': '{}' is a point on a temperature scale and \
                 '{}' a difference of temperatures; a difference of two points is an interval \
                 (subtract them), and a point is an interval plus a reference point",
                self.symbol(),
                target.symbol(),
                point.symbol(),
                interval.symbol()
            )));
        }
        Ok((
            self.scale / target.scale,
            (self.offset - target.offset) / target.scale,
        ))
    }

    /// The multiplicative factor from this unit to `target`. Offset units
    /// have no such factor (unless both share the offset): use `affine_to`.
    pub fn conversion_factor(&self, target: &Unit) -> Result<f64> {
        let (a, b) = self.affine_to(target)?;
        if b != 0.0 && !close(self.offset, target.offset) {
            return Err(Error::Offset(format!(
                "no single factor converts '{}' to '{}': the offset unit needs an added term \
                 (x·{a} + {b}); convert values with .to(), or use the interval units delta_degC / delta_degF",
                self.symbol(),
                target.symbol()
            )));
        }
        Ok(a)
    }

    /// The same value written the same way: bit-equal scale, offset and
    /// factor and the same terms. Stricter than `==` (which ignores the
    /// symbol), for caches whose answers include a symbol.
    pub fn identical(&self, o: &Unit) -> bool {
        self.dim == o.dim
            && self.scale.to_bits() == o.scale.to_bits()
            && self.offset.to_bits() == o.offset.to_bits()
            && self.interval == o.interval
            && self.factor.to_bits() == o.factor.to_bits()
            && self.terms.len() == o.terms.len()
            && self
                .terms
                .iter()
                .zip(&o.terms)
                .all(|(a, b)| a.name == b.name && a.exp == b.exp)
    }

    /// This unit's value written with `other`'s symbol (`other == self`).
    pub fn with_symbol_of(&self, other: &Unit) -> Unit {
        Unit {
            factor: other.factor,
            terms: other.terms.clone(),
            ..self.clone()
        }
    }
}

impl PartialEq for Unit {
    fn eq(&self, o: &Unit) -> bool {
        self.dim == o.dim
            && close(self.scale, o.scale)
            && close(self.offset, o.offset)
            && self.interval == o.interval
    }
}

impl Eq for Unit {}

impl Hash for Unit {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.dim.hash(state);
        self.kind().hash(state);
    }
}
