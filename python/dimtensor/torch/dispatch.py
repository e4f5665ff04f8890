"""How each torch function is run on DimTensors: which rule of the core's
table applies (a ufunc rule by name, a function rule by name, or "the unit
is kept"), which arguments are its operands, and how the result is wrapped.

Every unit comes from :mod:`.plans` (the core's table); this module only
maps torch's functions and argument names onto the table's rules. A torch
function with no entry here either returns no tensor (metadata: shapes,
dtypes, devices) or is refused with a ``TypeError`` naming it, never run
with a guessed unit.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch.compiler import is_compiling

from dimtensor import _core
from dimtensor._backend import ONE
from dimtensor._core import DimArray as NumpyDimArray
from dimtensor._core import Unit
from dimtensor._functions import known_value
from dimtensor.errors import (
    DimensionError,
    OffsetUnitError,
    UnitConversionError,
    UnitStrippedError,
)

from . import plans
from .plans import WILD, number_key

PLAIN = torch._C.DisableTorchFunctionSubclass
IDENTITY = (1.0, 0.0)

# Filled by tensor.py: the DimTensor class.
CLS: Any = None


def key(x: Any) -> Any:
    """An operand as the plans see it."""
    if isinstance(x, torch.Tensor):
        if isinstance(x, CLS):
            u = x._unit
            return u if u is not None else WILD
        return None
    if isinstance(x, Unit):
        return x
    if isinstance(x, NumpyDimArray):
        return plans.intern(x.__dimtensor_unit__)
    return number_key(x)


def bare(x: torch.Tensor) -> torch.Tensor:
    """A DimTensor's values as a plain tensor: its memory, on its autograd
    graph. Dynamo cannot trace ``as_subclass`` from a subclass; a view
    taken with torch functions disabled is plain there."""
    with PLAIN():
        if is_compiling():
            return x.view_as(x)
        return x.as_subclass(torch.Tensor)


def shape(x: Any) -> tuple[int, ...]:
    if not isinstance(x, torch.Tensor):
        return ()
    with PLAIN():  # a subclass's .shape would go through __torch_function__
        return _sizes(x, is_compiling())


def _sizes(x: torch.Tensor, compiling: bool) -> tuple[int, ...]:
    """A tensor's shape as the plans take it (torch functions disabled)."""
    if compiling:
        return tuple(int(n) for n in x.shape)  # no symbolic sizes in plans
    return tuple(x.shape)


def convert(x: Any, conv: Sequence[float]) -> Any:
    """The magnitudes of ``x`` converted by ``a·x + b`` (x itself for the identity)."""
    if isinstance(x, NumpyDimArray):
        x = torch.as_tensor(x._data)
    elif isinstance(x, Unit):
        x = 1.0
    a, b = conv
    if a == 1.0 and b == 0.0:
        return x
    with PLAIN():  # torch's functions: a DimTensor's own operators would run its rules
        scaled = torch.mul(x, a)
        return torch.add(scaled, b) if b else scaled


def wrap(values: Any, unit: Unit | None, inputs: Sequence[Any] = ()) -> Any:
    """Tensors become DimTensors in ``unit`` (None: dimensionless). A result
    that is none of the call's ``inputs`` is fresh, and changes class in place."""
    if isinstance(values, torch.Tensor):
        for x in inputs:
            if values is x:
                return CLS._new(values, unit if unit is not None else ONE)
        return CLS._new(values, unit if unit is not None else ONE, True)
    if isinstance(values, (tuple, list)):
        return type(values)([wrap(v, unit, inputs) for v in values])
    return values


def plain(x: Any, what: str | Callable[[], str]) -> Any:
    """An argument that takes no unit: a dimensionless DimTensor's values at
    scale 1; a unit there would be dropped, so a dimensional one is refused.
    ``what`` names the argument (or makes its name, only for the error)."""
    if isinstance(x, CLS):
        u = x._unit
        if u is None:
            return x
        if not u.is_dimensionless:
            if callable(what):
                what = what()
            raise UnitStrippedError(
                f"{what} takes plain numbers here, not a DimTensor in '{u}': its unit would be "
                "dropped; pass .to_value(unit) if you mean the numbers"
            )
        return convert(x, (u.scale, 0.0))
    if isinstance(x, (tuple, list)):
        return type(x)(plain(v, what) for v in x)
    return x


