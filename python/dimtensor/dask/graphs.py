"""Graphs built by hand (the rule of docs/architecture.md: a raw task dict whose tasks name
the source block keys, wrapped with ``HighLevelGraph.from_collections``;
never ``dask.delayed`` over array slices). All such code lives here.

``compute_into``: on the local schedulers (threads, synchronous), a fused
chain of elementwise operations is computed chunk by chunk straight into one
preallocated result, so ``compute()`` holds the result plus one chunk per
worker, where dask's own path holds every chunk and then concatenates them
into a second copy.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import dask
import dask.local
import dask.threaded
import numpy as np
from dask.highlevelgraph import HighLevelGraph

from dimtensor import _fused
from dimtensor._fused import _input

LOCAL = (dask.threaded.get, dask.local.get_sync)


def local_get(collection: Any, scheduler: Any) -> Any:
    """The local scheduler's ``get`` that would run ``collection``, or None
    (processes, a distributed client: results must travel back)."""
    get = dask.base.get_scheduler(scheduler=scheduler, collections=[collection])
    return get if get in LOCAL else None


def _fill(
    key: str,
    flat: tuple[Any, ...],
    dtype: str,
    threads: int | None,
    result: np.ndarray,
    where: Any,
    *blocks: Any,
) -> None:
    """One task: evaluate a chunk and write it into its place in ``result``."""
    view = result[where] if where else result[...]  # a view, also when 0-d
    if view.flags.c_contiguous:
        prog = _fused.program(key, flat, len(blocks))
        arrays = [_input(b, dtype) for b in blocks]
        prog.eval(arrays, out=view, dtype=dtype, threads=threads)
    else:
        view[...] = _fused.run(key, flat, dtype, *blocks, threads=threads)


def compute_into(
    key: str, flat: tuple[Any, ...], dtype: str, out_dtype: Any, leaves: list[Any], get: Any
) -> np.ndarray:
    """Runs the fused program (``flat``, named ``key`` by
    ``_fused.program_key``) over the leaves' chunks into one new array."""
    first = leaves[0]
    result = np.empty(first.shape, dtype=out_dtype)
    starts = [np.cumsum((0, *c)) for c in first.chunks]
    name = "fused-into-" + dask.base.tokenize(key, dtype, *leaves)
    dsk: dict[Any, Any] = {}
    n_tasks = int(np.prod([len(c) for c in first.chunks]))
    # The synchronous scheduler runs one task at a time: each may use every core.
    threads = None if get is dask.local.get_sync else _fused.task_threads(n_tasks)
    # The program inside a partial: dask walks the tuples of a task looking
    # for keys, which for a long program is most of the work (and a node such
    # as ("input", 0) must not be taken for a key).
    fill = functools.partial(_fill, key, flat, dtype, threads)
    for idx in itertools.product(*(range(len(c)) for c in first.chunks)):
        where = tuple(slice(s[i], s[i + 1]) for s, i in zip(starts, idx, strict=True))
        sources = [(leaf.name, *idx) for leaf in leaves]
        dsk[(name, *idx)] = (fill, result, where, *sources)
    graph = HighLevelGraph.from_collections(name, dsk, dependencies=leaves)
    get(graph, list(dsk))
    return result
