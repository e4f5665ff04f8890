"""torch functions with a function rule of the core's table (reductions,
linear algebra, losses, …): which of torch's arguments are the rule's
operands, the eager fast paths of one and two operands, and DimTensor's own
methods for the most called of them. Every unit comes from :mod:`.plans`."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import torch
from torch.compiler import is_compiling

from dimtensor import _core
from dimtensor._functions import known_value

from . import dispatch, plans
from .dispatch import (
    IDENTITY,
    MISSING,
    PLAIN,
    Ufunc,
    argument,
    as_float,
    convert,
    deliver,
    inplace,
    key,
    labelled,
    name_of,
    plain,
    put,
    sizes,
    wrap,
)

# ---- function rules -----------------------------------------------------------------

# The table's parameter and option names (NumPy's, the Array API's) and
# torch's names for the same arguments.
_ALIASES = {
    "a": "input",
    "x": "input",
    "arrays": "tensors",
    "tup": "tensors",
    "axis": "dim",
    "keepdims": "keepdim",
    "x1": "input",
    "x2": "other",
    "y": "other",
    "a_min": "min",
    "a_max": "max",
    "ord": "p",
}


class Function(NamedTuple):
    """A torch function with the function rule ``rule``: for each rule
    parameter, its (position, keyword) in torch's call, or None; the
    options the rule reads, likewise; how many positional parameters
    torch's function has."""

    rule: str
    params: tuple[tuple[int, str] | None, ...]
    seqs: tuple[str, ...]
    options: tuple[tuple[str, tuple[int, str] | None], ...]
    # plans of ``f(x)`` alone: by x's unit (its identity, see
    # dispatch._cached), and shape where the rule reads shapes
    plans: dict[Any, Any]
    inplace: bool = False
    postprocess: Callable[..., Any] | None = None
    # the layout of the other parameters when the call is ``f(x)`` alone
    # with x the first rule parameter (None: no such call)
    alone: tuple[None, ...] | None = None
    # what computes it, when not the function called (a torch function
    # written in Python that Dynamo cannot run with torch functions disabled)
    call: Callable[..., Any] | None = None
    # the layout of the other parameters when the call is ``f(x, y)`` with
    # x and y the first two rule parameters (None: no such call)
    duo: tuple[None, ...] | None = None
    # torch's keywords for the rule's parameters and options
    keywords: frozenset[str] = frozenset()
    # the rule's units read the operands' shapes
    shaped: bool = True
    # per rule parameter: an integer there is a count (histogram's bins)
    counts: tuple[bool, ...] = ()
    # torch's keywords of parameters torch takes as Python floats (a loss's
    # beta, a norm's eps, histogram's range): quantities here, converted by
    # the rule, then handed to torch as floats
    floats: frozenset[str] = frozenset()


def function(
    rule: str,
    torch_params: Sequence[str],
    inplace: bool = False,
    postprocess: Callable[..., Any] | None = None,
    aliases: dict[str, str] | None = None,
    call: Callable[..., Any] | None = None,
    floats: Sequence[str] = (),
) -> Function:
    """A :class:`Function` for ``rule`` and torch's positional parameter
    names; ``"other=b"`` names torch's ``other`` the rule's parameter ``b``
    (where the shared aliases do not say it)."""
    found = _core.function_rule(rule)
    if found is None:
        raise KeyError(rule)
    rule_params, rule_options, _, _, shaped = found
    names = [p.split("=")[0] for p in torch_params]
    named = dict(reversed(p.split("=")) for p in torch_params if "=" in p)
    extra = {**_ALIASES, **named, **(aliases or {})}

    def resolve(alternatives: Sequence[str]) -> tuple[int, str] | None:
        for n in alternatives:
            if n.startswith("#"):
                k = int(n[1:])
                return (k, names[k]) if k < len(names) else None
            for candidate in (n, extra.get(n)):
                if candidate is not None and candidate in names:
                    return names.index(candidate), candidate
        # keyword-only in torch: found by name
        n = alternatives[0]
        return (1 << 30, extra.get(n, n)) if not n.startswith("#") else None

    params = tuple(resolve(p[0]) for p in rule_params)
    seqs = tuple(p[1] for p in rule_params)
    counts = tuple(bool(p[2]) for p in rule_params)
    options = tuple((o, resolve([o])) for o in rule_options)
    alone = duo = None
    if params and params[0] is not None and params[0][0] == 0 and seqs[0] == "one":
        alone = (None,) * (len(params) - 1) if not inplace else None
        if len(params) > 1 and params[1] is not None and params[1][0] == 1 and seqs[1] == "one":
            duo = (None,) * (len(params) - 2) if not inplace else None
    keywords = frozenset(at[1] for at in (*params, *(at for _, at in options)) if at is not None)
    return Function(
        rule,
        params,
        seqs,
        options,
        {},
        inplace,
        postprocess,
        alone,
        call,
        duo,
        keywords,
        shaped,
        counts,
        frozenset(floats),
    )


