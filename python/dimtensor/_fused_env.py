"""What a fused function reads besides its arguments, as part of its cache key.

A fused function's program folds in every constant the function reads: from
its globals, closure cells and defaults, and through the helper functions it
calls. So that rebinding one of these is seen at the next call (a stale
program would give a wrong number with the right unit), each call computes
:func:`key` from their current values, and a new key traces again.

The reads are found once per code object, in its bytecode: each global or
closure name with the attributes and constant subscripts read off it
(``constants.R``, ``cfg.scale``, ``table["k"]``). At each call the chains are
followed through module and instance dictionaries (no property or
``__getattr__`` code runs) and the values reached are fingerprinted: numbers,
strings and small arrays, tuples, lists and dicts by value, anything else by
identity (held, so that its id is not reused). Helper functions read this
way are followed in turn (a few levels deep).

Not seen (read when the function is traced): values reached through a call
or a computed subscript (``get_k()``, ``table.get("k")``, ``table[i]``), the
contents of a list, dict or set the function calls a method of
(``calls.append(...)``), and arrays, lists and dicts of more than
:data:`SMALL` elements changed in place. Pass such values as arguments.

>>> def f(x):
...     return x * SCALE
>>> SCALE = 2.0
>>> k = key(f)
>>> SCALE = 3.0
>>> key(f) == k
False
"""

from __future__ import annotations

import dis
import functools
import struct
from collections.abc import Callable
from types import CodeType, FunctionType, MethodType, ModuleType
from typing import Any

import numpy as np

from dimtensor._core import DimArray

# Containers and arrays up to this many elements are keyed by value.
SMALL = 64
# Helper functions followed (a helper read by a helper read by ... the function).
DEPTH = 3

_MISSING = object()
_STOP = object()
_SUBSCRIPT = ("BINARY_SUBSCR",)
_ATTRIBUTE = ("LOAD_ATTR", "LOAD_METHOD")
_CONTAINERS = (list, dict, set)

Read = tuple[bool, str, tuple[tuple[bool, Any], ...]]


