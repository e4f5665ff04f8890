//! `dimtensor._core.FusedProgram`: a fused element-wise expression (see
//! `dimtensor_core::compute::fused`) evaluated in one pass over NumPy arrays, with the
//! GIL released. Units are decided in Python before a program is built;
//! this file only converts node tuples and arrays.

use std::num::NonZeroUsize;

use dimtensor_core::compute::fused::{
    eval_bool_with, eval_with, Binary, Float, Node, Operand, Options, Program, Unary,
};
use numpy::{
    BorrowError, Element, PyArrayDescr, PyArrayDescrMethods, PyArrayDyn, PyArrayMethods,
    PyReadonlyArrayDyn, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString, PyTuple, PyType};

use crate::numpy::numpy;

/// Above this many elements the evaluation runs with the GIL released.
const DETACH_ABOVE: usize = 16_384;

/// Runs `f` with the GIL released when the work is large enough to matter.
fn maybe_detach<R: Send, F: FnOnce() -> R + Send>(py: Python<'_>, n: usize, f: F) -> R {
    if n > DETACH_ABOVE {
        py.detach(f)
    } else {
        f()
    }
}

#[pyclass(name = "FusedProgram", module = "dimtensor._core", frozen)]
pub struct PyFusedProgram {
    prog: Program,
    /// The nodes as given (for pickling: a folded comparison stays a truth
    /// value only through its original form).
    given: Vec<Node>,
}

/// A node as the Python tuple that describes it.
fn node_tuple<'py>(py: Python<'py>, node: &Node) -> PyResult<Bound<'py, PyTuple>> {
    let name = node.op_name();
    match *node {
        Node::Input(k) => (name, k).into_pyobject(py),
        Node::Const(c) => (name, c).into_pyobject(py),
        Node::Unary(_, a) => (name, a).into_pyobject(py),
        Node::Affine(a, s, o) => Ok((name, a, s, o).into_pyobject(py)?),
        Node::Powi(a, n) => (name, a, n).into_pyobject(py),
        Node::Binary(_, a, b) => (name, a, b).into_pyobject(py),
        Node::Where(c, a, b) => (name, c, a, b).into_pyobject(py),
    }
}

fn type_name(x: &Bound<'_, PyAny>) -> String {
    x.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// One node from its tuple, e.g. `("affine", 0, 1000.0, 0.0)`.
fn parse_node(i: usize, item: &Bound<'_, PyAny>) -> PyResult<Node> {
    let t = item.cast::<PyTuple>().map_err(|_| {
        PyValueError::new_err(format!(
            "node {i} must be a tuple such as (\"add\", 0, 1), got {}",
            type_name(item)
        ))
    })?;
    let first = t
        .get_item(0)
        .map_err(|_| PyValueError::new_err(format!("node {i} is an empty tuple")))?;
    let name: String = first.extract().map_err(|_| {
        PyValueError::new_err(format!(
            "node {i}: the first item must be an operation name (str), got {}",
            type_name(&first)
        ))
    })?;
    let args = t
        .iter()
        .skip(1)
        .enumerate()
        .map(|(j, a)| {
            a.extract::<f64>().map_err(|_| {
                PyValueError::new_err(format!(
                    "node {i} ({name:?}): argument {} must be a number, got {}",
                    j + 1,
                    type_name(&a)
                ))
            })
        })
        .collect::<PyResult<Vec<f64>>>()?;
    Node::from_op(&name, &args).map_err(|e| PyValueError::new_err(format!("node {i}: {e}")))
}

/// The evaluation type.
#[derive(Clone, Copy, PartialEq)]
enum DType {
    F64,
    F32,
}

impl DType {
    /// `"float64"`/`"float32"`, or anything `numpy.dtype` takes for these.
    fn from_py(d: Option<&Bound<'_, PyAny>>) -> PyResult<DType> {
        let Some(d) = d.filter(|d| !d.is_none()) else {
            return Ok(DType::F64);
        };
        let name: String = match d.cast::<PyString>() {
            Ok(s) => s.to_str()?.to_owned(),
            Err(_) => numpy(d.py())?
                .getattr("dtype")?
                .call1((d,))
                .and_then(|x| x.getattr("name")?.extract())
                .map_err(|_| {
                    PyTypeError::new_err(format!(
                        "dtype must be \"float64\" or \"float32\", got {}",
                        d.repr().map(|r| r.to_string()).unwrap_or_default()
                    ))
                })?,
        };
        match name.as_str() {
            "float64" | "f8" | "double" => Ok(DType::F64),
            "float32" | "f4" | "single" => Ok(DType::F32),
            _ => Err(PyValueError::new_err(format!(
                "dtype must be \"float64\" or \"float32\", got {name:?}"
            ))),
        }
    }
}

/// An input: an array (checked: exact ndarray, dtype, layout) or a number.
enum Input<'py> {
    Array(Bound<'py, PyUntypedArray>),
    Scalar(f64),
}

/// `x` as an exact ndarray of dtype `want` (float64, float32 or bool),
/// C-contiguous and aligned; `what` names it in errors.
fn checked_array<'py>(
    x: &Bound<'py, PyAny>,
    want: &Bound<'py, PyArrayDescr>,
    what: &str,
) -> PyResult<Option<Bound<'py, PyUntypedArray>>> {
    let Ok(a) = x.cast::<PyUntypedArray>() else {
        return Ok(None);
    };
    if x.cast_exact::<PyUntypedArray>().is_err() {
        return Err(PyTypeError::new_err(format!(
            "{what} is a {}, a subclass of numpy.ndarray; pass a plain ndarray",
            type_name(x)
        )));
    }
    let dt = a.dtype();
    if !dt.is_equiv_to(want) {
        return Err(PyTypeError::new_err(format!(
            "{what} has dtype {}, expected {} (native byte order)",
            dt.str()?,
            want.str()?
        )));
    }
    if !a.is_c_contiguous() {
        return Err(PyValueError::new_err(format!("{what} is not C-contiguous")));
    }
    if !a.is_aligned() {
        return Err(PyValueError::new_err(format!("{what} is not aligned")));
    }
    Ok(Some(a.clone()))
}

