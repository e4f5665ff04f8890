//! Small exact fractions for dimension exponents.
//!
//! Exponents are kept as reduced `i32` fractions: seven of them make a
//! `Dimension` of 56 bytes, cheap to copy, compare and hash, and every float
//! exponent up to ±2³¹−1 rounded to a denominator ≤ 1000 fits. Every
//! operation is checked; a result that does not fit is an error, never a
//! wrap.

use std::fmt;

use crate::error::{Error, Result};

/// A reduced fraction `num / den` with `den > 0`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Rational {
    num: i32,
    den: i32,
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn overflow(what: &str) -> Error {
    Error::Dimension(format!(
        "dimension exponent overflow in {what}: exponents are limited to fractions of 32-bit integers"
    ))
}

/// Whether `a = pa/qa` is strictly nearer to `x` than `b = pb/qb`. Exact:
/// the two can differ by far less than an ulp of `x` (0.0005 lies a hair
/// above the midpoint of 0 and 1/1000).
fn nearer(x: f64, (pa, qa): (i64, i64), (pb, qb): (i64, i64)) -> bool {
    // x = m · 2^e with an integer mantissa m.
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let mut m = (bits & ((1u64 << 52) - 1)) as i128;
    if exp != 0 {
        m |= 1i128 << 52;
    }
    let e = if exp == 0 { -1074 } else { exp - 1075 };
    if x < 0.0 {
        m = -m;
    }
    if !(-100..=0).contains(&e) {
        // Too small for a near tie with denominators ≤ 1000 (or an integer).
        return (x - pa as f64 / qa as f64).abs() < (x - pb as f64 / qb as f64).abs();
    }
    // |x − p/q| · 2^-e · qa · qb, compared as integers (< 2^125).
    let s = 1i128 << (-e);
    let da = (m * qa as i128 - pa as i128 * s).abs() * qb as i128;
    let db = (m * qb as i128 - pb as i128 * s).abs() * qa as i128;
    da < db
}

// `add`, `sub` and `mul` return `Result` (overflow is an error), so the
// operator traits do not fit.
#[allow(clippy::should_implement_trait)]
impl Rational {
    pub const ZERO: Rational = Rational { num: 0, den: 1 };
    pub const ONE: Rational = Rational { num: 1, den: 1 };

    /// The integer `n`.
    pub const fn int(n: i16) -> Rational {
        Rational {
            num: n as i32,
            den: 1,
        }
    }

    /// The integer `n`, which must not be `i32::MIN` (no `Rational` holds it,
    /// so that negation never overflows).
    pub(crate) const fn int32(n: i32) -> Rational {
        Rational { num: n, den: 1 }
    }

    /// `num / den`, reduced. Errors on a zero denominator or overflow.
    pub fn new(num: i64, den: i64) -> Result<Rational> {
        Rational::reduced(num as i128, den as i128)
    }

    /// `num / den` reduced from exact i128 values (sums and products of two
    /// i32 fractions cannot overflow them).
    fn reduced(num: i128, den: i128) -> Result<Rational> {
        if den == 0 {
            return Err(Error::Dimension("zero denominator in exponent".into()));
        }
        // i128::MIN never arrives here (inputs are i64 or i32 products), so
        // reducing and negating cannot overflow.
        let g = gcd(num, den).max(1);
        let (mut n, mut d) = (num / g, den / g);
        if d < 0 {
            n = -n;
            d = -d;
        }
        // i32::MIN is excluded so that negation can never overflow.
        match (i32::try_from(n), i32::try_from(d)) {
            (Ok(num), Ok(den)) if num != i32::MIN => Ok(Rational { num, den }),
            _ => Err(overflow(&format!("{num}/{den}"))),
        }
    }