class _Id:
    """A value keyed by identity; held, so that its id stays unique while
    the key exists."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return type(other) is _Id and other.obj is self.obj


@functools.lru_cache(maxsize=1024)
def reads(code: CodeType) -> tuple[Read, ...]:
    """The chains ``code`` (and the code nested in it: lambdas, inner
    functions, comprehensions) reads off its globals and free variables:
    ``(free, name, steps)``, each step ``(True, attribute)`` or ``(False, key)``."""
    found: dict[Read, None] = {}
    stack, seen = [code], set()
    while stack:
        c = stack.pop()
        if id(c) in seen:
            continue
        seen.add(id(c))
        stack.extend(k for k in c.co_consts if isinstance(k, CodeType))
        chain: tuple[bool, str, list[tuple[bool, Any]]] | None = None
        constant: Any = _MISSING
        for ins in dis.get_instructions(c):
            op = ins.opname
            if op == "LOAD_GLOBAL" or (op == "LOAD_DEREF" and ins.argval in code.co_freevars):
                if chain is not None:
                    found[(chain[0], chain[1], tuple(chain[2]))] = None
                chain, constant = (op == "LOAD_DEREF", ins.argval, []), _MISSING
                continue
            if chain is None:
                continue
            if op in _ATTRIBUTE and constant is _MISSING:
                chain[2].append((True, ins.argval))
            elif op == "LOAD_CONST" and constant is _MISSING:
                constant = ins.argval
            elif constant is not _MISSING and (
                op in _SUBSCRIPT or (op == "BINARY_OP" and ins.argrepr == "[]")
            ):
                chain[2].append((False, constant))
                constant = _MISSING
            else:
                found[(chain[0], chain[1], tuple(chain[2]))] = None
                chain = None
        if chain is not None:
            found[(chain[0], chain[1], tuple(chain[2]))] = None
    return tuple(found)


def _attribute(obj: Any, name: str) -> Any:
    """``obj.name`` when it is a plain value in a dictionary (the module's,
    the instance's, its class's), else ``_STOP`` (a method, a property:
    code, not data)."""
    if obj is _MISSING:
        return _STOP
    if isinstance(obj, ModuleType):
        return obj.__dict__.get(name, _STOP)
    try:
        own = object.__getattribute__(obj, "__dict__")
    except AttributeError:
        own = None
    if type(own) is dict and name in own:
        return own[name]
    for klass in (obj if isinstance(obj, type) else type(obj)).__mro__:
        if name in klass.__dict__:
            value = klass.__dict__[name]
            return _STOP if hasattr(type(value), "__get__") else value
    return _STOP


def _item(obj: Any, k: Any) -> Any:
    if obj is _MISSING:
        return _STOP
    if type(obj) is dict:
        return obj.get(k, _STOP)
    if type(obj) in (list, tuple) and type(k) is int and -len(obj) <= k < len(obj):
        return obj[k]
    return _STOP


def _by_value(v: Any, depth: int, active: set[int]) -> Any:
    return (type(v), v)


def _float(v: Any, depth: int, active: set[int]) -> Any:
    return (type(v), struct.pack("<d", v))  # -0.0 and NaNs by their bits


def _complex(v: Any, depth: int, active: set[int]) -> Any:
    return (type(v), struct.pack("<dd", v.real, v.imag))


def _array(v: Any, depth: int, active: set[int]) -> Any:
    data = v._data if isinstance(v, DimArray) else v
    if type(data) is np.ndarray and data.size <= SMALL and data.dtype.kind in "biufc":
        # (its unit, dtype and shape are fixed: the identity covers them)
        return (_Id(v), data.tobytes())
    return _Id(v)


def _sequence(v: Any, depth: int, active: set[int]) -> Any:
    if len(v) > SMALL or depth >= DEPTH:
        return _Id(v)
    return (type(v), tuple(_fingerprint(e, depth + 1, active) for e in v))


def _mapping(v: Any, depth: int, active: set[int]) -> Any:
    if len(v) > SMALL or depth >= DEPTH:
        return _Id(v)
    return (dict, tuple((k, _fingerprint(e, depth + 1, active)) for k, e in v.items()))


def _function(v: Any, depth: int, active: set[int]) -> Any:
    if depth >= DEPTH:
        return _Id(v)
    return (_Id(v), _key(v, depth + 1, active))


_FINGERPRINTS: dict[type, Callable[[Any, int, set[int]], Any]] = {
    int: _by_value,
    bool: _by_value,
    str: _by_value,
    bytes: _by_value,
    type(None): _by_value,
    float: _float,
    complex: _complex,
    np.ndarray: _array,
    DimArray: _array,
    tuple: _sequence,
    list: _sequence,
    dict: _mapping,
    FunctionType: _function,
    MethodType: _function,
    functools.partial: _function,
}


def _fingerprint(v: Any, depth: int, active: set[int]) -> Any:
    """``v`` as part of a key: by value where it is small, else by identity."""
    t = type(v)
    f = _FINGERPRINTS.get(t)
    if f is not None:
        return f(v, depth, active)
    if isinstance(v, float):  # np.float64
        return _float(v, depth, active)
    if isinstance(v, np.generic):
        return (t, v.tobytes())
    if isinstance(v, DimArray):  # constants
        return _array(v, depth, active)
    return _Id(v)


def _key(fn: Any, depth: int, active: set[int]) -> tuple[Any, ...]:
    parts: list[Any] = []
    while type(fn) is not FunctionType or "__dimtensor_fused__" in fn.__dict__:
        # to the function a wrapper runs
        if getattr(fn, "__dimtensor_fused__", False):
            fn = fn.__wrapped__
        elif isinstance(fn, MethodType):
            parts.append(_fingerprint(fn.__self__, depth, active))
            fn = fn.__func__
        elif isinstance(fn, functools.partial):
            parts.append(_fingerprint((fn.args, fn.keywords), depth, active))
            fn = fn.func
        else:
            return tuple(parts)
    if id(fn) in active:
        return tuple(parts)
    active.add(id(fn))
    code = fn.__code__
    for d in (fn.__defaults__, fn.__kwdefaults__):
        parts.append(d if d is None else _fingerprint(d, depth, active))
    cells = fn.__closure__
    names = fn.__globals__
    for free, name, steps in reads(code):
        if free:
            try:
                v = cells[code.co_freevars.index(name)].cell_contents  # type: ignore[index]
            except ValueError:  # not yet assigned
                v = _MISSING
        else:
            v = names.get(name, _MISSING)
            if v is _MISSING:
                v = fn.__builtins__.get(name, _MISSING)  # type: ignore[attr-defined]
        used = False  # the chain goes on to a method of v: v is used, not read
        for is_attribute, step in steps:
            nxt = _attribute(v, step) if is_attribute else _item(v, step)
            if nxt is _STOP:
                used = True
                break
            v = nxt
        if v is _MISSING or (used and type(v) in _CONTAINERS):
            parts.append(_Id(v))  # (calls.append(...): what it holds is no constant)
        else:
            parts.append(_fingerprint(v, depth, active))
    active.discard(id(fn))
    return tuple(parts)


def key(fn: Callable[..., Any]) -> tuple[Any, ...]:
    """The current values of what ``fn`` reads besides its arguments."""
    return _key(fn, 0, set())
