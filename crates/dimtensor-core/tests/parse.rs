//! The unit grammar (the README's Units section), UDUNITS/CF strings, and errors with
//! positions for everything else.

use std::time::{Duration, Instant};

use dimtensor_core::units::parse::MAX_DEPTH;
use dimtensor_core::{parse, parse_uncached, Dimension, Error, Rational, Unit};

mod common;
use common::{get, p, r};

fn pow(u: &Unit, n: i16) -> Unit {
    u.powr(Rational::int(n)).unwrap()
}

/// The error of a parse that must fail, with the same error from the
/// uncached parser.
fn err(text: &str) -> Error {
    let e = match parse(text) {
        Ok(u) => panic!("{text:?} parsed as {:?}", u.symbol()),
        Err(e) => e,
    };
    assert_eq!(parse_uncached(text).unwrap_err(), e, "{text:?}");
    e
}

/// The position of a parse error (panics on any other error).
fn err_at(text: &str) -> usize {
    match err(text) {
        Error::Parse {
            position,
            text: t,
            message,
        } => {
            assert_eq!(t, text);
            assert!(!message.is_empty());
            position
        }
        e => panic!("{text:?}: not a parse error: {e:?}"),
    }
}

fn assert_same(a: &str, b: &str) {
    let (ua, ub) = (p(a), p(b));
    assert_eq!(ua, ub, "{a:?} ({}) != {b:?} ({})", ua.symbol(), ub.symbol());
}

#[test]
fn acceleration_spellings() {
    let m = get("m");
    let s = get("s");
    let acc = m.div(&pow(&s, 2)).unwrap();
    for text in [
        "m/s^2",
        "m/s**2",
        "m/s²",
        "m s-2",
        "m s^-2",
        "m*s^-2",
        "m·s⁻²",
        "m.s-2",
        "m / s ^ 2",
        "m/s/s",
        "m/(s*s)",
        "m s**-2",
        "m/s^(2)",
        "m/s^2.0",
        "metre/second^2",
        "meters/seconds**2",
        " m/s^2 ",
    ] {
        let u = p(text);
        assert_eq!(u, acc, "{text:?}");
        assert_eq!(u.dimension(), Dimension::from_ints([1, 0, -2, 0, 0, 0, 0]));
    }
    assert_eq!(p("m/s^2").symbol(), "m/s²");
}

#[test]
fn energy_spellings() {
    for text in [
        "kg*m^2/s^2",
        "kg m2 s-2",
        "kg·m²·s⁻²",
        "kg⋅m²⋅s⁻²",
        "kg×m²×s⁻²",
        "kg m^2 s^-2",
        "kg*m**2*s**-2",
        "(kg m2)/s2",
        "kg (m/s)^2",
        "J",
        "N m",
        "N*m",
        "W s",
        "1e-3 kJ",
        "joule",
    ] {
        assert_eq!(p(text), get("J"), "{text:?}");
    }
    assert_eq!(p("kg*m^2/s^2").symbol(), "kg·m²/s²");
    assert_eq!(p("kg m2 s-2").symbol(), "kg·m²/s²");
}

#[test]
fn reciprocal_and_parenthesised() {
    let hz = get("Hz");
    assert_eq!(p("1/s"), hz);
    assert_eq!(p("1/s").symbol(), "1/s");
    assert_eq!(p("s-1"), hz);
    assert_eq!(p("s^-1"), hz);
    assert_eq!(p("s⁻¹"), hz);
    let v2 = pow(&get("m").div(&get("s")).unwrap(), 2);
    assert_eq!(p("(m/s)^2"), v2);
    assert_eq!(p("(m/s)**2"), v2);
    assert_eq!(p("(m/s)²"), v2);
    assert_eq!(p("(m/s)2"), v2);
    assert_eq!(p("(m/s)^2").symbol(), "m²/s²");
    assert_eq!(p("((m))"), get("m"));
    assert_eq!(p("( m / ( s * s ) )"), p("m/s^2"));
}

