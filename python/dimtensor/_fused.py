"""Fused elementwise expressions: one pass over memory in Rust.

An expression is a tree of nodes (tuples) built while units are checked:
every operation asks the core's rule table for its plan, conversion factors
become ``affine`` nodes and constants, so the tree has no units left in it.
``compile`` flattens a tree into the node list of ``_core.FusedProgram``,
which evaluates it block by block in cache, on all cores, with the GIL
released. Trees can be as deep as a loop makes them (10 000 chained
operations): everything that walks one does so with an explicit stack.

Two users build these trees: :func:`fused` (eager, by tracing a function
once per input signature) and DaskDimArray (lazy: a chain of elementwise
operations becomes one task per chunk).
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import pickle
import struct
import threading
import types
from collections import OrderedDict
from collections.abc import Callable, Sequence
from numbers import Number
from typing import Any

import numpy as np

from dimtensor import _core, _fused_env
from dimtensor._core import DimArray, Unit

Node = tuple[Any, ...]

# Operations in one fused Dask task: a longer chain is cut into tasks of this
# many. Each task is still one pass per block over memory, and a chain that
# something not elementwise reads at every step (``(z > x).sum()`` as ``z``
# grows) costs O(CHAIN_LIMIT) per step to turn into a layer, not O(chain).
CHAIN_LIMIT = 256

# The ufuncs the Rust evaluator runs (its list, under NumPy's names), and
# which of them give truth values; "positive" is the identity, no operation.
_OPERATIONS = _core.FusedProgram.OPERATIONS
UNARY = frozenset(name for name, arity, _ in _OPERATIONS if arity == 1)
BINARY = frozenset(name for name, arity, _ in _OPERATIONS if arity == 2)
BOOLEAN = frozenset(name for name, _, truth in _OPERATIONS if truth)
_ALIASES = {"true_divide": "divide", "abs": "absolute", "fabs": "absolute"}
FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


def fusable(name: str) -> bool:
    name = _ALIASES.get(name, name)
    return name in UNARY or name in BINARY or name == "positive"


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


def _children(node: Node) -> tuple[Node, ...]:
    op = node[0]
    if op == "leaf" or op == "const":
        return ()
    if op == "affine" or op == "powi":
        return (node[1],)
    return node[1:]


def compile(root: Node) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """The flat node list of ``root`` (children before parents, shared
    subtrees once) and the leaves in input order (``("leaf", obj)`` nodes,
    numbered as a left-to-right depth-first walk meets them). Iterative: a
    node is looked at once to push its children, once to be written."""
    index: dict[int, int] = {}
    flat: list[tuple[Any, ...]] = []
    leaves: list[Any] = []
    leaf_index: dict[int, int] = {}
    stack = [root]
    while stack:
        node = stack[-1]
        key = id(node)
        if key in index:
            stack.pop()
            continue
        children = _children(node)
        todo = [c for c in children if id(c) not in index]
        if todo:
            stack.extend(reversed(todo))
            continue
        stack.pop()
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
            item = ("affine", index[id(node[1])], node[2], node[3])
        elif op == "powi":
            item = ("powi", index[id(node[1])], node[2])
        else:
            item = (op, *(index[id(c)] for c in children))
        index[key] = len(flat)
        flat.append(item)
    return flat, leaves


def program_key(flat: Sequence[tuple[Any, ...]], n_inputs: int) -> str:
    """A name for a flat program that tells every constant apart by its bits
    (``-0.0`` from ``0.0``, which compare and hash equal as floats)."""
    data = pickle.dumps((tuple(flat), n_inputs), protocol=5)  # floats as IEEE bytes
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_PROGRAMS: OrderedDict[str, Any] = OrderedDict()
_PROGRAMS_LOCK = threading.Lock()


def program(key: str, flat: Sequence[tuple[Any, ...]], n_inputs: int) -> Any:
    """The Rust program of a flat node list named ``key`` (see
    :func:`program_key`); the 256 last used are kept (DaskDimArray chunks
    share one)."""
    with _PROGRAMS_LOCK:
        prog = _PROGRAMS.get(key)
        if prog is not None:
            _PROGRAMS.move_to_end(key)
            return prog
    prog = _core.FusedProgram(list(flat), n_inputs)
    with _PROGRAMS_LOCK:
        _PROGRAMS[key] = prog
        while len(_PROGRAMS) > 256:
            _PROGRAMS.popitem(last=False)
    return prog


def _input(block: Any, dtype: str) -> np.ndarray:
    """A block as the kernel reads it: C-contiguous, aligned, native ``dtype``
    (blocks unpickled on a worker may be unaligned views; a 0-d block stays
    0-d)."""
    a = np.asarray(block, dtype=dtype, order="C")
    return a if a.flags.aligned else np.require(a, requirements=["A"])


def task_threads(n_tasks: int) -> int | None:
    """Threads for each task's kernel: one when there are tasks enough to
    keep every core busy (the scheduler runs them side by side; nesting
    rayon's threads in its threads was slower), else all."""
    return 1 if n_tasks >= (os.cpu_count() or 1) else None


def run(
    key: str,
    flat: tuple[tuple[Any, ...], ...],
    dtype: str,
    *blocks: Any,
    threads: int | None = None,
) -> Any:
    """Evaluates a flat program (named ``key``) on NumPy blocks (a Dask task body)."""
    prog = program(key, flat, len(blocks))
    arrays = [_input(b, dtype) for b in blocks]
    return prog.eval(arrays, dtype=dtype, threads=threads)


# ---- tracing (eager fused functions) ---------------------------------------------


class _NotFused(Exception):
    """Raised while tracing when ``fn`` meets something the kernel cannot
    compute exactly (a complex constant): the call runs ``fn`` as written."""


_trace_state = threading.local()


def _refuse(what: str) -> None:
    # Recorded as well as raised: code that swallows the exception still
    # does not get a program that drops part of a value.
    _trace_state.refused = what
    raise _NotFused(what)


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


class TracedScalar:
    """Stands for a number argument while a fused function is traced.

    Where it meets a traced array (``a * x``, ``np.where(c, a, x)``) it is an
    input of the program, read at each call. Any other use of its value
    (``x * 2``, ``float(x)``, ``if x > 0``, ``range(n)``, ``isinstance``, an
    exponent, a unit conversion of it) *pins* it: the value is used as it
    is and becomes part of the program's cache key, so another value traces
    again. Nothing can read the value without pinning it (it is no float:
    every use goes through one of these methods).
    """

    __slots__ = ("key", "node", "pins", "position", "value")
    __array_priority__ = 100.0
    __dimtensor_lazy__ = True

    def __init__(self, position: int, value: Any, pins: set[int]) -> None:
        self.position, self.value, self.pins = position, value, pins
        self.node: Node = ("leaf", position)
        # What the rule table sees: a Python number (never 0, ±inf or nan
        # here: those are part of the signature), or a plain NumPy scalar.
        plain = isinstance(value, (int, float)) and not isinstance(value, bool)
        self.key = float(value) if plain else None

    def pin(self) -> Any:
        self.pins.add(self.position)
        return self.value

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance(x, float) looks at the value
        return type(self.pin())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.pin(), name)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.pin(), dtype=dtype)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if any(type(x) is Traced for x in inputs):
            return NotImplemented  # the traced array's __array_ufunc__ records it
        values = [_value(x) for x in inputs]
        return getattr(ufunc, method)(*values, **{k: _value(v) for k, v in kwargs.items()})

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if Traced in types:
            return NotImplemented
        args = [_values(a) for a in args]
        return func(*args, **{k: _values(v) for k, v in kwargs.items()})

    def __hash__(self) -> int:
        return hash(self.pin())

    def __repr__(self) -> str:
        return repr(self.pin())

    def __str__(self) -> str:
        return str(self.pin())

    def __format__(self, spec: str) -> str:
        return format(self.pin(), spec)

    def __bool__(self) -> bool:
        return bool(self.pin())

    def __float__(self) -> float:
        return float(self.pin())

    def __int__(self) -> int:
        return int(self.pin())

    def __index__(self) -> int:
        return self.pin().__index__()  # type: ignore[no-any-return]

    def __complex__(self) -> complex:
        return complex(self.pin())

    def __round__(self, ndigits: int | None = None) -> Any:
        return round(self.pin(), ndigits)

    def __trunc__(self) -> Any:
        return math.trunc(self.pin())

    def __floor__(self) -> Any:
        return math.floor(self.pin())

    def __ceil__(self) -> Any:
        return math.ceil(self.pin())

    def __neg__(self) -> Any:
        return -self.pin()

    def __pos__(self) -> Any:
        return +self.pin()

    def __abs__(self) -> Any:
        return abs(self.pin())

    def __invert__(self) -> Any:
        return ~self.pin()


