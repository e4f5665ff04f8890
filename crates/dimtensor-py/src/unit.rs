//! `dimtensor.Unit`: an immutable unit value. The algebra lives in the core;
//! this file converts arguments and results.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use dimtensor_core::units::unit::{Kind, Name};
use dimtensor_core::{registry, Dialect, Dimension, Format, Rational, Unit};
use pyo3::basic::CompareOp;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString, PyTuple};

use crate::dimension::{extract_rational, is_real, no_modulus, PyDimension};
use crate::errors::OrRaise;

#[pyclass(name = "Unit", module = "dimtensor._core", frozen)]
#[derive(Clone)]
pub struct PyUnit(pub Unit, HashOnce);

/// The unit's hash, computed on first use: units key the plan caches of
/// every front end, hashed several times per operation.
#[derive(Clone, Default)]
pub struct HashOnce(OnceLock<u64>);

impl PyUnit {
    pub fn wrap(unit: Unit) -> Self {
        PyUnit(unit, HashOnce::default())
    }
}

/// A real number (int, float, Fraction or NumPy scalar; not bool), as a
/// unit factor.
fn as_number(obj: &Bound<'_, PyAny>) -> Option<f64> {
    if obj.is_instance_of::<PyBool>() {
        return None;
    }
    if obj.is_instance_of::<PyFloat>() || obj.is_instance_of::<PyInt>() || is_real(obj) {
        obj.extract::<f64>().ok()
    } else {
        None
    }
}

/// Parses a Python string. Python strings may hold lone surrogates, which
/// are not UTF-8 and never part of unit text: a parse error at the first.
fn parse_text(s: &Bound<'_, PyString>, cached: bool) -> PyResult<Unit> {
    parse_text_in(s, cached, Dialect::Default)
}

/// Parses a Python string in a dialect.
fn parse_text_in(s: &Bound<'_, PyString>, cached: bool, dialect: Dialect) -> PyResult<Unit> {
    let py = s.py();
    let Ok(text) = s.to_str() else {
        // `str.encode` reports where the first lone surrogate is.
        let position: usize = match s.call_method1("encode", ("utf-8",)) {
            Err(e) => e.value(py).getattr("start")?.extract()?,
            Ok(_) => 0,
        };
        // The message shows each surrogate as '?'; `.text` keeps the input.
        let shown = s.call_method1("encode", ("utf-8", "replace"))?;
        let err = crate::errors::to_pyerr(
            py,
            dimtensor_core::Error::Parse {
                message: "a lone surrogate cannot be part of unit text".to_string(),
                text: shown.call_method1("decode", ("utf-8",))?.extract()?,
                position,
            },
        );
        err.value(py).setattr("text", s)?;
        return Err(err);
    };
    if cached {
        dimtensor_core::parse_in(text, dialect).or_raise(py)
    } else {
        dimtensor_core::units::parse::parse_uncached_in(text, dialect).or_raise(py)
    }
}

