//! The everyday units beyond the SI (US customary, engineering, chemistry,
//! astronomy): their defining values, exactly where the definition is exact;
//! their names; collisions with prefixed forms; the refused ambiguous
//! names; and simplification to named or base units.

use dimtensor_core::units::constants::codata;
use dimtensor_core::{lookup, parse, registry, Dimension, Error, Format, Unit};

mod common;
use common::{get, p};

const PI: f64 = std::f64::consts::PI;

fn dim(e: [i16; 7]) -> Dimension {
    Dimension::from_ints(e)
}

fn constant(key: &str) -> f64 {
    codata().iter().find(|c| c.key == key).unwrap().value
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

const L: [i16; 7] = [1, 0, 0, 0, 0, 0, 0];
const M: [i16; 7] = [0, 1, 0, 0, 0, 0, 0];
const T: [i16; 7] = [0, 0, 1, 0, 0, 0, 0];
const ONE: [i16; 7] = [0; 7];
const AREA: [i16; 7] = [2, 0, 0, 0, 0, 0, 0];
const VOLUME: [i16; 7] = [3, 0, 0, 0, 0, 0, 0];
const SPEED: [i16; 7] = [1, 0, -1, 0, 0, 0, 0];
const FORCE: [i16; 7] = [1, 1, -2, 0, 0, 0, 0];
const PRESSURE: [i16; 7] = [-1, 1, -2, 0, 0, 0, 0];
const ENERGY: [i16; 7] = [2, 1, -2, 0, 0, 0, 0];
const POWER: [i16; 7] = [2, 1, -3, 0, 0, 0, 0];

/// Definitions that are exact decimals: the scale is the double nearest the
/// defining value, bit for bit.
#[test]
fn exact_decimal_definitions() {
    let cases: &[(&str, [i16; 7], &str)] = &[
        // lbf = 0.45359237 kg × 9.80665 m/s², exactly.
        ("lbf", FORCE, "4.4482216152605"),
        ("kip", FORCE, "4448.2216152605"),
        ("gf", FORCE, "9.80665e-3"),
        ("kgf", FORCE, "9.80665"),
        // 550 ft·lbf/s = 550 × 0.3048 × 4.4482216152605 W.
        ("hp", POWER, "745.69987158227022"),
        // mi/h = 1609.344 m / 3600 s.
        ("mph", SPEED, "0.44704"),
        // 43560 ft² and 43560 ft³ with the international foot.
        ("acre", AREA, "4046.8564224"),
        ("acre_foot", VOLUME, "1233.48183754752"),
        ("thou", L, "2.54e-5"),
        ("cc", VOLUME, "1e-6"),
        ("imperial_gallon", VOLUME, "4.54609e-3"),
        // 42 US gallons of 231 in³.
        ("bbl", VOLUME, "0.158987294928"),
        ("gr", M, "6.479891e-5"),
        ("short_ton", M, "907.18474"),
        ("long_ton", M, "1016.0469088"),
        // 25.4 mmHg (conventional, 13595.1 kg/m³ × g_n).
        ("inHg", PRESSURE, "3386.388640341"),
        ("dbar", PRESSURE, "1e4"),
        ("mbar", PRESSURE, "100.0"),
        ("tTNT", ENERGY, "4.184e9"),
        ("ktTNT", ENERGY, "4.184e12"),
        ("foe", ENERGY, "1e44"),
        ("VA", POWER, "1.0"),
        ("kVA", POWER, "1e3"),
        ("Mvar", POWER, "1e6"),
        ("Ah", [0, 0, 1, 1, 0, 0, 0], "3600.0"),
        ("mAh", [0, 0, 1, 1, 0, 0, 0], "3.6"),
        ("Mx", [2, 1, -2, -1, 0, 0, 0], "1e-8"),
        ("Ci", [0, 0, -1, 0, 0, 0, 0], "3.7e10"),
        ("mCi", [0, 0, -1, 0, 0, 0, 0], "3.7e7"),
        ("pCi", [0, 0, -1, 0, 0, 0, 0], "3.7e-2"),
        ("rem", [2, 0, -2, 0, 0, 0, 0], "0.01"),
        ("mrem", [2, 0, -2, 0, 0, 0, 0], "1e-5"),
        ("M", [-3, 0, 0, 0, 0, 1, 0], "1e3"),
        ("mM", [-3, 0, 0, 0, 0, 1, 0], "1.0"),
        ("µM", [-3, 0, 0, 0, 0, 1, 0], "1e-3"),
        ("nM", [-3, 0, 0, 0, 0, 1, 0], "1e-6"),
        ("b", AREA, "1e-28"),
        ("fb", AREA, "1e-43"),
        ("pb", AREA, "1e-40"),
        ("Gal", [1, 0, -2, 0, 0, 0, 0], "1e-2"),
        ("mGal", [1, 0, -2, 0, 0, 0, 0], "1e-5"),
        ("sverdrup", [3, 0, -1, 0, 0, 0, 0], "1e6"),
        ("nit", [-2, 0, 0, 0, 0, 0, 1], "1.0"),
        ("Jy", [0, 1, -2, 0, 0, 0, 0], "1e-26"),
        ("mJy", [0, 1, -2, 0, 0, 0, 0], "1e-29"),
        ("µJy", [0, 1, -2, 0, 0, 0, 0], "1e-32"),
        ("MJy", [0, 1, -2, 0, 0, 0, 0], "1e-20"),
        ("wk", T, "604800.0"),
        ("fortnight", T, "1209600.0"),
        ("month", T, "2629800.0"),
        ("century", T, "3155760000.0"),
        ("ppb", ONE, "1e-9"),
        ("pptv", ONE, "1e-12"),
        ("‰", ONE, "1e-3"),
        // IAU 2015 Resolution B3 nominal values.
        ("R_sun", L, "6.957e8"),
        ("L_sun", POWER, "3.828e26"),
        ("R_earth", L, "6.3781e6"),
        ("R_jup", L, "7.1492e7"),
    ];
    for &(name, d, decimal) in cases {
        let u = get(name);
        let scale: f64 = decimal.parse().unwrap();
        assert_eq!(u.dimension(), dim(d), "{name}");
        assert_eq!(u.scale(), scale, "{name}");
        assert_eq!(u.offset(), 0.0, "{name}");
    }
}

/// Definitions that are exact but not terminating decimals (a ratio, π), or
/// derived from measured constants: the defining arithmetic, to rounding.
#[test]
fn computed_definitions() {
    let lbf = 0.453_592_37 * 9.806_65;
    let g = constant("G");
    let cases: &[(&str, [i16; 7], f64)] = &[
        ("slug", M, lbf / 0.3048),
        ("ksi", PRESSURE, 1000.0 * lbf / (0.0254 * 0.0254)),
        ("ftUS", L, 1200.0 / 3937.0),
        ("TR", POWER, 12_000.0 * 1_055.055_852_62 / 3600.0),
        ("turn", ONE, 2.0 * PI),
        ("rpm", [0, 0, -1, 0, 0, 0, 0], 2.0 * PI / 60.0),
        ("gon", ONE, PI / 200.0),
        ("hourangle", ONE, PI / 12.0),
        ("D", [1, 0, 1, 1, 0, 0, 0], 1e-21 / 299_792_458.0),
        ("Oe", [-1, 0, 0, 1, 0, 0, 0], 1000.0 / (4.0 * PI)),
        ("fc", [-2, 0, 0, 0, 0, 0, 1], 1.0 / (0.3048 * 0.3048)),
        // 1e-5 m × 101325 Pa / (R × 273.15 K), R = k N_A.
        (
            "DU",
            [-2, 0, 0, 0, 0, 1, 0],
            1e-5 * 101_325.0 / (1.380_649e-23 * 6.022_140_76e23 * 273.15),
        ),
        ("Eh", ENERGY, constant("E_h")),
        ("Ry", ENERGY, constant("E_h") / 2.0),
        ("bohr", L, constant("a_0")),
        ("M_sun", M, 1.327_124_4e20 / g),
        ("M_earth", M, 3.986_004e14 / g),
        ("M_jup", M, 1.266_865_3e17 / g),
    ];
    for &(name, d, scale) in cases {
        let u = get(name);
        assert_eq!(u.dimension(), dim(d), "{name}");
        assert!(rel(u.scale(), scale) < 1e-15, "{name}: {}", u.scale());
    }
    // The well-known figures.
    assert!(rel(get("M_sun").scale(), 1.988_41e30) < 1e-5);
    assert!(rel(get("M_earth").scale(), 5.972_17e24) < 1e-5);
    assert!(rel(get("M_jup").scale(), 1.898_12e27) < 1e-5);
    assert!(rel(get("DU").scale(), 446.15e-6) < 1e-5);
    assert!(rel(get("slug").scale(), 14.593_902_94) < 1e-9);
    assert!(rel(get("Oe").scale(), 79.577_471_5) < 1e-9);
    assert!(rel(get("D").scale(), 3.335_640_95e-30) < 1e-9);
    assert!(
        rel(
            get("Eh").conversion_factor(&get("eV")).unwrap(),
            27.211_386_245_981
        ) < 1e-12
    );
}

#[test]
fn conversions_between_the_new_units_and_the_old() {
    let f = |a: &str, b: &str| p(a).conversion_factor(&p(b)).unwrap();
    let close = |x: f64, y: f64| rel(x, y) < 1e-14;
    assert!(close(f("slug*ft/s^2", "lbf"), 1.0));
    assert!(close(f("kip/in^2", "ksi"), 1.0));
    assert!(close(f("lbf/in^2", "psi"), 1.0));
    assert!(close(f("hp", "ft*lbf/s"), 550.0));
    assert!(close(f("mph", "mi/h"), 1.0));
    assert!(close(f("acre", "ft^2"), 43_560.0));
    assert!(close(f("acre_foot", "acre*ft"), 1.0));
    assert!(close(f("bbl", "gal"), 42.0));
    assert!(close(f("inHg", "mmHg"), 25.4));
    assert!(close(f("kgf", "N"), 9.806_65));
    assert!(close(f("TR", "BTU/h"), 12_000.0));
    assert!(close(f("wk", "d"), 7.0));
    assert!(close(f("month", "yr"), 1.0 / 12.0));
    assert!(close(f("century", "yr"), 100.0));
    assert!(close(f("cc", "mL"), 1.0));
    assert!(close(f("mM", "mol/m^3"), 1.0));
    assert!(close(f("M", "mol/L"), 1.0));
    assert!(close(f("Ah", "C"), 3600.0));
    assert!(close(f("mAh", "C"), 3.6));
    assert!(close(f("Ci", "Bq"), 3.7e10));
    assert!(close(f("rem", "mSv"), 10.0));
    assert!(close(f("Jy", "W m-2 Hz-1"), 1e-26));
    assert!(close(f("60 rpm", "rad/s"), 2.0 * PI));
    assert!(close(f("turn", "deg"), 360.0));
    assert!(close(f("hourangle", "deg"), 15.0));
    assert!(close(f("gon", "deg"), 0.9));
    assert!(close(f("Eh", "Ry"), 2.0));
    assert!(close(f("Mx", "G cm^2"), 1.0));
    assert!(close(f("fc", "lm/ft^2"), 1.0));
    assert!(close(f("foe", "erg"), 1e51));
    assert!(close(f("ktTNT", "tTNT"), 1e3));
    assert!(close(f("sverdrup", "m3 s-1"), 1e6));
    assert!(close(f("thou", "in"), 1e-3));
    assert!(close(f("ftUS", "ft"), 1200.0 / 3937.0 / 0.3048));
    // IAU: G·M_sun gives back the nominal mass parameter.
    let gm = get("M_sun").scale() * constant("G");
    assert!(rel(gm, 1.327_124_4e20) < 1e-15);
    assert!(close(f("L_sun", "W"), 3.828e26));
}

#[test]
fn names_and_spellings() {
    let same = |names: &[&str], symbol: &str| {
        for n in names {
            assert_eq!(get(n).symbol(), symbol, "{n}");
        }
    };
    same(
        &["lbf", "pound_force", "pounds_force", "force_pound"],
        "lbf",
    );
    same(&["kgf", "kilogram_force", "kilograms_force"], "kgf");
    same(&["hp", "horsepower"], "hp");
    same(&["mph", "miles_per_hour"], "mph");
    same(&["rpm", "revolutions_per_minute"], "rpm");
    same(&["acre", "acres"], "acre");
    same(&["M", "molar"], "M");
    same(&["mM", "millimolar"], "mM");
    same(&["µM", "uM", "μM", "micromolar"], "µM");
    same(&["b", "barn", "barns"], "b");
    same(&["fb", "femtobarn", "femtobarns"], "fb");
    same(&["Jy", "jansky", "Jansky", "janskys"], "Jy");
    same(&["µJy", "uJy", "microjansky"], "µJy");
    same(
        &[
            "M_sun",
            "M☉",
            "Msun",
            "solMass",
            "solar_mass",
            "solar_masses",
        ],
        "M_sun",
    );
    same(&["R_earth", "R⊕", "earthRad", "earth_radius"], "R_earth");
    same(&["M_jup", "Mjup", "M_jupiter", "jupiterMass"], "M_jup");
    same(&["wk", "week", "weeks"], "wk");
    same(&["month", "months"], "month");
    same(&["Ah", "ampere_hour", "amp_hours"], "Ah");
    same(&["Ci", "curie", "curies"], "Ci");
    same(&["slug", "slugs"], "slug");
    same(&["cc", "cubic_centimetre", "cubic_centimeters"], "cc");
    same(&["inHg", "in_Hg", "inches_of_mercury"], "inHg");
    same(&["ppb", "ppbv", "parts_per_billion"], "ppb");
    same(&["ppm", "ppmv"], "ppm");
    same(&["‰", "permille", "per_mille"], "‰");
    same(&["mbar", "millibar", "millibars"], "mbar");
    same(&["dbar", "decibar", "decibars"], "dbar");
    same(&["DU", "dobson_unit", "dobson_units"], "DU");
    same(&["kn", "kt", "knot", "knots"], "kn");
    same(&["µm", "micron", "microns", "um"], "µm");
    same(&["fm", "fermi"], "fm");
    same(&["mGal", "milligal", "milligals"], "mGal");
    same(&["Eh", "E_h", "hartree"], "Eh");
    same(&["D", "debye"], "D");
    same(&["S", "mho", "mhos"], "S");
    same(&["psi", "psia"], "psi");
    same(&["ly", "lyr"], "ly");
    same(&["Å", "Angstrom"], "Å");
    // ASCII and CF spellings.
    assert_eq!(get("‰").to_string_in(Format::Ascii), "permille");
    assert_eq!(get("µM").to_string_in(Format::Ascii), "uM");
    // UDUNITS-2 has no jansky: CF text writes it in SI base units.
    assert_eq!(get("µJy").to_string_in(Format::Cf), "1e-32 kg s-2");
    assert_eq!(
        get("M_sun").to_string_in(Format::Latex),
        "\\mathrm{M_{\\odot}}"
    );
}

#[test]
fn new_symbols_shadow_no_prefixed_form_and_are_shadowed_by_none() {
    // The only names two units want are the two known ones (pint's choice):
    // `Gs` is the gauss, `kt` the knot; the gigasecond and the kilotonne go
    // by their long names. `M` (molar) is not a prefixed form, and its own
    // prefixed forms (`mM`) are no other unit's.
    let mut shadowed: Vec<(String, String)> = registry()
        .shadowed()
        .iter()
        .map(|(k, s)| (k.to_string(), s.clone()))
        .collect();
    shadowed.sort();
    assert_eq!(
        shadowed,
        [
            ("Gs".to_string(), "gigasecond".to_string()),
            ("kt".to_string(), "kilotonne".to_string()),
        ]
    );
    // The mega prefix still works everywhere; molar is only the bare `M`.
    assert_eq!(get("Mm").scale(), 1e6);
    assert_eq!(get("MPa").scale(), 1e6);
    assert_eq!(get("MJ").dimension(), dim(ENERGY));
    assert_eq!(get("M").dimension(), dim([-3, 0, 0, 0, 0, 1, 0]));
    assert_eq!(get("Mt").scale(), 1e9); // megatonne
                                        // `gal` is the gallon, `Gal` the galileo; `G` the gauss; `b` the barn.
    assert_eq!(get("gal").dimension(), dim(VOLUME));
    assert_eq!(get("Gal").dimension(), dim([1, 0, -2, 0, 0, 0, 0]));
    assert_eq!(get("mb").scale(), 1e-31);
    assert!(lookup("Mb").is_none() && lookup("kb").is_none());
    // No prefixes where the trade reads them differently (Mbbl = 1000 bbl).
    for name in ["Mbbl", "MMbbl", "kbbl", "MBTU", "khp", "Mhp", "kacre"] {
        assert!(lookup(name).is_none(), "{name}");
    }
}

#[test]
fn ambiguous_names_are_refused_with_what_to_write() {
    for (text, at, hint) in [
        ("ppt", 0, "pptv"),
        ("kg/ppt", 3, "permille"),
        ("ton", 0, "short_ton"),
        ("tons/yr", 0, "long_tons"),
        ("mil", 0, "thou"),
        ("cycle/s", 0, "Hz"),
        ("barrel", 0, "bbl"),
        ("therm", 0, "MJ"),
        ("Cal", 0, "kcal"),
        ("psig", 0, "psi"),
        ("barg", 0, "bar"),
    ] {
        match parse(text) {
            Err(Error::Parse {
                message, position, ..
            }) => {
                assert_eq!(position, at, "{text}");
                assert!(message.contains(hint), "{text}: {message}");
                assert!(message.contains("not a unit"), "{text}: {message}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    for name in registry().refused_names() {
        assert!(lookup(name).is_none(), "{name} is refused and registered");
        assert!(registry().refusal(name).is_some());
    }
    assert!(registry().refusal("m").is_none());
}

#[test]
fn simplified_finds_the_named_or_base_form() {
    let reg = registry();
    let simp = |t: &str| reg.simplified(&p(t)).symbol();
    // No single name: the SI base form when it is shorter.
    assert_eq!(simp("Pa*mol/J"), "mol/m³");
    assert_eq!(simp("N*s/kg"), "m/s");
    assert_eq!(simp("J/(N*s)"), "m/s");
    assert_eq!(simp("0.001 mol/L"), "mol/m³");
    assert_eq!(simp("W*s/(m^2*J)"), "1/m²");
    assert_eq!(simp("Pa*m^3/(mol*K)*K/J"), "1/mol");
    // A single name still wins.
    assert_eq!(simp("kg m2 s-2"), "J");
    assert_eq!(simp("1000 J/s"), "kW");
    assert_eq!(simp("J/m"), "N");
    assert_eq!(simp("V*A"), "W");
    // Ties and longer base forms keep the written form.
    assert_eq!(simp("J/kg"), "J/kg");
    assert_eq!(simp("W/(m^2*K)"), "W/(m²·K)");
    assert_eq!(simp("Pa*s"), "Pa·s");
    assert_eq!(simp("J/(mol*K)"), "J/(mol·K)");
    // Not scale 1: no base form (which would need a factor).
    assert_eq!(simp("kPa*mol/J"), "kPa·mol/J");
    assert_eq!(simp("mol/L"), "mol/L");
    assert_eq!(simp("km/h"), "km/h");
    // Named angles and ratios are kept (rad/s is not 1/s, nor Hz).
    assert_eq!(simp("rad/s"), "rad/s");
    assert_eq!(simp("sr*m^2/s"), "sr·m²/s");
    assert_eq!(simp("bit/s"), "bit/s");
    assert_eq!(simp("%*m/m"), "%");
    // Never Hz/Bq or Gy/Sv.
    assert_eq!(simp("J/kg"), "J/kg");
    assert_eq!(simp("1/s"), "1/s");
    // Single new units stay themselves.
    for name in [
        "M", "mM", "lbf", "hp", "rpm", "Jy", "M_sun", "DU", "b", "Ah",
    ] {
        assert_eq!(reg.simplified(&get(name)).symbol(), get(name).symbol());
    }
    // The value never changes, and the text reads back.
    for t in ["Pa*mol/J", "N*s/kg", "0.001 mol/L", "W*s/(m^2*J)", "rad/s"] {
        let u = p(t);
        let s = reg.simplified(&u);
        assert_eq!(s, u, "{t}");
        for f in [Format::Unicode, Format::Ascii, Format::Cf] {
            assert_eq!(parse(&s.to_string_in(f)).unwrap(), u, "{t} {f:?}");
        }
    }
    // The result is a fixed point.
    let once = reg.simplified(&p("Pa*mol/J"));
    assert_eq!(reg.simplified(&once).symbol(), once.symbol());
    let _: Unit = once;
}
