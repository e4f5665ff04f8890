//! The one error type of the core. The Python layer maps each variant to one
//! class of `dimtensor.errors`; messages already name the units involved.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// Incompatible dimensions in an operation, or an exponent out of range.
    Dimension(String),
    /// A conversion between units of different dimensions.
    Conversion(String),
    /// Unit text that does not parse; `position` counts characters from 0.
    Parse {
        message: String,
        text: String,
        position: usize,
    },
    /// Arithmetic that an offset unit (degC, degF) does not allow.
    Offset(String),
    /// A value outside a unit's domain (zero or infinite scale, NaN offset).
    Invalid(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Dimension(m) | Error::Conversion(m) | Error::Offset(m) | Error::Invalid(m) => {
                f.write_str(m)
            }
            Error::Parse {
                message,
                text,
                position,
            } => write!(f, "{message} at position {position} in {text:?}"),
        }
    }
}

impl std::error::Error for Error {}
