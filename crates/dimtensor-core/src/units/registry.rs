//! The unit registry: every named unit, its symbols in each format, long
//! names, plurals and customary prefixes. Built once, read-only afterwards.
//!
//! Names are registered in two passes, unprefixed first, so a prefixed form
//! never shadows a unit in its own right (`Pa` is the pascal, `ft` the foot).

use std::collections::hash_map::Entry;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::units::dimension::Dimension;
use crate::units::unit::{close, Name, NameRef, Term, Unit};

/// One SI prefix: symbol, ASCII symbol, long name, power of ten.
struct Prefix {
    sym: &'static str,
    ascii: &'static str,
    long: &'static [&'static str],
    exp: i32,
}

const fn px(sym: &'static str, long: &'static [&'static str], exp: i32) -> Prefix {
    Prefix {
        sym,
        ascii: sym,
        long,
        exp,
    }
}

/// All 24 SI prefixes, quetta to quecto.
const SI_PREFIXES: [Prefix; 24] = [
    px("Q", &["quetta"], 30),
    px("R", &["ronna"], 27),
    px("Y", &["yotta"], 24),
    px("Z", &["zetta"], 21),
    px("E", &["exa"], 18),
    px("P", &["peta"], 15),
    px("T", &["tera"], 12),
    px("G", &["giga"], 9),
    px("M", &["mega"], 6),
    px("k", &["kilo"], 3),
    px("h", &["hecto"], 2),
    px("da", &["deca", "deka"], 1),
    px("d", &["deci"], -1),
    px("c", &["centi"], -2),
    px("m", &["milli"], -3),
    Prefix {
        sym: "µ",
        ascii: "u",
        long: &["micro"],
        exp: -6,
    },
    px("n", &["nano"], -9),
    px("p", &["pico"], -12),
    px("f", &["femto"], -15),
    px("a", &["atto"], -18),
    px("z", &["zepto"], -21),
    px("y", &["yocto"], -24),
    px("r", &["ronto"], -27),
    px("q", &["quecto"], -30),
];

/// Other spellings of the micro sign accepted on input (Greek mu, which is
/// also what Python identifiers normalise `µ` to, and ASCII `u`).
const MICRO_ALIASES: [&str; 2] = ["μ", "u"];

/// More names for some prefixed forms (`micron` is the µm).
const PREFIXED_ALIASES: [(&str, &[&str]); 4] = [
    ("µm", &["micron", "microns"]),
    ("fm", &["fermi", "fermis"]),
    ("mGal", &["milligal", "milligals"]),
    ("µGal", &["microgal", "microgals"]),
];

/// Names that are not units, with the reason and what to write instead:
/// each is read as two different units in common use (or as a shifted
/// scale), and a guess would be a wrong number with a right-looking unit.
const REFUSED: [(&str, &str); 13] = [
    ("ppt", "it means parts per thousand (salinity) or parts per trillion (UDUNITS); write permille (‰, 1e-3) or pptv (1e-12)"),
    ("ton", "it means the short ton (2000 lb), the long ton (2240 lb) or the tonne (1000 kg); write short_ton, long_ton or t"),
    ("tons", "it means the short ton (2000 lb), the long ton (2240 lb) or the tonne (1000 kg); write short_tons, long_tons or t"),
    ("mil", "it means a thousandth of an inch (UDUNITS, astropy) or an angle (pint); write thou for the length, mrad for the angle"),
    ("mils", "it means a thousandth of an inch (UDUNITS, astropy) or an angle (pint); write thou for the length, mrad for the angle"),
    ("cycle", "UDUNITS, pint and astropy read it as 2π rad, so that cycle/s would be 2π Hz; write turn for the angle, Hz for cycles per second"),
    ("cycles", "UDUNITS, pint and astropy read it as 2π rad, so that cycles/s would be 2π Hz; write turn for the angle, Hz for cycles per second"),
    ("barrel", "it means the petroleum barrel (42 US gal) or the US liquid barrel (31.5 US gal); write bbl (oil_barrel) for 42 US gal, or gal"),
    ("barrels", "it means the petroleum barrel (42 US gal) or the US liquid barrel (31.5 US gal); write bbl (oil_barrel) for 42 US gal, or gal"),
    ("therm", "the US therm (105.4804 MJ) and the EC therm (105.506 MJ) differ; write MJ"),
    ("Cal", "the food Calorie is 1000 cal; write kcal (or cal for the small calorie)"),
    ("psig", "gauge pressure is measured from the local atmospheric pressure, not from zero: a shifted scale with no fixed offset; write the absolute pressure in psi, or the difference as a pressure"),
    ("barg", "gauge pressure is measured from the local atmospheric pressure, not from zero: a shifted scale with no fixed offset; write the absolute pressure in bar, or the difference as a pressure"),
];

/// IEC binary prefixes (powers of 1024), for bit and byte.
const BINARY_PREFIXES: [(&str, &str, i32); 8] = [
    ("Ki", "kibi", 10),
    ("Mi", "mebi", 20),
    ("Gi", "gibi", 30),
    ("Ti", "tebi", 40),
    ("Pi", "pebi", 50),
    ("Ei", "exbi", 60),
    ("Zi", "zebi", 70),
    ("Yi", "yobi", 80),
];

/// Which prefixes a unit takes.
#[derive(Clone, Copy)]
enum Prefixes {
    None,
    /// All 24 SI prefixes.
    All,
    /// Only the listed SI prefix symbols.
    Only(&'static [&'static str]),
    /// SI prefixes k and above plus the binary prefixes.
    Data,
}

/// A unit's scale: decimal text keeps prefixed scales correctly rounded
/// (`mg` is exactly the double nearest 1e-6), other values are multiplied.
#[derive(Clone, Copy)]
enum Scale {
    Dec(&'static str),
    Val(f64),
}

impl Scale {
    fn value(self) -> f64 {
        match self {
            Scale::Dec(s) => s.parse().expect("registry scale literal"),
            Scale::Val(v) => v,
        }
    }

