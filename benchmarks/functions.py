"""NumPy functions on quantities vs the same written by hand in NumPy, same run.

Every NumPy function on a DimArray goes through the core's rule table (the
rule of the function, the conversions of its operands) and the backend
adapter; this measures what that costs per call next to NumPy's own time,
and next to pint and astropy when they are installed. Prints a markdown
table of ratios, writes JSON to ``benchmarks/results/functions.json``. No
pass/fail.

    python benchmarks/functions.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import timeit
from pathlib import Path

import numpy as np
from peers import peers

RESULTS = Path(__file__).parent / "results"
SIZES = [100, 1_000_000]

CASES = {
    # name: (statement on quantities qa in m and qb in km, the same written
    # by hand in NumPy on plain a and b, the conversion of b included)
    "sum": ("np.sum(qa)", "np.sum(a)"),
    "mean": ("np.mean(qa)", "np.mean(a)"),
    "std": ("np.std(qa)", "np.std(a)"),
    "concatenate": ("np.concatenate([qa, qb])", "np.concatenate([a, b * 1000.0])"),
    "clip": ("np.clip(qa, qb, None)", "np.clip(a, b * 1000.0, None)"),
    "where": ("np.where(qa > qb, qa, qb)", "np.where(a > b * 1000.0, a, b * 1000.0)"),
    "linalg.norm": ("np.linalg.norm(qa)", "np.linalg.norm(a)"),
    "diff": ("np.diff(qa)", "np.diff(a)"),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    libs = peers()
    rng = np.random.default_rng(0)
    rows = []
    for n in SIZES:
        a, b = rng.random(n), rng.random(n)
        number = max(1, min(20_000, int(2e7 / n)))
        env = {lib: {"np": np, "qa": m["m"](a), "qb": m["km"](b)} for lib, m in libs.items()}
        plain = {"np": np, "a": a, "b": b}
        for case, (stmt, by_hand) in CASES.items():
            best = {"numpy": float("inf"), **{lib: float("inf") for lib in libs}}
            for _ in range(args.repeat):
                best["numpy"] = min(
                    best["numpy"], timeit.timeit(by_hand, globals=plain, number=number)
                )
                for lib in libs:
                    try:
                        t = timeit.timeit(stmt, globals=env[lib], number=number)
                    except Exception:
                        t = float("nan")  # the library refuses the call
                    best[lib] = min(best[lib], t)
            np_us = best["numpy"] / number * 1e6
            for lib in libs:
                us = best[lib] / number * 1e6
                rows.append(
                    {
                        "library": lib,
                        "case": case,
                        "n": n,
                        "us": us,
                        "numpy_us": np_us,
                        "ratio": us / np_us,
                        "overhead_us": us - np_us,
                    }
                )
    print(
        "## NumPy functions on quantities (ratio = time / hand-written NumPy's, "
        "conversions included)\n"
    )
    order = list(libs)
    print("| function | n | NumPy | " + " | ".join(order) + " | dimtensor overhead |")
    print("|---|---|---|" + "---|" * len(order) + "---|")
    for case in CASES:
        for n in SIZES:
            sel = {r["library"]: r for r in rows if r["case"] == case and r["n"] == n}
            cells = [f"{sel[lib]['ratio']:.2f}×" for lib in order]
            np_us = sel["dimtensor"]["numpy_us"]
            over = sel["dimtensor"]["overhead_us"]
            print(
                f"| {case} | {n:.0e} | {np_us:.2f} µs | "
                + " | ".join(cells)
                + f" | {over:.1f} µs |"
            )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "functions.json").write_text(json.dumps(rows, indent=2))
    print(f"\nwrote {RESULTS / 'functions.json'}")


if __name__ == "__main__":
    main()
