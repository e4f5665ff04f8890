"""A dask callback counting task executions on the local schedulers, shared
by the tests that check nothing runs while an expression is built."""

from dask.callbacks import Callback


class CountTasks(Callback):
    """Counts task executions on the local schedulers."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def _pretask(self, key, dsk, state) -> None:
        self.count += 1


def n_tasks(x) -> int:
    """The number of tasks in a dask collection's graph."""
    return len(dict(x.__dask_graph__()))