#[test]
fn numeric_factors() {
    let mm = get("mm");
    assert_eq!(p("1e-3 m"), mm);
    assert_eq!(p("1e-3 m").scale(), 1e-3);
    assert_eq!(p("1e-3*m"), mm);
    assert_eq!(p("0.001 m"), mm);
    assert_eq!(p(".001 m"), mm);
    assert_eq!(p("1E-3 m"), mm);
    assert_eq!(p("10^-3 m"), mm);
    assert_eq!(p("10**-3 m"), mm);
    assert_eq!(p("10⁻³ m"), mm);
    let km = get("km");
    assert_eq!(p("10^3 m"), km);
    assert_eq!(p("10^3 m").scale(), 1000.0);
    assert_eq!(p("1000 m"), km);
    assert_eq!(p("1e3 m"), km);
    assert_eq!(p("1e+3 m"), km);
    assert_eq!(p("1000·m"), km);
    assert_eq!(p("1000 m").symbol(), "1000·m");
    assert_eq!(p("m 1000"), km);
    assert_eq!(p("2.5 m").scale(), 2.5);
    // A pure number is a dimensionless unit with that scale.
    let n = p("1000");
    assert!(n.dimension().is_dimensionless());
    assert_eq!(n.scale(), 1000.0);
    // `2eV` is 2 electronvolts: an `e` not followed by digits ends the number.
    assert_eq!(p("2eV").scale(), 2.0 * get("eV").scale());
    assert_eq!(p("2e3V").scale(), 2000.0);
    assert_eq!(p("1/1000 m"), mm);
}

#[test]
fn percent_micro_and_temperatures() {
    assert_eq!(p("%").scale(), 0.01);
    assert_eq!(p("%").symbol(), "%");
    assert_eq!(p("percent"), p("%"));
    assert_eq!(p("ppm").scale(), 1e-6);
    for t in ["µm", "μm", "um", "micrometre"] {
        assert_eq!(p(t).symbol(), "µm", "{t}");
        assert_eq!(p(t).scale(), 1e-6, "{t}");
    }
    for t in [
        "degC",
        "°C",
        "℃",
        "celsius",
        "degree_Celsius",
        "degrees_Celsius",
    ] {
        let u = p(t);
        assert_eq!(u.symbol(), "°C", "{t}");
        assert_eq!(u.offset(), 273.15, "{t}");
    }
    for t in ["degF", "°F", "℉", "fahrenheit", "degree_Fahrenheit"] {
        assert_eq!(p(t).symbol(), "°F", "{t}");
    }
    assert_eq!(p("K"), get("K"));
    assert_eq!(p("kelvin"), get("K"));
}

#[test]
fn long_names_and_plurals() {
    for t in ["meter", "metre", "meters", "metres"] {
        assert_eq!(p(t).symbol(), "m", "{t}");
    }
    assert_eq!(
        p("kilometers per hour".replace(" per ", "/").as_str()),
        p("km/h")
    );
    assert_eq!(p("newton meter"), get("J"));
    assert_eq!(p("seconds"), get("s"));
    assert_eq!(p("hours"), get("h"));
    assert_eq!(p("feet"), get("ft"));
    assert_eq!(p("inches"), get("in"));
    assert_eq!(p("ångström"), get("Å"));
    assert_eq!(p("ohm"), get("Ω"));
    assert_eq!(p("kohm").symbol(), "kΩ");
}

#[test]
fn udunits_and_cf_strings() {
    assert_same("m.s-1", "m/s");
    assert_same("m s-1", "m/s");
    assert_same("W m-2", "W/m^2");
    assert_same("kg m-2 s-1", "kg/(m^2*s)");
    assert_same("mol m-3", "mol/m^3");
    assert_same("Pa s", "Pa*s");
    assert_same("hPa", "100 Pa");
    assert_eq!(p("hPa").symbol(), "hPa");
    assert_same("1", "");
    assert_same("K s-1", "K/s");
    assert_same("m2 s-2", "J/kg");
    assert_same("kg kg-1", "1");
    assert_same("W m-2 sr-1", "W/(m^2*sr)");
    assert_same("m3 s-1", "m^3/s");
    assert_same("m+2", "m^2");
    let deg = p("degrees_north");
    assert!(deg.dimension().is_dimensionless());
    assert!((deg.scale() - std::f64::consts::PI / 180.0).abs() < 1e-18);
    for t in [
        "degrees_east",
        "degree_north",
        "degrees_N",
        "degree_E",
        "degree",
        "degrees",
        "deg",
        "°",
    ] {
        assert_eq!(p(t), deg, "{t}");
    }
    assert_eq!(p("percent").scale(), 0.01);
    assert_same("knot", "1852 m/h");
    assert_same("kt", "knot");
}

