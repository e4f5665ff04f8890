"""CODATA 2022 physical constants.

Each is a :class:`Constant` with ``symbol``, ``name``, ``value``, ``unit``,
``uncertainty``, ``is_exact`` and ``relative_uncertainty``; long aliases
name the same object (``constants.speed_of_light is constants.c``).

>>> from dimtensor import constants
>>> constants.k_B.value, constants.k_B.unit.symbol
(1.380649e-23, 'J/K')
>>> print(constants.m_e)
mₑ = 9.109383714e-31 kg ± 2.8e-40

Submodules group them as in dimtensor 5.x: ``universal``,
``electromagnetic``, ``atomic``, ``physico_chemical`` and ``derived``.
"""

from dimtensor.constants import atomic, derived, electromagnetic, physico_chemical, universal
from dimtensor.constants._legacy import EXTRA as _EXTRA
from dimtensor.constants._table import BY_MODULE as _BY_MODULE
from dimtensor.constants._table import Constant

for _names in (*_BY_MODULE.values(), _EXTRA):
    globals().update(_names)

__all__ = [
    "Constant",
    "atomic",
    "derived",
    "electromagnetic",
    "physico_chemical",
    "universal",
    *sorted({n for names in (*_BY_MODULE.values(), _EXTRA) for n in names}),
]
