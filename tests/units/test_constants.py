"""CODATA 2022 constants (docs/semantics.md) and import hygiene."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import pytest
from dimtensor import Dimension, Unit, constants, units
from dimtensor.constants import Constant

# The constants, with CODATA 2022 values and standard uncertainties.
CODATA_2022: dict[str, tuple[float, float]] = {
    "c": (299792458.0, 0.0),
    "G": (6.67430e-11, 0.00015e-11),
    "h": (6.62607015e-34, 0.0),
    "hbar": (1.054571817e-34, 0.0),
    "e": (1.602176634e-19, 0.0),
    "mu_0": (1.25663706127e-6, 0.00000000020e-6),
    "epsilon_0": (8.8541878188e-12, 0.0000000014e-12),
    "alpha": (7.2973525643e-3, 0.0000000011e-3),
    "m_e": (9.1093837139e-31, 0.0000000028e-31),
    "m_p": (1.67262192595e-27, 0.00000000052e-27),
    "m_n": (1.67492750056e-27, 0.00000000085e-27),
    "a_0": (5.29177210544e-11, 0.00000000082e-11),
    "R_inf": (10973731.568157, 0.000012),
    "N_A": (6.02214076e23, 0.0),
    "k_B": (1.380649e-23, 0.0),
    "R": (8.314462618, 0.0),
    "F": (96485.33212, 0.0),
    "sigma": (5.670374419e-8, 0.0),
    "l_P": (1.616255e-35, 0.000018e-35),
    "m_P": (2.176434e-8, 0.000024e-8),
    "t_P": (5.391247e-44, 0.000060e-44),
    "T_P": (1.416784e32, 0.000016e32),
    "E_h": (4.3597447222060e-18, 0.0000000000048e-18),
}

EXACT = {"c", "h", "hbar", "e", "N_A", "k_B", "R", "F", "sigma"}

UNITS: dict[str, Unit] = {
    "c": units.m / units.s,
    "G": units.m**3 / (units.kg * units.s**2),
    "h": units.J * units.s,
    "hbar": units.J * units.s,
    "e": units.C,
    "mu_0": units.N / units.A**2,
    "epsilon_0": units.F / units.m,
    "alpha": units.parse("1"),
    "m_e": units.kg,
    "m_p": units.kg,
    "m_n": units.kg,
    "a_0": units.m,
    "R_inf": 1 / units.m,
    "N_A": 1 / units.mol,
    "k_B": units.J / units.K,
    "R": units.J / (units.mol * units.K),
    "F": units.C / units.mol,
    "sigma": units.W / (units.m**2 * units.K**4),
    "l_P": units.m,
    "m_P": units.kg,
    "t_P": units.s,
    "T_P": units.K,
    "E_h": units.J,
}

ALIASES = {
    "speed_of_light": "c",
    "gravitational_constant": "G",
    "planck_constant": "h",
    "reduced_planck_constant": "hbar",
    "elementary_charge": "e",
    "vacuum_permeability": "mu_0",
    "vacuum_permittivity": "epsilon_0",
    "fine_structure_constant": "alpha",
    "electron_mass": "m_e",
    "proton_mass": "m_p",
    "neutron_mass": "m_n",
    "bohr_radius": "a_0",
    "rydberg_constant": "R_inf",
    "avogadro_constant": "N_A",
    "boltzmann_constant": "k_B",
    "molar_gas_constant": "R",
    "faraday_constant": "F",
    "stefan_boltzmann_constant": "sigma",
    "planck_length": "l_P",
    "planck_mass": "m_P",
    "planck_time": "t_P",
    "planck_temperature": "T_P",
    "hartree_energy": "E_h",
}

SUBMODULES = ("universal", "electromagnetic", "atomic", "physico_chemical", "derived")


@pytest.mark.parametrize("name", sorted(CODATA_2022))
def test_constant_exists_with_all_attributes(name: str) -> None:
    const = getattr(constants, name)
    assert isinstance(const, Constant)
    assert isinstance(const.symbol, str)
    assert const.symbol
    assert isinstance(const.name, str)
    assert len(const.name) > 3
    assert isinstance(const.value, float)
    assert isinstance(const.unit, Unit)
    assert isinstance(const.uncertainty, float)
    assert isinstance(const.is_exact, bool)
    assert isinstance(const.relative_uncertainty, float)
    assert name in constants.__all__


@pytest.mark.parametrize("name", sorted(CODATA_2022))
def test_codata_2022_values(name: str) -> None:
    const = getattr(constants, name)
    value, unc = CODATA_2022[name]
    # Exact constants: all digits given; others: CODATA's printed digits.
    assert const.value == pytest.approx(value, rel=1e-9 if name in EXACT else 1e-14)
    assert const.uncertainty == pytest.approx(unc, rel=1e-9, abs=0.0)
    assert const.is_exact == (unc == 0.0)
    if unc:
        assert const.relative_uncertainty == pytest.approx(unc / value, rel=1e-9)
    else:
        assert const.relative_uncertainty == 0.0


def test_spot_values_exactly() -> None:
    assert constants.c.value == 299792458.0
    assert constants.h.value == 6.62607015e-34
    assert constants.e.value == 1.602176634e-19
    assert constants.k_B.value == 1.380649e-23
    assert constants.N_A.value == 6.02214076e23
    for c in (constants.c, constants.h, constants.e, constants.k_B, constants.N_A):
        assert c.is_exact
        assert c.uncertainty == 0.0
    assert constants.G.value == 6.67430e-11
    assert constants.G.uncertainty == pytest.approx(0.00015e-11, rel=1e-12)
    assert not constants.G.is_exact
    assert constants.G.relative_uncertainty == pytest.approx(2.2474e-5, rel=1e-4)
    assert constants.alpha.value == 7.2973525643e-3
    assert constants.m_e.value == 9.1093837139e-31


def test_exact_derived_constants_are_consistent() -> None:
    c, h, e, k, na = (constants.c.value, constants.h.value, constants.e.value,
                      constants.k_B.value, constants.N_A.value)  # fmt: skip
    assert constants.hbar.value == pytest.approx(h / (2 * math.pi), rel=1e-15)
    assert constants.R.value == pytest.approx(na * k, rel=1e-15)
    assert constants.F.value == pytest.approx(na * e, rel=1e-15)
    sigma = 2 * math.pi**5 * k**4 / (15 * h**3 * c**2)
    assert constants.sigma.value == pytest.approx(sigma, rel=1e-14)
    # mu_0 * epsilon_0 * c^2 == 1, in value and in unit.
    product = constants.mu_0.value * constants.epsilon_0.value * c**2
    assert product == pytest.approx(1.0, rel=1e-9)
    unit = constants.mu_0.unit * constants.epsilon_0.unit * constants.c.unit**2
    assert unit.is_dimensionless
    assert unit.scale == pytest.approx(1.0)
    # alpha = e^2 / (2 epsilon_0 h c)
    alpha = e**2 / (2 * constants.epsilon_0.value * h * c)
    assert constants.alpha.value == pytest.approx(alpha, rel=1e-9)


@pytest.mark.parametrize("name", sorted(UNITS))
def test_units_are_correct(name: str) -> None:
    const = getattr(constants, name)
    expected = UNITS[name]
    assert const.unit == expected, (const.unit.symbol, expected.symbol)
    assert const.unit.dimension == expected.dimension
    assert const.unit.offset == 0.0


def test_gravitational_constant_unit() -> None:
    unit = constants.G.unit
    assert unit.dimension == Dimension(length=3, mass=-1, time=-2)
    assert unit.symbol == "m³/(kg·s²)"
    assert unit == units.parse("m^3 kg^-1 s^-2")
    assert unit == units.N * units.m**2 / units.kg**2


def test_constant_text_and_value_conversion() -> None:
    assert constants.k_B.unit.symbol == "J/K"
    assert str(constants.c) == "c = 299792458 m/s (exact)"
    assert str(constants.m_e).startswith("mₑ = 9.109383714e-31 kg ±")
    assert repr(constants.c).startswith("Constant('c', ")
    assert float(constants.c.to_value("m/s")) == 299792458.0
    assert constants.c.to_value("km/s") == pytest.approx(299792.458)
    assert constants.c.to_value() == 299792458.0
    assert constants.T_P.to_value("degC") == pytest.approx(1.416784e32)


def test_constants_are_immutable() -> None:
    with pytest.raises(AttributeError):
        constants.c.value = 3e8  # type: ignore[misc]
    with pytest.raises(AttributeError):
        constants.c.foo = 1  # type: ignore[attr-defined]
    assert constants.c.value == 299792458.0


@pytest.mark.parametrize(("alias", "name"), sorted(ALIASES.items()))
def test_long_aliases_are_the_same_objects(alias: str, name: str) -> None:
    assert getattr(constants, alias) is getattr(constants, name)
    assert alias in constants.__all__


def test_submodules() -> None:
    from dimtensor.constants import atomic, derived, electromagnetic, physico_chemical, universal

    mods = {
        "universal": universal,
        "electromagnetic": electromagnetic,
        "atomic": atomic,
        "physico_chemical": physico_chemical,
        "derived": derived,
    }
    assert set(mods) == set(SUBMODULES)
    seen: dict[str, str] = {}
    for mod_name, mod in mods.items():
        assert getattr(constants, mod_name) is mod
        assert mod.__name__ == f"dimtensor.constants.{mod_name}"
        assert mod.__all__
        for attr in mod.__all__:
            const = getattr(mod, attr)
            assert isinstance(const, Constant)
            # A name in two submodules (dimtensor 5.x's grouping beside
            # CODATA's: alpha) is one constant.
            assert getattr(constants, attr) is const
            seen.setdefault(attr, mod_name)
    top = {n for n in constants.__all__ if isinstance(getattr(constants, n), Constant)}
    assert top == set(seen)
    for name in CODATA_2022:
        assert name in seen
    assert seen["c"] == "universal"
    assert seen["G"] == "universal"
    assert seen["e"] == "electromagnetic"
    assert seen["m_e"] == "atomic"
    assert seen["k_B"] == "physico_chemical"
    assert seen["l_P"] == "derived"


FORBIDDEN = ("dask", "scipy", "zarr", "jax", "torch")

IMPORT_PROBE = textwrap.dedent(
    """
    import sys

    forbidden = {forbidden!r}
    attempted = []

    class Recorder:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in forbidden:
                attempted.append(name)
            return None

    sys.meta_path.insert(0, Recorder())
    import dimtensor
    import dimtensor.constants
    import dimtensor.core
    import dimtensor.errors
    import dimtensor.units
    from dimtensor import units
    units.parse("kg m2 s-2")
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in forbidden)
    print(repr((attempted, loaded)))
    """
)


def test_importing_dimtensor_does_not_import_heavy_dependencies() -> None:
    code = IMPORT_PROBE.format(forbidden=FORBIDDEN)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    attempted, loaded = eval(out.stdout.strip())
    assert attempted == []
    assert loaded == []


def test_import_probe_detects_an_import() -> None:
    # The probe above is not vacuous: it notices an attempted import even when
    # the package is not installed.
    code = IMPORT_PROBE.format(forbidden=FORBIDDEN).replace(
        "import dimtensor\n",
        "import dimtensor\ntry:\n    import zarr\nexcept ImportError:\n    pass\n",
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    attempted, _ = eval(out.stdout.strip())
    assert "zarr" in attempted
