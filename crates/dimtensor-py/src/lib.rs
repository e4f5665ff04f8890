//! `dimtensor._core`: the Python face of dimtensor-core. Thin by design:
//! each file converts one concept's arguments and results; rules live in the core.

use pyo3::prelude::*;

mod constants;
mod dimarray;
mod dimension;
mod errors;
mod fused;
mod kernels;
mod numpy;
mod rules;
mod unit;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<dimension::PyDimension>()?;
    m.add_class::<unit::PyUnit>()?;
    m.add_class::<dimarray::PyDimArray>()?;
    m.add_class::<fused::PyFusedProgram>()?;
    m.add(
        "DIMENSIONLESS",
        dimension::PyDimension(dimtensor_core::Dimension::NONE),
    )?;
    m.add_function(wrap_pyfunction!(unit::parse_unit, m)?)?;
    m.add_function(wrap_pyfunction!(unit::_parse_unit_uncached, m)?)?;
    m.add_function(wrap_pyfunction!(unit::parse_cf_unit, m)?)?;
    m.add_function(wrap_pyfunction!(unit::lookup_unit, m)?)?;
    m.add_function(wrap_pyfunction!(unit::unit_names, m)?)?;
    m.add_function(wrap_pyfunction!(unit::_unit_from_state, m)?)?;
    m.add_function(wrap_pyfunction!(unit::_set_with_unit, m)?)?;
    m.add_function(wrap_pyfunction!(constants::codata_table, m)?)?;
    m.add_function(wrap_pyfunction!(dimarray::_wrap, m)?)?;
    m.add_function(wrap_pyfunction!(dimarray::_unit_pending, m)?)?;
    m.add_function(wrap_pyfunction!(dimarray::operators::_inplace, m)?)?;
    m.add_function(wrap_pyfunction!(rules::same_unit_plan, m)?)?;
    m.add_function(wrap_pyfunction!(rules::inplace_conversion, m)?)?;
    m.add_function(wrap_pyfunction!(rules::ufunc_plan, m)?)?;
    m.add_function(wrap_pyfunction!(rules::function_rule, m)?)?;
    m.add_function(wrap_pyfunction!(rules::function_plan, m)?)?;
    m.add_function(wrap_pyfunction!(rules::function_names, m)?)?;
    m.add_function(wrap_pyfunction!(rules::function_words, m)?)?;
    m.add_function(wrap_pyfunction!(rules::meets_any_unit, m)?)?;
    m.add_function(wrap_pyfunction!(rules::ufunc_method, m)?)?;
    errors::register(m)?;
    Ok(())
}
