"""Concurrent use of units from 8 threads gives the single-threaded results."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from dimtensor import Dimension, Unit, units
from dimtensor._core import _parse_unit_uncached, lookup_unit, parse_unit, unit_names
from dimtensor.errors import UnitParseError
from thread_harness import N_THREADS, run_in_threads

# Texts that are parsed again and again: after the first time, cache hits.
HOT_TEXTS = [
    "m",
    "km/h",
    "kg m2 s-2",
    "kg·m²·s⁻²",
    "(m/s)^2",
    "1e-3 m",
    "10^3 m",
    "degC",
    "µm",
    "W m-2",
    "J/(mol·K)",
    "m^(1/2)",
    "%",
    "hPa",
    "1",
    "",
]

# Registered names to multiply, divide and convert.
NAMES = [n for n in unit_names() if lookup_unit(n).offset == 0.0][::7]  # type: ignore[union-attr]


def describe(u: Unit) -> tuple[Any, ...]:
    """Everything observable about a unit, for exact comparison."""
    return (u.symbol, u.scale, u.offset, u.dimension.exponents, hash(u), u.to_string("cf"))


def cold_texts(thread: int) -> list[str]:
    """Texts no other thread parses, more of them than the parse cache holds
    (4096 entries), so the cache is filled and cleared while others read it."""
    prefixes = ["m", "s", "kg", "km/h", "J", "N·m", "W/m²", "mol", "K", "Pa"]
    return [
        f"{thread * 100_000 + i + 1} ({prefixes[i % len(prefixes)]})^{1 + i % 3}"
        for i in range(700)
    ]


def long_text(thread: int) -> str:
    """Longer than the cache keeps (128 characters): always parsed afresh."""
    return "*".join(["m/s"] * (50 + thread)) + f"*{thread + 2}"


def workload(thread: int, parse_cold: Callable[[str], Unit] = parse_unit) -> list[tuple[str, Any]]:
    rng = random.Random(thread)
    out: list[tuple[str, Any]] = []
    hot = HOT_TEXTS * 20
    rng.shuffle(hot)
    for t in hot:
        out.append((f"parse {t!r}", describe(parse_unit(t))))
    for t in cold_texts(thread):
        out.append((f"cold {t!r}", describe(parse_cold(t))))
    out.append(("long", describe(units.parse(long_text(thread)))))
    for t in ("kg*xyz/s", "m^", "(m", "m)", "days since 1970-01-01"):
        try:
            parse_unit(t)
        except UnitParseError as e:
            out.append((f"error {t!r}", (e.position, e.text, str(e))))
    names = NAMES[:]
    rng.shuffle(names)
    for a, b in zip(names, names[1:] + names[:1], strict=True):
        ua, ub = lookup_unit(a), lookup_unit(b)
        assert ua is not None and ub is not None
        out.append((f"{a}*{b}", describe(ua * ub)))
        out.append((f"{a}/{b}", describe(ua / ub)))
        out.append((f"{a}**2", describe(ua**2)))
        out.append((f"{a}~{b}", ua.is_compatible(ub)))
        if ua.is_compatible(ub):
            out.append((f"{a}->{b}", ua.conversion_factor(ub)))
        out.append((f"attr {a}", describe(getattr(units, a)) if a.isidentifier() else None))
    for u in (units.J, units.kg * units.m**2 / units.s**2, units.km / units.h, 1000 * units.W):
        out.append((f"simplified {u}", describe(u.simplified())))
        out.append((f"to_base {u}", describe(u.to_base())))
        out.append((f"hash {u}", hash(u)))
        out.append((f"dim hash {u}", hash(u.dimension * Dimension(length=1))))
    out.append(("conv km/h", (units.km / units.h).conversion_factor("m/s")))
    out.append(("affine degC", units.degC.conversion_affine("degF")))
    return out


def test_threads_match_single_threaded_results() -> None:
    # Single-threaded reference, computed first; the per-thread texts are
    # parsed without the cache here, so the threads below meet them cold.
    expected = [workload(i, _parse_unit_uncached) for i in range(N_THREADS)]
    results = run_in_threads(workload)
    for i in range(N_THREADS):
        assert len(results[i]) == len(expected[i])
        mismatches = [(e, r) for e, r in zip(expected[i], results[i], strict=True) if e != r]
        assert mismatches == [], f"thread {i}"


def test_threads_cold_cache_from_the_start() -> None:
    # Texts never seen before by this process: every thread races to fill
    # the cache with the same keys at once.
    texts = [f"{k + 0.5} kg^{1 + k % 4}/s" for k in range(2000)]
    expected = [describe(_parse_unit_uncached(t)) for t in texts]
    results = run_in_threads(lambda i: [describe(units.parse(t)) for t in texts])
    for r in results:
        assert r == expected


@pytest.mark.parametrize("which", ["attributes", "hash"])
def test_threads_share_module_attributes_and_hashes(which: str) -> None:
    names = [n for n in unit_names() if n.isidentifier()]

    def attrs(i: int) -> list[Any]:
        order = names[:]
        random.Random(i).shuffle(order)
        got = {n: describe(getattr(units, n)) for n in order}
        return [got[n] for n in names]

    def hashes(i: int) -> list[int]:
        return [hash(lookup_unit(n)) for n in names]

    fn = attrs if which == "attributes" else hashes
    expected = fn(0)
    results = run_in_threads(fn)
    for r in results:
        assert r == expected
