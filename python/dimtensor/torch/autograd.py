"""Gradients with units: ``x.grad`` of a DimTensor ``x`` in U, after
``y.backward()`` of ``y`` in V, is in V/U (the core's rule ``autodiff.grad``:
``d(V)/d(U)``); with ``backward(gradient=g)``, ``g`` in G, it is in
G·V/U (``autodiff.vjp``). ``torch.autograd.grad`` results likewise.

Autograd itself runs on the magnitudes, untouched. A leaf DimTensor that
requires grad carries a hook that runs as its gradient arrives: it records
the gradient's unit, or, when an earlier backward left a gradient in
another unit of the same dimension, converts the new one into it before
they are added (another dimension is a ``DimensionError``). A backward
started from a plain tensor counts as dimensionless (V = 1), as plain
numbers are everywhere else in dimtensor.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import torch

from dimtensor._backend import ONE
from dimtensor._core import Unit

from . import calls, dispatch, plans

_STATE = threading.local()


def _seed_unit() -> tuple[str, Unit]:
    return getattr(_STATE, "current", None) or ("accumulate", ONE)


def grad_unit(output: Unit, wrt: Unit, seed: Unit = ONE) -> Unit:
    """The unit of the gradient of ``output`` with respect to ``wrt``, seeded in ``seed``."""
    _, units, _, _ = plans.function_plan_of(
        "autodiff.vjp", (((seed, ()),), ((output, ()),), ((wrt, ()),)), ()
    )
    return units[0]  # type: ignore[no-any-return]


def _unit(x: Any) -> Unit:
    u = x._unit if isinstance(x, dispatch.CLS) else None
    return u if u is not None else ONE


def track(t: Any) -> Any:
    """Give leaf DimTensor ``t`` the hook that labels its gradients (once)."""
    if getattr(t, "_grad_hooked", False) or not t.requires_grad or not t.is_leaf:
        return t
    ref = weakref.ref(t)

    def label(grad: torch.Tensor) -> torch.Tensor | None:
        mode, seed = _seed_unit()
        x = ref()
        if mode != "accumulate" or x is None:
            return None
        new = grad_unit(seed, _unit(x))
        with dispatch.PLAIN():
            existing = x.grad
        old = x.__dict__.get("_grad_unit") if existing is not None else None
        if old is None or old == new:
            x._grad_unit = new
            return None
        factor = new.conversion_factor(old)  # DimensionError across dimensions
        with dispatch.PLAIN():
            return grad * factor

    with dispatch.PLAIN():
        t.register_hook(label)
    t._grad_hooked = True
    return t


def _seeds(outputs: Sequence[Any], seeds: Sequence[Any] | None) -> tuple[Unit, list[Any]]:
    """One unit for every output's contribution (G·V of each, converted to
    the first one's) and the raw seeds that bring them to it."""
    common: Unit | None = None
    raw_seeds: list[Any] = []
    for i, y in enumerate(outputs):
        g = seeds[i] if seeds is not None else None
        contribution = grad_unit(_unit(y), ONE, _unit(g) if g is not None else ONE)
        factor = 1.0 if common is None else contribution.conversion_factor(common)
        common = common or contribution
        if g is None:
            g = torch.ones_like(y.as_subclass(torch.Tensor)) if factor != 1.0 else None
        else:
            g = (
                dispatch.convert(g, (1.0, 0.0))
                if not isinstance(g, dispatch.CLS)
                else (g.as_subclass(torch.Tensor))
            )
        if g is not None and factor != 1.0:
            g = g * factor
        raw_seeds.append(g)
    return common or ONE, raw_seeds


def _listed(x: Any) -> list[Any]:
    if isinstance(x, torch.Tensor):
        return [x]
    return list(x) if x is not None else []


def backward(func: Any, args: Any, kwargs: Any) -> Any:
    """``y.backward(gradient=None, ...)`` and ``torch.autograd.backward(tensors, grad_tensors)``."""
    kwargs = dict(kwargs)
    if func is torch.Tensor.backward:
        outputs = [args[0]]
        gradient = args[1] if len(args) > 1 else kwargs.pop("gradient", None)
        seeds = [gradient] if gradient is not None else None
        rest = dict(kwargs)
    else:
        outputs = _listed(args[0] if args else kwargs.pop("tensors"))
        given = args[1] if len(args) > 1 else kwargs.pop("grad_tensors", None)
        seeds = _listed(given) if given is not None else None
        rest = dict(kwargs)
    unit, raw_seeds = _seeds(outputs, seeds)
    previous = getattr(_STATE, "current", None)
    _STATE.current = ("accumulate", unit)
    try:
        with dispatch.PLAIN():
            torch.autograd.backward(
                list(outputs),
                raw_seeds if any(s is not None for s in raw_seeds) else None,
                **rest,
            )
    finally:
        _STATE.current = previous