    /// The fraction nearest to `x` whose denominator is at most `max_den`
    /// (continued-fraction convergents, as `Fraction.limit_denominator`).
    pub fn from_f64(x: f64, max_den: i64) -> Result<Rational> {
        if !x.is_finite() {
            return Err(Error::Dimension(format!("exponent {x} is not finite")));
        }
        if x.abs() > i32::MAX as f64 {
            return Err(overflow(&format!("{x}")));
        }
        // Convergents p/q of the continued fraction of x.
        let (mut p0, mut q0, mut p1, mut q1) = (0i64, 1i64, 1i64, 0i64);
        let mut rest = x;
        loop {
            let a = rest.floor();
            let ai = a as i64;
            let q2 = q0 + ai * q1;
            if q2 > max_den {
                // Best semiconvergent below the bound, compared with the last convergent.
                let k = (max_den - q0) / q1;
                let (pb, qb) = (p0 + k * p1, q0 + k * q1);
                return if nearer(x, (pb, qb), (p1, q1)) {
                    Rational::new(pb, qb)
                } else {
                    Rational::new(p1, q1)
                };
            }
            let p2 = p0 + ai * p1;
            (p0, q0, p1, q1) = (p1, q1, p2, q2);
            let frac = rest - a;
            if frac.abs() < 1e-12 || (x - p1 as f64 / q1 as f64).abs() < 1e-15 {
                return Rational::new(p1, q1);
            }
            rest = 1.0 / frac;
        }
    }

    /// `x` as an exact fraction with a denominator of at most `max_den`, or
    /// an error when it is no such fraction (within 1e-9): exponents of
    /// units must be exact, never rounded.
    pub fn exact_from_f64(x: f64, max_den: i64) -> Result<Rational> {
        let r = Rational::from_f64(x, max_den)?;
        if (r.to_f64() - x).abs() > 1e-9 * x.abs().max(1.0) {
            return Err(Error::Dimension(format!(
                "the exponent {x} is not a fraction with a denominator of at most {max_den}, so \
                 the unit would be rounded; use an exact exponent such as 1/2 or 0.25"
            )));
        }
        Ok(r)
    }

    pub const fn numer(self) -> i32 {
        self.num
    }
    pub const fn denom(self) -> i32 {
        self.den
    }
    pub const fn is_zero(self) -> bool {
        self.num == 0
    }
    pub const fn is_integer(self) -> bool {
        self.den == 1
    }
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    pub fn add(self, o: Rational) -> Result<Rational> {
        if self.den == 1 && o.den == 1 {
            return self
                .num
                .checked_add(o.num)
                .filter(|&n| n != i32::MIN)
                .map(Rational::int32)
                .ok_or_else(|| overflow("addition"));
        }
        let (a, b, c, d) = (
            self.num as i128,
            self.den as i128,
            o.num as i128,
            o.den as i128,
        );
        Rational::reduced(a * d + c * b, b * d)
    }

    pub fn neg(self) -> Rational {
        // Sound: no constructor produces i32::MIN.
        Rational {
            num: -self.num,
            den: self.den,
        }
    }

    pub fn sub(self, o: Rational) -> Result<Rational> {
        self.add(o.neg())
    }

    pub fn mul(self, o: Rational) -> Result<Rational> {
        if self.den == 1 && o.den == 1 {
            return self
                .num
                .checked_mul(o.num)
                .filter(|&n| n != i32::MIN)
                .map(Rational::int32)
                .ok_or_else(|| overflow("power"));
        }
        Rational::reduced(
            self.num as i128 * o.num as i128,
            self.den as i128 * o.den as i128,
        )
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

const SUPERSCRIPT_DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
/// Superscript minus and the superscript-style solidus used for fractions.
pub const SUPERSCRIPT_MINUS: char = '⁻';
pub const SUPERSCRIPT_SLASH: char = 'ᐟ';

/// The superscript digit for `d`, if `c` is one.
pub fn superscript_value(c: char) -> Option<u32> {
    SUPERSCRIPT_DIGITS
        .iter()
        .position(|&s| s == c)
        .map(|p| p as u32)
}

fn push_superscript_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push(SUPERSCRIPT_MINUS);
    }
    for ch in n.unsigned_abs().to_string().chars() {
        out.push(SUPERSCRIPT_DIGITS[ch.to_digit(10).unwrap_or(0) as usize]);
    }
}