    /// The scale times 10^exp, rounded once.
    fn times_pow10(self, exp: i32) -> f64 {
        match self {
            Scale::Dec(s) => {
                let (mant, e) = s.split_once('e').unwrap_or((s, "0"));
                let e: i32 = e.parse().expect("registry scale exponent");
                format!("{mant}e{}", e + exp)
                    .parse()
                    .expect("registry prefixed scale")
            }
            Scale::Val(v) => v * format!("1e{exp}").parse::<f64>().expect("power of ten"),
        }
    }
}

struct Def {
    sym: &'static str,
    ascii: Option<&'static str>,
    latex: Option<&'static str>,
    cf: Option<&'static str>,
    /// Other symbols, not prefixed (`hr`, `°C`).
    aliases: &'static [&'static str],
    /// Long names and plurals; these take long prefixes (`kilometres`).
    long: &'static [&'static str],
    dim: Dimension,
    scale: Scale,
    offset: f64,
    /// A temperature difference (Δ°C, Δ°F).
    interval: bool,
    prefixes: Prefixes,
    /// A target of `Unit::simplified` (coherent SI units with special names).
    simplify: bool,
    /// UDUNITS-2 reads the CF name (`cf`, else the ASCII symbol), prefixed
    /// as this unit takes prefixes, as this very unit (checked against
    /// udunits2 by tests/units/test_cf.py); when not, CF text writes the unit in
    /// SI base units with its scale.
    udunits: bool,
}

fn def(sym: &'static str, dim: [i16; 7], scale: Scale) -> Def {
    Def {
        sym,
        ascii: None,
        latex: None,
        cf: None,
        aliases: &[],
        long: &[],
        dim: Dimension::from_ints(dim),
        scale,
        offset: 0.0,
        interval: false,
        prefixes: Prefixes::None,
        simplify: false,
        udunits: true,
    }
}

impl Def {
    fn long(mut self, names: &'static [&'static str]) -> Def {
        self.long = names;
        self
    }
    fn alias(mut self, names: &'static [&'static str]) -> Def {
        self.aliases = names;
        self
    }
    fn ascii(mut self, s: &'static str) -> Def {
        self.ascii = Some(s);
        self
    }
    fn latex(mut self, s: &'static str) -> Def {
        self.latex = Some(s);
        self
    }
    fn cf(mut self, s: &'static str) -> Def {
        self.cf = Some(s);
        self
    }
    fn prefixes(mut self, p: Prefixes) -> Def {
        self.prefixes = p;
        self
    }
    fn offset(mut self, o: f64) -> Def {
        self.offset = o;
        self
    }
    fn interval(mut self) -> Def {
        self.interval = true;
        self
    }
    fn simplify(mut self) -> Def {
        self.simplify = true;
        self
    }
    /// UDUNITS-2 has no name for this unit (or reads its names as another
    /// unit): CF text writes it in SI base units.
    fn not_udunits(mut self) -> Def {
        self.udunits = false;
        self
    }
}

// Dimension exponents in base order: L, M, T, I, Θ, N, J.
const NONE: [i16; 7] = [0, 0, 0, 0, 0, 0, 0];
const LEN: [i16; 7] = [1, 0, 0, 0, 0, 0, 0];
const AREA: [i16; 7] = [2, 0, 0, 0, 0, 0, 0];
const VOLUME: [i16; 7] = [3, 0, 0, 0, 0, 0, 0];
const MASS: [i16; 7] = [0, 1, 0, 0, 0, 0, 0];
const TIME: [i16; 7] = [0, 0, 1, 0, 0, 0, 0];
const RATE: [i16; 7] = [0, 0, -1, 0, 0, 0, 0];
const CURRENT: [i16; 7] = [0, 0, 0, 1, 0, 0, 0];
const TEMP: [i16; 7] = [0, 0, 0, 0, 1, 0, 0];
const AMOUNT: [i16; 7] = [0, 0, 0, 0, 0, 1, 0];
const LUMI: [i16; 7] = [0, 0, 0, 0, 0, 0, 1];
const SPEED: [i16; 7] = [1, 0, -1, 0, 0, 0, 0];
const FORCE: [i16; 7] = [1, 1, -2, 0, 0, 0, 0];
const PRESSURE: [i16; 7] = [-1, 1, -2, 0, 0, 0, 0];
const ENERGY: [i16; 7] = [2, 1, -2, 0, 0, 0, 0];
const POWER: [i16; 7] = [2, 1, -3, 0, 0, 0, 0];
const DOSE: [i16; 7] = [2, 0, -2, 0, 0, 0, 0];
const VISCOSITY: [i16; 7] = [-1, 1, -1, 0, 0, 0, 0];
const KINEMATIC: [i16; 7] = [2, 0, -1, 0, 0, 0, 0];
const MAG_FIELD: [i16; 7] = [0, 1, -2, -1, 0, 0, 0];
const ACCEL: [i16; 7] = [1, 0, -2, 0, 0, 0, 0];
const CHARGE: [i16; 7] = [0, 0, 1, 1, 0, 0, 0];
const MOLARITY: [i16; 7] = [-3, 0, 0, 0, 0, 1, 0];
const COLUMN_AMOUNT: [i16; 7] = [-2, 0, 0, 0, 0, 1, 0];
const FLOW: [i16; 7] = [3, 0, -1, 0, 0, 0, 0];
const SPECTRAL_FLUX: [i16; 7] = [0, 1, -2, 0, 0, 0, 0];
const DIPOLE: [i16; 7] = [1, 0, 1, 1, 0, 0, 0];
const MAG_FLUX: [i16; 7] = [2, 1, -2, -1, 0, 0, 0];
const H_FIELD: [i16; 7] = [-1, 0, 0, 1, 0, 0, 0];
const LUMINANCE: [i16; 7] = [-2, 0, 0, 0, 0, 0, 1];

use Prefixes::{All, Data, Only};
use Scale::{Dec, Val};

const PI: f64 = std::f64::consts::PI;
/// Julian year, 365.25 days.
const YEAR: f64 = 31_557_600.0;
const AU: f64 = 149_597_870_700.0;
const LBF: f64 = 0.453_592_37 * 9.806_65;
const INCH: f64 = 0.0254;
/// The pound-force, N, exactly (0.45359237 kg × 9.80665 m/s², NIST SP 811 B.8).
const LBF_EXACT: f64 = 4.448_221_615_260_5;
/// The international foot, m.
const FOOT: f64 = 0.3048;
/// The international table Btu, J (the registry's `BTU`).
const BTU_IT: f64 = 1_055.055_852_62;
/// The molar gas constant k·N_A, J/(mol·K), exact since the 2019 SI.
const GAS_CONSTANT: f64 = 1.380_649e-23 * 6.022_140_76e23;
/// IAU 2015 Resolution B3 nominal mass parameters (GM)ᴺ, m³/s².
const GM_SUN: f64 = 1.327_124_4e20;
const GM_EARTH: f64 = 3.986_004e14;
const GM_JUPITER: f64 = 1.266_865_3e17;