def grad(func: Any, args: Any, kwargs: Any) -> Any:
    """``torch.autograd.grad(outputs, inputs, grad_outputs=None, ...)``: each
    result in G·V/U for its input in U (V, G: outputs' and seeds' units)."""
    kwargs = dict(kwargs)
    outputs = _listed(args[0] if args else kwargs.pop("outputs"))
    inputs_given = args[1] if len(args) > 1 else kwargs.pop("inputs")
    inputs = _listed(inputs_given)
    given = kwargs.pop("grad_outputs", None)
    seeds = _listed(given) if given is not None else None
    unit, raw_seeds = _seeds(outputs, seeds)
    previous = getattr(_STATE, "current", None)
    _STATE.current = ("grad", unit)
    try:
        with dispatch.PLAIN():
            results = torch.autograd.grad(
                list(outputs),
                list(inputs),
                grad_outputs=raw_seeds if any(s is not None for s in raw_seeds) else None,
                **kwargs,
            )
    finally:
        _STATE.current = previous
    labelled = []
    for x, g in zip(inputs, results, strict=True):
        if g is None:
            labelled.append(None)
            continue
        u = grad_unit(unit, _unit(x))
        plain_input = not isinstance(x, dispatch.CLS)
        if plain_input and u.is_dimensionless and u.scale == 1.0:
            labelled.append(g)
        else:
            labelled.append(dispatch.CLS._new(g, u, fresh=True))
    return tuple(labelled)


def derivative(y: Any, x: Any, *, create_graph: bool = True) -> Any:
    """dy/dx for ``y`` computed elementwise from ``x`` (a sum of
    independent terms: PINN residuals), in d(V)/d(U).

    >>> import torch
    >>> from dimtensor.torch import DimTensor, derivative
    >>> t = DimTensor(torch.tensor([0.0, 1.0, 2.0]), "s", requires_grad=True)
    >>> x = DimTensor(4.9, "m/s^2") * t**2
    >>> derivative(x, t, create_graph=False)
    DimTensor([ 0.0000,  9.8000, 19.6000], unit='m/s')
    """
    (g,) = torch.autograd.grad(y, x, grad_outputs=_ones(y), create_graph=create_graph)
    return g


def _ones(y: Any) -> torch.Tensor:
    with dispatch.PLAIN():
        return torch.ones_like(y)


def grad_getter(func: Any, args: Any, kwargs: Any) -> Any:
    """``x.grad``: the accumulated gradient in its unit."""
    x = args[0]
    with dispatch.PLAIN():
        g = func(*args, **kwargs)
    if g is None or not isinstance(x, dispatch.CLS):
        return g
    unit = x.__dict__.get("_grad_unit")
    if unit is None:
        unit = grad_unit(ONE, _unit(x))  # a gradient set by hand: per unit of x
    return dispatch.CLS._new(g, unit)


def grad_setter(func: Any, args: Any, kwargs: Any) -> Any:
    """``x.grad = g``: a DimTensor's unit is kept as the gradient's unit."""
    x, g = args[0], args[1]
    if isinstance(g, dispatch.CLS):
        x._grad_unit = g._unit
        with dispatch.PLAIN():
            g = g.as_subclass(torch.Tensor)
    elif g is None and isinstance(x, dispatch.CLS):
        x.__dict__.pop("_grad_unit", None)
    with dispatch.PLAIN():
        func(x, g)


def requires_grad_(func: Any, args: Any, kwargs: Any) -> Any:
    with dispatch.PLAIN():
        func(*args, **kwargs)
    return track(args[0])


def requires_grad_set(func: Any, args: Any, kwargs: Any) -> Any:
    with dispatch.PLAIN():
        func(*args, **kwargs)
    track(args[0])


def install(table: dict[Any, Any], add: Callable[[Any, Any], None]) -> None:
    T = torch.Tensor
    add(T.backward, backward)
    add(torch.autograd.backward, backward)
    add(torch.autograd.grad, grad)
    add(T.grad.__get__, grad_getter)
    add(T.grad.__set__, grad_setter)
    add(T.requires_grad_, requires_grad_)
    add(T.requires_grad.__set__, requires_grad_set)
    add(T.retain_grad, calls.run_passthrough)
