//! The CF dialect: the unit text of netCDF and zarr `units` attributes, read
//! as UDUNITS-2 (the unit library the CF conventions name) reads it, and
//! written so that UDUNITS-2 reads it back as the same unit.
//!
//! Reading differs from the default dialect only where UDUNITS-2 gives a
//! name another meaning ([`CF_NAMES`]): `yr`/`year` is the tropical year,
//! `a` the are, `month` a twelfth of the tropical year, `cal` the
//! International Table calorie, `gal` the galileo, `ppt` 1e-12, `Torr` the
//! conventional millimetre of mercury, `acre` the US survey acre. Names that
//! UDUNITS-2 reads as a prefixed unit nobody writes (`nmi`: nanomile, `Eh`:
//! exahour) are refused ([`CF_REFUSED`]). CF's own strings parse too: `1`,
//! `%`, `psu` (1e-3), `degrees_north`, `ppmv`, `DU`, `mbar`, and time
//! references (`days since 1970-01-01`: the time unit, and the epoch as text).
//!
//! Temperatures carry their kind in the CF 1.11 `units_metadata` attribute:
//! `temperature: difference` (an interval: an anomaly, a trend),
//! `temperature: on_scale` (a point), `temperature: unknown`.

use std::str::FromStr;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::units::dimension::Dimension;
use crate::units::format::Format;
use crate::units::temperature::interval_of;
use crate::units::unit::{Kind, Name, Unit};

/// Which reading of unit names a parse uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// dimtensor's registry.
    Default,
    /// CF/UDUNITS-2, for the `units` attributes of files.
    Cf,
}

impl FromStr for Dialect {
    type Err = Error;
    fn from_str(s: &str) -> Result<Dialect> {
        match s {
            "default" | "dimtensor" => Ok(Dialect::Default),
            "cf" | "udunits" => Ok(Dialect::Cf),
            _ => Err(Error::Invalid(format!(
                "unknown unit dialect {s:?}: expected 'default' or 'cf'"
            ))),
        }
    }
}

/// UDUNITS-2's tropical year, s (its `year`, `yr`).
const TROPICAL_YEAR: f64 = 31_556_925.974_7;
/// UDUNITS-2's International Table calorie, J.
const CALORIE_IT: f64 = 4.1868;
/// The US survey foot, m.
const SURVEY_FOOT: f64 = 1200.0 / 3937.0;

/// How a CF name is built: (names, base unit text in the default dialect,
/// factor, the name written back, the name in unicode). A factor of 1 makes
/// the names other names of the registry's base unit.
type CfDef = (
    &'static [&'static str],
    &'static str,
    f64,
    &'static str,
    &'static str,
);

