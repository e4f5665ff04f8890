//! Conversions (multiplicative and affine), offset-unit rules (docs/temperatures.md),
//! equality/hash consistency and `simplified`.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use dimtensor_core::units::unit::Kind;
use dimtensor_core::{registry, Error, Format, Rational, Unit};

mod common;
use common::{get, p};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

/// Converts `x` from unit text `from` to unit text `to`.
fn conv(x: f64, from: &str, to: &str) -> f64 {
    let (a, b) = p(from).affine_to(&p(to)).unwrap();
    a * x + b
}

fn hash_of(u: &Unit) -> u64 {
    let mut h = DefaultHasher::new();
    u.hash(&mut h);
    h.finish()
}

#[test]
fn multiplicative_factors() {
    let cases: &[(&str, &str, f64)] = &[
        ("km", "m", 1000.0),
        ("m", "km", 1e-3),
        ("mi", "km", 1.609344),
        ("h", "s", 3600.0),
        ("km/h", "m/s", 1.0 / 3.6),
        ("kWh", "J", 3.6e6),
        ("eV", "J", 1.602176634e-19),
        ("atm", "Pa", 101325.0),
        ("bar", "hPa", 1000.0),
        ("ft", "in", 12.0),
        ("yd", "ft", 3.0),
        ("mi", "ft", 5280.0),
        ("lb", "oz", 16.0),
        ("gal", "L", 3.785411784),
        ("L", "m^3", 1e-3),
        ("mL", "cm^3", 1.0),
        ("kn", "km/h", 1.852),
        ("deg", "rad", std::f64::consts::PI / 180.0),
        ("arcsec", "deg", 1.0 / 3600.0),
        ("%", "1", 0.01),
        ("ppm", "%", 1e-4),
        ("N", "dyn", 1e5),
        ("J", "erg", 1e7),
        ("T", "G", 1e4),
        ("P", "Pa s", 0.1),
        ("St", "m^2/s", 1e-4),
        ("cal", "J", 4.184),
        ("kcal", "cal", 1000.0),
        ("Torr", "mmHg", 101325.0 / 760.0 / 133.322387415),
        ("KiB", "B", 1024.0),
        ("B", "bit", 8.0),
        ("au", "m", 149597870700.0),
        ("d", "h", 24.0),
        ("yr", "d", 365.25),
        ("delta_degC", "K", 1.0),
        ("delta_degF", "delta_degC", 5.0 / 9.0),
        ("degR", "K", 5.0 / 9.0),
        ("K", "K", 1.0),
        ("degC", "degC", 1.0),
        ("degF", "degF", 1.0),
        ("J/kg/K", "J/(g K)", 1e-3),
        ("m^(1/2)", "cm^(1/2)", 10.0),
    ];
    for &(from, to, f) in cases {
        let got = p(from).conversion_factor(&p(to)).unwrap();
        assert!(close(got, f, 1e-14), "{from} -> {to}: {got} != {f}");
    }
}

#[test]
fn incompatible_conversions_are_conversion_errors() {
    for (a, b) in [
        ("m", "s"),
        ("J", "W"),
        ("degC", "m"),
        ("m", "m^(1/2)"),
        ("Hz", "1"),
        ("kg", "N"),
    ] {
        let e = p(a).conversion_factor(&p(b)).unwrap_err();
        assert!(matches!(e, Error::Conversion(_)), "{a} {b}: {e:?}");
        let msg = e.to_string();
        assert!(
            msg.contains(&p(a).symbol()) && msg.contains(&p(b).symbol()),
            "{msg}"
        );
        assert!(p(a).affine_to(&p(b)).is_err());
        assert!(!p(a).is_compatible(&p(b)));
    }
    assert!(p("J").is_compatible(&p("eV")));
    assert!(p("rad").is_compatible(&p("1")));
}

