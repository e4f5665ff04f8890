//! `dimtensor.Dimension`: seven exact rational exponents, immutable.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use dimtensor_core::units::dimension::{BASE_NAMES, N_BASE};
use dimtensor_core::{Dimension, Error, Rational};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyFloat, PyTuple};

use crate::errors::OrRaise;

/// Largest denominator used when a float exponent is turned into a fraction.
const FLOAT_MAX_DEN: i64 = 1000;

/// Whether `obj` is a `numbers.Real` (NumPy scalars such as `np.int64` and
/// `np.float32` register there without subclassing `int` or `float`).
pub fn is_real(obj: &Bound<'_, PyAny>) -> bool {
    static REAL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = obj.py();
    REAL.get_or_try_init(py, || -> PyResult<_> {
        Ok(py.import("numbers")?.getattr("Real")?.unbind())
    })
    .and_then(|cls| obj.is_instance(cls.bind(py)))
    .unwrap_or(false)
}

/// An int, float (nearest fraction with denominator ≤ 1000) or
/// `fractions.Fraction` as an exact exponent; other `numbers.Real` values
/// (NumPy scalars) as their int or float value.
pub fn extract_rational(obj: &Bound<'_, PyAny>) -> PyResult<Rational> {
    let py = obj.py();
    if obj.is_instance_of::<PyFloat>() {
        return Rational::from_f64(obj.extract::<f64>()?, FLOAT_MAX_DEN).or_raise(py);
    }
    if obj.is_instance_of::<pyo3::types::PyBool>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "an exponent cannot be a bool",
        ));
    }
    // Plain ints are the common case (`u ** 2`): no attribute lookups.
    if obj.is_instance_of::<pyo3::types::PyInt>() {
        if let Ok(n) = obj.extract::<i64>() {
            return Rational::new(n, 1).or_raise(py);
        }
    }
    let (Ok(num), Ok(den)) = (obj.getattr("numerator"), obj.getattr("denominator")) else {
        if is_real(obj) {
            return Rational::from_f64(obj.extract::<f64>()?, FLOAT_MAX_DEN).or_raise(py);
        }
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "an exponent must be an int, float or fractions.Fraction, not {}",
            obj.get_type().name()?
        )));
    };
    let too_big = || Error::Dimension(format!("dimension exponent {obj} is out of range"));
    let num: i64 = num
        .extract()
        .map_err(|_| crate::errors::to_pyerr(py, too_big()))?;
    let den: i64 = den
        .extract()
        .map_err(|_| crate::errors::to_pyerr(py, too_big()))?;
    Rational::new(num, den).or_raise(py)
}

/// `pow(x, p, m)` has no meaning for units or dimensions.
pub fn no_modulus(modulo: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<()> {
    match modulo {
        Some(_) => Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "pow() with a modulus is not defined for {what}"
        ))),
        None => Ok(()),
    }
}

/// `fractions.Fraction(r)`.
pub fn to_fraction<'py>(py: Python<'py>, r: Rational) -> PyResult<Bound<'py, PyAny>> {
    static FRACTION: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let cls = FRACTION.get_or_try_init(py, || -> PyResult<_> {
        Ok(py.import("fractions")?.getattr("Fraction")?.unbind())
    })?;
    cls.bind(py).call1((r.numer(), r.denom()))
}

#[pyclass(name = "Dimension", module = "dimtensor._core", frozen, eq)]
#[derive(Clone, Copy, PartialEq)]
pub struct PyDimension(pub Dimension);

#[pymethods]
impl PyDimension {
    #[new]
    #[pyo3(signature = (length=None, mass=None, time=None, current=None, temperature=None, amount=None, luminosity=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        length: Option<&Bound<'_, PyAny>>,
        mass: Option<&Bound<'_, PyAny>>,
        time: Option<&Bound<'_, PyAny>>,
        current: Option<&Bound<'_, PyAny>>,
        temperature: Option<&Bound<'_, PyAny>>,
        amount: Option<&Bound<'_, PyAny>>,
        luminosity: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let args = [length, mass, time, current, temperature, amount, luminosity];
        let mut exps = [Rational::ZERO; N_BASE];
        for (slot, arg) in exps.iter_mut().zip(args) {
            if let Some(a) = arg {
                *slot = extract_rational(a)?;
            }
        }
        Ok(PyDimension(Dimension(exps)))
    }

    #[getter]
    fn length<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_fraction(py, self.0 .0[0])
    }
    #[getter]
    fn mass<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_fraction(py, self.0 .0[1])
    }
    #[getter]
    fn time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_fraction(py, self.0 .0[2])
    }
    #[getter]
    fn current<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_fraction(py, self.0 .0[3])
    }
    #[getter]
    fn temperature<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_fraction(py, self.0 .0[4])
    }
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_fraction(py, self.0 .0[5])
    }
    #[getter]
    fn luminosity<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_fraction(py, self.0 .0[6])
    }

    /// The seven exponents as Fractions, in the order L, M, T, I, Θ, N, J.
    #[getter]
    fn exponents<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items = self
            .0
             .0
            .iter()
            .map(|&r| to_fraction(py, r))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, items)
    }

    #[getter]
    fn is_dimensionless(&self) -> bool {
        self.0.is_dimensionless()
    }

    fn __mul__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match other.cast::<PyDimension>() {
            Ok(o) => Ok(Py::new(py, PyDimension(self.0.mul(&o.get().0).or_raise(py)?))?.into_any()),
            Err(_) => Ok(py.NotImplemented()),
        }
    }

    fn __truediv__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match other.cast::<PyDimension>() {
            Ok(o) => Ok(Py::new(py, PyDimension(self.0.div(&o.get().0).or_raise(py)?))?.into_any()),
            Err(_) => Ok(py.NotImplemented()),
        }
    }

    fn __pow__(
        &self,
        py: Python<'_>,
        exponent: &Bound<'_, PyAny>,
        modulo: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        no_modulus(modulo, "dimensions")?;
        Ok(PyDimension(
            self.0.pow(extract_rational(exponent)?).or_raise(py)?,
        ))
    }

    fn __hash__(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.0.hash(&mut h);
        h.finish()
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    pub fn __repr__(&self) -> String {
        let args: Vec<String> = BASE_NAMES
            .iter()
            .zip(self.0 .0.iter())
            .filter(|(_, e)| !e.is_zero())
            .map(|(n, e)| {
                if e.is_integer() {
                    format!("{n}={e}")
                } else {
                    format!("{n}=Fraction({}, {})", e.numer(), e.denom())
                }
            })
            .collect();
        format!("Dimension({})", args.join(", "))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        Ok((slf.get_type().into_any(), slf.get().exponents(py)?))
    }

    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __deepcopy__(slf: Py<Self>, _memo: &Bound<'_, PyAny>) -> Py<Self> {
        slf
    }
}
