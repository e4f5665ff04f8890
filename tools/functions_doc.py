"""Write docs/functions.md: every NumPy function that ``__array_function__``
reaches, with its unit rule in words or the reason it is refused, from the
core's rule table.

usage: python tools/functions_doc.py [--check]

Which functions: NumPy registers every function that dispatches through
``__array_function__`` in ``numpy._core.overrides.ARRAY_FUNCTIONS`` (the
functions written with ``array_function_dispatch``, and the dispatchers of
the constructors that take ``like=``). This script imports NumPy's public
modules, collects the public names under which those functions are reached,
and reports registered functions that no public name reaches (so a NumPy
upgrade that adds a module shows up). The words come from the core's table
itself (``dimtensor._core.function_words``), so the page cannot disagree
with what runs. With ``--check`` nothing is written; the exit status is 1
when the page is out of date (tests/rules/test_breadth.py runs the check).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import numpy as np
from dimtensor import _core

PAGE = Path(__file__).resolve().parent.parent / "docs" / "functions.md"

# NumPy's public namespaces whose functions dispatch, and the prefix the
# rule table writes before their names ("linalg.inv").
NAMESPACES = {
    "numpy": "",
    "numpy.linalg": "linalg.",
    "numpy.fft": "fft.",
    "numpy.emath": "emath.",
    "numpy.strings": "strings.",
    "numpy.char": "char.",
    "numpy.lib.recfunctions": "lib.recfunctions.",
    "numpy.lib.stride_tricks": "lib.stride_tricks.",
    "numpy.polynomial.polynomial": "polynomial.polynomial.",
}


def _namespace(path: str) -> Any:
    obj: Any = np
    for part in path.split(".")[1:]:
        found = getattr(obj, part, None)
        obj = found if found is not None else importlib.import_module(f"{obj.__name__}.{part}")
    return obj


def registered() -> set[Any]:
    """Every function NumPy dispatches through ``__array_function__``."""
    for path in NAMESPACES:
        _namespace(path)  # registers the functions of modules imported lazily
    from numpy._core import overrides

    return set(overrides.ARRAY_FUNCTIONS)


def numpy_functions() -> tuple[dict[str, Any], list[str]]:
    """``{table name: function}`` for every public name of a dispatching
    function, and the registered functions no public name reaches."""
    registry = registered()
    # The constructors that take like= dispatch through an internal
    # function of the same name and module as the public one.
    like = {(f.__module__, f.__name__) for f in registry}
    found: dict[str, Any] = {}
    reached: set[Any] = set()
    for path, prefix in NAMESPACES.items():
        module = _namespace(path)
        for attr in sorted(dir(module)):
            if attr.startswith("_"):
                continue
            obj = getattr(module, attr)
            if isinstance(obj, np.ufunc) or not callable(obj) or isinstance(obj, type):
                continue
            constructor = path == "numpy" and ("numpy", attr) in like
            if obj in registry or constructor:
                found[prefix + attr] = obj
                reached.add(obj)
            if constructor:
                reached.update(f for f in registry if (f.__module__, f.__name__) == ("numpy", attr))
    unreached = sorted(
        f"{f.__module__}.{f.__name__}" for f in registry - reached if not f.__name__.startswith("_")
    )
    return dict(sorted(found.items())), unreached


def lazy_on_dask(func: Any) -> bool:
    from dimtensor.dask.backend import dask_function

    return dask_function(func) is not None


def refused(name: str) -> bool:
    """Whether every alternative of the rule is a refusal (no parameters
    and only `!` outputs)."""
    text = _core.function_rule(name)[2]  # type: ignore[index]
    outputs = text.split("->", 1)[1].strip()
    return outputs.startswith("!") and "|" not in outputs


LEGEND = """\
How to read a rule: each argument that carries a unit is listed with what it
must be; every other argument takes plain numbers (a dimensionless quantity
there is converted to scale 1, one with a dimension is an error).

- **A, B, …** are units. The first operand bound to a letter sets it; every
  later one must have the same dimension and is converted to it (between a
  temperature point such as °C and an absolute unit such as K, affinely; a
  point next to a difference is an error). The scalars 0, ±inf and nan, and
  arrays whose unit is not chosen yet, fit any unit.
- *each in A*: a sequence, every operand converted to A; *each in its own
  unit*: a sequence whose operands keep their units (one result per operand
  when a result names the letter); *per coordinate*: element k of the
  sequence in the k-th unit listed.
