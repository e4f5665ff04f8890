"""Assembles one namespace (a module) per backend: the shared functions of
``_functions``, the creation functions and inspection object of the backend,
the constants, dtypes, and the ``linalg``, ``fft`` and ``special``
extensions."""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from dimtensor._core import Unit
from dimtensor.errors import DimensionError

from . import _fft, _functions, _linalg, _special
from ._backend import ONE, Backend, backend_of, has_unit, is_lazy
from ._units import convert, same_unit

API_VERSION = "2024.12"
DTYPES = (
    "bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64 complex64 complex128"
).split()


def _leaves(obj: Any) -> list[Any]:
    if isinstance(obj, (list, tuple)):
        return [leaf for item in obj for leaf in _leaves(item)]
    return [obj]


def _rebuild(obj: Any, values: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        return [_rebuild(item, values) for item in obj]
    return next(values)


def _fill(B: Backend, value: Any) -> tuple[Any, Unit]:
    """A fill value's magnitude (as a scalar when eager) and unit."""
    if not has_unit(value):
        return value, ONE
    raw = B.raw(value)
    return (raw if is_lazy(raw) else raw.reshape(()).item()), value.unit


def _number(value: Any) -> Any:
    """A 0-d NumPy value as a Python number (dask's arange needs one)."""
    return value.reshape(()).item() if isinstance(value, np.ndarray) else value


def _step(step: Any, unit: Unit) -> Any:
    """An arange step in ``unit``: an interval, scaled but never shifted."""
    if not has_unit(step):
        return step
    if step.unit.dimension != unit.dimension:
        raise DimensionError(
            f"arange: a step in '{step.unit}' [{step.unit.dimension}] does not fit values "
            f"in '{unit}' [{unit.dimension}]"
        )
    return step._data.reshape(()).item() * (step.unit.scale / unit.scale)


def creation(B: Backend) -> dict[str, Callable[..., Any]]:
    """The functions that make arrays from no array: one set per backend.
    Plain numbers give dimensionless arrays; quantities (0-d arrays with a
    unit) give their unit."""
    xp = B.xp

    def asarray(
        obj: Any,
        /,
        *,
        dtype: Any | None = None,
        device: Any | None = None,
        copy: bool | None = None,
    ) -> Any:
        if has_unit(obj):
            if is_lazy(obj) and not B.lazy:
                obj = obj.compute()
            return B.wrap(xp.asarray(B.raw(obj), dtype=dtype, device=device, copy=copy), obj.unit)
        leaves = _leaves(obj) if isinstance(obj, (list, tuple)) else []
        if any(has_unit(leaf) for leaf in leaves):
            # A nested sequence of quantities: in the unit of the first one.
            unit, convs = same_unit("asarray", leaves)
            values = iter(convert(B, x, c) for x, c in zip(leaves, convs, strict=True))
            raw = _rebuild(obj, values)
            return B.wrap(xp.asarray(raw, dtype=dtype, device=device, copy=copy), unit)
        return B.wrap(xp.asarray(obj, dtype=dtype, device=device, copy=copy), ONE)

    def arange(
        start: Any,
        /,
        stop: Any | None = None,
        step: Any = 1,
        *,
        dtype: Any | None = None,
        device: Any | None = None,
    ) -> Any:
        points = [start] if stop is None else [start, stop]
        unit, convs = same_unit("arange", points)
        lo, *hi = (_number(convert(B, p, c)) for p, c in zip(points, convs, strict=True))
        raw = xp.arange(lo, hi[0] if hi else None, _step(step, unit), dtype=dtype, device=device)
        return B.wrap(raw, unit)

    def empty(
        shape: int | tuple[int, ...], *, dtype: Any | None = None, device: Any | None = None
    ) -> Any:
        return B.wrap(xp.empty(shape, dtype=dtype, device=device), ONE)

    def zeros(
        shape: int | tuple[int, ...], *, dtype: Any | None = None, device: Any | None = None
    ) -> Any:
        return B.wrap(xp.zeros(shape, dtype=dtype, device=device), ONE)

    def ones(
        shape: int | tuple[int, ...], *, dtype: Any | None = None, device: Any | None = None
    ) -> Any:
        return B.wrap(xp.ones(shape, dtype=dtype, device=device), ONE)

    def full(
        shape: int | tuple[int, ...],
        fill_value: Any,
        *,
        dtype: Any | None = None,
        device: Any | None = None,
    ) -> Any:
        value, unit = _fill(B, fill_value)
        return B.wrap(xp.full(shape, value, dtype=dtype, device=device), unit)

    def eye(
        n_rows: int,
        n_cols: int | None = None,
        /,
        *,
        k: int = 0,
        dtype: Any | None = None,
        device: Any | None = None,
    ) -> Any:
        if B.lazy and 0 in (n_rows, n_rows if n_cols is None else n_cols):
            # dask's eye divides by a chunk size of 0 for an empty matrix
            shape = (n_rows, n_rows if n_cols is None else n_cols)
            return B.wrap(xp.zeros(shape, dtype=dtype, device=device), ONE)
        return B.wrap(xp.eye(n_rows, n_cols, k=k, dtype=dtype, device=device), ONE)

    def linspace(
        start: Any,
        stop: Any,
        /,
        num: int,
        *,
        dtype: Any | None = None,
        device: Any | None = None,
        endpoint: bool = True,
    ) -> Any:
        unit, (c0, c1) = same_unit("linspace", [start, stop])
        raw = xp.linspace(
            convert(B, start, c0),
            convert(B, stop, c1),
            num,
            dtype=dtype,
            device=device,
            endpoint=endpoint,
        )
        return B.wrap(raw, unit)

    def from_dlpack(x: Any, /, *, device: Any | None = None, copy: bool | None = None) -> Any:
        if has_unit(x):
            return asarray(x, device=device, copy=copy)
        return B.wrap(xp.from_dlpack(x, device=device, copy=copy), ONE)

    made = {
        f.__name__: f
        for f in (asarray, arange, empty, zeros, ones, full, eye, linspace, from_dlpack)
    }
    for f in made.values():
        f.__qualname__ = f.__name__
    return made


class Info:
    """``__array_namespace_info__()`` of one backend."""

    def __init__(self, B: Backend) -> None:
        self._B = B
        self._inner = B.xp.__array_namespace_info__()

    def capabilities(self) -> dict[str, Any]:
        caps = dict(self._inner.capabilities())
        if self._B.lazy:
            # Shapes must be known while the graph is built; a mask's count is not.
            caps["boolean indexing"] = False
            caps["data-dependent shapes"] = False
        return caps

    def default_device(self) -> Any:
        return self._inner.default_device()

    def default_dtypes(self, *, device: Any | None = None) -> dict[str, Any]:
        return self._inner.default_dtypes(device=device)

    def devices(self) -> list[Any]:
        return list(self._inner.devices())  # a list in 2024.12 (NumPy's is a tuple)

    def dtypes(self, *, device: Any | None = None, kind: Any | None = None) -> dict[str, Any]:
        return self._inner.dtypes(device=device, kind=kind)


def _submodule(parent: str, name: str, members: dict[str, Any], doc: str) -> types.ModuleType:
    mod = types.ModuleType(f"{parent}.{name}", doc)
    for k, v in members.items():
        setattr(mod, k, v)
    mod.__all__ = sorted(members)  # type: ignore[attr-defined]
    return mod


def populate(ns: dict[str, Any], B: Backend) -> None:
    """Fill the module dict ``ns`` with the namespace of backend ``B``."""
    name = ns["__name__"]
    info = Info(B)
    members: dict[str, Any] = {
        **_functions.functions(),
        **creation(B),
        "__array_namespace_info__": lambda: info,
        "__array_api_version__": API_VERSION,
        "e": math.e,
        "inf": math.inf,
        "nan": math.nan,
        "pi": math.pi,
        "newaxis": None,
        **{d: getattr(B.xp, d) for d in DTYPES},
        "linalg": _submodule(name, "linalg", _linalg.FUNCTIONS, _linalg.__doc__ or ""),
        "fft": _submodule(
            name, "fft", {**_fft.TRANSFORMS, **_fft.frequencies(B)}, _fft.__doc__ or ""
        ),
        "special": _submodule(name, "special", _special.functions(), _special.__doc__ or ""),
    }
    members["__array_namespace_info__"].__name__ = "__array_namespace_info__"
    ns.update(members)
    ns["__all__"] = sorted(k for k in members if k != "__array_api_version__")


def namespace_of(*arrays: Any) -> Any:
    """The namespace module of these arrays (lazy when any of them is)."""
    if backend_of(*arrays).lazy:
        from . import lazy

        return lazy
    from . import eager

    return eager
