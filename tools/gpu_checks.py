"""GPU checks for dimtensor.torch and dimtensor.jax, run where CUDA exists
(not part of `make test`, which runs on the CPU and skips its GPU tests):

    python tools/gpu_checks.py          # checks, then the benchmark on cuda
    python -m pytest tests/test_torch.py -k cuda

Checks that .cuda() / .to("cuda") keep units, that operations, losses and
gradients on the GPU give the same units and values as on the CPU, that a
compiled function runs there, then prints benchmarks/jax_torch.py's tables
for the cuda device.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import torch
from dimtensor import units as u
from dimtensor.torch import DimTensor


def main() -> int:
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to check here")
        return 0
    print(f"device: {torch.cuda.get_device_name(0)}")
    x = DimTensor(torch.tensor([1.0, 2.0]), "m")
    g = x.cuda()
    assert g.unit == u.m and g.device.type == "cuda"
    assert x.to("cuda").unit == u.m and x.to("cuda", torch.bfloat16).unit == u.m
    y = g + DimTensor(torch.tensor([50.0, 0.0]), "cm").cuda()
    assert y.unit == u.m
    torch.testing.assert_close(y.cpu().to_value(), torch.tensor([1.5, 2.0]))
    loss = torch.nn.functional.mse_loss(y, DimTensor(torch.tensor([150.0, 210.0]), "cm").cuda())
    assert loss.unit == u.m**2
    w = DimTensor(torch.tensor([1.0, 2.0], device="cuda"), "m", requires_grad=True)
    (w**3).sum().backward()
    assert w.grad.unit == u.m**2 and w.grad.device.type == "cuda"
    compiled = torch.compile(lambda a, b: (a - b).abs().mean(), fullgraph=True)
    assert compiled(g, g * 0.5).unit == u.m
    assert g.cpu().unit == u.m and g.to_numpy().unit == u.m
    print("all GPU checks passed")
    bench = Path(__file__).parent.parent / "benchmarks" / "jax_torch.py"
    return subprocess.call([sys.executable, str(bench), "--device", "cuda"])


if __name__ == "__main__":
    sys.exit(main())
