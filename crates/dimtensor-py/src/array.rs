//! `dimtensor.DimArray`: a NumPy array and a unit. Frozen: the unit never
//! changes; the array's values may (`x[0] = …`).
//!
//! Every ufunc, whether reached through an operator or `__array_ufunc__`,
//! goes through [`apply_ufunc`]: the core's rule table says how to convert
//! each input and which unit each output carries, then NumPy's own ufunc runs
//! on the magnitudes. Methods with no hot path are written in Python
//! (`dimtensor/_dimarray.py`) and attached to this class.

use dimtensor_core::rules::{self, Convert, Operand, Out};
use dimtensor_core::{Error, Unit};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString, PyTuple};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use crate::dimension::PyDimension;
use crate::errors::{errors, to_pyerr, OrRaise};
use crate::unit::{unit_arg, PyUnit};

#[pyclass(name = "DimArray", module = "dimtensor", frozen, weakref, subclass)]
pub struct PyDimArray {
    pub data: Py<PyAny>,
    unit: Unit,
    /// Set at most once, on a placeholder (a dimensionless array of only 0,
    /// ±inf and nan, as generic code makes with `full_like(mask, nan)`) when
    /// a quantity is assigned into it: from then on it is in that unit.
    adopted: OnceLock<Unit>,
}

impl PyDimArray {
    pub fn from_parts(data: Py<PyAny>, unit: Unit) -> Self {
        Self {
            data,
            unit,
            adopted: OnceLock::new(),
        }
    }

    pub fn unit_ref(&self) -> &Unit {
        self.adopted.get().unwrap_or(&self.unit)
    }
}

/// The `numpy` module, imported once.
pub fn numpy(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static NUMPY: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    Ok(NUMPY
        .get_or_try_init(py, || Ok::<_, PyErr>(py.import("numpy")?.unbind()))?
        .bind(py))
}

/// The NumPy ufunc called `name`, looked up once.
pub fn np_ufunc<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    static UFUNCS: PyOnceLock<FxHashMap<&'static str, Py<PyAny>>> = PyOnceLock::new();
    let table = UFUNCS.get_or_try_init(py, || -> PyResult<_> {
        let np = numpy(py)?;
        let mut t = FxHashMap::default();
        for &n in rules::known_ufuncs() {
            if let Ok(f) = np.getattr(n) {
                t.insert(n, f.unbind());
            }
        }
        Ok(t)
    })?;
    match table.get(name) {
        Some(f) => Ok(f.bind(py).clone()),
        None => numpy(py)?.getattr(name),
    }
}

/// Core errors, except that an unknown ufunc or bad arity (`Invalid`) is the
/// `TypeError` NumPy users expect for an unsupported operation.
fn rule_err(py: Python<'_>, e: Error) -> PyErr {
    match e {
        Error::Invalid(m) => PyTypeError::new_err(m),
        e => to_pyerr(py, e),
    }
}

/// An ndarray (or subclass: masked arrays keep their mask) from `data`.
pub fn as_array<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
    copy: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let np = numpy(py)?;
    let kw = PyDict::new(py);
    if let Some(d) = dtype {
        kw.set_item("dtype", d)?;
    }
    if copy {
        kw.set_item("copy", true)?;
        kw.set_item("subok", true)?;
        np.getattr("array")?.call((data,), Some(&kw))
    } else {
        np.getattr("asanyarray")?.call((data,), Some(&kw))
    }
}

/// `a·x + b` on an array (or scalar); `x` itself when nothing changes.
fn convert<'py>(py: Python<'py>, x: &Bound<'py, PyAny>, c: Convert) -> PyResult<Bound<'py, PyAny>> {
    if let Some(done) = crate::kernels::try_convert(py, x, c) {
        return Ok(done);
    }
    match c {
        Convert::None => Ok(x.clone()),
        Convert::Scale(a) => np_ufunc(py, "multiply")?.call1((x, a)),
        Convert::Affine(a, b) => {
            let scaled = np_ufunc(py, "multiply")?.call1((x, a))?;
            np_ufunc(py, "add")?.call1((scaled, b))
        }
    }
}

