"""The ``Constant`` type and the CODATA 2022 table it is built from (the
values themselves live in the Rust core, ``constants.rs``)."""

from __future__ import annotations

from dimtensor._core import DimArray, Unit, codata_table


class Constant(DimArray):
    """A CODATA 2022 constant: a read-only 0-d :class:`~dimtensor.DimArray`
    with its symbol, name and standard uncertainty.

    Constants take part in arithmetic like any DimArray; results are plain
    DimArrays.

    >>> from dimtensor import constants, units
    >>> constants.c.value, constants.c.unit.symbol, constants.c.is_exact
    (299792458.0, 'm/s', True)
    >>> constants.G.relative_uncertainty
    2.2474...e-05
    >>> (constants.h * constants.c).to("eV*nm")
    DimArray(1239.84198..., unit='eV·nm')
    """

    symbol: str
    name: str
    value: float
    uncertainty: float

    def __new__(
        cls, symbol: str, name: str, value: float, unit: Unit | str, uncertainty: float = 0.0
    ) -> Constant:
        self = super().__new__(cls, float(value), unit)
        self._data.flags.writeable = False  # a constant's value never changes
        for attr, v in (
            ("symbol", symbol),
            ("name", name),
            ("value", float(value)),
            ("uncertainty", float(uncertainty)),
        ):
            object.__setattr__(self, attr, v)
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Constant {self.symbol!r} is immutable")

    # Immutable and unique per process (registered constants unpickle as
    # themselves), so identity hashing is sound; == stays element-wise.
    __hash__ = object.__hash__

    def __copy__(self) -> Constant:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Constant:
        return self

    @property
    def is_exact(self) -> bool:
        """True for constants fixed by the SI definition (uncertainty 0)."""
        return self.uncertainty == 0.0

    @property
    def relative_uncertainty(self) -> float:
        """Standard uncertainty divided by the magnitude of the value."""
        return self.uncertainty / abs(self.value) if self.value else 0.0

    def to_dimarray(self) -> DimArray:
        """The value as a plain 0-d DimArray in the constant's unit (a new
        array; dimtensor 5.x's method). The uncertainty is not carried.

        >>> from dimtensor import constants
        >>> constants.c.to_dimarray()
        DimArray(2.99792458e+08, unit='m/s')
        """
        return DimArray(self.value, self.unit)

    def to_value(self, unit: Unit | str | None = None) -> float:  # type: ignore[override]
        """The value in ``unit`` (default: the constant's own unit), as a float."""
        return self.value if unit is None else float(DimArray.to_value(self, unit))

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # A CODATA constant unpickles (and copies) as the registered object
        # itself, so it stays equal to `constants.c` in any process; other
        # constants are pickled by value.
        key = getattr(self, "_key", None)
        if key is not None:
            return (_registered, (key,))
        return (Constant, (self.symbol, self.name, self.value, self.unit, self.uncertainty))

    def __repr__(self) -> str:
        return (
            f"Constant({self.symbol!r}, {self.name!r}, {self.value!r}, "
            f"unit={self.unit.symbol!r}, uncertainty={self.uncertainty!r})"
        )

    def __str__(self) -> str:
        spread = "(exact)" if self.is_exact else f"± {self.uncertainty:.2g}"
        unit = f" {self.unit.symbol}" if self.unit.symbol else ""
        return f"{self.symbol} = {self.value:.10g}{unit} {spread}"


# Every constant that unpickles as itself, by its key: the table's, and
# the derived ones of _legacy.py, which register themselves.
_BY_KEY: dict[str, Constant] = {}


def register(key: str, const: Constant) -> None:
    """Make ``const`` unpickle as this very object, under ``key``."""
    object.__setattr__(const, "_key", key)
    _BY_KEY.setdefault(key, const)


def _registered(key: str) -> Constant:
    """The constant registered under ``key`` (for unpickling)."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no CODATA constant {key!r}") from None


def _build() -> dict[str, dict[str, Constant]]:
    """Constants by submodule, each under its key and its long aliases."""
    modules: dict[str, dict[str, Constant]] = {}
    for key, aliases, symbol, name, value, unc, unit, module in codata_table():
        const = Constant(symbol, name, value, unit, unc)
        register(key, const)
        names = modules.setdefault(module, {})
        for attr in (key, *aliases):
            names[attr] = const
    return modules


BY_MODULE = _build()