/// `x` as a float when it is a real number: a Python float or int, or a
/// NumPy floating/integer scalar (not anything with `__float__`, such as a
/// one-element array with a unit).
fn real(x: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    let np = numpy(x.py())?;
    let number = x.is_instance_of::<PyFloat>()
        || x.is_instance_of::<PyInt>()
        || x.is_instance(&np.getattr("floating")?)?
        || x.is_instance(&np.getattr("integer")?)?;
    Ok(if number {
        x.extract::<f64>().ok()
    } else {
        None
    })
}

/// `threads=`: `None`, or an integer (`int`, a NumPy integer; not a bool)
/// of at least 1 (a huge one is as good as all threads).
fn thread_limit(x: Option<&Bound<'_, PyAny>>) -> PyResult<Option<NonZeroUsize>> {
    let Some(x) = x.filter(|x| !x.is_none()) else {
        return Ok(None);
    };
    let n = if x.is_instance_of::<PyBool>() {
        None
    } else {
        x.call_method0("__index__").ok()
    };
    let n = n.ok_or_else(|| {
        PyTypeError::new_err(format!(
            "threads must be None or an integer >= 1, got {}",
            type_name(x)
        ))
    })?;
    if n.lt(1)? {
        return Err(PyValueError::new_err(format!(
            "threads must be None or >= 1, got {n}"
        )));
    }
    Ok(NonZeroUsize::new(
        n.extract::<usize>().unwrap_or(usize::MAX),
    ))
}