/// Values of `data` in unit `from`, converted to unit `to`.
pub fn convert_values<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    from: &Unit,
    to: &Unit,
) -> PyResult<Bound<'py, PyAny>> {
    let (a, b) = from.affine_to(to).or_raise(py)?;
    let c = if b != 0.0 {
        Convert::Affine(a, b)
    } else if dimtensor_core::units::unit::close(a, 1.0) {
        Convert::None
    } else {
        Convert::Scale(a)
    };
    convert(py, data, c)
}

/// A new DimArray; NumPy scalars become 0-d arrays.
pub fn wrap(py: Python<'_>, data: &Bound<'_, PyAny>, unit: Unit) -> PyResult<Py<PyAny>> {
    let data = if data.hasattr("ndim")? && !data.is_instance(&numpy(py)?.getattr("generic")?)? {
        data.clone()
    } else {
        numpy(py)?.getattr("asanyarray")?.call1((data,))?
    };
    Ok(Py::new(py, PyDimArray::from_parts(data.unbind(), unit))?.into_any())
}

/// One ufunc input as the rule table sees it.
enum Input<'py> {
    Dim(Unit, Bound<'py, PyAny>),
    Plain(Bound<'py, PyAny>),
    Wildcard(Bound<'py, PyAny>),
}

impl<'py> Input<'py> {
    fn classify(x: &Bound<'py, PyAny>) -> PyResult<Input<'py>> {
        if let Ok(d) = x.cast::<PyDimArray>() {
            let d = d.get();
            return Ok(Input::Dim(
                d.unit_ref().clone(),
                d.data.bind(x.py()).clone(),
            ));
        }
        if let Ok(u) = x.cast::<PyUnit>() {
            // A bare unit in an expression is one of that unit.
            return Ok(Input::Dim(
                u.get().0.clone(),
                PyFloat::new(x.py(), 1.0).into_any(),
            ));
        }
        // The bare scalars 0, ±inf and nan meet any unit (API.md §5).
        let is_number = x.is_instance_of::<PyFloat>()
            || (x.is_instance_of::<PyInt>() && !x.is_instance_of::<PyBool>());
        if is_number {
            if let Ok(v) = x.extract::<f64>() {
                if v == 0.0 || v.is_infinite() || v.is_nan() {
                    return Ok(Input::Wildcard(x.clone()));
                }
            }
        }
        Ok(Input::Plain(x.clone()))
    }

    fn data(&self) -> &Bound<'py, PyAny> {
        match self {
            Input::Dim(_, d) | Input::Plain(d) | Input::Wildcard(d) => d,
        }
    }

    fn operand(&self) -> Operand<'_> {
        match self {
            Input::Dim(u, _) => Operand::Unit(u),
            Input::Plain(_) => Operand::Plain,
            Input::Wildcard(_) => Operand::Wildcard,
        }
    }
}

/// The single value of a uniform exponent (`x ** 2`, `np.power(x, [2, 2])`),
/// or None when it varies per element.
fn uniform_exponent(py: Python<'_>, e: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    if let Ok(v) = e.extract::<f64>() {
        return Ok(Some(v));
    }
    let arr = numpy(py)?.getattr("asarray")?.call1((e,))?;
    if arr.getattr("size")?.extract::<usize>()? == 0 {
        return Ok(None);
    }
    let first = arr.getattr("flat")?.get_item(0)?;
    let equal = np_ufunc(py, "equal")?.call1((&arr, &first))?;
    let same: bool = numpy(py)?.getattr("all")?.call1((equal,))?.extract()?;
    Ok(if same {
        first.extract::<f64>().ok()
    } else {
        None
    })
}

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

/// `out[...] = a·x + b`, in place (`x` may be `out` itself).
fn convert_into(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    (a, b): (f64, f64),
    out: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let kw = PyDict::new(py);
    kw.set_item("out", out)?;
    np_ufunc(py, "multiply")?.call((x, a), Some(&kw))?;
    if b != 0.0 {
        np_ufunc(py, "add")?.call((out, b), Some(&kw))?;
    }
    Ok(())
}