/// A CODATA 2022 value from the constants table (one copy of each number).
fn codata(key: &str) -> f64 {
    crate::units::constants::codata()
        .iter()
        .find(|c| c.key == key)
        .map(|c| c.value)
        .expect("registry constant is in the CODATA table")
}

fn definitions() -> Vec<Def> {
    vec![
        // SI base units (the kilogram comes from the gram's prefixes).
        def("m", LEN, Dec("1"))
            .long(&["metre", "meter", "metres", "meters"])
            .prefixes(All)
            .simplify(),
        def("g", MASS, Dec("1e-3"))
            .long(&["gram", "gramme", "grams", "grammes"])
            .prefixes(All)
            .simplify(),
        def("s", TIME, Dec("1"))
            .alias(&["sec"])
            .long(&["second", "seconds"])
            .prefixes(All)
            .simplify(),
        def("A", CURRENT, Dec("1"))
            .long(&["ampere", "amperes", "amp", "amps"])
            .prefixes(All)
            .simplify(),
        def("K", TEMP, Dec("1"))
            .long(&["kelvin", "kelvins"])
            .prefixes(All)
            .simplify(),
        def("mol", AMOUNT, Dec("1"))
            .long(&["mole", "moles"])
            .prefixes(All)
            .simplify(),
        def("cd", LUMI, Dec("1"))
            .long(&["candela", "candelas"])
            .prefixes(All)
            .simplify(),
        // The 22 SI derived units with special names.
        def("rad", NONE, Dec("1"))
            .long(&["radian", "radians"])
            .prefixes(Only(&["m", "µ", "n"])),
        def("sr", NONE, Dec("1")).long(&["steradian", "steradians"]),
        def("Hz", RATE, Dec("1")).long(&["hertz"]).prefixes(All),
        def("N", FORCE, Dec("1"))
            .long(&["newton", "newtons"])
            .prefixes(All)
            .simplify(),
        def("Pa", PRESSURE, Dec("1"))
            .long(&["pascal", "pascals"])
            .prefixes(All)
            .simplify(),
        def("J", ENERGY, Dec("1"))
            .long(&["joule", "joules"])
            .prefixes(All)
            .simplify(),
        def("W", POWER, Dec("1"))
            .long(&["watt", "watts"])
            .prefixes(All)
            .simplify(),
        def("C", [0, 0, 1, 1, 0, 0, 0], Dec("1"))
            .long(&["coulomb", "coulombs"])
            .prefixes(All)
            .simplify(),
        def("V", [2, 1, -3, -1, 0, 0, 0], Dec("1"))
            .long(&["volt", "volts"])
            .prefixes(All)
            .simplify(),
        def("F", [-2, -1, 4, 2, 0, 0, 0], Dec("1"))
            .long(&["farad", "farads"])
            .prefixes(All)
            .simplify(),
        def("\u{3a9}", [2, 1, -3, -2, 0, 0, 0], Dec("1"))
            .ascii("ohm")
            .latex("\\Omega")
            .alias(&["\u{2126}"])
            .long(&["ohm", "ohms"])
            .prefixes(All)
            .simplify(),
        def("S", [-2, -1, 3, 2, 0, 0, 0], Dec("1"))
            .alias(&["mho"])
            .long(&["siemens", "mhos"])
            .prefixes(All)
            .simplify(),
        def("Wb", [2, 1, -2, -1, 0, 0, 0], Dec("1"))
            .long(&["weber", "webers"])
            .prefixes(All)
            .simplify(),
        def("T", MAG_FIELD, Dec("1"))
            .long(&["tesla", "teslas"])
            .prefixes(All)
            .simplify(),
        def("H", [2, 1, -2, -2, 0, 0, 0], Dec("1"))
            .long(&["henry", "henries", "henrys"])
            .prefixes(All)
            .simplify(),
        def("°C", TEMP, Dec("1"))
            .ascii("degC")
            .latex("{}^{\\circ}C")
            .alias(&["degC", "℃", "deg_C", "degreeC", "degreesC"])
            .long(&[
                "celsius",
                "Celsius",
                "degree_Celsius",
                "degrees_Celsius",
                "degree_C",
                "degrees_C",
            ])
            .offset(273.15),
        def("lm", LUMI, Dec("1"))
            .long(&["lumen", "lumens"])
            .prefixes(All),
        def("lx", [-2, 0, 0, 0, 0, 0, 1], Dec("1"))
            .long(&["lux"])
            .prefixes(All),
        def("Bq", RATE, Dec("1"))
            .long(&["becquerel", "becquerels"])
            .prefixes(All),
        def("Gy", DOSE, Dec("1"))
            .long(&["gray", "grays"])
            .prefixes(All),
        def("Sv", DOSE, Dec("1"))
            .long(&["sievert", "sieverts"])
            .prefixes(All),
        def("kat", [0, 0, -1, 0, 0, 1, 0], Dec("1"))
            .long(&["katal", "katals"])
            .prefixes(All),
        // Time.
        def("min", TIME, Dec("60")).long(&["minute", "minutes"]),
        def("h", TIME, Dec("3600"))
            .alias(&["hr"])
            .long(&["hour", "hours"]),
        def("d", TIME, Dec("86400")).long(&["day", "days"]),
        def("yr", TIME, Val(YEAR))
            .cf("julian_year")
            .alias(&["a"])
            .long(&["year", "years", "julian_year", "Julian_year"])
            .prefixes(Only(&["k", "M", "G"])),
        // Angles (dimensionless, per SI).
        def("°", NONE, Val(PI / 180.0))
            .ascii("deg")
            .latex("{}^{\\circ}")
            .cf("degree")
            .alias(&[
                "deg",
                "degrees_north",
                "degree_north",
                "degrees_N",
                "degree_N",
                "degreesN",
                "degreeN",
                "degrees_east",
                "degree_east",
                "degrees_E",
                "degree_E",
                "degreesE",
                "degreeE",
            ])
            .long(&["degree", "degrees", "arc_degree"]),
        def("′", NONE, Val(PI / 10_800.0))
            .ascii("arcmin")
            .latex("{}^{\\prime}")
            .alias(&["arcmin"])
            .long(&["arcminute", "arcminutes", "arc_minute", "arc_minutes"]),
        def("″", NONE, Val(PI / 648_000.0))
            .ascii("arcsec")
            .latex("{}^{\\prime\\prime}")
            .alias(&["arcsec"])
            .long(&["arcsecond", "arcseconds", "arc_second", "arc_seconds"]),
        def("mas", NONE, Val(PI / 648_000_000.0))
            .not_udunits()
            .long(&["milliarcsecond", "milliarcseconds"]),
        def("µas", NONE, Val(PI / 648_000_000_000.0))
            .not_udunits()
            .ascii("uas")
            .latex("\\mu as")
            .alias(&["μas", "uas"])
            .long(&["microarcsecond", "microarcseconds"]),
        // Accepted non-SI and other common units.
        def("L", VOLUME, Dec("1e-3"))
            .alias(&["l"])
            .long(&["litre", "liter", "litres", "liters"])
            .prefixes(All),
        def("t", MASS, Dec("1e3"))
            .long(&["tonne", "tonnes", "metric_ton", "metric_tons"])
            .prefixes(Only(&["k", "M", "G"])),
        def("ha", AREA, Dec("1e4")).long(&["hectare", "hectares"]),
        def("Da", MASS, Dec("1.66053906892e-27"))
            .not_udunits()
            .alias(&["u", "amu"])
            .long(&["dalton", "daltons", "unified_atomic_mass_unit"])
            .prefixes(Only(&["k", "M", "G"])),
        def("eV", ENERGY, Dec("1.602176634e-19"))
            .long(&[
                "electronvolt",
                "electronvolts",
                "electron_volt",
                "electron_volts",
            ])
            .prefixes(All),
        def("au", LEN, Val(AU))
            .alias(&["AU", "ua"])
            .long(&["astronomical_unit", "astronomical_units"]),
        def("pc", LEN, Val(AU * 648_000.0 / PI))
            .cf("parsec")
            .long(&["parsec", "parsecs"])
            .prefixes(Only(&["k", "M", "G"])),
        def("ly", LEN, Val(299_792_458.0 * YEAR))
            .cf("light_year")
            .alias(&["lyr"])
            .long(&["light_year", "light_years", "lightyear", "lightyears"]),
        def("\u{c5}", LEN, Dec("1e-10"))
            .ascii("angstrom")
            .latex("\\mathring{A}")
            .alias(&["\u{212b}", "Angstrom"])
            .long(&["angstrom", "angstroms", "ångström", "ångströms"]),
        // Pressure.
        // `bar` is also a long name, so that `millibar`, `decibar` parse.
        def("bar", PRESSURE, Dec("1e5"))
            .long(&["bar", "bars"])
            .prefixes(Only(&["m", "k", "M", "µ", "d"])),
        def("atm", PRESSURE, Dec("101325")).long(&["atmosphere", "atmospheres"]),
        def("Torr", PRESSURE, Val(101_325.0 / 760.0))
            .not_udunits()
            .alias(&["torr"])
            .prefixes(Only(&["m", "µ"])),
        def("mmHg", PRESSURE, Dec("133.322387415"))
            .alias(&["mm_Hg"])
            .long(&[
                "millimeter_Hg",
                "millimetre_of_mercury",
                "millimeter_of_mercury",
            ]),
        def("psi", PRESSURE, Val(LBF / (INCH * INCH)))
            .alias(&["psia"])
            .long(&["pound_per_square_inch", "pounds_per_square_inch"]),
        // Energy.
        def("cal", ENERGY, Dec("4.184"))
            .cf("thermochemical_calorie")
            .long(&["calorie", "calories", "thermochemical_calorie"])
            .prefixes(Only(&["k"])),
        def("Wh", ENERGY, Dec("3600"))
            .not_udunits()
            .long(&["watt_hour", "watt_hours"])
            .prefixes(Only(&["k", "M", "G", "T"])),
        def("BTU", ENERGY, Dec("1055.05585262"))
            .alias(&["Btu"])
            .long(&["british_thermal_unit", "british_thermal_units"]),
        // Imperial and US customary.
        def("in", LEN, Dec("0.0254")).long(&["inch", "inches"]),
        def("ft", LEN, Dec("0.3048")).long(&["foot", "feet"]),
        def("yd", LEN, Dec("0.9144")).long(&["yard", "yards"]),
        def("mi", LEN, Dec("1609.344")).long(&["mile", "miles"]),
        def("nmi", LEN, Dec("1852"))
            .cf("nautical_mile")
            .long(&["nautical_mile", "nautical_miles"]),
        def("kn", SPEED, Val(1852.0 / 3600.0))
            .cf("knot")
            .alias(&["kt"])
            .long(&["knot", "knots"]),
        def("lb", MASS, Dec("0.45359237"))
            .alias(&["lbs"])
            .long(&["pound", "pounds"]),
        def("oz", MASS, Dec("0.028349523125"))
            .cf("avoirdupois_ounce")
            .long(&["ounce", "ounces"]),
        def("gal", VOLUME, Dec("3.785411784e-3"))
            .cf("gallon")
            .long(&["gallon", "gallons"]),
        // CGS.
        def("G", MAG_FIELD, Dec("1e-4"))
            .cf("gauss")
            .alias(&["Gs"])
            .long(&["gauss"])
            .prefixes(Only(&["m", "µ", "k"])),
        def("erg", ENERGY, Dec("1e-7")).long(&["ergs"]),
        def("dyn", FORCE, Dec("1e-5"))
            .cf("dyne")
            .long(&["dyne", "dynes"]),
        def("P", VISCOSITY, Dec("0.1"))
            .not_udunits()
            .long(&["poise"])
            .prefixes(Only(&["c", "m"])),
        def("St", KINEMATIC, Dec("1e-4"))
            .long(&["stokes"])
            .prefixes(Only(&["c", "m"])),
        // Dimensionless ratios.
        def("%", NONE, Dec("1e-2"))
            .latex("\\%")
            .cf("percent")
            .long(&["percent"]),
        def("ppm", NONE, Dec("1e-6"))
            .alias(&["ppmv"])
            .long(&["parts_per_million"]),
        // ppb and pptv as in UDUNITS-2 (ppmv, ppbv: its volume-ratio spellings).
        def("ppb", NONE, Dec("1e-9"))
            .alias(&["ppbv"])
            .long(&["parts_per_billion"]),
        // Parts per trillion; bare `ppt` is refused (see REFUSED). ‰ is the
        // per mille of ISO 80000-1.
        def("pptv", NONE, Dec("1e-12")).long(&["parts_per_trillion"]),
        def("\u{2030}", NONE, Dec("1e-3"))
            .not_udunits()
            .ascii("permille")
            .long(&["permille", "per_mille", "permil"]),
        // ---- Units added for everyday breadth. Each group names the standard
        // that defines it; exact definitions are kept exact (decimal text, or
        // the defining arithmetic when the value is not a terminating decimal).
        //
        // Time, consistent with the Julian `yr`: week, fortnight and month =
        // yr/12 as in UDUNITS-2 (and pint); the Julian century of 36525 d is
        // the one of IAU ephemerides.
        def("wk", TIME, Dec("604800"))
            .cf("week")
            .long(&["week", "weeks"]),
        def("fortnight", TIME, Dec("1209600")).long(&["fortnights"]),
        def("month", TIME, Val(YEAR / 12.0))
            .not_udunits()
            .long(&["months"]),
        def("century", TIME, Val(YEAR * 100.0))
            .not_udunits()
            .long(&["centuries"]),
        // Angles and rotation (dimensionless, per SI). turn = 2π rad (UDUNITS-2);
        // r/min = 2π rad / 60 s (NIST SP 811 (2008) B.8); gon = π/200 rad
        // (ISO 80000-3); the hour angle is 15° (astronomical convention).
        // Note: like rad/s, rpm converts to Hz as 1 rad/s = 1/s (SI 2019
        // angles are dimensionless); 60 rpm is 2π rad/s, not 1 Hz.
        def("turn", NONE, Val(2.0 * PI)).alias(&["rev"]).long(&[
            "turns",
            "revolution",
            "revolutions",
        ]),
        def("rpm", RATE, Val(2.0 * PI / 60.0))
            .long(&["revolution_per_minute", "revolutions_per_minute"]),
        def("gon", NONE, Val(PI / 200.0))
            .not_udunits()
            .long(&["gons", "gradian", "gradians"]),
        def("hourangle", NONE, Val(PI / 12.0))
            .not_udunits()
            .long(&["hourangles", "hour_angle"]),
        // US customary and imperial, international yard and pound of 1959
        // (NIST SP 811 (2008) B.8; NIST Handbook 44 App. C). The acre and
        // acre-foot use the international foot: the US survey foot was
        // deprecated from 2023 (Federal Register 85 FR 62698, 2020); it stays
        // available as ftUS for legacy survey data.
        def("thou", LEN, Dec("2.54e-5"))
            .not_udunits()
            .long(&["thous"]),
        def("ftUS", LEN, Val(1200.0 / 3937.0)).not_udunits().long(&[
            "US_survey_foot",
            "US_survey_feet",
            "survey_foot",
            "survey_feet",
        ]),
        def("acre", AREA, Dec("4046.8564224"))
            .not_udunits()
            .long(&["acres"]),
        def("acre_foot", VOLUME, Dec("1233.48183754752"))
            .not_udunits()
            .long(&["acre_feet"]),
        def("mph", SPEED, Dec("0.44704"))
            .not_udunits()
            .long(&["mile_per_hour", "miles_per_hour"]),
        // cm³ (UDUNITS-2); the imperial gallon and the petroleum barrel from
        // NIST SP 811 (2008) B.8.
        def("cc", VOLUME, Dec("1e-6")).long(&[
            "cubic_centimetre",
            "cubic_centimetres",
            "cubic_centimeter",
            "cubic_centimeters",
        ]),
        def("imperial_gallon", VOLUME, Dec("4.54609e-3"))
            .not_udunits()
            .long(&["imperial_gallons", "UK_gallon", "UK_gallons"]),
        // The petroleum barrel, 42 US gallons. No prefixes: the trade writes
        // Mbbl for a thousand barrels, which an SI prefix would misread.
        def("bbl", VOLUME, Dec("0.158987294928")).long(&[
            "oil_barrel",
            "oil_barrels",
            "barrel_of_oil",
            "barrels_of_oil",
        ]),
        def("gr", MASS, Dec("6.479891e-5")).long(&["grain", "grains"]),
        def("slug", MASS, Val(LBF_EXACT / FOOT)).long(&["slugs"]),
        def("short_ton", MASS, Dec("907.18474")).long(&["short_tons"]),
        def("long_ton", MASS, Dec("1016.0469088")).long(&["long_tons"]),
        // Force and pressure (NIST SP 811 (2008) B.8): lbf = 0.45359237 kg ×
        // 9.80665 m/s² exactly; kgf = 9.80665 N; kip = 1000 lbf; the
        // conventional inch of mercury is 25.4 × the registry's mmHg.
        def("lbf", FORCE, Dec("4.4482216152605")).long(&[
            "pound_force",
            "pounds_force",
            "force_pound",
        ]),
        def("gf", FORCE, Dec("9.80665e-3"))
            .long(&["gram_force", "grams_force"])
            .prefixes(Only(&["k"])),
        def("kip", FORCE, Dec("4448.2216152605")).long(&["kips"]),
        def("ksi", PRESSURE, Val(1000.0 * LBF_EXACT / (INCH * INCH)))
            .long(&["kip_per_square_inch", "kips_per_square_inch"]),
        def("inHg", PRESSURE, Dec("3386.388640341"))
            .alias(&["in_Hg"])
            .long(&[
                "inch_Hg",
                "inches_Hg",
                "inch_of_mercury",
                "inches_of_mercury",
            ]),
        // Power and energy (NIST SP 811 (2008) B.8): mechanical horsepower
        // 550 ft·lbf/s; ton of refrigeration 12000 Btu_IT/h; ton of TNT
        // 4.184e9 J by convention. Volt-ampere and var: IEC 80000-6.
        def("hp", POWER, Dec("745.69987158227022")).long(&["horsepower"]),
        def("TR", POWER, Val(BTU_IT * 12_000.0 / 3600.0))
            .not_udunits()
            .long(&[
                "ton_of_refrigeration",
                "tons_of_refrigeration",
                "refrigeration_ton",
                "refrigeration_tons",
            ]),
        def("tTNT", ENERGY, Dec("4.184e9"))
            .not_udunits()
            .long(&["ton_TNT", "tons_TNT", "ton_of_TNT", "tons_of_TNT"])
            .prefixes(Only(&["k", "M", "G"])),
        def("VA", POWER, Dec("1"))
            .long(&["volt_ampere", "volt_amperes"])
            .prefixes(Only(&["k", "M", "G"])),
        def("var", POWER, Dec("1"))
            .not_udunits()
            .long(&["var", "vars", "volt_ampere_reactive"])
            .prefixes(Only(&["k", "M", "G"])),
        // Electricity and magnetism: A·h (NIST SP 811 B.8); the debye is
        // 1e-21/c C·m (IUPAC Green Book, 2007); maxwell and oersted, the CGS
        // units beside the gauss, with their SI equivalents (NIST SP 811 B.8).
        def("Ah", CHARGE, Dec("3600"))
            .not_udunits()
            .long(&["ampere_hour", "ampere_hours", "amp_hour", "amp_hours"])
            .prefixes(Only(&["m", "k"])),
        def("D", DIPOLE, Val(1e-21 / 299_792_458.0))
            .not_udunits()
            .long(&["debye", "debyes"]),
        def("Mx", MAG_FLUX, Dec("1e-8"))
            .not_udunits()
            .long(&["maxwell", "maxwells"]),
        def("Oe", H_FIELD, Val(1000.0 / (4.0 * PI))).long(&["oersted", "oersteds", "ørsted"]),
        // Radioactivity and dose (NIST SP 811 B.8): the curie 3.7e10 Bq
        // exactly, the rem 0.01 Sv. (The dose `rad` is refused: it is the radian.)
        def("Ci", RATE, Dec("3.7e10"))
            .long(&["curie", "curies"])
            .prefixes(Only(&["k", "m", "µ", "n", "p"])),
        def("rem", DOSE, Dec("0.01"))
            .long(&["rem", "rems"])
            .prefixes(Only(&["m"])),
        // Chemistry: molar = mol/L (IUPAC Green Book, 2007); the Dobson unit,
        // 10 µm of pure ozone at 273.15 K and 101.325 kPa (IUPAC Gold Book; WMO),
        // as an amount per area: 1e-5 m × p₀/(R T₀) ≈ 446.15 µmol/m².
        def("M", MOLARITY, Dec("1e3"))
            .not_udunits()
            .long(&["molar"])
            .prefixes(Only(&["m", "µ", "n", "p", "f", "a"])),
        def(
            "DU",
            COLUMN_AMOUNT,
            Val(1e-5 * 101_325.0 / (GAS_CONSTANT * 273.15)),
        )
        .not_udunits()
        .long(&["dobson", "dobsons", "dobson_unit", "dobson_units"]),
        // Atomic units: CODATA 2022 values from the constants table; the
        // rydberg is half a hartree (hc R∞ = E_h/2).
        def("Eh", ENERGY, Val(codata("E_h")))
            .not_udunits()
            .latex("E_{\\mathrm{h}}")
            .alias(&["E_h"])
            .long(&["hartree", "hartrees"]),
        def("Ry", ENERGY, Val(codata("E_h") / 2.0))
            .not_udunits()
            .long(&["rydberg", "rydbergs"]),
        def("bohr", LEN, Val(codata("a_0")))
            .not_udunits()
            .long(&["bohrs", "bohr_radius"]),
        // Nuclear and particle physics: the barn, 1e-28 m² (NIST SP 811 B.8).
        def("b", AREA, Dec("1e-28"))
            .long(&["barn", "barns"])
            .prefixes(Only(&["m", "µ", "n", "p", "f", "a"])),
        // Geodesy, oceanography, light. Gal = 1 cm/s² and footcandle = lm/ft²
        // (NIST SP 811 B.8); sverdrup = 1e6 m³/s and nit = cd/m² (UDUNITS-2;
        // the sverdrup's symbol Sv is the sievert, so it goes by its name).
        def("Gal", ACCEL, Dec("1e-2"))
            .long(&["galileo", "galileos"])
            .prefixes(Only(&["m", "µ"])),
        def("sverdrup", FLOW, Dec("1e6")).long(&["sverdrups"]),
        def("nit", LUMINANCE, Dec("1")).long(&["nits"]),
        def("fc", LUMINANCE, Val(1.0 / (FOOT * FOOT)))
            .not_udunits()
            .long(&["footcandle", "footcandles", "foot_candle", "foot_candles"]),
        // Astronomy. The jansky, 1e-26 W m⁻² Hz⁻¹ (IAU, 1973). The foe (bethe),
        // 1e51 erg. IAU 2015 Resolution B3 nominal solar and planetary units:
        // R☉ᴺ, L☉ᴺ, equatorial R⊕ᴺ and R♃ᴺ exactly; masses from the nominal
        // mass parameters (GM)ᴺ divided by the CODATA 2022 G, as the resolution
        // prescribes (G's relative uncertainty, 2.2e-5, carries over).
        def("Jy", SPECTRAL_FLUX, Dec("1e-26"))
            .not_udunits()
            .long(&["jansky", "janskys", "Jansky"])
            .prefixes(Only(&["k", "M", "m", "µ", "n"])),
        def("foe", ENERGY, Dec("1e44"))
            .not_udunits()
            .long(&["bethe", "bethes", "foes"]),
        def("R_sun", LEN, Dec("6.957e8"))
            .not_udunits()
            .latex("R_{\\odot}")
            .alias(&["R\u{2609}", "Rsun", "solRad"])
            .long(&["solar_radius", "solar_radii"]),
        def("L_sun", POWER, Dec("3.828e26"))
            .not_udunits()
            .latex("L_{\\odot}")
            .alias(&["L\u{2609}", "Lsun", "solLum"])
            .long(&["solar_luminosity", "solar_luminosities"]),
        def("M_sun", MASS, Val(GM_SUN / codata("G")))
            .not_udunits()
            .latex("M_{\\odot}")
            .alias(&["M\u{2609}", "Msun", "solMass"])
            .long(&["solar_mass", "solar_masses"]),
        def("R_earth", LEN, Dec("6.3781e6"))
            .not_udunits()
            .latex("R_{\\oplus}")
            .alias(&["R\u{2295}", "Rearth", "earthRad"])
            .long(&["earth_radius", "earth_radii"]),
        def("M_earth", MASS, Val(GM_EARTH / codata("G")))
            .not_udunits()
            .latex("M_{\\oplus}")
            .alias(&["M\u{2295}", "Mearth", "earthMass"])
            .long(&["earth_mass", "earth_masses"]),
        def("R_jup", LEN, Dec("7.1492e7"))
            .not_udunits()
            .latex("R_{\\mathrm{J}}")
            .alias(&["Rjup", "R_jupiter", "Rjupiter", "jupiterRad"])
            .long(&["jupiter_radius", "jupiter_radii"]),
        def("M_jup", MASS, Val(GM_JUPITER / codata("G")))
            .not_udunits()
            .latex("M_{\\mathrm{J}}")
            .alias(&["Mjup", "M_jupiter", "Mjupiter", "jupiterMass"])
            .long(&["jupiter_mass", "jupiter_masses"]),
        // Offset temperatures and their intervals.
        def("°F", TEMP, Val(5.0 / 9.0))
            .ascii("degF")
            .latex("{}^{\\circ}F")
            .alias(&["degF", "℉", "deg_F", "degreeF", "degreesF"])
            .long(&[
                "fahrenheit",
                "Fahrenheit",
                "degree_Fahrenheit",
                "degrees_Fahrenheit",
                "degree_F",
                "degrees_F",
            ])
            .offset(459.67 * 5.0 / 9.0),
        def("°R", TEMP, Val(5.0 / 9.0))
            .ascii("degR")
            .latex("{}^{\\circ}R")
            .alias(&["degR"])
            .long(&["rankine", "Rankine", "degree_Rankine", "degrees_Rankine"]),
        // CF writes an interval as its scale's unit with units_metadata =
        // "temperature: difference" (CF 1.11); inside a product UDUNITS-2
        // reads degC as the interval anyway.
        def("Δ°C", TEMP, Dec("1"))
            .ascii("delta_degC")
            .cf("degC")
            .latex("\\Delta{}^{\\circ}C")
            .alias(&["delta_°C"])
            .interval(),
        def("Δ°F", TEMP, Val(5.0 / 9.0))
            .ascii("delta_degF")
            .cf("degF")
            .latex("\\Delta{}^{\\circ}F")
            .alias(&["delta_°F"])
            .interval(),
        // Information.
        def("bit", NONE, Dec("1")).long(&["bits"]).prefixes(Data),
        def("B", NONE, Dec("8"))
            .cf("byte")
            .long(&["byte", "bytes"])
            .prefixes(Data),
    ]
}

