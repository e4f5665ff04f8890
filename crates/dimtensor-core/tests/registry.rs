//! The registry: every name parses, every unit formats and parses back, the
//! prefixes have exactly rounded scales, and the units the registry promises (docs/units.md)
//! are there with their defining values.

use dimtensor_core::{lookup, parse, parse_uncached, registry, Dimension, Format, Unit};

mod common;
use common::get;

const FORMATS: [Format; 3] = [Format::Unicode, Format::Ascii, Format::Cf];

fn names() -> Vec<&'static str> {
    let mut v: Vec<&str> = registry().names().collect();
    v.sort_unstable();
    v
}

/// `10^e`, correctly rounded (what a decimal literal gives).
fn pow10(e: i32) -> f64 {
    format!("1e{e}").parse().unwrap()
}

#[test]
fn the_registry_is_large() {
    // 7 base + 22 derived units, with 24 prefixes on most of them, plus long names.
    assert!(names().len() > 2000, "only {} names", names().len());
}

#[test]
fn every_name_parses_to_its_unit() {
    for name in names() {
        let reg = get(name);
        for parsed in [parse(name), parse_uncached(name)] {
            let u = parsed.unwrap_or_else(|e| panic!("{name:?} does not parse: {e}"));
            assert_eq!(u, reg, "{name:?}");
            assert_eq!(u.offset(), reg.offset(), "{name:?}");
            // The very same named unit, not merely an equal one.
            assert_eq!(u.symbol(), reg.symbol(), "{name:?}");
        }
        // Surrounding blanks are ignored.
        assert_eq!(
            parse(&format!("  {name}\t")).unwrap().symbol(),
            reg.symbol()
        );
    }
}

#[test]
fn every_unit_round_trips_through_each_format() {
    for name in names() {
        let u = get(name);
        for f in FORMATS {
            if f == Format::Cf {
                // CF text is read in the CF dialect, with units_metadata for
                // temperature kinds; a unit UDUNITS-2 has no name for is
                // written in SI base units (equal, under another symbol).
                let (text, meta) = dimtensor_core::to_cf(&u).unwrap();
                let back = dimtensor_core::parse_cf(&text, meta)
                    .unwrap_or_else(|e| panic!("{name:?} written CF as {text:?}: {e}"))
                    .unit;
                assert_eq!(back, u, "{name:?} written CF as {text:?}");
                assert_eq!(back.kind(), u.kind(), "{name:?} written CF as {text:?}");
                assert_eq!(back.to_string_in(f), text, "{name:?} in {f:?}");
                if u.terms().iter().all(|t| t.name.udunits) {
                    assert_eq!(back.symbol(), u.symbol(), "{name:?} in {f:?}");
                }
                continue;
            }
            let text = u.to_string_in(f);
            let back =
                parse(&text).unwrap_or_else(|e| panic!("{name:?} written {f:?} as {text:?}: {e}"));
            assert_eq!(back, u, "{name:?} written {f:?} as {text:?}");
            assert_eq!(back.offset(), u.offset(), "{name:?} as {text:?}");
            // And it reads back as the same named unit, so the text is stable.
            assert_eq!(back.to_string_in(f), text, "{name:?} in {f:?}");
            assert_eq!(back.symbol(), u.symbol(), "{name:?} in {f:?}");
        }
        // Latex is output only, but never empty for a named unit.
        assert!(!u.to_string_in(Format::Latex).is_empty(), "{name:?}");
    }
}

#[test]
fn every_unit_round_trips_squared_and_inverted() {
    for name in names() {
        let u = get(name);
        if u.has_offset() {
            continue;
        }
        let derived = [
            u.powr(dimtensor_core::Rational::int(2)).unwrap(),
            Unit::one().div(&u).unwrap(),
            u.powr(dimtensor_core::Rational::new(1, 2).unwrap())
                .unwrap(),
            u.mul(&get("s")).unwrap(),
        ];
        for d in derived {
            for f in FORMATS {
                let text = d.to_string_in(f);
                let back = parse(&text)
                    .unwrap_or_else(|e| panic!("{name:?}: {:?} as {text:?}: {e}", d.symbol()));
                assert_eq!(back, d, "{name:?}: {text:?}");
                assert_eq!(back.to_string_in(f), text, "{name:?}: {text:?}");
            }
        }
    }
}