def _name(func: Any) -> str:
    name = getattr(func, "__name__", None)
    if name in (None, "__get__", "__set__"):
        owner = getattr(func, "__self__", None)
        name = f"{getattr(owner, '__name__', '?')}.{name}"
    return str(name)


def refuse(func: Any) -> TypeError:
    return TypeError(
        f"dimtensor has no unit rule for torch {_name(func)}; call it on .to_value(unit) "
        "(a plain tensor) and attach the unit you expect with DimTensor(result, unit)"
    )


# ---- ufuncs ---------------------------------------------------------------------


class Ufunc(NamedTuple):
    """A torch function with the unit rule of NumPy ufunc ``rule``: its
    operands in the rule's order, each as (position, keyword)."""

    rule: str
    operands: tuple[tuple[int, str], ...]
    inplace: bool = False
    # what computes it, when not the function called (torch's Python-level
    # operators, which Dynamo cannot run with torch functions disabled)
    call: Callable[..., Any] | None = None


def _arg(args: Sequence[Any], kwargs: dict[str, Any], at: tuple[int, str]) -> Any:
    i, kw = at
    if i < len(args):
        return args[i]
    return kwargs.get(kw, _MISSING)


_MISSING = object()


def _exponent(name: str, x: Any) -> float | None:
    """A power's exponent, known now: a number, or a one-element plain or
    dimensionless tensor read outside compiled code."""
    if name not in POWERS:
        return None
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return float(x)
    if isinstance(x, torch.Tensor) and x.numel() == 1 and not is_compiling():
        with PLAIN():
            value = x.detach().reshape(()).item()
        if isinstance(value, complex):
            return None  # no real exponent: any unit of the base refuses it
        value = float(value)
        if isinstance(x, CLS) and x._unit is not None and x._unit.is_dimensionless:
            value *= x._unit.scale
        return value
    return None


# ---- the eager fast paths ---------------------------------------------------------
# The calls made most (an operator between two DimTensors, a one-operand
# ufunc, a reduction of one tensor) read their plan from the cache by the
# operands' units and turn torch's fresh result into a DimTensor in place:
# about 1.5-2 µs over torch per call (as much as torch charges any subclass
# for a do-nothing __torch_function__), where the general path below takes
# 5-15 µs. They stay short on purpose: at 1e6 elements the operands evict
# the interpreter's data from the CPU caches, so every object touched costs
# more than its instruction count. Where one does not apply (compiled code,
# a pending unit, a keyword, a result that is no fresh tensor) it returns
# None before running anything, and the general path runs the call.

POWERS = ("power", "float_power")
_SAME2 = (IDENTITY, IDENTITY)
_UFUNC_PLANS = plans.UFUNC_PLANS
_token = plans.token


def _labelled(result: Any, unit: Unit, fresh: bool, compiling: bool, inputs: Any = ()) -> Any:
    """A result in ``unit``: a fresh plain tensor (none of the ``inputs``)
    changes class in place."""
    if fresh and not compiling and type(result) is torch.Tensor:
        result.__class__ = CLS
        result._unit = unit
        return result
    if result is NotImplemented:
        return result
    if isinstance(result, torch.Tensor):
        return CLS._new(result, unit, fresh)
    return wrap(result, unit, inputs)


def _cached(rule: str, keys: tuple[Any, ...], compiling: bool) -> Any:
    """The plan of ufunc ``rule`` without an exponent (a dict read in eager
    code). Plan caches hold interned units by identity (:func:`plans.token`);
    looking one up by the ids of any live units is safe, since no other live
    object has an interned unit's id (a unit not interned just misses)."""
    plan = None if compiling else _UFUNC_PLANS.get((rule, tuple(map(id, keys)), None))
    return plan if plan is not None else plans.ufunc_plan(rule, None, *keys)


