"""dimtensor.jax and dimtensor.torch against raw JAX and raw PyTorch,
measured in the same run (interleaved, median of repeats). Prints markdown
tables of ratios and writes ``benchmarks/results/jax_torch.json``.

- JAX: a jitted function of quantities vs the same raw jitted function
  (units vanish at trace time), and how often each compiles when only
  values change.
- PyTorch eager: per-operation time on 1-element tensors (µs) and the
  ratio at 1e6 elements (where one operand is in km, raw torch converts it
  by hand: ``x + y * 1000``); one training step of a small MLP whose inputs
  and loss carry units vs the same raw step.

    python benchmarks/jax_torch.py [--device cpu|cuda] [--quick]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def timed(fn: Callable[[], Any], sync: Callable[[Any], Any], number: int) -> float:
    t0 = time.perf_counter()
    for _ in range(number):
        r = fn()
    sync(r)
    return (time.perf_counter() - t0) / number


def compare(
    ours: Callable[[], Any],
    raw: Callable[[], Any],
    sync: Callable[[Any], Any],
    number: int,
    repeats: int,
) -> tuple[float, float]:
    """Best seconds per call of each, timed interleaved (the minimum: this
    machine is shared, and noise only ever adds time)."""
    sync(ours())
    sync(raw())
    a, b = [], []
    for _ in range(repeats):
        a.append(timed(ours, sync, number))
        b.append(timed(raw, sync, number))
    return min(a), min(b)


def bench_jax(n: int, repeats: int) -> dict[str, Any]:
    import jax
    import jax.numpy as jnp
    from dimtensor import constants
    from dimtensor.jax import DimArray

    traces = {"ours": 0, "raw": 0}
    R = constants.R

    @jax.jit
    def ours(p: DimArray, t: DimArray) -> DimArray:
        traces["ours"] += 1
        rho = p.to("Pa") / (DimArray(R._data, R.unit) * t.to("K"))
        return (rho * rho).sum().to("mol^2/m^6")

    @jax.jit
    def raw(p: Any, t: Any) -> Any:
        traces["raw"] += 1
        rho = p * 100.0 / (8.314462618 * (t + 273.15))
        return (rho * rho).sum()

    key = jax.random.PRNGKey(0)
    p = 1000.0 + jax.random.uniform(key, (n,), jnp.float32)
    t = 15.0 + jax.random.uniform(key, (n,), jnp.float32)
    qp, qt = DimArray(p, "hPa"), DimArray(t, "degC")
    sync = lambda r: r.block_until_ready()  # noqa: E731
    a, b = compare(lambda: ours(qp, qt), lambda: raw(p, t), sync, 20, repeats)
    for k in range(3):  # new values, same units: no new trace
        ours(DimArray(p + k, "hPa"), DimArray(t + k, "degC"))
        raw(p + k, t + k)
    return {"n": n, "ours_s": a, "raw_s": b, "ratio": a / b, "traces": traces}


def bench_torch_ops(device: str, repeats: int) -> list[dict[str, Any]]:
    import torch
    from dimtensor.torch import DimTensor

    sync = (lambda r: torch.cuda.synchronize()) if device == "cuda" else (lambda r: None)
    rows = []
    for n in (1, 1_000_000):
        x, y = torch.rand(n, device=device) + 1, torch.rand(n, device=device) + 1
        a, b, bk = DimTensor(x, "m"), DimTensor(y, "m"), DimTensor(y, "km")
        cases = _op_cases(a, b, bk, x, y)
        number = 2000 if n == 1 else 200
        for name, (ours, raw) in cases.items():
            t_ours, t_raw = compare(ours, raw, sync, number, repeats)
            rows.append(
                {"case": name, "n": n, "ours_s": t_ours, "raw_s": t_raw, "ratio": t_ours / t_raw}
            )
    return rows


def _minimal_subclass() -> type:
    import torch

    global _MINIMAL
    if _MINIMAL is None:
        plain = torch._C.DisableTorchFunctionSubclass

        class Minimal(torch.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
                with plain():
                    result = func(*args, **(kwargs or {}))
                if type(result) is torch.Tensor:
                    result.__class__ = cls
                return result

        _MINIMAL = Minimal
    return _MINIMAL


_MINIMAL: Any = None


def _op_cases(a: Any, b: Any, bk: Any, x: Any, y: Any) -> dict[str, Any]:
    import torch

    mse = torch.nn.functional.mse_loss
    m, mb = x.as_subclass(_minimal_subclass()), y.as_subclass(_minimal_subclass())
    return {
        "a + b": (lambda: a + b, lambda: x + y),
        "a * b": (lambda: a * b, lambda: x * y),
        # raw: the conversion written by hand, as torch code without units would
        "a_m + b_km": (lambda: a + bk, lambda: x + y * 1000.0),
        "torch.sqrt(a * b)": (lambda: torch.sqrt(a * b), lambda: torch.sqrt(x * y)),
        "a.sum()": (lambda: a.sum(), lambda: x.sum()),
        "mse_loss(a, b_km)": (lambda: mse(a, bk), lambda: mse(x, y * 1000.0)),
        # the floor any torch.Tensor subclass pays: torch's call into a
        # __torch_function__ that does nothing but run the function
        "floor: a + b of a do-nothing subclass": (lambda: m + mb, lambda: x + y),
        "floor: a.sum() of a do-nothing subclass": (lambda: m.sum(), lambda: x.sum()),
        "floor: mse_loss(a, b * 1000) of a do-nothing subclass": (
            lambda: mse(m, mb * 1000.0),
            lambda: mse(x, y * 1000.0),
        ),
    }


def bench_training(
    device: str, repeats: int, width: int, batch: int, compiled: bool = False
) -> dict[str, Any]:
    import torch
    from dimtensor.torch import DimTensor

    sync = (lambda r: torch.cuda.synchronize()) if device == "cuda" else (lambda r: None)

    def make() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
        torch.manual_seed(0)
        net = torch.nn.Sequential(
            torch.nn.Linear(4, width),
            torch.nn.Tanh(),
            torch.nn.Linear(width, width),
            torch.nn.Tanh(),
            torch.nn.Linear(width, 1),
        ).to(device)
        return net, torch.optim.SGD(net.parameters(), lr=1e-3)

    x = torch.rand(batch, 4, device=device)
    y = torch.rand(batch, 1, device=device)
    net_q, opt_q = make()
    net_r, opt_r = make()
    xq, yq = DimTensor(x, "m"), DimTensor(y * 100, "cm")
    L = DimTensor(1.0, "m", device=device)

    def loss_q(xq: Any, yq: Any) -> Any:
        out = net_q(xq / L) * L
        return torch.nn.functional.mse_loss(out, yq) / L**2

    def loss_r(x: Any, y: Any) -> Any:
        return torch.nn.functional.mse_loss(net_r(x), y)

    if compiled:  # one graph each: a graph break would fail here
        loss_q = torch.compile(loss_q, fullgraph=True)
        loss_r = torch.compile(loss_r, fullgraph=True)

    def ours() -> Any:
        opt_q.zero_grad()
        loss = loss_q(xq, yq)
        loss.backward()
        opt_q.step()
        return loss

    def raw() -> Any:
        opt_r.zero_grad()
        loss = loss_r(x, y)
        loss.backward()
        opt_r.step()
        return loss

    a, b = compare(ours, raw, sync, 20, repeats)
    return {"width": width, "batch": batch, "ours_s": a, "raw_s": b, "ratio": a / b}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = parser.parse_args()
    repeats = 3 if args.quick else 9
    out: dict[str, Any] = {"device": args.device}

    if args.device == "cpu":
        jx = bench_jax(1_000_000, repeats)
        out["jax"] = jx
        print("## JAX: jitted function of quantities vs raw jitted (1e6 float32)\n")
        print("| case | dimtensor.jax | raw JAX | ratio | traces (4 calls, new values) |")
        print("|---|---|---|---|---|")
        print(
            f"| `ρ = p.to(Pa)/(R·T.to(K))`, `Σρ²` | {jx['ours_s'] * 1e3:.3f} ms | "
            f"{jx['raw_s'] * 1e3:.3f} ms | {jx['ratio']:.2f}× | "
            f"{jx['traces']['ours']} vs {jx['traces']['raw']} |\n"
        )

    rows = bench_torch_ops(args.device, repeats)
    out["torch_ops"] = rows
    print(f"## PyTorch eager ({args.device}): per operation\n")
    print("| case | n=1: DimTensor | n=1: raw | n=1e6 ratio |")
    print("|---|---|---|---|")
    by = {(r["case"], r["n"]): r for r in rows}
    for case in dict.fromkeys(r["case"] for r in rows):
        one, big = by[(case, 1)], by[(case, 1_000_000)]
        print(
            f"| `{case}` | {one['ours_s'] * 1e6:.1f} µs | {one['raw_s'] * 1e6:.1f} µs | "
            f"{big['ratio']:.2f}× |"
        )
    print("\nRaw torch converts km operands by hand (`x + y * 1000.0`), as unitless code would.")

    print(f"\n## PyTorch training step ({args.device}): MLP 4→256→256→1, batch 4096, SGD\n")
    print("| loss function | dimtensor.torch | raw torch | ratio |")
    print("|---|---|---|---|")
    for label, compiled in (("eager", False), ("torch.compile(fullgraph=True)", True)):
        tr = bench_training(args.device, repeats, width=256, batch=4096, compiled=compiled)
        out["torch_training_compiled" if compiled else "torch_training"] = tr
        print(
            f"| {label} | {tr['ours_s'] * 1e3:.2f} ms | {tr['raw_s'] * 1e3:.2f} ms | "
            f"{tr['ratio']:.3f}× |"
        )

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"jax_torch_{args.device}.json"
    path.write_text(json.dumps(out, indent=2))
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