pub struct Registry {
    by_name: FxHashMap<Box<str>, Unit>,
    /// Simplification targets by dimension, in priority order.
    candidates: FxHashMap<Dimension, Vec<Unit>>,
    /// SI base units in symbol order kg, m, s, A, K, mol, cd (`kg·m²/s²`).
    base: Vec<(usize, NameRef)>,
    /// Names a unit wanted but an earlier one holds: (name, the unit that
    /// did not get it). The registry's collisions, for review by tests.
    shadowed: Vec<(Box<str>, String)>,
}

fn name_of(def: &Def, p: Option<&Prefix>) -> Name {
    let (pu, pa) = p.map_or(("", ""), |p| (p.sym, p.ascii));
    let plat = match p {
        Some(p) if p.sym == "µ" => "\\mu ",
        Some(p) => p.sym,
        None => "",
    };
    let ascii = def.ascii.unwrap_or(def.sym);
    let cf = def.cf.unwrap_or(ascii);
    // A CF name that is a long name takes the long prefix (`kiloparsec`;
    // `deka`, not `deca`, in UDUNITS-2),
    // which both UDUNITS-2 and the registry read); UDUNITS-2 has no
    // ronna/quetta/ronto/quecto (2022), so those units are written in SI.
    let cf_prefix = match p {
        Some(p) if def.long.contains(&cf) => p.long[p.long.len() - 1],
        _ => pa,
    };
    let new_prefix = p.is_some_and(|p| p.exp.abs() >= 27);
    Name {
        unicode: format!("{pu}{}", def.sym).into(),
        ascii: format!("{pa}{ascii}").into(),
        latex: format!("{plat}{}", def.latex.unwrap_or(def.sym)).into(),
        cf: format!("{cf_prefix}{cf}").into(),
        udunits: def.udunits && !new_prefix,
    }
}

