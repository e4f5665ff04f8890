"""``dimtensor.torch.DimTensor``: a ``torch.Tensor`` with a unit.

DimTensor is a subclass of ``torch.Tensor`` sharing its storage, so modules,
optimizers, devices and autograd treat it as the tensor it is; its
``__torch_function__`` applies the core's unit rules to every ``torch.*``,
``torch.Tensor`` and ``torch.nn.functional`` call (:mod:`.table`), and
refuses the ones it has no rule for.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.compiler import is_compiling

from dimtensor import _backend, _core
from dimtensor._backend import ONE, UnitAttributes, is_quantity
from dimtensor._core import DimArray as NumpyDimArray
from dimtensor._core import Unit

from . import autograd, calls, dispatch, plans, table
from .backend import TorchBackend

__all__ = ["TORCH", "DimTensor"]

PLAIN = dispatch.PLAIN


def _as_unit(unit: Unit | str | None) -> Unit:
    if unit is None:
        return ONE
    return unit if isinstance(unit, Unit) else getattr(plans.UNITS, plans.parsed(unit))


def _values(data: Any) -> tuple[torch.Tensor, Unit | None]:
    """A plain tensor and the unit it comes with (None: plain data)."""
    if isinstance(data, DimTensor):
        return dispatch.bare(data), data._unit
    if isinstance(data, torch.Tensor):
        return data, None
    if isinstance(data, NumpyDimArray):
        return torch.as_tensor(data._data), data.__dimtensor_unit__
    if is_quantity(data):
        to_torch = getattr(data, "to_torch", None)
        if to_torch is None:
            raise TypeError(f"cannot make a DimTensor from a {type(data).__name__}")
        converted = to_torch()
        return dispatch.bare(converted), converted._unit
    return torch.as_tensor(data), None


_DEVICES: dict[str, bool] = {}


@plans.constant  # torch.device's error cannot be traced
def _is_device(text: str) -> bool:
    found = _DEVICES.get(text)
    if found is None:
        try:
            torch.device(text)
            found = True
        except (RuntimeError, ValueError):
            found = False
        if len(_DEVICES) < 10_000:
            _DEVICES[text] = found
    return found


def _component(name: str) -> Any:
    """``x.real``/``x.imag``: read in x's unit; written (which torch does
    without __torch_function__) with the value converted to it."""
    part = getattr(torch.Tensor, name)
    return property(
        lambda self: calls.run_keep(part.__get__, (self,), {}),
        lambda self, value: calls.run_fill(part.__set__, (self, value), {}),
        doc=f"The {name} part, in the tensor's unit (a value written is converted to it).",
    )


class DimTensor(UnitAttributes, torch.Tensor):
    """A tensor with a unit.

    ``DimTensor(data, unit=None, dtype=None, device=None, requires_grad=False)``
    takes tensors (sharing their memory, and their autograd graph when they
    require grad), NumPy data, numbers and quantities (a quantity given
    another ``unit`` is converted, never relabelled).

    >>> import torch
    >>> from dimtensor.torch import DimTensor
    >>> d = DimTensor(torch.tensor([1.0, 2.0]), "m") + DimTensor(torch.tensor([50.0, 0.0]), "cm")
    >>> d
    DimTensor([1.5000, 2.0000], unit='m')
    >>> torch.nn.functional.mse_loss(d, DimTensor(torch.tensor([150.0, 210.0]), "cm"))
    DimTensor(0.0050, unit='m²')
    >>> torch.sin(d)
    Traceback (most recent call last):
    dimtensor.errors.DimensionError: sin needs a dimensionless input ... got 'm' [L]
    """

    # DimArray's (NumPy) operators and functions let this type take mixed calls.
    __dimtensor_lazy__ = True
    _unit: Unit | None

    @staticmethod
    def __new__(
        cls,
        data: Any,
        unit: Unit | str | None = None,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
    ) -> DimTensor:
        values, own = _values(data)
        if dtype is not None or device is not None:
            with PLAIN():
                values = values.to(device=device, dtype=dtype)
        if own is not None and unit is not None:
            target = _as_unit(unit)
            values = dispatch.convert(values, plans.conversion(own, target))
            own = target
        with PLAIN():
            if values.requires_grad:
                t = values.as_subclass(cls)  # stays on the graph
            else:
                t = torch.Tensor._make_subclass(cls, values, requires_grad)
        t._unit = plans.intern(own if own is not None else _as_unit(unit))
        if requires_grad:
            autograd.track(t)
        return t  # type: ignore[no-any-return]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @classmethod
    def _new(cls, values: torch.Tensor, unit: Unit | None, fresh: bool = False) -> DimTensor:
        """Wrap a result without checks (its unit came from a plan). A
        ``fresh`` plain tensor (made by the operation, referenced nowhere
        else) becomes a DimTensor in place: no view, no autograd node."""
        if fresh and type(values) is torch.Tensor and not is_compiling():
            values.__class__ = cls
            t = values
        else:
            with PLAIN():
                t = values.as_subclass(cls)
        t._unit = unit
        return t  # type: ignore[no-any-return]

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        inner = getattr(func, "__wrapped__", None)
        if inner is None:
            handler = _HANDLERS.get(func)
            if handler is None:
                # Dynamo looks up Python-level functions (torch's operators
                # written in Python) by another identity: by name, then.
                handler = _BY_NAME.get(getattr(func, "__qualname__", None), calls.run_unknown)
        else:
            # An operator torch wraps in a decorator: under Dynamo it shows as
            # the decorator's inner function (and a lookup by it would be
            # guarded wrongly), so the function it wraps names it.
            handler = _BY_NAME.get(inner.__qualname__, calls.run_unknown)
        return handler(func, args, kwargs or {})

    def __deepcopy__(self, memo: dict[int, Any]) -> DimTensor:
        with PLAIN():
            values = self.detach().clone()
        new = DimTensor(values, self.unit, requires_grad=self.requires_grad and self.is_leaf)
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickled as its values, unit and whether it requires grad."""
        with PLAIN():
            values = self.detach().as_subclass(torch.Tensor)
        return (_rebuild, (values, self.unit, self.requires_grad and self.is_leaf))

    # Python operators and the most called methods are set below from the
    # table (:func:`.table.operators`, :func:`.table.methods`): called
    # directly, faster than torch's dispatch, and traced by Dynamo like any
    # Python method.
    __hash__ = torch.Tensor.__hash__

    # torch.Tensor's methods written in Python call back into torch's
    # dispatch in a way Dynamo cannot trace for a subclass; the torch
    # functions they stand for trace (same rules, same results). Not
    # split: torch.split calls the method (use torch.split in compiled code).
    def norm(  # type: ignore[override]
        self, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None
    ) -> Any:
        return torch.norm(self, p, dim, keepdim, dtype=dtype)

    def unique(  # type: ignore[override]
        self,
        sorted: bool = True,
        return_inverse: bool = False,
        return_counts: bool = False,
        dim: Any = None,
    ) -> Any:
        return torch.unique(self, sorted, return_inverse, return_counts, dim)

    def unflatten(self, dim: Any, sizes: Any) -> Any:  # type: ignore[override]
        return torch.unflatten(self, dim, sizes)

    # torch runs these without __torch_function__: written here, so values
    # never enter the tensor in another unit.
    def set_(self, *args: Any, **kwargs: Any) -> DimTensor:  # type: ignore[override]
        """torch's ``set_``: this tensor takes the memory of ``source``, which
        must hold values in its unit (shared memory cannot be converted)."""
        calls.check_shared(self, args[0] if args else kwargs.get("source"), "set_")
        with PLAIN():
            torch.Tensor.set_(self, *args, **kwargs)
        return self

    real = _component("real")
    imag = _component("imag")

    # ---- units ----------------------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """``x.to("cm")`` / ``x.to(unit)``: converted to a unit (on the autograd
        graph); ``x.to(device)``, ``x.to(dtype)``: moved or cast, unit kept."""
        target = args[0] if args else None
        if isinstance(target, Unit) or (isinstance(target, str) and not _is_device(target)):
            return DimTensor(self, target)
        return torch.Tensor.to(self, *args, **kwargs)

    def to_value(self, unit: Unit | str | None = None) -> torch.Tensor:
        """The plain tensor of values in ``unit`` (default: the tensor's own), on the graph."""
        return dispatch.bare(self if unit is None else self.to(unit))

    def magnitude(self) -> torch.Tensor:
        """The plain tensor of values in the tensor's own unit (on the graph)."""
        return self.to_value()

    def to_base_units(self) -> DimTensor:
        return self.to(self.unit.to_base())  # type: ignore[no-any-return]

    # ---- conversions ----------------------------------------------------------------
    def to_numpy(self) -> NumpyDimArray:
        """A :class:`dimtensor.DimArray` (on the host; detached; shares memory on the CPU)."""
        with PLAIN():
            values = self.detach().cpu().numpy()
        if self._unit is None:
            return _core._unit_pending(values)
        return _core._wrap(values, self._unit)

    def to_torch(self) -> DimTensor:
        return self

    def to_jax(self) -> Any:
        """A :class:`dimtensor.jax.DimArray` sharing memory through DLPack (detached)."""
        return _backend.convert_to(self, "jax")

    def __array_namespace__(self, /, *, api_version: str | None = None) -> Any:
        """The Array API namespace with units on torch (:mod:`dimtensor.torch.array_api`)."""
        from dimtensor.array_api import API_VERSION
        from dimtensor.torch import array_api

        if api_version not in (None, API_VERSION):
            raise ValueError(f"dimtensor implements the Array API {API_VERSION}, not {api_version}")
        return array_api

    # ---- text -------------------------------------------------------------------
    def __repr__(self, *, tensor_contents: Any = None) -> str:  # type: ignore[override]
        with PLAIN():
            body = torch.Tensor.__repr__(self)
        inner = body[body.index("(") + 1 : body.rindex(")")]
        return f"DimTensor({inner}, unit={str(self.unit)!r})"

    def __str__(self) -> str:
        return repr(self)

    def __format__(self, spec: str) -> str:
        if self.dim() == 0 and spec:
            with PLAIN():
                value = self.detach().item()
            text = str(self.unit.simplified())
            return f"{format(value, spec)} {text}".rstrip()
        return str(self)


# One DimTensor class: were this file run a second time as another module
# (pytest's importlib mode imports a file by its path), a second class would
# take over the dispatch, which would then see the first class's tensors as
# plain ones (and add 1 m to 50 cm as 51). The second run keeps the first.
_FIRST = dispatch.CLS is None
if not _FIRST:
    DimTensor = dispatch.CLS  # type: ignore[misc]

TORCH = TorchBackend(DimTensor)
if _FIRST:
    _backend.register(TORCH)


def _converted(x: Any) -> DimTensor:
    """A quantity of another front end as a DimTensor: NumPy's memory
    shared (``from_numpy``; a read-only array is copied), others' through
    DLPack."""
    if isinstance(x, DimTensor):
        return x
    unit = x.__dimtensor_unit__
    if isinstance(x, NumpyDimArray):
        values = x._data
        raw = torch.from_numpy(values) if values.flags.writeable else torch.tensor(values)
    else:
        raw = torch.from_dlpack(x.magnitude())
    return DimTensor._new(raw, unit)


_HANDLERS = table.handlers()
_BY_NAME = table.by_name()
if _FIRST:
    _backend.register_conversion("torch", _converted)
    dispatch.CLS = DimTensor
    for _name, _method in {**table.operators(), **table.methods(_HANDLERS)}.items():
        setattr(DimTensor, _name, _method)


def _rebuild(values: torch.Tensor, unit: Unit, requires_grad: bool) -> DimTensor:
    return DimTensor(values, unit, requires_grad=requires_grad)


if _FIRST:
    # torch.load reads only allowed globals by default (weights_only=True):
    # a checkpoint holding DimTensors names these two, which build a tensor
    # from its values and a unit from its state, nothing else
    torch.serialization.add_safe_globals([_rebuild, _core._unit_from_state])