def _pair(spec: Ufunc, func: Any, x: Any, y: Any) -> Any:
    """``x ∘ y`` of two DimTensors (the rule's operands, in its order) whose
    plan converts nothing, or one operand of a sum (see :func:`_scaled_sum`)."""
    if type(x) is not CLS or type(y) is not CLS:
        return None
    ux, uy = x._unit, y._unit
    if ux is None or uy is None:
        return None
    compiling = is_compiling()
    convs, outs, const = _cached(spec.rule, (ux, uy), compiling)
    if const is not None:
        return None
    if convs != _SAME2:
        summed = _scaled_sum(spec.rule, (x, y), convs)
        return None if summed is None else _labelled(summed, outs[0], True, compiling)
    call = spec.call or func
    with PLAIN():
        result = call(x, y) if spec.operands[0][0] == 0 else call(y, x)
    return _labelled(result, outs[0], result is not x and result is not y, compiling, (x, y))


def _single(spec: Ufunc, func: Any, x: Any) -> Any:
    """``f(x)`` of one DimTensor (``torch.sqrt(a)``, ``-a``, ``a.exp()``)."""
    if type(x) is not CLS:
        return None
    u = x._unit
    if u is None:
        return None
    compiling = is_compiling()
    convs, outs, const = _cached(spec.rule, (u,), compiling)
    if const is not None or convs[0] != IDENTITY:
        return None
    with PLAIN():
        result = (spec.call or func)(x)
    return _labelled(result, outs[0], result is not x, compiling, (x,))


def _power(spec: Ufunc, func: Any, x: Any, n: Any) -> Any:
    """``x ** n`` of a DimTensor and a Python number."""
    if type(x) is not CLS or type(n) not in (int, float) or x._unit is None:
        return None
    convs, outs, const = plans.ufunc_plan(spec.rule, float(n), x._unit, number_key(n))
    if const is not None or convs[0] != IDENTITY:
        return None
    with PLAIN():
        result = (spec.call or func)(x, n)
    return _labelled(result, outs[0], result is not x, is_compiling(), (x,))


def operator(spec: Ufunc) -> Callable[..., Any]:
    """DimTensor's method for a Python operator (``x + y`` calls it directly,
    without torch's dispatch): a fast path where one applies, else the
    general path."""
    call = spec.call

    def unary(x: Any) -> Any:
        done = _single(spec, call, x)
        return done if done is not None else run_ufunc(spec, call, (x,), {})

    def binary(x: Any, y: Any) -> Any:
        done = _pair(spec, call, x, y)
        return done if done is not None else run_ufunc(spec, call, (x, y), {})

    def power(x: Any, y: Any) -> Any:
        done = _power(spec, call, x, y)
        return done if done is not None else run_ufunc(spec, call, (x, y), {})

    def general(*args: Any) -> Any:
        return run_ufunc(spec, call, args, {})

    if len(spec.operands) == 1:
        return unary
    if spec.inplace or spec.operands[0][0] != 0:
        return general
    return power if spec.rule in POWERS else binary  # new functions each call: named by the table


def method(func: Any, handler: Callable[..., Any], spec: Ufunc | Function) -> Callable[..., Any]:
    """DimTensor's own method for the torch.Tensor method ``func``: its fast
    path called directly, else ``handler`` as torch's dispatch would call it."""
    unary = isinstance(spec, Ufunc)

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:
            done = _single(spec, func, self) if unary else _alone(spec, func, self)  # type: ignore[arg-type]
            if done is not None:
                return done
        return handler(func, (self, *args), kwargs)

    run.__name__ = func.__name__
    run.__qualname__ = f"DimTensor.{func.__name__}"
    run.__doc__ = func.__doc__
    return run


