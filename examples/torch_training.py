"""A unit-checked physics-informed training loop (PyTorch).

A small network learns the position x(t) of a damped oscillator,
m·x'' + c·x' + k·x = 0, from a few noisy observations. Inputs and outputs
carry units: the network sees t/T (a pure number) and its output is scaled
by a length. The loss adds a data term and a physics residual; each must
be made dimensionless before they are added, and dimtensor refuses the sum
when they are not (shown first).

    python examples/torch_training.py [--steps 300]
"""

from __future__ import annotations

import argparse
import math

import torch
from dimtensor.errors import DimensionError
from dimtensor.torch import DimTensor, derivative


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    torch.manual_seed(0)

    m, c, k = DimTensor(1.0, "kg"), DimTensor(0.4, "kg/s"), DimTensor(4.0, "N/m")
    T, L = DimTensor(1.0, "s"), DimTensor(10.0, "cm")  # scales of the problem
    F_ref = k * L  # a force scale for the residual

    # observations: x(t) = x0·exp(-γt)·cos(ωt), in millimetres
    gamma = (c / (2 * m)).to("1/s").to_value()
    omega = torch.sqrt((k / m).to("1/s^2").to_value() - gamma**2)
    t_obs = torch.linspace(0.0, 3.0, 12).reshape(-1, 1)
    x_obs = 100.0 * torch.exp(-gamma * t_obs) * torch.cos(omega * t_obs)
    t_obs, x_obs = DimTensor(t_obs, "s"), DimTensor(x_obs + torch.randn_like(x_obs), "mm")

    net = torch.nn.Sequential(
        torch.nn.Linear(1, 32),
        torch.nn.Tanh(),
        torch.nn.Linear(32, 32),
        torch.nn.Tanh(),
        torch.nn.Linear(32, 1),
    )
    opt = torch.optim.Adam(net.parameters(), lr=5e-3)

    def position(t: DimTensor) -> DimTensor:
        return net(t / T) * L  # a pure number in, a length out

    def losses(t_col: DimTensor) -> tuple[DimTensor, DimTensor]:
        x = position(t_col)
        v = derivative(x, t_col)  # m/s, from autograd
        a = derivative(v, t_col)  # m/s²
        residual = m * a + c * v + k * x  # newtons: every term must agree
        data = torch.nn.functional.mse_loss(position(t_obs), x_obs)  # in m²
        return data.to("m^2"), (residual**2).mean().to("N^2")

    t_col = DimTensor(torch.linspace(0.0, 3.0, 64).reshape(-1, 1), "s", requires_grad=True)
    data, physics = losses(t_col)
    print(f"data term in {data.unit}, physics term in {physics.unit}")
    try:
        data + physics
    except DimensionError as e:
        print(f"data + physics refused: DimensionError: {e}")

    for step in range(args.steps + 1):
        opt.zero_grad()
        data, physics = losses(t_col)
        loss = data / L**2 + physics / F_ref**2  # both dimensionless now
        loss.backward()
        opt.step()
        if step % max(1, args.steps // 5) == 0:
            kind = "dimensionless" if loss.is_dimensionless else str(loss.unit)
            print(f"step {step:4d}: loss {float(loss.detach()):.4f} ({kind})")

    x1 = position(DimTensor([[1.0]], "s")).to("mm")
    exact = 100.0 * math.exp(-float(gamma)) * math.cos(float(omega))
    print(f"x(1 s) = {float(x1.to_value().detach()):.1f} mm (exact {exact:.1f} mm)")


if __name__ == "__main__":
    main()
