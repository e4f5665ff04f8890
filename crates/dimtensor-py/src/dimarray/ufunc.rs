//! Every NumPy ufunc on DimArrays, whether reached through an operator or
//! `__array_ufunc__`: the core's rule table says how to convert each input
//! and which unit each output carries, then NumPy's own ufunc runs on the
//! magnitudes. Ufunc methods (`np.add.reduce`) run the rule of the function
//! they stand for (a sum).

use dimtensor_core::rules::functions::Arg;
use dimtensor_core::rules::{self, Convert, FnCall, Opt, Out, Value};
use dimtensor_core::{Error, Unit};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString, PyTuple};
use smallvec::SmallVec;

use super::{defers_to, wrap, PyDimArray};
use crate::errors::{rule_err, to_pyerr, OrRaise};
use crate::numpy::{conversion, convert, convert_into, numpy};
use crate::rules::{held_in, uniform_exponent, Input};

/// Keyword arguments with `out=` unwrapped, and the DimArrays it named.
type OutArgs<'py> = (Option<Bound<'py, PyDict>>, Vec<Option<Py<PyAny>>>);

/// `out=` arguments: DimArrays are replaced by their data, and their units
/// remembered so the results can be checked (or converted) into them.
fn unwrap_out<'py>(py: Python<'py>, kwargs: Option<&Bound<'py, PyDict>>) -> PyResult<OutArgs<'py>> {
    let Some(kw) = kwargs else {
        return Ok((None, Vec::new()));
    };
    let kw = kw.copy()?;
    let out = kw.get_item("out")?;
    let outs: Vec<Bound<'py, PyAny>> = match &out {
        None => Vec::new(),
        Some(o) => match o.cast::<PyTuple>() {
            Ok(t) => t.iter().collect(),
            Err(_) => vec![o.clone()],
        },
    };
    if outs.iter().all(|o| o.is_none()) {
        // NumPy drops `out=None` before calling us; with where= it must be
        // passed on, or NumPy warns about uninitialised output.
        if kw.contains("where")? {
            kw.set_item("out", py.None())?;
        }
        return Ok((Some(kw), Vec::new()));
    }
    let mut targets = Vec::with_capacity(outs.len());
    let mut raw = Vec::with_capacity(outs.len());
    for o in &outs {
        if let Ok(d) = o.cast::<PyDimArray>() {
            raw.push(d.get().data.bind(py).clone());
            targets.push(Some(o.clone().unbind()));
        } else {
            raw.push(o.clone());
            targets.push(None);
        }
    }
    kw.set_item("out", PyTuple::new(py, raw)?)?;
    Ok((Some(kw), targets))
}

/// The outputs' units as `out=` DimArrays receive them: a plain result
/// (truth values, counts) is a dimensionless number there, so an array in
/// metres refuses it and one in % takes it converted (True is 100 %), rather
/// than holding 1 m.
fn into_targets(outs: &[Out], targets: &[Option<Py<PyAny>>]) -> SmallVec<[Out; 2]> {
    outs.iter()
        .enumerate()
        .map(|(i, o)| match (o, targets.get(i)) {
            (Out::Plain, Some(Some(_))) => Out::Unit(Unit::one()),
            _ => o.clone(),
        })
        .collect()
}

/// Before a ufunc writes into `out=` DimArrays: each must be able to hold
/// its output's unit (checked before anything is written; an array whose
/// unit is not chosen yet takes it). For one in another unit the ufunc
/// writes into a copy of its values brought into the rule's unit (elements
/// it skips with `where=` then come back unchanged), and `wrap_outputs`
/// converts that copy into the array: never the array itself first, since
/// it may also be an input (`x *= y`, `np.multiply(x, y, out=x)`), which
/// must be read in its own unit.
fn prepare_outs(
    py: Python<'_>,
    name: &str,
    outs: &[Out],
    targets: &[Option<Py<PyAny>>],
    kw: Option<&Bound<'_, PyDict>>,
) -> PyResult<()> {
    let mut raw: Option<Vec<Bound<'_, PyAny>>> = None;
    for (i, (o, t)) in outs.iter().zip(targets).enumerate() {
        let (Out::Unit(u), Some(t)) = (o, t) else {
            continue;
        };
        let t = t.bind(py).cast::<PyDimArray>()?.get();
        if t.chosen_unit().is_none() {
            t.adopt(u.clone())?;
            continue;
        }
        let target = t.unit_ref();
        held_in(name, u, target, "array", None).map_err(|e| to_pyerr(py, e))?;
        if target != u {
            let kw = kw.expect("out= given");
            let raw = match &mut raw {
                Some(r) => r,
                None => raw.insert(
                    kw.get_item("out")?
                        .expect("out=")
                        .cast::<PyTuple>()?
                        .iter()
                        .collect(),
                ),
            };
            raw[i] = convert(py, t.data.bind(py), conversion(py, target, u)?)?;
            if raw[i].is(t.data.bind(py)) {
                raw[i] = raw[i].call_method0("copy")?;
            }
        }
    }
    if let (Some(raw), Some(kw)) = (raw, kw) {
        kw.set_item("out", PyTuple::new(py, raw)?)?;
    }
    Ok(())
}

