"""The examples run end to end (small sizes), as `make demo` runs them."""

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_units_tour() -> None:
    out = run("units_tour.py")
    assert "100 km/h = 27.7778 m/s" in out
    assert "UnitStrippedError" in out


def test_ideal_gas_on_a_local_cluster(tmp_path: Path) -> None:
    out = run("ideal_gas.py", "--size", "200", "--chunks", "100", "--out", str(tmp_path))
    assert "DimensionError" in out and "no task was scheduled" in out
    assert "mol/m³" in out
    assert (tmp_path / "molar_density.png").stat().st_size > 10_000
    assert (tmp_path / "air.zarr" / "molar_density").is_dir()


def test_xarray_climate_on_a_local_cluster(tmp_path: Path) -> None:
    out = run("xarray_climate.py", "--days", "60", "--grid", "10", "--out", str(tmp_path))
    assert "DimensionError" in out and "no task was scheduled" in out
    assert "'units': 'kg m-3'" in out and "'units': 'mm'" in out
    assert (tmp_path / "climate.png").stat().st_size > 10_000
    assert (tmp_path / "climate_results.zarr" / "tas_anomaly").is_dir()
