"""DimArrays used from 8 threads at once give the single-threaded results.

Every thread mixes arithmetic (small arrays, and large ones on which the
loops run without the GIL), conversions, reductions, ufunc methods, text
and pickling on shared arrays that nobody writes, and assignments into
arrays of its own."""

from __future__ import annotations

import hashlib
import pickle
import random
from collections.abc import Callable
from typing import Any

import numpy as np
from dimtensor import DimArray, units
from dimtensor.errors import DimtensorError
from thread_harness import N_THREADS, run_in_threads

STEPS = 150

_rng = np.random.default_rng(1234)
SHARED: dict[str, DimArray] = {
    "a_m": DimArray(_rng.normal(size=(40, 30)), "m"),
    "b_km": DimArray(_rng.normal(size=(40, 30)), "km"),
    "c_s": DimArray(_rng.uniform(1.0, 2.0, size=(40, 30)), "s"),
    "big_m": DimArray(_rng.normal(size=40_000), "m"),  # above the GIL-release size
    "big_cm": DimArray(_rng.normal(size=40_000), "cm"),
    "f32_m": DimArray(_rng.normal(size=1000).astype(np.float32), "m"),
    "f32_mm": DimArray(_rng.normal(size=1000).astype(np.float32), "mm"),
    "t_degC": DimArray(_rng.uniform(-20.0, 40.0, size=500), "degC"),
    "p_pct": DimArray(_rng.uniform(0.0, 100.0, size=500), "%"),
    "strided_m": DimArray(_rng.normal(size=3000)[::3], "m"),
}
SNAPSHOT = {k: v._data.copy() for k, v in SHARED.items()}


def digest(x: Any) -> tuple[Any, ...]:
    """Everything observable about a result, for exact comparison."""
    if isinstance(x, DimArray):
        data = np.ascontiguousarray(x._data)
        return (
            "DimArray",
            x.unit.symbol,
            x.unit.scale,
            x.unit.offset,
            data.dtype.str,
            data.shape,
            hashlib.sha1(data.tobytes()).hexdigest(),
        )
    if isinstance(x, np.ndarray | np.generic):
        data = np.ascontiguousarray(x)
        return ("ndarray", data.dtype.str, data.shape, hashlib.sha1(data.tobytes()).hexdigest())
    return ("other", repr(x))


def operations(own: dict[str, DimArray]) -> list[tuple[str, Callable[[], Any]]]:
    a, b, c = SHARED["a_m"], SHARED["b_km"], SHARED["c_s"]
    big, big_cm = SHARED["big_m"], SHARED["big_cm"]
    f32, f32_mm = SHARED["f32_m"], SHARED["f32_mm"]
    t, p, strided = SHARED["t_degC"], SHARED["p_pct"], SHARED["strided_m"]
    return [
        ("a+b", lambda: a + b),
        ("b-a", lambda: b - a),
        ("a*c", lambda: a * c),
        ("a/c", lambda: a / c),
        ("a**2", lambda: a**2),
        ("big+cm", lambda: big + big_cm),
        ("big*big", lambda: big * big),
        ("big/cm", lambda: big / big_cm),
        ("f32+mm", lambda: f32 + f32_mm),
        ("f32*mm", lambda: f32 * f32_mm),
        ("strided+a", lambda: strided + strided),
        ("a<b", lambda: a < b),
        ("a==c", lambda: a == c),
        ("to mm", lambda: b.to("mm")),
        ("to K", lambda: t.to("K")),
        ("to degF", lambda: t.to("degF")),
        ("ctor", lambda: DimArray(big_cm, "km")),
        ("sum", lambda: a.sum(axis=0)),
        ("mean", lambda: big.mean()),
        ("std t", lambda: t.std()),
        ("var", lambda: b.var(axis=1)),
        ("prod", lambda: c[:3].prod(axis=0)),
        ("cumsum", lambda: big_cm.cumsum()),
        ("min max", lambda: (t.min(), p.max())),
        ("t-t", lambda: t - t[::-1]),
        ("sqrt", lambda: np.sqrt(a * a)),
        ("sin", lambda: np.sin(p)),
        ("add.reduce", lambda: np.add.reduce(b, axis=1)),
        ("mul.outer", lambda: np.multiply.outer(a[0], c[0])),
        ("maximum", lambda: np.maximum(a, b)),
        ("str", lambda: str(a[:2, :3]) + repr(t[:3]) + format(p[:2], ".3f")),
        ("pickle", lambda: pickle.loads(pickle.dumps(b, protocol=5))),
        ("asarray %", lambda: np.asarray(p)),
        ("error add", lambda: a + c),
        ("error offset", lambda: t * 2),
        ("own setitem", lambda: own_setitem(own)),
        ("own out", lambda: own_out(own)),
        ("own at", lambda: own_at(own)),
        ("own read", lambda: own["x"] + own["y"]),
    ]


def own_setitem(own: dict[str, DimArray]) -> DimArray:
    x = own["x"]
    x[::7] = SHARED["big_cm"][: len(x[::7])]
    x[1] = DimArray(1.0, "km")
    return x.copy()


def own_out(own: dict[str, DimArray]) -> DimArray:
    np.add(SHARED["big_m"], SHARED["big_cm"], out=own["out"])
    return own["out"].copy()


def own_at(own: dict[str, DimArray]) -> DimArray:
    np.add.at(own["y"], [0, 5, 5], DimArray([1.0, 2.0, 3.0], "mm"))
    return own["y"].copy()


def workload(thread: int) -> list[tuple[str, Any]]:
    rng = random.Random(thread)
    own = {
        "x": DimArray(np.arange(40_000.0) * (thread + 1), "m"),
        "y": DimArray(np.linspace(0.0, 1.0, 40_000), "m"),
        "out": DimArray(np.zeros(40_000), "km"),
    }
    ops = operations(own)
    results: list[tuple[str, Any]] = []
    for _ in range(STEPS):
        name, op = ops[rng.randrange(len(ops))]
        try:
            r = op()
        except DimtensorError as e:
            results.append((name, (type(e).__name__, str(e))))
            continue
        parts = r if isinstance(r, tuple) else (r,)
        results.append((name, tuple(digest(x) for x in parts)))
    results.append(("final own", tuple(digest(v) for v in own.values())))
    return results


def test_threads_match_sequential_runs() -> None:
    expected = [workload(i) for i in range(N_THREADS)]
    # the operations are varied: every thread does many different ones
    for e in expected:
        assert len({name for name, _ in e}) > 20
    results = run_in_threads(workload)
    for i in range(N_THREADS):
        assert len(results[i]) == len(expected[i])
        mismatches = [(e, r) for e, r in zip(expected[i], results[i], strict=True) if e != r]
        assert mismatches == [], f"thread {i}"
    # nobody wrote into the shared arrays
    for k, v in SHARED.items():
        np.testing.assert_array_equal(v._data, SNAPSHOT[k])


def test_threads_converting_the_same_array_at_once() -> None:
    x = SHARED["big_cm"]
    expected = [digest(x.to("m")), digest(x + SHARED["big_m"]), digest(x.sum())]

    def convert(i: int) -> list[Any]:
        out = []
        for _ in range(20):
            out.append([digest(x.to("m")), digest(x + SHARED["big_m"]), digest(x.sum())])
        return out

    for per_thread in run_in_threads(convert):
        assert all(r == expected for r in per_thread)
    assert units.cm == x.unit
