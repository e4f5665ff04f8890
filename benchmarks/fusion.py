"""Fused unit-aware expressions vs hand-written NumPy, numexpr and the
machine's memory bandwidth, same run.

Eager (1e7 float64 by default):
- ``P.to(Pa) / (R * T)`` with P in hPa and T in K;
- a 6-operation expression with conversions (km + m, °C → K, …);
each as dimtensor.fused (fresh result and ``out=``), hand-written NumPy with
the factors typed in, and numexpr on 2 threads. The bandwidth baseline is
measured here too: a copy and a triad ``a = b + s·c`` (numexpr, 2 threads,
into a preallocated array); an expression that reads k arrays and writes one
moves (k+1)·8·n bytes, so its share of the best baseline is reported.

Dask: ``benchmarks/dask_density.py`` measures the fused DaskDimArray chain
against raw Dask (tasks, build, compute, memory).

Prints markdown tables, writes ``benchmarks/results/fusion.json``. No
pass/fail.

    python benchmarks/fusion.py [--n 10000000] [--repeat 9]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from dimtensor import DimArray, constants, fused

RESULTS = Path(__file__).parent / "results"
R = constants.R.value


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


@fused
def density(p: Any, t: Any) -> Any:
    return p.to("Pa") / (constants.R * t)


@fused
def six_ops(a: Any, b: Any, t: Any) -> Any:
    # km + m, °C → K, ×, −, ÷, sqrt: six operations (conversions folded in)
    return np.sqrt((a + b) * t.to("K") - b * t.to("K") / 2.0) / a


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    n, repeat = args.n, args.repeat

    try:
        import numexpr as ne

        ne.set_num_threads(2)
    except ImportError:  # make bench installs it
        ne = None

    rng = np.random.default_rng(0)
    p_np = rng.uniform(900, 1050, n)
    t_np = rng.uniform(250, 310, n)
    a_np = rng.uniform(1, 2, n)
    b_np = rng.uniform(100, 900, n)
    tc_np = rng.uniform(-10, 35, n)
    p, t = DimArray(p_np, "hPa"), DimArray(t_np, "K")
    a, b, tc = DimArray(a_np, "km"), DimArray(b_np, "m"), DimArray(tc_np, "degC")
    out = np.empty(n)
    out_d = DimArray(np.empty(n), density(p[:1], t[:1]).unit)
    out_s = DimArray(np.empty(n), six_ops(a[:1], b[:1], tc[:1]).unit)

    rows: list[dict[str, Any]] = []
    bandwidth: dict[str, float] = {}
    bandwidth["copy (NumPy)"] = 2 * 8 * n / best(lambda: np.copyto(out, p_np), repeat)
    if ne is not None:
        t_triad = best(lambda: ne.evaluate("b + 3.0 * c", {"b": p_np, "c": t_np}, out=out), repeat)
        bandwidth["triad (numexpr, 2 threads)"] = 3 * 8 * n / t_triad
    machine = max(bandwidth.values())

    cases: dict[str, tuple[int, dict[str, Callable[[], object]]]] = {
        "P.to(Pa)/(R*T)": (
            2,
            {
                "dimtensor.fused": lambda: density(p, t),
                "dimtensor.fused out=": lambda: density(p, t, out=out_d),
                "NumPy (hand-written)": lambda: p_np * 100.0 / (R * t_np),
                **(
                    {
                        "numexpr (2 threads)": lambda: ne.evaluate(
                            "p * 100.0 / (8.314462618 * t)", {"p": p_np, "t": t_np}
                        ),
                        "numexpr out=": lambda: ne.evaluate(
                            "p * 100.0 / (8.314462618 * t)", {"p": p_np, "t": t_np}, out=out
                        ),
                    }
                    if ne is not None
                    else {}
                ),
            },
        ),
        "6 operations": (
            3,
            {
                "dimtensor.fused": lambda: six_ops(a, b, tc),
                "dimtensor.fused out=": lambda: six_ops(a, b, tc, out=out_s),
                "NumPy (hand-written)": lambda: (
                    np.sqrt(
                        (a_np * 1000.0 + b_np) * (tc_np + 273.15) - b_np * (tc_np + 273.15) / 2.0
                    )
                    / a_np
                ),
                **(
                    {
                        "numexpr (2 threads)": lambda: ne.evaluate(
                            "sqrt((a*1000.0 + b) * (t + 273.15) - b * (t + 273.15) / 2.0) / a",
                            {"a": a_np, "b": b_np, "t": tc_np},
                        ),
                        "numexpr out=": lambda: ne.evaluate(
                            "sqrt((a*1000.0 + b) * (t + 273.15) - b * (t + 273.15) / 2.0) / a",
                            {"a": a_np, "b": b_np, "t": tc_np},
                            out=out,
                        ),
                    }
                    if ne is not None
                    else {}
                ),
            },
        ),
    }
    for case, (n_inputs, impls) in cases.items():
        moved = (n_inputs + 1) * 8 * n
        for impl, fn in impls.items():
            fn()  # warm up (traces the fused function once)
            s = best(fn, repeat)
            rows.append(
                {
                    "case": case,
                    "impl": impl,
                    "seconds": s,
                    "gbps": moved / s / 1e9,
                    "of_bandwidth": moved / s / machine,
                }
            )

    print(f"## Fused expressions, n = {n:.0e} float64\n")
    print("| memory bandwidth baseline | GB/s |\n|---|---|")
    for k, v in bandwidth.items():
        print(f"| {k} | {v / 1e9:.1f} |")
    print()
    for case in cases:
        sub = [r for r in rows if r["case"] == case]
        ref = {r["impl"]: r["seconds"] for r in sub}
        print(f"### {case}\n")
        print("| implementation | time | vs NumPy | vs numexpr | GB/s | of bandwidth |")
        print("|---|---|---|---|---|---|")
        for r in sub:
            vs_ne = ref.get("numexpr (2 threads)")
            ne_ratio = f"{r['seconds'] / vs_ne:.2f}×" if vs_ne else "-"
            print(
                f"| {r['impl']} | {r['seconds'] * 1e3:.1f} ms "
                f"| {r['seconds'] / ref['NumPy (hand-written)']:.2f}× "
                f"| {ne_ratio} "
                f"| {r['gbps']:.1f} | {r['of_bandwidth'] * 100:.0f}% |"
            )
        print()
    print("Times are best of repeats; ratios < 1 are faster than the reference.")
    RESULTS.mkdir(exist_ok=True)
    data = {"n": n, "bandwidth": bandwidth, "rows": rows}
    (RESULTS / "fusion.json").write_text(json.dumps(data, indent=2))
    print(f"\nwrote {RESULTS / 'fusion.json'}")


if __name__ == "__main__":
    main()
