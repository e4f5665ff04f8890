"""DaskDimArray on a real dask.distributed LocalCluster with two worker
processes (loopback only): results and units survive the trip."""

import os
import signal
import time

import dask.array as da
import dimtensor as dt
import numpy as np
import pytest
from dimtensor.dask import DaskDimArray
from distributed import Client, LocalCluster


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def test_density_on_worker_processes(client: Client) -> None:
    rng = np.random.default_rng(2)
    p_np, t_np = rng.uniform(900, 1050, (60, 40)), rng.uniform(-10, 35, (60, 40))
    p = DaskDimArray(da.from_array(p_np, chunks=20), "hPa")
    t = DaskDimArray(da.from_array(t_np, chunks=20), "degC")
    n = (p.to("Pa") / (dt.constants.R * t.to("K"))).to("mol/m^3")
    result = n.compute()
    assert isinstance(result, dt.DimArray) and result.unit == dt.units.parse("mol/m^3")
    expected = p_np * 100 / (dt.constants.R.value * (t_np + 273.15))
    np.testing.assert_allclose(result.to_value(), expected, rtol=1e-12)
    kept = n.persist()
    assert kept.unit == n.unit
    total = client.compute(kept.sum()).result()
    assert total.unit == n.unit
    np.testing.assert_allclose(total.to_value(), expected.sum(), rtol=1e-12)


def _slow_square(block: np.ndarray) -> np.ndarray:
    time.sleep(0.15)
    return block * block


def test_a_worker_killed_mid_computation_does_not_change_the_result(client: Client) -> None:
    """One worker process is killed while chunks are being computed; the
    scheduler reruns its tasks elsewhere and the result and unit are right."""
    rng = np.random.default_rng(3)
    data = rng.uniform(1.0, 2.0, (80, 80))
    x = DaskDimArray(da.from_array(data, chunks=10), "m")
    squared = x.map_blocks(_slow_square, unit="m^2")  # 64 tasks of 0.15 s
    future = client.compute(squared.sum())
    deadline = time.monotonic() + 20
    while not client.processing() or not any(client.processing().values()):
        assert time.monotonic() < deadline, "no task started"
        time.sleep(0.05)
    time.sleep(0.3)  # let some chunks finish on both workers
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    os.kill(victim, signal.SIGKILL)
    result = future.result(timeout=60)
    assert result.unit == dt.units.m**2
    np.testing.assert_allclose(result.to_value(), (data * data).sum(), rtol=1e-12)
    assert victim not in client.run(os.getpid).values()
