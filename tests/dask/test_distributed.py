"""DaskDimArray on a real dask.distributed LocalCluster with two worker
processes (loopback only): results and units survive the trip."""

import os
import signal
import time

import dask
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


def test_results_come_back_as_plain_dimarrays_by_every_route(client: Client) -> None:
    rng = np.random.default_rng(5)
    p_np, t_np = rng.uniform(900, 1050, (40, 40)), rng.uniform(-10, 35, (40, 40))
    p = DaskDimArray(da.from_array(p_np, chunks=20), "hPa")
    t = DaskDimArray(da.from_array(t_np, chunks=20), "degC")
    n = p.to("Pa") / (dt.constants.R * t.to("K"))
    expected = p_np * 100 / (dt.constants.R.value * (t_np + 273.15))
    results = {
        "compute()": n.compute(),
        "dask.compute": dask.compute(n)[0],
        "client.compute": client.compute(n).result(),
        "persist().compute()": n.persist().compute(),
        "client.gather(client.compute(sum))": client.gather(client.compute(n.sum())),
    }
    for route, result in results.items():
        # Not the subclass the worker sends: the client gets a DimArray.
        assert type(result) is dt.DimArray, route
        assert result.unit == n.unit, route
    for route in ("compute()", "dask.compute", "client.compute", "persist().compute()"):
        np.testing.assert_allclose(results[route]._data, expected, rtol=1e-12, err_msg=route)
        assert results[route]._data.flags.writeable, route
    np.testing.assert_allclose(results["client.gather(client.compute(sum))"]._data, expected.sum())


def test_a_computed_result_crosses_as_raw_memory_not_a_pickle() -> None:
    """What the worker sends: the ndarray's own bytes (distributed's
    "dask" serializer), the unit in the header; a plain DimArray arrives."""
    from dimtensor.dask.transfer import computed
    from distributed.protocol import deserialize, serialize

    values = np.arange(12.0).reshape(3, 4)
    header, frames = serialize(computed(values, dt.units.J))
    assert header["serializer"] == "dask"
    assert any(np.shares_memory(np.asarray(f), values) for f in frames)  # no copy
    back = deserialize(header, frames)
    assert type(back) is dt.DimArray and back.unit == dt.units.J
    np.testing.assert_array_equal(back._data, values)
    # Workers account for a DimArray's memory by its values (spilling, pausing).
    from dask.sizeof import sizeof

    assert sizeof(dt.DimArray(np.zeros(10_000), "m")) >= 80_000


def test_s3_store_read_by_the_workers(client: Client, s3) -> None:
    """Each worker process opens the S3 store itself and reads its chunks
    from the local S3-compatible server."""
    url = "s3://bucket/cluster/temperature.zarr"
    values = np.linspace(250.0, 310.0, 400).reshape(20, 20)
    DaskDimArray(values, "K", chunks=5).to_zarr(url, storage_options=s3, overwrite=True)
    temperature = DaskDimArray.from_zarr(url, unit=dt.units.degC, storage_options=s3)
    mean = client.compute(temperature.mean()).result()
    assert mean.unit == dt.units.degC
    np.testing.assert_allclose(mean._data, values.mean() - 273.15, rtol=1e-12)
    # Data were read on the workers, not shipped from here.
    assert not any(isinstance(v, np.ndarray) for v in dict(temperature.__dask_graph__()).values())


def test_scheduler_restart_between_two_computes(client: Client, tmp_path) -> None:
    """client.restart() replaces every worker process and drops their data;
    the same lazy expression computes again, with the same unit."""
    store = tmp_path / "air.zarr"
    rng = np.random.default_rng(6)
    p_np, t_np = rng.uniform(900, 1050, (30, 30)), rng.uniform(-10, 35, (30, 30))
    DaskDimArray(p_np, "hPa", chunks=10).to_zarr(store, component="p")
    DaskDimArray(t_np, "degC", chunks=10).to_zarr(store, component="t")
    from dimtensor.dask import from_zarr

    n = from_zarr(store, "p").to("Pa") / (dt.constants.R * from_zarr(store, "t").to("K"))
    first = n.compute()
    kept = n.persist()
    pids_before = set(client.run(os.getpid).values())
    client.restart()
    assert set(client.run(os.getpid).values()).isdisjoint(pids_before)
    second = n.compute()
    assert first.unit == second.unit == n.unit
    np.testing.assert_array_equal(first._data, second._data)
    # What was persisted before the restart is gone (dask's rule); persisting
    # again works and keeps the unit.
    assert kept.unit == n.unit
    again = n.persist()
    total = client.compute(again.sum()).result()
    assert total.unit == n.unit
    np.testing.assert_allclose(total._data, first._data.sum(), rtol=1e-12)
