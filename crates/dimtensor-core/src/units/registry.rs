//! The unit registry: every named unit, its symbols in each format, long
//! names, plurals and customary prefixes. Built once, read-only afterwards.
//!
//! Names are registered in two passes, unprefixed first, so a prefixed form
//! never shadows a unit in its own right (`Pa` is the pascal, `ft` the foot).

use std::collections::hash_map::Entry;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::error::Result;
use crate::units::dimension::Dimension;
use crate::units::format::Format;
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

use Prefixes::{All, Data, Only};
use Scale::{Dec, Val};

const PI: f64 = std::f64::consts::PI;
/// Julian year, 365.25 days.
const YEAR: f64 = 31_557_600.0;
const AU: f64 = 149_597_870_700.0;
const LBF: f64 = 0.453_592_37 * 9.806_65;
const INCH: f64 = 0.0254;

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
            .long(&["siemens"])
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
        def("mas", NONE, Val(PI / 648_000_000.0)).long(&["milliarcsecond", "milliarcseconds"]),
        def("µas", NONE, Val(PI / 648_000_000_000.0))
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
            .long(&["parsec", "parsecs"])
            .prefixes(Only(&["k", "M", "G"])),
        def("ly", LEN, Val(299_792_458.0 * YEAR))
            .cf("light_year")
            .long(&["light_year", "light_years", "lightyear", "lightyears"]),
        def("\u{c5}", LEN, Dec("1e-10"))
            .ascii("angstrom")
            .latex("\\mathring{A}")
            .alias(&["\u{212b}"])
            .long(&["angstrom", "angstroms", "ångström", "ångströms"]),
        // Pressure.
        def("bar", PRESSURE, Dec("1e5"))
            .long(&["bars"])
            .prefixes(Only(&["m", "k", "M", "µ"])),
        def("atm", PRESSURE, Dec("101325")).long(&["atmosphere", "atmospheres"]),
        def("Torr", PRESSURE, Val(101_325.0 / 760.0))
            .alias(&["torr"])
            .prefixes(Only(&["m", "µ"])),
        def("mmHg", PRESSURE, Dec("133.322387415"))
            .alias(&["mm_Hg"])
            .long(&[
                "millimeter_Hg",
                "millimetre_of_mercury",
                "millimeter_of_mercury",
            ]),
        def("psi", PRESSURE, Val(LBF / (INCH * INCH))).long(&["pound_per_square_inch"]),
        // Energy.
        def("cal", ENERGY, Dec("4.184"))
            .long(&["calorie", "calories"])
            .prefixes(Only(&["k"])),
        def("Wh", ENERGY, Dec("3600"))
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
        def("nmi", LEN, Dec("1852")).long(&["nautical_mile", "nautical_miles"]),
        def("kn", SPEED, Val(1852.0 / 3600.0))
            .cf("knot")
            .alias(&["kt"])
            .long(&["knot", "knots"]),
        def("lb", MASS, Dec("0.45359237"))
            .alias(&["lbs"])
            .long(&["pound", "pounds"]),
        def("oz", MASS, Dec("0.028349523125")).long(&["ounce", "ounces"]),
        def("gal", VOLUME, Dec("3.785411784e-3")).long(&["gallon", "gallons"]),
        // CGS.
        def("G", MAG_FIELD, Dec("1e-4"))
            .alias(&["Gs"])
            .long(&["gauss"])
            .prefixes(Only(&["m", "µ", "k"])),
        def("erg", ENERGY, Dec("1e-7")).long(&["ergs"]),
        def("dyn", FORCE, Dec("1e-5")).long(&["dyne", "dynes"]),
        def("P", VISCOSITY, Dec("0.1"))
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
        def("ppm", NONE, Dec("1e-6")).long(&["parts_per_million"]),
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
        def("Δ°C", TEMP, Dec("1"))
            .ascii("delta_degC")
            .latex("\\Delta{}^{\\circ}C")
            .alias(&["delta_°C"])
            .interval(),
        def("Δ°F", TEMP, Val(5.0 / 9.0))
            .ascii("delta_degF")
            .latex("\\Delta{}^{\\circ}F")
            .alias(&["delta_°F"])
            .interval(),
        // Information.
        def("bit", NONE, Dec("1")).long(&["bits"]).prefixes(Data),
        def("B", NONE, Dec("8"))
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
}

fn name_of(def: &Def, p: Option<&Prefix>) -> Name {
    let (pu, pa) = p.map_or(("", ""), |p| (p.sym, p.ascii));
    let plat = match p {
        Some(p) if p.sym == "µ" => "\\mu ",
        Some(p) => p.sym,
        None => "",
    };
    let ascii = def.ascii.unwrap_or(def.sym);
    Name {
        unicode: format!("{pu}{}", def.sym).into(),
        ascii: format!("{pa}{ascii}").into(),
        latex: format!("{plat}{}", def.latex.unwrap_or(def.sym)).into(),
        cf: format!("{pa}{}", def.cf.unwrap_or(ascii)).into(),
    }
}

impl Registry {
    fn insert(&mut self, key: String, unit: &Unit) {
        if let Entry::Vacant(v) = self.by_name.entry(key.into()) {
            v.insert(unit.clone());
        }
    }

    fn build() -> Registry {
        let mut reg = Registry {
            by_name: FxHashMap::default(),
            candidates: FxHashMap::default(),
            base: Vec::new(),
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
            for key in [&*n.unicode, &*n.ascii, &*n.cf]
                .into_iter()
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
        for d in defs.iter().filter(|d| matches!(d.prefixes, Data)) {
            for (sym, long, exp) in BINARY_PREFIXES {
                let scale = d.scale.value() * 2f64.powi(exp);
                let name = Name {
                    unicode: format!("{sym}{}", d.sym).into(),
                    ascii: format!("{sym}{}", d.sym).into(),
                    latex: format!("{sym}{}", d.sym).into(),
                    cf: format!("{sym}{}", d.sym).into(),
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
    /// Otherwise `u` unchanged.
    pub fn simplified(&self, u: &Unit) -> Unit {
        if u.has_offset() || (u.terms().len() <= 1 && u.factor() == 1.0) {
            return u.clone();
        }
        if u.dimension().is_dimensionless() && crate::units::unit::close(u.scale(), 1.0) {
            return Unit::one();
        }
        self.candidates
            .get(&u.dimension())
            .and_then(|cands| cands.iter().find(|c| *c == u))
            .map_or_else(|| u.clone(), |c| u.with_symbol_of(c))
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
    };
    let difference = Unit::named(name, u.dimension(), u.scale(), 0.0)?;
    if u.dimension() == Dimension::TEMPERATURE {
        difference.into_interval()
    } else {
        Ok(difference)
    }
}
