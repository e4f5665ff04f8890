"""The PyTorch backend of the backend adapter (:mod:`dimtensor._backend`):
how a :class:`dimtensor.torch.DimTensor` is taken apart and put back
together. Magnitudes are plain ``torch.Tensor`` views that stay attached to
the autograd graph; conversions are one multiply (and add, for offsets)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch
from torch.compiler import is_compiling

from dimtensor._backend import WrapperBackend
from dimtensor._core import DimArray as NumpyDimArray
from dimtensor._core import Unit

from . import dispatch


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
        return super().raw(x)

    def host(self, values: Any) -> Any:
        if is_compiling():
            return None
        with dispatch.PLAIN():
            return values.detach().cpu().numpy()

    def convert(self, values: Any, conv: tuple[float, float]) -> Any:
        return dispatch.convert(values, conv)

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
        if unit is None and isinstance(out, self.cls):
            raise TypeError(f"{what}: this result has no unit; pass a plain tensor as out=")
        return dispatch.deliver(values, unit, out, what)
