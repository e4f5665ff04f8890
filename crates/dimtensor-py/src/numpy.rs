//! NumPy from Rust: the module and its ufuncs looked up once, arrays made
//! from Python data, and unit conversions applied to magnitudes.

use dimtensor_core::rules::{self, Convert};
use dimtensor_core::Unit;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use rustc_hash::FxHashMap;

use crate::errors::OrRaise;

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
pub fn convert<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    c: Convert,
) -> PyResult<Bound<'py, PyAny>> {
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

/// `out[...] = a·x + b`, in place (`x` may be `out` itself).
pub fn convert_into(
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

/// The conversion of values in `from` to `to` (as `Unit::affine_to`).
pub fn conversion(py: Python<'_>, from: &Unit, to: &Unit) -> PyResult<Convert> {
    let (a, b) = from.affine_to(to).or_raise(py)?;
    Ok(if b != 0.0 {
        Convert::Affine(a, b)
    } else if dimtensor_core::units::unit::close(a, 1.0) {
        Convert::None
    } else {
        Convert::Scale(a)
    })
}

/// Values of `data` in unit `from`, converted to unit `to`.
pub fn convert_values<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    from: &Unit,
    to: &Unit,
) -> PyResult<Bound<'py, PyAny>> {
    convert(py, data, conversion(py, from, to)?)
}
