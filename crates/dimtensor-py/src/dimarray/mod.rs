//! `dimtensor.DimArray`: a NumPy array and a unit. Frozen: the unit never
//! changes (except once, for an array whose unit was not chosen yet); the
//! array's values may (`x[0] = …`, `x += y`).
//!
//! - this file: the class, construction, properties and conversions;
//! - [`operators`]: Python's operators, in place ones included;
//! - [`ufunc`]: `__array_ufunc__`: every ufunc, by the core's rule table.
//!
//! Methods with no hot path are written in Python (`dimtensor/_dimarray.py`)
//! and attached to this class.

pub mod operators;
pub mod ufunc;

use dimtensor_core::Unit;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::OnceLock;

use crate::dimension::PyDimension;
use crate::errors::{rule_err, stripped};
use crate::numpy::{as_array, convert, convert_values, numpy};
use crate::rules::Input;
use crate::unit::{unit_arg, PyUnit};
use dimtensor_core::rules::{self as core_rules, Out};
use pyo3::types::{PyFloat, PyInt, PyList, PyTuple};

#[pyclass(name = "DimArray", module = "dimtensor", frozen, weakref, subclass)]
pub struct PyDimArray {
    pub data: Py<PyAny>,
    unit: Unit,
    /// Made by the Array API namespace without a unit (`zeros(n)`): its
    /// unit is not chosen yet, and the first operand or assignment it meets
    /// decides it, once (`adopted`). Until then it meets any unit, like the
    /// scalar 0.
    pending: bool,
    adopted: OnceLock<Unit>,
}

impl PyDimArray {
    pub fn from_parts(data: Py<PyAny>, unit: Unit) -> Self {
        Self {
            data,
            unit,
            pending: false,
            adopted: OnceLock::new(),
        }
    }

    /// The unit (dimensionless while a pending unit is not chosen).
    pub fn unit_ref(&self) -> &Unit {
        self.adopted.get().unwrap_or(&self.unit)
    }

    /// The unit, or None while it is not chosen yet.
    pub fn chosen_unit(&self) -> Option<&Unit> {
        match (self.pending, self.adopted.get()) {
            (true, None) => None,
            (_, Some(u)) => Some(u),
            (false, None) => Some(&self.unit),
        }
    }

    /// Chooses the unit of an array whose unit is not chosen yet.
    pub fn adopt(&self, unit: Unit) -> PyResult<()> {
        if self.chosen_unit().is_some() {
            return Err(PyValueError::new_err(format!(
                "this array's unit is already chosen ('{}')",
                self.unit_ref().symbol()
            )));
        }
        // Two threads racing here: the first one wins, as with any assignment.
        let _ = self.adopted.set(unit);
        Ok(())
    }
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

/// The items of nested lists and tuples, in order (`data` itself when it
/// is neither).
fn leaves<'py>(data: &Bound<'py, PyAny>, out: &mut Vec<Bound<'py, PyAny>>) -> PyResult<()> {
    if data.is_instance_of::<PyList>() || data.is_instance_of::<PyTuple>() {
        for item in data.try_iter()? {
            leaves(&item?, out)?;
        }
    } else {
        out.push(data.clone());
    }
    Ok(())
}

/// Whether `x` carries a unit (a DimArray, or another array type with
/// `__dimtensor_unit__`); numbers are checked first, cheaply.
fn is_quantity(x: &Bound<'_, PyAny>) -> bool {
    if x.is_instance_of::<PyFloat>() || x.is_instance_of::<PyInt>() {
        return false;
    }
    x.is_instance_of::<PyDimArray>() || x.hasattr("__dimtensor_unit__").unwrap_or(false)
}

/// Whether nested lists and tuples hold a quantity: stops at the first one
/// and allocates nothing, so a long list of numbers costs little.
fn holds_quantity(data: &Bound<'_, PyAny>) -> bool {
    if data.is_instance_of::<PyFloat>() || data.is_instance_of::<PyInt>() {
        return false;
    }
    if let Ok(list) = data.cast::<PyList>() {
        list.iter().any(|x| holds_quantity(&x))
    } else if let Ok(tuple) = data.cast::<PyTuple>() {
        tuple.iter().any(|x| holds_quantity(&x))
    } else {
        is_quantity(data)
    }
}

/// `data` with its leaves replaced, in order, by `done`.
fn rebuild<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    done: &mut impl Iterator<Item = Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    if data.is_instance_of::<PyList>() || data.is_instance_of::<PyTuple>() {
        let items = data
            .try_iter()?
            .map(|item| rebuild(py, &item?, done))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(PyList::new(py, items)?.into_any());
    }
    done.next()
        .ok_or_else(|| PyValueError::new_err("the data changed while it was read"))
}