def run_ufunc(spec: Ufunc, func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    if not kwargs and not spec.inplace and len(args) == len(spec.operands):
        if len(args) == 1:
            done = _single(spec, func, args[0])
        elif spec.rule in POWERS:
            done = _power(spec, func, *args) if spec.operands[0][0] == 0 else None
        else:
            first, second = spec.operands[0][0], spec.operands[1][0]
            done = _pair(spec, func, args[first], args[second])
        if done is not None:
            return done
    operands = [_arg(args, kwargs, at) for at in spec.operands]
    operands = [x for x in operands if x is not _MISSING]
    keys = [key(x) for x in operands]
    exponent = None
    scaled = False
    if len(operands) == 2 and spec.rule in POWERS:
        exponent = _exponent(spec.rule, operands[1])  # scale included (50 % is 0.5)
        k = keys[1]
        if isinstance(k, Unit) and k.is_dimensionless:
            # the exponent's values count at scale 1, as its value was read:
            # torch computes with them, and the plan sees plain numbers
            operands[1] = plain(operands[1], "an exponent")
            keys[1], scaled = None, True
    convs, outs, const = plans.ufunc_plan(spec.rule, exponent, *keys)
    if const is None and not spec.inplace and len(args) <= 2 and not kwargs:
        fused = _scaled_sum(spec.rule, operands, convs)
        if fused is not None:
            return wrap(fused, outs[0])
    target = args[0] if args else None  # of an in-place call, before any conversion
    args, kwargs = list(args), dict(kwargs)
    if scaled:
        _put(args, kwargs, spec.operands[1], operands[1])
    for at, x, c in zip(spec.operands, operands, convs, strict=False):
        if c != IDENTITY or isinstance(x, (NumpyDimArray, Unit)):
            _put(args, kwargs, at, convert(x, c))
    for k_, v in kwargs.items():
        if isinstance(v, CLS) and k_ != "out":
            kwargs[k_] = plain(v, f"torch {_name(func)}'s {k_}=")
    if spec.inplace:
        return _inplace(func, target, args, kwargs, outs[0])
    out = kwargs.pop("out", None)
    if const is not None:
        with PLAIN():
            raws = [x for x in args if isinstance(x, torch.Tensor)]
            sh = torch.broadcast_shapes(*(r.shape for r in raws))
            result = torch.full(sh, const, dtype=torch.bool, device=raws[0].device)
    else:
        with PLAIN():
            result = (spec.call or func)(*args, **kwargs)
    if out is not None:
        return deliver(result, outs[0], out, _name(func))
    if isinstance(result, tuple):
        return tuple(wrap(r, u, args) for r, u in zip(result, outs, strict=True))
    return wrap(result, outs[0], args)


_ALPHA = {"add": torch.add, "subtract": torch.sub}


def _scaled_sum(rule: str, operands: Sequence[Any], convs: Sequence[Any]) -> Any:
    """``x + s·y`` or ``x − s·y`` in one pass, through torch's ``alpha=``,
    where converting ``y`` first would take a pass (and a tensor) of its
    own: ``m + km`` at the cost of a plain sum. None where it does not
    apply (offsets, integers, compiled code, which fuses by itself)."""
    fn = _ALPHA.get(rule)
    if fn is None or len(operands) != 2:
        return None
    (sx, bx), (sy, by) = convs
    if bx or by or (sx == 1.0 and sy == 1.0) or is_compiling():
        return None
    x, y = operands
    if not all(isinstance(t, torch.Tensor) and t.is_floating_point() for t in (x, y)):
        return None
    if sx == 1.0:
        first, second, alpha = x, y, sy
    elif sy == 1.0 and rule == "add":
        first, second, alpha = y, x, sx
    else:
        return None
    with PLAIN():
        return fn(first, second, alpha=alpha)


def _put(args: list[Any], kwargs: dict[str, Any], at: tuple[int, str], value: Any) -> None:
    i, kw = at
    if i < len(args):
        args[i] = value
    else:
        kwargs[kw] = value


def _inplace(
    func: Any, target: Any, args: list[Any], kwargs: dict[str, Any], unit: Unit | None
) -> Any:
    """``x.op_(...)``: computed in x's own memory when the result is in x's
    unit and x itself is the operand (not a copy the plan converted); a
    result in another unit of the same dimension, or of a converted x, is
    computed apart and copied in; another dimension is refused before
    anything is written."""
    own = target._unit if isinstance(target, CLS) else ONE
    if own is None:  # a tensor whose unit is not chosen yet takes the result's
        target._unit = own = unit if unit is not None else ONE
    result_unit = unit if unit is not None else ONE
    name = _name(func)
    # the out-of-place twin: __imul__ -> __mul__, mul_ -> mul
    twin = "__" + name[3:] if name.startswith("__i") else name.rstrip("_")
    write = f"x = x {_SYMBOLS[twin]} y" if twin in _SYMBOLS else f"x = torch.{twin}(...)"
    a, b = _holding(name, result_unit, own, f"write `{write}`")
    if (a, b) == IDENTITY and args[0] is target:
        with PLAIN():
            func(*args, **kwargs)
        return target
    with PLAIN():
        outplace = getattr(torch.Tensor, twin)
        result = outplace(*args, **kwargs)
        target.copy_(convert(result, (a, b)))
    return target


# Python's operator symbols, for messages
_SYMBOLS = {
    f"__{name}__": sym
    for name, sym in zip(
        "add sub mul matmul truediv floordiv div mod pow lshift rshift and or xor".split(),
        "+ - * @ / // / % ** << >> & | ^".split(),
        strict=True,
    )
}


def _holding(name: str, unit: Unit, target: Unit, instead: str) -> tuple[float, float]:
    """The conversion of a result in ``unit`` into a tensor in ``target``
    that ``name`` writes (in place, ``out=``); a clear refusal where
    ``target`` cannot hold it (another dimension or kind), as NumPy's."""
    try:
        return plans.conversion(unit, target)
    except (UnitConversionError, OffsetUnitError) as e:
        raise UnitConversionError(
            f"{name} writes into a tensor in '{target}' in place, but its result is in "
            f"'{unit}', which that tensor cannot hold; {instead} to get a new tensor"
        ) from e


def deliver(values: Any, unit: Unit | None, out: Any, what: str) -> Any:
    """The result written into ``out=`` by ``what`` (a name for messages)."""
    if isinstance(out, CLS):
        if out._unit is None:
            out._unit = unit if unit is not None else ONE
        conv = _holding(what, unit or ONE, out._unit, "call it without out=")
        with PLAIN():
            out.copy_(convert(values, conv))
        return out
    with PLAIN():
        out.copy_(values)
    # the caller's plain tensor stays one: the result is a view of it
    return out if unit is None else wrap(out, unit, (out,))


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
    # unit -> result unit of ``f(x)`` alone, where no shape, conversion or
    # postprocessing enters (the leanest eager path)
    memo: dict[Any, Any] | None = None
    # per rule parameter: an integer there is a count (histogram's bins)
    counts: tuple[bool, ...] = ()


def function(
    rule: str,
    torch_params: Sequence[str],
    inplace: bool = False,
    postprocess: Callable[..., Any] | None = None,
    aliases: dict[str, str] | None = None,
    call: Callable[..., Any] | None = None,
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
    memo = {} if alone is not None and not shaped and postprocess is None else None
    return Function(
        rule,
        params,
        seqs,
        options,
        inplace,
        postprocess,
        alone,
        call,
        duo,
        keywords,
        shaped,
        memo,
        counts,
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
_ALONE: dict[Any, Any] = {}


def _alone(spec: Function, func: Any, x: Any) -> Any:
    """``f(x)`` of one DimTensor and nothing else (``a.sum()``,
    ``torch.mean(a)``), an eager fast path (see :func:`_pair`)."""
    if type(x) is not CLS or spec.alone is None:
        return None
    u = x._unit
    if u is None:
        return None
    compiling = is_compiling()  # plans then go through Dynamo's constants
    memo = spec.memo
    if memo is not None and not compiling:
        unit = memo.get(id(u))  # safe by identity: see _cached
        if unit is not None:
            with PLAIN():
                result = (spec.call or func)(x)
            if type(result) is torch.Tensor and result is not x:
                result.__class__ = CLS
                result._unit = unit
                return result
            return wrap(result, unit, (x,))
    with PLAIN():  # one context for the shape and the call
        sh = _sizes(x, compiling)
        plan = None if compiling else _ALONE.get((spec.rule, id(u), sh))
        if plan is None:
            convs, units, _, known = plans.function_plan(spec.rule, ((sh,), *spec.alone), (), u)
            if known is not None:
                return None
            plan = convs[0][0], units
            if not compiling:
                plans.remember(_ALONE, (spec.rule, _token(u), sh), plan)
                if memo is not None and plan[0] == IDENTITY and len(units) == 1 and units[0]:
                    plans.remember(memo, _token(u), units[0])
        conv, units = plan
        if conv != IDENTITY:
            x = convert(x, conv)
        result = (spec.call or func)(x)
    if spec.postprocess is not None:
        result = spec.postprocess(result)
    if type(result) is torch.Tensor and units and units[0] is not None:
        return _labelled(result, units[0], result is not x, compiling, (x,))  # sum, mean, ...
    return wrap_results(result, units, (x,))


# (rule, units, shapes) -> (conversions, result unit) of a two-operand call
_DUO: dict[Any, Any] = {}


def _duo(spec: Function, func: Any, x: Any, y: Any, kwargs: dict[str, Any]) -> Any:
    """``f(x, y, **kwargs)`` of two DimTensors that are the rule's first two
    parameters (``mse_loss(a, b)``, ``torch.dist(a, b)``) and keywords the
    rule does not read (``reduction="sum"``), an eager fast path: the plan
    read from a cache, the operands converted, one unit."""
    if type(x) is not CLS or type(y) is not CLS or spec.duo is None or is_compiling():
        return None
    for k, v in kwargs.items():
        if k in spec.keywords or isinstance(v, (torch.Tensor, tuple, list)):
            return None
    ux, uy = x._unit, y._unit
    if ux is None or uy is None:
        return None
    with PLAIN():
        k = (spec.rule, _token(ux), _token(uy), tuple(x.shape), tuple(y.shape))
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
    return _labelled(result, unit, result is not x and result is not y, False, (x, y))


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
            v = _MISSING if at is None else _arg(args, kwargs, at)
            if v is _MISSING or v is None or (count and type(v) is int):
                values.append(_MISSING)
                layout.append(None)
                continue
            values.append(v)
            operands = (v,) if seq == "one" else v
            keys.extend(key(x) for x in operands)
            layout.append(
                tuple(_sizes(x, compiling) if isinstance(x, torch.Tensor) else () for x in operands)
            )
    options = []
    for name, at in spec.options:
        v = _MISSING if at is None else _arg(args, kwargs, at)
        if v is not _MISSING:
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
        if v is _MISSING or at is None:
            continue
        if seq == "one":
            new = convert(v, cs[0])
        else:
            new = type(v)(convert(x, c) for x, c in zip(v, cs, strict=True))
            if (spec.rule, at[1]) in _AS_FLOATS:
                new = type(v)(as_float(x) for x in new)
        _put(args, kwargs, at, new)
        if at[0] < len(args):
            done_pos.add(at[0])
        else:
            done_kw.add(at[1])
    if spec.inplace:
        done_pos.add(0)
    # the other arguments take no unit (plain() refuses a dimensional one)
    for i, a in enumerate(args):
        if i not in done_pos and isinstance(a, (CLS, tuple, list)):
            args[i] = plain(a, lambda: f"torch {_name(func)}")
    for k, v in kwargs.items():
        if k not in done_kw and isinstance(v, (CLS, tuple, list)):
            kwargs[k] = plain(v, lambda k=k: f"torch {_name(func)}'s {k}=")
    if spec.inplace:
        return _inplace(func, target, args, kwargs, units[0] if units else None)
    with PLAIN():
        result = (spec.call or func)(*args, **kwargs)
    if spec.postprocess is not None:
        result = spec.postprocess(result)
    if out is not None:
        return deliver(result, units[0] if units else None, out, _name(func))
    return wrap_results(result, units, [*args, *kwargs.values()])


# Sequences torch takes as Python floats: given as quantities, converted,
# then handed over as floats (histogram's range=(lo, hi)).
_AS_FLOATS = {("histogram", "range")}


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


# ---- the unit is kept ------------------------------------------------------------------


def run_keep(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """Rearranging, copying, moving and casting: the result keeps the unit
    of the first argument (the table's rule of ``reshape``, ``#0:A -> A``).
    Other tensors in the call lend shapes, dtypes or indices."""
    x = args[0]
    k = key(x)
    if isinstance(k, Unit):
        _, units, _, _ = plans.function_plan_of("reshape", (((k, ()),),), ())
        unit = units[0]
    else:
        unit = None
    rest = [
        plain(a, f"torch {_name(func)}") if isinstance(a, CLS) and _is_index(a) else a
        for a in args[1:]
    ]
    with PLAIN():
        result = func(x, *rest, **kwargs)
    if k is WILD or (isinstance(x, CLS) and x._unit is None):
        return _pending(result)
    return wrap(result, unit, args)


def _is_index(t: Any) -> bool:
    return not (t.is_floating_point() or t.is_complex())


def _pending(values: Any) -> Any:
    if isinstance(values, torch.Tensor):
        return CLS._new(values, None)
    if isinstance(values, (tuple, list)):
        return type(values)(_pending(v) for v in values)
    return values


def run_getitem(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    x, index = args[0], args[1]
    if isinstance(index, tuple):
        index = tuple(plain(i, "an index") for i in index)
    else:
        index = plain(index, "an index")
    with PLAIN():
        result = func(x, index)
    return CLS._new(result, x._unit) if isinstance(x, CLS) else result


def run_setitem(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``x[i] = value``: value converted to the unit of ``x``."""
    x, index, value = args
    index = (
        tuple(plain(i, "an index") for i in index)
        if isinstance(index, tuple)
        else plain(index, "an index")
    )
    unit, convs = plans.same_unit_plan("assignment", key(x), key(value))
    if isinstance(x, CLS) and x._unit is None and unit is not None:
        x._unit = unit
    elif not isinstance(x, CLS) and isinstance(unit, Unit) and not unit.is_dimensionless:
        raise UnitStrippedError(
            f"assigning a quantity in '{unit}' into a plain tensor would drop its unit"
        )
    with PLAIN():
        func(x, index, convert(value, convs[1]))


def run_fill(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``x.fill_(v)`` / ``x.copy_(src)``: the value converted to x's unit."""
    x, value = args[0], args[1]
    unit, convs = plans.same_unit_plan("assignment", key(x), key(value))
    if isinstance(x, CLS) and x._unit is None and unit is not None:
        x._unit = unit
    with PLAIN():
        func(x, convert(value, convs[1]), *args[2:], **kwargs)
    return x


def check_shared(x: Any, source: Any, what: str) -> None:
    """``x`` is to share the memory of ``source`` (``set_``): their units must
    be one (a tensor whose unit is not chosen yet takes the source's)."""
    if not isinstance(source, torch.Tensor):
        return  # a storage: raw memory, as when a tensor is made from it
    unit, convs = plans.same_unit_plan("assignment", key(x), key(source))
    if x._unit is None and unit is not None:
        x._unit = unit
    elif convs[1] != IDENTITY:
        raise UnitConversionError(
            f"{what} makes a tensor in '{x._unit}' share the memory of one in "
            f"'{source._unit}', whose values would be read in the wrong unit; convert "
            f"it first: `x.{what}(y.to('{x._unit}'))`"
        )


def run_new(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``x.new_zeros(n)``, ``x.new_tensor(data)``, …: a new tensor of x's
    dtype and device and no unit, as ``torch.zeros`` makes (x gives only
    those); fill values and data are pure numbers."""
    x, *rest = args
    what = f"torch {_name(func)}"
    rest = [plain(a, what) for a in rest]
    kwargs = {k: plain(v, what) for k, v in kwargs.items()}
    with PLAIN():
        return func(x, *rest, **kwargs)


def run_passthrough(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    with PLAIN():
        return func(*args, **kwargs)


def run_export(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``item()``, ``tolist()``, ``numpy()``, ``float()``…: plain numbers
    only from a dimensionless tensor (at scale 1); a unit is never dropped."""
    x = args[0]
    if isinstance(x, CLS):
        x = plain(x, f"{_name(func)}()")
    with PLAIN():
        return func(x, *args[1:], **kwargs)


# Python's in-place operators, by their method names
_INPLACE_DUNDERS = frozenset("__i" + name[2:] for name in _SYMBOLS)


def run_unknown(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """No rule: an in-place call (``add_``, ``__ixor__``) is refused before it
    runs, since its tensor would already be written; anything else runs, and
    is refused if it returns a tensor (a value without a unit)."""
    name = getattr(func, "__name__", "") or ""
    if (name.endswith("_") and not name.startswith("_")) or name in _INPLACE_DUNDERS:
        raise refuse(func)
    with PLAIN():
        result = func(*args, **kwargs)
    if _has_tensor(result):
        raise refuse(func)
    return result


def _has_tensor(x: Any) -> bool:
    if isinstance(x, torch.Tensor):
        return True
    if isinstance(x, (tuple, list)):
        return any(_has_tensor(v) for v in x)
    return False


# ---- products with a bias: linear and convolutions ------------------------------------


def run_biased(rule: str) -> Callable[..., Any]:
    """``linear(input, weight, bias)``, ``conv*d``: the product's unit by
    the table's rule ``rule`` (``matmul``, ``convolve``), the bias converted
    to it as an added operand (``add``)."""

    def run(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
        args, kwargs = list(args), dict(kwargs)
        x, w = args[0], _arg(args, kwargs, (1, "weight"))
        _, units, _, _ = plans.function_plan_of(
            rule, (((key(x), shape(x)),), ((key(w), shape(w)),)), ()
        )
        unit = units[0]
        bias = _arg(args, kwargs, (2, "bias"))
        if bias is not _MISSING and bias is not None:
            convs, _, _ = plans.ufunc_plan("add", None, unit, key(bias))
            _put(args, kwargs, (2, "bias"), convert(bias, convs[1]))
        with PLAIN():
            result = func(*args, **kwargs)
        return wrap(result, unit, args)

    return run


# ---- value checks ------------------------------------------------------------------------


def as_float(v: Any) -> Any:
    """A converted 0-d bound (``beta=``, ``delta=``) as the float torch wants."""
    if isinstance(v, torch.Tensor):
        with PLAIN():
            return float(v.reshape(()).item())
    return v


def with_float_bound(
    spec: Function, param: str, default: float | None = None, power: int = 1
) -> Callable[..., Any]:
    """A torch function with a plain float parameter that meets the operands'
    values (a loss's ``beta=``/``delta=``, the ``eps`` a norm adds to a
    variance, in the operands' unit to ``power``): its rule takes it as a
    quantity (converted), passed on to torch as a float. torch's own default,
    a plain number, is refused next to dimensional operands (it would be a
    number in whatever unit they came in), with what to pass instead.
    ``default``: torch's default, for a function written in C, which does
    not pass it on."""
    at = next(a for a in spec.params if a is not None and a[1] == param)

    def run(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
        bound = _arg(args, kwargs, at)
        if bound is _MISSING and default is not None:
            bound, kwargs = default, {**kwargs, param: default}
        if isinstance(bound, CLS):

            def with_float(*a: Any, **k: Any) -> Any:
                a, k = list(a), dict(k)
                _put(a, k, at, as_float(_arg(a, k, at)))
                return func(*a, **k)

            return run_function(spec, with_float, args, kwargs)
        try:
            return run_function(spec, func, args, kwargs)
        except DimensionError as e:
            if not isinstance(bound, (int, float)):
                raise
            x = args[0] if args else None
            unit = str(x.unit) if isinstance(x, CLS) else "m"
            unit = unit if power == 1 else f"{unit}^{power}"
            raise DimensionError(
                f"{e}; here {param}={bound} is a plain number (torch's default when none is "
                f"given): pass {param}= as a quantity, e.g. {param}=DimTensor({bound}, "
                f"'{unit}') (a plain 0 is taken in any unit)"
            ) from None

    return run


__all__ = [
    "CLS",
    "PLAIN",
    "F",
    "Function",
    "Ufunc",
    "function",
    "run_function",
    "run_ufunc",
]
