//! Parsing unit text.
//!
//! Grammar (multiplication and division share one precedence level and
//! associate to the left, as in UDUNITS: `J/kg/K` is `J/(kg·K)`):
//!
//! ```text
//! product  := power ( ('*' | '·' | '⋅' | '×' | '.' | '/' | juxtaposition) power )*
//! power    := factor ( ('^' | '**') exponent | superscripts | [+-]?digits )?
//!             -- bare digits only right after a name or ')': UDUNITS `m2 s-1`
//! factor   := number | name | '(' product ')'
//! exponent := [+-]? number | '(' [+-]? integer ('/' integer)? ')'
//! ```
//!
//! Every input is consumed in one left-to-right pass; parentheses nest at most
//! [`MAX_DEPTH`] deep, so no input can exhaust the stack or run long.

use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::units::cf_names::{self, Dialect};
use crate::units::rational::{superscript_value, Rational, SUPERSCRIPT_MINUS, SUPERSCRIPT_SLASH};
use crate::units::registry::registry;
use crate::units::temperature::interval_of;
use crate::units::unit::{Name, Unit};

/// Deepest parenthesis nesting accepted.
pub const MAX_DEPTH: usize = 32;
/// Largest denominator accepted for a decimal exponent (`m^0.5`).
const MAX_EXP_DEN: i64 = 1000;

struct Parser<'a> {
    text: &'a str,
    dialect: Dialect,
    /// Byte offset into `text`; turned into a character position only for errors.
    pos: usize,
}

fn is_name_char(c: char) -> bool {
    (c.is_alphabetic() && c != SUPERSCRIPT_SLASH)
        || matches!(c, '_' | '°' | '%' | '‰' | '′' | '″' | '℃' | '℉' | '☉' | '⊕')
}

