"""A jitted JAX integrator with units: a projectile with quadratic drag.

The state (position, velocity) is a pytree of dimtensor.jax.DimArrays; the
step function is jitted and run by ``jax.lax.scan``: units are checked once,
while JAX traces, and the compiled loop holds only the numbers. The energy's
gradient with respect to the velocity is a momentum (kg·m/s), as
``dimtensor.jax.grad`` labels it.

    python examples/jax_integrator.py [--steps 2000]
"""

from __future__ import annotations

import argparse

import jax
import jax.numpy as jnp
from dimtensor.errors import DimensionError
from dimtensor.jax import DimArray, grad

g = DimArray(jnp.array([0.0, -9.81]), "m/s^2")
mass = DimArray(0.145, "kg")  # a baseball
drag = DimArray(1.3e-3, "kg/m")  # ½·ρ·c_d·A


def acceleration(v: DimArray) -> DimArray:
    speed = jnp.sqrt((v * v).sum().to_value("m^2/s^2"))
    return g - drag / mass * v * DimArray(speed, "m/s")


def step(state: tuple[DimArray, DimArray], dt: DimArray) -> tuple[tuple, DimArray]:
    x, v = state
    # semi-implicit Euler
    v = v + acceleration(v) * dt
    x = x + v * dt
    return (x, v), x


@jax.jit
def fly(x0: DimArray, v0: DimArray, dts: DimArray) -> tuple[tuple, DimArray]:
    return jax.lax.scan(step, (x0, v0), dts)


def kinetic(v: DimArray) -> DimArray:
    return (mass * v * v).sum() / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()

    x0 = DimArray(jnp.array([0.0, 1.0]), "m")
    v0 = DimArray(jnp.array([40.0, 20.0]), "m/s")
    dts = DimArray(jnp.full(args.steps, 2e-3), "s")
    (_, v), path = fly(x0, v0, dts)
    ground = int(jnp.argmax(path.to_value("m")[:, 1] < 0))
    print(f"{args.steps} steps of {dts[0].to('ms')}: path {path.shape} in {path.unit}")
    print(f"lands after {ground * 2e-3:.2f} s at x = {path[ground, 0].to('m').to_value():.1f} m")
    print(f"speed then: {jnp.sqrt((v * v).sum().to_value('m^2/s^2')):.1f} m/s")
    p = grad(kinetic)(v0)
    print(f"d(kinetic energy)/dv at launch = {p} (a momentum)")
    # values change, units do not: the same compiled function
    fly(x0, v0 * 1.1, dts)
    print(f"compiled {fly._cache_size()} time(s) for two launches")
    try:
        fly(x0, DimArray(jnp.array([40.0, 20.0]), "m"), dts)
    except DimensionError as e:
        print(f"a velocity in metres is refused while tracing: DimensionError: {e}")


if __name__ == "__main__":
    main()
