"""The dimtensor 5.x import layout: aliases of the same objects."""

from __future__ import annotations

import importlib
import math
import subprocess
import sys

import dimtensor
import dimtensor.core
import dimtensor.core.dimensions
import dimtensor.core.units
import pytest


def test_core_units_is_the_units_module() -> None:
    assert dimtensor.core.units is dimtensor.units
    assert sys.modules["dimtensor.core.units"] is dimtensor.units
    assert importlib.import_module("dimtensor.core.units") is dimtensor.units


def test_from_core_units_import_names() -> None:
    from dimtensor.core.units import kg, m, s

    assert m is dimtensor.units.m
    assert s is dimtensor.units.s
    assert kg is dimtensor.units.kg
    assert m.symbol == "m"
    assert (kg * m / s**2) == dimtensor.units.N


def test_from_core_units_import_less_common_names() -> None:
    from dimtensor.core.units import degC, km, ohm, parse

    assert km.scale == 1000.0
    assert degC.offset == 273.15
    assert ohm.symbol == "Ω"
    assert parse("km/h") == km / dimtensor.units.h


def test_core_dimensions() -> None:
    from dimtensor.core.dimensions import DIMENSIONLESS, Dimension

    assert Dimension is dimtensor.Dimension
    assert dimtensor.core.dimensions.Dimension is dimtensor.Dimension
    assert DIMENSIONLESS == dimtensor.DIMENSIONLESS
    assert DIMENSIONLESS.is_dimensionless


def test_top_level_names() -> None:
    for name in ("Unit", "Dimension", "DIMENSIONLESS", "units", "constants", "errors"):
        assert hasattr(dimtensor, name), name
        assert name in dimtensor.__all__
    assert isinstance(dimtensor.__version__, str)
    assert dimtensor.__version__.count(".") >= 2
    assert dimtensor.units.Unit is dimtensor.Unit