/// Wraps the outputs of a ufunc call into DimArrays with the plan's units,
/// honouring `out=` DimArrays (converted into their own unit).
fn wrap_outputs<'py>(
    py: Python<'py>,
    result: &Bound<'py, PyAny>,
    outs: &[Out],
    targets: &[Option<Py<PyAny>>],
) -> PyResult<Py<PyAny>> {
    let results: Vec<Bound<'py, PyAny>> = if outs.len() > 1 {
        result.cast::<PyTuple>()?.iter().collect()
    } else {
        vec![result.clone()]
    };
    let mut wrapped = Vec::with_capacity(results.len());
    for (i, (r, o)) in results.iter().zip(outs).enumerate() {
        // None: no out= given; Some(None): a plain ndarray out=.
        let given = targets.get(i);
        let target = given.and_then(|t| t.as_ref());
        let w = match (o, target) {
            (Out::Unit(u), Some(t)) => {
                let t_ref = t.bind(py).cast::<PyDimArray>()?.get();
                if t_ref.unit_ref() != u {
                    // Written in the rule's unit; bring it into out's unit in place.
                    let ab = u.affine_to(t_ref.unit_ref()).or_raise(py)?;
                    convert_into(py, r, ab, t_ref.data.bind(py))?;
                }
                t.clone_ref(py)
            }
            (Out::Unit(_), None) if r.is_none() => r.clone().unbind(),
            (Out::Unit(u), None) => wrap(py, r, u.clone())?,
            (Out::Plain, Some(t)) => t.clone_ref(py),
            (Out::Plain, None) if given.is_some() => r.clone().unbind(),
            // Truth values and counts stay arrays of the same kind (the Array
            // API requires it: generic code mixes them with the operands).
            (Out::Plain, None) => wrap(py, r, Unit::one())?,
        };
        wrapped.push(w);
    }
    if wrapped.len() == 1 {
        Ok(wrapped.pop().expect("one output"))
    } else {
        Ok(PyTuple::new(py, wrapped)?.into_any().unbind())
    }
}