impl Registry {
    fn insert(&mut self, key: String, unit: &Unit) {
        match self.by_name.entry(key.into()) {
            Entry::Vacant(v) => {
                v.insert(unit.clone());
            }
            Entry::Occupied(o) => {
                let entry = (o.key().clone(), unit.symbol());
                if !o.get().identical(unit) && !self.shadowed.contains(&entry) {
                    self.shadowed.push(entry);
                }
            }
        }
    }

    fn build() -> Registry {
        let mut reg = Registry {
            by_name: FxHashMap::default(),
            candidates: FxHashMap::default(),
            base: Vec::new(),
            shadowed: Vec::new(),
        };
        let defs = definitions();
        let make = |d: &Def, p: Option<&Prefix>, scale: f64| {
            let u = Unit::named(name_of(d, p), d.dim, scale, d.offset);
            if d.interval {
                u.and_then(Unit::into_interval)
            } else {
                u
            }
            .expect("registry units have valid scales and kinds")
        };
        // Pass 1: unprefixed symbols, aliases and long names.
        let mut prefixed = Vec::new();
        for d in &defs {
            let u = make(d, None, d.scale.value());
            let n = u.terms()[0].name;
            // The CF name of an interval is its point's (`degC`): not a key.
            let cf_key = (!d.interval).then_some(&*n.cf);
            for key in [Some(&*n.unicode), Some(&*n.ascii), cf_key]
                .into_iter()
                .flatten()
                .chain(d.aliases.iter().copied())
            {
                reg.insert(key.to_string(), &u);
            }
            for long in d.long {
                reg.insert(long.to_string(), &u);
            }
            if d.simplify {
                reg.candidates.entry(d.dim).or_default().push(u.clone());
            }
            let allowed: Vec<&Prefix> = match d.prefixes {
                Prefixes::None => vec![],
                All => SI_PREFIXES.iter().collect(),
                Only(list) => SI_PREFIXES
                    .iter()
                    .filter(|p| list.contains(&p.sym))
                    .collect(),
                Data => SI_PREFIXES.iter().filter(|p| p.exp >= 3).collect(),
            };
            for p in allowed {
                prefixed.push((d, p));
            }
        }
        // Pass 2: prefixed forms, which never replace a unit registered above.
        for (d, p) in prefixed {
            let mut name = name_of(d, Some(p));
            // A prefixed symbol taken by a unit in its own right (`Gs` is the
            // gauss, `kt` the knot) is written with its long name instead, so
            // that the text reads back as this unit (`gigasecond`, `kilotonne`).
            if let (Some(long), Some(pl)) = (d.long.first(), p.long.first()) {
                let taken = [&name.unicode, &name.ascii, &name.cf]
                    .into_iter()
                    .any(|k| reg.by_name.contains_key(&**k));
                if taken {
                    let l: Box<str> = format!("{pl}{long}").into();
                    name.unicode = l.clone();
                    name.ascii = l.clone();
                    name.cf = l;
                }
            }
            let u = Unit::named(name, d.dim, d.scale.times_pow10(p.exp), d.offset)
                .expect("registry units have valid scales");
            let mut keys = vec![
                format!("{}{}", p.sym, d.sym),
                format!("{}{}", p.ascii, d.ascii.unwrap_or(d.sym)),
            ];
            if p.sym == "µ" {
                keys.extend(MICRO_ALIASES.iter().map(|m| format!("{m}{}", d.sym)));
            }
            for long in d.long {
                keys.extend(p.long.iter().map(|pl| format!("{pl}{long}")));
            }
            for k in keys {
                reg.insert(k, &u);
            }
            if d.simplify {
                reg.candidates.entry(d.dim).or_default().push(u.clone());
            }
        }
        for (sym, names) in PREFIXED_ALIASES {
            let u = reg.by_name[sym].clone();
            for n in names {
                reg.insert(n.to_string(), &u);
            }
        }
        for d in defs.iter().filter(|d| matches!(d.prefixes, Data)) {
            for (sym, long, exp) in BINARY_PREFIXES {
                let scale = d.scale.value() * 2f64.powi(exp);
                let name = Name {
                    unicode: format!("{sym}{}", d.sym).into(),
                    ascii: format!("{sym}{}", d.sym).into(),
                    latex: format!("{sym}{}", d.sym).into(),
                    cf: format!("{sym}{}", d.sym).into(),
                    udunits: false,
                };
                let u = Unit::named(name, d.dim, scale, 0.0).expect("binary prefix scale");
                reg.insert(format!("{sym}{}", d.sym), &u);
                for l in d.long {
                    reg.insert(format!("{long}{l}"), &u);
                }
            }
        }
        for (sym, dim_index) in [
            ("kg", 1),
            ("m", 0),
            ("s", 2),
            ("A", 3),
            ("K", 4),
            ("mol", 5),
            ("cd", 6),
        ] {
            let name = reg.by_name[sym].terms()[0].name;
            reg.base.push((dim_index, name));
        }
        reg
    }