/// `s` as a double-quoted Python string literal (Rust's `{:?}` writes
/// escapes such as `\u{301}` that Python cannot read back).
fn py_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\'' => out.push('\''),
            // Whatever Rust would escape (controls, combining marks, ...).
            c if c.escape_debug().count() > 1 => {
                let n = c as u32;
                out += &match n {
                    0..=0xff => format!("\\x{n:02x}"),
                    0x100..=0xffff => format!("\\u{n:04x}"),
                    _ => format!("\\U{n:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Plain array data that `array * unit` turns into a DimArray: an ndarray
/// (not a DimArray, which multiplies through its own operators) or a list
/// or tuple.
fn is_array_data(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    if obj.is_instance_of::<crate::dimarray::PyDimArray>() {
        return Ok(false);
    }
    let ndarray = crate::numpy::numpy(obj.py())?.getattr("ndarray")?;
    Ok(obj.is_instance(&ndarray)?
        || obj.is_instance_of::<pyo3::types::PyList>()
        || obj.is_instance_of::<PyTuple>())
}

fn is_sequence(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<pyo3::types::PyList>() || obj.is_instance_of::<PyTuple>()
}

/// `values` (plain array data of any kind) with unit `unit`: a DimArray for
/// NumPy data, lists and tuples; for another registered backend's raw
/// arrays (a dask array) that backend's quantity; else NotImplemented.
fn with_unit(py: Python<'_>, values: &Bound<'_, PyAny>, unit: Unit) -> PyResult<Py<PyAny>> {
    if is_array_data(values)? {
        return crate::dimarray::wrap(py, &crate::numpy::as_array(py, values, None, false)?, unit);
    }
    if values.is_instance_of::<crate::dimarray::PyDimArray>() {
        return Ok(py.NotImplemented());
    }
    match WITH_UNIT.get(py) {
        Some(f) => Ok(f.bind(py).call1((values, PyUnit::wrap(unit)))?.unbind()),
        None => Ok(py.NotImplemented()),
    }
}

/// `unit * array` for other backends' raw arrays, handed down by the Python
/// package when it loads (`dimtensor._backend.with_unit`): the binding calls
/// it without importing the package above it.
static WITH_UNIT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Set the function that wraps another backend's raw array with a unit
/// (once; later calls keep the first).
#[pyfunction]
pub fn _set_with_unit(py: Python<'_>, func: Py<PyAny>) {
    let _ = WITH_UNIT.set(py, func);
}

/// A `Unit` or unit text.
pub fn unit_arg(obj: &Bound<'_, PyAny>) -> PyResult<Unit> {
    if let Ok(u) = obj.cast::<PyUnit>() {
        return Ok(u.get().0.clone());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return parse_text(s, true);
    }
    Err(PyTypeError::new_err(format!(
        "expected a Unit or unit text, not {}",
        obj.get_type().name()?
    )))
}

fn new_unit(py: Python<'_>, u: Unit) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, PyUnit::wrap(u))?.into_any())
}

/// A unit written as `symbol`, with the given value. When the symbol parses
/// to the same value its structure is kept, so every text format works.
fn unit_with_symbol(
    symbol: &str,
    dim: Dimension,
    scale: f64,
    offset: f64,
    interval: bool,
) -> dimtensor_core::Result<Unit> {
    let mut wanted = Unit::named(Name::plain(symbol), dim, scale, offset)?;
    if interval {
        wanted = wanted.into_interval()?;
    }
    match dimtensor_core::parse(symbol) {
        Ok(parsed) if parsed == wanted => Ok(parsed),
        _ => Ok(wanted),
    }
}

#[pymethods]
impl PyUnit {
    /// `Unit(symbol, dimension=None, scale=1.0, offset=0.0)`. Without a
    /// dimension, `symbol` is parsed (`Unit("km/h")`).
    #[new]
    #[pyo3(signature = (symbol, dimension=None, scale=1.0, offset=0.0))]
    fn new(
        py: Python<'_>,
        symbol: &Bound<'_, PyString>,
        dimension: Option<&Bound<'_, PyDimension>>,
        scale: f64,
        offset: f64,
    ) -> PyResult<Self> {
        match dimension {
            None if scale == 1.0 && offset == 0.0 => Ok(PyUnit::wrap(parse_text(symbol, true)?)),
            None => Err(PyValueError::new_err(
                "Unit(symbol, scale=..., offset=...) needs a dimension; to parse text, give the symbol alone",
            )),
            Some(d) => Ok(PyUnit::wrap(
                unit_with_symbol(symbol.to_str()?, d.get().0, scale, offset, false).or_raise(py)?,
            )),
        }
    }

    /// Parses unit text (`"m/s^2"`, `"kg m2 s-2"`, `"°C"`, `"1e-3 m"`);
    /// `dialect="cf"` reads names as UDUNITS-2 does (file attributes).
    #[staticmethod]
    #[pyo3(signature = (text, dialect="default"))]
    fn parse(text: &Bound<'_, PyString>, dialect: &str) -> PyResult<Self> {
        let d: Dialect = dialect.parse().or_raise(text.py())?;
        Ok(PyUnit::wrap(parse_text_in(text, true, d)?))
    }

    /// The CF `units` attribute UDUNITS-2 reads as this unit, and the CF
    /// 1.11 `units_metadata` for temperatures (None otherwise).
    fn to_cf(&self, py: Python<'_>) -> PyResult<(String, Option<&'static str>)> {
        dimtensor_core::to_cf(&self.0).or_raise(py)
    }

    #[getter]
    fn symbol(&self) -> String {
        self.0.symbol()
    }
    #[getter]
    fn dimension(&self) -> PyDimension {
        PyDimension(self.0.dimension())
    }
    #[getter]
    fn scale(&self) -> f64 {
        self.0.scale()
    }
    #[getter]
    fn offset(&self) -> f64 {
        self.0.offset()
    }
    #[getter]
    fn is_dimensionless(&self) -> bool {
        self.0.dimension().is_dimensionless()
    }
    /// What a temperature in this unit stands for: "point" (°C, °F: on a
    /// shifted scale), "interval" (Δ°C: a difference) or "absolute" (K,
    /// and every unit without an offset).
    #[getter]
    fn kind(&self) -> &'static str {
        match self.0.kind() {
            Kind::Point => "point",
            Kind::Interval => "interval",
            Kind::Absolute => "absolute",
        }
    }

    /// Whether values in this unit can be converted to `other`.
    fn is_compatible(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.is_compatible(&unit_arg(other)?))
    }

    /// The factor that converts a value in this unit to `other`.
    fn conversion_factor(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<f64> {
        self.0.conversion_factor(&unit_arg(other)?).or_raise(py)
    }

    /// `(a, b)` with `value_in_other = a * value + b` (offset units included).
    fn conversion_affine(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<(f64, f64)> {
        self.0.affine_to(&unit_arg(other)?).or_raise(py)
    }

    /// The coherent SI unit of the same dimension (`kg·m²/s²` for an energy).
    fn to_base(&self) -> Self {
        PyUnit::wrap(registry().to_base(&self.0))
    }

    /// The same unit under a registered name when one matches exactly.
    fn simplified(&self) -> Self {
        PyUnit::wrap(registry().simplified(&self.0))
    }

    /// The unit as text: "unicode" (default), "ascii", "latex" or "cf".
    #[pyo3(signature = (fmt="unicode"))]
    fn to_string(&self, py: Python<'_>, fmt: &str) -> PyResult<String> {
        let f: Format = fmt.parse().or_raise(py)?;
        Ok(self.0.to_string_in(f))
    }

    fn __format__(&self, py: Python<'_>, spec: &str) -> PyResult<String> {
        self.to_string(py, if spec.is_empty() { "unicode" } else { spec })
    }

    fn _repr_latex_(&self) -> String {
        format!("${}$", self.0.to_string_in(Format::Latex))
    }

    fn __str__(&self) -> String {
        self.0.symbol()
    }

    fn __repr__(&self) -> String {
        let sym = self.0.symbol();
        if dimtensor_core::parse(&sym).is_ok_and(|p| p == self.0) {
            return format!("Unit({})", py_literal(&sym));
        }
        let mut s = format!(
            "Unit({}, {}",
            py_literal(&sym),
            PyDimension(self.0.dimension()).__repr__()
        );
        if self.0.scale() != 1.0 {
            s += &format!(", scale={:?}", self.0.scale());
        }
        if self.0.offset() != 0.0 {
            s += &format!(", offset={:?}", self.0.offset());
        }
        s + ")"
    }

    fn __mul__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        if let Ok(o) = other.cast::<PyUnit>() {
            return new_unit(py, self.0.mul(&o.get().0).or_raise(py)?);
        }
        match as_number(other) {
            Some(x) => new_unit(py, self.0.scaled(x).or_raise(py)?),
            // `units.m * np.array([1, 2])`: a DimArray, as in the other order
            // (a list on the right stays an error: `units.m * [2]`).
            None if is_sequence(other) => Ok(py.NotImplemented()),
            None => with_unit(py, other, self.0.clone()),
        }
    }

    fn __rmul__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match as_number(other) {
            Some(x) => new_unit(
                py,
                Unit::number(x).and_then(|n| n.mul(&self.0)).or_raise(py)?,
            ),
            // `np.array([1, 2]) * units.m`, `[1, 2] * units.m`: a DimArray.
            None => with_unit(py, other, self.0.clone()),
        }
    }

    fn __truediv__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        if let Ok(o) = other.cast::<PyUnit>() {
            return new_unit(py, self.0.div(&o.get().0).or_raise(py)?);
        }
        match as_number(other) {
            Some(x) => new_unit(
                py,
                Unit::number(x).and_then(|n| self.0.div(&n)).or_raise(py)?,
            ),
            None if is_sequence(other) => Ok(py.NotImplemented()),
            // `units.m / np.array([2, 4])`: a DimArray of 1/values in m.
            None if is_array_data(other)? => {
                let values = crate::numpy::as_array(py, other, None, false)?;
                let inverse = PyFloat::new(py, 1.0).div(&values)?;
                with_unit(py, &inverse, self.0.clone())
            }
            None if other.is_instance_of::<crate::dimarray::PyDimArray>() => {
                Ok(py.NotImplemented())
            }
            None => {
                let made = with_unit(py, other, self.0.clone())?;
                if made.is(py.NotImplemented()) {
                    return Ok(made);
                }
                // Another backend's array: 1/values, lazily in that backend.
                with_unit(py, &PyFloat::new(py, 1.0).div(other)?, self.0.clone())
            }
        }
    }

    fn __rtruediv__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match as_number(other) {
            Some(x) => new_unit(
                py,
                Unit::number(x).and_then(|n| n.div(&self.0)).or_raise(py)?,
            ),
            // `np.array([1, 2]) / units.s`: a DimArray in 1/s.
            None => with_unit(py, other, Unit::one().div(&self.0).or_raise(py)?),
        }
    }

    fn __pow__(
        &self,
        py: Python<'_>,
        exponent: &Bound<'_, PyAny>,
        modulo: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        no_modulus(modulo, "units")?;
        // A float exponent must be an exact fraction: a unit is never rounded.
        let p: Rational = match exponent.extract::<f64>() {
            Ok(x) if exponent.is_instance_of::<pyo3::types::PyFloat>() => {
                dimtensor_core::rules::exact_exponent(x).or_raise(py)?
            }
            _ => extract_rational(exponent)?,
        };
        Ok(PyUnit::wrap(self.0.powr(p).or_raise(py)?))
    }

    fn __richcmp__(&self, py: Python<'_>, other: &Bound<'_, PyAny>, op: CompareOp) -> Py<PyAny> {
        let Ok(o) = other.cast::<PyUnit>() else {
            return py.NotImplemented();
        };
        let eq = self.0 == o.get().0;
        match op {
            CompareOp::Eq => PyBool::new(py, eq).to_owned().into_any().unbind(),
            CompareOp::Ne => PyBool::new(py, !eq).to_owned().into_any().unbind(),
            _ => py.NotImplemented(),
        }
    }

    fn __hash__(&self) -> u64 {
        *self.1 .0.get_or_init(|| {
            let mut h = DefaultHasher::new();
            self.0.hash(&mut h);
            h.finish()
        })
    }

    /// NumPy must not turn a unit into an object array (`array * unit`):
    /// with `__array_ufunc__ = None` it defers to `Unit.__rmul__`.
    #[classattr]
    fn __array_ufunc__(py: Python<'_>) -> Py<PyAny> {
        py.None()
    }

    /// Pickled by value: symbol text, exponents, scale, offset and whether
    /// it is a temperature interval.
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let f = py.import("dimtensor._core")?.getattr("_unit_from_state")?;
        let exps: Vec<(i32, i32)> = self
            .0
            .dimension()
            .0
            .iter()
            .map(|r| (r.numer(), r.denom()))
            .collect();
        let state = (
            self.0.symbol(),
            exps,
            self.0.scale(),
            self.0.offset(),
            self.0.is_interval(),
        )
            .into_pyobject(py)?;
        Ok((f, state))
    }

    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __deepcopy__(slf: Py<Self>, _memo: &Bound<'_, PyAny>) -> Py<Self> {
        slf
    }
}