#[test]
fn affine_temperature_conversions() {
    let cases: &[(f64, &str, &str, f64)] = &[
        (0.0, "degC", "K", 273.15),
        (100.0, "degC", "K", 373.15),
        (-273.15, "degC", "K", 0.0),
        (273.15, "K", "degC", 0.0),
        (0.0, "K", "degC", -273.15),
        (100.0, "degC", "degF", 212.0),
        (0.0, "degC", "degF", 32.0),
        (-40.0, "degC", "degF", -40.0),
        (-40.0, "degF", "degC", -40.0),
        (212.0, "degF", "degC", 100.0),
        (32.0, "degF", "degC", 0.0),
        (98.6, "degF", "degC", 37.0),
        (0.0, "K", "degF", -459.67),
        (273.15, "K", "degF", 32.0),
        (373.15, "K", "degF", 212.0),
        (-459.67, "degF", "K", 0.0),
        (491.67, "degR", "K", 273.15),
        (0.0, "degR", "degF", -459.67),
        (32.0, "degF", "degR", 491.67),
        (20.0, "°C", "kelvin", 293.15),
        (20.0, "℃", "℉", 68.0),
        (300.0, "mK", "K", 0.3),
        (1.0, "kK", "degC", 1000.0 - 273.15),
        // Intervals have no offset.
        (10.0, "delta_degC", "K", 10.0),
        (9.0, "delta_degF", "delta_degC", 5.0),
        (10.0, "delta_degC", "delta_degF", 18.0),
    ];
    for &(x, from, to, y) in cases {
        let got = conv(x, from, to);
        assert!(close(got, y, 1e-12), "{x} {from} -> {to}: {got} != {y}");
    }
    // And back again.
    for &(x, from, to, _) in cases {
        let there = conv(x, from, to);
        let back = conv(there, to, from);
        assert!(close(back, x, 1e-12), "{x} {from} -> {to} -> back: {back}");
    }
}

#[test]
fn offset_pairs_have_no_single_factor() {
    for (a, b) in [
        ("degC", "K"),
        ("K", "degC"),
        ("degC", "degF"),
        ("degF", "K"),
        ("degR", "degF"),
    ] {
        let e = get(a).conversion_factor(&get(b)).unwrap_err();
        assert!(matches!(e, Error::Offset(_)), "{a} {b}: {e:?}");
        let msg = e.to_string();
        assert!(msg.contains("delta_degC"), "{msg}");
        // affine_to still works.
        assert!(get(a).affine_to(&get(b)).is_ok());
    }
}

#[test]
fn points_and_intervals_never_convert_into_each_other() {
    for (a, b) in [
        ("degC", "delta_degC"),
        ("delta_degC", "degC"),
        ("delta_degF", "degF"),
        ("degF", "delta_degC"),
    ] {
        for e in [
            get(a).conversion_factor(&get(b)).unwrap_err(),
            get(a).affine_to(&get(b)).unwrap_err(),
        ] {
            assert!(matches!(e, Error::Offset(_)), "{a} {b}: {e:?}");
            let msg = e.to_string();
            assert!(msg.contains("point") && msg.contains("difference"), "{msg}");
        }
    }
    // Intervals and absolute units convert by their scale.
    for (a, b, f) in [
        ("delta_degC", "K", 1.0),
        ("K", "delta_degF", 1.8),
        ("delta_degF", "delta_degC", 5.0 / 9.0),
        ("delta_degF", "degR", 1.0),
    ] {
        assert!(
            close(get(a).conversion_factor(&get(b)).unwrap(), f, 1e-12),
            "{a} {b}"
        );
    }
}