    pub fn get(&self, name: &str) -> Option<&Unit> {
        self.by_name.get(name)
    }

    /// Every registered name (symbols, aliases, long names, prefixed forms).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(|k| &**k)
    }

    /// Names that more than one unit wanted, with the symbol of the unit
    /// that did not get the name (`("Gs", "gigasecond")`: `Gs` is the gauss).
    pub fn shadowed(&self) -> &[(Box<str>, String)] {
        &self.shadowed
    }

    /// Why `name` is deliberately not a unit, and what to write instead
    /// (`ppt`: parts per thousand or per trillion).
    pub fn refusal(&self, name: &str) -> Option<&'static str> {
        REFUSED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, why)| *why)
    }

    /// Every deliberately refused name.
    pub fn refused_names(&self) -> impl Iterator<Item = &'static str> {
        REFUSED.iter().map(|(n, _)| *n)
    }

    /// Whether a symbol's term is a registered dimensionless unit (`rad`,
    /// `sr`, `%`, `bit`): a name that the base form would drop.
    fn is_dimensionless_name(&self, t: &Term) -> bool {
        self.by_name
            .get(&*t.name.unicode)
            .is_some_and(|u| u.dimension().is_dimensionless())
    }

    /// The same unit in SI base units, scale 1 (`kg·m²/s²` for an energy).
    pub fn to_base(&self, u: &Unit) -> Unit {
        if u.is_interval() {
            // A difference stays a difference: Δ°C is the coherent one.
            return self.by_name["delta_degC"].clone();
        }
        let dim = u.dimension();
        let terms = self
            .base
            .iter()
            .filter(|(i, _)| !dim.0[*i].is_zero())
            .map(|(i, name)| Term {
                name: *name,
                exp: dim.0[*i],
            })
            .collect();
        Unit::from_parts(dim, 1.0, 1.0, terms)
    }

    /// A registered name for `u` when one matches exactly (`kg·m²/s²` → `J`,
    /// `1000·J/s` → `kW`); a dimensionless unit of scale 1 becomes `1`.
    /// Otherwise, for a unit of scale 1, its SI base form when that is
    /// written with fewer parts (`Pa·mol/J` → `mol/m³`, `N·s/kg` → `m/s`)
    /// and drops no named angle or ratio (`rad/s` stays). Otherwise `u`
    /// unchanged.
    pub fn simplified(&self, u: &Unit) -> Unit {
        if u.has_offset() || (u.terms().len() <= 1 && u.factor() == 1.0) {
            return u.clone();
        }
        let unit_scale = close(u.scale(), 1.0);
        if u.dimension().is_dimensionless() && unit_scale {
            return Unit::one();
        }
        if let Some(c) = self
            .candidates
            .get(&u.dimension())
            .and_then(|cands| cands.iter().find(|c| *c == u))
        {
            return u.with_symbol_of(c);
        }
        // Parts written: the terms, and a numeric factor if there is one.
        let parts = |x: &Unit| x.terms().len() + usize::from(x.factor() != 1.0);
        if unit_scale && !u.terms().iter().any(|t| self.is_dimensionless_name(t)) {
            let base = self.to_base(u);
            if parts(&base) < parts(u) {
                return u.with_symbol_of(&base);
            }
        }
        u.clone()
    }
}

/// The process-wide registry, built on first use.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::build)
}

/// Looks up one registered name (no parsing).
pub fn lookup(name: &str) -> Option<Unit> {
    registry().get(name).cloned()
}