/// Rebuilds a pickled unit (the inverse of `Unit.__reduce__`).
#[pyfunction]
#[pyo3(signature = (symbol, exps, scale, offset, interval=false))]
pub fn _unit_from_state(
    py: Python<'_>,
    symbol: &str,
    exps: Vec<(i64, i64)>,
    scale: f64,
    offset: f64,
    interval: bool,
) -> PyResult<PyUnit> {
    let mut dim = Dimension::NONE;
    for (slot, (n, d)) in dim.0.iter_mut().zip(exps) {
        *slot = Rational::new(n, d).or_raise(py)?;
    }
    if dim.0.len() != 7 {
        return Err(PyValueError::new_err("a pickled unit has seven exponents"));
    }
    if symbol.is_empty() && dim.is_dimensionless() && scale == 1.0 && offset == 0.0 {
        return Ok(PyUnit::wrap(Unit::one()));
    }
    Ok(PyUnit::wrap(
        unit_with_symbol(symbol, dim, scale, offset, interval).or_raise(py)?,
    ))
}

/// Parses unit text (cached), in the default or the CF dialect.
#[pyfunction]
#[pyo3(signature = (text, dialect="default"))]
pub fn parse_unit(text: &Bound<'_, PyString>, dialect: &str) -> PyResult<PyUnit> {
    let d: Dialect = dialect.parse().or_raise(text.py())?;
    Ok(PyUnit::wrap(parse_text_in(text, true, d)?))
}

