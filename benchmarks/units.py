"""Unit parsing and unit algebra: dimtensor vs pint / astropy (when installed).

Prints a markdown table and writes JSON to ``benchmarks/results/units.json``.
No pass/fail: the targets (parse ≤ 1 µs cold, multiply/divide ≤ 100 ns) are
printed beside the measurements.

Cold-cache parsing: every library parses the same texts, all equivalent to
``kg*m^2/s^2`` but differing in the spacing around its operators, and each
text is parsed once in the whole run, so no cache keyed on the text can hit.
dimtensor's uncached entry point (same text every call) is measured too, as a
check that the variants measure the parser and not a cache.

    python benchmarks/units.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import time
import timeit
from collections.abc import Callable
from pathlib import Path

TEXT = "kg*m^2/s^2"
RESULTS = Path(__file__).parent / "results"


def spacing_variants(text: str) -> list[str]:
    """Texts equal to ``text`` up to 0-2 spaces on either side of each operator."""
    spots = [(i, side) for i, ch in enumerate(text) if ch in "*^/" for side in (0, 1)]
    out = []
    for pattern in itertools.product(("", " ", "  "), repeat=len(spots)):
        s, pos = [], 0
        for (c, side), pad in zip(spots, pattern, strict=True):
            cut = c + side
            s.append(text[pos:cut] + pad)
            pos = cut
        s.append(text[pos:])
        out.append("".join(s))
    return sorted(set(out))


def per_call_ns(stmt: str, names: dict[str, object], number: int, repeat: int) -> float:
    """Best-of-``repeat`` mean time of ``stmt``, in nanoseconds. A statement
    (not a function) so the only harness cost is timeit's loop."""
    runs = timeit.repeat(stmt, globals=names, number=number, repeat=repeat)
    return min(runs) / number * 1e9


def per_text_ns(parse: Callable[[str], object], texts: list[str], repeat: int) -> float:
    """Best-of-``repeat`` mean time per text; each repeat gets its own texts."""
    size = len(texts) // repeat
    best = float("inf")
    for r in range(repeat):
        batch = texts[r * size : (r + 1) * size]
        t0 = time.perf_counter_ns()
        for t in batch:
            parse(t)
        best = min(best, (time.perf_counter_ns() - t0) / len(batch))
    return best


def libraries() -> dict[str, dict[str, object]]:
    """Per library: parse function, two units, and a cache reset if any."""
    import dimtensor
    from dimtensor import _core
    from dimtensor import units as u

    libs: dict[str, dict[str, object]] = {
        "dimtensor": {
            "version": dimtensor.__version__,
            "parse": _core.parse_unit,
            "a": u.m,
            "b": u.s,
        }
    }
    try:
        import pint

        ureg = pint.UnitRegistry()
        libs["pint"] = {
            "version": pint.__version__,
            "parse": ureg.parse_units,
            "a": ureg.m,
            "b": ureg.s,
        }
    except ImportError:
        pass
    try:
        import astropy
        import astropy.units as au

        libs["astropy"] = {
            "version": astropy.__version__,
            "parse": au.Unit,
            "a": au.m,
            "b": au.s,
        }
    except ImportError:
        pass
    return libs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()

    from dimtensor import _core

    texts = spacing_variants(TEXT)
    rows = []
    for name, lib in libraries().items():
        parse = lib["parse"]
        a, b = lib["a"], lib["b"]
        assert callable(parse)
        parse(TEXT)  # build registries / lazy tables before timing
        row = {
            "library": name,
            "version": lib["version"],
            "parse_cold_ns": per_text_ns(parse, texts, args.repeat),
        }
        names = {"parse": parse, "a": a, "b": b, "TEXT": TEXT, "_core": _core}
        row["parse_cached_ns"] = per_call_ns("parse(TEXT)", names, 20_000, args.repeat)
        row["mul_ns"] = per_call_ns("a * b", names, 200_000, args.repeat)
        row["div_ns"] = per_call_ns("a / b", names, 200_000, args.repeat)
        if name == "dimtensor":
            row["parse_uncached_entry_ns"] = per_call_ns(
                "_core._parse_unit_uncached(TEXT)", names, 20_000, args.repeat
            )
        rows.append(row)

    base = rows[0]
    print(
        f"## Unit parsing and algebra ({platform.python_implementation()} "
        f"{platform.python_version()}, {len(texts)} distinct texts for cold parsing)\n"
    )
    print("| library | parse cold | parse cached | unit * unit | unit / unit |")
    print("|---|---|---|---|---|")
    for r in rows:
        cells = []
        for key in ("parse_cold_ns", "parse_cached_ns", "mul_ns", "div_ns"):
            v = r[key]
            ratio = "" if r is base else f" ({v / base[key]:.0f}×)"
            cells.append(f"{v / 1000:.3f} µs{ratio}" if v >= 1000 else f"{v:.0f} ns{ratio}")
        print(f"| {r['library']} {r['version']} | " + " | ".join(cells) + " |")
    print(
        f"\ndimtensor uncached entry point on {TEXT!r}: {base['parse_uncached_entry_ns']:.0f} ns. "
        "Targets: parse cold ≤ 1000 ns, multiply/divide ≤ 100 ns. "
        "Ratios in brackets are relative to dimtensor."
    )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "units.json"
    out.write_text(json.dumps({"text": TEXT, "n_texts": len(texts), "rows": rows}, indent=2))
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