fn shape_text(s: &[usize]) -> String {
    match s {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            s.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl PyFusedProgram {
    fn eval_typed<'py, T: Element + Float + Default>(
        &self,
        py: Python<'py>,
        inputs: &[Input<'py>],
        out: Option<&Bound<'py, PyUntypedArray>>,
        shape: &[usize],
        threads: Option<NonZeroUsize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let existing = Options {
            threads,
            fresh: false,
        };
        let fresh = Options {
            threads,
            fresh: true,
        };
        // Shared borrows of the inputs (rust-numpy's borrow tracking):
        // no Rust code writes to them while we read, and an `out` that
        // overlaps one is noticed below.
        let guards = inputs
            .iter()
            .map(|x| match x {
                Input::Array(a) => Ok(Some(a.cast::<PyArrayDyn<T>>()?.try_readonly()?)),
                Input::Scalar(_) => Ok(None),
            })
            .collect::<PyResult<Vec<Option<PyReadonlyArrayDyn<'py, T>>>>>()?;
        let operands = inputs
            .iter()
            .zip(&guards)
            .map(|(x, g)| match (x, g) {
                (_, Some(g)) => Ok(Operand::Slice(g.as_slice()?)),
                (Input::Scalar(v), None) => Ok(Operand::Scalar(T::from_f64(*v))),
                (Input::Array(_), None) => unreachable!("every array has a guard"),
            })
            .collect::<PyResult<Vec<Operand<'_, T>>>>()?;
        let n: usize = shape.iter().product();
        let prog = &self.prog;
        let core_err = |e: dimtensor_core::Error| PyValueError::new_err(e.to_string());

        let Some(out) = out else {
            // A new array, filled completely before Python sees it.
            if prog.is_boolean() {
                let arr = PyArrayDyn::<bool>::zeros(py, shape, false);
                let mut w = arr.try_readwrite()?;
                let s = w.as_slice_mut()?;
                maybe_detach(py, n, || eval_bool_with(prog, &operands, s, fresh))
                    .map_err(core_err)?;
                drop(w);
                return Ok(arr.into_any());
            }
            #[allow(unsafe_code)]
            // SAFETY: the array is new and seen by no one else. `eval`
            // writes every element before it is returned (each block is
            // written whole by its last step, or filled or copied); floats
            // have no invalid bit patterns, and on an error the array is
            // dropped unread.
            let arr = unsafe { PyArrayDyn::<T>::new(py, shape, false) };
            let mut w = arr.try_readwrite()?;
            let s = w.as_slice_mut()?;
            maybe_detach(py, n, || eval_with(prog, &operands, s, fresh)).map_err(core_err)?;
            drop(w);
            return Ok(arr.into_any());
        };

        macro_rules! into_out {
            ($t:ty, $eval:ident) => {{
                let o = out.cast::<PyArrayDyn<$t>>()?;
                match o.try_readwrite() {
                    Ok(mut w) => {
                        let s = w.as_slice_mut()?;
                        maybe_detach(py, n, || $eval(prog, &operands, s, existing))
                            .map_err(core_err)?;
                    }
                    Err(BorrowError::NotWriteable) => {
                        return Err(PyValueError::new_err("out is read-only"));
                    }
                    Err(_) => {
                        // `out` shares memory with an input (or is in use by
                        // other Rust code): compute aside, then copy.
                        let mut tmp = vec![<$t>::default(); n];
                        maybe_detach(py, n, || $eval(prog, &operands, &mut tmp, fresh))
                            .map_err(core_err)?;
                        drop(operands);
                        drop(guards);
                        let mut w = o.try_readwrite().map_err(|e| {
                            PyValueError::new_err(format!("out cannot be written: {e}"))
                        })?;
                        w.as_slice_mut()?.copy_from_slice(&tmp);
                    }
                }
                Ok(out.clone().into_any())
            }};
        }
        if prog.is_boolean() {
            into_out!(bool, eval_bool_with)
        } else {
            into_out!(T, eval_with)
        }
    }
}

/// `__reduce__`'s answer: the class and the arguments that rebuild it.
type Reduced<'py> = (Bound<'py, PyType>, (Vec<Bound<'py, PyTuple>>, usize));

#[pymethods]
impl PyFusedProgram {
    /// The element-wise operations a program evaluates, by NumPy's ufunc
    /// names: `(name, number of operands, whether the result is a truth
    /// value)`. The one list of them: Python's tracers ask it which ufuncs
    /// can be fused.
    #[classattr]
    #[pyo3(name = "OPERATIONS")]
    fn operations() -> Vec<(&'static str, usize, bool)> {
        let unary = Unary::ALL.iter().map(|u| (u.name(), 1, u.is_boolean()));
        let binary = Binary::ALL.iter().map(|b| (b.name(), 2, b.is_boolean()));
        unary.chain(binary).collect()
    }

    /// `nodes`: tuples in topological order, the last the result:
    /// `("input", k)`, `("const", x)`, `(unary, a)`, `("affine", a, scale,
    /// offset)`, `("powi", a, n)`, `(binary, a, b)`, `("where", c, a, b)`,
    /// where a, b, c are indices of earlier nodes and the operation names
    /// are NumPy's ufunc names.
    #[new]
    fn new(nodes: &Bound<'_, PyAny>, n_inputs: &Bound<'_, PyAny>) -> PyResult<Self> {
        let n_inputs: usize = n_inputs.extract().map_err(|_| {
            PyValueError::new_err(format!(
                "n_inputs must be an integer from 0 to {}, got {n_inputs}",
                usize::MAX
            ))
        })?;
        let given = nodes
            .try_iter()
            .map_err(|_| {
                PyValueError::new_err(format!(
                    "nodes must be a list of tuples, got {}",
                    type_name(nodes)
                ))
            })?
            .enumerate()
            .map(|(i, item)| parse_node(i, &item?))
            .collect::<PyResult<Vec<Node>>>()?;
        let prog =
            Program::new(&given, n_inputs).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Self { prog, given })
    }

    /// Nodes after constant folding, merging and dropping unused ones.
    #[getter]
    fn n_nodes(&self) -> usize {
        self.prog.nodes().len()
    }

    #[getter]
    fn n_inputs(&self) -> usize {
        self.prog.n_inputs()
    }

    /// Whether the result is a truth value (eval then returns bools).
    #[getter]
    fn is_boolean(&self) -> bool {
        self.prog.is_boolean()
    }

    /// The simplified nodes, as tuples.
    #[getter]
    fn nodes<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyTuple>>> {
        self.prog
            .nodes()
            .iter()
            .map(|n| node_tuple(py, n))
            .collect()
    }

    /// Evaluates the program element-wise. `inputs`: one per program input,
    /// each a C-contiguous ndarray of `dtype` (all of one shape) or a real
    /// number. Returns a new array of that shape (bool when `is_boolean`),
    /// or fills `out` and returns it. `threads`: `None` splits large
    /// outputs over all of rayon's threads; 1 evaluates on the calling
    /// thread only (inside a task of a threaded scheduler, which already
    /// keeps every core busy); `n` uses at most `n` of rayon's threads.
    #[pyo3(
        signature = (inputs, out=None, dtype=None, threads=None),
        text_signature = "($self, /, inputs, out=None, dtype='float64', threads=None)"
    )]
    fn eval<'py>(
        &self,
        py: Python<'py>,
        inputs: &Bound<'py, PyAny>,
        out: Option<&Bound<'py, PyAny>>,
        dtype: Option<&Bound<'py, PyAny>>,
        threads: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let threads = thread_limit(threads)?;
        let dt = DType::from_py(dtype)?;
        let want = match dt {
            DType::F64 => numpy::dtype::<f64>(py),
            DType::F32 => numpy::dtype::<f32>(py),
        };
        let items = inputs
            .try_iter()
            .map_err(|_| {
                PyTypeError::new_err(format!(
                    "inputs must be a list of arrays and numbers, got {}",
                    type_name(inputs)
                ))
            })?
            .collect::<PyResult<Vec<_>>>()?;
        if items.len() != self.prog.n_inputs() {
            return Err(PyValueError::new_err(format!(
                "the program takes {} input{}, got {}",
                self.prog.n_inputs(),
                if self.prog.n_inputs() == 1 { "" } else { "s" },
                items.len()
            )));
        }
        // The shape, and which input gave it.
        let mut shape: Option<Vec<usize>> = None;
        let mut first = 0;
        let mut parsed = Vec::with_capacity(items.len());
        for (k, x) in items.iter().enumerate() {
            let what = format!("input {k}");
            if let Some(a) = checked_array(x, &want, &what)? {
                match &shape {
                    None => {
                        shape = Some(a.shape().to_vec());
                        first = k;
                    }
                    Some(s) if s.as_slice() != a.shape() => {
                        return Err(PyValueError::new_err(format!(
                            "input {k} has shape {}, input {first} {}: all arrays need one shape",
                            shape_text(a.shape()),
                            shape_text(s)
                        )));
                    }
                    Some(_) => {}
                }
                parsed.push(Input::Array(a));
            } else {
                let v = real(x)?.ok_or_else(|| {
                    PyTypeError::new_err(format!(
                        "input {k} must be a NumPy array or a real number, got {}",
                        type_name(x)
                    ))
                })?;
                parsed.push(Input::Scalar(v));
            }
        }
        let out = match out.filter(|o| !o.is_none()) {
            None => None,
            Some(o) => {
                let want_out = if self.prog.is_boolean() {
                    numpy::dtype::<bool>(py)
                } else {
                    want.clone()
                };
                let Some(a) = checked_array(o, &want_out, "out")? else {
                    return Err(PyTypeError::new_err(format!(
                        "out must be a NumPy array, got {}",
                        type_name(o)
                    )));
                };
                match &shape {
                    None => shape = Some(a.shape().to_vec()),
                    Some(s) if s.as_slice() != a.shape() => {
                        return Err(PyValueError::new_err(format!(
                            "out has shape {}, the inputs {}",
                            shape_text(a.shape()),
                            shape_text(s)
                        )));
                    }
                    Some(_) => {}
                }
                Some(a)
            }
        };
        let shape = shape.unwrap_or_default();
        match dt {
            DType::F64 => self.eval_typed::<f64>(py, &parsed, out.as_ref(), &shape, threads),
            DType::F32 => self.eval_typed::<f32>(py, &parsed, out.as_ref(), &shape, threads),
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        let py = slf.py();
        let me = slf.get();
        let nodes = me
            .given
            .iter()
            .map(|n| node_tuple(py, n))
            .collect::<PyResult<_>>()?;
        Ok((slf.get_type(), (nodes, me.prog.n_inputs())))
    }

    fn __repr__(&self) -> String {
        format!(
            "FusedProgram(n_nodes={}, n_inputs={}, is_boolean={})",
            self.prog.nodes().len(),
            self.prog.n_inputs(),
            if self.prog.is_boolean() {
                "True"
            } else {
                "False"
            }
        )
    }
}