- *a pure number*: dimensionless, converted to scale 1 (degrees to
  radians, % to fractions); *a difference of A*: in A's interval unit
  (Δ°C for °C).
- After → the unit of each result, in order; *no unit*: a plain result
  (indices, counts, truth values); *with `x`* / *without `x`* / *with
  `x=v`*: the alternative used when the argument is given, not given or has
  that value.
- Δ(A): the interval unit of A; sum(A), abs(A): A, which may not be a
  temperature point (an amount or a size depends on where zero is);
  prod(A): A to the number of factors, from the shapes; cumprod(A): only
  for pure numbers or one factor; step(S): a scalar step's unit or a
  coordinate array's interval unit; mul(A): the product of every operand's
  unit; n0: the size of argument 0's last axis; poly(B/A): the unit of the
  coefficient of x^k of a polynomial y(x), x in A and y in B: B for k = 0,
  Δ(B)/A^k above; A·1: A, the result may be complex.
- `*`, `/` and `^` refuse temperature points (2 · 20 °C is not 40 °C).
"""


def render() -> str:
    functions, unreached = numpy_functions()
    if unreached:
        raise SystemExit(f"NumPy functions no public name reaches: {unreached}")
    missing = [n for n in functions if _core.function_rule(n) is None]
    if missing:
        raise SystemExit(f"NumPy functions without a rule or a refusal: {missing}")
    rows = []
    refusals = []
    for name, func in functions.items():
        words = _core.function_words(name) or ""
        if refused(name):
            reason = words.split("refused: ", 1)[1]
            refusals.append((name, reason))
            rows.append(f"| `numpy.{name}` | refused | {reason} |")
        else:
            dask = "lazy" if lazy_on_dask(func) else "—"
            rows.append(f"| `numpy.{name}` | {dask} | {words} |")
    others = [
        n for n in _core.function_names() if n not in functions and not n.startswith("special.")
    ]
    special = [n for n in _core.function_names() if n.startswith("special.")]
    lines = [
        "# NumPy functions with units",
        "",
        "<!-- Generated by tools/functions_doc.py from the core's rule table; do not edit. -->",
        "",
        "Every NumPy function that `__array_function__` reaches (numpy, numpy.linalg,",
        "numpy.fft, numpy.emath, numpy.strings, numpy.char, numpy.lib.recfunctions,",
        "numpy.lib.stride_tricks, numpy.polynomial.polynomial, and the constructors",
        "that take `like=`) has a unit rule in dimtensor's one rule table, or is refused",
        "with the reason below. The same rules serve DimArray, DaskDimArray and the",
        "Array API namespaces. Ufuncs (`np.sin`, `np.add`, …) follow the ufunc table",
        "instead and are not listed here.",
        "",
        f"{len(functions)} functions: {len(functions) - len(refusals)} with a rule, "
        f"{len(refusals)} refused.",
        "",
        "The Dask column says whether a DaskDimArray call stays lazy (dask has its own",
        "lazy version); for the others, a DaskDimArray call raises a `TypeError` that",
        "says to call `.compute()` first, rather than computing behind your back.",
        "",
        "Results of polynomial fits (`polyfit`, `poly`) come back as a tuple of",
        "coefficients, highest power first, each in its own unit; `polyval` takes such",
        "a tuple (or one array in one unit, for a polynomial in a pure number).",
        "",
        LEGEND,
        "## Every NumPy function",
        "",
        "| function | Dask | rule |",
        "|---|---|---|",
        *rows,
        "",
        "## Refused, and why",
        "",
        *[f"- `numpy.{n}`: {r}." for n, r in refusals],
        "",
        "## Other rules of the table",
        "",
        "Functions of the Array API namespaces (`x.__array_namespace__()`) that NumPy",
        "does not dispatch:",
        "",
        "| function | rule |",
        "|---|---|",
        *[f"| `{n}` | {_core.function_words(n)} |" for n in others],
        "",
        "The `special` sub-namespace (SciPy's special functions, which SciPy looks up",
        "there with `SCIPY_ARRAY_API=1`):",
        "",
        "| function | rule |",
        "|---|---|",
        *[f"| `{n}` | {_core.function_words(n)} |" for n in special],
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    page = render()
    if "--check" in sys.argv[1:]:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != page:
            print(f"{PAGE} is out of date: run python tools/functions_doc.py")
            return 1
        return 0
    PAGE.write_text(page, encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