def _value(x: Any) -> Any:
    return x.pin() if type(x) is TracedScalar else x


def _values(x: Any) -> Any:
    if type(x) in (list, tuple):
        return type(x)(_value(e) for e in x)
    return _value(x)


def _scalar_operator(op: Callable[[Any, Any], Any]) -> tuple[Any, Any]:
    """``x op other`` and ``other op x`` for a traced number: a traced array
    records it (its reflected method runs); anything else uses the value."""

    def forward(self: TracedScalar, other: Any) -> Any:
        if type(other) is Traced:
            return NotImplemented
        return op(self.pin(), _value(other))

    def reflected(self: TracedScalar, other: Any) -> Any:
        if type(other) is Traced:
            return NotImplemented
        return op(_value(other), self.pin())

    return forward, reflected


for _name, _op in {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "truediv": lambda a, b: a / b,
    "floordiv": lambda a, b: a // b,
    "mod": lambda a, b: a % b,
    "divmod": divmod,
    "pow": lambda a, b: a**b,
    "matmul": lambda a, b: a @ b,
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
    "lshift": lambda a, b: a << b,
    "rshift": lambda a, b: a >> b,
}.items():
    _fwd, _ref = _scalar_operator(_op)
    setattr(TracedScalar, f"__{_name}__", _fwd)
    setattr(TracedScalar, f"__r{_name}__", _ref)
