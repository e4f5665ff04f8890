"""DimArray vs NumPy (and pint / astropy / unyt when installed), same run.

Prints a markdown table of times and ratios to NumPy's own time for the same
operation on plain arrays, writes JSON to ``benchmarks/results/dimarray.json``
and, with matplotlib installed, a PNG of overhead vs array size. No pass/fail:
the targets are printed beside the measurements.

    python benchmarks/dimarray.py [--quick] [--repeat 7]

Cases (float64): ``a + b`` and ``a * b`` with equal units; ``a_m + b_km``,
whose NumPy equivalent is the hand-written ``a + b * 1000`` but whose target
is NumPy's plain ``a + b`` (the conversion should be free).
"""

from __future__ import annotations

import argparse
import json
import platform
import timeit
from pathlib import Path

import numpy as np
from peers import peers

RESULTS = Path(__file__).parent / "results"
SIZES = [1, 100, 10_000, 1_000_000, 10_000_000]


CASES = {
    # name: (statement on quantities, NumPy baseline statement, target ratio)
    "a+b": ("qa + qb", "a + b", 1.0),
    "a*b": ("qa * qb", "a * b", 1.0),
    "a_m+b_km": ("qa + qkm", "a + b", 1.0),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="sizes up to 1e6, fewer repeats")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    sizes = SIZES[:-1] if args.quick else SIZES
    repeat = 3 if args.quick else args.repeat

    libs = peers()
    rows = []
    rng = np.random.default_rng(0)
    for n in sizes:
        a, b = rng.random(n), rng.random(n)
        plain = {"a": a, "b": b}
        quantities = {}
        for lib, make in libs.items():
            quantities[lib] = {"qa": make["m"](a), "qb": make["m"](b), "qkm": make["km"](b)}  # type: ignore[operator]
        number = max(1, min(200_000, int(2e7 / max(n, 1))))
        for case, (stmt, np_stmt, target) in CASES.items():
            # Interleaved: each repeat times NumPy and then every library, so
            # drift on a shared machine hits all series alike; best of each.
            best = {
                "numpy": float("inf"),
                "hand": float("inf"),
                **{lib: float("inf") for lib in libs},
            }
            for _ in range(repeat):
                best["numpy"] = min(
                    best["numpy"], timeit.timeit(np_stmt, globals=plain, number=number)
                )
                if case == "a_m+b_km":
                    best["hand"] = min(
                        best["hand"], timeit.timeit("a + b * 1000.0", globals=plain, number=number)
                    )
                for lib in libs:
                    t = timeit.timeit(stmt, globals=quantities[lib], number=number)
                    best[lib] = min(best[lib], t)
            np_ns = best["numpy"] / number * 1e9
            for lib, make in libs.items():
                t = best[lib] / number * 1e9
                rows.append(
                    {
                        "library": lib,
                        "version": make["version"],
                        "case": case,
                        "n": n,
                        "ns": t,
                        "numpy_ns": np_ns,
                        "ratio": t / np_ns,
                        "target": target if lib == "dimtensor" else None,
                        "numpy_handwritten_ns": best["hand"] / number * 1e9
                        if case == "a_m+b_km"
                        else None,
                    }
                )

    print(
        f"## DimArray vs NumPy ({platform.python_implementation()} {platform.python_version()}, "
        f"NumPy {np.__version__}; ratio = time / NumPy's time for the same op on plain arrays)\n"
    )
    libs_order = list(libs)
    print("| case | n | NumPy | " + " | ".join(libs_order) + " |")
    print("|---|---|---|" + "---|" * len(libs_order))
    for case in CASES:
        for n in sizes:
            cells = []
            for lib in libs_order:
                r = next(
                    x for x in rows if x["library"] == lib and x["case"] == case and x["n"] == n
                )
                cells.append(f"{r['ratio']:.2f}×")
            np_ns = next(x for x in rows if x["case"] == case and x["n"] == n)["numpy_ns"]
            print(f"| {case} | {n:.0e} | {np_ns / 1000:.2f} µs | " + " | ".join(cells) + " |")
    hand = [x for x in rows if x["library"] == "dimtensor" and x["case"] == "a_m+b_km"]
    print(
        "\nHand-written NumPy `a + b*1000` vs plain `a + b`: "
        + ", ".join(
            f"n={x['n']:.0e}: {x['numpy_handwritten_ns'] / x['numpy_ns']:.2f}×" for x in hand
        )
    )
    print(
        "\nTargets (dimtensor): a+b, a*b ≤ 1.0× at n=1 and 100; a_m+b_km ≤ 1.0× NumPy's plain "
        "a+b at 1e7; same-unit ops ≤ 1.03× at 1e6–1e7."
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dimarray.json").write_text(json.dumps(rows, indent=2))
    print(f"\nwrote {RESULTS / 'dimarray.json'}")
    plot(rows, sizes, libs_order)


def plot(rows: list[dict[str, object]], sizes: list[int], libs: list[str]) -> None:
    """Overhead vs array size, one panel per case (needs matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot")
        return
    fig, axes = plt.subplots(1, len(CASES), figsize=(5 * len(CASES), 4), sharey=True)
    for ax, case in zip(axes, CASES, strict=True):
        for lib in libs:
            ratios = [
                next(
                    x["ratio"]
                    for x in rows
                    if x["library"] == lib and x["case"] == case and x["n"] == n
                )
                for n in sizes
            ]
            ax.plot(sizes, ratios, marker="o", label=lib)
        ax.axhline(1.0, color="grey", lw=0.8, ls="--")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(case)
        ax.set_xlabel("array size")
    axes[0].set_ylabel("time / NumPy's time")
    axes[0].legend()
    fig.suptitle("Unit-library overhead relative to plain NumPy (lower is better)")
    fig.tight_layout()
    out = RESULTS / "dimarray_overhead.png"
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
