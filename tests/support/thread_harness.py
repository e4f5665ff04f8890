"""Shared by the thread tests: run one function in N_THREADS threads that
start together, with the interpreter switching threads as often as it can."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

N_THREADS = 8


@contextmanager
def fast_switching() -> Iterator[None]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def run_in_threads(fn: Callable[[int], Any]) -> list[Any]:
    """``[fn(0), …, fn(N_THREADS - 1)]``, each in its own thread."""
    barrier = threading.Barrier(N_THREADS)

    def start(i: int) -> Any:
        barrier.wait()
        return fn(i)

    with fast_switching(), ThreadPoolExecutor(N_THREADS) as pool:
        return list(pool.map(start, range(N_THREADS)))