#[test]
fn division_associates_to_the_left() {
    let j = get("J");
    let kg = get("kg");
    let k = get("K");
    let expected = j.div(&kg.mul(&k).unwrap()).unwrap();
    assert_eq!(p("J/kg/K"), expected);
    assert_eq!(p("J/(kg*K)"), expected);
    assert_eq!(p("J/kg/K").dimension(), expected.dimension());
    assert_eq!(p("J/kg/K").symbol(), "J/(kg·K)");
    // Mixed: `a/b*c` is `(a/b)·c`.
    assert_same("m/s*s", "m");
    assert_same("m/s s", "m");
    assert_same("1/s/s", "s^-2");
    assert_same("J kg-1 K-1", "J/(kg K)");
}

#[test]
fn fractional_exponents() {
    let m = get("m");
    let half = m.powr(r(1, 2)).unwrap();
    for t in [
        "m^(1/2)",
        "m^0.5",
        "m**0.5",
        "m^.5",
        "m¹ᐟ²",
        "m^( 1 / 2 )",
        "m^(+1/2)",
        "(m^2)^(1/4)",
        "(m^3)^(1/6)",
    ] {
        let u = p(t);
        assert_eq!(u, half, "{t}");
        assert_eq!(u.dimension().0[0], r(1, 2), "{t}");
    }
    assert_eq!(p("m^(1/2)").symbol(), "m¹ᐟ²");
    assert_eq!(p("m^(-1/2)").dimension().0[0], r(-1, 2));
    assert_eq!(p("m^-0.5").dimension().0[0], r(-1, 2));
    assert_eq!(p("m^(2/3)").dimension().0[0], r(2, 3));
    assert_eq!(p("m^0.333").dimension().0[0], r(333, 1000));
    assert_eq!(p("m^1.5").dimension().0[0], r(3, 2));
    assert_eq!(p("Hz^(1/2)").dimension().0[2], r(-1, 2));
    assert_eq!(p("km^(1/2)").scale(), 1000f64.sqrt());
    // Exponents reduce: m^(2/4) is m^(1/2), m^(4/2) is m².
    assert_eq!(p("m^(2/4)"), half);
    assert_eq!(p("m^(4/2)").symbol(), "m²");
}

#[test]
fn dimensionless_text() {
    for t in [
        "", " ", "\t\n", "1", " 1 ", "m/m", "(1)", "1/1", "m^0", "kg/kg",
    ] {
        let u = p(t);
        assert!(u.dimension().is_dimensionless(), "{t:?}");
        assert_eq!(u.scale(), 1.0, "{t:?}");
        assert_eq!(u, Unit::one(), "{t:?}");
    }
    assert_eq!(p("").symbol(), "");
    assert_eq!(p("1").symbol(), "");
    assert_eq!(p("m/m").symbol(), "");
    // Angles are dimensionless but keep their scale and symbol.
    assert!(p("rad").dimension().is_dimensionless());
    assert_eq!(p("rad").symbol(), "rad");
}

#[test]
fn parse_cache_gives_the_uncached_result() {
    for t in ["m/s", "kg m2 s-2", "degC", "", "1e-3 m", "J/kg/K"] {
        let a = parse(t).unwrap();
        let b = parse(t).unwrap();
        let c = parse_uncached(t).unwrap();
        assert_eq!(a, c);
        assert_eq!(b.symbol(), c.symbol());
        assert_eq!(a.offset(), c.offset());
    }
    // Longer than the cache's text limit still parses.
    let long = vec!["m"; 200].join("/");
    let u = p(&long);
    assert_eq!(u.dimension().0[0], Rational::int(-198));
    // Errors are not cached as successes.
    assert!(parse("xyz_unknown").is_err());
    assert!(parse("xyz_unknown").is_err());
}

// ---------------------------------------------------------------- errors

#[test]
fn unknown_name_position() {
    assert_eq!(err_at("kg*xyz/s"), 3);
    assert_eq!(err_at("xyz"), 0);
    assert_eq!(err_at("m/s/foo"), 4);
    assert_eq!(err_at("kg m2 blarg-2"), 6);
    assert_eq!(err_at("  xyz"), 2);
    // Positions count characters, not bytes.
    assert_eq!(err_at("µm·xyz"), 3);
    assert_eq!(err_at("Å·Ω·qqq"), 4);
    match err("kg*xyz/s") {
        Error::Parse { message, .. } => assert!(message.contains("xyz"), "{message}"),
        e => panic!("{e:?}"),
    }
    let shown = err("kg*xyz/s").to_string();
    assert!(shown.contains("position 3"), "{shown}");
    assert!(shown.contains("kg*xyz/s"), "{shown}");
}