/// Before a ufunc writes into `out=` DimArrays: each must be convertible
/// from its output's unit (checked before anything is written), and one in
/// another unit is brought into the rule's unit in place, so that elements
/// the ufunc skips (`where=`) come back unchanged when `wrap_outputs`
/// converts the whole array back.
fn prepare_outs(py: Python<'_>, outs: &[Out], targets: &[Option<Py<PyAny>>]) -> PyResult<()> {
    for (o, t) in outs.iter().zip(targets) {
        let (Out::Unit(u), Some(t)) = (o, t) else {
            continue;
        };
        let t = t.bind(py).cast::<PyDimArray>()?.get();
        let (a, b) = t.unit_ref().affine_to(u).or_raise(py)?;
        u.affine_to(t.unit_ref()).or_raise(py)?;
        if t.unit_ref() != u {
            let data = t.data.bind(py);
            convert_into(py, data, (a, b), data)?;
        }
    }
    Ok(())
}

/// Wraps the outputs of a ufunc call into DimArrays with the plan's units,
/// honouring `out=` DimArrays (whose unit must then match, or be convertible).
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

/// `plan(ops)`; on a dimension mismatch, once more with every placeholder
/// among `inputs` (a dimensionless DimArray of scale 1 holding only 0, ±inf
/// and nan, as generic code makes with `zeros`/`full(nan)`) read as those
/// scalar wildcards. Only a mismatch looks at values, so correct code never
/// pays for it. The one place of this rule for ufuncs, operators, the
/// Array API namespaces and same-unit functions.
fn with_placeholders<T>(
    py: Python<'_>,
    inputs: &[Input<'_>],
    ops: &[Operand<'_>],
    plan: impl Fn(&[Operand<'_>]) -> Result<T, Error>,
) -> PyResult<T> {
    let message = match plan(ops) {
        Err(Error::Dimension(m)) => m,
        other => return other.map_err(|e| rule_err(py, e)),
    };
    static IS_PLACEHOLDER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let check = IS_PLACEHOLDER.get_or_try_init(py, || {
        Ok::<_, PyErr>(
            py.import("dimtensor._dimarray")?
                .getattr("placeholder_values")?
                .unbind(),
        )
    })?;
    let mut wild = ops.to_vec();
    let mut found = false;
    for (op, input) in wild.iter_mut().zip(inputs) {
        if let Input::Dim(u, data) = input {
            let plain_one = u.dimension().is_dimensionless()
                && !u.has_offset()
                && (u.scale() - 1.0).abs() < 1e-12;
            if plain_one && check.bind(py).call1((data,))?.is_truthy()? {
                *op = Operand::Wildcard;
                found = true;
            }
        }
    }
    if !found {
        return Err(rule_err(py, Error::Dimension(message)));
    }
    plan(&wild).map_err(|e| rule_err(py, e))
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
    let operands: Vec<Operand> = classified.iter().map(Input::operand).collect();
    let exponent = match (name, classified.get(1)) {
        ("power" | "pow" | "float_power", Some(e)) => uniform_exponent(py, e.data())?,
        _ => None,
    };
    let plan = with_placeholders(py, &classified, &operands, |ops| {
        rules::ufunc_plan(name, ops, exponent)
    })?;
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
        return wrap(py, &full, Unit::one());
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
    prepare_outs(py, &plan.outputs, &targets)?;
    let result = f.call(PyTuple::new(py, args)?, kw.as_ref())?;
    wrap_outputs(py, &result, &plan.outputs, &targets)
}

/// The reduction a ufunc method stands for (`np.add.reduce` is a sum).
fn reduction_name(ufunc: &str, method: &str) -> Option<&'static str> {
    Some(match (ufunc, method) {
        ("add", "reduce" | "reduceat") => "sum",
        ("add", "accumulate") => "cumsum",
        ("multiply", "reduce") => "prod",
        ("multiply", "accumulate") => "cumprod",
        ("maximum" | "fmax", "reduce" | "reduceat" | "accumulate") => "max",
        ("minimum" | "fmin", "reduce" | "reduceat" | "accumulate") => "min",
        ("logical_and", "reduce" | "accumulate") => "all",
        ("logical_or", "reduce" | "accumulate") => "any",
        _ => return None,
    })
}

/// How many elements one output element of a reduction multiplies together.
fn reduced_count(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Option<usize>> {
    let shape: Vec<usize> = data.getattr("shape")?.extract()?;
    let axis = match kwargs.map(|k| k.get_item("axis")).transpose()?.flatten() {
        None => Some(vec![0isize]), // ufunc.reduce's default axis is 0
        Some(a) if a.is_none() => None,
        Some(a) => Some(match a.extract::<Vec<isize>>() {
            Ok(v) => v,
            Err(_) => vec![a.extract::<isize>()?],
        }),
    };
    let n = shape.len() as isize;
    let count = match axis {
        None => shape.iter().product(),
        Some(axes) => axes
            .iter()
            .map(|&ax| {
                let i = if ax < 0 { ax + n } else { ax };
                shape.get(i as usize).copied().ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "axis {ax} is out of bounds for an array of dimension {n}"
                    ))
                })
            })
            .product::<PyResult<usize>>()?,
    };
    let _ = py;
    Ok(Some(count))
}