/// Units that take all 24 SI prefixes, with the unprefixed scale as decimal
/// text so that the prefixed scale can be computed exactly.
const PREFIXED: [(&str, i32); 22] = [
    ("m", 0),
    ("g", -3),
    ("s", 0),
    ("A", 0),
    ("K", 0),
    ("mol", 0),
    ("cd", 0),
    ("Hz", 0),
    ("N", 0),
    ("Pa", 0),
    ("J", 0),
    ("W", 0),
    ("C", 0),
    ("V", 0),
    ("F", 0),
    ("Ω", 0),
    ("S", 0),
    ("Wb", 0),
    ("T", 0),
    ("H", 0),
    ("L", -3),
    ("Bq", 0),
];

const SI_PREFIXES: [(&str, &str, i32); 24] = [
    ("Q", "quetta", 30),
    ("R", "ronna", 27),
    ("Y", "yotta", 24),
    ("Z", "zetta", 21),
    ("E", "exa", 18),
    ("P", "peta", 15),
    ("T", "tera", 12),
    ("G", "giga", 9),
    ("M", "mega", 6),
    ("k", "kilo", 3),
    ("h", "hecto", 2),
    ("da", "deca", 1),
    ("d", "deci", -1),
    ("c", "centi", -2),
    ("m", "milli", -3),
    ("µ", "micro", -6),
    ("n", "nano", -9),
    ("p", "pico", -12),
    ("f", "femto", -15),
    ("a", "atto", -18),
    ("z", "zepto", -21),
    ("y", "yocto", -24),
    ("r", "ronto", -27),
    ("q", "quecto", -30),
];

