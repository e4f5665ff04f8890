//! The CF dialect: the unit text of netCDF and zarr `units` attributes, read
//! as UDUNITS-2 (the unit library the CF conventions name) reads it, and
//! written so that UDUNITS-2 reads it back as the same unit.
//!
//! Reading differs from the default dialect only where UDUNITS-2 gives a
//! name another meaning (the table of [`super::cf_names`]). CF's own strings
//! parse too: `1`, `%`, `psu` (1e-3), `degrees_north`, `ppmv`, `DU`, `mbar`,
//! and time references (`days since 1970-01-01`: the time unit, and the epoch
//! as text).
//!
//! Temperatures carry their kind in the CF 1.11 `units_metadata` attribute:
//! `temperature: difference` (an interval: an anomaly, a trend),
//! `temperature: on_scale` (a point), `temperature: unknown`.

use crate::error::{Error, Result};
use crate::units::dimension::Dimension;
use crate::units::format::Format;
use crate::units::temperature::interval_of;
use crate::units::unit::{Kind, Unit};

pub use crate::units::cf_names::Dialect;

/// CF 1.11 `units_metadata` of a temperature.
pub const DIFFERENCE: &str = "temperature: difference";
pub const ON_SCALE: &str = "temperature: on_scale";
pub const UNKNOWN: &str = "temperature: unknown";

/// A CF `units` attribute read: the unit, and the epoch of a time
/// reference (`days since 1970-01-01` → day and `1970-01-01`).
#[derive(Clone, Debug)]
pub struct CfUnit {
    pub unit: Unit,
    pub epoch: Option<String>,
}

fn parse_err(text: &str, position: usize, message: String) -> Error {
    Error::Parse {
        message,
        text: text.to_string(),
        position,
    }
}

/// Where the word `since` (UDUNITS-2's time-reference operator, also
/// `after`, `from`, `ref`) starts in `text`, and its length.
fn reference_word(text: &str) -> Option<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    ["since", "after", "from", "ref"]
        .iter()
        .filter_map(|w| {
            let mut at = 0;
            while let Some(i) = lower[at..].find(w) {
                let s = at + i;
                let e = s + w.len();
                let before = lower[..s].chars().next_back();
                let after = lower[e..].chars().next();
                if before.is_some_and(char::is_whitespace) && after.is_some_and(char::is_whitespace)
                {
                    return Some((s, w.len()));
                }
                at = e;
            }
            None
        })
        .min()
}

/// Parses a CF `units` attribute, with the `units_metadata` attribute when
/// the file has one.
pub fn parse_cf(text: &str, metadata: Option<&str>) -> Result<CfUnit> {
    let (unit_text, epoch) = match reference_word(text) {
        Some((at, len)) => {
            let epoch = text[at + len..].trim();
            if epoch.is_empty() {
                return Err(parse_err(
                    text,
                    text.chars().count(),
                    "a time reference needs an epoch after the word".to_string(),
                ));
            }
            (&text[..at], Some(epoch.to_string()))
        }
        None => (text, None),
    };
    let unit = crate::units::parse::parse_in(unit_text, Dialect::Cf)?;
    if epoch.is_some() && unit.dimension() != Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]) {
        return Err(parse_err(
            text,
            0,
            format!(
                "a time reference ('days since 1970-01-01') needs a time unit before the \
                 reference word, got {:?}",
                unit.symbol()
            ),
        ));
    }
    let unit = apply_metadata(text, unit, metadata)?;
    Ok(CfUnit { unit, epoch })
}

/// The temperature kind that `units_metadata` states.
fn apply_metadata(text: &str, unit: Unit, metadata: Option<&str>) -> Result<Unit> {
    let Some(meta) = metadata.map(str::trim) else {
        return Ok(unit);
    };
    let is_temperature = unit.dimension() == Dimension::TEMPERATURE;
    match meta {
        DIFFERENCE if is_temperature => interval_of(&unit),
        DIFFERENCE if unit.has_offset() => interval_of(&unit),
        ON_SCALE if is_temperature && unit.kind() == Kind::Interval => Err(parse_err(
            text,
            0,
            format!("units_metadata {ON_SCALE:?} contradicts the difference unit {text:?}"),
        )),
        DIFFERENCE | ON_SCALE | UNKNOWN if !is_temperature => Err(parse_err(
            text,
            0,
            format!("units_metadata {meta:?} is for temperatures, but the units are {text:?}"),
        )),
        ON_SCALE | UNKNOWN => Ok(unit),
        _ => Err(parse_err(
            text,
            0,
            format!(
                "unknown units_metadata {meta:?}: CF 1.11 has {DIFFERENCE:?}, {ON_SCALE:?} \
                 and {UNKNOWN:?}"
            ),
        )),
    }
}

/// The `units` attribute (and `units_metadata`, for temperature points and
/// differences) that UDUNITS-2 reads as `u`. Fractional powers, which
/// UDUNITS-2 cannot write, are an error.
pub fn to_cf(u: &Unit) -> Result<(String, Option<&'static str>)> {
    if let Some(t) = u.terms().iter().find(|t| !t.exp.is_integer()) {
        return Err(Error::Invalid(format!(
            "the unit {:?} has the fractional power {} of {:?}, which UDUNITS-2 (CF units \
             attributes) cannot write; convert the data to a unit with integer powers",
            u.symbol(),
            t.exp,
            &*t.name.unicode
        )));
    }
    let text = u.to_string_in(Format::Cf);
    let meta = match u.kind() {
        Kind::Interval if u.dimension() == Dimension::TEMPERATURE => Some(DIFFERENCE),
        Kind::Point if u.dimension() == Dimension::TEMPERATURE => Some(ON_SCALE),
        _ => None,
    };
    Ok((text, meta))
}