/// `ufunc.reduce / accumulate / reduceat` on one DimArray.
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
    let Input::Dim(unit, data) = Input::classify(first)? else {
        return ufunc
            .getattr(method)?
            .call(PyTuple::new(py, inputs)?, kwargs)
            .map(Bound::unbind);
    };
    let rname = reduction_name(name, method).ok_or_else(|| {
        PyTypeError::new_err(format!(
            "dimtensor has no unit rule for {name}.{method} on a quantity in '{}'",
            unit.symbol()
        ))
    })?;
    let count = if rname.ends_with("prod") {
        reduced_count(py, &data, kwargs)?
    } else {
        None
    };
    let out_unit = rules::reduction_unit(rname, &unit, count).map_err(|e| rule_err(py, e))?;
    let (kw, targets) = unwrap_out(py, kwargs)?;
    let mut args = vec![data];
    args.extend(inputs[1..].iter().cloned());
    let outs = [match out_unit {
        Some(u) => Out::Unit(u),
        None => Out::Plain,
    }];
    prepare_outs(py, &outs, &targets)?;
    let result = ufunc
        .getattr(method)?
        .call(PyTuple::new(py, args)?, kw.as_ref())?;
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
    let operands: Vec<Operand> = operands_in.iter().map(Input::operand).collect();
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

/// Binary operator helper: `self op other` (or reflected).
fn binop(
    slf: &Bound<'_, PyDimArray>,
    other: &Bound<'_, PyAny>,
    name: &'static str,
    reflected: bool,
) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    // Anything that handles units itself (a lazy DaskDimArray, say) gets its turn.
    if !(other.is_instance_of::<PyDimArray>() || other.is_instance_of::<PyUnit>())
        && other.hasattr("__dimtensor_lazy__")?
    {
        return Ok(py.NotImplemented());
    }
    if let Ok(o) = other.cast::<PyDimArray>() {
        let (a, b) = if reflected {
            (o.get(), slf.get())
        } else {
            (slf.get(), o.get())
        };
        if let Some(r) = crate::kernels::try_binop(py, a, b, name)? {
            return Ok(r);
        }
    }
    let f = np_ufunc(py, name)?;
    let s = slf.clone().into_any();
    let inputs = if reflected {
        [other.clone(), s]
    } else {
        [s, other.clone()]
    };
    apply_ufunc(py, name, &f, "__call__", &inputs, None)
}

fn unary(slf: &Bound<'_, PyDimArray>, name: &str) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    let f = np_ufunc(py, name)?;
    apply_ufunc(py, name, &f, "__call__", &[slf.clone().into_any()], None)
}