/// Applies `ufunc(*inputs, **kwargs)` with unit rules (`method` "__call__" or
/// "outer").
pub fn apply_ufunc<'py>(
    py: Python<'py>,
    name: &str,
    ufunc: &Bound<'py, PyAny>,
    method: &str,
    inputs: &[Bound<'py, PyAny>],
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let classified = inputs
        .iter()
        .map(Input::classify)
        .collect::<PyResult<Vec<_>>>()?;
    let operands: Vec<rules::Operand> = classified.iter().map(Input::operand).collect();
    let exponent = match (name, classified.get(1)) {
        ("power" | "pow" | "float_power", Some(e)) => uniform_exponent(py, e)?,
        _ => None,
    };
    let plan = rules::ufunc_plan(name, &operands, exponent).map_err(|e| rule_err(py, e))?;
    let (kw, targets) = unwrap_out(py, kwargs)?;
    if let Some(value) = plan.constant {
        // ==/!= between different dimensions: no element can be equal.
        let shapes = classified
            .iter()
            .map(|c| numpy(py)?.getattr("shape")?.call1((c.data(),)))
            .collect::<PyResult<Vec<_>>>()?;
        let shape = numpy(py)?
            .getattr("broadcast_shapes")?
            .call1(PyTuple::new(py, shapes)?)?;
        let kwf = PyDict::new(py);
        kwf.set_item("dtype", py.get_type::<PyBool>())?;
        let full = numpy(py)?
            .getattr("full")?
            .call((shape, value), Some(&kwf))?;
        let Some(out) = kw
            .as_ref()
            .map(|k| k.get_item("out"))
            .transpose()?
            .flatten()
        else {
            return wrap(py, &full, Unit::one());
        };
        if out.is_none() {
            return wrap(py, &full, Unit::one());
        }
        // out= receives the known values (where= honoured), as it would the computed ones.
        let outs = into_targets(&plan.outputs, &targets);
        prepare_outs(py, name, &outs, &targets, kw.as_ref())?;
        let raw = kw.as_ref().expect("out=").get_item("out")?.expect("out=");
        let first = raw.cast::<PyTuple>()?.get_item(0)?;
        let kwc = PyDict::new(py);
        if let Some(w) = kw.as_ref().expect("out=").get_item("where")? {
            kwc.set_item("where", w)?;
        }
        numpy(py)?
            .getattr("copyto")?
            .call((&first, &full), Some(&kwc))?;
        return wrap_outputs(py, &first, &outs, &targets);
    }
    let args = classified
        .iter()
        .zip(&plan.inputs)
        .map(|(c, &conv)| convert(py, c.data(), conv))
        .collect::<PyResult<Vec<_>>>()?;
    let f = if method == "__call__" {
        ufunc.clone()
    } else {
        ufunc.getattr(method)?
    };
    let outs = into_targets(&plan.outputs, &targets);
    prepare_outs(py, name, &outs, &targets, kw.as_ref())?;
    let result = f.call(PyTuple::new(py, args)?, kw.as_ref())?;
    wrap_outputs(py, &result, &outs, &targets)
}

/// `ufunc.reduce / accumulate / reduceat` on one DimArray: the rule of the
/// function the method stands for (`np.add.reduce` is `sum`), with its
/// `initial=` converted like the function's.
fn apply_reduction<'py>(
    py: Python<'py>,
    name: &str,
    ufunc: &Bound<'py, PyAny>,
    method: &str,
    inputs: &[Bound<'py, PyAny>],
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let Some(first) = inputs.first() else {
        return Err(PyTypeError::new_err(format!(
            "{name}.{method} needs an array"
        )));
    };
    let a = Input::classify(first)?;
    let Input::Dim(unit, data) = &a else {
        return ufunc
            .getattr(method)?
            .call(PyTuple::new(py, inputs)?, kwargs)
            .map(Bound::unbind);
    };
    let fname = rules::ufunc_method(name, method).ok_or_else(|| {
        PyTypeError::new_err(format!(
            "dimtensor has no unit rule for {name}.{method} on a quantity in '{}'",
            unit.symbol()
        ))
    })?;
    let rule = match rules::function_rule(fname) {
        Some(r) => r.map_err(|e| rule_err(py, e))?,
        None => return Err(rule_err(py, rules::functions::unknown_function(fname))),
    };
    let (kw, targets) = unwrap_out(py, kwargs)?;
    let kw = kw.unwrap_or_else(|| PyDict::new(py));
    let shape: Option<SmallVec<[usize; 4]>> = data
        .getattr("shape")
        .and_then(|s| s.extract::<Vec<usize>>())
        .ok()
        .map(SmallVec::from_vec);
    // The array is the rule's first parameter; `initial=` its own.
    let initial = kw.get_item("initial")?.filter(|v| !v.is_none());
    let initial_in = initial.as_ref().map(Input::classify).transpose()?;
    let mut call = FnCall::default();
    for (i, p) in rule.params.iter().enumerate() {
        call.values.push(match (i, p.names[0], &initial_in) {
            (0, _, _) => Value::One(Arg {
                operand: a.operand(),
                shape: shape.clone(),
            }),
            (_, "initial", Some(init)) => Value::One(Arg {
                operand: init.operand(),
                shape: None,
            }),
            _ => Value::Absent,
        });
    }
    // ufunc.reduce's default axis is 0 (NumPy functions' is None).
    let axis = match kw.get_item("axis")? {
        None => Opt::Int(0),
        Some(a) if a.is_none() => Opt::None,
        Some(a) => match a.extract::<i64>() {
            Ok(i) => Opt::Int(i),
            Err(_) => a.extract::<Vec<i64>>().map_or(Opt::Other, Opt::Ints),
        },
    };
    call.options.push(("axis", axis));
    if method == "reduceat" {
        call.options.push(("where", Opt::Other)); // segments: counts vary
    } else if let Some(w) = kw.get_item("where")? {
        let all = w.cast::<PyBool>().is_ok_and(|b| b.is_true());
        call.options
            .push(("where", if all { Opt::Bool(true) } else { Opt::Other }));
    }
    let plan = rules::function_plan(fname, &call).map_err(|e| rule_err(py, e))?;
    let values = convert(py, data, plan.inputs[0][0])?;
    if let (Some(init), Some(pos)) = (
        &initial_in,
        rule.params.iter().position(|p| p.names[0] == "initial"),
    ) {
        kw.set_item("initial", convert(py, init.data(), plan.inputs[pos][0])?)?;
    }
    let mut args = vec![values];
    args.extend(inputs[1..].iter().cloned());
    let outs = into_targets(
        &[plan.outputs.first().cloned().unwrap_or(Out::Plain)],
        &targets,
    );
    prepare_outs(py, name, &outs, &targets, Some(&kw))?;
    let result = ufunc
        .getattr(method)?
        .call(PyTuple::new(py, args)?, Some(&kw))?;
    if outs[0] == Out::Plain && targets.is_empty() {
        // As the function it stands for (`np.all`): truth values stay plain.
        return Ok(result.unbind());
    }
    wrap_outputs(py, &result, &outs, &targets)
}

