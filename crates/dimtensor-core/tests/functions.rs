//! The function rule table: every line parses, and the rules convert,
//! combine and refuse units as the table says.

use dimtensor_core::rules::functions::{function_rule, Arg, FnCall, FnPlan, Opt, Value};
use dimtensor_core::rules::{function_plan, known_functions, Convert, Operand, Out};
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

fn one<'a>(unit: &'a Unit) -> Value<'a> {
    Value::One(arg(Operand::Unit(unit), &[]))
}

fn call<'a>(values: Vec<Value<'a>>, options: Vec<(&'a str, Opt)>) -> FnCall<'a> {
    FnCall { values, options }
}

fn out(p: &FnPlan, i: usize) -> Unit {
    match &p.outputs[i] {
        Out::Unit(u) => u.clone(),
        Out::Plain => panic!("output {i} has no unit"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

/// A call with one operand per parameter (None: absent).
fn plan(name: &str, units: &[Option<&Unit>]) -> Result<FnPlan, Error> {
    let values = units
        .iter()
        .map(|u| match u {
            Some(u) => one(u),
            None => Value::Absent,
        })
        .collect();
    function_plan(name, &call(values, vec![]))
}

fn params(name: &str) -> usize {
    function_rule(name).unwrap().unwrap().params.len()
}

#[test]
fn every_function_has_a_parsed_rule() {
    let names = known_functions();
    assert!(names.len() > 150, "{}", names.len());
    for n in names {
        assert!(function_rule(n).unwrap().is_ok(), "{n}");
    }
    assert!(function_rule("frobnicate").is_none());
    let e = function_plan("frobnicate", &FnCall::default()).unwrap_err();
    assert!(matches!(e, Error::Invalid(_)) && e.to_string().contains("frobnicate"));
}

#[test]
fn joins_convert_to_the_first_operand() {
    let (m, km, s) = (u("m"), u("km"), u("s"));
    let values = vec![Value::Many(vec![
        arg(Operand::Unit(&km), &[2]),
        arg(Operand::Unit(&m), &[2]),
        arg(Operand::Wildcard, &[]),
    ])];
    let p = function_plan("concatenate", &call(values, vec![])).unwrap();
    assert_eq!(out(&p, 0), km);
    assert_eq!(p.inputs[0][0], Convert::None);
    assert!(close(p.inputs[0][1].apply(1000.0), 1.0));
    assert_eq!(p.inputs[0][2], Convert::None);
    let values = vec![Value::Many(vec![
        arg(Operand::Unit(&m), &[2]),
        arg(Operand::Unit(&s), &[2]),
    ])];
    let e = function_plan("concat", &call(values, vec![])).unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(e, Error::Dimension(_)) && msg.contains("concat") && msg.contains("'s'"),
        "{msg}"
    );
}

#[test]
fn clip_converts_bounds_and_keeps_points() {
    let (c, k, f) = (u("degC"), u("K"), u("degF"));
    let p = plan("clip", &[Some(&c), Some(&k), Some(&f), None, None]).unwrap();
    assert_eq!(out(&p, 0), c);
    assert!(close(p.inputs[1][0].apply(273.15), 0.0));
    assert!(close(p.inputs[2][0].apply(212.0), 100.0));
    let dc = u("delta_degC");
    assert!(matches!(
        plan("clip", &[Some(&c), Some(&dc), None, None, None]),
        Err(Error::Offset(_))
    ));
}

#[test]
fn reductions() {
    let (m, c, s) = (u("m"), u("degC"), u("s"));
    let dc = u("delta_degC");
    let reduce = |name: &str, unit: &Unit, shape: &[usize]| {
        let mut values = vec![Value::One(arg(Operand::Unit(unit), shape))];
        values.resize(params(name), Value::Absent);
        function_plan(name, &call(values, vec![]))
    };
    for name in [
        "sum",
        "nansum",
        "cumsum",
        "mean",
        "nanmean",
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
        "average",
        "percentile",
    ] {
        assert_eq!(out(&reduce(name, &m, &[3]).unwrap(), 0), m, "{name}");
    }
    for name in ["var", "nanvar"] {
        assert_eq!(out(&reduce(name, &m, &[3]).unwrap(), 0), u("m^2"));
        let v = out(&reduce(name, &c, &[3]).unwrap(), 0);
        assert_eq!(v.symbol(), "Δ°C²");
    }
    // Points: mean/median/min/max keep the point, spreads are intervals.
    for name in [
        "mean",
        "median",
        "min",
        "max",
        "nanmean",
        "amax",
        "percentile",
    ] {
        assert_eq!(out(&reduce(name, &c, &[3]).unwrap(), 0), c, "{name}");
    }
    for name in ["std", "nanstd", "ptp"] {
        assert_eq!(out(&reduce(name, &c, &[3]).unwrap(), 0), dc, "{name}");
    }
    for name in [
        "sum", "nansum", "cumsum", "prod", "nanprod", "cumprod", "trace",
    ] {
        let e = reduce(name, &c, &[3]).unwrap_err();
        assert!(matches!(e, Error::Offset(_)), "{name}: {e}");
        assert!(e.to_string().contains("°C"), "{e}");
    }
    // prod: the unit to the number of factors, from the shape.
    assert_eq!(out(&reduce("prod", &m, &[3]).unwrap(), 0), u("m^3"));
    assert_eq!(out(&reduce("prod", &m, &[0]).unwrap(), 0), Unit::one());
    assert_eq!(out(&reduce("prod", &m, &[2, 3]).unwrap(), 0), u("m^6"));
    // ... unknown with a where= mask, and for nanprod (NaNs may be skipped):
    // only a pure number has a unit then, whatever the values.
    let mut values = vec![Value::One(arg(Operand::Unit(&s), &[3])), Value::Absent];
    let masked = call(values.clone(), vec![("where", Opt::Other)]);
    let e = function_plan("prod", &masked).unwrap_err();
    assert!(
        matches!(e, Error::Dimension(_)) && e.to_string().contains("'s'"),
        "{e}"
    );
    assert!(reduce("nanprod", &s, &[3]).is_err());
    assert_eq!(
        out(&reduce("nanprod", &Unit::one(), &[3]).unwrap(), 0),
        Unit::one()
    );
    // ... along an axis.
    values[0] = Value::One(arg(Operand::Unit(&m), &[2, 5]));
    let along = call(values, vec![("axis", Opt::Int(-1))]);
    assert_eq!(out(&function_plan("prod", &along).unwrap(), 0), u("m^5"));
    // %³ is a unit of its own.
    let p = out(&reduce("prod", &u("%"), &[3]).unwrap(), 0);
    assert!(close(p.scale(), 1e-6));
    // cumprod: each element would have its own unit.
    assert!(matches!(
        reduce("cumprod", &m, &[3]),
        Err(Error::Dimension(_))
    ));
    assert_eq!(out(&reduce("cumprod", &m, &[1]).unwrap(), 0), m);
    assert_eq!(
        out(&reduce("cumprod", &Unit::one(), &[7]).unwrap(), 0),
        Unit::one()
    );
    for name in ["argmin", "argmax", "all"] {
        assert_eq!(reduce(name, &c, &[3]).unwrap().outputs, vec![Out::Plain]);
    }
}

#[test]
fn percentiles_take_q_in_percent() {
    let (m, pct) = (u("m"), u("%"));
    let unit_one = Unit::one();
    let p = plan("percentile", &[Some(&m), Some(&unit_one), None]).unwrap();
    assert!(close(p.inputs[1][0].apply(0.5), 50.0));
    // A plain number is percent already.
    let values = vec![one(&m), Value::One(arg(Operand::Plain, &[])), Value::Absent];
    let p = function_plan("percentile", &call(values, vec![])).unwrap();
    assert_eq!(p.inputs[1][0], Convert::None);
    let p = plan("quantile", &[Some(&m), Some(&pct), None]).unwrap();
    assert!(close(p.inputs[1][0].apply(50.0), 0.5));
    assert!(plan("quantile", &[Some(&m), Some(&m), None]).is_err());
}

#[test]
fn differences_are_intervals() {
    let (c, m) = (u("degC"), u("m"));
    let p = plan("diff", &[Some(&c), None, None]).unwrap();
    assert_eq!(out(&p, 0), u("delta_degC"));
    let values = vec![one(&c), Value::Absent, Value::Absent];
    let p = function_plan("diff", &call(values, vec![("n", Opt::Int(0))])).unwrap();
    assert_eq!(out(&p, 0), c);
    // ediff1d's to_end is a difference: kelvins are, a point is not.
    let k = u("K");
    let p = plan("ediff1d", &[Some(&c), Some(&k), None]).unwrap();
    assert_eq!(p.inputs[1][0], Convert::None);
    assert!(matches!(
        plan("ediff1d", &[Some(&c), Some(&c), None]),
        Err(Error::Offset(_))
    ));
    // interp's period is a difference of x values.
    let km = u("km");
    let p = plan(
        "interp",
        &[Some(&m), Some(&km), Some(&c), None, None, Some(&km)],
    )
    .unwrap();
    assert_eq!(out(&p, 0), c);
    assert!(close(p.inputs[1][0].apply(1.0), 1000.0));
    assert!(close(p.inputs[5][0].apply(1.0), 1000.0));
}

#[test]
fn gradient_divides_by_steps_and_coordinate_differences() {
    let (c, s, km) = (u("degC"), u("s"), u("km"));
    // No spacing: one derivative per axis, each in Δ°C.
    let values = vec![one(&c), Value::Many(vec![])];
    let p = function_plan("gradient", &call(values, vec![])).unwrap();
    assert_eq!(p.outputs.len(), 1);
    assert!(p.repeat);
    assert_eq!(out(&p, 0), u("delta_degC"));
    // A scalar step in s and coordinates in km.
    let values = vec![
        one(&c),
        Value::Many(vec![
            arg(Operand::Unit(&s), &[]),
            arg(Operand::Unit(&km), &[4]),
        ]),
    ];
    let p = function_plan("gradient", &call(values, vec![])).unwrap();
    assert_eq!(out(&p, 0), u("delta_degC/s"));
    assert_eq!(out(&p, 1), u("delta_degC/km"));
}

#[test]
fn trapezoid_integrates_over_x_or_dx() {
    let (m, s, min) = (u("m"), u("s"), u("min"));
    let p = plan("trapezoid", &[Some(&m), Some(&min), None]).unwrap();
    assert_eq!(out(&p, 0), u("m*min"));
    let p = plan("trapezoid", &[Some(&m), None, Some(&s)]).unwrap();
    assert_eq!(out(&p, 0), u("m*s"));
    let p = plan("trapezoid", &[Some(&m), None, None]).unwrap();
    assert_eq!(out(&p, 0), m);
    assert!(matches!(
        plan("trapezoid", &[Some(&u("degC")), None, Some(&s)]),
        Err(Error::Offset(_))
    ));
}

#[test]
fn histogram_units_follow_density_and_weights() {
    let (m, kg) = (u("m"), u("kg"));
    let p = plan("histogram", &[Some(&m), None, None, None]).unwrap();
    assert_eq!(p.outputs[0], Out::Plain);
    assert_eq!(out(&p, 1), m);
    let p = plan("histogram", &[Some(&m), None, None, Some(&kg)]).unwrap();
    assert_eq!(out(&p, 0), kg);
    let values = vec![one(&m), Value::Absent, Value::Absent, one(&kg)];
    let p = function_plan(
        "histogram",
        &call(values, vec![("density", Opt::Bool(true))]),
    )
    .unwrap();
    assert_eq!(out(&p, 0), u("1/m"));
}

#[test]
fn products_and_linear_algebra() {
    let (m, s) = (u("m"), u("s"));
    assert_eq!(
        out(&plan("dot", &[Some(&m), Some(&s)]).unwrap(), 0),
        u("m*s")
    );
    assert_eq!(out(&plan("linalg.inv", &[Some(&m)]).unwrap(), 0), u("1/m"));
    assert_eq!(
        out(&plan("linalg.solve", &[Some(&m), Some(&s)]).unwrap(), 0),
        u("s/m")
    );
    assert_eq!(
        out(&plan("linalg.cholesky", &[Some(&u("m^2"))]).unwrap(), 0),
        m
    );
    // det: a product of n entries, n from the matrix's shape.
    let values = vec![Value::One(arg(Operand::Unit(&m), &[3, 3]))];
    let p = function_plan("linalg.det", &call(values, vec![])).unwrap();
    assert_eq!(out(&p, 0), u("m^3"));
    let values = vec![Value::One(Arg {
        operand: Operand::Unit(&m),
        shape: None,
    })];
    assert!(function_plan("linalg.det", &call(values, vec![])).is_err());
    // matrix_power: n from the call.
    let p = function_plan(
        "linalg.matrix_power",
        &call(vec![one(&m)], vec![("n", Opt::Int(-2))]),
    )
    .unwrap();
    assert_eq!(out(&p, 0), u("1/m^2"));
    // einsum and multi_dot multiply every operand's unit.
    let values = vec![Value::Many(vec![
        arg(Operand::Plain, &[]),
        arg(Operand::Unit(&m), &[2]),
        arg(Operand::Unit(&s), &[2]),
    ])];
    assert_eq!(
        out(&function_plan("einsum", &call(values, vec![])).unwrap(), 0),
        u("m*s")
    );
    // svd, qr: the outputs depend on the arguments.
    let p = plan("linalg.svd", &[Some(&m)]).unwrap();
    assert_eq!(p.outputs.len(), 3);
    assert_eq!(out(&p, 1), m);
    let p = function_plan(
        "linalg.svd",
        &call(vec![one(&m)], vec![("compute_uv", Opt::Bool(false))]),
    )
    .unwrap();
    assert_eq!(p.outputs, vec![Out::Unit(m.clone())]);
    let e = function_plan(
        "linalg.qr",
        &call(vec![one(&m)], vec![("mode", Opt::Str("raw".into()))]),
    )
    .unwrap_err();
    assert!(matches!(e, Error::Invalid(_)), "{e}");
    // norms: a count for ord=0.
    let p = function_plan(
        "linalg.norm",
        &call(vec![one(&m)], vec![("ord", Opt::Int(0))]),
    )
    .unwrap();
    assert_eq!(out(&p, 0), Unit::one());
    assert_eq!(out(&plan("linalg.vector_norm", &[Some(&m)]).unwrap(), 0), m);
    // Points never scale.
    let c = u("degC");
    for name in ["linalg.inv", "linalg.norm", "linalg.eigvals", "fft.fft"] {
        assert!(
            matches!(plan(name, &[Some(&c)]), Err(Error::Offset(_))),
            "{name}"
        );
    }
}

#[test]
fn equality_rules_have_a_known_result_across_dimensions() {
    let (m, s, km) = (u("m"), u("s"), u("km"));
    let p = plan("array_equal", &[Some(&m), Some(&s)]).unwrap();
    assert_eq!(p.constant, Some(false));
    let p = plan("isin", &[Some(&m), Some(&km)]).unwrap();
    assert_eq!(p.constant, None);
    assert!(close(p.inputs[1][0].apply(1.0), 1000.0));
}

#[test]
fn meshgrid_keeps_each_operands_unit() {
    let (m, s) = (u("m"), u("s"));
    let values = vec![Value::Many(vec![
        arg(Operand::Unit(&m), &[3]),
        arg(Operand::Unit(&s), &[4]),
    ])];
    let p = function_plan("meshgrid", &call(values, vec![])).unwrap();
    assert_eq!(p.outputs, vec![Out::Unit(m), Out::Unit(s)]);
}

#[test]
fn average_returns_the_sum_of_weights() {
    let (m, kg) = (u("m"), u("kg"));
    let p = plan("average", &[Some(&m), Some(&kg)]).unwrap();
    assert_eq!(p.outputs, vec![Out::Unit(m.clone())]);
    let values = vec![one(&m), one(&kg)];
    let p = function_plan(
        "average",
        &call(values, vec![("returned", Opt::Bool(true))]),
    )
    .unwrap();
    assert_eq!(p.outputs, vec![Out::Unit(m.clone()), Out::Unit(kg)]);
    let values = vec![one(&m), Value::Absent];
    let p = function_plan(
        "average",
        &call(values, vec![("returned", Opt::Bool(true))]),
    )
    .unwrap();
    assert_eq!(p.outputs, vec![Out::Unit(m), Out::Plain]);
}

// ---- JAX and PyTorch (dimtensor.jax, dimtensor.torch) ----

#[test]
fn gradients_are_output_over_input_intervals() {
    let (j, m, c) = (u("J"), u("m"), u("degC"));
    let p = plan("autodiff.grad", &[Some(&j), Some(&m)]).unwrap();
    assert_eq!(out(&p, 0), u("N"));
    // d(temperature)/d(position): a temperature difference per metre
    let p = plan("autodiff.grad", &[Some(&c), Some(&m)]).unwrap();
    assert_eq!(out(&p, 0), u("delta_degC/m"));
    let p = plan("autodiff.grad", &[Some(&j), Some(&c)]).unwrap();
    assert_eq!(out(&p, 0), u("J/K"));
    let s = u("s");
    let p = plan("autodiff.vjp", &[Some(&s), Some(&j), Some(&m)]).unwrap();
    assert_eq!(out(&p, 0), u("N*s"));
}

#[test]
fn losses_convert_the_target_to_the_input_unit() {
    let (m, cm, s) = (u("m"), u("cm"), u("s"));
    let p = plan("nn.functional.mse_loss", &[Some(&m), Some(&cm)]).unwrap();
    assert_eq!(out(&p, 0), u("m^2"));
    assert!(close(p.inputs[1][0].pair().0, 0.01));
    let p = plan("nn.functional.l1_loss", &[Some(&cm), Some(&m)]).unwrap();
    assert_eq!(out(&p, 0), cm);
    assert!(plan("nn.functional.mse_loss", &[Some(&m), Some(&s)]).is_err());
    assert!(plan("nn.functional.cross_entropy", &[Some(&m), None]).is_err());
    let p = plan("nn.functional.cosine_similarity", &[Some(&m), Some(&s)]).unwrap();
    assert!(out(&p, 0).dimension().is_dimensionless());
}

#[test]
fn torch_value_and_index_results() {
    let m = u("m");
    let p = plan("torch.sort", &[Some(&m)]).unwrap();
    assert_eq!(out(&p, 0), m);
    assert!(matches!(p.outputs[1], Out::Plain));
    let p = plan("torch.var_mean", &[Some(&m)]).unwrap();
    assert_eq!((out(&p, 0), out(&p, 1)), (u("m^2"), m));
}

#[test]
fn activations_and_normalization() {
    let (m, c, n) = (u("m"), u("degC"), u("N"));
    assert_eq!(out(&plan("nn.functional.relu", &[Some(&m)]).unwrap(), 0), m);
    assert!(plan("nn.functional.relu", &[Some(&c)]).is_err());
    assert!(plan("nn.functional.gelu", &[Some(&m)]).is_err());
    let p = plan(
        "nn.functional.layer_norm",
        &[Some(&m), Some(&n), Some(&n), None],
    )
    .unwrap();
    assert_eq!(out(&p, 0), n);
    let p = plan("nn.functional.layer_norm", &[Some(&m), None, None, None]).unwrap();
    assert!(out(&p, 0).dimension().is_dimensionless());
    assert!(plan(
        "nn.functional.layer_norm",
        &[Some(&m), None, Some(&n), None]
    )
    .is_err());
    // eps is added to the variance: in m² (cm² converted), a plain number refused
    let cm2 = u("cm^2");
    let p = plan(
        "nn.functional.layer_norm",
        &[Some(&m), None, None, Some(&cm2)],
    )
    .unwrap();
    assert!(close(p.inputs[3][0].apply(1.0), 1e-4));
    let plain = |name: &str, at: usize, n: usize| {
        let mut values: Vec<Value> = (0..n).map(|_| Value::Absent).collect();
        values[0] = one(&m);
        values[at] = Value::One(arg(Operand::Plain, &[]));
        function_plan(name, &call(values, vec![]))
    };
    assert!(plain("nn.functional.layer_norm", 3, 4).is_err());
    assert!(plain("nn.functional.pairwise_distance", 2, 3).is_err());
    // batch norm keeps plain running statistics: pure numbers only
    assert!(plan(
        "nn.functional.batch_norm",
        &[Some(&m), None, None, None, None]
    )
    .is_err());
    let one_ = u("1");
    assert!(plan(
        "nn.functional.batch_norm",
        &[Some(&one_), None, None, None, None]
    )
    .is_ok());
}
