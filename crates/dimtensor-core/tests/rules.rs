//! The ufunc and reduction unit rules: every NumPy 2.4 ufunc has a rule of
//! the right shape, and each rule class converts, combines and refuses units
//! as API.md §4–§5 say.

use std::f64::consts::PI;

use dimtensor_core::rules::{
    delta_unit, is_known_ufunc, known_reductions, known_ufuncs, reduction_unit, same_unit_plan,
    ufunc_arity, ufunc_plan, unknown_ufunc, Convert, Operand, Out, Plan,
};
use dimtensor_core::{lookup, parse, Error, Rational, Unit};

/// The 106 ufuncs of NumPy 2.4 with (nin, nout).
const NUMPY_UFUNCS: [(&str, usize, usize); 106] = [
    ("abs", 1, 1),
    ("absolute", 1, 1),
    ("acos", 1, 1),
    ("acosh", 1, 1),
    ("add", 2, 1),
    ("arccos", 1, 1),
    ("arccosh", 1, 1),
    ("arcsin", 1, 1),
    ("arcsinh", 1, 1),
    ("arctan", 1, 1),
    ("arctan2", 2, 1),
    ("arctanh", 1, 1),
    ("asin", 1, 1),
    ("asinh", 1, 1),
    ("atan", 1, 1),
    ("atan2", 2, 1),
    ("atanh", 1, 1),
    ("bitwise_and", 2, 1),
    ("bitwise_count", 1, 1),
    ("bitwise_invert", 1, 1),
    ("bitwise_left_shift", 2, 1),
    ("bitwise_not", 1, 1),
    ("bitwise_or", 2, 1),
    ("bitwise_right_shift", 2, 1),
    ("bitwise_xor", 2, 1),
    ("cbrt", 1, 1),
    ("ceil", 1, 1),
    ("conj", 1, 1),
    ("conjugate", 1, 1),
    ("copysign", 2, 1),
    ("cos", 1, 1),
    ("cosh", 1, 1),
    ("deg2rad", 1, 1),
    ("degrees", 1, 1),
    ("divide", 2, 1),
    ("divmod", 2, 2),
    ("equal", 2, 1),
    ("exp", 1, 1),
    ("exp2", 1, 1),
    ("expm1", 1, 1),
    ("fabs", 1, 1),
    ("float_power", 2, 1),
    ("floor", 1, 1),
    ("floor_divide", 2, 1),
    ("fmax", 2, 1),
    ("fmin", 2, 1),
    ("fmod", 2, 1),
    ("frexp", 1, 2),
    ("gcd", 2, 1),
    ("greater", 2, 1),
    ("greater_equal", 2, 1),
    ("heaviside", 2, 1),
    ("hypot", 2, 1),
    ("invert", 1, 1),
    ("isfinite", 1, 1),
    ("isinf", 1, 1),
    ("isnan", 1, 1),
    ("isnat", 1, 1),
    ("lcm", 2, 1),
    ("ldexp", 2, 1),
    ("left_shift", 2, 1),
    ("less", 2, 1),
    ("less_equal", 2, 1),
    ("log", 1, 1),
    ("log10", 1, 1),
    ("log1p", 1, 1),
    ("log2", 1, 1),
    ("logaddexp", 2, 1),
    ("logaddexp2", 2, 1),
    ("logical_and", 2, 1),
    ("logical_not", 1, 1),
    ("logical_or", 2, 1),
    ("logical_xor", 2, 1),
    ("matmul", 2, 1),
    ("matvec", 2, 1),
    ("maximum", 2, 1),
    ("minimum", 2, 1),
    ("mod", 2, 1),
    ("modf", 1, 2),
    ("multiply", 2, 1),
    ("negative", 1, 1),
    ("nextafter", 2, 1),
    ("not_equal", 2, 1),
    ("positive", 1, 1),
    ("pow", 2, 1),
    ("power", 2, 1),
    ("rad2deg", 1, 1),
    ("radians", 1, 1),
    ("reciprocal", 1, 1),
    ("remainder", 2, 1),
    ("right_shift", 2, 1),
    ("rint", 1, 1),
    ("sign", 1, 1),
    ("signbit", 1, 1),
    ("sin", 1, 1),
    ("sinh", 1, 1),
    ("spacing", 1, 1),
    ("sqrt", 1, 1),
    ("square", 1, 1),
    ("subtract", 2, 1),
    ("tan", 1, 1),
    ("tanh", 1, 1),
    ("true_divide", 2, 1),
    ("trunc", 1, 1),
    ("vecdot", 2, 1),
    ("vecmat", 2, 1),
];

fn u(name: &str) -> Unit {
    lookup(name).unwrap_or_else(|| parse(name).unwrap())
}