#[test]
fn unmatched_parentheses() {
    assert_eq!(err_at("(m"), 2);
    assert_eq!(err_at("m)"), 1);
    assert_eq!(err_at("(m/s"), 4);
    assert_eq!(err_at("m/s)"), 3);
    assert_eq!(err_at("((m)"), 4);
    assert_eq!(err_at("(m))"), 3);
    assert_eq!(err_at(")"), 0);
    assert_eq!(err_at("()"), 1);
    assert_eq!(err_at("("), 1);
    assert_eq!(err_at("m^(1/2"), 6);
    assert_eq!(err_at("m^(1/2]"), 6);
    let e = err("(m").to_string();
    assert!(e.contains("')'"), "{e}");
}

#[test]
fn dangling_operators() {
    assert_eq!(err_at("m^"), 2);
    assert_eq!(err_at("m**"), 3);
    assert_eq!(err_at("10^"), 3);
    assert_eq!(err_at("m^ "), 3);
    assert_eq!(err_at("m/"), 2);
    assert_eq!(err_at("m*"), 2);
    assert_eq!(err_at("m·"), 2);
    assert_eq!(err_at("/m"), 0);
    assert_eq!(err_at("*m"), 0);
    assert_eq!(err_at("m//s"), 2);
    assert_eq!(err_at("m^x"), 2);
    assert_eq!(err_at("m^()"), 3);
    assert_eq!(err_at("m^(1/)"), 5);
    assert_eq!(err_at("m⁻"), 2);
    assert_eq!(err_at("m²ᐟ"), 3);
    assert_eq!(err_at("."), 0);
    assert_eq!(err_at("m,s"), 1);
    assert_eq!(err_at("m s ;"), 4);
    assert_eq!(err_at("m^(1/0)"), 2);
    assert_eq!(err_at("1e400 m"), 0);
    assert!(matches!(err("0 m"), Error::Parse { .. }));
    assert!(matches!(err("m^(0/0)"), Error::Parse { .. }));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // At the limit it parses.
    let ok = format!("{}m{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(p(&ok), get("m"));
    let too_deep = format!(
        "{}m{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(err_at(&too_deep), MAX_DEPTH);
    let e = err(&too_deep).to_string();
    assert!(e.contains("nested"), "{e}");
    // Far beyond it, balanced or not, with operators in between.
    for n in [1_000, 100_000, 1_000_000] {
        let open = "(".repeat(n);
        assert_eq!(err_at(&open), MAX_DEPTH);
        let balanced = format!("{open}m{}", ")".repeat(n));
        assert_eq!(err_at(&balanced), MAX_DEPTH);
        let ops = "(m*".repeat(n);
        assert!(matches!(err(&ops), Error::Parse { .. }));
        let exps = "(m^(".repeat(n);
        assert!(matches!(err(&exps), Error::Parse { .. }));
    }
    assert_eq!(err_at("((("), 3);
}

#[test]
fn huge_exponents_are_errors() {
    for t in [
        "m^9999999999",
        "m99999999999999999999",
        "m^99999999999999999999",
        "m^(99999999999999999999)",
        "m^(1/99999999999999999999)",
        "m^-9999999999",
        "m⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹",
        "m⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹",
        "m^1e300",
        "m^1e999",
        "m^(8000000000/2)",
        "m^2000000000 m^2000000000",
        "(m^50000)^50000",
        "m^2147483647 m",
    ] {
        let e = err(t);
        assert!(matches!(e, Error::Parse { .. }), "{t}: {e:?}");
    }
    assert_eq!(err_at("m^9999999999"), 2);
    assert_eq!(err_at("kg m99999999999999999999"), 4);
    // The largest exponent that fits is fine, whatever its spelling.
    assert_eq!(p("m^(40000/2)").dimension().0[0], Rational::int(20000));
    assert_eq!(p("m^32767").dimension().0[0], Rational::int(32767));
    assert_eq!(p("m^-32767").dimension().0[0], Rational::int(-32767));
    // Exponents are 32-bit fractions (dimtensor 5.x accepted beyond 16 bits).
    assert_eq!(p("m^20000 m^20000").dimension().0[0], r(40000, 1));
    assert_eq!(p("(m^200)^200").dimension().0[0], r(40000, 1));
    assert_eq!(p("m^2147483647").dimension().0[0], r(2147483647, 1));
    // Scales that overflow or underflow are errors too.
    assert!(matches!(err("km^200"), Error::Parse { .. }));
    assert!(matches!(err("qm^20"), Error::Parse { .. }));
    assert!(matches!(err("1e300 1e300"), Error::Parse { .. }));
    assert!(matches!(err("10^400"), Error::Parse { .. }));
}

#[test]
fn time_reference_units_are_rejected() {
    for t in [
        "days since 1970-01-01",
        "seconds since 1970-01-01 00:00:00",
        "hours since 2000-1-1",
    ] {
        match err(t) {
            Error::Parse {
                message, position, ..
            } => {
                assert!(message.contains("since"), "{t}: {message}");
                assert_eq!(position, t.find("since").unwrap(), "{t}");
            }
            e => panic!("{t}: {e:?}"),
        }
    }
}

#[test]
fn points_inside_products_stand_for_intervals() {
    // As in UDUNITS: a heat capacity per degree, a warming rate.
    for (t, same) in [
        ("degC*m", "K*m"),
        ("degC/s", "K/s"),
        ("degC^2", "K^2"),
        ("m*degC", "m*K"),
        ("1/degC", "1/K"),
        ("degC degC", "K^2"),
        ("°C²", "K^2"),
        ("degF/s", "degR/s"),
        ("(degC)^2", "K^2"),
        ("degC^0.5", "K^0.5"),
        ("degC^-1", "1/K"),
        ("m/degC", "m/K"),
        ("J kg-1 degC-1", "J/(kg K)"),
        ("W m-2 degC-1", "W/(m2 K)"),
        ("degC/day", "K/day"),
    ] {
        assert_same(t, same);
        assert!(!p(t).has_offset(), "{t}");
    }
    // A point scaled by a number is a scaled difference.
    let two = p("2 degC");
    assert_eq!(two, get("delta_degC").scaled(2.0).unwrap());
    assert!(two.is_interval());
    // Times (or over) the number 1 is harmless.
    for t in [
        "degC*1", "1*degC", "degC/1", "(degC)", "degC^1", "degC¹", "degC 1",
    ] {
        let u = p(t);
        assert_eq!(u.offset(), 273.15, "{t}");
        assert_eq!(u, get("degC"), "{t}");
    }
    // The interval units multiply freely.
    assert_same("delta_degC/s", "K/s");
    assert_same("J/(kg delta_degC)", "J/(kg K)");
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A cheap deterministic scramble over an alphabet of grammar tokens; the
    // cargo-fuzz target (fuzz/) does this with coverage guidance.
    let tokens = [
        "m",
        "s",
        "kg",
        "degC",
        "(",
        ")",
        "^",
        "**",
        "*",
        "/",
        "·",
        "-",
        "+",
        "2",
        "0.5",
        "1e3",
        " ",
        "²",
        "⁻",
        "ᐟ",
        "e",
        ".",
        "µ",
        "%",
        "(1/2)",
        "9999999999",
        "since",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..20_000 {
        let mut text = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 12) as usize;
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(tokens[(state % tokens.len() as u64) as usize]);
        }
        if let Ok(u) = parse_uncached(&text) {
            let _ = u.symbol();
        }
    }
}

#[test]
fn parsing_is_linear_in_the_input() {
    // Big inputs in each shape finish quickly (a quadratic parser would take
    // minutes on these).
    let n = 200_000;
    let cases = [
        vec!["m"; n].join("/"),
        vec!["m/m"; n].join("*"),
        "m ".repeat(n),
        "(".repeat(n),
        " ".repeat(n) + "m",
        "1".repeat(n),
        format!("m^{}", "9".repeat(n)),
        format!("m{}", "²".repeat(n)),
        "x".repeat(n),
        "1.".repeat(n),
    ];
    for text in cases {
        let t = Instant::now();
        let _ = parse(&text);
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "{}… took {:?}",
            &text[..10],
            t.elapsed()
        );
    }
}

#[test]
fn exponents_glued_to_a_unit_are_nonzero_integers() {
    // "m1.5" was 5·m, "s-0.5" was 5, "kg0" was 1: now errors, never a
    // number glued on.
    for (t, at) in [("m1.5", 1), ("s-0.5", 1), ("kg0", 2), ("m2.25 s", 1)] {
        assert_eq!(err_at(t), at, "{t}");
    }
    assert_same("m^1.5", "m^(3/2)");
    assert_same("s^-0.5", "s^(-1/2)");
    assert_same("kg^0", "1");
    // An exponent that is no exact fraction is an error, not a rounded unit.
    assert!(matches!(err("m^1e-4"), Error::Parse { .. }));
    assert!(matches!(err("m^0.1234567"), Error::Parse { .. }));
}
