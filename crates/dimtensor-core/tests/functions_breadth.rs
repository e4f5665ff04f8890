//! The rule language's breadth (issue 14): refusals with reasons, named
//! units, loops of outputs (polynomial coefficients), polynomial
//! coefficient roles and per-coordinate (`<A B>`) roles.

use dimtensor_core::rules::functions::{function_rule, Arg, FnCall, FnPlan, Opt, Value};
use dimtensor_core::rules::{function_plan, Convert, Operand, Out};
use dimtensor_core::{parse, Error, Unit};
use smallvec::SmallVec;

fn u(name: &str) -> Unit {
    parse(name).unwrap()
}

fn arg<'a>(op: Operand<'a>, shape: &[usize]) -> Arg<'a> {
    Arg {
        operand: op,
        shape: Some(SmallVec::from_slice(shape)),
    }
}

fn one<'a>(unit: &'a Unit, shape: &[usize]) -> Value<'a> {
    Value::One(arg(Operand::Unit(unit), shape))
}

fn plan<'a>(
    name: &str,
    values: Vec<Value<'a>>,
    options: Vec<(&'a str, Opt)>,
) -> Result<FnPlan, Error> {
    function_plan(name, &FnCall { values, options })
}

fn units(p: &FnPlan) -> Vec<Option<Unit>> {
    p.outputs
        .iter()
        .map(|o| match o {
            Out::Unit(u) => Some(u.clone()),
            Out::Plain => None,
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

#[test]
fn polyfit_gives_one_unit_per_power() {
    let (s, m) = (u("s"), u("m"));
    assert!(function_rule("polyfit").unwrap().unwrap().split);
    assert!(!function_rule("polyval").unwrap().unwrap().split);
    let values = vec![one(&s, &[5]), one(&m, &[5]), Value::Absent];
    let p = plan("polyfit", values.clone(), vec![("deg", Opt::Int(2))]).unwrap();
    let want = [u("m/s^2"), u("m/s"), m.clone()];
    assert_eq!(units(&p), want.map(Some).to_vec());
    // A temperature trend: Δ°C per second, the constant term in °C.
    let c = u("degC");
    let values = vec![one(&s, &[5]), one(&c, &[5]), Value::Absent];
    let p = plan("polyfit", values, vec![("deg", Opt::Int(1))]).unwrap();
    assert_eq!(units(&p), vec![Some(u("delta_degC/s")), Some(c.clone())]);
    // ... but a polynomial in a temperature point depends on its zero.
    let values = vec![one(&c, &[5]), one(&m, &[5]), Value::Absent];
    let e = plan("polyfit", values, vec![("deg", Opt::Int(1))]).unwrap_err();
    assert!(matches!(e, Error::Offset(_)), "{e}");
    // deg must be known; cov= is refused with its reason.
    let values = vec![one(&s, &[5]), one(&m, &[5]), Value::Absent];
    assert!(plan("polyfit", values.clone(), vec![]).is_err());
    let e = plan(
        "polyfit",
        values,
        vec![("deg", Opt::Int(1)), ("cov", Opt::Bool(true))],
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::Invalid(_)) && e.to_string().contains("covariance"),
        "{e}"
    );
}

#[test]
fn polyval_converts_each_coefficient_to_its_power() {
    let (s, m, km, min) = (u("s"), u("m"), u("km"), u("min"));
    let per_s2 = u("m/s^2");
    let per_min = u("km/min");
    // p = [a m/s², b km/min, c m], x in s: b converted to m/s, the result in m.
    let values = vec![
        Value::Many(vec![
            arg(Operand::Unit(&per_s2), &[]),
            arg(Operand::Unit(&per_min), &[]),
            arg(Operand::Unit(&m), &[]),
        ]),
        one(&s, &[4]),
    ];
    let p = plan("polyval", values, vec![]).unwrap();
    assert_eq!(units(&p), vec![Some(m.clone())]);
    assert_eq!(p.inputs[0][0], Convert::None);
    assert!(close(p.inputs[0][1].apply(1.0), 1000.0 / 60.0));
    assert_eq!(p.inputs[0][2], Convert::None);
    // The constant term sets the unit of the result.
    let values = vec![
        Value::Many(vec![
            arg(Operand::Unit(&per_min), &[]),
            arg(Operand::Unit(&km), &[]),
        ]),
        one(&min, &[4]),
    ];
    let p = plan("polyval", values, vec![]).unwrap();
    assert_eq!(units(&p), vec![Some(km.clone())]);
    // A wildcard constant term: the first coefficient sets it.
    let values = vec![
        Value::Many(vec![
            arg(Operand::Unit(&per_min), &[]),
            arg(Operand::Wildcard, &[]),
        ]),
        one(&min, &[4]),
    ];
    assert_eq!(
        units(&plan("polyval", values, vec![]).unwrap()),
        vec![Some(km.clone())]
    );
    // x² + 3 with x in metres is no polynomial with units.
    let values = vec![
        Value::Many(vec![
            arg(Operand::Plain, &[]),
            arg(Operand::Wildcard, &[]),
            arg(Operand::Plain, &[]),
        ]),
        one(&m, &[4]),
    ];
    let e = plan("polyval", values, vec![]).unwrap_err();
    assert!(matches!(e, Error::Dimension(_)), "{e}");
}

#[test]
fn poly_gives_powers_of_the_roots_unit() {
    let m = u("m");
    let p = plan("poly", vec![one(&m, &[3])], vec![]).unwrap();
    let want = [Unit::one(), m.clone(), u("m^2"), u("m^3")];
    assert_eq!(units(&p), want.map(Some).to_vec());
}

#[test]
fn refusals_name_their_reason() {
    let m = u("m");
    for (name, words) in [
        ("apply_along_axis", "Python function"),
        ("save", "file"),
        ("strings.upper", "text"),
        ("busday_count", "dates"),
        ("lib.recfunctions.merge_arrays", "records"),
    ] {
        let e = plan(name, vec![], vec![]).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, Error::Invalid(_)), "{name}: {msg}");
        assert!(msg.contains(words) && msg.contains(name), "{name}: {msg}");
    }
    // A refusal without a reason quotes the rule.
    let e = plan(
        "linalg.qr",
        vec![one(&m, &[2, 2])],
        vec![("mode", Opt::Str("raw".into()))],
    )
    .unwrap_err();
    assert!(e.to_string().contains("its rule"), "{e}");
}