for _name, _op in {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
}.items():
    setattr(TracedScalar, f"__{_name}__", _scalar_operator(_op)[0])


def _operand(x: Any) -> tuple[Node, Any]:
    """A traced operand's node and what the rule table needs to know of it."""
    t = type(x)  # (type(), not isinstance(): that would pin a traced number)
    if t is Traced:
        return x.node, x.unit
    if t is TracedScalar:
        return x.node, x.key
    if isinstance(x, DimArray):
        if x.ndim != 0:
            raise TypeError(
                "fused: an array that is not an argument of the fused function cannot be "
                "fused (only 0-d quantities such as constants); pass it as an argument"
            )
        if x.dtype.kind not in "biuf":
            _refuse(f"a {x.dtype} constant")
        return const(float(x._data.item())), x.unit
    if isinstance(x, Unit):
        return const(1.0), x
    if isinstance(x, (bool, np.bool_)):
        return const(float(x)), None
    if isinstance(x, (complex, np.complexfloating)):
        _refuse("a complex constant")
    if isinstance(x, (int, float)):  # 0, ±inf and nan meet any unit, as unfused
        return const(float(x)), float(x)
    if isinstance(x, (Number, np.number)):
        return const(float(x)), None  # type: ignore[arg-type]
    raise TypeError(f"fused: cannot fuse an operand of type {t.__name__}")


def _as_constant(x: Any, node: Node) -> Node:
    """A traced number's node replaced by its pinned value (for a use whose
    result depends on the value, or that Python would compute in float64)."""
    return const(float(x.pin())) if type(x) is TracedScalar else node


def trace_ufunc(name: str, inputs: Sequence[Any]) -> Traced:
    if not fusable(name):
        raise TypeError(f"fused: numpy.{name} cannot be fused (not supported by the kernel)")
    operands = [_operand(x) for x in inputs]
    nodes = [n for n, _ in operands]
    keys = [k for _, k in operands]
    exponent = None
    if _ALIASES.get(name, name) == "power" and len(inputs) == 2:
        nodes[1] = _as_constant(inputs[1], nodes[1])  # the exponent decides the unit
        if nodes[1][0] == "const":
            exponent = nodes[1][1]
    convs, outs, constant = _core.ufunc_plan(name, keys, exponent)
    if constant is not None:
        return Traced(const(1.0 if constant else 0.0), None, boolean=True)
    for i, (x, conv) in enumerate(zip(inputs, convs, strict=True)):
        if conv != (1.0, 0.0):  # a converted number: folded as Python computes it
            nodes[i] = _as_constant(x, nodes[i])
    node = apply(name, nodes, convs)
    return Traced(node, outs[0], boolean=_ALIASES.get(name, name) in BOOLEAN)


def trace_where(cond: Any, x: Any, y: Any) -> Traced:
    c_node, _ = _operand(cond)
    (xn, xk), (yn, yk) = _operand(x), _operand(y)
    unit, convs = _core.same_unit_plan("where", [xk, yk])
    if convs[0] != (1.0, 0.0):
        xn = _as_constant(x, xn)
    if convs[1] != (1.0, 0.0):
        yn = _as_constant(y, yn)
    node = ("where", c_node, affine(xn, *convs[0]), affine(yn, *convs[1]))
    return Traced(node, unit)


# ---- fused functions ---------------------------------------------------------------


def _is_wildcard(x: int | float) -> bool:
    return x == 0 or (isinstance(x, float) and not math.isfinite(x))


