//! Writing units as text: unicode (`kg·m²/s²`), ascii (`kg*m^2/s^2`), latex
//! (`\mathrm{kg}\,\mathrm{m}^{2}\,\mathrm{s}^{-2}`) and cf, the UDUNITS form
//! of netCDF/zarr `units` attributes (`kg m2 s-2`). Every form but latex
//! parses back to an equal unit.

use std::str::FromStr;

use crate::error::Error;
use crate::units::rational::Rational;
use crate::units::registry::registry;
use crate::units::unit::{Name, Term, Terms, Unit};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Unicode,
    Ascii,
    Latex,
    Cf,
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format, Error> {
        match s {
            "unicode" => Ok(Format::Unicode),
            "ascii" => Ok(Format::Ascii),
            "latex" => Ok(Format::Latex),
            "cf" | "udunits" => Ok(Format::Cf),
            _ => Err(Error::Invalid(format!(
                "unknown unit format {s:?}: expected 'unicode', 'ascii', 'latex' or 'cf'"
            ))),
        }
    }
}

/// Shortest text that reads back as the same double; exponent form for very
/// large or small magnitudes.
pub fn format_number(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 || (1e-4..1e16).contains(&a) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// Whether a name can stand next to an exponent without parentheses.
fn is_atomic(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| !(c.is_whitespace() || c.is_ascii_digit() || "*/^()·.-+".contains(c)))
}

fn name_in(n: &Name, f: Format) -> &str {
    match f {
        Format::Unicode => &n.unicode,
        Format::Ascii => &n.ascii,
        Format::Latex => &n.latex,
        Format::Cf => &n.cf,
    }
}

fn exponent(e: Rational, f: Format) -> String {
    match f {
        Format::Unicode => e.superscript(),
        _ if e == Rational::ONE => String::new(),
        Format::Ascii if e.is_integer() => format!("^{e}"),
        Format::Ascii | Format::Cf if !e.is_integer() => format!("^({e})"),
        Format::Cf => e.to_string(),
        Format::Latex => format!("^{{{e}}}"),
        Format::Ascii => unreachable!("integer ascii exponent handled above"),
    }
}

fn term(t: &Term, exp: Rational, f: Format) -> String {
    let name = name_in(&t.name, f);
    let base = match f {
        Format::Latex => format!("\\mathrm{{{name}}}"),
        _ if exp != Rational::ONE && !is_atomic(name) => format!("({name})"),
        _ => name.to_string(),
    };
    base + &exponent(exp, f)
}

impl Unit {
    /// The unit in the given text format.
    pub fn to_string_in(&self, f: Format) -> String {
        if f == Format::Cf && !self.has_offset() && self.terms().iter().any(|t| !t.name.udunits) {
            // A name UDUNITS-2 reads otherwise (or not at all): the scale
            // and the SI base units, which it reads as this unit.
            let base = registry().to_base(self);
            let terms = Terms::from_slice(base.terms());
            return Unit::from_parts(self.dimension(), self.scale(), self.scale(), terms)
                .to_string_in(f);
        }
        let factor = (self.factor() != 1.0).then(|| format_number(self.factor()));
        match f {
            // Single-line product with negative exponents: no division sign.
            Format::Cf | Format::Latex => {
                let sep = if f == Format::Cf { " " } else { "\\," };
                let parts: Vec<String> = factor
                    .into_iter()
                    .chain(self.terms().iter().map(|t| term(t, t.exp, f)))
                    .collect();
                if parts.is_empty() && f == Format::Cf {
                    "1".to_string()
                } else {
                    parts.join(sep)
                }
            }
            Format::Unicode | Format::Ascii => {
                let sep = if f == Format::Unicode { "·" } else { "*" };
                let num: Vec<String> = factor
                    .into_iter()
                    .chain(
                        self.terms()
                            .iter()
                            .filter(|t| t.exp.numer() > 0)
                            .map(|t| term(t, t.exp, f)),
                    )
                    .collect();
                let den: Vec<String> = self
                    .terms()
                    .iter()
                    .filter(|t| t.exp.numer() < 0)
                    .map(|t| term(t, t.exp.neg(), f))
                    .collect();
                let mut out = if num.is_empty() && !den.is_empty() {
                    "1".to_string()
                } else {
                    num.join(sep)
                };
                match den.len() {
                    0 => {}
                    1 => {
                        out.push('/');
                        out.push_str(&den[0]);
                    }
                    _ => {
                        out.push_str("/(");
                        out.push_str(&den.join(sep));
                        out.push(')');
                    }
                }
                out
            }
        }
    }

    /// The unicode symbol (`m/s`, `kg·m²/s²`, `1000·m`; empty if dimensionless 1).
    pub fn symbol(&self) -> String {
        self.to_string_in(Format::Unicode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::registry::lookup;

    fn u(s: &str) -> Unit {
        lookup(s).unwrap()
    }

    #[test]
    fn derived_symbols() {
        let kg = u("kg");
        let m = u("m");
        let s = u("s");
        let e = kg
            .mul(&m.powr(Rational::int(2)).unwrap())
            .unwrap()
            .div(&s.powr(Rational::int(2)).unwrap())
            .unwrap();
        assert_eq!(e.symbol(), "kg·m²/s²");
        assert_eq!(e.to_string_in(Format::Ascii), "kg*m^2/s^2");
        assert_eq!(e.to_string_in(Format::Cf), "kg m2 s-2");
        assert_eq!(
            e.to_string_in(Format::Latex),
            "\\mathrm{kg}\\,\\mathrm{m}^{2}\\,\\mathrm{s}^{-2}"
        );
        assert_eq!(m.div(&s).unwrap().symbol(), "m/s");
        assert_eq!(Unit::one().div(&s).unwrap().symbol(), "1/s");
        assert_eq!(m.scaled(1000.0).unwrap().symbol(), "1000·m");
        assert_eq!(m.powr(Rational::int(2)).unwrap().symbol(), "m²");
        let pa = u("kg")
            .div(&m.mul(&s.powr(Rational::int(2)).unwrap()).unwrap())
            .unwrap();
        assert_eq!(pa.symbol(), "kg/(m·s²)");
        assert_eq!(Unit::one().to_string_in(Format::Cf), "1");
        assert_eq!(Unit::one().symbol(), "");
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number(1000.0), "1000");
        assert_eq!(format_number(0.001), "0.001");
        assert_eq!(format_number(1e-30), "1e-30");
        assert_eq!(format_number(2.5e20), "2.5e20");
    }
}
