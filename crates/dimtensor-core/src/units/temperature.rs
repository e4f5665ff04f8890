//! Temperature units in unit algebra and messages: the interval unit of a
//! point (°C → Δ°C), and the one wording of an offset-unit error, used by
//! unit algebra here and by the rule table above.

use crate::error::{Error, Result};
use crate::units::dimension::Dimension;
use crate::units::format::Format;
use crate::units::registry::registry;
use crate::units::unit::{close, Name, Unit};

/// The unit of a difference of two values in `u`. For a point (an offset
/// unit) it is the interval unit of the same scale: `delta_degC` for degC,
/// `delta_degF` for degF, `Δ<symbol>` for others. Any other unit is its own.
pub fn interval_of(u: &Unit) -> Result<Unit> {
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
        udunits: false,
    };
    let difference = Unit::named(name, u.dimension(), u.scale(), 0.0)?;
    if u.dimension() == Dimension::TEMPERATURE {
        difference.into_interval()
    } else {
        Ok(difference)
    }
}

/// An offset-unit error that names the unit and the two ways out (the one
/// wording, also used by unit algebra).
pub fn offset_error(name: &str, u: &Unit, problem: &str) -> Error {
    let sym = symbol(u);
    let absolute = symbol(&registry().to_base(u));
    let delta = interval_of(u).map_or_else(
        |_| "delta_degC".to_string(),
        |d| d.to_string_in(Format::Ascii),
    );
    Error::Offset(format!(
        "{name}: {problem}: a value in the offset unit '{sym}' is a point on a shifted scale, \
         not an amount that scales; convert to the absolute unit '{absolute}' first, \
         or use the interval unit '{delta}'"
    ))
}

fn symbol(u: &Unit) -> String {
    let s = u.symbol();
    if s.is_empty() {
        "1".into()
    } else {
        s
    }
}