#[pymethods]
impl PyDimArray {
    /// `DimArray(data, unit=None, dtype=None, copy=False)`. From a DimArray
    /// with another compatible unit, the values are converted.
    #[new]
    #[pyo3(signature = (data, unit=None, dtype=None, copy=false))]
    fn new(
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        unit: Option<&Bound<'_, PyAny>>,
        dtype: Option<&Bound<'_, PyAny>>,
        copy: bool,
    ) -> PyResult<Self> {
        let target = unit.filter(|u| !u.is_none()).map(unit_arg).transpose()?;
        if let Ok(d) = data.cast::<PyDimArray>() {
            let d = d.get();
            let src = d.data.bind(py);
            let (values, unit) = match target {
                Some(t) => (convert_values(py, src, d.unit_ref(), &t)?, t),
                None => (src.clone(), d.unit_ref().clone()),
            };
            let arr = as_array(py, &values, dtype, copy)?;
            return Ok(PyDimArray::from_parts(arr.unbind(), unit));
        }
        let arr = as_array(py, data, dtype, copy)?;
        Ok(PyDimArray::from_parts(
            arr.unbind(),
            target.unwrap_or_else(Unit::one),
        ))
    }

    /// The array itself (dimtensor 5.x name). Prefer `.data` or `.to_value()`.
    #[getter]
    fn _data(&self, py: Python<'_>) -> Py<PyAny> {
        self.data.clone_ref(py)
    }

