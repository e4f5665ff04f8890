"""Lazy fused chains: a chain of elementwise DaskDimArray operations on
float arrays of one shape and chunking is kept as an expression tree (see
:mod:`dimtensor._fused`) and becomes one blockwise task per chunk whose body
is the fused Rust kernel, so no intermediate chunk is ever materialized. The
units were decided by the rule table before a node was added.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import dask
import dask.array as da
import numpy as np

from dimtensor import _fused
from dimtensor._backend import ONE
from dimtensor._core import DimArray, Unit


class Pending:
    """A chain of elementwise operations not yet in the graph: a node tree
    (see dimtensor._fused) over dask arrays of one shape and chunking."""

    __slots__ = ("boolean", "chunks", "dtype", "node", "shape", "size")

    def __init__(
        self,
        node: Any,
        shape: Any,
        chunks: Any,
        dtype: np.dtype[Any],
        boolean: bool,
        size: int = 1,
    ) -> None:
        self.node, self.shape, self.chunks = node, shape, chunks
        self.dtype, self.boolean = dtype, boolean
        # Operations in the chain (an upper bound: shared parts count twice).
        self.size = size

    def compute_into(self, get: Any) -> np.ndarray:
        from dimtensor.dask import graphs

        flat, leaves = _fused.compile(self.node)
        key = _fused.program_key(flat, len(leaves))
        out = np.dtype(bool) if self.boolean else self.dtype
        return graphs.compute_into(key, tuple(flat), self.dtype.name, out, leaves, get)

    def materialize(self) -> da.Array:
        """One blockwise layer whose task body is the fused Rust kernel."""
        if self.node[0] == "leaf":
            return self.node[1]  # type: ignore[no-any-return]
        flat, leaves = _fused.compile(self.node)
        key = _fused.program_key(flat, len(leaves))
        out = np.dtype(bool) if self.boolean else self.dtype
        n_tasks = math.prod(len(c) for c in self.chunks)
        threads = _fused.task_threads(n_tasks)
        body = functools.partial(_fused.run, key, tuple(flat), self.dtype.name, threads=threads)
        token = dask.base.tokenize(key, self.dtype.name, *leaves)
        return da.map_blocks(
            body,
            *leaves,
            dtype=out,
            meta=np.empty((0,) * len(self.shape), dtype=out),
            name=f"fused-{token}",
        )


# On truth values (``(t > x) & (p < y)``), the bitwise operators are the
# logical ones, which the fused kernel runs.
_ON_TRUTH_VALUES = {
    "bitwise_and": "logical_and",
    "bitwise_or": "logical_or",
    "bitwise_xor": "logical_xor",
    "invert": "logical_not",
}


def chain(cls: Any, name: str, inputs: Sequence[Any], convs: Any, outs: Any) -> Any:
    """``name(*inputs)`` as a longer fused chain of DaskDimArrays (``cls``),
    or None when it cannot join one (other shapes or chunks, non-float data,
    non-elementwise operation)."""
    arrays = [x for x in inputs if isinstance(x, cls)]
    if name in _ON_TRUTH_VALUES and all(
        isinstance(x, cls) and x._pending is not None and x._pending.boolean for x in inputs
    ):
        name = _ON_TRUTH_VALUES[name]
    if len(outs) != 1 or not _fused.fusable(name):
        return None
    if not arrays or not all(a._fusable() for a in arrays):
        return None
    if len({(a.shape, a.chunks) for a in arrays}) != 1:
        return None
    nodes = []
    size = 1
    for x in inputs:
        if isinstance(x, cls):
            node, n = x._node()
            nodes.append(node)
            size += n
        elif isinstance(x, DimArray) and x.ndim == 0 and x.dtype.kind in "fiu":
            nodes.append(_fused.const(x._data.item()))
        elif isinstance(x, Unit):
            nodes.append(_fused.const(1.0))
        elif isinstance(x, (int, float)) and not isinstance(x, bool):
            nodes.append(_fused.const(x))
        else:
            return None
    dtypes = {a._compute_dtype() for a in arrays}
    dtype = np.dtype(np.float32) if dtypes == {np.dtype(np.float32)} else np.dtype(np.float64)
    node = _fused.apply(name, nodes, convs)
    boolean = name in _fused.BOOLEAN
    unit = outs[0] if outs[0] is not None else ONE
    pending = arrays[0]._pending_like(node, boolean, dtype, min(size, _fused.CHAIN_LIMIT))
    return cls._from_pending(pending, unit)