#[test]
fn offset_arithmetic_rules() {
    let c = get("degC");
    let m = get("m");
    let s = get("s");
    let one = Unit::one();
    for r in [
        c.mul(&m),
        m.mul(&c),
        c.div(&s),
        s.div(&c),
        one.div(&c),
        c.mul(&c),
        c.div(&c),
        c.powr(Rational::int(2)),
        c.powr(Rational::int(0)),
        c.powr(Rational::int(-1)),
        c.powr(Rational::new(1, 2).unwrap()),
        c.scaled(2.0),
        c.scaled(1000.0),
        get("degF").mul(&m),
    ] {
        let e = r.unwrap_err();
        assert!(matches!(e, Error::Offset(_)), "{e:?}");
        let msg = e.to_string();
        assert!(msg.contains('K') && msg.contains("delta_deg"), "{msg}");
    }
    // By the number one, to the power one: unchanged.
    for r in [
        c.mul(&one),
        one.mul(&c),
        c.div(&one),
        c.powr(Rational::ONE),
        c.scaled(1.0),
    ] {
        let u = r.unwrap();
        assert_eq!(u, c);
        assert_eq!(u.offset(), 273.15);
        assert_eq!(u.symbol(), "°C");
    }
    // delta_degC is the size of K but a difference, not an absolute
    // temperature; in products it is an ordinary unit.
    let dc = get("delta_degC");
    assert_ne!(dc, get("K"));
    assert_eq!(dc.kind(), Kind::Interval);
    assert_eq!(get("K").kind(), Kind::Absolute);
    assert_eq!(c.kind(), Kind::Point);
    assert_eq!(dc.symbol(), "Δ°C");
    assert_eq!(dc.to_string_in(Format::Ascii), "delta_degC");
    // CF writes a difference as degC with units_metadata (CF 1.11).
    assert_eq!(dc.to_string_in(Format::Cf), "degC");
    assert_eq!(
        dimtensor_core::to_cf(&dc).unwrap(),
        ("degC".to_string(), Some("temperature: difference"))
    );
    assert_eq!(
        dimtensor_core::parse_cf("degC", Some("temperature: difference"))
            .unwrap()
            .unit,
        dc
    );
    assert_eq!(dc.mul(&m).unwrap(), p("K*m"));
    assert_eq!(dc.powr(Rational::int(2)).unwrap(), p("K^2"));
    assert_eq!(dc.scaled(2.0).unwrap().kind(), Kind::Interval);
    assert_ne!(get("delta_degF"), get("degR"));
    // The coherent form of a difference is a difference.
    assert_eq!(registry().to_base(&get("delta_degF")), dc);
    // degC is not K: same dimension and scale, different offset.
    assert_ne!(c, get("K"));
    assert_ne!(c, dc);
    assert!(c.is_compatible(&get("K")));
}

#[test]
fn equality_and_hash_are_consistent() {
    let pairs = [
        ("kg*m/s^2", "N"),
        ("kg m2 s-2", "J"),
        ("N m", "J"),
        ("km/h*h", "km"),
        ("km/h h", "1000 m"),
        ("mi/h*h", "mi"),
        ("J/s", "W"),
        ("V*A", "W"),
        ("C/s", "A"),
        ("1/s", "Hz"),
        ("1/s", "Bq"),
        ("J/kg", "Gy"),
        ("Wb/m^2", "T"),
        ("kg^(1/2) kg^(1/2)", "kg"),
        ("(m^2)^(1/2)", "m"),
        ("in*in*in*231", "gal"),
        ("ft/in", "12"),
        ("m/m", ""),
        ("rad", "1"),
        ("°C", "degC"),
        ("deg/arcmin", "60"),
        ("L", "dm^3"),
        ("mL", "cm3"),
        ("ha", "hm^2"),
        ("kWh", "3.6 MJ"),
        ("%", "0.01"),
    ];
    for (a, b) in pairs {
        let (ua, ub) = (p(a), p(b));
        assert_eq!(ua, ub, "{a} != {b}");
        assert_eq!(ub, ua, "{b} != {a}");
        assert_eq!(hash_of(&ua), hash_of(&ub), "hash {a} != {b}");
    }
    // km/h·h differs from km in the last bits but is equal.
    let a = p("km/h").mul(&get("h")).unwrap();
    assert_eq!(a, get("km"));
    let set: HashSet<Unit> = pairs.iter().flat_map(|(a, b)| [p(a), p(b)]).collect();
    assert!(set.contains(&get("N")));
    assert!(set.contains(&p("kg*m*s^-2")));
    // Unequal pairs.
    for (a, b) in [
        ("m", "km"),
        ("J", "N"),
        ("degC", "K"),
        ("degC", "degF"),
        ("m", "m^(1/2)"),
        ("1", "%"),
        ("Gy", "1/s"),
        ("1000 m", "1000.000001 m"),
    ] {
        assert_ne!(p(a), p(b), "{a} == {b}");
    }
}