def signature_names(func: Callable[..., Any]) -> list[str]:
    """Positional parameter names of a Python function (nn.functional)."""
    kinds = inspect.Parameter
    return [
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)
    ]


def _option(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(v)
    if isinstance(v, torch.Size):
        return tuple(v)
    return v


# (rule, unit, shape) -> (conversion, result units) of a one-operand call
def _alone(spec: Function, func: Any, x: Any) -> Any:
    """``f(x)`` of one DimTensor and nothing else (``a.sum()``,
    ``torch.mean(a)``), an eager fast path (see :func:`dispatch._pair`):
    the plan read from the spec's cache, torch's fresh result relabelled in
    place."""
    if type(x) is not dispatch.CLS or spec.alone is None:
        return None
    u = x._unit
    if u is None:
        return None
    compiling = is_compiling()  # plans then go through Dynamo's constants
    with PLAIN():  # one context for the shape and the call
        sh = sizes(x, compiling) if spec.shaped or compiling else None
        plan = None if compiling else spec.plans.get(id(u) if sh is None else (id(u), sh))
        if plan is None:
            shape = sizes(x, compiling) if sh is None else sh
            convs, units, _, known = plans.function_plan(spec.rule, ((shape,), *spec.alone), (), u)
            if known is not None:
                return None
            plan = convs[0][0], units
            if not compiling:
                token = plans.token(u)
                plans.remember(spec.plans, token if sh is None else (token, sh), plan)
        conv, units = plan
        if conv != IDENTITY:
            x = convert(x, conv)
        result = (spec.call or func)(x)
    if spec.postprocess is not None:
        result = spec.postprocess(result)
    if type(result) is torch.Tensor and units and units[0] is not None:
        return labelled(result, units[0], result is not x, compiling, (x,))  # sum, mean, ...
    return wrap_results(result, units, (x,))


# (rule, units, shapes) -> (conversions, result unit) of a two-operand call
_DUO: dict[Any, Any] = {}


def _duo(spec: Function, func: Any, x: Any, y: Any, kwargs: dict[str, Any]) -> Any:
    """``f(x, y, **kwargs)`` of two DimTensors that are the rule's first two
    parameters (``mse_loss(a, b)``, ``torch.dist(a, b)``) and keywords the
    rule does not read (``reduction="sum"``), an eager fast path: the plan
    read from a cache, the operands converted, one unit."""
    if (
        type(x) is not dispatch.CLS
        or type(y) is not dispatch.CLS
        or spec.duo is None
        or is_compiling()
    ):
        return None
    for k, v in kwargs.items():
        if k in spec.keywords or isinstance(v, (torch.Tensor, tuple, list)):
            return None
    ux, uy = x._unit, y._unit
    if ux is None or uy is None:
        return None
    with PLAIN():
        k = (spec.rule, plans.token(ux), plans.token(uy), tuple(x.shape), tuple(y.shape))
        plan = _DUO.get(k)
        if plan is None:
            convs, units, _, known = plans.function_plan(
                spec.rule, ((k[3],), (k[4],), *spec.duo), (), ux, uy
            )
            if known is not None or len(units) != 1 or units[0] is None:
                return None
            plan = plans.remember(_DUO, k, (convs[0][0], convs[1][0], units[0]))
        cx, cy, unit = plan
        result = (spec.call or func)(convert(x, cx), convert(y, cy), **kwargs)
    if spec.postprocess is not None:
        result = spec.postprocess(result)
    if type(result) is not torch.Tensor:
        return wrap(result, unit, (x, y))
    return labelled(result, unit, result is not x and result is not y, False, (x, y))


def run_function(spec: Function, func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    if len(args) == 1 and not kwargs:
        done = _alone(spec, func, args[0])
        if done is not None:
            return done
    elif len(args) == 2:
        done = _duo(spec, func, args[0], args[1], kwargs)
        if done is not None:
            return done
    target = args[0] if args else None  # of an in-place call, before any conversion
    args, kwargs = list(args), dict(kwargs)
    out = kwargs.pop("out", None)
    compiling = is_compiling()
    values: list[Any] = []
    layout: list[Any] = []  # per rule parameter: None, or its operands' shapes
    keys: list[Any] = []
    with PLAIN():  # shapes read with torch functions off
        for at, seq, count in zip(spec.params, spec.seqs, spec.counts, strict=True):
            v = MISSING if at is None else argument(args, kwargs, at)
            if v is MISSING or v is None or (count and type(v) is int):
                values.append(MISSING)
                layout.append(None)
                continue
            values.append(v)
            operands = (v,) if seq == "one" else v
            keys.extend(key(x) for x in operands)
            layout.append(
                tuple(sizes(x, compiling) if isinstance(x, torch.Tensor) else () for x in operands)
            )
    options = []
    for name, at in spec.options:
        v = MISSING if at is None else argument(args, kwargs, at)
        if v is not MISSING:
            options.append((name, _option(v)))
    convs, units, _repeat, known = plans.function_plan(
        spec.rule, tuple(layout), tuple(options), *keys
    )
    if known is not None:  # isin/equal across dimensions: nothing can be equal
        first = values[0]

        def full(fill: bool) -> Any:
            with PLAIN():
                return torch.full(first.shape, fill, dtype=torch.bool, device=first.device)

        return known_value(spec.rule, known, kwargs.get("invert"), full)
    done_pos: set[int] = set()
    done_kw: set[str] = set()
    for at, seq, v, cs in zip(spec.params, spec.seqs, values, convs, strict=True):
        if v is MISSING or at is None:
            continue
        if seq == "one":
            new = convert(v, cs[0])
            if at[1] in spec.floats:
                new = as_float(new)
        else:
            new = type(v)(convert(x, c) for x, c in zip(v, cs, strict=True))
            if at[1] in spec.floats:
                new = type(v)(as_float(x) for x in new)
        put(args, kwargs, at, new)
        if at[0] < len(args):
            done_pos.add(at[0])
        else:
            done_kw.add(at[1])
    if spec.inplace:
        done_pos.add(0)
    # the other arguments take no unit (plain() refuses a dimensional one)
    for i, a in enumerate(args):
        if i not in done_pos and isinstance(a, (dispatch.CLS, tuple, list)):
            args[i] = plain(a, lambda: f"torch {name_of(func)}")
    for k, v in kwargs.items():
        if k not in done_kw and isinstance(v, (dispatch.CLS, tuple, list)):
            kwargs[k] = plain(v, lambda k=k: f"torch {name_of(func)}'s {k}=")
    if spec.inplace:
        return inplace(func, target, args, kwargs, units[0] if units else None)
    with PLAIN():
        result = (spec.call or func)(*args, **kwargs)
    if spec.postprocess is not None:
        result = spec.postprocess(result)
    if out is not None:
        return deliver(result, units[0] if units else None, out, name_of(func))
    return wrap_results(result, units, [*args, *kwargs.values()])


def wrap_results(result: Any, units: Sequence[Any], inputs: Sequence[Any] = ()) -> Any:
    """Each result with its unit (the last unit applies to further results;
    None: a plain result)."""

    def one(values: Any, unit: Any) -> Any:
        return values if unit is None else wrap(values, unit, inputs)

    if isinstance(result, torch.Tensor):
        return one(result, units[0] if units else None)
    if isinstance(result, (tuple, list)) and units:
        items = [one(v, units[min(i, len(units) - 1)]) for i, v in enumerate(result)]
        return type(result)(items)
    return result


def method(func: Any, handler: Callable[..., Any], spec: Ufunc | Function) -> Callable[..., Any]:
    """DimTensor's own method for the torch.Tensor method ``func``: its fast
    path called directly, else ``handler`` as torch's dispatch would call it."""
    unary = isinstance(spec, Ufunc)

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:
            done = dispatch._single(spec, func, self) if unary else _alone(spec, func, self)  # type: ignore[arg-type]
            if done is not None:
                return done
        return handler(func, (self, *args), kwargs)

    run.__name__ = func.__name__
    run.__qualname__ = f"DimTensor.{func.__name__}"
    run.__doc__ = func.__doc__
    return run
