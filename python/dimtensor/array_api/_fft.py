"""The ``fft`` extension with units: a transform keeps the unit of its input
(X_k = Σ x_n·e^(−2πikn/N): a sum of values in x's unit, whatever the
normalisation), and the sample frequencies of a spacing ``d`` are in 1/d."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dimtensor._backend import Backend
from dimtensor._functions import call

from ._functions import run


def _transform(name: str, x: Any, **kwargs: Any) -> Any:
    return run("fft." + name, TRANSFORMS[name], (x,), kwargs)


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
    return _transform("fftshift", x, axes=axes)


def ifftshift(x: Any, /, *, axes: int | Sequence[int] | None = None) -> Any:
    return _transform("ifftshift", x, axes=axes)


def frequencies(B: Backend) -> dict[str, Callable[..., Any]]:
    """``fftfreq`` and ``rfftfreq`` of one backend (they take no array): in
    1/d for a sample spacing ``d``."""

    def fftfreq(
        n: int, /, *, d: Any = 1.0, dtype: Any | None = None, device: Any | None = None
    ) -> Any:
        kw = {"d": d, "dtype": dtype, "device": device}
        return call("fft.fftfreq", fftfreq, (n,), kw, B, run=B.xp.fft.fftfreq, wrap_plain=True)

    def rfftfreq(
        n: int, /, *, d: Any = 1.0, dtype: Any | None = None, device: Any | None = None
    ) -> Any:
        kw = {"d": d, "dtype": dtype, "device": device}
        return call("fft.rfftfreq", rfftfreq, (n,), kw, B, run=B.xp.fft.rfftfreq, wrap_plain=True)

    return {"fftfreq": fftfreq, "rfftfreq": rfftfreq}


TRANSFORMS = {
    f.__name__: f
    for f in (fft, ifft, fftn, ifftn, rfft, irfft, rfftn, irfftn, hfft, ihfft, fftshift, ifftshift)
}
