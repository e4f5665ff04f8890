"""Fused elementwise expressions: one pass over memory in Rust.

An expression is a tree of nodes (tuples) built while units are checked:
every operation asks the core's rule table for its plan, conversion factors
become ``affine`` nodes and constants, so the tree has no units left in it.
``compile`` flattens a tree into the node list of ``_core.FusedProgram``,
which evaluates it block by block in cache, on all cores, with the GIL
released.

Two users build these trees: :func:`fused` (eager, by tracing a function
once per input signature) and DaskDimArray (lazy: a chain of elementwise
operations becomes one task per chunk).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Sequence
from numbers import Number
from typing import Any

import numpy as np

from dimtensor import _core
from dimtensor._core import DimArray, Unit

Node = tuple[Any, ...]

# NumPy ufuncs the Rust evaluator runs (same names there).
UNARY = frozenset(
    "negative positive absolute sqrt square reciprocal exp expm1 log log1p log2 log10 "
    "sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh floor ceil "
    "trunc rint cbrt sign logical_not isnan isinf isfinite".split()
)
BINARY = frozenset(
    "add subtract multiply divide power maximum minimum hypot arctan2 copysign less "
    "less_equal greater greater_equal equal not_equal logical_and logical_or "
    "logical_xor".split()
)
BOOLEAN = frozenset(
    "less less_equal greater greater_equal equal not_equal logical_and logical_or "
    "logical_xor logical_not isnan isinf isfinite".split()
)
_ALIASES = {"true_divide": "divide", "abs": "absolute", "fabs": "absolute"}
FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


def fusable(name: str) -> bool:
    name = _ALIASES.get(name, name)
    return name in UNARY or name in BINARY


def const(value: float) -> Node:
    return ("const", float(value))


def affine(node: Node, a: float, b: float) -> Node:
    """``node·a + b`` (nothing when it is the identity)."""
    if (a, b) == (1.0, 0.0):
        return node
    if node[0] == "const":
        return const(node[1] * a + b)
    return ("affine", node, float(a), float(b))


def apply(name: str, nodes: Sequence[Node], convs: Sequence[tuple[float, float]]) -> Node:
    """The node of ``name(*nodes)`` after each operand's conversion."""
    name = _ALIASES.get(name, name)
    args = [affine(n, a, b) for n, (a, b) in zip(nodes, convs, strict=True)]
    if name == "positive":
        return args[0]
    if name == "power" and args[1][0] == "const":
        e = args[1][1]
        if e == int(e) and abs(e) <= 64:
            return ("powi", args[0], int(e))
        if e == 0.5:
            return ("sqrt", args[0])
    return (name, *args)


def compile(root: Node) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """The flat node list of ``root`` (children before parents, shared
    subtrees once) and the leaves in input order (``("leaf", obj)`` nodes)."""
    index: dict[int, int] = {}
    flat: list[tuple[Any, ...]] = []
    leaves: list[Any] = []
    leaf_index: dict[int, int] = {}

    def visit(node: Node) -> int:
        key = id(node)
        if key in index:
            return index[key]
        op = node[0]
        if op == "leaf":
            obj = node[1]
            if id(obj) not in leaf_index:
                leaf_index[id(obj)] = len(leaves)
                leaves.append(obj)
            item: tuple[Any, ...] = ("input", leaf_index[id(obj)])
        elif op == "const":
            item = node
        elif op == "affine":
            item = ("affine", visit(node[1]), node[2], node[3])
        elif op == "powi":
            item = ("powi", visit(node[1]), node[2])
        else:
            item = (op, *(visit(c) for c in node[1:]))
        index[key] = len(flat)
        flat.append(item)
        return index[key]

    visit(root)
    return flat, leaves


@functools.lru_cache(maxsize=256)
def program(flat: tuple[tuple[Any, ...], ...], n_inputs: int) -> Any:
    """The Rust program of a flat node list (cached: DaskDimArray chunks share it)."""
    return _core.FusedProgram(list(flat), n_inputs)


