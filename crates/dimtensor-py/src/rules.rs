//! The rule table's plans, for Python: how operands are seen by the table
//! ([`Input::classify`], the one place that decides which Python objects
//! are quantities, plain numbers or wildcards), and the plans of ufuncs and
//! functions for the front ends written in Python (DaskDimArray, the Array
//! API namespaces, the NumPy-function front end).

use dimtensor_core::rules::functions::{Arg, Seq};
use dimtensor_core::rules::{self, FnCall, Opt, Out, Value};
use dimtensor_core::{Error, Unit};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use smallvec::SmallVec;

use crate::dimarray::PyDimArray;
use crate::errors::rule_err;
use crate::numpy::{np_ufunc, numpy};
use crate::unit::{unit_arg, PyUnit};

/// One operand as the rule table sees it, with its magnitudes.
pub enum Input<'py> {
    /// A quantity: its unit and magnitudes (a DimArray's array, 1.0 for a
    /// bare Unit, the object itself for other array types).
    Dim(Unit, Bound<'py, PyAny>),
    /// A plain number or array: dimensionless.
    Plain(Bound<'py, PyAny>),
    /// Meets any unit: the bare scalars 0, ±inf and nan, and arrays whose
    /// unit is not chosen yet.
    Wildcard(Bound<'py, PyAny>),
}

impl<'py> Input<'py> {
    /// How the table sees `x`. Array types other than DimArray (DaskDimArray,
    /// the JAX and PyTorch arrays) take part through the attribute
    /// `__dimtensor_unit__`: their Unit, or None while it is not chosen.
    pub fn classify(x: &Bound<'py, PyAny>) -> PyResult<Input<'py>> {
        let py = x.py();
        if let Ok(d) = x.cast::<PyDimArray>() {
            let d = d.get();
            let data = d.data.bind(py).clone();
            return Ok(match d.chosen_unit() {
                Some(u) => Input::Dim(u.clone(), data),
                None => Input::Wildcard(data),
            });
        }
        if let Ok(u) = x.cast::<PyUnit>() {
            // A bare unit in an expression is one of that unit.
            return Ok(Input::Dim(
                u.get().0.clone(),
                PyFloat::new(py, 1.0).into_any(),
            ));
        }
        let is_number = x.is_instance_of::<PyFloat>()
            || (x.is_instance_of::<PyInt>() && !x.is_instance_of::<PyBool>());
        if is_number {
            if let Ok(v) = x.extract::<f64>() {
                if v == 0.0 || v.is_infinite() || v.is_nan() {
                    return Ok(Input::Wildcard(x.clone()));
                }
            }
            return Ok(Input::Plain(x.clone()));
        }
        if x.is_none() || x.is_instance(&numpy(py)?.getattr(intern!(py, "ndarray"))?)? {
            return Ok(Input::Plain(x.clone()));
        }
        if let Ok(unit) = x.getattr(intern!(py, "__dimtensor_unit__")) {
            if unit.is_none() {
                return Ok(Input::Wildcard(x.clone()));
            }
            return Ok(Input::Dim(unit_arg(&unit)?, x.clone()));
        }
        Ok(Input::Plain(x.clone()))
    }

    pub fn data(&self) -> &Bound<'py, PyAny> {
        match self {
            Input::Dim(_, d) | Input::Plain(d) | Input::Wildcard(d) => d,
        }
    }

    pub fn operand(&self) -> rules::Operand<'_> {
        match self {
            Input::Dim(u, _) => rules::Operand::Unit(u),
            Input::Plain(_) => rules::Operand::Plain,
            Input::Wildcard(_) => rules::Operand::Wildcard,
        }
    }
}

/// The single value of a uniform exponent (`x ** 2`, `np.power(x, [2, 2])`),
/// in the exponent's own unit, or None when it varies per element or is not
/// known (a lazy array).
///
/// A quantity of another front end (JAX, torch, Dask) is not read here: its
/// `float()` is at scale 1 (50 % gives 0.5), not in its own unit, and may
/// compute; its front end passes the exponent it read itself.
pub fn uniform_exponent(py: Python<'_>, e: &Input<'_>) -> PyResult<Option<f64>> {
    let data = e.data();
    if data.hasattr(intern!(py, "__dimtensor_unit__"))? {
        return Ok(None);
    }
    if let Ok(v) = data.extract::<f64>() {
        return Ok(Some(v));
    }
    let np = numpy(py)?;
    if !data.is_instance(&np.getattr(intern!(py, "ndarray"))?)?
        && !data.is_instance_of::<PyList>()
        && !data.is_instance_of::<PyTuple>()
    {
        return Ok(None);
    }
    let arr = np.getattr("asarray")?.call1((data,))?;
    if arr.getattr("size")?.extract::<usize>()? == 0 {
        return Ok(None);
    }
    let first = arr.getattr("flat")?.get_item(0)?;
    let equal = np_ufunc(py, "equal")?.call1((&arr, &first))?;
    let same: bool = np.getattr("all")?.call1((equal,))?.extract()?;
    Ok(if same {
        first.extract::<f64>().ok()
    } else {
        None
    })
}

fn outs_to_py(outs: &[Out]) -> Vec<Option<PyUnit>> {
    outs.iter()
        .map(|o| match o {
            Out::Unit(u) => Some(PyUnit::wrap(u.clone())),
            Out::Plain => None,
        })
        .collect()
}

/// A ufunc plan as Python sees it: `(a, b)` per input with
/// `new = a·value + b`, a Unit or None (no unit) per output, and for ==/!=
/// across dimensions the constant result.
type UfuncPlan = (Vec<(f64, f64)>, Vec<Option<PyUnit>>, Option<bool>);

/// The plan of ufunc `name` on `operands` (Units, None for plain values,
/// arrays, numbers). `exponent`: a power's exponent when the caller knows
/// it; else it is read from an eager exponent operand.
#[pyfunction]
#[pyo3(signature = (name, operands, exponent=None))]
pub fn ufunc_plan(
    py: Python<'_>,
    name: &str,
    operands: Vec<Bound<'_, PyAny>>,
    exponent: Option<f64>,
) -> PyResult<UfuncPlan> {
    let inputs = operands
        .iter()
        .map(Input::classify)
        .collect::<PyResult<Vec<_>>>()?;
    let ops: Vec<rules::Operand> = inputs.iter().map(Input::operand).collect();
    let exponent = match (exponent, name, inputs.get(1)) {
        (Some(e), _, _) => Some(e),
        (None, "power" | "pow" | "float_power", Some(e)) => uniform_exponent(py, e)?,
        _ => None,
    };
    let plan = rules::ufunc_plan(name, &ops, exponent).map_err(|e| rule_err(py, e))?;
    let convs = plan.inputs.iter().map(|c| c.pair()).collect();
    Ok((convs, outs_to_py(&plan.outputs), plan.constant))
}

/// The common unit (None for plain operands) and each operand's `(a, b)`.
type SameUnit = (Option<PyUnit>, Vec<(f64, f64)>);

/// How to bring values to one unit where they meet outside a ufunc
/// (assignment, fill values): `(unit, [(a, b) per operand])`.
#[pyfunction]
pub fn same_unit_plan(
    py: Python<'_>,
    what: &str,
    operands: Vec<Bound<'_, PyAny>>,
) -> PyResult<SameUnit> {
    let inputs = operands
        .iter()
        .map(Input::classify)
        .collect::<PyResult<Vec<_>>>()?;
    let ops: Vec<rules::Operand> = inputs.iter().map(Input::operand).collect();
    let plan = rules::same_unit_plan(what, &ops).map_err(|e| rule_err(py, e))?;
    let unit = match plan.outputs.first() {
        Some(Out::Unit(u)) => Some(PyUnit::wrap(u.clone())),
        _ => None,
    };
    Ok((unit, plan.inputs.iter().map(|c| c.pair()).collect()))
}

/// `(a, b)` converting a result in `unit` into a target in `target` that
/// `name` writes in place (`x *= y`, `out=`), checked both ways (the
/// target's own values may be read back). Where the target cannot hold the
/// result (another dimension, a point for an interval): the one refusal of
/// the front ends, naming the target's kind (`noun`: array, tensor) and
/// what to write `instead` (default: the call without writing in place).
pub fn held_in(
    name: &str,
    unit: &Unit,
    target: &Unit,
    noun: &str,
    instead: Option<&str>,
) -> Result<(f64, f64), Error> {
    match (unit.affine_to(target), target.affine_to(unit)) {
        (Ok(ab), Ok(_)) => Ok(ab),
        _ => {
            let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            let default = format!("write `x = {name}(...)` to get a new {noun}");
            Err(Error::Conversion(format!(
                "{name} writes into {article} {noun} in '{}' in place, but its result is in \
                 '{}', which that {noun} cannot hold; {}",
                target.symbol(),
                unit.symbol(),
                instead.unwrap_or(&default)
            )))
        }
    }
}

/// [`held_in`] for the front ends written in Python (torch's in-place
/// calls and `out=`).
#[pyfunction]
#[pyo3(signature = (name, unit, target, noun="array", instead=None))]
pub fn inplace_conversion(
    py: Python<'_>,
    name: &str,
    unit: &Bound<'_, PyAny>,
    target: &Bound<'_, PyAny>,
    noun: &str,
    instead: Option<&str>,
) -> PyResult<(f64, f64)> {
    held_in(name, &unit_arg(unit)?, &unit_arg(target)?, noun, instead).map_err(|e| rule_err(py, e))
}

/// One parameter of a function rule, for the Python front end that binds
/// call arguments: `(names, sequence, passthrough)`, with `sequence` one of
/// "one", "same" (all in one unit), "each" (each its own unit) and
/// "positional" (a list per element of the sequence: `<A B>`).
type ParamInfo = (Vec<&'static str>, &'static str, bool);

/// A rule for Python: its parameters, the plain arguments it reads, its
/// text, and whether the function's one array is split into its results.
type RuleInfo = (Vec<ParamInfo>, Vec<&'static str>, &'static str, bool, bool);

/// The rule of function `name`: its parameters, the plain arguments it
/// reads (`axis`, `ord`, …), its text, `split` (polynomial coefficients:
/// one result per entry along the first axis) and `shaped` (its units read
/// the operands' shapes); None when it has no rule.
#[pyfunction]
pub fn function_rule(py: Python<'_>, name: &str) -> PyResult<Option<RuleInfo>> {
    let Some(rule) = rules::function_rule(name) else {
        return Ok(None);
    };
    let rule = rule.map_err(|e| rule_err(py, e))?;
    let params = rule
        .params
        .iter()
        .map(|p| {
            let seq = match p.seq {
                Seq::One => "one",
                Seq::Same => "same",
                Seq::Each => "each",
                Seq::Positional => "positional",
            };
            (p.names.clone(), seq, p.passthrough)
        })
        .collect();
    Ok(Some((
        params,
        rule.options.clone(),
        rule.text,
        rule.split,
        rule.shaped,
    )))
}

/// Every function name with a rule, sorted.
#[pyfunction]
pub fn function_names() -> Vec<&'static str> {
    rules::known_functions()
}

