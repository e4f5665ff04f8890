"""The PyTorch backend of the backend adapter (:mod:`dimtensor._backend`):
how a :class:`dimtensor.torch.DimTensor` is taken apart and put back
together. Magnitudes are plain ``torch.Tensor`` views that stay attached to
the autograd graph; conversions are one multiply (and add, for offsets)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch

from dimtensor._backend import IDENTITY, WrapperBackend, is_quantity
from dimtensor._core import DimArray as NumpyDimArray
from dimtensor._core import Unit

from . import dispatch, plans

_PLAIN_CONTEXT = torch._C.DisableTorchFunctionSubclass


class TorchBackend(WrapperBackend):
    """DimTensor, and plain tensors next to it."""

    name = "torch"

    def owns(self, x: Any) -> bool:
        return isinstance(x, torch.Tensor)

    def raw(self, x: Any) -> Any:
        if isinstance(x, self.cls):
            return dispatch.bare(x)
        if isinstance(x, NumpyDimArray):
            return torch.as_tensor(x._data)
        if isinstance(x, Unit):
            return 1.0
        if is_quantity(x):
            raise TypeError(
                f"a {type(x).__name__} cannot take part in a torch computation; convert it "
                "first (.to_torch())"
            )
        return x

    def convert(self, values: Any, conv: tuple[float, float]) -> Any:
        a, b = conv
        if (a, b) == IDENTITY:
            return values
        with _PLAIN_CONTEXT():
            scaled = values * a
            return scaled + b if b else scaled

    def function(self, func: Callable[..., Any], name: str) -> Callable[..., Any]:
        raise TypeError(f"dimtensor.torch has no NumPy function {name}; use torch's own")

    @functools.cached_property
    def xp(self) -> Any:
        import array_api_compat.torch

        return array_api_compat.torch

    def special(self, name: str) -> Callable[..., Any]:
        """``torch.special.<name>`` (autograd-aware, on any device)."""
        found = getattr(torch.special, name, None)
        if found is None:
            raise TypeError(
                f"torch.special has no {name}; call scipy.special on .to_value() numbers"
            )
        return found  # type: ignore[no-any-return]

    def deliver(self, values: Any, unit: Unit | None, out: Any, what: str) -> Any:
        """``out=``: a DimTensor receives the result converted to its unit, a
        plain tensor the magnitudes in the result's unit."""
        if isinstance(out, tuple):
            (out,) = out
        if not isinstance(out, self.cls):
            with _PLAIN_CONTEXT():
                out.copy_(values)
            return out if unit is None else self.wrap(out, unit)
        if unit is None:
            raise TypeError(f"{what}: this result has no unit; pass a plain tensor as out=")
        if out._unit is None:
            out._unit = unit
        with _PLAIN_CONTEXT():
            out.copy_(self.convert(values, plans.conversion(unit, out._unit)))
        return out
