//! Element-wise kernels on slices: the loops behind DimArray's fast path.
//!
//! A unit conversion is folded into the same pass (`a + f·b`), so converting
//! while adding costs one pass and no temporary. Each kernel performs exactly
//! the floating-point operations NumPy's ufuncs would (`b·f` rounded, then
//! added; no fused multiply-add), so fast path and fallback agree bit for
//! bit. On x86-64 AVX-512 and AVX2 builds of the same loops are chosen at run
//! time.
//!
//! The arithmetic kernels also report whether every result is finite: a
//! non-finite one (overflow, 0/0, x/0) sends the caller back to NumPy, which
//! then warns or raises as `np.errstate` says.

use std::ops::{Add, Div, Mul, Sub};

use crate::compute::simd::multiversion;

/// Float types with kernels.
pub trait Real:
    Copy
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Send
    + Sync
{
    fn from_f64(x: f64) -> Self;
    fn is_finite(self) -> bool;
}

impl Real for f64 {
    fn from_f64(x: f64) -> f64 {
        x
    }
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
}

impl Real for f32 {
    fn from_f64(x: f64) -> f32 {
        x as f32
    }
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
}

/// The binary operations with a fast path; `Scaled*` convert `b` by a factor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    /// `a + f·b`
    AddScaled(f64),
    /// `a − f·b`
    SubScaled(f64),
}

/// `out[i] = f(a[i], b[i])`, noting in the same pass whether every result
/// is finite (an and-reduction, which vectorises with the loop).
#[inline(always)]
fn zip_finite<T: Real>(a: &[T], b: &[T], out: &mut [T], f: impl Fn(T, T) -> T) -> bool {
    let mut ok = true;
    for (o, (&x, &y)) in out.iter_mut().zip(a.iter().zip(b)) {
        let v = f(x, y);
        *o = v;
        ok &= v.is_finite();
    }
    ok
}

#[inline(always)]
fn run<T: Real>(op: BinOp, a: &[T], b: &[T], out: &mut [T]) -> bool {
    let n = out.len().min(a.len()).min(b.len());
    let (a, b, out) = (&a[..n], &b[..n], &mut out[..n]);
    // One loop per operation, each simple enough to vectorise.
    match op {
        BinOp::Add => zip_finite(a, b, out, |x, y| x + y),
        BinOp::Sub => zip_finite(a, b, out, |x, y| x - y),
        BinOp::Mul => zip_finite(a, b, out, |x, y| x * y),
        BinOp::Div => zip_finite(a, b, out, |x, y| x / y),
        BinOp::AddScaled(f) => {
            let f = T::from_f64(f);
            zip_finite(a, b, out, |x, y| x + y * f)
        }
        BinOp::SubScaled(f) => {
            let f = T::from_f64(f);
            zip_finite(a, b, out, |x, y| x - y * f)
        }
    }
}

/// Comparisons, optionally against `f·b` (`a_m < b_km` is `a < 1000·b`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[inline(always)]
fn run_cmp<T: Real>(op: CmpOp, factor: Option<f64>, a: &[T], b: &[T], out: &mut [bool]) {
    let n = out.len().min(a.len()).min(b.len());
    let (a, b, out) = (&a[..n], &b[..n], &mut out[..n]);
    let f = factor.map(T::from_f64);
    macro_rules! each {
        ($cmp:expr) => {
            match f {
                None => out
                    .iter_mut()
                    .zip(a.iter().zip(b))
                    .for_each(|(o, (&x, &y))| *o = $cmp(x, y)),
                Some(f) => out
                    .iter_mut()
                    .zip(a.iter().zip(b))
                    .for_each(|(o, (&x, &y))| *o = $cmp(x, y * f)),
            }
        };
    }
    match op {
        CmpOp::Lt => each!(|x: T, y: T| x < y),
        CmpOp::Le => each!(|x: T, y: T| x <= y),
        CmpOp::Gt => each!(|x: T, y: T| x > y),
        CmpOp::Ge => each!(|x: T, y: T| x >= y),
        CmpOp::Eq => each!(|x: T, y: T| x == y),
        CmpOp::Ne => each!(|x: T, y: T| x != y),
    }
}

/// `out[i] = a·x[i] (+ b)`: a unit conversion in one pass. `offset` None
/// scales only, as NumPy's `x * a` would; Some(b) adds after rounding the
/// product, as `x * a + b` would.
#[inline(always)]
fn run_affine<T: Real>(a: f64, offset: Option<f64>, x: &[T], out: &mut [T]) -> bool {
    let n = out.len().min(x.len());
    let (x, out) = (&x[..n], &mut out[..n]);
    let a = T::from_f64(a);
    match offset.map(T::from_f64) {
        None => zip_finite(x, x, out, |v, _| v * a),
        Some(b) => zip_finite(x, x, out, |v, _| v * a + b),
    }
}

