//! The CODATA 2022 table, handed to `dimtensor.constants`.

use dimtensor_core::units::constants::codata;
use pyo3::prelude::*;

use crate::errors::OrRaise;
use crate::unit::PyUnit;

/// One row per constant: (key, aliases, symbol, name, value, uncertainty,
/// unit, submodule).
type Row = (
    &'static str,
    Vec<&'static str>,
    &'static str,
    &'static str,
    f64,
    f64,
    PyUnit,
    &'static str,
);

#[pyfunction]
pub fn codata_table(py: Python<'_>) -> PyResult<Vec<Row>> {
    codata()
        .iter()
        .map(|c| {
            let unit = PyUnit::wrap(dimtensor_core::parse(c.unit).or_raise(py)?);
            Ok((
                c.key,
                c.aliases.to_vec(),
                c.symbol,
                c.name,
                c.value,
                c.uncertainty,
                unit,
                c.category.module(),
            ))
        })
        .collect()
}