def _signature(args: Sequence[Any]) -> tuple[Any, ...] | None:
    """What a program depends on of the arguments (one key each, then the
    shape and evaluation dtype), or None when the call runs as written:
    arrays that are not float32/float64 ndarrays of one shape, or a
    complex number."""
    keys: list[Any] = []
    shape = None
    f32 = True
    for x in args:
        if isinstance(x, DimArray):
            data = x._data
            dt = data.dtype
            if type(data) is not np.ndarray or dt not in FLOATS:
                return None
            if shape is None:
                shape = data.shape
            elif data.shape != shape:
                return None
            f32 = f32 and dt == FLOATS[1]
            u = x.unit
            keys.append(("a", u.symbol, u.scale, u.offset, u.kind, dt.str))
        else:
            if type(x) is Traced or type(x) is TracedScalar:
                return None
            k = _arg_key(x)
            if k is None:
                return None
            keys.append(k)
    if shape is None:
        return None
    keys.append((shape, "float32" if f32 else "float64"))
    return tuple(keys)


def _arg_key(x: Any) -> Any:
    """What a program depends on of a number argument; None when a call
    with it runs as written. Numbers: their type (they are program inputs),
    and their value where the rule table reads it (0, ±inf and nan meet any
    unit), by its bits (-0.0 is not 0.0)."""
    if isinstance(x, (bool, np.bool_)):
        return ("v", type(x), bool(x))
    if isinstance(x, (int, float)):
        if _is_wildcard(x):
            return ("v", type(x), _pin_key(x))
        return ("s", type(x))
    if isinstance(x, (np.integer, np.floating)):
        return ("s", type(x))
    if isinstance(x, (complex, np.complexfloating)):
        return None  # complex numbers: the kernel computes in real numbers only
    if x is None or isinstance(x, (str, Unit, Number)):
        return ("v", type(x), x)
    raise TypeError(f"fused functions take DimArrays and numbers, not {type(x).__name__}")


def _pin_key(x: Any) -> Any:
    """A number by its bits (so that -0.0 and 0.0, or two NaNs, are told
    apart and found again)."""
    if isinstance(x, float):
        return struct.pack("<d", x)
    if isinstance(x, np.generic):
        return (type(x), x.tobytes())
    return x


class _Program:
    """A traced program: the Rust program (None when the result depends on
    no array), where each input comes from (argument position, whether it
    is an array), the result's unit and kind, and its value when constant."""

    __slots__ = ("boolean", "constant", "inputs", "prog", "unit")

    def __init__(
        self, prog: Any, inputs: list[tuple[int, bool]], unit: Unit, boolean: bool, constant: float
    ) -> None:
        self.prog, self.inputs, self.unit = prog, inputs, unit
        self.boolean, self.constant = boolean, constant


_UNFUSED = object()  # a cache entry: this signature runs as written


