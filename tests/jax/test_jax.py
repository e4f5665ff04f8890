"""dimtensor.jax: a JAX array with a unit (pytree, jit, vmap, grad, scan)."""

import dimtensor as dt
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from dimtensor import units as u
from dimtensor.errors import DimensionError, UnitConversionError, UnitStrippedError
from dimtensor.jax import DimArray, grad, map_blocks, value_and_grad
from dimtensor.jax import numpy as dnp
from run_again import run_again


def q(values, unit):
    return DimArray(jnp.asarray(values, dtype=jnp.float32), unit)


def test_operators_convert_the_right_operand():
    x = q([1.0, 2.0], "km") + q([500.0, 0.0], "m")
    assert x.unit == u.km
    np.testing.assert_allclose(x.to("m").to_value(), [1500.0, 2000.0])
    assert (q(2.0, "m") * q(3.0, "s")).unit == u.m * u.s
    assert (q(2.0, "m") ** 2).unit == u.m**2
    with pytest.raises(DimensionError):
        q(1.0, "m") + q(1.0, "s")


def test_pytree_unit_is_static_aux_data():
    x = q([1.0, 2.0], "m")
    leaves, treedef = jax.tree_util.tree_flatten(x)
    assert len(leaves) == 1 and isinstance(leaves[0], jax.Array)
    y = jax.tree_util.tree_unflatten(treedef, [leaves[0] * 2])
    assert y.unit == u.m
    with pytest.raises(TypeError, match="immutable"):
        x[0] = q(1.0, "m")
    z = x.at[0].set(q(3.0, "km"))
    np.testing.assert_allclose(z.to_value(), [3000.0, 2.0])


def test_indexed_updates_write_in_the_arrays_unit():
    """x.at[i].add/min/max convert the value; multiply/divide by a factor in
    % or km/m write the result in x's unit, as NumPy's x *= y does; a result
    x cannot hold (m², a °C difference) is refused, naming both units."""
    x = q([10.0, 20.0], "m")
    np.testing.assert_allclose(x.at[0].add(q(50.0, "cm")).to_value(), [10.5, 20.0])
    np.testing.assert_allclose(x.at[1].max(q(0.5, "km")).to_value(), [10.0, 500.0])
    np.testing.assert_allclose(x.at[0].multiply(q(50.0, "%")).to_value(), [5.0, 20.0])
    np.testing.assert_allclose(x.at[0].divide(q(50.0, "%")).to_value(), [20.0, 20.0])
    np.testing.assert_allclose(x.at[1].multiply(q(2.0, "km/m")).to_value(), [10.0, 40000.0])
    assert x.at[0].multiply(q(50.0, "%")).unit == u.m
    with pytest.raises(UnitConversionError, match="'m²', which the array in 'm' cannot hold"):
        x.at[0].multiply(q(2.0, "m"))
    with pytest.raises(UnitConversionError, match="'Δ°C', which the array in '°C'"):
        q([20.0], "degC").at[0].subtract(q(5.0, "degC"))


def test_the_module_run_twice_keeps_one_conversion():
    """pytest's importlib mode runs a file by its path as a second module:
    its conversion once replaced the first, so to_jax() handed out arrays of
    a second class that JAX functions of the first refused."""
    from dimtensor.jax import array

    run_again(array)
    y = dt.DimArray(np.array([1.0]), "m").to_jax()
    assert type(y) is DimArray
    np.testing.assert_allclose((y + q([50.0], "cm")).to_value(), [1.5])


def test_jit_checks_units_at_trace_time_and_never_recompiles_for_values():
    traces = []

    @jax.jit
    def speed(d, t):
        traces.append(1)
        return (d / t).to("km/h")

    for k in range(3):
        v = speed(q([100.0 + k], "m"), q([10.0], "s"))
    assert len(traces) == 1
    np.testing.assert_allclose(v.to_value(), [36.72], rtol=1e-5)
    assert v.unit == u.km / u.h
    speed(q([1.0], "km"), q([1.0], "s"))  # other units: one more trace
    assert len(traces) == 2
    with pytest.raises(DimensionError):
        jax.jit(lambda a, b: a + b)(q(1.0, "m"), q(1.0, "s"))


def test_vmap_and_scan():
    x = q([[1.0, 2.0], [3.0, 4.0]], "m")
    s = jax.vmap(lambda r: (r * r).sum())(x)
    assert s.unit == u.m**2
    np.testing.assert_allclose(s.to_value(), [5.0, 25.0])

    def step(carry, v):
        return carry + v * q(1.0, "s"), carry

    total, history = jax.lax.scan(step, q(0.0, "m"), q([1.0, 2.0, 3.0], "m/s"))
    assert total.unit == u.m and history.unit == u.m
    np.testing.assert_allclose(total.to_value(), 6.0)


def test_grad_is_output_unit_over_input_unit():
    g = grad(lambda x: (x**3).sum())(q([1.0, 2.0], "m"))
    assert g.unit == u.m**2  # not the input's unit
    np.testing.assert_allclose(g.to_value(), [3.0, 12.0])
    e, f = value_and_grad(lambda x: (q(2.0, "N/m") * x**2).sum() / 2)(q([1.0, 3.0], "m"))
    assert e.unit == u.N * u.m and f.unit == u.N
    # through jit, and with several arguments
    g2 = jax.jit(grad(lambda x, t: (x / t).sum(), argnums=(0, 1)))(q(2.0, "m"), q(4.0, "s"))
    assert g2[0].unit == 1 / u.s and g2[1].unit == u.m / u.s**2
    np.testing.assert_allclose([g2[0].to_value(), g2[1].to_value()], [0.25, -0.125])
    # a temperature point as input: per kelvin-sized interval
    gt = grad(lambda t: (q(3.0, "J/K") * t.to("K")).sum())(q([20.0], "degC"))
    assert gt.unit == u.J / u.K