#[test]
fn simplified_picks_exact_registered_names() {
    let reg = registry();
    let simp = |t: &str| reg.simplified(&p(t)).symbol();
    assert_eq!(simp("kg·m²/s²"), "J");
    assert_eq!(simp("kg m2 s-2"), "J");
    assert_eq!(simp("kg*m/s^2"), "N");
    assert_eq!(simp("1000·J/s"), "kW");
    assert_eq!(simp("J/s"), "W");
    assert_eq!(simp("V*A"), "W");
    assert_eq!(simp("N/m^2"), "Pa");
    assert_eq!(simp("100 N/m^2"), "hPa");
    assert_eq!(simp("kg/(m s^2)"), "Pa");
    assert_eq!(simp("A s"), "C");
    assert_eq!(simp("W/A"), "V");
    assert_eq!(simp("V/A"), "Ω");
    assert_eq!(simp("Wb/m^2"), "T");
    assert_eq!(simp("g m2 s-2"), "mJ");
    // Dimensionless with scale one becomes the empty symbol.
    assert_eq!(simp("m/m"), "");
    assert_eq!(simp("kg/kg"), "");
    assert_eq!(simp("km/m/1000"), "");
    // Nothing exact to pick: unchanged.
    assert_eq!(simp("km/h"), "km/h");
    assert_eq!(simp("m/s"), "m/s");
    assert_eq!(simp("J/kg"), "J/kg");
    assert_eq!(simp("1/s"), "1/s");
    assert_eq!(simp("s-1"), "1/s");
    assert_eq!(simp("m2 s-2"), "m²/s²");
    assert_eq!(simp("km/m"), "km/m");
    assert_eq!(simp("3 J/s"), "3·J/s");
    // Single named units stay themselves, however simple their base form.
    for name in [
        "Hz",
        "Bq",
        "Gy",
        "Sv",
        "eV",
        "kWh",
        "h",
        "degC",
        "delta_degC",
        "rad",
        "%",
    ] {
        assert_eq!(
            reg.simplified(&get(name)).symbol(),
            get(name).symbol(),
            "{name}"
        );
    }
    // Simplification never changes the unit's value.
    for t in [
        "kg·m²/s²",
        "1000·J/s",
        "km/h",
        "J/kg",
        "m/m",
        "g m2 s-2",
        "3 J/s",
    ] {
        let u = p(t);
        let s = reg.simplified(&u);
        assert_eq!(s, u, "{t}");
        assert_eq!(p(&s.symbol()), u, "{t}");
    }
}

#[test]
fn to_base_writes_si_base_units() {
    let reg = registry();
    let cases = [
        ("J", "kg·m²/s²"),
        ("N", "kg·m/s²"),
        ("Pa", "kg/(m·s²)"),
        ("V", "kg·m²/(s³·A)"),
        ("km/h", "m/s"),
        ("Hz", "1/s"),
        ("rad", ""),
        ("mol/L", "mol/m³"),
        ("m^(1/2)", "m¹ᐟ²"),
    ];
    for (t, base) in cases {
        let b = reg.to_base(&p(t));
        assert_eq!(b.symbol(), base, "{t}");
        assert_eq!(b.scale(), 1.0);
        assert_eq!(b.dimension(), p(t).dimension());
    }
}

#[test]
fn identical_is_stricter_than_equal() {
    let n = get("N");
    let kg_m_s2 = p("kg*m/s^2");
    assert!(n == kg_m_s2, "equal by value");
    assert!(
        !n.identical(&kg_m_s2),
        "different symbols are not identical"
    );
    assert!(n.identical(&p("N")));
    assert!(p("km/h").identical(&p("km/h")));
    assert!(!p("km").identical(&p("m")));
}
