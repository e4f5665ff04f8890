"""GPU checks for dimtensor.torch, run where CUDA exists (not part of
`make test`, which runs on the CPU and skips its GPU tests):

    python tools/gpu_checks.py                  # checks, then the benchmark on cuda
    python -m pytest tests/torch -k cuda
    python tools/gpu_checks.py --device cpu --no-bench   # the same checks on the CPU

Checks that moving a DimTensor to the device (``.cuda()``, ``.to(device)``,
dtype casts) keeps its unit, that operations, losses and gradients there give
the same units and values as on the CPU, that a compiled training-step loss
runs there as one graph, then prints benchmarks/jax_torch.py's tables for the
device. ``make test`` runs the checks on the CPU (tests/torch), so the script
cannot rot while no GPU is at hand.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import torch
from dimtensor import units as u
from dimtensor.torch import DimTensor


def checks(device: str) -> None:
    """The unit checks on ``device`` (assertions)."""
    x = DimTensor(torch.tensor([1.0, 2.0]), "m")
    g = x.cuda() if device == "cuda" else x.to(device)
    assert g.unit == u.m and g.device.type == device
    assert x.to(device).unit == u.m and x.to(device, torch.bfloat16).unit == u.m
    y = g + DimTensor(torch.tensor([50.0, 0.0]), "cm").to(device)
    assert y.unit == u.m
    torch.testing.assert_close(y.cpu().to_value(), torch.tensor([1.5, 2.0]))
    target = DimTensor(torch.tensor([150.0, 210.0]), "cm").to(device)
    loss = torch.nn.functional.mse_loss(y, target)
    assert loss.unit == u.m**2
    w = DimTensor(torch.tensor([1.0, 2.0], device=device), "m", requires_grad=True)
    (w**3).sum().backward()
    assert w.grad.unit == u.m**2 and w.grad.device.type == device

    def residual(a: DimTensor, b: DimTensor) -> DimTensor:
        return (DimTensor(a.to_value(), "m") - b.to("cm")).abs().mean() ** 2

    compiled = torch.compile(residual, fullgraph=True)
    out = compiled(g, g * 0.5)
    assert out.unit == residual(g, g * 0.5).unit and out.device.type == device
    assert g.cpu().unit == u.m and g.to_numpy().unit == u.m


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--no-bench", action="store_true", help="the checks only")
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        print("no CUDA device: nothing to check here")
        return 0
    if args.device == "cuda":
        print(f"device: {torch.cuda.get_device_name(0)}")
    checks(args.device)
    print(f"all {args.device} checks passed")
    if args.no_bench:
        return 0
    bench = Path(__file__).parent.parent / "benchmarks" / "jax_torch.py"
    return subprocess.call([sys.executable, str(bench), "--device", args.device])


if __name__ == "__main__":
    sys.exit(main())
