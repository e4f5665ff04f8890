//! DimArray's fast path. When every array involved is an exact, aligned,
//! C-contiguous ndarray of one shape and dtype float64 or float32 (native
//! byte order), the core's one-pass kernels replace NumPy's ufuncs:
//! `+ - * /` and comparisons between two DimArrays, with the unit
//! conversion folded into the loop, and unit conversions (`.to()` and the
//! conversions of the general path). This skips NumPy's dispatch on small
//! arrays and the temporary of a separate conversion on large ones.
//!
//! Units are never decided here: the core's rule table gives the plan, and
//! this file only maps it onto a kernel. Anything else returns `None` and
//! takes the general path, whose results are identical.

use dimtensor_core::compute::kernels::{affine, binop, compare, BinOp, CmpOp, Real};
use std::cell::RefCell;

use dimtensor_core::rules::{self, Convert, Operand, Out};
use dimtensor_core::Unit;
use numpy::{Element, PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::dimarray::PyDimArray;

/// Above this many elements the loop runs with the GIL released.
const DETACH_ABOVE: usize = 16_384;

/// Above this many elements an operation with no conversion to fold in is
/// handed to NumPy's own loop: dispatch no longer matters there, and NumPy's
/// loops are as fast or faster (measured: 1e6 float64 adds, 324 µs vs 347).
const NUMPY_LOOPS_ABOVE: usize = 65_536;

/// What the kernel computes for one planned operation.
#[derive(Clone, Copy)]
enum Kernel {
    Arith(BinOp),
    Cmp(CmpOp, Option<f64>),
}

impl Kernel {
    /// Whether a unit conversion is folded into the loop.
    fn converts(self) -> bool {
        matches!(
            self,
            Kernel::Arith(BinOp::AddScaled(_) | BinOp::SubScaled(_)) | Kernel::Cmp(_, Some(_))
        )
    }
}

/// The kernel for `name` with the given plan, when one exists: the first
/// input unconverted, the second at most scaled.
fn kernel(name: &str, plan: &rules::Plan) -> Option<Kernel> {
    if plan.constant.is_some() || plan.inputs.first() != Some(&Convert::None) {
        return None;
    }
    let factor = match plan.inputs.get(1)? {
        Convert::None => None,
        Convert::Scale(f) => Some(*f),
        Convert::Affine(..) => return None,
    };
    Some(match (name, factor) {
        ("add", None) => Kernel::Arith(BinOp::Add),
        ("add", Some(f)) => Kernel::Arith(BinOp::AddScaled(f)),
        ("subtract", None) => Kernel::Arith(BinOp::Sub),
        ("subtract", Some(f)) => Kernel::Arith(BinOp::SubScaled(f)),
        ("multiply", None) => Kernel::Arith(BinOp::Mul),
        ("divide", None) => Kernel::Arith(BinOp::Div),
        ("less", f) => Kernel::Cmp(CmpOp::Lt, f),
        ("less_equal", f) => Kernel::Cmp(CmpOp::Le, f),
        ("greater", f) => Kernel::Cmp(CmpOp::Gt, f),
        ("greater_equal", f) => Kernel::Cmp(CmpOp::Ge, f),
        ("equal", f) => Kernel::Cmp(CmpOp::Eq, f),
        ("not_equal", f) => Kernel::Cmp(CmpOp::Ne, f),
        _ => return None,
    })
}

/// Runs `f` with the GIL released when the work is large enough to matter.
fn maybe_detach<R: Send, F: FnOnce() -> R + Send>(py: Python<'_>, n: usize, f: F) -> R {
    if n > DETACH_ABOVE {
        py.detach(f)
    } else {
        f()
    }
}

/// Two typed arrays.
type Pair<'a, 'py, T> = (&'a Bound<'py, PyArrayDyn<T>>, &'a Bound<'py, PyArrayDyn<T>>);

/// Both arrays typed `T`, laid out so that element i of one is element i of
/// the other.
fn pair<'a, 'py, T: Element>(
    a: &'a Bound<'py, PyAny>,
    b: &'a Bound<'py, PyAny>,
) -> Option<Pair<'a, 'py, T>> {
    let (x, y) = (
        a.cast_exact::<PyArrayDyn<T>>().ok()?,
        b.cast_exact::<PyArrayDyn<T>>().ok()?,
    );
    let laid_out = |z: &Bound<'py, PyArrayDyn<T>>| z.is_c_contiguous() && z.is_aligned();
    (laid_out(x) && laid_out(y) && x.shape() == y.shape()).then_some((x, y))
}

fn typed<T: Element + Real>(
    py: Python<'_>,
    name: &str,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    kernel: &Kernel,
    out_unit: Option<&dimtensor_core::Unit>,
) -> PyResult<Option<Py<PyAny>>> {
    let Some((x, y)) = pair::<T>(a, b) else {
        return Ok(None);
    };
    if x.len() > NUMPY_LOOPS_ABOVE && !kernel.converts() {
        // The plan is known: NumPy's loop on the raw arrays, then our unit.
        let result = crate::numpy::np_ufunc(py, name)?.call1((a, b))?;
        let unit = out_unit.cloned().unwrap_or_else(Unit::one);
        return Ok(Some(crate::dimarray::wrap(py, &result, unit)?));
    }
    #[allow(unsafe_code)]
    // SAFETY: `out` is new, uninitialised and filled completely before anyone
    // can see it. The inputs are read while NumPy's own loops would read
    // them, with the same guarantees: no other Rust reference to their data
    // exists, and concurrent writes from Python threads are a race in NumPy
    // too. `as_slice` checks alignment and contiguity.
    let result = unsafe {
        let (Ok(sa), Ok(sb)) = (x.as_slice(), y.as_slice()) else {
            return Ok(None);
        };
        match kernel {
            Kernel::Arith(op) => {
                let out = PyArrayDyn::<T>::new(py, x.shape(), false);
                let so = out.as_slice_mut().expect("a new array is contiguous");
                // Non-finite results go back to NumPy, which warns or raises
                // as np.errstate says.
                if !maybe_detach(py, so.len(), || binop(*op, sa, sb, so)) {
                    return Ok(None);
                }
                out.into_any()
            }
            Kernel::Cmp(op, f) => {
                let out = PyArrayDyn::<bool>::new(py, x.shape(), false);
                let so = out.as_slice_mut().expect("a new array is contiguous");
                maybe_detach(py, so.len(), || compare(*op, *f, sa, sb, so));
                out.into_any()
            }
        }
    };
    // Comparisons give dimensionless truth values (see dimarray::ufunc::wrap_outputs).
    let unit = out_unit.cloned().unwrap_or_else(Unit::one);
    Ok(Some(
        Py::new(py, PyDimArray::from_parts(result.unbind(), unit))?.into_any(),
    ))
}

/// One remembered answer of the rule table for the fast path.
struct Memo {
    name: &'static str,
    a: Unit,
    b: Unit,
    kernel: Option<Kernel>,
    out: Option<Unit>,
}

/// How many recent (operation, units) plans each thread remembers: loops
/// repeat a few operations on a few units, and a plan costs more than a
/// small array's whole computation.
const MEMO_SIZE: usize = 8;

thread_local! {
    static MEMO: RefCell<Vec<Memo>> = const { RefCell::new(Vec::new()) };
}

/// The kernel and output unit for `a name b` (None: no fast path, or a unit
/// error for the general path to raise). Answers come from the rule table,
/// remembered per thread for units that are identical (value and symbol).
fn planned(name: &'static str, a: &Unit, b: &Unit) -> Option<(Kernel, Option<Unit>)> {
    let hit = MEMO.with_borrow(|memo| {
        memo.iter()
            .find(|m| m.name == name && m.a.identical(a) && m.b.identical(b))
            .map(|m| m.kernel.map(|k| (k, m.out.clone())))
    });
    if let Some(answer) = hit {
        return answer;
    }
    let plan = rules::ufunc_plan(name, &[Operand::Unit(a), Operand::Unit(b)], None).ok();
    let k = plan.as_ref().and_then(|p| kernel(name, p));
    let out = match plan.as_ref().and_then(|p| p.outputs.first()) {
        Some(Out::Unit(u)) => Some(u.clone()),
        _ => None,
    };
    if plan.is_some() {
        MEMO.with_borrow_mut(|memo| {
            if memo.len() == MEMO_SIZE {
                memo.remove(0);
            }
            memo.push(Memo {
                name,
                a: a.clone(),
                b: b.clone(),
                kernel: k,
                out: out.clone(),
            });
        });
    }
    k.map(|k| (k, out))
}

/// `a name b` on the fast path, or None to take the general one (which also
/// raises any unit error).
pub fn try_binop(
    py: Python<'_>,
    a: &PyDimArray,
    b: &PyDimArray,
    name: &'static str,
) -> PyResult<Option<Py<PyAny>>> {
    let Some((kernel, out_unit)) = planned(name, a.unit_ref(), b.unit_ref()) else {
        return Ok(None);
    };
    let out_unit = out_unit.as_ref();
    let (da, db) = (a.data.bind(py), b.data.bind(py));
    if let Some(r) = typed::<f64>(py, name, da, db, &kernel, out_unit)? {
        return Ok(Some(r));
    }
    typed::<f32>(py, name, da, db, &kernel, out_unit)
}

fn convert_typed<'py, T: Element + Real>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    a: f64,
    b: Option<f64>,
) -> Option<Bound<'py, PyAny>> {
    let x = data.cast_exact::<PyArrayDyn<T>>().ok()?;
    if !(x.is_c_contiguous() && x.is_aligned()) {
        return None;
    }
    #[allow(unsafe_code)]
    // SAFETY: as in `typed`: a new output filled completely, the input read
    // with NumPy's guarantees.
    unsafe {
        let sx = x.as_slice().ok()?;
        let out = PyArrayDyn::<T>::new(py, x.shape(), false);
        let so = out.as_slice_mut().expect("a new array is contiguous");
        // Non-finite results (overflow) go back to NumPy, which warns.
        maybe_detach(py, so.len(), || affine(a, b, sx, so)).then(|| out.into_any())
    }
}

/// `data` converted by `c` in one pass, or None when the fast path does not
/// apply (the caller then uses NumPy).
pub fn try_convert<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    c: Convert,
) -> Option<Bound<'py, PyAny>> {
    let (a, b) = match c {
        Convert::None => return None,
        Convert::Scale(a) => (a, None),
        Convert::Affine(a, b) => (a, Some(b)),
    };
    convert_typed::<f64>(py, data, a, b).or_else(|| convert_typed::<f32>(py, data, a, b))
}
