//! The names of the CF dialect: where UDUNITS-2 (the unit library the CF
//! conventions name) reads a name otherwise than the default registry
//! (`CF_NAMES`): `yr`/`year` is the tropical year, `a` the are, `month` a
//! twelfth of the tropical year, `cal` the International Table calorie, `gal`
//! the galileo, `ppt` 1e-12, `Torr` the conventional millimetre of mercury,
//! `acre` the US survey acre; names that UDUNITS-2 reads as a prefixed unit
//! nobody writes (`nmi`: nanomile, `Eh`: exahour) are refused
//! (`CF_REFUSED`). The parser reads words in the CF dialect from these tables; reading
//! and writing whole `units` attributes is [`super::cf`].

use std::str::FromStr;

use crate::error::{Error, Result};

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
pub(crate) type CfDef = (
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
pub(crate) const CF_NAMES: &[CfDef] = &[
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
pub(crate) const CF_REFUSED: &[(&str, &str)] = &[
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
