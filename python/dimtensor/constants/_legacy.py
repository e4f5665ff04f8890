"""dimtensor 5.x's grouping of the constants into submodules.

Each submodule holds its own table group plus every name 5.x had in it (the
same objects, wherever the table groups them: ``alpha`` is atomic in the
table and electromagnetic in 5.x). Four 5.x constants are not in the table;
they follow exactly from constants that are and are built from them here.
"""

from __future__ import annotations

import math

from dimtensor.constants._table import BY_MODULE, Constant, register

_ALL = {name: const for names in BY_MODULE.values() for name, const in names.items()}


def _derived(symbol: str, name: str, value: object, unit: str, *relative: float) -> Constant:
    """A constant computed from table constants (``value`` a DimArray),
    its uncertainty from theirs (independent relative uncertainties)."""
    v = float(value.to_value(unit))  # type: ignore[attr-defined]
    return Constant(symbol, name, v, unit, abs(v) * math.hypot(*relative, 0.0))


def _build() -> dict[str, Constant]:
    c, h, hbar, k_b = _ALL["c"], _ALL["h"], _ALL["hbar"], _ALL["k_B"]
    m_e, eps0 = _ALL["m_e"], _ALL["epsilon_0"]
    compton = _derived("λ_C", "Compton wavelength", h / (m_e * c), "m", m_e.relative_uncertainty)
    c1 = _derived("c₁", "first radiation constant", 2 * math.pi * h * c**2, "W*m^2")
    c2 = _derived("c₂", "second radiation constant", h * c / k_b, "m*K")
    q_p = _derived(
        "q_P",
        "Planck charge",
        (4 * math.pi * eps0 * hbar * c) ** 0.5,
        "C",
        eps0.relative_uncertainty / 2,
    )
    return {
        "compton_wavelength": compton,
        "lambda_C": compton,
        "first_radiation_constant": c1,
        "c_1": c1,
        "second_radiation_constant": c2,
        "c_2": c2,
        "planck_charge": q_p,
        "q_P": q_p,
        "wien_displacement_constant": _ALL["b"],
        "impedance_of_vacuum": _ALL["Z_0"],
    }


_EXTRA = _build()
for _key, _const in _EXTRA.items():
    if getattr(_const, "_key", None) is None:  # not one of the table's own
        register(_key, _const)

# The members of each submodule in dimtensor 5.2.
MEMBERS_5X = {
    "universal": "G c gravitational_constant h hbar planck_constant reduced_planck_constant "
    "speed_of_light",
    "electromagnetic": "G_0 Phi_0 Z_0 alpha conductance_quantum e elementary_charge epsilon_0 "
    "fine_structure_constant impedance_of_vacuum magnetic_flux_quantum mu_0 "
    "vacuum_permeability vacuum_permittivity",
    "atomic": "R_inf a_0 atomic_mass_constant bohr_magneton bohr_radius "
    "classical_electron_radius compton_wavelength electron_mass lambda_C m_e m_n m_p m_u "
    "mu_B mu_N neutron_mass nuclear_magneton proton_mass r_e rydberg_constant",
    "physico_chemical": "F N_A R avogadro_constant b boltzmann_constant c_1 c_2 "
    "faraday_constant first_radiation_constant k_B molar_gas_constant "
    "second_radiation_constant sigma stefan_boltzmann_constant wien_displacement_constant",
    "derived": "E_h T_P hartree_energy l_P m_P planck_charge planck_length planck_mass "
    "planck_temperature planck_time q_P t_P",
}


def members(module: str) -> dict[str, Constant]:
    """Everything submodule ``module`` holds: its table group and 5.x's names."""
    out = dict(BY_MODULE[module])
    for name in MEMBERS_5X[module].split():
        out.setdefault(name, _ALL[name] if name in _ALL else _EXTRA[name])
    return out


EXTRA = _EXTRA
