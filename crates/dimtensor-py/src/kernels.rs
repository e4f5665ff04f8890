//! DimArray's fast path: `+ - * /` between two DimArrays whose data are
//! exact, aligned, C-contiguous ndarrays of the same shape and float dtype
//! (float64 or float32, native byte order). The unit rule is settled in
//! Rust and the loop (with any conversion factor folded in) runs in the
//! core's kernels, skipping NumPy's ufunc dispatch on small arrays and the
//! temporary of a separate conversion on large ones. Everything else
//! returns `None` and takes the general path, which gives identical results.

use dimtensor_core::kernels::{binop, BinOp, Real};
use dimtensor_core::unit::close;
use dimtensor_core::Unit;
use numpy::{Element, PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::array::PyDimArray;

/// Above this many elements the loop runs with the GIL released.
const DETACH_ABOVE: usize = 16_384;

/// The kernel and result unit for `a name b`, when the fast path applies.
fn plan(name: &str, a: &Unit, b: &Unit) -> Option<(BinOp, Unit)> {
    match name {
        "add" | "subtract" => {
            // Offset units have their own rules (degC − degC is a delta).
            if a.has_offset() || b.has_offset() || !a.is_compatible(b) {
                return None;
            }
            let f = b.scale() / a.scale();
            let op = match (name, close(f, 1.0)) {
                ("add", true) => BinOp::Add,
                ("add", false) => BinOp::AddScaled(f),
                (_, true) => BinOp::Sub,
                (_, false) => BinOp::SubScaled(f),
            };
            Some((op, a.clone()))
        }
        // An error (an offset unit, say) is left to the general path to raise.
        "multiply" => Some((BinOp::Mul, a.mul(b).ok()?)),
        "divide" => Some((BinOp::Div, a.div(b).ok()?)),
        _ => None,
    }
}

fn typed<T: Element + Real>(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    op: BinOp,
    unit: &Unit,
) -> PyResult<Option<Py<PyAny>>> {
    let (Ok(x), Ok(y)) = (
        a.cast_exact::<PyArrayDyn<T>>(),
        b.cast_exact::<PyArrayDyn<T>>(),
    ) else {
        return Ok(None);
    };
    // Same shape, both C-ordered: element i of one is element i of the other.
    if !(x.is_c_contiguous() && y.is_c_contiguous() && x.is_aligned() && y.is_aligned())
        || x.shape() != y.shape()
    {
        return Ok(None);
    }
    #[allow(unsafe_code)]
    // SAFETY: `out` is new, uninitialised and filled completely below before
    // anyone can see it. The inputs are read while NumPy's own loops would
    // read them, with the same guarantees: no other Rust reference to their
    // data exists, and concurrent writes from Python threads are a race in
    // NumPy too.
    let result = unsafe {
        let out = PyArrayDyn::<T>::new(py, x.shape(), false);
        let (Ok(sa), Ok(sb), Ok(so)) = (x.as_slice(), y.as_slice(), out.as_slice_mut()) else {
            return Ok(None);
        };
        if so.len() > DETACH_ABOVE {
            py.detach(|| binop(op, sa, sb, so));
        } else {
            binop(op, sa, sb, so);
        }
        out
    };
    Ok(Some(
        Py::new(
            py,
            PyDimArray {
                data: result.into_any().unbind(),
                unit: unit.clone(),
            },
        )?
        .into_any(),
    ))
}

/// `a name b` on the fast path, or None to take the general one.
pub fn try_binop(
    py: Python<'_>,
    a: &PyDimArray,
    b: &PyDimArray,
    name: &str,
) -> PyResult<Option<Py<PyAny>>> {
    let Some((op, unit)) = plan(name, &a.unit, &b.unit) else {
        return Ok(None);
    };
    let (da, db) = (a.data.bind(py), b.data.bind(py));
    if let Some(r) = typed::<f64>(py, da, db, op, &unit)? {
        return Ok(Some(r));
    }
    typed::<f32>(py, da, db, op, &unit)
}