    /// A read-only view of the values, in `unit`.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let view = self.data.bind(py).call_method0("view")?;
        view.getattr("flags")?.setattr("writeable", false)?;
        Ok(view)
    }

    #[getter]
    fn unit(&self) -> PyUnit {
        PyUnit(self.unit_ref().clone())
    }

    #[getter]
    fn dimension(&self) -> PyDimension {
        PyDimension(self.unit_ref().dimension())
    }

    #[getter]
    fn is_dimensionless(&self) -> bool {
        self.unit_ref().dimension().is_dimensionless()
    }

    /// Gives a placeholder its unit, once (see `adopted`). The caller
    /// (`__setitem__`) checks that every value is 0, ±inf or nan.
    fn _adopt_unit(&self, unit: &Bound<'_, PyAny>) -> PyResult<()> {
        let unit = unit_arg(unit)?;
        if !self.unit_ref().dimension().is_dimensionless() || self.unit_ref().has_offset() {
            return Err(PyValueError::new_err(format!(
                "only a dimensionless placeholder can take on a unit, not an array in '{}'",
                self.unit_ref().symbol()
            )));
        }
        self.adopted
            .set(unit)
            .map_err(|_| PyValueError::new_err("this array has already taken on a unit"))
    }

    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.data.bind(py).getattr("shape")
    }

    #[getter]
    fn ndim(&self, py: Python<'_>) -> PyResult<usize> {
        self.data.bind(py).getattr("ndim")?.extract()
    }

    #[getter]
    fn size(&self, py: Python<'_>) -> PyResult<usize> {
        self.data.bind(py).getattr("size")?.extract()
    }

    #[getter]
    fn dtype<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.data.bind(py).getattr("dtype")
    }

    /// The values converted to `unit` (a new DimArray; `.to(u).unit == u`).
    fn to(slf: &Bound<'_, Self>, unit: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let me = slf.get();
        let target = unit_arg(unit)?;
        let values = convert_values(py, me.data.bind(py), me.unit_ref(), &target)?;
        wrap(py, &values, target)
    }

    /// The magnitudes as a NumPy array, in `unit` (default: this array's own).
    #[pyo3(signature = (unit=None))]
    fn to_value<'py>(
        &self,
        py: Python<'py>,
        unit: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let data = self.data.bind(py);
        match unit {
            None => Ok(data.clone()),
            Some(u) => convert_values(py, data, self.unit_ref(), &unit_arg(u)?),
        }
    }

    /// NumPy asks for plain values: allowed only without a unit to lose.
    #[pyo3(signature = (dtype=None, copy=None))]
    fn __array__<'py>(
        &self,
        py: Python<'py>,
        dtype: Option<&Bound<'py, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !self.unit_ref().dimension().is_dimensionless() {
            let cls = errors(py)?.stripped.bind(py);
            return Err(PyErr::from_value(cls.call1((format!(
                "converting a DimArray in '{}' to a plain array would drop its unit; \
                 use .magnitude() or .to_value(unit) to get the numbers",
                self.unit_ref().symbol()
            ),))?));
        }
        let values = convert_values(py, self.data.bind(py), self.unit_ref(), &Unit::one())?;
        let np = numpy(py)?;
        let kw = PyDict::new(py);
        if let Some(d) = dtype {
            kw.set_item("dtype", d)?;
        }
        if copy == Some(true) {
            kw.set_item("copy", true)?;
            return np.getattr("array")?.call((values,), Some(&kw));
        }
        np.getattr("asarray")?.call((values,), Some(&kw))
    }

    #[pyo3(signature = (ufunc, method, *inputs, **kwargs))]
    fn __array_ufunc__<'py>(
        &self,
        py: Python<'py>,
        ufunc: &Bound<'py, PyAny>,
        method: &str,
        inputs: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        // Defer to operands that manage units themselves (lazy arrays).
        for x in inputs.iter() {
            if !x.is_instance_of::<PyDimArray>() && x.hasattr("__dimtensor_lazy__")? {
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

    fn __add__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "add", false)
    }
    fn __radd__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "add", true)
    }
    fn __sub__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "subtract", false)
    }
    fn __rsub__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "subtract", true)
    }
    fn __mul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "multiply", false)
    }
    fn __rmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "multiply", true)
    }
    fn __truediv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "divide", false)
    }
    fn __rtruediv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "divide", true)
    }
    fn __floordiv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "floor_divide", false)
    }
    fn __rfloordiv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "floor_divide", true)
    }
    fn __mod__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "remainder", false)
    }
    fn __rmod__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "remainder", true)
    }
    fn __matmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "matmul", false)
    }
    fn __rmatmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "matmul", true)
    }
    fn __pow__(
        slf: &Bound<'_, Self>,
        other: &Bound<'_, PyAny>,
        modulo: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        crate::dimension::no_modulus(modulo, "arrays with units")?;
        binop(slf, other, "power", false)
    }
    fn __rpow__(
        slf: &Bound<'_, Self>,
        other: &Bound<'_, PyAny>,
        modulo: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        crate::dimension::no_modulus(modulo, "arrays with units")?;
        binop(slf, other, "power", true)
    }
    fn __and__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "bitwise_and", false)
    }
    fn __rand__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "bitwise_and", true)
    }
    fn __or__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "bitwise_or", false)
    }
    fn __ror__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "bitwise_or", true)
    }
    fn __xor__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "bitwise_xor", false)
    }
    fn __rxor__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "bitwise_xor", true)
    }
    fn __lshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "left_shift", false)
    }
    fn __rlshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "left_shift", true)
    }
    fn __rshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "right_shift", false)
    }
    fn __rrshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "right_shift", true)
    }
    fn __invert__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        unary(slf, "invert")
    }
    fn __neg__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        unary(slf, "negative")
    }
    fn __pos__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        unary(slf, "positive")
    }
    fn __abs__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        unary(slf, "absolute")
    }

    fn __richcmp__(
        slf: &Bound<'_, Self>,
        other: &Bound<'_, PyAny>,
        op: pyo3::basic::CompareOp,
    ) -> PyResult<Py<PyAny>> {
        use pyo3::basic::CompareOp::*;
        let name = match op {
            Lt => "less",
            Le => "less_equal",
            Gt => "greater",
            Ge => "greater_equal",
            Eq => "equal",
            Ne => "not_equal",
        };
        binop(slf, other, name, false)
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        self.data.bind(py).len()
    }

    fn __bool__(&self, py: Python<'_>) -> PyResult<bool> {
        self.data.bind(py).is_truthy()
    }
}

/// `DimArray(data, unit)` without conversion or copying (internal; also
/// what a pickled DimArray is rebuilt with, from its array and unit).
#[pyfunction]
pub fn _wrap(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    unit: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    wrap(py, data, unit_arg(unit)?)
}

