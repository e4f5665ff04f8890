"""The ``fft`` extension with units: a transform keeps the unit of its input
(X_k = Σ x_n·e^(−2πikn/N): a sum of values in x's unit, whatever the
normalisation), and the sample frequencies of a spacing ``d`` are in 1/d."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dimtensor import _core
from dimtensor.errors import OffsetUnitError

from ._backend import ONE, Backend, backend_of
from ._units import unit_of


def _transform(name: str, x: Any, **kwargs: Any) -> Any:
    B = backend_of(x)
    unit = _core.reduction_unit("sum", unit_of(x), None)  # offset units refused
    return B.wrap(getattr(B.xp.fft, name)(B.raw(x), **kwargs), unit)


def fft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return _transform("fft", x, n=n, axis=axis, norm=norm)


def ifft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return _transform("ifft", x, n=n, axis=axis, norm=norm)


def rfft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return _transform("rfft", x, n=n, axis=axis, norm=norm)


def irfft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return _transform("irfft", x, n=n, axis=axis, norm=norm)


def hfft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return _transform("hfft", x, n=n, axis=axis, norm=norm)


def ihfft(x: Any, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> Any:
    return _transform("ihfft", x, n=n, axis=axis, norm=norm)


def fftn(
    x: Any,
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: str = "backward",
) -> Any:
    return _transform("fftn", x, s=s, axes=axes, norm=norm)


def ifftn(
    x: Any,
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: str = "backward",
) -> Any:
    return _transform("ifftn", x, s=s, axes=axes, norm=norm)


def rfftn(
    x: Any,
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: str = "backward",
) -> Any:
    return _transform("rfftn", x, s=s, axes=axes, norm=norm)


def irfftn(
    x: Any,
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: str = "backward",
) -> Any:
    return _transform("irfftn", x, s=s, axes=axes, norm=norm)


def fftshift(x: Any, /, *, axes: int | Sequence[int] | None = None) -> Any:
    B = backend_of(x)
    return B.wrap(B.xp.fft.fftshift(B.raw(x), axes=axes), unit_of(x))


def ifftshift(x: Any, /, *, axes: int | Sequence[int] | None = None) -> Any:
    B = backend_of(x)
    return B.wrap(B.xp.fft.ifftshift(B.raw(x), axes=axes), unit_of(x))


def _spacing(d: Any) -> tuple[Any, Any]:
    """A sample spacing (a number or a 0-d quantity): its magnitude and the
    unit of the frequencies, 1/d."""
    unit = unit_of(d)
    if unit.offset:
        raise OffsetUnitError(
            f"a sample spacing in '{unit}' reads as a point on a scale, not an interval; "
            f"use the interval unit (e.g. delta_degC or K)"
        )
    return backend_of(d).raw(d), ONE / unit


def frequencies(B: Backend) -> dict[str, Callable[..., Any]]:
    """``fftfreq`` and ``rfftfreq`` of one backend (they take no array)."""

    def fftfreq(
        n: int, /, *, d: Any = 1.0, dtype: Any | None = None, device: Any | None = None
    ) -> Any:
        step, unit = _spacing(d)
        return B.wrap(B.xp.fft.fftfreq(n, d=step, dtype=dtype, device=device), unit)

    def rfftfreq(
        n: int, /, *, d: Any = 1.0, dtype: Any | None = None, device: Any | None = None
    ) -> Any:
        step, unit = _spacing(d)
        return B.wrap(B.xp.fft.rfftfreq(n, d=step, dtype=dtype, device=device), unit)

    return {"fftfreq": fftfreq, "rfftfreq": rfftfreq}


TRANSFORMS = {
    f.__name__: f
    for f in (fft, ifft, fftn, ifftn, rfft, irfft, rfftn, irfftn, hfft, ihfft, fftshift, ifftshift)
}