#[test]
fn angles_come_out_in_named_units() {
    let v = u("V");
    let p = plan("angle", vec![one(&v, &[2])], vec![]).unwrap();
    assert_eq!(units(&p), vec![Some(u("rad"))]);
    let p = plan("angle", vec![one(&v, &[2])], vec![("deg", Opt::Bool(true))]).unwrap();
    assert_eq!(units(&p), vec![Some(u("deg"))]);
    // unwrap: phases converted to radians.
    let deg = u("deg");
    let p = plan(
        "unwrap",
        vec![one(&deg, &[3]), Value::Absent, Value::Absent],
        vec![],
    )
    .unwrap();
    assert_eq!(units(&p), vec![Some(u("rad"))]);
    assert!(close(p.inputs[0][0].apply(180.0), std::f64::consts::PI));
}

#[test]
fn histogram2d_takes_bins_and_range_per_coordinate() {
    let (s, m, ms, km) = (u("s"), u("m"), u("ms"), u("km"));
    let edges = Value::Positional(vec![
        (0, arg(Operand::Unit(&ms), &[3])),
        (1, arg(Operand::Unit(&km), &[3])),
    ]);
    let values = vec![
        one(&s, &[9]),
        one(&m, &[9]),
        edges,
        Value::Absent,
        Value::Absent,
    ];
    let p = plan("histogram2d", values, vec![]).unwrap();
    assert_eq!(units(&p), vec![None, Some(s.clone()), Some(m.clone())]);
    assert!(close(p.inputs[2][0].apply(1000.0), 1.0));
    assert!(close(p.inputs[2][1].apply(1.0), 1000.0));
    // density: per unit of each coordinate.
    let values = vec![
        one(&s, &[9]),
        one(&m, &[9]),
        Value::Absent,
        Value::Absent,
        Value::Absent,
    ];
    let p = plan("histogram2d", values, vec![("density", Opt::Bool(true))]).unwrap();
    assert_eq!(units(&p)[0], Some(u("1/(s*m)")));
    // An edge in the other coordinate's unit is an error.
    let edges = Value::Positional(vec![(0, arg(Operand::Unit(&m), &[3]))]);
    let values = vec![
        one(&s, &[9]),
        one(&m, &[9]),
        edges,
        Value::Absent,
        Value::Absent,
    ];
    assert!(matches!(
        plan("histogram2d", values, vec![]),
        Err(Error::Dimension(_))
    ));
}