#[test]
fn all_24_prefixes_have_exactly_rounded_scales() {
    for (unit, e0) in PREFIXED {
        let base = get(unit);
        for (p, _, e) in SI_PREFIXES {
            let mut name = format!("{p}{unit}");
            // `Gs` is the gauss; the gigasecond goes by its long name.
            if name == "Gs" {
                name = "gigasecond".into();
            }
            let u = parse(&name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(u.scale(), pow10(e0 + e), "{name}");
            assert_eq!(u.dimension(), base.dimension(), "{name}");
            assert_eq!(u.offset(), 0.0);
            assert_eq!(u.symbol(), name, "{name}");
        }
    }
}

#[test]
fn named_scales_are_exact() {
    assert_eq!(get("mg").scale(), 1e-6);
    assert_eq!(get("kg").scale(), 1.0);
    assert_eq!(get("g").scale(), 1e-3);
    assert_eq!(get("Qm").scale(), 1e30);
    assert_eq!(get("qm").scale(), 1e-30);
    assert_eq!(get("Qg").scale(), 1e27);
    assert_eq!(get("qg").scale(), 1e-33);
    assert_eq!(get("µg").scale(), 1e-9);
    assert_eq!(get("ng").scale(), 1e-12);
    assert_eq!(get("nm").scale(), 1e-9);
    assert_eq!(get("mL").scale(), 1e-6);
    assert_eq!(get("hPa").scale(), 100.0);
    assert_eq!(get("dam").scale(), 10.0);
    assert_eq!(get("keV").scale(), 1.602176634e-16);
    assert_eq!(get("MeV").scale(), 1.602176634e-13);
    assert_eq!(get("kWh").scale(), 3.6e6);
    assert_eq!(get("kcal").scale(), 4184.0);
}

#[test]
fn long_prefixed_names() {
    for (p, long, _) in SI_PREFIXES {
        for (sym, longs) in [
            ("m", &["metre", "meter", "metres", "meters"][..]),
            ("g", &["gram", "grams"][..]),
            ("s", &["second", "seconds"][..]),
            ("J", &["joule", "joules"][..]),
        ] {
            let short = match format!("{p}{sym}") {
                s if s == "Gs" => get("gigasecond"),
                s => get(&s),
            };
            for l in longs {
                let name = format!("{long}{l}");
                let u = parse(&name).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(u.symbol(), short.symbol(), "{name}");
            }
        }
    }
    assert_eq!(get("dekameter").symbol(), "dam");
    assert_eq!(get("kilogram"), get("kg"));
}

#[test]
fn micro_spellings() {
    let um = get("µm");
    assert_eq!(um.scale(), 1e-6);
    assert_eq!(um.symbol(), "µm");
    assert_eq!(um.symbol().chars().next(), Some('\u{b5}'));
    for spelling in [
        "\u{b5}m",
        "\u{3bc}m",
        "um",
        "micrometre",
        "micrometer",
        "micron",
    ]
    .into_iter()
    .filter(|s| *s != "micron" || lookup(s).is_some())
    {
        let u = parse(spelling).unwrap_or_else(|e| panic!("{spelling}: {e}"));
        assert_eq!(u, um, "{spelling}");
        assert_eq!(u.symbol(), "µm", "{spelling}");
    }
    for (a, b) in [
        ("µs", "us"),
        ("μs", "us"),
        ("µF", "uF"),
        ("μF", "uF"),
        ("µΩ", "uohm"),
    ] {
        assert_eq!(parse(a).unwrap(), parse(b).unwrap(), "{a} {b}");
        assert_eq!(parse(a).unwrap().symbol(), parse(b).unwrap().symbol());
    }
    assert_eq!(get("µs").to_string_in(Format::Ascii), "us");
    assert_eq!(get("µm").to_string_in(Format::Cf), "um");
    assert_eq!(get("µm").to_string_in(Format::Latex), "\\mathrm{\\mu m}");
}

#[test]
fn binary_prefixes_on_bit_and_byte() {
    let bit = get("bit");
    assert!(bit.dimension().is_dimensionless());
    assert_eq!(bit.scale(), 1.0);
    assert_eq!(get("B").scale(), 8.0);
    assert_eq!(get("byte"), get("B"));
    assert_eq!(get("KiB").scale(), 8.0 * 1024.0);
    assert_eq!(get("MiB").scale(), 8.0 * 1024.0 * 1024.0);
    assert_eq!(get("GiB").scale(), 8.0 * 2f64.powi(30));
    assert_eq!(get("YiB").scale(), 8.0 * 2f64.powi(80));
    assert_eq!(get("Kibit").scale(), 1024.0);
    assert_eq!(get("kibibyte"), get("KiB"));
    assert_eq!(get("kB").scale(), 8000.0);
    assert_eq!(get("kbit").scale(), 1000.0);
    assert_eq!(get("MB").scale(), 8e6);
    assert_eq!(get("QB").scale(), 8e30);
    // 1 KiB = 1024 B exactly.
    assert_eq!(get("KiB").conversion_factor(&get("B")).unwrap(), 1024.0);
    assert_eq!(get("B").conversion_factor(&get("bit")).unwrap(), 8.0);
}

fn dim(e: [i16; 7]) -> Dimension {
    Dimension::from_ints(e)
}

#[test]
fn the_units_promised_by_the_contract() {
    // (name, dimension, scale)
    let pi = std::f64::consts::PI;
    let expected: &[(&str, [i16; 7], f64)] = &[
        ("m", [1, 0, 0, 0, 0, 0, 0], 1.0),
        ("kg", [0, 1, 0, 0, 0, 0, 0], 1.0),
        ("s", [0, 0, 1, 0, 0, 0, 0], 1.0),
        ("A", [0, 0, 0, 1, 0, 0, 0], 1.0),
        ("K", [0, 0, 0, 0, 1, 0, 0], 1.0),
        ("mol", [0, 0, 0, 0, 0, 1, 0], 1.0),
        ("cd", [0, 0, 0, 0, 0, 0, 1], 1.0),
        ("rad", [0; 7], 1.0),
        ("sr", [0; 7], 1.0),
        ("Hz", [0, 0, -1, 0, 0, 0, 0], 1.0),
        ("N", [1, 1, -2, 0, 0, 0, 0], 1.0),
        ("Pa", [-1, 1, -2, 0, 0, 0, 0], 1.0),
        ("J", [2, 1, -2, 0, 0, 0, 0], 1.0),
        ("W", [2, 1, -3, 0, 0, 0, 0], 1.0),
        ("C", [0, 0, 1, 1, 0, 0, 0], 1.0),
        ("V", [2, 1, -3, -1, 0, 0, 0], 1.0),
        ("F", [-2, -1, 4, 2, 0, 0, 0], 1.0),
        ("Ω", [2, 1, -3, -2, 0, 0, 0], 1.0),
        ("ohm", [2, 1, -3, -2, 0, 0, 0], 1.0),
        ("S", [-2, -1, 3, 2, 0, 0, 0], 1.0),
        ("Wb", [2, 1, -2, -1, 0, 0, 0], 1.0),
        ("T", [0, 1, -2, -1, 0, 0, 0], 1.0),
        ("H", [2, 1, -2, -2, 0, 0, 0], 1.0),
        ("lm", [0, 0, 0, 0, 0, 0, 1], 1.0),
        ("lx", [-2, 0, 0, 0, 0, 0, 1], 1.0),
        ("Bq", [0, 0, -1, 0, 0, 0, 0], 1.0),
        ("Gy", [2, 0, -2, 0, 0, 0, 0], 1.0),
        ("Sv", [2, 0, -2, 0, 0, 0, 0], 1.0),
        ("kat", [0, 0, -1, 0, 0, 1, 0], 1.0),
        ("min", [0, 0, 1, 0, 0, 0, 0], 60.0),
        ("h", [0, 0, 1, 0, 0, 0, 0], 3600.0),
        ("d", [0, 0, 1, 0, 0, 0, 0], 86400.0),
        ("yr", [0, 0, 1, 0, 0, 0, 0], 365.25 * 86400.0),
        ("deg", [0; 7], pi / 180.0),
        ("°", [0; 7], pi / 180.0),
        ("arcmin", [0; 7], pi / 10800.0),
        ("arcsec", [0; 7], pi / 648000.0),
        ("L", [3, 0, 0, 0, 0, 0, 0], 1e-3),
        ("l", [3, 0, 0, 0, 0, 0, 0], 1e-3),
        ("t", [0, 1, 0, 0, 0, 0, 0], 1e3),
        ("Da", [0, 1, 0, 0, 0, 0, 0], 1.66053906892e-27),
        ("eV", [2, 1, -2, 0, 0, 0, 0], 1.602176634e-19),
        ("au", [1, 0, 0, 0, 0, 0, 0], 149597870700.0),
        ("pc", [1, 0, 0, 0, 0, 0, 0], 149597870700.0 * 648000.0 / pi),
        ("ly", [1, 0, 0, 0, 0, 0, 0], 299792458.0 * 365.25 * 86400.0),
        ("Å", [1, 0, 0, 0, 0, 0, 0], 1e-10),
        ("angstrom", [1, 0, 0, 0, 0, 0, 0], 1e-10),
        ("bar", [-1, 1, -2, 0, 0, 0, 0], 1e5),
        ("atm", [-1, 1, -2, 0, 0, 0, 0], 101325.0),
        ("Torr", [-1, 1, -2, 0, 0, 0, 0], 101325.0 / 760.0),
        ("mmHg", [-1, 1, -2, 0, 0, 0, 0], 133.322387415),
        (
            "psi",
            [-1, 1, -2, 0, 0, 0, 0],
            0.45359237 * 9.80665 / (0.0254 * 0.0254),
        ),
        ("cal", [2, 1, -2, 0, 0, 0, 0], 4.184),
        ("kcal", [2, 1, -2, 0, 0, 0, 0], 4184.0),
        ("kWh", [2, 1, -2, 0, 0, 0, 0], 3.6e6),
        ("BTU", [2, 1, -2, 0, 0, 0, 0], 1055.05585262),
        ("in", [1, 0, 0, 0, 0, 0, 0], 0.0254),
        ("ft", [1, 0, 0, 0, 0, 0, 0], 0.3048),
        ("yd", [1, 0, 0, 0, 0, 0, 0], 0.9144),
        ("mi", [1, 0, 0, 0, 0, 0, 0], 1609.344),
        ("nmi", [1, 0, 0, 0, 0, 0, 0], 1852.0),
        ("kn", [1, 0, -1, 0, 0, 0, 0], 1852.0 / 3600.0),
        ("knot", [1, 0, -1, 0, 0, 0, 0], 1852.0 / 3600.0),
        ("lb", [0, 1, 0, 0, 0, 0, 0], 0.45359237),
        ("oz", [0, 1, 0, 0, 0, 0, 0], 0.45359237 / 16.0),
        (
            "gal",
            [3, 0, 0, 0, 0, 0, 0],
            231.0 * 0.0254 * 0.0254 * 0.0254,
        ),
        ("G", [0, 1, -2, -1, 0, 0, 0], 1e-4),
        ("gauss", [0, 1, -2, -1, 0, 0, 0], 1e-4),
        ("erg", [2, 1, -2, 0, 0, 0, 0], 1e-7),
        ("dyn", [1, 1, -2, 0, 0, 0, 0], 1e-5),
        ("P", [-1, 1, -1, 0, 0, 0, 0], 0.1),
        ("St", [2, 0, -1, 0, 0, 0, 0], 1e-4),
        ("%", [0; 7], 0.01),
        ("percent", [0; 7], 0.01),
        ("ppm", [0; 7], 1e-6),
        ("degC", [0, 0, 0, 0, 1, 0, 0], 1.0),
        ("degF", [0, 0, 0, 0, 1, 0, 0], 5.0 / 9.0),
        ("delta_degC", [0, 0, 0, 0, 1, 0, 0], 1.0),
        ("delta_degF", [0, 0, 0, 0, 1, 0, 0], 5.0 / 9.0),
        ("degR", [0, 0, 0, 0, 1, 0, 0], 5.0 / 9.0),
        ("rankine", [0, 0, 0, 0, 1, 0, 0], 5.0 / 9.0),
    ];
    for &(name, d, scale) in expected {
        let u = get(name);
        assert_eq!(u.dimension(), dim(d), "{name}");
        let rel = ((u.scale() - scale) / scale).abs();
        assert!(rel < 1e-15, "{name}: {} != {scale}", u.scale());
    }
    assert_eq!(get("degC").offset(), 273.15);
    assert!((get("degF").offset() - 459.67 * 5.0 / 9.0).abs() < 1e-12);
    for name in ["delta_degC", "delta_degF", "degR", "K"] {
        assert_eq!(get(name).offset(), 0.0, "{name}");
    }
}

#[test]
fn prefixed_symbols_do_not_shadow_units_in_their_own_right() {
    // `Pa` is the pascal (not peta-annum), `ft` the foot, `min` the minute,
    // `cd` the candela, `mas` the milliarcsecond, `Gy` the gray, `kn` the knot.
    assert_eq!(get("Pa").dimension(), dim([-1, 1, -2, 0, 0, 0, 0]));
    assert_eq!(get("ft").scale(), 0.3048);
    assert_eq!(get("min").scale(), 60.0);
    assert_eq!(get("cd").dimension(), dim([0, 0, 0, 0, 0, 0, 1]));
    assert_eq!(get("Gy").dimension(), dim([2, 0, -2, 0, 0, 0, 0]));
    assert_eq!(get("h").scale(), 3600.0);
    assert_eq!(get("d").scale(), 86400.0);
    // A bare prefix is not a unit.
    assert!(lookup("da").is_none());
    assert!(lookup("k").is_none());
}

#[test]
fn shadowed_prefixed_symbols_are_written_with_their_long_names() {
    // `Gs` is the gauss and `kt` the knot (as in pint); the gigasecond and
    // the kilotonne must then not be written `Gs` / `kt`, or they would read
    // back as a different unit.
    assert_eq!(get("Gs"), get("G"));
    assert_eq!(get("kt"), get("kn"));
    for (long, scale, d) in [
        ("gigasecond", 1e9, [0, 0, 1, 0, 0, 0, 0]),
        ("kilotonne", 1e6, [0, 1, 0, 0, 0, 0, 0]),
    ] {
        let u = get(long);
        assert_eq!(u.scale(), scale);
        assert_eq!(u.dimension(), dim(d));
        for f in FORMATS {
            assert_eq!(u.to_string_in(f), long, "{f:?}");
            assert_eq!(parse(&u.to_string_in(f)).unwrap(), u);
        }
        let sq = u.powr(dimtensor_core::Rational::int(2)).unwrap();
        assert_eq!(sq.symbol(), format!("{long}²"));
        assert_eq!(parse(&sq.symbol()).unwrap(), sq);
    }
    // Unshadowed neighbours keep their symbols.
    assert_eq!(get("megatonne").symbol(), "Mt");
    assert_eq!(get("Ms").symbol(), "Ms");
}
