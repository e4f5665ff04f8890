//! The exception hierarchy of `dimtensor.errors`, defined once, here.
//!
//! The classes need two bases each (`DimensionError(DimtensorError,
//! ValueError)`), which `create_exception!` cannot express, so they are made
//! with `type(name, bases, namespace)` on first use and cached.

use dimtensor_core::Error;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

pub struct Errors {
    pub dimtensor: Py<PyType>,
    pub dimension: Py<PyType>,
    pub conversion: Py<PyType>,
    pub parse: Py<PyType>,
    pub offset: Py<PyType>,
    pub stripped: Py<PyType>,
}

fn make(
    py: Python<'_>,
    name: &str,
    bases: &[&Bound<'_, PyType>],
    doc: &str,
) -> PyResult<Py<PyType>> {
    let ns = PyDict::new(py);
    ns.set_item("__module__", "dimtensor.errors")?;
    ns.set_item("__doc__", doc)?;
    let bases = PyTuple::new(py, bases)?;
    let cls = py.get_type::<PyType>().call1((name, bases, ns))?;
    Ok(cls.cast_into::<PyType>()?.unbind())
}

fn build(py: Python<'_>) -> PyResult<Errors> {
    let base = make(
        py,
        "DimtensorError",
        &[&py.get_type::<PyException>()],
        "Base class of every error raised by dimtensor.",
    )?;
    let b = base.bind(py);
    let value_error = py.get_type::<PyValueError>();
    let dimension = make(
        py,
        "DimensionError",
        &[b, &value_error],
        "An operation combined quantities whose dimensions do not allow it (m + s).",
    )?;
    let conversion = make(
        py,
        "UnitConversionError",
        &[dimension.bind(py)],
        "A conversion between units of different dimensions (m to s).",
    )?;
    let parse = make(
        py,
        "UnitParseError",
        &[b, &value_error],
        "Unit text that does not parse; `.position` is the 0-based character index, `.text` the input.",
    )?;
    let offset = make(
        py,
        "OffsetUnitError",
        &[b, &value_error],
        "Arithmetic that an offset unit (degC, degF) does not allow; convert to K or use delta_degC.",
    )?;
    let stripped = make(
        py,
        "UnitStrippedError",
        &[b, &py.get_type::<PyTypeError>()],
        "An operation would silently drop a unit; use .magnitude() or .to_value(unit).",
    )?;
    Ok(Errors {
        dimtensor: base,
        dimension,
        conversion,
        parse,
        offset,
        stripped,
    })
}

pub fn errors(py: Python<'_>) -> PyResult<&Errors> {
    static ERRORS: PyOnceLock<Errors> = PyOnceLock::new();
    ERRORS.get_or_try_init(py, || build(py))
}

fn instance<'py>(
    py: Python<'py>,
    cls: &Py<PyType>,
    message: String,
) -> PyResult<Bound<'py, PyAny>> {
    cls.bind(py).call1((message,))
}

/// The Python exception for a core error.
pub fn to_pyerr(py: Python<'_>, e: Error) -> PyErr {
    let make_err = || -> PyResult<PyErr> {
        let errs = errors(py)?;
        let message = e.to_string();
        let exc = match &e {
            Error::Dimension(_) => instance(py, &errs.dimension, message)?,
            Error::Conversion(_) => instance(py, &errs.conversion, message)?,
            Error::Offset(_) => instance(py, &errs.offset, message)?,
            Error::Invalid(_) => return Ok(PyValueError::new_err(message)),
            Error::Parse { text, position, .. } => {
                let exc = instance(py, &errs.parse, message)?;
                exc.setattr("position", *position)?;
                exc.setattr("text", text)?;
                exc
            }
        };
        Ok(PyErr::from_value(exc))
    };
    make_err().unwrap_or_else(|err| err)
}

/// The Python exception for an error of the rule table: as [`to_pyerr`],
/// except that "no rule" (`Invalid`) is the `TypeError` NumPy users expect
/// for an unsupported operation.
pub fn rule_err(py: Python<'_>, e: Error) -> PyErr {
    match e {
        Error::Invalid(m) => PyTypeError::new_err(m),
        e => to_pyerr(py, e),
    }
}

/// A `UnitStrippedError` with `message`.
pub fn stripped(py: Python<'_>, message: String) -> PyErr {
    match errors(py).and_then(|e| instance(py, &e.stripped, message)) {
        Ok(exc) => PyErr::from_value(exc),
        Err(err) => err,
    }
}

/// `result.or_raise(py)?` turns a core error into its Python exception.
pub trait OrRaise<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrRaise<T> for dimtensor_core::Result<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_pyerr(py, e))
    }
}

/// Adds the classes to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let e = errors(py)?;
    for cls in [
        &e.dimtensor,
        &e.dimension,
        &e.conversion,
        &e.parse,
        &e.offset,
        &e.stripped,
    ] {
        let name = cls.bind(py).name()?;
        m.add(name, cls.clone_ref(py))?;
    }
    Ok(())
}
