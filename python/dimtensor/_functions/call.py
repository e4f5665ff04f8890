"""One executor for every function with a rule in the core's table.

:func:`call` binds a call's arguments to the parameters the function's rule
names (by the function's own signature), asks the core for the plan
(``_core.function_plan``: each operand's conversion and each result's
unit), converts the magnitudes through the backend, runs the backend's
function and wraps each result. It knows no unit rule: those are lines of
the table in Rust.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, NamedTuple

from dimtensor import _core
from dimtensor._backend import IDENTITY, Backend, is_quantity, unit_of

_ABSENT = object()


class Rule(NamedTuple):
    """A function's rule as the executor needs it (see ``_core.function_rule``)."""

    params: tuple[tuple[tuple[str, ...], str, bool], ...]
    options: tuple[str, ...]
    text: str
    # The function's one array holds one result per entry along its first
    # axis (polynomial coefficients, each in its own unit).
    split: bool


@functools.cache
def rule(name: str) -> Rule | None:
    found = _core.function_rule(name)
    if found is None:
        return None
    params, options, text, split, _ = found
    return Rule(tuple((tuple(n), s, p) for n, s, p in params), tuple(options), text, split)


class Signature(NamedTuple):
    positional: tuple[str, ...]
    var_positional: str | None
    order: tuple[str, ...]
    keywords: frozenset[str]


# A function whose signature Python cannot read (``np.fromstring``): its
# arguments are bound by position only, so a rule can name them as ``#k``.
_UNREADABLE = Signature((), "args", (), frozenset())


@functools.cache
def signature(func: Callable[..., Any]) -> Signature:
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return _UNREADABLE
    kinds = inspect.Parameter
    positional = tuple(
        p.name for p in params if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)
    )
    var = next((p.name for p in params if p.kind == kinds.VAR_POSITIONAL), None)
    keywords = frozenset(
        p.name for p in params if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)
    )
    return Signature(positional, var, tuple(p.name for p in params), keywords)


class Bound:
    """A call's arguments by parameter name, each kept where it was passed
    (positionally or by keyword), so converted values go back in place."""

    def __init__(self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]):
        sig = signature(func)
        self.func, self.sig = func, sig
        self.args, self.kwargs = list(args), dict(kwargs)
        self.where: dict[str, Any] = {}
        for i in range(len(args)):
            if i < len(sig.positional):
                self.where[sig.positional[i]] = i
            elif sig.var_positional is not None:
                self.where[sig.var_positional] = slice(i, None)
                break
            else:
                raise TypeError(
                    f"{_name(func)}() takes at most {len(sig.positional)} positional "
                    f"arguments ({len(args)} given)"
                )
        for k in kwargs:
            if k in self.where:
                raise TypeError(f"{_name(func)}() got multiple values for argument {k!r}")
            self.where[k] = k

    def resolve(self, names: tuple[str, ...], found: str | None) -> str | None:
        """The parameter a rule names: ``found`` in the signature (see
        :func:`resolved`), else one of ``names`` passed to a ``**kwargs``."""
        if found is None:
            found = next((n for n in names if n in self.where), None)
        return found

    def get(self, name: str | None) -> Any:
        at = self.where.get(name) if name is not None else None
        if at is None:
            return _ABSENT
        if isinstance(at, int):
            return self.args[at]
        if isinstance(at, slice):
            return tuple(self.args[at])
        return self.kwargs[at]

    def set(self, name: str, value: Any) -> None:
        at = self.where[name]
        if isinstance(at, int):
            self.args[at] = value
        elif isinstance(at, slice):
            self.args[at] = list(value)
        else:
            self.kwargs[at] = value

    def pop(self, name: str) -> Any:
        value = self.get(name)
        if value is not _ABSENT:
            at = self.where.pop(name)
            if isinstance(at, str):
                del self.kwargs[at]
            else:
                self.args[at] = None
        return value


@functools.cache
def resolved(func: Callable[..., Any], name: str) -> tuple[str | None, ...]:
    """For each parameter of rule ``name``, the parameter of ``func``'s
    signature it names: the first of its names there, or ``#k``, the k-th."""
    sig, r = signature(func), rule(name)
    assert r is not None
    found: list[str | None] = []
    for names, _, _ in r.params:
        hit = None
        for n in names:
            if n.startswith("#"):
                k = int(n[1:])
                hit = sig.order[k] if k < len(sig.order) else None
                break
            if n in sig.order:
                hit = n
                break
        found.append(hit)
    return tuple(found)


def _name(func: Callable[..., Any]) -> str:
    return getattr(func, "__name__", repr(func))


def _passes(v: Any) -> bool:
    """An integer or text in a `?` parameter: a count or a method name."""
    return isinstance(v, (int, str)) and not isinstance(v, bool)


def holds_quantity(v: Any) -> bool:
    if isinstance(v, (list, tuple)):
        return any(holds_quantity(item) for item in v)
    return is_quantity(v)


def _group(v: Any, top: bool) -> bool:
    """Whether a list or tuple is a group of operands: at the top of an
    argument, or nested and holding a quantity (``np.block``'s rows); a
    nested list of plain numbers is one plain operand."""
    return isinstance(v, (list, tuple)) and (top or holds_quantity(v))


def _leaves(v: Any, passthrough: bool, top: bool = True) -> list[Any]:
    """The operands of a list or tuple argument; None and, in a `?`
    parameter, counts are no operands."""
    if _group(v, top):
        return [leaf for item in v for leaf in _leaves(item, passthrough, False)]
    if v is None or (passthrough and _passes(v)):
        return []
    return [v]