class _Programs:
    """A fused function's programs by signature (the 64 last used), safe to
    use from several threads. A signature is the arguments' keys and the
    values the function reads besides them; a program traced with some
    number arguments pinned is kept under their values as well (the
    positions pinned for a signature only grow, see TracedScalar)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[Any, Any] = OrderedDict()
        self._pinned: OrderedDict[Any, tuple[int, ...]] = OrderedDict()

    def _key(self, base: Any, args: Sequence[Any], pinned: tuple[int, ...]) -> Any:
        return (base, tuple(_pin_key(args[i]) for i in pinned))

    def get(self, base: Any, args: Sequence[Any]) -> Any:
        with self._lock:
            key = self._key(base, args, self._pinned.get(base, ()))
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, base: Any, args: Sequence[Any], entry: Any, pins: set[int]) -> None:
        with self._lock:
            known = self._pinned.get(base, ())
            pinned = tuple(sorted(pins.union(known)))
            self._pinned[base] = pinned
            self._pinned.move_to_end(base)
            while len(self._pinned) > 256:
                self._pinned.popitem(last=False)
            self._entries[self._key(base, args, pinned)] = entry
            while len(self._entries) > 64:
                self._entries.popitem(last=False)


def fused(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A function over DimArrays evaluated as one fused pass in Rust.

    ``fn`` is written with ordinary operators, ``.to()`` and NumPy
    elementwise functions over its DimArray arguments and constants. It is
    traced once per input signature (units, dtypes, shapes): units are
    checked then, exactly as without fusion, and every conversion is folded
    into constants. Each call then evaluates the whole expression in one
    pass over memory (blocks in cache, all cores, GIL released) and returns
    a DimArray; ``out=`` takes a DimArray in the result's unit.

    Fusion applies to float32/float64 arguments of one shape (0-d included);
    other calls run ``fn`` as written, with the same result, and so does a
    call that meets a complex number (the kernel computes in real numbers).

    What a program depends on is read at every call:

    - a number argument that meets an array directly (``a * x``) is an
      input of the program: a new value runs the same program. A number
      used any other way (``x * 2``, ``if x > 0``, ``range(n)``, an
      exponent, ``float(x)``), and the numbers 0, ±inf and nan (which meet
      any unit), are part of the signature: a new value traces again;
    - constants read from globals, closure variables, defaults and the
      helper functions ``fn`` calls (``dt.constants.R``, ``cfg.scale``,
      ``table["k"]``) are part of the signature by value: rebinding one
      traces again at the next call. Values reached through a call or a
      computed subscript (``get_k()``, ``table[i]``) are read when ``fn`` is
      traced: pass those as arguments.

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
    programs = _Programs()
    code = getattr(fn, "__code__", None) if isinstance(fn, types.FunctionType) else None

    @functools.wraps(fn)
    def call(*args: Any, out: Any = None) -> Any:
        if code is not None and len(args) < code.co_argcount and fn.__defaults__:
            args = _with_defaults(args, code.co_argcount, fn.__defaults__)
        sig = _signature(args)
        if sig is None:
            if any(type(a) is Traced or type(a) is TracedScalar for a in args):
                # Called while another fused function is traced: part of its trace.
                if out is not None:
                    raise TypeError("fused: out= cannot be used inside a fused function")
                return fn(*args)
            # Broadcasting, other dtypes, subclasses, complex numbers: as written.
            return _deliver_out(fn(*args), out)
        base = (sig, _fused_env.key(fn))
        entry = programs.get(base, args)
        if entry is None:
            entry, pins = _trace(fn, args, sig)
            programs.put(base, args, entry, pins)
        if entry is _UNFUSED:
            return _deliver_out(fn(*args), out)
        shape, dtype = sig[-1]
        unit, boolean = entry.unit, entry.boolean
        raw_out = None
        if out is not None:
            raw_out = _out_buffer(out, unit, shape, bool if boolean else dtype)
        if entry.prog is None:  # the result does not depend on any argument
            values = np.full(shape, entry.constant, dtype=bool if boolean else dtype)
            return _deliver_out(_core._wrap(values, unit), out)
        inputs = [_input(args[i]._data, dtype) if array else args[i] for i, array in entry.inputs]
        values = entry.prog.eval(inputs, out=raw_out, dtype=dtype)
        if isinstance(out, DimArray):
            return out
        return values if out is not None else _core._wrap(values, unit)

    call.__dimtensor_fused__ = True  # type: ignore[attr-defined]
    return call


def _with_defaults(args: tuple[Any, ...], n: int, defaults: tuple[Any, ...]) -> tuple[Any, ...]:
    """``args`` completed with the function's current defaults (read at each
    call, then arguments like the others), when they are all of the kinds a
    signature takes; else as they are (the defaults are then constants, part
    of the key by value, see _fused_env)."""
    first = n - len(defaults)
    if len(args) < first:
        return args
    extra = defaults[len(args) - first :]
    if all(isinstance(d, (DimArray, Number, str, Unit)) or d is None for d in extra):
        return args + extra
    return args


def _trace(fn: Callable[..., Any], args: Sequence[Any], sig: Sequence[Any]) -> tuple[Any, set[int]]:
    """The program of ``fn`` for arguments like ``args`` (or ``_UNFUSED``),
    and the positions of the number arguments whose values it used."""
    pins: set[int] = set()
    traced: list[Any] = []
    for i, (a, k) in enumerate(zip(args, sig[: len(args)], strict=True)):
        if k[0] == "a":
            traced.append(Traced(("leaf", i), a.unit))
        elif k[0] == "s":
            traced.append(TracedScalar(i, a, pins))
        else:
            traced.append(a)
    outer = getattr(_trace_state, "refused", None)  # (a trace within a trace)
    _trace_state.refused = None
    try:
        result = fn(*traced)
    except _NotFused:
        return _UNFUSED, pins
    finally:
        refused, _trace_state.refused = _trace_state.refused, outer
    if refused is not None:
        return _UNFUSED, pins
    if type(result) is not Traced:
        raise TypeError("a fused function must return one array computed from its arguments")
    flat, leaves = compile(result.node)
    if not leaves:
        return _Program(None, [], result.unit, result.boolean, result.node[1]), pins
    inputs = [(i, sig[i][0] == "a") for i in leaves]
    prog = _core.FusedProgram(flat, len(leaves))
    return _Program(prog, inputs, result.unit, result.boolean, math.nan), pins


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
