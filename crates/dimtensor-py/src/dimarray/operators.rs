//! Python's operators on DimArrays: each is the NumPy ufunc of the same
//! meaning, through the core's rule table (and, for same-shape float arrays,
//! the Rust fast path). In-place operators ([`_inplace`]) write into the
//! array's own memory, views included, and keep its unit.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use dimtensor_core::rules::{self, Out};

use super::ufunc::apply_ufunc;
use super::{defers_to, PyDimArray};
use crate::errors::rule_err;
use crate::numpy::np_ufunc;
use crate::rules::{uniform_exponent, Input};
use crate::unit::PyUnit;

/// Binary operator helper: `self op other` (or reflected).
fn binop(
    slf: &Bound<'_, PyDimArray>,
    other: &Bound<'_, PyAny>,
    name: &'static str,
    reflected: bool,
) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    if defers_to(other)? {
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

/// Whether no other array can see `d`'s memory: its ndarray is held by `d`
/// alone and is no view into another array.
fn memory_is_its_own(py: Python<'_>, d: &PyDimArray) -> PyResult<bool> {
    let data = d.data.bind(py);
    // A view holds its base, so another holder shows in the count. What
    // sys.getrefcount adds for the call itself is measured on an object
    // held by nothing else; the DimArray's own reference is one more.
    let count = py.import("sys")?.getattr("getrefcount")?;
    let alone: usize = count.call1((pyo3::types::PyList::empty(py),))?.extract()?;
    let refs: usize = count.call1((data,))?.extract()?;
    Ok(refs <= alone + 1 && data.getattr("base")?.is_none())
}

/// `target op= other` (the in-place operators; Python's `__iadd__` & co.
/// call this): the ufunc with `out=target`, writing into the target's own
/// memory, views included, the other operand converted first. When the
/// result's unit is one the target cannot hold (`m *= m`), the result is a
/// new array (`x = x * y`, which is what the operator then binds) if no
/// other array shares the target's memory; otherwise, since that array
/// would see numbers in the wrong unit, it raises before anything is
/// written.
#[pyfunction]
pub fn _inplace(
    target: &Bound<'_, PyDimArray>,
    other: &Bound<'_, PyAny>,
    name: &str,
) -> PyResult<Py<PyAny>> {
    let py = target.py();
    if !(other.is_instance_of::<PyDimArray>() || other.is_instance_of::<PyUnit>())
        && other.hasattr("__dimtensor_lazy__")?
    {
        return Err(PyTypeError::new_err(format!(
            "{name} of a lazy array into a DimArray in place would compute it; \
             compute it first (.compute()) or write `x = x op y`"
        )));
    }
    let inputs = [target.clone().into_any(), other.clone()];
    let t = target.get();
    if let Some(unit) = t.chosen_unit() {
        let ops = inputs
            .iter()
            .map(Input::classify)
            .collect::<PyResult<Vec<_>>>()?;
        let operands: Vec<rules::Operand> = ops.iter().map(Input::operand).collect();
        let exponent = match (name, ops.get(1)) {
            ("power", Some(e)) => uniform_exponent(py, e)?,
            _ => None,
        };
        let plan = rules::ufunc_plan(name, &operands, exponent).map_err(|e| rule_err(py, e))?;
        let holds = match plan.outputs.first() {
            Some(Out::Unit(u)) => unit.affine_to(u).is_ok() && u.affine_to(unit).is_ok(),
            _ => false,
        };
        if !holds && plan.constant.is_none() && memory_is_its_own(py, t)? {
            let f = np_ufunc(py, name)?;
            return apply_ufunc(py, name, &f, "__call__", &inputs, None);
        }
    }
    let f = np_ufunc(py, name)?;
    let kw = PyDict::new(py);
    kw.set_item("out", PyTuple::new(py, [target])?)?;
    apply_ufunc(py, name, &f, "__call__", &inputs, Some(&kw))?;
    Ok(target.clone().into_any().unbind())
}

#[pymethods]
impl PyDimArray {
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

    fn __divmod__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "divmod", false)
    }
    fn __rdivmod__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(slf, other, "divmod", true)
    }
}