/// The unit of a reduction (`sum`, `mean`, `var`, `prod`…) of values in
/// `unit`; None for index results (argmin). `count` is the number of
/// elements multiplied, for `prod`.
#[pyfunction]
#[pyo3(signature = (name, unit, count=None))]
pub fn reduction_unit(
    py: Python<'_>,
    name: &str,
    unit: &Bound<'_, PyAny>,
    count: Option<usize>,
) -> PyResult<Option<PyUnit>> {
    let u = unit_arg(unit)?;
    Ok(rules::reduction_unit(name, &u, count)
        .map_err(|e| rule_err(py, e))?
        .map(PyUnit))
}

/// The common unit (None for plain operands) and each operand's `(a, b)`.
type SameUnit = (Option<PyUnit>, Vec<(f64, f64)>);

/// How to bring several operands to one unit (concatenate, stack, where,
/// clip, full): `(unit, [(a, b) per operand])` with `value_new = a·value + b`.
#[pyfunction]
pub fn same_unit_plan(
    py: Python<'_>,
    what: &str,
    operands: Vec<Bound<'_, PyAny>>,
) -> PyResult<SameUnit> {
    let classified = operands
        .iter()
        .map(Input::classify)
        .collect::<PyResult<Vec<_>>>()?;
    let ops: Vec<Operand> = classified.iter().map(Input::operand).collect();
    let plan = with_placeholders(py, &classified, &ops, |ops| {
        rules::same_unit_plan(what, ops)
    })?;
    let unit = match plan.outputs.first() {
        Some(Out::Unit(u)) => Some(PyUnit(u.clone())),
        _ => None,
    };
    let convs = plan.inputs.iter().map(|&c| affine_pair(c)).collect();
    Ok((unit, convs))
}

/// One ufunc's unit plan for lazy arrays, which apply it per chunk:
/// `operands` are Units, None (plain numbers/arrays) or bare scalars (0,
/// ±inf and nan meet any unit). Returns `(conversions, output units,
/// constant)`: `(a, b)` per input with `new = a·value + b`, a Unit or None
/// (no unit) per output, and for ==/!= across dimensions the constant result.
#[pyfunction]
#[pyo3(signature = (name, operands, exponent=None))]
pub fn ufunc_plan(
    py: Python<'_>,
    name: &str,
    operands: Vec<Bound<'_, PyAny>>,
    exponent: Option<f64>,
) -> PyResult<UfuncPlan> {
    // A Unit stands for a quantity in it; DimArrays are classified as the
    // ufunc path does (so placeholders among them are recognised).
    let units: Vec<Option<Unit>> = operands
        .iter()
        .map(|o| {
            if o.is_instance_of::<PyUnit>() {
                unit_arg(o).map(Some)
            } else {
                Ok(None)
            }
        })
        .collect::<PyResult<_>>()?;
    let inputs = operands
        .iter()
        .zip(&units)
        .map(|(o, u)| match u {
            Some(_) => Ok(Input::Plain(o.clone())),
            None if o.is_none() => Ok(Input::Plain(o.clone())),
            None => Input::classify(o),
        })
        .collect::<PyResult<Vec<_>>>()?;
    let ops: Vec<Operand> = inputs
        .iter()
        .zip(&units)
        .map(|(i, u)| match u {
            Some(u) => Operand::Unit(u),
            None => i.operand(),
        })
        .collect();
    let plan = with_placeholders(py, &inputs, &ops, |ops| {
        rules::ufunc_plan(name, ops, exponent)
    })?;
    let convs = plan.inputs.iter().map(|&c| affine_pair(c)).collect();
    let outs = plan
        .outputs
        .iter()
        .map(|o| match o {
            Out::Unit(u) => Some(PyUnit(u.clone())),
            Out::Plain => None,
        })
        .collect();
    Ok((convs, outs, plan.constant))
}

/// `(a, b)` of a conversion, `new = a·value + b`.
fn affine_pair(c: Convert) -> (f64, f64) {
    match c {
        Convert::None => (1.0, 0.0),
        Convert::Scale(a) => (a, 0.0),
        Convert::Affine(a, b) => (a, b),
    }
}

/// A ufunc plan as Python sees it (see `ufunc_plan`).
type UfuncPlan = (Vec<(f64, f64)>, Vec<Option<PyUnit>>, Option<bool>);