def _rebuild(v: Any, passthrough: bool, done: Any, top: bool = True) -> Any:
    """``v`` with its operands replaced, in order, by the items of ``done``."""
    if _group(v, top):
        items = [_rebuild(item, passthrough, done, False) for item in v]
        return type(v)(items) if type(v) in (list, tuple) else items
    if v is None or (passthrough and _passes(v)):
        return v
    return next(done)


def _elements(name: str, pname: str, v: Any) -> list[Any]:
    """The elements of a ``<A B>`` argument (one per coordinate)."""
    if is_quantity(v):
        raise TypeError(
            f"{name}: give {pname!r} per coordinate, as a list ([x_values, y_values, ...]), "
            "not one array with a unit"
        )
    return list(v)


def call(
    name: str,
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    backend: Backend,
    *,
    run: Callable[..., Any] | None = None,
    wrap_plain: bool = False,
    constant: Callable[[Bound, bool], Any] | None = None,
) -> Any:
    """``func(*args, **kwargs)`` with units, by the rule ``name`` of the
    core's table, on ``backend``.

    ``func`` gives the signature the arguments are bound by; ``run`` (the
    backend's own function by default) computes on the converted
    magnitudes. ``wrap_plain``: results without a unit become dimensionless
    quantities (the Array API's arrays) instead of staying plain values.
    ``constant(bound, value)``: the result of an ``=`` rule whose operands'
    dimensions differ (nothing runs then).
    """
    r = rule(name)
    if r is None:
        raise TypeError(f"dimtensor has no unit rule for {name}")
    b = Bound(func, args, kwargs)
    out = b.pop("out") if "out" in b.where else None
    pnames: list[str | None] = []
    values: list[list[Any] | None] = []
    for (names, seq, passthrough), hit in zip(r.params, resolved(func, name), strict=True):
        pname = hit if hit is not None else b.resolve(names, hit)
        v = b.get(pname)
        pnames.append(pname)
        if v is _ABSENT or v is None or (passthrough and _passes(v)):
            values.append(None)
        elif seq == "one":
            values.append([v])
        elif seq == "positional":
            assert pname is not None
            values.append([_leaves(e, passthrough) for e in _elements(name, pname, v)])
        elif isinstance(v, (list, tuple)):
            values.append(_leaves(v, passthrough) if seq == "same" else list(v))
        else:
            values.append([v])  # one array (or number) for a sequence: one operand
    options = {}
    for o in r.options:
        v = b.get(o)
        if v is not _ABSENT:
            options[o] = v
    convs, units, _repeat, known, pending = _core.function_plan(name, values, options)
    if known is not None:
        if constant is None:
            raise TypeError(f"{name}: no known result for operands of different dimensions")
        return constant(b, known)
    listed = {p for p in pnames if p is not None}
    for (_, seq, passthrough), pname, vals, cs in zip(r.params, pnames, values, convs, strict=True):
        if vals is None or pname is None:
            continue
        if seq == "one":  # the common case, without the lists
            c = cs[0]
            x = backend.raw(vals[0])
            b.set(pname, x if c == IDENTITY else backend.convert(x, c))
            continue
        if seq == "positional":
            vals = [x for element in vals for x in element]
        done = [backend.convert(backend.raw(x), c) for x, c in zip(vals, cs, strict=True)]
        v = b.get(pname)
        if seq == "positional":
            it = iter(done)
            b.set(pname, [_rebuild(e, passthrough, it) for e in v])
        elif isinstance(v, (list, tuple)) and seq == "same":
            b.set(pname, _rebuild(v, passthrough, iter(done)))
        elif isinstance(v, (list, tuple)):
            b.set(pname, type(v)(done) if type(v) in (list, tuple) else done)
        else:
            b.set(pname, done[0])
    # Every other argument takes plain numbers: a dimensionless quantity's
    # values at scale 1, never a dropped unit.
    for pname in list(b.where):
        if pname not in listed:
            v = b.get(pname)
            what = f"{name}'s argument {pname!r}"
            if is_quantity(v):
                b.set(pname, backend.plain(v, what))
            elif holds_quantity(v):  # a list of masks (np.select's condlist)
                plain = iter([backend.plain(x, what) for x in _leaves(v, False)])
                b.set(pname, _rebuild(v, False, plain))
    fn = run if run is not None else backend.function(func, name)
    result = fn(*b.args, **b.kwargs)
    if r.split:
        result = tuple(result)  # one result per entry, each in its own unit
    if out is not None:
        unit = units[0] if units else None
        if pending and pending[0] and is_quantity(out):
            unit = unit_of(out) or unit  # values that fit any unit: out's
        return backend.deliver(result, unit, out, name)
    return wrap_results(result, units, backend, wrap_plain, pending)


def wrap_results(
    result: Any,
    units: list[Any],
    backend: Backend,
    wrap_plain: bool,
    pending: list[bool] | None = None,
) -> Any:
    """Each result with its unit (the last unit applies to further results;
    None: a plain result; ``pending``: its unit is not chosen yet)."""
    if not isinstance(result, (tuple, list)) and units:  # the common case, one result
        if pending and pending[0]:
            return backend.pending(result)
        if units[0] is None and not wrap_plain:
            return result
        return backend.wrap(result, units[0])
    fresh = pending or [False] * len(units)

    def one(values: Any, i: int) -> Any:
        unit = units[min(i, len(units) - 1)]
        if fresh[min(i, len(fresh) - 1)]:
            return backend.pending(values)
        if unit is None and not wrap_plain:
            return values
        return backend.wrap(values, unit)

    if not isinstance(result, (tuple, list)):
        if not units:
            return backend.wrap(result, None) if wrap_plain else result
        return one(result, 0)
    if not units:
        return result
    items = [one(v, i) for i, v in enumerate(result)]
    if hasattr(result, "_fields"):
        return type(result)(*items)
    return type(result)(items)