fn is_superscript(c: char) -> bool {
    superscript_value(c).is_some() || c == SUPERSCRIPT_MINUS || c == '⁺'
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.text[self.pos..].chars().nth(k)
    }

    /// Moves past the current character.
    fn bump(&mut self) {
        self.pos += self.peek().map_or(0, char::len_utf8);
    }

    fn err(&self, at: usize, message: impl Into<String>) -> Error {
        Error::Parse {
            message: message.into(),
            text: self.text.to_string(),
            position: self.text[..at].chars().count(),
        }
    }

    fn describe(&self, at: usize) -> String {
        match self.text[at..].chars().next() {
            Some(c) => format!("{c:?}"),
            None => "end of text".to_string(),
        }
    }

    fn skip_spaces(&mut self) -> bool {
        let start = self.pos;
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
        self.pos > start
    }

    /// Attach the position of the operator to algebra errors (overflowing
    /// exponents, zero scales); offset errors keep their own class.
    fn at<T>(&self, at: usize, r: Result<T>) -> Result<T> {
        r.map_err(|e| match e {
            Error::Offset(_) => e,
            Error::Dimension(m) | Error::Conversion(m) | Error::Invalid(m) => self.err(at, m),
            Error::Parse { .. } => e,
        })
    }

    fn starts_factor(&self) -> bool {
        match self.peek() {
            Some(c) => {
                is_name_char(c)
                    || c.is_ascii_digit()
                    || c == '('
                    || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()))
            }
            None => false,
        }
    }

    fn product(&mut self, depth: usize) -> Result<Unit> {
        let mut acc = self.power(depth)?;
        loop {
            let spaced = self.skip_spaces();
            let op_at = self.pos;
            let divide = match self.peek() {
                None | Some(')') => return Ok(acc),
                Some('/') => {
                    self.bump();
                    true
                }
                Some('*' | '·' | '⋅' | '×' | '.') => {
                    self.bump();
                    false
                }
                Some(_) if self.starts_factor() => false,
                Some(_) => {
                    let what = if spaced {
                        "a unit, a number or '('"
                    } else {
                        "an operator"
                    };
                    return Err(self.err(
                        op_at,
                        format!("expected {what}, found {}", self.describe(op_at)),
                    ));
                }
            };
            self.skip_spaces();
            let mut rhs = self.power(depth)?;
            // Times or over the number 1, a point stays a point.
            if divide || !acc.is_one() {
                rhs = interval_inside(rhs)?;
            }
            if !rhs.is_one() {
                acc = interval_inside(acc)?;
            }
            acc = self.at(op_at, if divide { acc.div(&rhs) } else { acc.mul(&rhs) })?;
        }
    }

    fn power(&mut self, depth: usize) -> Result<Unit> {
        let start = self.pos;
        let (base, implicit_ok) = self.factor(depth)?;
        let before = self.pos;
        self.skip_spaces();
        let exp_at = self.pos;
        let exp = match (self.peek(), self.peek_at(1)) {
            (Some('^'), _) => {
                self.bump();
                Some(self.exponent()?)
            }
            (Some('*'), Some('*')) => {
                self.bump();
                self.bump();
                Some(self.exponent()?)
            }
            (Some(c), _) if is_superscript(c) && before == exp_at => Some(self.superscript()?),
            (Some(c), next)
                if implicit_ok
                    && before == exp_at
                    && (c.is_ascii_digit()
                        || ((c == '-' || c == '+')
                            && next.is_some_and(|d| d.is_ascii_digit()))) =>
            {
                Some(self.implicit_exponent()?)
            }
            _ => {
                self.pos = before;
                None
            }
        };
        match exp {
            Some(p) if p != Rational::ONE => {
                let base = interval_inside(base)?;
                self.at(start.max(exp_at), base.powr(p))
            }
            _ => Ok(base),
        }
    }

    /// Returns the factor and whether a bare integer may follow as exponent.
    fn factor(&mut self, depth: usize) -> Result<(Unit, bool)> {
        let at = self.pos;
        match self.peek() {
            Some('(') => {
                if depth >= MAX_DEPTH {
                    return Err(self.err(
                        at,
                        format!("parentheses nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                self.bump();
                self.skip_spaces();
                let inner = self.product(depth + 1)?;
                if self.peek() != Some(')') {
                    return Err(self.err(
                        self.pos,
                        format!(
                            "expected ')' to close the '(' at position {at}, found {}",
                            self.describe(self.pos)
                        ),
                    ));
                }
                self.bump();
                Ok((inner, true))
            }
            Some(c) if c.is_ascii_digit() || c == '.' => {
                let x = self.number()?;
                Ok((self.at(at, Unit::number(x))?, false))
            }
            Some(c) if is_name_char(c) => Ok((self.name()?, true)),
            _ => Err(self.err(
                at,
                format!(
                    "expected a unit, a number or '(', found {}",
                    self.describe(at)
                ),
            )),
        }
    }

    fn name(&mut self) -> Result<Unit> {
        let at = self.pos;
        while self.peek().is_some_and(is_name_char) {
            self.bump();
        }
        let word = &self.text[at..self.pos];
        if self.dialect == Dialect::Cf {
            match lookup_cf(word) {
                Some(Ok(u)) => return Ok(u),
                Some(Err(why)) => {
                    return Err(self.err(at, format!("{word:?} is not a CF unit here: {why}")))
                }
                None => {}
            }
        }
        if let Some(u) = registry().get(word) {
            return Ok(u.clone());
        }
        if let Some(why) = registry().refusal(word) {
            return Err(self.err(at, format!("{word:?} is not a unit here: {why}")));
        }
        if word == "since" && self.dialect == Dialect::Cf {
            return Err(self.err(at, "a time reference needs a time unit before 'since' and an epoch after it ('days since 1970-01-01')"));
        }
        if word == "since" {
            return Err(self.err(at, "a time reference ('days since 1970-01-01') is a point in time, not a unit; read file attributes with the CF dialect (parse(text, dialect=\"cf\")), which gives the time unit and keeps the epoch"));
        }
        Err(self.err(at, format!("unknown unit {word:?}")))
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        self.pos - start
    }

    /// `12`, `1.5`, `.5`, `1e-3`, `2.5E+10`.
    fn number(&mut self) -> Result<f64> {
        let at = self.pos;
        let mut n = self.digits();
        if self.peek() == Some('.') {
            self.bump();
            n += self.digits();
        }
        if n == 0 {
            return Err(self.err(at, "expected a number"));
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let sign = usize::from(matches!(self.peek_at(1), Some('+' | '-')));
            if self.peek_at(1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1 + sign;
                self.digits();
            }
        }
        let text = &self.text[at..self.pos];
        text.parse::<f64>()
            .map_err(|_| self.err(at, format!("invalid number {text:?}")))
    }

    fn sign(&mut self) -> i64 {
        match self.peek() {
            Some('-') => {
                self.bump();
                -1
            }
            Some('+') => {
                self.bump();
                1
            }
            _ => 1,
        }
    }

    fn int_value(&mut self) -> Result<i64> {
        let at = self.pos;
        if self.digits() == 0 {
            return Err(self.err(
                at,
                format!("expected an integer, found {}", self.describe(at)),
            ));
        }
        let text = &self.text[at..self.pos];
        text.parse::<i64>()
            .map_err(|_| self.err(at, format!("exponent {text} is too large")))
    }

    /// A signed integer exponent (UDUNITS `s-1`).
    fn integer(&mut self) -> Result<Rational> {
        let at = self.pos;
        let s = self.sign();
        let v = self.int_value()?;
        self.at(at, Rational::new(s * v, 1))
    }

    /// An exponent written right after a unit (`m2`, `s-1`): a nonzero
    /// integer. A decimal (`m1.5`) or a zero (`kg0`) there is almost surely
    /// a typo, and reading it as a product (`m1 · 5`) or as 1 would give a
    /// wrong unit, so both are errors.
    fn implicit_exponent(&mut self) -> Result<Rational> {
        let at = self.pos;
        let p = self.integer()?;
        if self.peek() == Some('.') && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) {
            return Err(self.err(
                at,
                "a decimal exponent must be written with '^' or '**' (m^1.5, s^-0.5)",
            ));
        }
        if p.is_zero() {
            return Err(self.err(
                at,
                "an exponent of 0 makes the unit 1; write '1' (or '^0' if you mean it)",
            ));
        }
        Ok(p)
    }

    fn exponent(&mut self) -> Result<Rational> {
        self.skip_spaces();
        let at = self.pos;
        if self.peek() == Some('(') {
            self.bump();
            self.skip_spaces();
            let s = self.sign();
            let num = self.int_value()?;
            self.skip_spaces();
            let den = if self.peek() == Some('/') {
                self.bump();
                self.skip_spaces();
                self.int_value()?
            } else {
                1
            };
            self.skip_spaces();
            if self.peek() != Some(')') {
                return Err(self.err(
                    self.pos,
                    format!(
                        "expected ')' to close the exponent, found {}",
                        self.describe(self.pos)
                    ),
                ));
            }
            self.bump();
            return self.at(at, Rational::new(s * num, den));
        }
        let s = self.sign() as f64;
        let x = self.number()?;
        self.at(at, Rational::exact_from_f64(s * x, MAX_EXP_DEN))
    }

    /// `²`, `⁻²`, `¹ᐟ²`.
    fn superscript(&mut self) -> Result<Rational> {
        let at = self.pos;
        let read = |p: &mut Self| -> Result<i64> {
            let s = if p.peek() == Some(SUPERSCRIPT_MINUS) {
                p.bump();
                -1
            } else {
                if p.peek() == Some('⁺') {
                    p.bump();
                }
                1
            };
            let start = p.pos;
            let mut v: i64 = 0;
            while let Some(d) = p.peek().and_then(superscript_value) {
                v = v.saturating_mul(10).saturating_add(d as i64);
                p.bump();
            }
            if p.pos == start {
                return Err(p.err(
                    start,
                    format!("expected a superscript digit, found {}", p.describe(start)),
                ));
            }
            Ok(s * v)
        };
        let num = read(self)?;
        let den = if self.peek() == Some(SUPERSCRIPT_SLASH) {
            self.bump();
            read(self)?
        } else {
            1
        };
        self.at(at, Rational::new(num, den))
    }
}

/// A temperature point inside a product, quotient or power stands for its
/// interval, as in UDUNITS: `J kg-1 degC-1` is J/(kg·Δ°C), `degC/day` is a
/// rate of Δ°C.
fn interval_inside(u: Unit) -> Result<Unit> {
    if u.has_offset() {
        interval_of(&u)
    } else {
        Ok(u)
    }
}

/// Parses unit text without the cache.
pub fn parse_uncached(text: &str) -> Result<Unit> {
    parse_uncached_in(text, Dialect::Default)
}

/// Parses unit text in a dialect, without the cache.
pub fn parse_uncached_in(text: &str, dialect: Dialect) -> Result<Unit> {
    let mut p = Parser {
        text,
        dialect,
        pos: 0,
    };
    p.skip_spaces();
    if p.peek().is_none() {
        return Ok(Unit::one());
    }
    let u = p.product(0)?;
    if p.pos < p.text.len() {
        // Only an unmatched ')' stops `product` before the end.
        return Err(p.err(p.pos, "unmatched ')'"));
    }
    Ok(u)
}

/// Longest text kept in the cache, and how many entries it holds before it
/// is cleared (so arbitrary input cannot grow memory without bound).
const CACHE_MAX_TEXT: usize = 128;
const CACHE_MAX_ENTRIES: usize = 4096;

/// Parses unit text, remembering recent results.
pub fn parse(text: &str) -> Result<Unit> {
    parse_in(text, Dialect::Default)
}

/// Parses unit text in a dialect (the default registry, or CF/UDUNITS-2
/// for file attributes), remembering recent results.
pub fn parse_in(text: &str, dialect: Dialect) -> Result<Unit> {
    type Cache = Mutex<Option<FxHashMap<String, Unit>>>;
    // One cache per dialect, looked up by the borrowed text.
    static CACHES: [Cache; 2] = [Mutex::new(None), Mutex::new(None)];
    let cache = &CACHES[usize::from(dialect == Dialect::Cf)];
    if text.len() > CACHE_MAX_TEXT {
        return parse_uncached_in(text, dialect);
    }
    if let Some(u) = cache
        .lock()
        .ok()
        .and_then(|c| c.as_ref()?.get(text).cloned())
    {
        return Ok(u);
    }
    let u = parse_uncached_in(text, dialect)?;
    if let Ok(mut guard) = cache.lock() {
        let cache = guard.get_or_insert_with(FxHashMap::default);
        if cache.len() >= CACHE_MAX_ENTRIES {
            cache.clear();
        }
        cache.insert(text.to_string(), u.clone());
    }
    Ok(u)
}

// ---- the CF dialect's names (their table: units::cf_names) ----

enum Entry {
    Unit(Unit),
    Refused(&'static str),
}

fn table() -> &'static FxHashMap<&'static str, Entry> {
    static TABLE: OnceLock<FxHashMap<&'static str, Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = FxHashMap::default();
        for &(names, base, factor, cf, unicode) in cf_names::CF_NAMES {
            let base = parse(base).expect("CF base unit parses");
            if factor == 1.0 {
                // Another name of a registry unit (`ppt` is `pptv` here).
                for n in names {
                    t.insert(*n, Entry::Unit(base.clone()));
                }
                continue;
            }
            let name = Name {
                unicode: unicode.into(),
                ascii: unicode.into(),
                latex: unicode.into(),
                cf: cf.into(),
                udunits: true,
            };
            let u = Unit::named(name, base.dimension(), base.scale() * factor, 0.0)
                .expect("CF unit scale");
            for n in names {
                t.insert(*n, Entry::Unit(u.clone()));
            }
            t.insert(unicode, Entry::Unit(u));
        }
        for &(n, why) in cf_names::CF_REFUSED {
            t.insert(n, Entry::Refused(why));
        }
        t
    })
}

/// How a name reads in the CF dialect where it differs from the registry:
/// `Some(Ok(unit))`, `Some(Err(why))` for a refused name, None to use the
/// registry.
fn lookup_cf(word: &str) -> Option<std::result::Result<Unit, &'static str>> {
    match table().get(word)? {
        Entry::Unit(u) => Some(Ok(u.clone())),
        Entry::Refused(why) => Some(Err(why)),
    }
}