fn plan(name: &str, ops: &[Operand]) -> Plan {
    ufunc_plan(name, ops, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn out_unit(p: &Plan, i: usize) -> Unit {
    match &p.outputs[i] {
        Out::Unit(u) => u.clone(),
        Out::Plain => panic!("output {i} has no unit"),
    }
}

fn scale_of(c: Convert) -> f64 {
    match c {
        Convert::None => 1.0,
        Convert::Scale(a) => a,
        Convert::Affine(..) => panic!("affine, not a scale: {c:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300)
}

fn err(name: &str, ops: &[Operand]) -> Error {
    match ufunc_plan(name, ops, None) {
        Ok(p) => panic!("{name} should fail, got {p:?}"),
        Err(e) => e,
    }
}

fn is_dimension(e: &Error) -> bool {
    matches!(e, Error::Dimension(_))
}

fn is_offset(e: &Error) -> bool {
    matches!(e, Error::Offset(_))
}

#[test]
fn every_numpy_ufunc_has_a_rule_of_the_right_shape() {
    for (name, nin, nout) in NUMPY_UFUNCS {
        assert!(is_known_ufunc(name), "{name}");
        assert!(known_ufuncs().contains(&name), "{name}");
        assert_eq!(ufunc_arity(name), Some((nin, nout)), "{name}");
        // Plain operands satisfy every rule; the plan has one entry per
        // input and output.
        let ops = vec![Operand::Plain; nin];
        let p = ufunc_plan(name, &ops, Some(2.0)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(p.inputs.len(), nin, "{name}");
        assert_eq!(p.outputs.len(), nout, "{name}");
        assert_eq!(p.constant, None, "{name}");
        // A wrong operand count is an Invalid error, not a panic.
        let wrong = vec![Operand::Plain; nin + 1];
        assert!(matches!(
            ufunc_plan(name, &wrong, None),
            Err(Error::Invalid(_))
        ));
    }
    assert!(known_ufuncs().windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn unknown_ufuncs_are_invalid() {
    assert!(!is_known_ufunc("frobnicate"));
    let e = ufunc_plan("frobnicate", &[Operand::Plain], None).unwrap_err();
    assert_eq!(e, unknown_ufunc("frobnicate"));
    assert_eq!(
        e.to_string(),
        "dimtensor has no unit rule for the ufunc 'frobnicate'"
    );
    assert!(matches!(e, Error::Invalid(_)));
}

#[test]
fn same_unit_converts_to_the_first_operand() {
    let (m, km, s) = (u("m"), u("km"), u("s"));
    for name in [
        "add",
        "subtract",
        "maximum",
        "minimum",
        "fmax",
        "fmin",
        "hypot",
        "fmod",
        "remainder",
        "mod",
        "nextafter",
        "gcd",
        "lcm",
    ] {
        let p = plan(name, &[Operand::Unit(&m), Operand::Unit(&km)]);
        assert_eq!(p.inputs[0], Convert::None, "{name}");
        assert!(close(scale_of(p.inputs[1]), 1000.0), "{name}");
        assert_eq!(out_unit(&p, 0).symbol(), "m", "{name}");
        let p = plan(name, &[Operand::Unit(&km), Operand::Unit(&m)]);
        assert!(close(scale_of(p.inputs[1]), 1e-3), "{name}");
        assert_eq!(out_unit(&p, 0).symbol(), "km", "{name}");
        // Equal units: nothing to do.
        let p = plan(name, &[Operand::Unit(&m), Operand::Unit(&m)]);
        assert_eq!(&p.inputs[..], &[Convert::None; 2], "{name}");
        assert!(is_dimension(&err(
            name,
            &[Operand::Unit(&m), Operand::Unit(&s)]
        )));
        // A plain number is dimensionless: an error against metres...
        assert!(is_dimension(&err(
            name,
            &[Operand::Unit(&m), Operand::Plain]
        )));
        assert!(is_dimension(&err(
            name,
            &[Operand::Plain, Operand::Unit(&m)]
        )));
    }
    // ...and converted against a dimensionless unit: 1 is 100 %.
    let pct = u("%");
    let p = plan("add", &[Operand::Unit(&pct), Operand::Plain]);
    assert!(close(scale_of(p.inputs[1]), 100.0));
    assert_eq!(out_unit(&p, 0), pct);
    let p = plan("add", &[Operand::Plain, Operand::Unit(&pct)]);
    assert!(close(scale_of(p.inputs[1]), 0.01));
    assert_eq!(out_unit(&p, 0), Unit::one());
}

#[test]
fn m_plus_km_converts_km_by_1000() {
    let (m, km) = (u("m"), u("km"));
    let p = plan("add", &[Operand::Unit(&m), Operand::Unit(&km)]);
    assert_eq!(p.inputs[1].apply(2.0), 2000.0);
    assert_eq!(&p.outputs[..], &[Out::Unit(m)]);
}

#[test]
fn wildcards_take_the_other_unit() {
    let m = u("m");
    for name in ["add", "subtract", "maximum", "equal", "less", "hypot"] {
        for ops in [
            [Operand::Unit(&m), Operand::Wildcard],
            [Operand::Wildcard, Operand::Unit(&m)],
        ] {
            let p = plan(name, &ops);
            assert_eq!(&p.inputs[..], &[Convert::None; 2], "{name}");
            assert_eq!(p.constant, None);
            if name != "equal" && name != "less" {
                assert_eq!(out_unit(&p, 0).symbol(), "m", "{name}");
            }
        }
    }
    // Two wildcards: a plain result.
    let p = plan("add", &[Operand::Wildcard, Operand::Wildcard]);
    assert_eq!(out_unit(&p, 0), Unit::one());
    // Outside same-unit rules a wildcard is just a number.
    let p = plan("multiply", &[Operand::Unit(&m), Operand::Wildcard]);
    assert_eq!(out_unit(&p, 0), m);
    assert!(is_dimension(&err(
        "power",
        &[Operand::Wildcard, Operand::Unit(&m)]
    )));
    // 20 °C + 0 is 20 °C; 0 == 20 °C compares in °C.
    let c = u("degC");
    let p = plan("add", &[Operand::Unit(&c), Operand::Wildcard]);
    assert_eq!(out_unit(&p, 0).symbol(), "°C");
    let p = plan("equal", &[Operand::Wildcard, Operand::Unit(&c)]);
    assert_eq!(&p.inputs[..], &[Convert::None; 2]);
}

#[test]
fn same_unit_plan_for_functions() {
    let (m, km, c, f) = (u("m"), u("km"), u("degC"), u("degF"));
    let p = same_unit_plan(
        "concatenate",
        &[Operand::Unit(&km), Operand::Unit(&m), Operand::Wildcard],
    )
    .unwrap();
    assert!(close(scale_of(p.inputs[1]), 1e-3));
    assert_eq!(p.inputs[2], Convert::None);
    assert_eq!(out_unit(&p, 0).symbol(), "km");
    let p = same_unit_plan("where", &[Operand::Unit(&c), Operand::Unit(&f)]).unwrap();
    assert!(matches!(p.inputs[1], Convert::Affine(..)));
    let e = same_unit_plan("stack", &[Operand::Unit(&m), Operand::Unit(&c)]).unwrap_err();
    assert!(e.to_string().contains("stack"), "{e}");
}

#[test]
fn comparisons() {
    let (m, km, s) = (u("m"), u("km"), u("s"));
    for name in [
        "equal",
        "not_equal",
        "less",
        "less_equal",
        "greater",
        "greater_equal",
    ] {
        let p = plan(name, &[Operand::Unit(&m), Operand::Unit(&km)]);
        assert!(close(scale_of(p.inputs[1]), 1000.0));
        assert_eq!(p.outputs.to_vec(), vec![Out::Plain]);
        assert_eq!(p.constant, None);
    }
    let p = plan("equal", &[Operand::Unit(&m), Operand::Unit(&s)]);
    assert_eq!(p.constant, Some(false));
    assert_eq!(p.outputs.to_vec(), vec![Out::Plain]);
    let p = plan("not_equal", &[Operand::Unit(&m), Operand::Unit(&s)]);
    assert_eq!(p.constant, Some(true));
    let p = plan("equal", &[Operand::Unit(&m), Operand::Plain]);
    assert_eq!(p.constant, Some(false));
    for name in ["less", "less_equal", "greater", "greater_equal"] {
        assert!(is_dimension(&err(
            name,
            &[Operand::Unit(&m), Operand::Unit(&s)]
        )));
    }
}

#[test]
fn multiplicative() {
    let (m, s, km) = (u("m"), u("s"), u("km"));
    for name in ["multiply", "matmul", "vecdot", "matvec", "vecmat"] {
        let p = plan(name, &[Operand::Unit(&m), Operand::Unit(&s)]);
        assert_eq!(&p.inputs[..], &[Convert::None; 2]);
        let r = out_unit(&p, 0);
        assert_eq!(r.dimension(), m.dimension().mul(&s.dimension()).unwrap());
        assert_eq!(r.symbol(), "m·s");
    }
    for name in ["divide", "true_divide"] {
        let p = plan(name, &[Operand::Unit(&km), Operand::Unit(&s)]);
        assert_eq!(&p.inputs[..], &[Convert::None; 2]);
        assert_eq!(out_unit(&p, 0).symbol(), "km/s");
    }
    let p = plan("multiply", &[Operand::Plain, Operand::Unit(&m)]);
    assert_eq!(out_unit(&p, 0), m);
    let m2 = parse("m^2").unwrap();
    assert_eq!(out_unit(&plan("sqrt", &[Operand::Unit(&m2)]), 0), m);
    assert_eq!(
        out_unit(&plan("sqrt", &[Operand::Unit(&m2)]), 0).symbol(),
        "m"
    );
    assert_eq!(out_unit(&plan("square", &[Operand::Unit(&m)]), 0), m2);
    assert_eq!(
        out_unit(&plan("cbrt", &[Operand::Unit(&parse("m^3").unwrap())]), 0),
        m
    );
    assert_eq!(
        out_unit(&plan("reciprocal", &[Operand::Unit(&s)]), 0),
        parse("1/s").unwrap()
    );
    // sqrt of a plain number is a plain number.
    assert_eq!(out_unit(&plan("sqrt", &[Operand::Plain]), 0), Unit::one());
}

#[test]
fn power() {
    let (m, s, pct) = (u("m"), u("s"), u("%"));
    for name in ["power", "pow", "float_power"] {
        let p = ufunc_plan(name, &[Operand::Unit(&m), Operand::Plain], Some(2.0)).unwrap();
        assert_eq!(&p.inputs[..], &[Convert::None; 2]);
        assert_eq!(out_unit(&p, 0), parse("m^2").unwrap());
        let p = ufunc_plan(name, &[Operand::Unit(&m), Operand::Plain], Some(0.5)).unwrap();
        assert_eq!(
            out_unit(&p, 0).dimension(),
            m.dimension().pow(Rational::new(1, 2).unwrap()).unwrap()
        );
        // A dimensional base needs one exponent for the whole array.
        let e = ufunc_plan(name, &[Operand::Unit(&m), Operand::Plain], None).unwrap_err();
        assert!(is_dimension(&e));
        assert!(
            e.to_string().contains(name) && e.to_string().contains("'m'"),
            "{e}"
        );
        // The exponent must be dimensionless.
        let e = ufunc_plan(name, &[Operand::Unit(&m), Operand::Unit(&s)], Some(2.0)).unwrap_err();
        assert!(is_dimension(&e) && e.to_string().contains("'s'"), "{e}");
        // A dimensionless base: any exponent, base converted to scale 1.
        let p = ufunc_plan(name, &[Operand::Unit(&pct), Operand::Plain], None).unwrap();
        assert!(close(scale_of(p.inputs[0]), 0.01));
        assert_eq!(out_unit(&p, 0), Unit::one());
    }
    // The exponent is rounded to a fraction (denominator ≤ 1000).
    let p = ufunc_plan(
        "power",
        &[Operand::Unit(&m), Operand::Plain],
        Some(1.0 / 3.0),
    )
    .unwrap();
    assert_eq!(
        out_unit(&p, 0).dimension(),
        m.dimension().pow(Rational::new(1, 3).unwrap()).unwrap()
    );
    // A dimensionless exponent unit is converted: 200 % is 2.
    let p = ufunc_plan(
        "power",
        &[Operand::Unit(&m), Operand::Unit(&pct)],
        Some(200.0),
    )
    .unwrap();
    assert!(close(scale_of(p.inputs[1]), 0.01));
    assert_eq!(out_unit(&p, 0), parse("m^2").unwrap());
    // Out-of-range results are dimension errors, never panics or Invalid.
    let e = ufunc_plan(
        "power",
        &[Operand::Unit(&u("km")), Operand::Plain],
        Some(400.0),
    );
    assert!(is_dimension(&e.unwrap_err()));
}

#[test]
fn dimensionless_only() {
    let (deg, m, km) = (u("deg"), u("m"), u("km"));
    let ratio = m.div(&km).unwrap();
    let names = [
        "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "sinh",
        "cosh", "tanh", "arcsinh", "asinh", "arccosh", "acosh", "arctanh", "atanh",
    ];
    for name in names {
        let p = plan(name, &[Operand::Unit(&deg)]);
        assert!(close(scale_of(p.inputs[0]), PI / 180.0), "{name}");
        assert_eq!(out_unit(&p, 0), Unit::one());
        let p = plan(name, &[Operand::Unit(&ratio)]);
        assert!(close(scale_of(p.inputs[0]), 1e-3), "{name}");
        let e = err(name, &[Operand::Unit(&m)]);
        assert!(is_dimension(&e));
        let msg = e.to_string();
        assert!(
            msg.contains(name) && msg.contains("'m'") && msg.contains("dimensionless"),
            "{msg}"
        );
    }
    for name in ["logaddexp", "logaddexp2"] {
        let p = plan(name, &[Operand::Unit(&ratio), Operand::Plain]);
        assert!(close(scale_of(p.inputs[0]), 1e-3));
        assert_eq!(p.inputs[1], Convert::None);
        assert!(is_dimension(&err(
            name,
            &[Operand::Plain, Operand::Unit(&m)]
        )));
    }
    // sin(90°) is computed as sin(π/2).
    let p = plan("sin", &[Operand::Unit(&deg)]);
    assert!(close(p.inputs[0].apply(90.0), PI / 2.0));
}

#[test]
fn inverse_trig_gives_radians() {
    let rad = u("rad");
    for name in ["arcsin", "asin", "arccos", "acos", "arctan", "atan"] {
        let p = plan(name, &[Operand::Plain]);
        let r = out_unit(&p, 0);
        assert_eq!(r, rad);
        assert_eq!(r.symbol(), rad.symbol());
        assert!(is_dimension(&err(name, &[Operand::Unit(&u("s"))])));
    }
    let (m, km) = (u("m"), u("km"));
    for name in ["arctan2", "atan2"] {
        let p = plan(name, &[Operand::Unit(&m), Operand::Unit(&km)]);
        assert!(close(scale_of(p.inputs[1]), 1000.0));
        assert_eq!(out_unit(&p, 0).symbol(), rad.symbol());
        assert!(is_dimension(&err(
            name,
            &[Operand::Unit(&m), Operand::Unit(&u("s"))]
        )));
    }
}

#[test]
fn degrees_and_radians() {
    let (deg, rad) = (u("deg"), u("rad"));
    for name in ["deg2rad", "radians"] {
        // Degrees in: nothing to convert; radians in: converted to degrees.
        let p = plan(name, &[Operand::Unit(&deg)]);
        assert_eq!(p.inputs[0], Convert::None);
        assert_eq!(out_unit(&p, 0).symbol(), rad.symbol());
        let p = plan(name, &[Operand::Unit(&rad)]);
        assert!(close(scale_of(p.inputs[0]), 180.0 / PI));
        assert!(is_dimension(&err(name, &[Operand::Unit(&u("m"))])));
    }
    for name in ["rad2deg", "degrees"] {
        let p = plan(name, &[Operand::Unit(&deg)]);
        assert!(close(scale_of(p.inputs[0]), PI / 180.0));
        assert_eq!(out_unit(&p, 0).symbol(), deg.symbol());
        let p = plan(name, &[Operand::Unit(&rad)]);
        assert_eq!(p.inputs[0], Convert::None);
    }
}

#[test]
fn unit_preserving_and_friends() {
    let (m, km, s) = (u("m"), u("km"), u("s"));
    for name in [
        "negative",
        "positive",
        "absolute",
        "abs",
        "fabs",
        "floor",
        "ceil",
        "trunc",
        "rint",
        "conjugate",
        "conj",
        "spacing",
    ] {
        let p = plan(name, &[Operand::Unit(&km)]);
        assert_eq!(p.inputs.to_vec(), vec![Convert::None]);
        assert_eq!(out_unit(&p, 0).symbol(), "km", "{name}");
    }
    assert_eq!(
        out_unit(&plan("sign", &[Operand::Unit(&m)]), 0),
        Unit::one()
    );
    let p = plan("heaviside", &[Operand::Unit(&m), Operand::Unit(&u("%"))]);
    assert!(close(scale_of(p.inputs[1]), 0.01));
    assert_eq!(out_unit(&p, 0), Unit::one());
    assert!(is_dimension(&err(
        "heaviside",
        &[Operand::Unit(&m), Operand::Unit(&m)]
    )));
    let p = plan("copysign", &[Operand::Unit(&m), Operand::Unit(&s)]);
    assert_eq!(&p.inputs[..], &[Convert::None; 2]);
    assert_eq!(out_unit(&p, 0), m);
    let p = plan("ldexp", &[Operand::Unit(&km), Operand::Plain]);
    assert_eq!(out_unit(&p, 0).symbol(), "km");
    assert!(is_dimension(&err(
        "ldexp",
        &[Operand::Unit(&m), Operand::Unit(&s)]
    )));
    let p = plan("floor_divide", &[Operand::Unit(&m), Operand::Unit(&km)]);
    assert!(close(scale_of(p.inputs[1]), 1000.0));
    assert_eq!(out_unit(&p, 0), Unit::one());
    assert!(is_dimension(&err(
        "floor_divide",
        &[Operand::Unit(&m), Operand::Unit(&s)]
    )));
    let p = plan("divmod", &[Operand::Unit(&m), Operand::Unit(&km)]);
    assert!(close(scale_of(p.inputs[1]), 1000.0));
    assert_eq!(
        p.outputs.to_vec(),
        vec![Out::Unit(Unit::one()), Out::Unit(m.clone())]
    );
    let p = plan("modf", &[Operand::Unit(&km)]);
    assert_eq!(
        p.outputs.to_vec(),
        vec![Out::Unit(km.clone()), Out::Unit(km.clone())]
    );
    let p = plan("frexp", &[Operand::Unit(&km)]);
    assert_eq!(p.outputs.to_vec(), vec![Out::Unit(km.clone()), Out::Plain]);
}

#[test]
fn predicates_take_any_unit() {
    let (m, c) = (u("m"), u("degC"));
    for name in [
        "isfinite",
        "isinf",
        "isnan",
        "isnat",
        "signbit",
        "logical_not",
    ] {
        for op in [Operand::Unit(&m), Operand::Unit(&c), Operand::Plain] {
            let p = plan(name, &[op]);
            assert_eq!(p.inputs.to_vec(), vec![Convert::None]);
            assert_eq!(p.outputs.to_vec(), vec![Out::Plain]);
        }
    }
    for name in ["logical_and", "logical_or", "logical_xor"] {
        let p = plan(name, &[Operand::Unit(&m), Operand::Unit(&u("s"))]);
        assert_eq!(p.outputs.to_vec(), vec![Out::Plain]);
    }
}

#[test]
fn integers_need_plain_numbers() {
    let (m, pct) = (u("m"), u("%"));
    for name in [
        "bitwise_and",
        "bitwise_or",
        "bitwise_xor",
        "bitwise_not",
        "bitwise_invert",
        "bitwise_count",
        "bitwise_left_shift",
        "bitwise_right_shift",
        "left_shift",
        "right_shift",
        "invert",
    ] {
        let n = ufunc_arity(name).unwrap().0;
        let p = plan(name, &vec![Operand::Plain; n]);
        assert_eq!(out_unit(&p, 0), Unit::one());
        let mut ops = vec![Operand::Plain; n];
        ops[0] = Operand::Unit(&m);
        assert!(is_dimension(&err(name, &ops)));
        // No conversion: % would change the integers.
        ops[0] = Operand::Unit(&pct);
        let e = err(name, &ops);
        assert!(is_dimension(&e) && e.to_string().contains('%'), "{e}");
        // A dimensionless unit of scale 1 is fine.
        let one = m.div(&m).unwrap();
        ops[0] = Operand::Unit(&one);
        assert!(ufunc_plan(name, &ops, None).is_ok());
    }
}

#[test]
fn offset_subtraction() {
    let (c, f, k) = (u("degC"), u("degF"), u("K"));
    // degC − degC: an interval.
    let p = plan("subtract", &[Operand::Unit(&c), Operand::Unit(&c)]);
    assert_eq!(&p.inputs[..], &[Convert::None; 2]);
    let d = out_unit(&p, 0);
    assert_eq!(d.symbol(), u("delta_degC").symbol());
    assert!(!d.has_offset());
    // degC − degF: degF converted affinely (32 °F is 0 °C).
    let p = plan("subtract", &[Operand::Unit(&c), Operand::Unit(&f)]);
    assert!(matches!(p.inputs[1], Convert::Affine(..)));
    assert!(p.inputs[1].apply(32.0).abs() < 1e-12);
    assert!(close(p.inputs[1].apply(212.0), 100.0));
    assert_eq!(out_unit(&p, 0).symbol(), u("delta_degC").symbol());
    // degF − degC: the result in delta_degF.
    let p = plan("subtract", &[Operand::Unit(&f), Operand::Unit(&c)]);
    assert_eq!(out_unit(&p, 0).symbol(), u("delta_degF").symbol());
    // degC − K: K is an interval here, converted by scale only.
    let p = plan("subtract", &[Operand::Unit(&c), Operand::Unit(&k)]);
    assert_eq!(p.inputs[1], Convert::None);
    assert_eq!(out_unit(&p, 0).symbol(), "°C");
    // K − degC is an error.
    let e = err("subtract", &[Operand::Unit(&k), Operand::Unit(&c)]);
    assert!(is_offset(&e), "{e}");
}

#[test]
fn offset_addition() {
    let (c, f, k, dc, df) = (
        u("degC"),
        u("degF"),
        u("K"),
        u("delta_degC"),
        u("delta_degF"),
    );
    // degC + K: K converted by scale only, result degC.
    let p = plan("add", &[Operand::Unit(&c), Operand::Unit(&k)]);
    assert_eq!(p.inputs[1], Convert::None);
    assert_eq!(out_unit(&p, 0).symbol(), "°C");
    assert!(out_unit(&p, 0).has_offset());
    let p = plan("add", &[Operand::Unit(&c), Operand::Unit(&dc)]);
    assert_eq!(out_unit(&p, 0).symbol(), "°C");
    // degC + delta_degF: 9 delta_degF is 5 delta_degC.
    let p = plan("add", &[Operand::Unit(&c), Operand::Unit(&df)]);
    assert!(close(p.inputs[1].apply(9.0), 5.0));
    // K + delta_degC is ordinary.
    let p = plan("add", &[Operand::Unit(&k), Operand::Unit(&dc)]);
    assert_eq!(out_unit(&p, 0), k);
    // point + point, and absolute + point, are errors.
    for ops in [
        [Operand::Unit(&c), Operand::Unit(&c)],
        [Operand::Unit(&c), Operand::Unit(&f)],
        [Operand::Unit(&k), Operand::Unit(&c)],
    ] {
        let e = err("add", &ops);
        assert!(is_offset(&e), "{e}");
        let msg = e.to_string();
        assert!(msg.contains("'K'") && msg.contains("delta_deg"), "{msg}");
    }
}

#[test]
fn offset_points_compare_affinely() {
    let (c, f) = (u("degC"), u("degF"));
    for name in [
        "maximum",
        "minimum",
        "fmax",
        "fmin",
        "less",
        "equal",
        "greater_equal",
    ] {
        let p = plan(name, &[Operand::Unit(&c), Operand::Unit(&f)]);
        assert_eq!(p.inputs[0], Convert::None);
        match p.inputs[1] {
            Convert::Affine(a, b) => {
                assert!(close(a, 5.0 / 9.0));
                assert!(close(b, -160.0 / 9.0));
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let p = plan("maximum", &[Operand::Unit(&c), Operand::Unit(&f)]);
    assert_eq!(out_unit(&p, 0).symbol(), "°C");
    // °C against K is also affine (0 °C is 273.15 K).
    let p = plan("less", &[Operand::Unit(&u("K")), Operand::Unit(&c)]);
    assert!(close(p.inputs[1].apply(0.0), 273.15));
}

#[test]
fn offset_units_refuse_scaling() {
    let (c, m) = (u("degC"), u("m"));
    for (name, ops) in [
        ("multiply", vec![Operand::Unit(&c), Operand::Plain]),
        ("multiply", vec![Operand::Plain, Operand::Unit(&c)]),
        ("multiply", vec![Operand::Unit(&c), Operand::Unit(&m)]),
        ("divide", vec![Operand::Unit(&c), Operand::Plain]),
        ("divide", vec![Operand::Plain, Operand::Unit(&c)]),
        ("matmul", vec![Operand::Unit(&c), Operand::Plain]),
        ("sqrt", vec![Operand::Unit(&c)]),
        ("square", vec![Operand::Unit(&c)]),
        ("reciprocal", vec![Operand::Unit(&c)]),
        ("absolute", vec![Operand::Unit(&c)]),
        ("abs", vec![Operand::Unit(&c)]),
        ("fabs", vec![Operand::Unit(&c)]),
        ("sign", vec![Operand::Unit(&c)]),
        ("hypot", vec![Operand::Unit(&c), Operand::Unit(&c)]),
        ("fmod", vec![Operand::Unit(&c), Operand::Unit(&c)]),
        ("frexp", vec![Operand::Unit(&c)]),
        ("copysign", vec![Operand::Unit(&c), Operand::Plain]),
    ] {
        let e = ufunc_plan(name, &ops, Some(2.0)).unwrap_err();
        assert!(is_offset(&e), "{name}: {e}");
        let msg = e.to_string();
        assert!(
            msg.contains(name)
                && msg.contains("°C")
                && msg.contains("'K'")
                && msg.contains("delta_degC"),
            "{msg}"
        );
    }
    let e = ufunc_plan("power", &[Operand::Unit(&c), Operand::Plain], Some(2.0)).unwrap_err();
    assert!(is_offset(&e), "{e}");
    // Dimensionless-only and integer rules reject temperatures as dimensional.
    assert!(is_dimension(&err("exp", &[Operand::Unit(&c)])));
    assert!(is_dimension(&err("invert", &[Operand::Unit(&c)])));
    // Unit-preserving operations keep the point.
    for name in ["negative", "positive", "floor", "ceil", "trunc", "rint"] {
        assert_eq!(
            out_unit(&plan(name, &[Operand::Unit(&c)]), 0).symbol(),
            "°C"
        );
    }
    // modf: the fractional part is a difference of points.
    let p = plan("modf", &[Operand::Unit(&c)]);
    assert_eq!(out_unit(&p, 0).symbol(), u("delta_degC").symbol());
    assert_eq!(out_unit(&p, 1).symbol(), "°C");
}

#[test]
fn error_messages_name_units_dimensions_and_ufunc() {
    let (m, s) = (u("m"), u("s"));
    let msg = err("add", &[Operand::Unit(&m), Operand::Unit(&s)]).to_string();
    assert!(
        msg.contains("add") && msg.contains("'m'") && msg.contains("'s'"),
        "{msg}"
    );
    assert!(msg.contains("[L]") && msg.contains("[T]"), "{msg}");
    let msg = err(
        "less",
        &[
            Operand::Unit(&parse("kg*m/s^2").unwrap()),
            Operand::Unit(&s),
        ],
    )
    .to_string();
    assert!(
        msg.contains("less") && msg.contains("LMT⁻²") && msg.contains("kg·m/s²"),
        "{msg}"
    );
    let msg = err("add", &[Operand::Unit(&m), Operand::Plain]).to_string();
    assert!(msg.contains("plain number"), "{msg}");
    let msg = err("sin", &[Operand::Unit(&m)]).to_string();
    assert!(
        msg.contains("sin") && msg.contains("'m'") && msg.contains("[L]"),
        "{msg}"
    );
    let msg = err("multiply", &[Operand::Unit(&u("degF")), Operand::Plain]).to_string();
    assert!(
        msg.contains("°F") && msg.contains("delta_degF") && msg.contains("'K'"),
        "{msg}"
    );
}

#[test]
fn delta_units() {
    assert_eq!(
        delta_unit(&u("degC")).unwrap().symbol(),
        u("delta_degC").symbol()
    );
    assert_eq!(
        delta_unit(&u("degF")).unwrap().symbol(),
        u("delta_degF").symbol()
    );
    assert_eq!(delta_unit(&u("m")).unwrap().symbol(), "m");
    // An offset unit without a registered interval unit gets a Δ name.
    let mk = Unit::named(
        dimtensor_core::unit::Name::plain("mK_off"),
        u("K").dimension(),
        1e-3,
        5.0,
    )
    .unwrap();
    let d = delta_unit(&mk).unwrap();
    assert_eq!(d.symbol(), "ΔmK_off");
    assert!(!d.has_offset());
    assert_eq!(d.scale(), 1e-3);
}

#[test]
fn reductions() {
    let (m, c, s) = (u("m"), u("degC"), u("s"));
    let dc = u("delta_degC");
    let r = |name: &str, unit: &Unit, count| reduction_unit(name, unit, count);
    for name in [
        "sum",
        "nansum",
        "cumsum",
        "mean",
        "nanmean",
        "average",
        "median",
        "nanmedian",
        "min",
        "max",
        "nanmin",
        "nanmax",
        "amin",
        "amax",
        "ptp",
        "std",
        "nanstd",
    ] {
        assert!(known_reductions().contains(&name));
        assert_eq!(r(name, &m, None).unwrap().unwrap().symbol(), "m", "{name}");
    }
    for name in ["var", "nanvar"] {
        assert_eq!(r(name, &m, None).unwrap(), Some(parse("m^2").unwrap()));
        let v = r(name, &c, None).unwrap().unwrap();
        assert_eq!(v.symbol(), "Δ°C²");
        assert_eq!(v, dc.powr(Rational::int(2)).unwrap());
        assert!(!v.has_offset());
    }
    // Offset units: mean/median/min/max keep the point, spreads are intervals.
    for name in ["mean", "median", "min", "max", "nanmean", "amax"] {
        assert_eq!(r(name, &c, None).unwrap().unwrap().symbol(), "°C");
    }
    for name in ["std", "nanstd", "ptp"] {
        assert_eq!(r(name, &c, None).unwrap().unwrap().symbol(), dc.symbol());
    }
    for name in ["sum", "nansum", "cumsum", "prod", "nanprod", "cumprod"] {
        let e = r(name, &c, Some(3)).unwrap_err();
        assert!(is_offset(&e), "{name}: {e}");
        assert!(e.to_string().contains("°C"), "{e}");
    }
    // prod needs the count for a dimensional unit.
    for name in ["prod", "nanprod"] {
        assert_eq!(r(name, &m, Some(3)).unwrap(), Some(parse("m^3").unwrap()));
        assert_eq!(r(name, &m, Some(0)).unwrap(), Some(Unit::one()));
        let e = r(name, &s, None).unwrap_err();
        assert!(is_dimension(&e) && e.to_string().contains("'s'"), "{e}");
        // A plain number needs no count.
        assert_eq!(r(name, &Unit::one(), None).unwrap(), Some(Unit::one()));
        // %³ is a unit of its own.
        let p = r(name, &u("%"), Some(3)).unwrap().unwrap();
        assert!(close(p.scale(), 1e-6));
        assert!(is_dimension(&r(name, &m, Some(3_000_000_000)).unwrap_err()));
    }
    // cumprod: each element would have its own unit.
    assert!(is_dimension(&r("cumprod", &m, Some(3)).unwrap_err()));
    assert_eq!(r("cumprod", &m, Some(1)).unwrap(), Some(m.clone()));
    assert_eq!(
        r("cumprod", &Unit::one(), Some(7)).unwrap(),
        Some(Unit::one())
    );
    for name in ["argmin", "argmax"] {
        assert_eq!(r(name, &m, None).unwrap(), None);
        assert_eq!(r(name, &c, None).unwrap(), None);
    }
    let e = r("frobnicate", &m, None).unwrap_err();
    assert!(matches!(e, Error::Invalid(_)) && e.to_string().contains("frobnicate"));
}