/// `DimArray([DimArray(1, "m"), DimArray(2, "km")])`: the values of a
/// (nested) sequence holding quantities, in the unit of the first quantity
/// (or `target`), each converted as the rule table converts operands that
/// meet (the scalars 0, ±inf and nan fit any unit; a plain number next to a
/// length is an error). None when the sequence holds no quantity.
fn from_quantities<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    target: Option<&Unit>,
) -> PyResult<Option<(Bound<'py, PyAny>, Unit)>> {
    if !(data.is_instance_of::<PyList>() || data.is_instance_of::<PyTuple>())
        || !holds_quantity(data)
    {
        return Ok(None);
    }
    let mut items = Vec::new();
    leaves(data, &mut items)?;
    if let Some(lazy) = items.iter().find(|x| {
        x.getattr("__dimtensor_lazy__")
            .is_ok_and(|v| v.is_truthy().unwrap_or(false))
    }) {
        return Err(PyTypeError::new_err(format!(
            "a DimArray holds computed values; call .compute() on the {} first",
            lazy.get_type().name()?
        )));
    }
    let target_unit = target.map(|t| PyUnit::wrap(t.clone()));
    let unit_obj = target_unit.map(|t| Bound::new(py, t)).transpose()?;
    let mut inputs = Vec::with_capacity(items.len() + 1);
    if let Some(t) = &unit_obj {
        inputs.push(Input::classify(t.as_any())?);
    }
    for x in &items {
        inputs.push(Input::classify(x)?);
    }
    let ops: Vec<core_rules::Operand> = inputs.iter().map(Input::operand).collect();
    let plan = core_rules::same_unit_plan("DimArray", &ops).map_err(|e| rule_err(py, e))?;
    let unit = match plan.outputs.first() {
        Some(Out::Unit(u)) => u.clone(),
        _ => Unit::one(),
    };
    let skip = usize::from(unit_obj.is_some());
    let mut done = Vec::with_capacity(items.len());
    for (input, c) in inputs.iter().zip(plan.inputs.iter()).skip(skip) {
        done.push(convert(py, input.data(), *c)?);
    }
    let values = rebuild(py, data, &mut done.into_iter())?;
    Ok(Some((values, unit)))
}

/// dtypes whose values are no quantities: datetimes and durations (they
/// carry a time unit of their own), text, bytes, records and objects.
fn refuse_dtype(py: Python<'_>, arr: &Bound<'_, PyAny>) -> PyResult<()> {
    let kind: String = arr.getattr("dtype")?.getattr("kind")?.extract()?;
    let what = match kind.as_str() {
        "m" => "timedelta64 values carry NumPy's own time unit; use DimArray.from_timedelta(x)",
        "M" => "datetime64 values are points in time, not quantities",
        "U" | "S" => "text and bytes are not quantities",
        "V" => "records (void) are not quantities; wrap each numeric field",
        "O" => "object arrays are not quantities; convert to a numeric dtype first",
        _ => return Ok(()),
    };
    let dtype = arr.getattr("dtype")?.str()?.to_string();
    let _ = py;
    Err(PyTypeError::new_err(format!(
        "a DimArray holds bool, integer, float or complex numbers, not {dtype}: {what}"
    )))
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
            refuse_dtype(py, &arr)?;
            return Ok(PyDimArray::from_parts(arr.unbind(), unit));
        }
        if let Some((values, unit)) = from_quantities(py, data, target.as_ref())? {
            let arr = as_array(py, &values, dtype, false)?;
            refuse_dtype(py, &arr)?;
            return Ok(PyDimArray::from_parts(arr.unbind(), unit));
        }
        let arr = as_array(py, data, dtype, copy)?;
        refuse_dtype(py, &arr)?;
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
        PyUnit::wrap(self.unit_ref().clone())
    }

    /// The unit as the rule table sees it: None while not chosen yet.
    #[getter]
    fn __dimtensor_unit__(&self) -> Option<PyUnit> {
        self.chosen_unit().map(|u| PyUnit::wrap(u.clone()))
    }

    #[getter]
    fn dimension(&self) -> PyDimension {
        PyDimension(self.unit_ref().dimension())
    }

    #[getter]
    fn is_dimensionless(&self) -> bool {
        self.unit_ref().dimension().is_dimensionless()
    }

    /// Chooses the unit of an array whose unit is not chosen yet (made by
    /// the Array API namespace without one), once.
    fn _adopt_unit(&self, unit: &Bound<'_, PyAny>) -> PyResult<()> {
        self.adopt(unit_arg(unit)?)
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

    /// NumPy asks for plain values: allowed only without a unit to lose
    /// (a dimensionless array gives its values at scale 1: 50 % is 0.5).
    #[pyo3(signature = (dtype=None, copy=None))]
    fn __array__<'py>(
        &self,
        py: Python<'py>,
        dtype: Option<&Bound<'py, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !self.unit_ref().dimension().is_dimensionless() {
            return Err(stripped(
                py,
                format!(
                    "converting a DimArray in '{}' to a plain array would drop its unit; \
                     use .magnitude() or .to_value(unit) to get the numbers (xarray data: \
                     .dimtensor.dequantify() moves units into CF attributes; \
                     .dimtensor.ffill/bfill/interpolate_na/interp/polyfit keep them)",
                    self.unit_ref().symbol()
                ),
            ));
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

/// A DimArray whose unit is not chosen yet (the Array API namespace's
/// `zeros(n)`, `full(n, nan)`): the first operand or assignment it meets
/// chooses it, once.
#[pyfunction]
pub fn _unit_pending(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let arr = as_array(py, data, None, false)?;
    let d = PyDimArray {
        data: arr.unbind(),
        unit: Unit::one(),
        pending: true,
        adopted: OnceLock::new(),
    };
    Ok(Py::new(py, d)?.into_any())
}

/// Whether `other` has a higher `__array_priority__` than a DimArray's (20).
fn outranks(other: &Bound<'_, PyAny>) -> PyResult<bool> {
    match other.getattr_opt("__array_priority__")? {
        Some(p) => Ok(p.extract::<f64>().is_ok_and(|p| p > 20.0)),
        None => Ok(false),
    }
}

/// Whether an operation of a DimArray and `other` is left to `other`:
/// anything that handles units itself (a lazy DaskDimArray, say) gets its
/// turn, and so does a container of arrays with a higher priority (xarray's
/// DataArray, a pandas Series), as NumPy's own operators and ufuncs defer.
pub(crate) fn defers_to(other: &Bound<'_, PyAny>) -> PyResult<bool> {
    if other.is_instance_of::<PyDimArray>() || other.is_instance_of::<PyUnit>() {
        return Ok(false);
    }
    Ok(other.hasattr("__dimtensor_lazy__")? || outranks(other)?)
}
