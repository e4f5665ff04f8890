"""The exception hierarchy and parser robustness."""

from __future__ import annotations

import pickle

import dimtensor
import pytest
from dimtensor import Dimension, Unit, errors, units
from dimtensor._core import _parse_unit_uncached
from dimtensor.errors import (
    DimensionError,
    DimtensorError,
    OffsetUnitError,
    UnitConversionError,
    UnitParseError,
    UnitStrippedError,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# --- hierarchy ---------------------------------------------------------------------


def test_exported_names() -> None:
    assert sorted(errors.__all__) == [
        "ConstraintError",
        "DimensionError",
        "DimtensorError",
        "OffsetUnitError",
        "UnavailableError",
        "UnitConversionError",
        "UnitParseError",
        "UnitStrippedError",
    ]
    assert dimtensor.errors is errors
    assert errors.DimTensorError is errors.DimtensorError  # dimtensor 5.x's spelling


def test_direct_bases_exactly_as_documented() -> None:
    assert DimtensorError.__bases__ == (Exception,)
    assert DimensionError.__bases__ == (DimtensorError, ValueError)
    assert UnitConversionError.__bases__ == (DimensionError,)
    assert UnitParseError.__bases__ == (DimtensorError, ValueError)
    assert OffsetUnitError.__bases__ == (DimtensorError, ValueError)
    assert UnitStrippedError.__bases__ == (DimtensorError, TypeError)


@pytest.mark.parametrize(
    ("cls", "bases", "not_bases"),
    [
        (DimtensorError, [Exception], [ValueError, TypeError]),
        (DimensionError, [DimtensorError, ValueError, Exception], [TypeError]),
        (
            UnitConversionError,
            [DimensionError, DimtensorError, ValueError],
            [TypeError, UnitParseError, OffsetUnitError],
        ),
        (UnitParseError, [DimtensorError, ValueError], [DimensionError, TypeError]),
        (OffsetUnitError, [DimtensorError, ValueError], [DimensionError, TypeError]),
        (UnitStrippedError, [DimtensorError, TypeError], [ValueError, DimensionError]),
    ],
)
def test_issubclass(cls: type, bases: list[type], not_bases: list[type]) -> None:
    for b in bases:
        assert issubclass(cls, b), (cls, b)
    for b in not_bases:
        assert not issubclass(cls, b), (cls, b)


def test_classes_live_in_dimtensor_errors() -> None:
    import dimtensor._core as core

    for name in errors.__all__:
        cls = getattr(errors, name)
        if name not in ("ConstraintError", "UnavailableError"):  # 5.x names, in Python
            assert cls is getattr(core, name)
        assert cls.__module__ == "dimtensor.errors"
        assert cls.__name__ == name
        assert cls.__doc__


def test_classes_can_be_raised_and_caught_directly() -> None:
    with pytest.raises(TypeError):
        raise UnitStrippedError("use .magnitude()")
    with pytest.raises(DimtensorError, match="boom"):
        raise UnitConversionError("boom")


# --- the raised classes are the exported ones ---------------------------------------


def test_dimension_error_is_raised() -> None:
    with pytest.raises(DimensionError) as info:
        Dimension(length=2_000_000_000) ** 2
    assert type(info.value) is errors.DimensionError


def test_unit_conversion_error_is_raised() -> None:
    with pytest.raises(UnitConversionError) as info:
        units.m.conversion_factor(units.s)
    assert type(info.value) is errors.UnitConversionError


def test_unit_parse_error_is_raised() -> None:
    with pytest.raises(UnitParseError) as info:
        units.parse("kg*xyz/s")
    assert type(info.value) is errors.UnitParseError


def test_offset_unit_error_is_raised() -> None:
    with pytest.raises(OffsetUnitError) as info:
        units.degC * units.m
    assert type(info.value) is errors.OffsetUnitError


def test_errors_are_value_errors_for_generic_handlers() -> None:
    for op in (
        lambda: units.parse("xyz"),
        lambda: units.m.conversion_factor(units.s),
        lambda: units.degC**2,
        lambda: Dimension(length=2_000_000_000) ** 2,
    ):
        with pytest.raises(ValueError):
            op()


def test_parse_error_survives_pickling() -> None:
    with pytest.raises(UnitParseError) as info:
        units.parse("kg*xyz/s")
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is UnitParseError
    assert back.position == 3
    assert back.text == "kg*xyz/s"
    assert str(back) == str(info.value)


# --- UnitParseError: position and text ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "snippet"),
    [
        ("kg*xyz/s", 3, "xyz"),
        ("xyz", 0, "xyz"),
        ("m^", 2, "number"),
        ("m**", 3, "number"),
        ("(m", 2, "')'"),
        ("(((m)", 5, "')'"),
        ("m)", 1, "unmatched"),
        ("m/", 2, "unit"),
        ("*m", 0, "unit"),
        ("m//s", 2, "unit"),
        ("m^2^3", 3, "operator"),
        ("()", 1, "unit"),
        ("m^(1/2", 6, "')'"),
        ("m^(a)", 3, "integer"),
        ("m^(1/0)", 2, "denominator"),
        ("m¹ᐟ⁰", 1, "denominator"),
        ("m⁻", 2, "superscript"),
        ("m^9999999999", 2, "overflow"),
        ("m^-2147483648", 2, "overflow"),
        ("1e999 m", 0, "finite"),
        ("0 m", 0, "positive"),
        ("days since 1970-01-01", 5, "since"),
        # Character index, not byte index: '·' and '²' are multi-byte in UTF-8.
        ("kg·m²·xyz", 6, "xyz"),
        ("µm*foo", 3, "foo"),
        ("m\x00", 1, "operator"),
        ("\x00", 0, "unit"),
    ],
)
def test_parse_error_position(text: str, position: int, snippet: str) -> None:
    with pytest.raises(UnitParseError) as info:
        units.parse(text)
    err = info.value
    assert err.position == position
    assert err.text == text
    assert isinstance(err.position, int)
    msg = str(err)
    assert f"position {position}" in msg
    assert snippet in msg