def test_jax_grad_itself_refuses_a_quantity_output():
    with pytest.raises(TypeError, match="scalar-output"):
        jax.grad(lambda x: (x**2).sum())(q(1.0, "m"))


def test_numpy_functions_and_namespace():
    x = q([3.0, 4.0], "m")
    assert dnp.sqrt(dnp.sum(x**2)).unit == u.m
    np.testing.assert_allclose(dnp.linalg.norm(x).to("cm").to_value(), 500.0)
    assert dnp.concatenate([x, q([1.0], "km")]).unit == u.m
    xp = x.__array_namespace__()
    np.testing.assert_allclose(jax.jit(xp.linalg.vector_norm)(x).to_value(), 5.0)
    assert xp.mean(x).unit == u.m and xp.var(x).unit == u.m**2
    assert xp.special.erf(q([0.5], "")).unit.is_dimensionless
    with pytest.raises(DimensionError):
        xp.exp(x)
    with pytest.raises(TypeError):
        jnp.sin(x)  # JAX has no dispatch hook: refused, never unit-less


def test_scalars_and_numpy_never_drop_a_unit():
    with pytest.raises(UnitStrippedError):
        float(q(1.0, "m"))
    assert float(q(50.0, "%")) == 0.5
    with pytest.raises(UnitStrippedError):
        np.asarray(q([1.0], "m"))


def test_conversions_to_numpy_torch_and_back():
    a = dt.DimArray(np.arange(4.0, dtype=np.float32), "m")
    j = a.to_jax()
    assert isinstance(j, DimArray) and j.unit == u.m
    back = j.to_numpy()
    assert isinstance(back, dt.DimArray) and back.unit == u.m
    np.testing.assert_array_equal(back._data, a._data)
    t = j.to_torch()
    assert t.unit == u.m
    np.testing.assert_array_equal(t.to_numpy()._data, a._data)
    # mixed with a NumPy DimArray: the JAX side takes the call
    assert isinstance(a + j, DimArray)


def test_dask_to_jax_and_map_blocks():
    from dimtensor.dask import DaskDimArray

    v = DaskDimArray(np.arange(4.0), "m/s", chunks=2)
    assert v.to_jax().unit == u.m / u.s
    e = map_blocks(lambda v: v**2 * q(0.5, "kg"), v)
    assert e.unit.simplified() == u.J
    np.testing.assert_allclose(e.compute().to("J")._data, [0.0, 0.5, 2.0, 4.5])


def test_jacobians_and_hessians_carry_v_over_u():
    from dimtensor.jax import hessian, jacfwd, jacrev

    x = DimArray(jnp.array([1.0, 2.0]), "m")

    def f(x):
        return x**3 * DimArray(2.0, "s")

    for jac in (jacfwd, jacrev):
        j = jac(f)(x)
        assert j.unit == u.m**2 * u.s
        np.testing.assert_allclose(np.asarray(j._data), np.diag([6.0, 24.0]))
        assert jax.jit(jac(f))(x).unit == u.m**2 * u.s
    h = hessian(lambda x: (x**3).sum())(x)
    assert h.unit == u.m
    np.testing.assert_allclose(np.asarray(h._data), np.diag([6.0, 12.0]))
    t = DimArray(jnp.array([3.0, 4.0]), "s")
    dx, dt = jacrev(lambda x, t: (x * t).sum(), argnums=(0, 1))(x, t)
    assert dx.unit == u.s and dt.unit == u.m
    plain = jacfwd(lambda v: jnp.sin(v))(jnp.array([0.0, 1.0]))
    assert not isinstance(plain, DimArray)  # plain in, plain out
    with pytest.raises(TypeError, match="one array"):
        jacfwd(lambda x: (x, x))(x)


def test_a_traced_exponent_says_to_write_a_number():
    """Under jit a power's unit needs its exponent's value while tracing: an
    array exponent is traced, and the error says what to write instead."""
    m = DimArray(jnp.array([4.0, 9.0]), "m")
    with pytest.raises(DimensionError, match=r"traced.*Python number"):
        jax.jit(lambda a, e: a**e)(m, DimArray(jnp.array(50.0), "%"))
    assert jax.jit(lambda a: a**0.5)(m).unit == dt.Unit("m^(1/2)")
    # eagerly the exponent is read in its own unit: 50 % is one half
    half = m ** DimArray(jnp.array(50.0), "%")
    assert half.unit == dt.Unit("m^(1/2)")
    np.testing.assert_allclose(np.asarray(half.to_value()), [2.0, 3.0])


def test_shifts_of_plain_integers():
    i = DimArray(jnp.array([1, 2]), "")
    assert (i << 1).to_value().tolist() == [2, 4] and (1 << i).to_value().tolist() == [2, 4]
    assert (i >> 1).to_value().tolist() == [0, 1]
    with pytest.raises(DimensionError):
        DimArray(jnp.array([1, 2]), "m") << 1