/// `ufunc.at(a, indices, b)`: in place, so the result must stay in a's unit.
fn apply_at<'py>(
    py: Python<'py>,
    name: &str,
    ufunc: &Bound<'py, PyAny>,
    inputs: &[Bound<'py, PyAny>],
) -> PyResult<Py<PyAny>> {
    let (Some(a), Some(idx)) = (inputs.first(), inputs.get(1)) else {
        return Err(PyTypeError::new_err(format!(
            "{name}.at needs an array and indices"
        )));
    };
    let target = Input::classify(a)?;
    let mut operands_in = vec![target];
    operands_in.extend(
        inputs[2..]
            .iter()
            .map(Input::classify)
            .collect::<PyResult<Vec<_>>>()?,
    );
    let operands: Vec<rules::Operand> = operands_in.iter().map(Input::operand).collect();
    let plan = rules::ufunc_plan(name, &operands, None).map_err(|e| rule_err(py, e))?;
    let keeps_unit = match (&operands_in[0], plan.outputs.first()) {
        (Input::Dim(u, _), Some(Out::Unit(o))) => u == o,
        (Input::Plain(_) | Input::Wildcard(_), Some(Out::Unit(o))) => {
            o.dimension().is_dimensionless()
        }
        _ => false,
    };
    if !keeps_unit || plan.inputs[0] != Convert::None {
        return Err(to_pyerr(
            py,
            Error::Dimension(format!(
                "{name}.at works in place, so its result must keep the unit of the array it writes to"
            )),
        ));
    }
    let mut args = vec![operands_in[0].data().clone(), idx.clone()];
    for (c, &conv) in operands_in[1..].iter().zip(&plan.inputs[1..]) {
        args.push(convert(py, c.data(), conv)?);
    }
    ufunc.getattr("at")?.call1(PyTuple::new(py, args)?)?;
    Ok(py.None())
}

#[pymethods]
impl PyDimArray {
    #[pyo3(signature = (ufunc, method, *inputs, **kwargs))]
    fn __array_ufunc__<'py>(
        &self,
        py: Python<'py>,
        ufunc: &Bound<'py, PyAny>,
        method: &str,
        inputs: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        // Defer to operands that manage units themselves (lazy arrays) and
        // to containers that outrank us (xarray's DataArray), as the
        // operators do: np.add(x, data_array) is then data_array's to run.
        for x in inputs.iter() {
            if defers_to(&x)? {
                return Ok(py.NotImplemented());
            }
        }
        let name_obj = ufunc.getattr("__name__")?;
        let name = name_obj.cast::<PyString>()?.to_str()?;
        let inputs: Vec<Bound<'py, PyAny>> = inputs.iter().collect();
        match method {
            "__call__" | "outer" => apply_ufunc(py, name, ufunc, method, &inputs, kwargs),
            "reduce" | "accumulate" | "reduceat" => {
                apply_reduction(py, name, ufunc, method, &inputs, kwargs)
            }
            "at" => apply_at(py, name, ufunc, &inputs),
            _ => Err(PyTypeError::new_err(format!(
                "dimtensor does not support {name}.{method}"
            ))),
        }
    }
}