/// The rule of function `name` in words (docs/functions.md); None when it
/// has no rule.
#[pyfunction]
pub fn function_words(py: Python<'_>, name: &str) -> PyResult<Option<String>> {
    match rules::function_rule(name) {
        None => Ok(None),
        Some(rule) => Ok(Some(rule.map_err(|e| rule_err(py, e))?.describe())),
    }
}

/// The shape of an operand when it is known (tuples of ints; Python
/// numbers are 0-d).
fn shape_of(x: &Bound<'_, PyAny>) -> Option<SmallVec<[usize; 4]>> {
    if x.is_instance_of::<PyFloat>() || x.is_instance_of::<PyInt>() {
        return Some(SmallVec::new());
    }
    let shape = x.getattr(intern!(x.py(), "shape")).ok()?;
    let dims: Vec<usize> = shape.extract().ok()?;
    Some(SmallVec::from_vec(dims))
}

fn option(x: &Bound<'_, PyAny>) -> Opt {
    if x.is_none() {
        Opt::None
    } else if let Ok(b) = x.cast::<PyBool>() {
        Opt::Bool(b.is_true())
    } else if let Ok(s) = x.cast::<PyString>() {
        Opt::Str(s.to_string())
    } else if let Ok(i) = x.extract::<i64>() {
        Opt::Int(i)
    } else if x.is_instance_of::<PyFloat>() {
        x.extract::<f64>().map_or(Opt::Other, Opt::Float)
    } else if let Ok(v) = x.extract::<Vec<i64>>() {
        Opt::Ints(v)
    } else {
        Opt::Other
    }
}