def _input(block: Any, dtype: str) -> np.ndarray:
    """A block as the kernel reads it: C-contiguous, aligned, native ``dtype``
    (blocks unpickled on a worker may be unaligned views)."""
    return np.require(block, dtype=dtype, requirements=["C", "A"])


def task_threads(n_tasks: int) -> int | None:
    """Threads for each task's kernel: one when there are tasks enough to
    keep every core busy (the scheduler runs them side by side; nesting
    rayon's threads in its threads was slower), else all."""
    return 1 if n_tasks >= (os.cpu_count() or 1) else None


def run(
    flat: tuple[tuple[Any, ...], ...], dtype: str, *blocks: Any, threads: int | None = None
) -> Any:
    """Evaluates a flat program on NumPy blocks (a Dask task body)."""
    prog = program(flat, len(blocks))
    arrays = [_input(b, dtype) for b in blocks]
    return prog.eval(arrays, dtype=dtype, threads=threads)


# ---- tracing (eager fused functions) ---------------------------------------------


class Traced:
    """Stands for an array while a fused function is traced: records nodes,
    checks units with the core's rules, computes nothing."""

    __slots__ = ("boolean", "node", "unit")
    __array_priority__ = 100.0
    # DimArray's operators and functions leave mixed expressions to us.
    __dimtensor_lazy__ = True

    def __init__(self, node: Node, unit: Unit | None, boolean: bool = False) -> None:
        self.node = node
        self.unit = unit if unit is not None else Unit("")
        self.boolean = boolean

    # -- units and NumPy protocols
    def to(self, unit: Unit | str) -> Traced:
        target = unit if isinstance(unit, Unit) else Unit.parse(unit)
        a, b = self.unit.conversion_affine(target)
        return Traced(affine(self.node, a, b), target)

    def to_base_units(self) -> Traced:
        return self.to(self.unit.to_base())

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or kwargs:
            raise TypeError(
                f"fused: numpy.{ufunc.__name__}.{method} (or keyword arguments) cannot be "
                "fused; only elementwise calls can"
            )
        return trace_ufunc(ufunc.__name__, inputs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func is np.where and len(args) == 3 and not kwargs:
            return trace_where(*args)
        if func is np.clip:
            x, lo, hi = [*args, kwargs.get("a_min"), kwargs.get("a_max")][:3]
            r = x if lo is None else trace_ufunc("maximum", (x, lo))
            return r if hi is None else trace_ufunc("minimum", (r, hi))
        raise TypeError(
            f"fused: numpy.{func.__name__} is not elementwise and cannot be fused; "
            "call it outside the fused function"
        )

    def __bool__(self) -> bool:
        raise TypeError(
            "fused: the truth value of a traced array is not known while tracing; "
            "use np.where instead of if/else on values"
        )

    def _bin(self, name: str, other: Any, reflected: bool = False) -> Traced:
        return trace_ufunc(name, (other, self) if reflected else (self, other))

    __add__ = lambda s, o: s._bin("add", o)  # noqa: E731
    __radd__ = lambda s, o: s._bin("add", o, True)  # noqa: E731
    __sub__ = lambda s, o: s._bin("subtract", o)  # noqa: E731
    __rsub__ = lambda s, o: s._bin("subtract", o, True)  # noqa: E731
    __mul__ = lambda s, o: s._bin("multiply", o)  # noqa: E731
    __rmul__ = lambda s, o: s._bin("multiply", o, True)  # noqa: E731
    __truediv__ = lambda s, o: s._bin("divide", o)  # noqa: E731
    __rtruediv__ = lambda s, o: s._bin("divide", o, True)  # noqa: E731
    __pow__ = lambda s, o: s._bin("power", o)  # noqa: E731
    __rpow__ = lambda s, o: s._bin("power", o, True)  # noqa: E731
    __lt__ = lambda s, o: s._bin("less", o)  # noqa: E731
    __le__ = lambda s, o: s._bin("less_equal", o)  # noqa: E731
    __gt__ = lambda s, o: s._bin("greater", o)  # noqa: E731
    __ge__ = lambda s, o: s._bin("greater_equal", o)  # noqa: E731
    __eq__ = lambda s, o: s._bin("equal", o)  # type: ignore[assignment]  # noqa: E731
    __ne__ = lambda s, o: s._bin("not_equal", o)  # type: ignore[assignment]  # noqa: E731
    __and__ = lambda s, o: s._bin("logical_and", o)  # noqa: E731
    __or__ = lambda s, o: s._bin("logical_or", o)  # noqa: E731
    __xor__ = lambda s, o: s._bin("logical_xor", o)  # noqa: E731
    __neg__ = lambda s: trace_ufunc("negative", (s,))  # noqa: E731
    __pos__ = lambda s: s  # noqa: E731
    __abs__ = lambda s: trace_ufunc("absolute", (s,))  # noqa: E731
    __invert__ = lambda s: trace_ufunc("logical_not", (s,))  # noqa: E731
    __hash__ = None  # type: ignore[assignment]


def _operand(x: Any) -> tuple[Node, Any]:
    """A traced operand's node and what the rule table needs to know of it."""
    if isinstance(x, Traced):
        return x.node, x.unit
    if isinstance(x, DimArray):
        if x.ndim != 0:
            raise TypeError(
                "fused: an array that is not an argument of the fused function cannot be "
                "fused (only 0-d quantities such as constants); pass it as an argument"
            )
        return const(complex(x._data.item()).real), x.unit
    if isinstance(x, Unit):
        return const(1.0), x
    if isinstance(x, (bool, np.bool_)):
        return const(float(x)), None
    if isinstance(x, (Number, np.number)):
        return const(float(x)), float(x)  # type: ignore[arg-type]
    raise TypeError(f"fused: cannot fuse an operand of type {type(x).__name__}")


def trace_ufunc(name: str, inputs: Sequence[Any]) -> Traced:
    if not fusable(name):
        raise TypeError(f"fused: numpy.{name} cannot be fused (not supported by the kernel)")
    nodes, keys = zip(*(_operand(x) for x in inputs), strict=True)
    exponent = None
    if name in ("power", "float_power") and nodes[1][0] == "const":
        exponent = nodes[1][1]
    convs, outs, constant = _core.ufunc_plan(name, list(keys), exponent)
    if constant is not None:
        return Traced(const(1.0 if constant else 0.0), None, boolean=True)
    node = apply(name, nodes, convs)
    return Traced(node, outs[0], boolean=_ALIASES.get(name, name) in BOOLEAN)


def trace_where(cond: Any, x: Any, y: Any) -> Traced:
    c_node, _ = _operand(cond)
    (xn, xk), (yn, yk) = _operand(x), _operand(y)
    unit, convs = _core.same_unit_plan("where", [xk, yk])
    node = ("where", c_node, affine(xn, *convs[0]), affine(yn, *convs[1]))
    return Traced(node, unit)


def _signature(x: Any) -> Any:
    if isinstance(x, DimArray):
        u = x.unit
        return ("a", u.symbol, u.scale, u.offset, x.dtype.str, x.shape)
    if isinstance(x, Number):
        return ("s", type(x), x)
    raise TypeError(f"fused functions take DimArrays and numbers, not {type(x).__name__}")


def fused(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A function over DimArrays evaluated as one fused pass in Rust.

    ``fn`` is written with ordinary operators, ``.to()`` and NumPy
    elementwise functions over its DimArray arguments and constants. It is
    traced once per input signature (units, dtypes, shapes): units are
    checked then, exactly as without fusion, and every conversion is folded
    into constants. Each call then evaluates the whole expression in one
    pass over memory (blocks in cache, all cores, GIL released) and returns
    a DimArray; ``out=`` takes a DimArray in the result's unit.

    Fusion applies to float32/float64 arguments of one shape (and Python
    numbers); other calls run ``fn`` as written, with the same result.

    >>> import numpy as np
    >>> import dimtensor as dt
    >>> @dt.fused
    ... def density(p, t):
    ...     return p.to("Pa") / (dt.constants.R * t.to("K"))
    >>> p = dt.DimArray(np.full(3, 1013.25), "hPa")
    >>> t = dt.DimArray(np.full(3, 15.0), "degC")
    >>> density(p, t).to("mol/m^3")
    DimArray([42.29..., 42.29..., 42.29...], unit='mol/m³')
    >>> density(t, p)
    Traceback (most recent call last):
    dimtensor.errors.UnitConversionError: cannot convert from '°C' [Θ] to 'Pa' ...
    """
    cache: dict[tuple[Any, ...], _Entry] = {}

    @functools.wraps(fn)
    def call(*args: Any, out: Any = None) -> Any:
        arrays = [a for a in args if isinstance(a, DimArray)]
        shapes = {a.shape for a in arrays}
        if (
            len(shapes) != 1
            or any(a.dtype not in FLOATS for a in arrays)
            or any(type(a._data) is not np.ndarray for a in arrays)
        ):
            result = fn(*args)  # broadcasting, other dtypes, subclasses: as written
            return _deliver_out(result, out)
        key = tuple(_signature(a) for a in args)
        entry = cache.get(key)
        if entry is None:
            entry = _trace(fn, args)
            if len(cache) >= 64:
                cache.pop(next(iter(cache)))
            cache[key] = entry
        prog, positions, unit, boolean, constant = entry
        (shape,) = shapes
        dtype = "float32" if all(a.dtype == np.float32 for a in arrays) else "float64"
        inputs = [np.ascontiguousarray(args[i]._data, dtype=dtype) for i in positions]
        raw_out = None
        if out is not None:
            raw_out = _out_buffer(out, unit, shape, bool if boolean else dtype)
        if prog is None:  # the result does not depend on any array
            values = np.full(shape, constant, dtype=bool if boolean else dtype)
            return _deliver_out(_core._wrap(values, unit), out)
        values = prog.eval(inputs, out=raw_out, dtype=dtype)
        if isinstance(out, DimArray):
            return out
        return values if out is not None else _core._wrap(values, unit)

    call.__dimtensor_fused__ = True  # type: ignore[attr-defined]
    return call


_Entry = tuple[Any, list[int], Unit, bool, float]


def _trace(fn: Callable[..., Any], args: Sequence[Any]) -> _Entry:
    """The program of ``fn`` for arguments like ``args`` (argument positions
    of its inputs, result unit, whether the result is a truth value)."""
    traced = [
        Traced(("leaf", i), a.unit) if isinstance(a, DimArray) else a for i, a in enumerate(args)
    ]
    result = fn(*traced)
    if not isinstance(result, Traced):
        raise TypeError("a fused function must return one array computed from its arguments")
    flat, leaves = compile(result.node)
    if not leaves:
        return None, [], result.unit, result.boolean, result.node[1]
    prog = _core.FusedProgram(flat, len(leaves))
    return prog, list(leaves), result.unit, result.boolean, math.nan


def _out_buffer(out: Any, unit: Unit, shape: tuple[int, ...], dtype: Any) -> Any:
    raw = out._data if isinstance(out, DimArray) else out
    if isinstance(out, DimArray) and out.unit != unit:
        raise ValueError(f"out= is in '{out.unit}' but the result is in '{unit}'")
    if not isinstance(raw, np.ndarray) or raw.shape != shape or raw.dtype != np.dtype(dtype):
        raise ValueError(
            f"out= must be a C-contiguous array of shape {shape} and dtype {np.dtype(dtype)}"
        )
    return raw


def _deliver_out(result: Any, out: Any) -> Any:
    if out is None:
        return result
    raw = out._data if isinstance(out, DimArray) else out
    values = result.to(out.unit)._data if isinstance(out, DimArray) else result._data
    np.copyto(raw, values)
    return out