/// Parses a CF `units` attribute (with `units_metadata` when given): the
/// unit and the epoch of a time reference (`days since 1970-01-01`).
#[pyfunction]
#[pyo3(signature = (text, metadata=None))]
pub fn parse_cf_unit(
    py: Python<'_>,
    text: &str,
    metadata: Option<&str>,
) -> PyResult<(PyUnit, Option<String>)> {
    let cf = dimtensor_core::parse_cf(text, metadata).or_raise(py)?;
    Ok((PyUnit::wrap(cf.unit), cf.epoch))
}

/// Parses unit text, bypassing the cache (for benchmarks).
#[pyfunction]
pub fn _parse_unit_uncached(text: &Bound<'_, PyString>) -> PyResult<PyUnit> {
    Ok(PyUnit::wrap(parse_text(text, false)?))
}

/// The registered unit called `name` (no parsing), or None.
#[pyfunction]
pub fn lookup_unit(name: &Bound<'_, PyString>) -> Option<PyUnit> {
    // A name with a lone surrogate is not UTF-8 and names no unit.
    dimtensor_core::lookup(name.to_str().ok()?).map(PyUnit::wrap)
}

/// Every registered unit name, sorted.
#[pyfunction]
pub fn unit_names() -> Vec<String> {
    let mut v: Vec<String> = registry().names().map(str::to_string).collect();
    v.sort();
    v
}