multiversion! {
    // No FMA: results stay identical to the portable build (and to NumPy).
    avx512 = "avx512f,avx512bw,avx512dq,avx2", avx2 = "avx2";

    /// `out[i] = a[i] op b[i]` over the common length of the three slices;
    /// true when every result is finite.
    pub fn binop<T: Real>(op: BinOp, a: &[T], b: &[T], out: &mut [T]) -> bool = run;

    /// `out[i] = a[i] op (f·)b[i]` over the common length of the three slices.
    pub fn compare<T: Real>(
        op: CmpOp, factor: Option<f64>, a: &[T], b: &[T], out: &mut [bool]
    ) = run_cmp;

    /// `out[i] = a·x[i] (+ offset)` over the common length of the slices; true
    /// when every result is finite.
    pub fn affine<T: Real>(a: f64, offset: Option<f64>, x: &[T], out: &mut [T]) -> bool = run_affine;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_separate_operations() {
        let a: Vec<f64> = (0..1003).map(|i| i as f64 * 0.37 - 11.0).collect();
        let b: Vec<f64> = (0..1003).map(|i| (i as f64).sin() * 3.1).collect();
        let mut out = vec![0.0; a.len()];
        for (op, f) in [
            (BinOp::Add, (|x: f64, y: f64| x + y) as fn(f64, f64) -> f64),
            (BinOp::Sub, |x, y| x - y),
            (BinOp::Mul, |x, y| x * y),
            (BinOp::Div, |x, y| x / y),
            (BinOp::AddScaled(1000.0), |x, y| x + y * 1000.0),
            (BinOp::SubScaled(0.001), |x, y| x - y * 0.001),
        ] {
            binop(op, &a, &b, &mut out);
            for i in 0..a.len() {
                assert_eq!(out[i].to_bits(), f(a[i], b[i]).to_bits(), "{op:?} at {i}");
            }
        }
    }

    #[test]
    fn float32_rounds_the_factor_once() {
        let a = [1.0f32, 2.5, -3.0];
        let b = [0.1f32, 0.2, 0.3];
        let mut out = [0.0f32; 3];
        binop(BinOp::AddScaled(1000.0), &a, &b, &mut out);
        assert_eq!(
            out,
            [1.0 + 0.1 * 1000.0, 2.5 + 0.2 * 1000.0, -3.0 + 0.3 * 1000.0]
        );
    }

    #[test]
    fn comparisons_scale_then_compare() {
        let a = [1.0, 2000.0, 3.0, f64::NAN];
        let b = [0.001, 2.0, 0.002, 1.0];
        let mut out = [false; 4];
        compare(CmpOp::Eq, Some(1000.0), &a, &b, &mut out);
        assert_eq!(out, [1.0 == 0.001 * 1000.0, true, false, false]);
        compare(CmpOp::Gt, Some(1000.0), &a, &b, &mut out);
        assert_eq!(out, [1.0 > 0.001 * 1000.0, false, true, false]);
        compare(CmpOp::Ne, None, &a, &b, &mut out);
        assert_eq!(out, [true, true, true, true]);
    }

    #[test]
    fn affine_rounds_like_numpy() {
        let x = [20.0f64, -40.0, 0.1];
        let mut out = [0.0; 3];
        affine(1.8, Some(32.0), &x, &mut out);
        for i in 0..3 {
            assert_eq!(out[i].to_bits(), (x[i] * 1.8 + 32.0).to_bits());
        }
        affine(1000.0, None, &x, &mut out);
        assert_eq!(out, [20_000.0, -40_000.0, 0.1 * 1000.0]);
    }

    #[test]
    fn non_finite_results_are_reported() {
        let mut out = [0.0; 2];
        assert!(binop(BinOp::Div, &[1.0, 2.0], &[2.0, 4.0], &mut out));
        assert!(!binop(BinOp::Div, &[1.0, 0.0], &[0.0, 4.0], &mut out));
        assert!(!binop(BinOp::Mul, &[1e300, 1.0], &[1e300, 1.0], &mut out));
        assert!(!affine(1e300, None, &[1e300f64, 1.0], &mut out));
        assert!(affine(2.0, Some(1.0), &[1.0f64, 2.0], &mut out));
    }

    #[test]
    fn empty_and_short_slices() {
        let mut out: [f64; 0] = [];
        binop(BinOp::Add, &[], &[], &mut out);
        let mut out = [0.0; 2];
        binop(BinOp::Mul, &[2.0, 3.0, 4.0], &[5.0, 6.0], &mut out);
        assert_eq!(out, [10.0, 18.0]);
    }
}
