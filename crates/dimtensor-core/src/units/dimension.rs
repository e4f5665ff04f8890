//! Physical dimensions: seven exact rational exponents over the SI base
//! quantities, in the order length, mass, time, current, temperature, amount,
//! luminosity.

use std::fmt;

use crate::error::Result;
use crate::units::rational::Rational;

/// Number of SI base quantities.
pub const N_BASE: usize = 7;

/// Names of the base quantities (Python keyword arguments) and their symbols.
pub const BASE_NAMES: [&str; N_BASE] = [
    "length",
    "mass",
    "time",
    "current",
    "temperature",
    "amount",
    "luminosity",
];
pub const BASE_SYMBOLS: [&str; N_BASE] = ["L", "M", "T", "I", "Θ", "N", "J"];

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Dimension(pub [Rational; N_BASE]);

impl Dimension {
    pub const NONE: Dimension = Dimension([Rational::ZERO; N_BASE]);
    /// Θ: the only dimension a temperature interval unit can have.
    pub const TEMPERATURE: Dimension = Dimension::base(4);

    /// Integer exponents, in base order.
    pub const fn from_ints(e: [i16; N_BASE]) -> Dimension {
        let mut out = [Rational::ZERO; N_BASE];
        let mut i = 0;
        while i < N_BASE {
            out[i] = Rational::int(e[i]);
            i += 1;
        }
        Dimension(out)
    }

    /// The dimension of base quantity `i` alone.
    pub const fn base(i: usize) -> Dimension {
        let mut out = [Rational::ZERO; N_BASE];
        out[i] = Rational::ONE;
        Dimension(out)
    }

    pub fn is_dimensionless(&self) -> bool {
        self.0.iter().all(|r| r.is_zero())
    }

    fn zip(
        &self,
        o: &Dimension,
        f: impl Fn(Rational, Rational) -> Result<Rational>,
    ) -> Result<Dimension> {
        let mut out = [Rational::ZERO; N_BASE];
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = f(self.0[i], o.0[i])?;
        }
        Ok(Dimension(out))
    }

    /// Integer exponents added (`sign` 1) or subtracted (-1) without a
    /// `Result` per exponent: the common case of unit algebra.
    fn add_integers(&self, o: &Dimension, sign: i64) -> Option<Dimension> {
        // Branch-free over the seven exponents, so the loop vectorises.
        let mut out = [Rational::ZERO; N_BASE];
        let mut ok = true;
        for ((slot, a), b) in out.iter_mut().zip(self.0).zip(o.0) {
            let v = a.numer() as i64 + sign * b.numer() as i64;
            // i32::MIN is excluded (see Rational); overflow goes the slow way.
            ok &= a.is_integer() & b.is_integer() & (v > i32::MIN as i64) & (v <= i32::MAX as i64);
            *slot = Rational::int32(v as i32);
        }
        ok.then_some(Dimension(out))
    }

    pub fn mul(&self, o: &Dimension) -> Result<Dimension> {
        match self.add_integers(o, 1) {
            Some(d) => Ok(d),
            None => self.zip(o, Rational::add),
        }
    }

    pub fn div(&self, o: &Dimension) -> Result<Dimension> {
        match self.add_integers(o, -1) {
            Some(d) => Ok(d),
            None => self.zip(o, Rational::sub),
        }
    }

    pub fn pow(&self, p: Rational) -> Result<Dimension> {
        self.zip(self, |a, _| a.mul(p))
    }

    pub fn inv(&self) -> Dimension {
        let mut out = self.0;
        for r in out.iter_mut() {
            *r = r.neg();
        }
        Dimension(out)
    }
}

impl fmt::Display for Dimension {
    /// `LMT⁻²`; `1` when dimensionless.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_dimensionless() {
            return f.write_str("1");
        }
        for (sym, e) in BASE_SYMBOLS.iter().zip(self.0.iter()) {
            if !e.is_zero() {
                write!(f, "{sym}{}", e.superscript())?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display() {
        let force = Dimension::from_ints([1, 1, -2, 0, 0, 0, 0]);
        assert_eq!(force.to_string(), "LMT⁻²");
        assert_eq!(Dimension::NONE.to_string(), "1");
        let half = Dimension::base(0)
            .pow(Rational::new(1, 2).unwrap())
            .unwrap();
        assert_eq!(half.to_string(), "L¹ᐟ²");
    }

    #[test]
    fn algebra() {
        let l = Dimension::base(0);
        let t = Dimension::base(2);
        let v = l.div(&t).unwrap();
        assert_eq!(v.mul(&t).unwrap(), l);
        assert_eq!(
            v.pow(Rational::int(2)).unwrap(),
            l.mul(&l).unwrap().div(&t.mul(&t).unwrap()).unwrap()
        );
        assert_eq!(v.inv().mul(&v).unwrap(), Dimension::NONE);
    }

    #[test]
    fn overflow_errors() {
        let l = Dimension::base(0);
        let big = l.pow(Rational::new(2_000_000_000, 1).unwrap()).unwrap();
        assert!(big.mul(&big).is_err());
        assert!(big.inv().div(&big).is_err());
        assert!(big.pow(Rational::int(2)).is_err());
        // Beyond 16 bits is fine (dimtensor 5.x accepted such exponents).
        let wide = l.pow(Rational::int(20000)).unwrap();
        assert_eq!(
            wide.mul(&wide).unwrap(),
            l.pow(Rational::new(40000, 1).unwrap()).unwrap()
        );
    }
}