def test_nesting_deeper_than_32_is_rejected() -> None:
    ok = "(" * 32 + "m" + ")" * 32
    assert units.parse(ok) == units.m
    too_deep = "(" * 33 + "m" + ")" * 33
    with pytest.raises(UnitParseError, match="32") as info:
        units.parse(too_deep)
    assert info.value.position == 32
    with pytest.raises(UnitParseError):
        units.parse("(" * 100_000)
    with pytest.raises(UnitParseError):
        units.parse("(" * 100_000 + "m" + ")" * 100_000)


def test_long_inputs_parse_or_fail_cleanly() -> None:
    # Linear, bounded: long products work, long garbage fails, nothing hangs.
    assert units.parse("m/m*" * 20_000 + "m") == units.m
    assert _parse_unit_uncached("(m)*" * 20_000 + "1") == units.m**20_000
    assert units.parse("m " * 40_000) == units.m**40_000
    with pytest.raises(UnitParseError, match="overflow"):
        units.parse("m^2000000000 " * 2)
    with pytest.raises(UnitParseError):
        units.parse("x" * 200_000)
    with pytest.raises(UnitParseError):
        units.parse("m^" + "9" * 100_000)
    with pytest.raises(UnitParseError):
        units.parse("m" + "²" * 100_000)


@pytest.mark.parametrize("text", ["", "   ", "\t\n ", "\u3000"])
def test_empty_text_is_dimensionless(text: str) -> None:
    u = units.parse(text)
    assert u.is_dimensionless
    assert u.scale == 1.0
    assert u.offset == 0.0
    assert u.symbol == ""
    assert u == units.m / units.m


@pytest.mark.parametrize(
    "text",
    [
        "kg*xyz/s",
        "m^",
        "(m",
        "m)",
        "((((((((((((((((((((((((((((((((((((m))))))))))))))))))))))))))))))))))))",
        "m^9999999999",
        "days since 1970-01-01",
        "seconds since 2000-01-01 00:00:00",
        "+",
        "-",
        "-1 m",
        ".",
        "..",
        "1e",
        "m^.",
        "ᐟ",
        "⁻",
        "m²ᐟ",
        "µ",
        "^2",
        "/m",
        "m/ /s",
        "m s-",
        "2^m",
        "m^(1/2",
        "m^()",
        "°C°C",
        "ΔC",
        "😀",
        "m\ufeff",
        "m,s",
        "m;s",
        "[m]",
        "{m}",
        "m'",
        '"m"',
    ],
)
def test_malformed_inputs_raise_parse_error(text: str) -> None:
    with pytest.raises(UnitParseError) as info:
        units.parse(text)
    assert info.value.text == text
    assert 0 <= info.value.position <= len(text)
    # The same through every entry point that accepts text.
    with pytest.raises(UnitParseError):
        Unit.parse(text)
    with pytest.raises(UnitParseError):
        Unit(text)
    with pytest.raises(UnitParseError):
        units.m.is_compatible(text)


@pytest.mark.parametrize("bad", [None, 5, b"m", ["m"], units.m])
def test_parse_of_non_text_is_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        units.parse(bad)  # type: ignore[arg-type]


PARSER_ALPHABET = [*"mskgKAJNWPa°C%µuΔ_ ()^*/·.-+0123456789eE²³⁻¹ᐟ⁰", "**", "degC", "  "]


def check_parse_outcome(text: str) -> None:
    try:
        u = units.parse(text)
    except UnitParseError as e:
        assert e.text == text
        assert 0 <= e.position <= len(text)
        assert f"position {e.position}" in str(e)
    except OffsetUnitError:
        pass  # valid syntax, invalid algebra on an offset unit ("degC m")
    else:
        assert isinstance(u, Unit)
        # Whatever parses, parses the same way without the cache.
        assert _parse_unit_uncached(text) == u


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PARSER_ALPHABET), max_size=25).map("".join))
def test_random_parser_junk_never_crashes(text: str) -> None:
    check_parse_outcome(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_random_text_never_crashes(text: str) -> None:
    check_parse_outcome(text)


@pytest.mark.parametrize(
    ("text", "position"), [("\ud800", 0), ("m\udfff", 1), ("kg·m/\ud83d", 5), ("m*\udc00s", 2)]
)
def test_lone_surrogates_are_parse_errors(text: str, position: int) -> None:
    # Python strings can hold lone surrogates; no unit text can contain one.
    for parse in (units.parse, Unit.parse, Unit, _parse_unit_uncached):
        with pytest.raises(UnitParseError) as info:
            parse(text)
        assert info.value.position == position
        assert info.value.text == text
        assert f"position {position}" in str(info.value)
    with pytest.raises(UnitParseError):
        units.m.conversion_factor(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(categories=["Cs", "Ll", "Nd", "Po"]), max_size=12))
def test_random_text_with_surrogates_never_crashes(text: str) -> None:
    check_parse_outcome(text)


def test_attribute_lookup_with_a_surrogate_is_attribute_error() -> None:
    assert not hasattr(units, "m\ud800")