def test_core_units_import_in_a_fresh_interpreter() -> None:
    # The alias must work when it is the very first thing imported.
    code = (
        "from dimtensor.core.units import m, s, kg\n"
        "import dimtensor\n"
        "assert m is dimtensor.units.m and (kg*m/s**2) == dimtensor.units.N\n"
        "from dimtensor.core.dimensions import Dimension\n"
        "assert Dimension is dimtensor.Dimension\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "ok"


# ---- every public name of dimtensor 5.2.0 --------------------------------------
# (read from the 5.2.0 wheel; typing helpers its modules happened to import,
# such as ``np``, ``Any`` or ``overload``, are not part of its API.)

TOP_LEVEL_5X = (
    "ConstraintError DIMENSIONLESS DimArray Dimension DimensionError Unit UnitConversionError "
    "__version__ accessibility analysis concatenate config constants domains dot education "
    "experiments i18n matmul norm profiling research schema serverless split stack units "
    "validation visualization weighted_mean"
).split()

# Names with no counterpart here: importable, and any use raises UnavailableError.
UNAVAILABLE_5X = (
    "accessibility analysis config domains education experiments i18n profiling research "
    "schema serverless validation visualization weighted_mean"
).split()

MODULES_5X = {
    "dimtensor.core": "DIMENSIONLESS DimArray Dimension Unit",
    "dimtensor.core.dimarray": "DimArray Dimension DimensionError Unit UnitConversionError "
    "dimensionless",
    "dimtensor.core.dimensions": "AMOUNT CURRENT DIMENSIONLESS Dimension LENGTH LUMINOSITY "
    "MASS TEMPERATURE TIME",
    "dimtensor.errors": "ConstraintError DimTensorError DimensionError UnitConversionError",
    "dimtensor.functions": "concatenate dot matmul norm split stack",
    "dimtensor.constants": "Constant E_h F G N_A R R_inf T_P a_0 alpha avogadro_constant "
    "bohr_radius boltzmann_constant c e electron_mass elementary_charge epsilon_0 "
    "faraday_constant fine_structure_constant gravitational_constant h hartree_energy hbar "
    "k_B l_P m_P m_e m_n m_p molar_gas_constant mu_0 neutron_mass planck_constant "
    "planck_length planck_mass planck_temperature planck_time proton_mass "
    "reduced_planck_constant rydberg_constant sigma speed_of_light stefan_boltzmann_constant "
    "t_P vacuum_permeability vacuum_permittivity",
    "dimtensor.constants.universal": "G c gravitational_constant h hbar planck_constant "
    "reduced_planck_constant speed_of_light",
    "dimtensor.constants.electromagnetic": "G_0 Phi_0 Z_0 alpha conductance_quantum e "
    "elementary_charge epsilon_0 fine_structure_constant impedance_of_vacuum "
    "magnetic_flux_quantum mu_0 vacuum_permeability vacuum_permittivity",
    "dimtensor.constants.atomic": "R_inf a_0 atomic_mass_constant bohr_magneton bohr_radius "
    "classical_electron_radius compton_wavelength electron_mass lambda_C m_e m_n m_p m_u "
    "mu_B mu_N neutron_mass nuclear_magneton proton_mass r_e rydberg_constant",
    "dimtensor.constants.physico_chemical": "F N_A R avogadro_constant b boltzmann_constant "
    "c_1 c_2 faraday_constant first_radiation_constant k_B molar_gas_constant "
    "second_radiation_constant sigma stefan_boltzmann_constant wien_displacement_constant",
    "dimtensor.constants.derived": "E_h T_P hartree_energy l_P m_P planck_charge "
    "planck_length planck_mass planck_temperature planck_time q_P t_P",
}

# dimtensor.core.units (= dimtensor.units) in 5.2.0: name, scale to SI, exponents
# (L, M, T, I, Θ, N, J); plus Unit, Dimension and DIMENSIONLESS.
UNITS_5X = [
    ("A", 1.0, (0, 0, 0, 1, 0, 0, 0)),
    ("C", 1.0, (0, 0, 1, 1, 0, 0, 0)),
    ("F", 1.0, (-2, -1, 4, 2, 0, 0, 0)),
    ("H", 1.0, (2, 1, -2, -2, 0, 0, 0)),
    ("Hz", 1.0, (0, 0, -1, 0, 0, 0, 0)),
    ("J", 1.0, (2, 1, -2, 0, 0, 0, 0)),
    ("K", 1.0, (0, 0, 0, 0, 1, 0, 0)),
    ("N", 1.0, (1, 1, -2, 0, 0, 0, 0)),
    ("Pa", 1.0, (-1, 1, -2, 0, 0, 0, 0)),
    ("T", 1.0, (0, 1, -2, -1, 0, 0, 0)),
    ("V", 1.0, (2, 1, -3, -1, 0, 0, 0)),
    ("W", 1.0, (2, 1, -3, 0, 0, 0, 0)),
    ("Wb", 1.0, (2, 1, -2, -1, 0, 0, 0)),
    ("ampere", 1.0, (0, 0, 0, 1, 0, 0, 0)),
    ("angstrom", 1e-10, (1, 0, 0, 0, 0, 0, 0)),
    ("atm", 101325.0, (-1, 1, -2, 0, 0, 0, 0)),
    ("atmosphere", 101325.0, (-1, 1, -2, 0, 0, 0, 0)),
    ("bar", 100000.0, (-1, 1, -2, 0, 0, 0, 0)),
    ("c", 299792458.0, (1, 0, -1, 0, 0, 0, 0)),
    ("calorie", 4.184, (2, 1, -2, 0, 0, 0, 0)),
    ("candela", 1.0, (0, 0, 0, 0, 0, 0, 1)),
    ("cd", 1.0, (0, 0, 0, 0, 0, 0, 1)),
    ("celsius", 1.0, (0, 0, 0, 0, 1, 0, 0)),
    ("centimeter", 0.01, (1, 0, 0, 0, 0, 0, 0)),
    ("cm", 0.01, (1, 0, 0, 0, 0, 0, 0)),
    ("coulomb", 1.0, (0, 0, 1, 1, 0, 0, 0)),
    ("day", 86400.0, (0, 0, 1, 0, 0, 0, 0)),
    ("deg", 0.017453292519943295, (0, 0, 0, 0, 0, 0, 0)),
    ("degree", 0.017453292519943295, (0, 0, 0, 0, 0, 0, 0)),
    ("dimensionless", 1.0, (0, 0, 0, 0, 0, 0, 0)),
    ("eV", 1.602176634e-19, (2, 1, -2, 0, 0, 0, 0)),
    ("electronvolt", 1.602176634e-19, (2, 1, -2, 0, 0, 0, 0)),
    ("farad", 1.0, (-2, -1, 4, 2, 0, 0, 0)),
    ("foot", 0.3048, (1, 0, 0, 0, 0, 0, 0)),
    ("g", 0.001, (0, 1, 0, 0, 0, 0, 0)),
    ("gram", 0.001, (0, 1, 0, 0, 0, 0, 0)),
    ("hPa", 100.0, (-1, 1, -2, 0, 0, 0, 0)),
    ("hectopascal", 100.0, (-1, 1, -2, 0, 0, 0, 0)),
    ("henry", 1.0, (2, 1, -2, -2, 0, 0, 0)),
    ("hertz", 1.0, (0, 0, -1, 0, 0, 0, 0)),
    ("hour", 3600.0, (0, 0, 1, 0, 0, 0, 0)),
    ("inch", 0.0254, (1, 0, 0, 0, 0, 0, 0)),
    ("joule", 1.0, (2, 1, -2, 0, 0, 0, 0)),
    ("kelvin", 1.0, (0, 0, 0, 0, 1, 0, 0)),
    ("kg", 1.0, (0, 1, 0, 0, 0, 0, 0)),
    ("kilocalorie", 4184.0, (2, 1, -2, 0, 0, 0, 0)),
    ("kilogram", 1.0, (0, 1, 0, 0, 0, 0, 0)),
    ("kilometer", 1000.0, (1, 0, 0, 0, 0, 0, 0)),
    ("km", 1000.0, (1, 0, 0, 0, 0, 0, 0)),
    ("m", 1.0, (1, 0, 0, 0, 0, 0, 0)),
    ("m_per_s", 1.0, (1, 0, -1, 0, 0, 0, 0)),
    ("meter", 1.0, (1, 0, 0, 0, 0, 0, 0)),
    ("meters_per_second", 1.0, (1, 0, -1, 0, 0, 0, 0)),
    ("mg", 1e-06, (0, 1, 0, 0, 0, 0, 0)),
    ("microsecond", 1e-06, (0, 0, 1, 0, 0, 0, 0)),
    ("mile", 1609.344, (1, 0, 0, 0, 0, 0, 0)),
    ("milligram", 1e-06, (0, 1, 0, 0, 0, 0, 0)),
    ("millimeter", 0.001, (1, 0, 0, 0, 0, 0, 0)),
    ("millisecond", 0.001, (0, 0, 1, 0, 0, 0, 0)),
    ("minute", 60.0, (0, 0, 1, 0, 0, 0, 0)),
    ("mm", 0.001, (1, 0, 0, 0, 0, 0, 0)),
    ("mol", 1.0, (0, 0, 0, 0, 0, 1, 0)),
    ("mole", 1.0, (0, 0, 0, 0, 0, 1, 0)),
    ("ms", 0.001, (0, 0, 1, 0, 0, 0, 0)),
    ("nanosecond", 1e-09, (0, 0, 1, 0, 0, 0, 0)),
    ("newton", 1.0, (1, 1, -2, 0, 0, 0, 0)),
    ("ohm", 1.0, (2, 1, -3, -2, 0, 0, 0)),
    ("ounce", 0.028349523125, (0, 1, 0, 0, 0, 0, 0)),
    ("pascal", 1.0, (-1, 1, -2, 0, 0, 0, 0)),
    ("pound", 0.45359237, (0, 1, 0, 0, 0, 0, 0)),
    ("psi", 6894.757, (-1, 1, -2, 0, 0, 0, 0)),
    ("rad", 1.0, (0, 0, 0, 0, 0, 0, 0)),
    ("radian", 1.0, (0, 0, 0, 0, 0, 0, 0)),
    ("s", 1.0, (0, 0, 1, 0, 0, 0, 0)),
    ("second", 1.0, (0, 0, 1, 0, 0, 0, 0)),
    ("speed_of_light", 299792458.0, (1, 0, -1, 0, 0, 0, 0)),
    ("tesla", 1.0, (0, 1, -2, -1, 0, 0, 0)),
    ("tonne", 1000.0, (0, 1, 0, 0, 0, 0, 0)),
    ("torr", 133.322, (-1, 1, -2, 0, 0, 0, 0)),
    ("volt", 1.0, (2, 1, -3, -1, 0, 0, 0)),
    ("watt", 1.0, (2, 1, -3, 0, 0, 0, 0)),
    ("weber", 1.0, (2, 1, -2, -1, 0, 0, 0)),
    ("yard", 0.9144, (1, 0, 0, 0, 0, 0, 0)),
]


def test_every_top_level_name_of_5_2_imports() -> None:
    for name in TOP_LEVEL_5X:
        exec(f"from dimtensor import {name}", {})  # the import itself works
        assert getattr(dimtensor, name) is not None, name
    for name in ("DimensionError", "UnitConversionError", "ConstraintError"):
        assert getattr(dimtensor, name) is getattr(dimtensor.errors, name)
    # The 5.x tutorial's first lines.
    from dimtensor import DimArray, DimensionError, units

    velocity = DimArray([10.0, 20.0, 30.0], units.m / units.s)
    with pytest.raises(DimensionError):
        velocity + DimArray([9.8], units.m / units.s**2)


def test_names_without_a_counterpart_import_and_raise_on_use() -> None:
    from dimtensor.errors import DimtensorError, UnavailableError

    assert issubclass(UnavailableError, DimtensorError)
    assert issubclass(UnavailableError, NotImplementedError)
    for name in UNAVAILABLE_5X:
        obj = getattr(dimtensor, name)
        with pytest.raises(UnavailableError, match=rf"dimtensor\.{name} \(dimtensor 5\.x\)"):
            obj.anything if name != "weighted_mean" else obj([])
        assert name in repr(obj)
    # Submodules import too (5.x code imports them at the top of a file).
    import dimtensor.domains.astronomy as astronomy

    with pytest.raises(UnavailableError, match=r"units\.parse"):
        _ = astronomy.parsec
    with pytest.raises(UnavailableError):
        exec("from dimtensor.visualization import plot", {})


def test_every_module_name_of_5_2_imports_as_our_object() -> None:
    for module, names in MODULES_5X.items():
        mod = importlib.import_module(module)
        for name in names.split():
            namespace: dict[str, object] = {}
            exec(f"from {module} import {name}", namespace)
            assert namespace[name] is getattr(mod, name), (module, name)
    core = importlib.import_module("dimtensor.core")
    assert core.DimArray is dimtensor.DimArray and core.Unit is dimtensor.Unit
    from dimtensor.core import dimarray, dimensions

    assert dimarray.DimArray is dimtensor.DimArray
    assert dimarray.dimensionless == dimtensor.Unit("")
    assert dimarray.DimensionError is dimtensor.errors.DimensionError
    assert [dimensions.LENGTH, dimensions.TEMPERATURE, dimensions.LUMINOSITY] == [0, 4, 6]
    assert dimtensor.errors.DimTensorError is dimtensor.errors.DimtensorError
    assert issubclass(dimtensor.errors.ConstraintError, dimtensor.errors.DimtensorError)


def test_constants_submodules_have_5_2_members_as_the_same_constants() -> None:
    from dimtensor import constants
    from dimtensor.constants import atomic, derived, electromagnetic, physico_chemical

    # alpha is electromagnetic in 5.x (atomic in CODATA's grouping): both work.
    assert electromagnetic.alpha is constants.alpha is atomic.alpha
    assert electromagnetic.impedance_of_vacuum is constants.Z_0
    assert physico_chemical.wien_displacement_constant is constants.b
    # Four 5.x constants follow exactly from CODATA 2022 ones.
    h, c, k_b = constants.h.value, constants.c.value, constants.k_B.value
    assert atomic.lambda_C.value == pytest.approx(2.42631023538e-12, rel=1e-10)
    assert atomic.lambda_C.relative_uncertainty == pytest.approx(constants.m_e.relative_uncertainty)
    assert physico_chemical.c_1.value == pytest.approx(2 * math.pi * h * c**2, rel=1e-15)
    assert physico_chemical.c_2.value == pytest.approx(h * c / k_b, rel=1e-15)
    assert physico_chemical.c_1.is_exact and physico_chemical.c_2.is_exact
    assert derived.q_P.value == pytest.approx(
        constants.e.value / constants.alpha.value**0.5, rel=1e-11
    )
    assert derived.planck_charge is derived.q_P and derived.q_P.unit == dimtensor.units.C


def test_constant_to_dimarray() -> None:
    from dimtensor import constants

    x = constants.G.to_dimarray()
    assert type(x) is dimtensor.DimArray and x.unit == constants.G.unit
    assert x.shape == ()  # 0-d, as every scalar quantity here (5.x: shape (1,))
    assert float(x.to_value()) == constants.G.value
    x._data[...] = 0.0  # a new array: the constant is untouched
    assert constants.G.value == 6.6743e-11


def test_every_unit_name_of_5_2_means_the_same_unit() -> None:
    from dimtensor.core import units as core_units

    base = ("length", "mass", "time", "current", "temperature", "amount", "luminosity")
    for name, scale, exponents in UNITS_5X:
        ours = getattr(core_units, name)
        assert ours is getattr(dimtensor.units, name), name
        assert ours.dimension == dimtensor.Dimension(**dict(zip(base, exponents, strict=True))), (
            name
        )
        # 5.x rounded psi and torr; the values here are the exact definitions.
        assert ours.scale == pytest.approx(scale, rel=1e-5), name
        if name != "celsius":
            assert ours.offset == 0.0, name
    # celsius: in 5.x a unit without offset (so 20 celsius -> 20 K); here the
    # Celsius scale (20 °C -> 293.15 K), as in UDUNITS/CF. 5.x's meaning is
    # delta_degC.
    assert core_units.celsius == dimtensor.units.degC
    assert dimtensor.units.delta_degC.offset == 0.0
    for name in ("Unit", "Dimension", "DIMENSIONLESS"):
        assert getattr(core_units, name) is getattr(dimtensor, name)
    assert core_units.c.conversion_factor(dimtensor.units.m / dimtensor.units.s) == 299792458.0
