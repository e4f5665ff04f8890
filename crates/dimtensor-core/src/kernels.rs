//! Element-wise kernels on slices: the loops behind DimArray's fast path.
//!
//! A unit conversion is folded into the same pass (`a + f·b`), so converting
//! while adding costs one pass and no temporary. Each kernel performs exactly
//! the floating-point operations NumPy's ufuncs would (`b·f` rounded, then
//! added; no fused multiply-add), so fast path and fallback agree bit for
//! bit. On x86-64 an AVX2 build of the same loop is chosen at run time.

use std::ops::{Add, Div, Mul, Sub};

/// Float types with kernels.
pub trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Send
    + Sync
{
    fn from_f64(x: f64) -> Self;
}

impl Real for f64 {
    fn from_f64(x: f64) -> f64 {
        x
    }
}

impl Real for f32 {
    fn from_f64(x: f64) -> f32 {
        x as f32
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

#[inline(always)]
fn run<T: Real>(op: BinOp, a: &[T], b: &[T], out: &mut [T]) {
    let n = out.len().min(a.len()).min(b.len());
    let (a, b, out) = (&a[..n], &b[..n], &mut out[..n]);
    // One loop per operation, each simple enough to vectorise.
    match op {
        BinOp::Add => out
            .iter_mut()
            .zip(a.iter().zip(b))
            .for_each(|(o, (&x, &y))| *o = x + y),
        BinOp::Sub => out
            .iter_mut()
            .zip(a.iter().zip(b))
            .for_each(|(o, (&x, &y))| *o = x - y),
        BinOp::Mul => out
            .iter_mut()
            .zip(a.iter().zip(b))
            .for_each(|(o, (&x, &y))| *o = x * y),
        BinOp::Div => out
            .iter_mut()
            .zip(a.iter().zip(b))
            .for_each(|(o, (&x, &y))| *o = x / y),
        BinOp::AddScaled(f) => {
            let f = T::from_f64(f);
            out.iter_mut()
                .zip(a.iter().zip(b))
                .for_each(|(o, (&x, &y))| *o = x + y * f)
        }
        BinOp::SubScaled(f) => {
            let f = T::from_f64(f);
            out.iter_mut()
                .zip(a.iter().zip(b))
                .for_each(|(o, (&x, &y))| *o = x - y * f)
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{run, BinOp, Real};

    /// The same loop compiled for AVX2 (no FMA: results stay identical).
    #[target_feature(enable = "avx2")]
    pub fn binop<T: Real>(op: BinOp, a: &[T], b: &[T], out: &mut [T]) {
        run(op, a, b, out)
    }
}

/// `out[i] = a[i] op b[i]` over the common length of the three slices.
#[allow(unsafe_code)]
pub fn binop<T: Real>(op: BinOp, a: &[T], b: &[T], out: &mut [T]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        unsafe { avx2::binop(op, a, b, out) };
        return;
    }
    run(op, a, b, out)
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
    fn empty_and_short_slices() {
        let mut out: [f64; 0] = [];
        binop(BinOp::Add, &[], &[], &mut out);
        let mut out = [0.0; 2];
        binop(BinOp::Mul, &[2.0, 3.0, 4.0], &[5.0, 6.0], &mut out);
        assert_eq!(out, [10.0, 18.0]);
    }
}