impl Rational {
    /// `²`, `⁻²`, `¹ᐟ²`; empty for exponent 1.
    pub fn superscript(self) -> String {
        let mut s = String::new();
        if self == Rational::ONE {
            return s;
        }
        push_superscript_int(&mut s, self.num as i64);
        if self.den != 1 {
            s.push(SUPERSCRIPT_SLASH);
            push_superscript_int(&mut s, self.den as i64);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_and_normalises_sign() {
        assert_eq!(Rational::new(2, -4).unwrap(), Rational::new(-1, 2).unwrap());
        assert_eq!(Rational::new(0, 5).unwrap(), Rational::ZERO);
        assert!(Rational::new(1, 0).is_err());
    }

    #[test]
    fn arithmetic_is_exact() {
        let h = Rational::new(1, 2).unwrap();
        let t = Rational::new(1, 3).unwrap();
        assert_eq!(h.add(t).unwrap(), Rational::new(5, 6).unwrap());
        assert_eq!(h.mul(t).unwrap(), Rational::new(1, 6).unwrap());
        assert_eq!(h.sub(h).unwrap(), Rational::ZERO);
    }

    #[test]
    fn overflow_is_an_error() {
        assert!(Rational::int32(i32::MAX).add(Rational::ONE).is_err());
        assert!(Rational::int32(-i32::MAX).sub(Rational::ONE).is_err());
        assert!(Rational::int32(50_000)
            .mul(Rational::int32(50_000))
            .is_err());
        assert!(Rational::new(1 << 40, 1).is_err());
        assert!(Rational::new(i32::MIN as i64, 1).is_err());
        assert!(Rational::new(i64::MIN, 1).is_err());
        assert!(Rational::new(1, i64::MIN).is_err());
        assert!(Rational::new(i64::MIN, i64::MIN).unwrap() == Rational::ONE);
        assert!(Rational::new(1, 2_000_000_000)
            .unwrap()
            .add(Rational::new(1, 1_999_999_999).unwrap())
            .is_err());
        // The widest fractions: sums and products are computed exactly first.
        let big = Rational::new(i32::MAX as i64, i32::MAX as i64 - 2).unwrap();
        assert!(big.add(big).is_err());
        assert!(big.mul(big).is_err());
        assert_eq!(big.sub(big).unwrap(), Rational::ZERO);
    }

    #[test]
    fn wide_exponents_fit() {
        // Numerators beyond 16 bits (dimtensor 5.x accepted any float).
        assert_eq!(Rational::new(40_000, 1).unwrap().numer(), 40_000);
        assert_eq!(
            Rational::int(300).mul(Rational::int(300)).unwrap(),
            Rational::int32(90_000)
        );
        assert_eq!(
            Rational::new(1, 30000)
                .unwrap()
                .add(Rational::new(1, 29999).unwrap())
                .unwrap(),
            Rational::new(59999, 899_970_000).unwrap()
        );
        assert_eq!(
            Rational::from_f64(1e6, 1000).unwrap(),
            Rational::int32(1_000_000)
        );
        assert_eq!(
            Rational::from_f64(-123_456.789, 1000).unwrap(),
            Rational::new(-123_456_789, 1000).unwrap()
        );
        assert_eq!(
            Rational::from_f64(2_147_483_647.0, 1000).unwrap(),
            Rational::int32(i32::MAX)
        );
        assert!(Rational::from_f64(2_147_483_648.0, 1000).is_err());
    }

    #[test]
    fn from_float_limits_denominator() {
        assert_eq!(
            Rational::from_f64(0.5, 1000).unwrap(),
            Rational::new(1, 2).unwrap()
        );
        assert_eq!(
            Rational::from_f64(1.0 / 3.0, 1000).unwrap(),
            Rational::new(1, 3).unwrap()
        );
        assert_eq!(Rational::from_f64(-2.0, 1000).unwrap(), Rational::int(-2));
        let pi = Rational::from_f64(std::f64::consts::PI, 1000).unwrap();
        assert_eq!(pi, Rational::new(355, 113).unwrap());
        assert!(Rational::from_f64(f64::NAN, 1000).is_err());
        // The double nearest 0.0005 lies just above the midpoint of 0 and 1/1000.
        assert_eq!(
            Rational::from_f64(0.0005, 1000).unwrap(),
            Rational::new(1, 1000).unwrap()
        );
        assert_eq!(
            Rational::from_f64(-0.0005, 1000).unwrap(),
            Rational::new(-1, 1000).unwrap()
        );
        assert!(Rational::from_f64(1e10, 1000).is_err());
    }

    #[test]
    fn superscripts() {
        assert_eq!(Rational::int(-2).superscript(), "⁻²");
        assert_eq!(Rational::ONE.superscript(), "");
        assert_eq!(Rational::new(1, 2).unwrap().superscript(), "¹ᐟ²");
        assert_eq!(superscript_value('³'), Some(3));
    }
}