/// A function plan as Python sees it: per parameter a list of `(a, b)`
/// (one per operand), a Unit or None per result, whether the last result
/// unit repeats, the known result of an `=` rule across dimensions, and per
/// result whether its unit is not chosen yet (it met only operands that
/// meet any unit).
type FunctionPlan = (
    Vec<Vec<(f64, f64)>>,
    Vec<Option<PyUnit>>,
    bool,
    Option<bool>,
    Vec<bool>,
);

type Classified<'py> = Vec<(Input<'py>, Option<SmallVec<[usize; 4]>>)>;

fn args<'a>(xs: &'a Classified<'_>) -> Vec<Arg<'a>> {
    xs.iter()
        .map(|(input, shape)| Arg {
            operand: input.operand(),
            shape: shape.clone(),
        })
        .collect()
}

/// The plan of function `name`: `values` has one entry per parameter of
/// its rule, None when the argument is absent, else the list of its
/// operands (for a "positional" parameter, one list of operands per element
/// of the sequence); `options` maps the plain arguments the rule reads to
/// their values.
#[pyfunction]
pub fn function_plan(
    py: Python<'_>,
    name: &str,
    values: Vec<Option<Vec<Bound<'_, PyAny>>>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<FunctionPlan> {
    let seqs: Vec<Seq> = match rules::function_rule(name) {
        Some(Ok(rule)) => rule.params.iter().map(|p| p.seq).collect(),
        Some(Err(e)) => return Err(rule_err(py, e)),
        None => return Err(rule_err(py, rules::functions::unknown_function(name))),
    };
    // Positional parameters: each operand with the index of its element.
    let mut positions: Vec<Vec<usize>> = vec![Vec::new(); values.len()];
    let classified: Vec<Option<Classified>> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_ref()
                .map(|xs| {
                    let mut leaves = Vec::new();
                    for (k, x) in xs.iter().enumerate() {
                        if seqs.get(i) == Some(&Seq::Positional) {
                            for leaf in x.extract::<Vec<Bound<'_, PyAny>>>()? {
                                positions[i].push(k);
                                leaves.push(leaf);
                            }
                        } else {
                            leaves.push(x.clone());
                        }
                    }
                    leaves
                        .iter()
                        .map(|x| Ok((Input::classify(x)?, shape_of(x))))
                        .collect::<PyResult<Vec<_>>>()
                })
                .transpose()
        })
        .collect::<PyResult<_>>()?;
    let mut call = FnCall::default();
    for (i, v) in classified.iter().enumerate() {
        call.values.push(match (v, seqs.get(i)) {
            (None, _) => Value::Absent,
            (Some(xs), Some(Seq::Positional)) => {
                Value::Positional(positions[i].iter().copied().zip(args(xs)).collect())
            }
            (Some(xs), Some(Seq::One)) if xs.len() == 1 => Value::One(args(xs).remove(0)),
            (Some(_), Some(Seq::One)) => {
                return Err(rule_err(
                    py,
                    Error::Invalid(format!("{name}: parameter {i} takes one operand")),
                ))
            }
            (Some(xs), _) => Value::Many(args(xs)),
        });
    }
    let keys: Vec<String> = match options {
        Some(d) => d
            .keys()
            .iter()
            .map(|k| k.extract())
            .collect::<PyResult<_>>()?,
        None => Vec::new(),
    };
    if let Some(d) = options {
        for k in &keys {
            if let Some(v) = d.get_item(k)? {
                call.options.push((k.as_str(), option(&v)));
            }
        }
    }
    let plan = rules::function_plan(name, &call).map_err(|e| rule_err(py, e))?;
    let inputs = plan
        .inputs
        .iter()
        .map(|cs| cs.iter().map(|c| c.pair()).collect())
        .collect();
    Ok((
        inputs,
        outs_to_py(&plan.outputs),
        plan.repeat,
        plan.constant,
        plan.pending,
    ))
}

/// Whether `x` meets any unit in same-unit operations: the bare scalars 0,
/// ±inf and nan, and arrays whose unit is not chosen yet.
#[pyfunction]
pub fn meets_any_unit(x: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(matches!(Input::classify(x)?, Input::Wildcard(_)))
}

/// The function of the table that ufunc method `ufunc.method` computes
/// (`np.add.reduce` is `sum`), or None.
#[pyfunction]
pub fn ufunc_method(ufunc: &str, method: &str) -> Option<&'static str> {
    rules::ufunc_method(ufunc, method)
}