#[test]
fn histogramdd_reads_each_coordinates_unit() {
    let (s, m, km) = (u("s"), u("m"), u("km"));
    let sample = Value::Many(vec![
        arg(Operand::Unit(&s), &[9]),
        arg(Operand::Unit(&m), &[9]),
    ]);
    let range = Value::Positional(vec![
        (0, arg(Operand::Wildcard, &[])),
        (0, arg(Operand::Unit(&s), &[])),
        (1, arg(Operand::Wildcard, &[])),
        (1, arg(Operand::Unit(&km), &[])),
    ]);
    let values = vec![sample, Value::Absent, range, Value::Absent];
    let p = plan("histogramdd", values, vec![("density", Opt::Bool(true))]).unwrap();
    assert_eq!(
        units(&p),
        vec![Some(u("1/(s*m)")), Some(s.clone()), Some(m.clone())]
    );
    assert!(close(p.inputs[2][3].apply(1.0), 1000.0));
}

#[test]
fn statistics_weights_and_counts() {
    let (m, km, kg, c) = (u("m"), u("km"), u("kg"), u("degC"));
    let p = plan(
        "cov",
        vec![one(&m, &[4]), one(&km, &[4]), Value::Absent],
        vec![],
    )
    .unwrap();
    assert_eq!(units(&p), vec![Some(u("m^2"))]);
    assert!(close(p.inputs[1][0].apply(1.0), 1000.0));
    let p = plan(
        "cov",
        vec![one(&c, &[4]), Value::Absent, Value::Absent],
        vec![],
    )
    .unwrap();
    assert_eq!(units(&p), vec![Some(u("delta_degC^2"))]);
    let p = plan("corrcoef", vec![one(&m, &[4]), one(&kg, &[4])], vec![]).unwrap();
    assert_eq!(units(&p), vec![Some(Unit::one())]);
    let p = plan("bincount", vec![one(&kg, &[4])], vec![]).unwrap();
    assert_eq!(units(&p), vec![Some(kg.clone())]);
    let p = plan("bincount", vec![Value::Absent], vec![]).unwrap();
    assert_eq!(units(&p), vec![None]);
    assert!(plan("bincount", vec![one(&c, &[4])], vec![]).is_err());
}

#[test]
fn float_exponents_and_pure_numbers_to_any_power() {
    let m2 = u("m^2");
    let p = plan(
        "emath.power",
        vec![one(&m2, &[2])],
        vec![("p", Opt::Float(0.5))],
    )
    .unwrap();
    assert_eq!(units(&p), vec![Some(u("m"))]);
    // A pure number to a power that varies per element is a pure number.
    let p = plan(
        "emath.power",
        vec![one(&Unit::one(), &[2])],
        vec![("p", Opt::Other)],
    )
    .unwrap();
    assert_eq!(units(&p), vec![Some(Unit::one())]);
    assert!(plan("emath.power", vec![one(&m2, &[2])], vec![("p", Opt::Other)]).is_err());
}
