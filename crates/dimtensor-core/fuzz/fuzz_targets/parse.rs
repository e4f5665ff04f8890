//! Feeds arbitrary UTF-8 to the unit parser. No input may panic; whatever
//! parses must be a valid unit whose unicode, ascii and cf forms parse back
//! to the same unit (dimension and offset exactly, scale to 1e-9) and are
//! written the same way again. Run from crates/dimtensor-core:
//!
//!     RUSTC_BOOTSTRAP=1 cargo fuzz run parse -- -runs=1000000 -dict=fuzz/parse.dict

#![no_main]

use dimtensor_core::{parse_uncached, registry, Error, Format, Unit};
use libfuzzer_sys::fuzz_target;

/// A written unit that cannot be read back because a partial product of
/// its terms leaves the range of f64 or of the exponents (`Qm²⁰/Qs²⁰`: the
/// unit has scale 1, but `Qm²⁰` alone would be 1e600). The parser rejects
/// such text, it does not misread it.
fn out_of_range(e: &Error) -> bool {
    match e {
        Error::Parse { message, .. } => {
            message.contains("scale must be finite and positive")
                || message.contains("dimension exponent overflow")
        }
        _ => false,
    }
}

/// Scales agree to 1e-9. `Unit` equality allows 1e-12, which is all the
/// noise ordinary arithmetic makes, but large or fractional exponents can
/// amplify one rounding in the text as given: `(km^(1/999))^29970` is `km³⁰`
/// to 3e-12 only (1000^(1/999) is rounded, then raised to the 29970th power).
fn same_scale(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn check_valid(u: &Unit, text: &str) {
    assert!(
        u.scale().is_normal() && u.scale() > 0.0,
        "{text:?}: scale {}",
        u.scale()
    );
    assert!(
        u.factor().is_normal() && u.factor() > 0.0,
        "{text:?}: factor {}",
        u.factor()
    );
    assert!(u.offset().is_finite(), "{text:?}: offset {}", u.offset());
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(unit) = parse_uncached(text) else {
        return;
    };
    check_valid(&unit, text);
    for f in [Format::Unicode, Format::Ascii, Format::Cf] {
        let written = unit.to_string_in(f);
        match parse_uncached(&written) {
            Ok(back) => {
                check_valid(&back, &written);
                assert_eq!(
                    back.dimension(),
                    unit.dimension(),
                    "{text:?} written {f:?} as {written:?}"
                );
                assert!(
                    back.offset() == unit.offset() && same_scale(back.scale(), unit.scale()),
                    "{text:?} written {f:?} as {written:?} reads back as a different unit: \
                     scale {} vs {}, offset {} vs {}",
                    back.scale(),
                    unit.scale(),
                    back.offset(),
                    unit.offset()
                );
                assert_eq!(
                    back.to_string_in(f),
                    written,
                    "{text:?}: the {f:?} text is not stable"
                );
            }
            Err(e) => assert!(
                out_of_range(&e),
                "{text:?} written {f:?} as {written:?} does not parse: {e}"
            ),
        }
    }
    // The other writers and the registry helpers must not panic either.
    let _ = unit.to_string_in(Format::Latex);
    let simple = registry().simplified(&unit);
    assert!(simple == unit, "{text:?}: simplified changes the unit");
    let _ = registry().to_base(&unit).symbol();
});