/// Names UDUNITS-2 reads otherwise than dimtensor's registry. Each name
/// listed here means, in the CF dialect, `factor × base`, under the given
/// symbol (so that it is not mistaken for the registry's unit of the same
/// name: `yr` here prints as `tropical_year`).
const CF_NAMES: &[CfDef] = &[
    (
        &["yr", "year", "years"],
        "s",
        TROPICAL_YEAR,
        "yr",
        "tropical_year",
    ),
    (
        &["kyr", "kiloyear", "kiloyears"],
        "s",
        TROPICAL_YEAR * 1e3,
        "kyr",
        "ktropical_year",
    ),
    (
        &["Myr", "megayear", "megayears"],
        "s",
        TROPICAL_YEAR * 1e6,
        "Myr",
        "Mtropical_year",
    ),
    (
        &["Gyr", "gigayear", "gigayears"],
        "s",
        TROPICAL_YEAR * 1e9,
        "Gyr",
        "Gtropical_year",
    ),
    (
        &["month", "months"],
        "s",
        TROPICAL_YEAR / 12.0,
        "month",
        "udunits_month",
    ),
    (&["a", "are", "ares"], "m^2", 100.0, "are", "are"),
    (&["ka"], "m^2", 1e5, "kare", "kare"),
    (&["Ma"], "m^2", 1e8, "Mare", "Mare"),
    (&["Ga"], "m^2", 1e11, "Gare", "Gare"),
    (
        &["cal", "calorie", "calories"],
        "J",
        CALORIE_IT,
        "cal",
        "cal_IT",
    ),
    (
        &["kcal", "kilocalorie", "kilocalories"],
        "J",
        CALORIE_IT * 1e3,
        "kcal",
        "kcal_IT",
    ),
    (&["gal"], "Gal", 1.0, "gal", "Gal"),
    (&["ppt"], "pptv", 1.0, "pptv", "pptv"),
    (&["Torr", "torr"], "mmHg", 1.0, "mmHg", "mmHg"),
    (&["mTorr"], "mmHg", 1e-3, "mTorr", "mTorr_Hg"),
    (
        &["µTorr", "uTorr", "μTorr"],
        "mmHg",
        1e-6,
        "uTorr",
        "µTorr_Hg",
    ),
    (
        &["acre", "acres"],
        "m^2",
        43_560.0 * SURVEY_FOOT * SURVEY_FOOT,
        "acre",
        "acre_US_survey",
    ),
    (
        &["acre_foot", "acre_feet"],
        "m^3",
        1233.489,
        "acre_foot",
        "acre_foot_UDUNITS",
    ),
    (
        &["footcandle", "footcandles"],
        "lx",
        0.107_639_1,
        "footcandle",
        "footcandle_UDUNITS",
    ),
    (
        &["oz"],
        "m^3",
        2.957_353_125e-5,
        "fluid_ounce",
        "fluid_ounce",
    ),
    (&["ton", "tons"], "short_ton", 1.0, "short_ton", "short_ton"),
    (&["mil", "mils"], "thou", 1.0, "mil", "thou"),
    (&["cycle", "cycles"], "turn", 1.0, "cycle", "turn"),
    (&["barrel", "barrels"], "bbl", 1.0, "barrel", "bbl"),
    (
        &["therm", "therms"],
        "J",
        105_480_400.0,
        "therm",
        "therm_US",
    ),
    // CF's own strings that the registry has no name for.
    (&["psu", "PSU"], "1", 1e-3, "1e-3", "psu"),
];

/// Names UDUNITS-2 reads as a prefixed unit nobody means.
const CF_REFUSED: &[(&str, &str)] = &[
    (
        "nmi",
        "UDUNITS-2 reads it as the nanomile; write nautical_mile",
    ),
    (
        "Eh",
        "UDUNITS-2 reads it as the exahour; write hartree in J (4.3597447222060e-18 J)",
    ),
    ("Gs", "UDUNITS-2 reads it as the gigasecond; write gauss"),
    ("mph", "UDUNITS-2 reads it as the milliphot; write mi h-1"),
    (
        "TR",
        "UDUNITS-2 reads it as the teraroentgen; write the power in W",
    ),
];

enum Entry {
    Unit(Unit),
    Refused(&'static str),
}

fn table() -> &'static FxHashMap<&'static str, Entry> {
    static TABLE: OnceLock<FxHashMap<&'static str, Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = FxHashMap::default();
        for &(names, base, factor, cf, unicode) in CF_NAMES {
            let base = crate::units::parse::parse(base).expect("CF base unit parses");
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
        for &(n, why) in CF_REFUSED {
            t.insert(n, Entry::Refused(why));
        }
        t
    })
}

/// How a name reads in the CF dialect where it differs from the registry:
/// `Some(Ok(unit))`, `Some(Err(why))` for a refused name, None to use the
/// registry.
pub fn lookup_cf(word: &str) -> Option<std::result::Result<Unit, &'static str>> {
    match table().get(word)? {
        Entry::Unit(u) => Some(Ok(u.clone())),
        Entry::Refused(why) => Some(Err(why)),
    }
}

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
