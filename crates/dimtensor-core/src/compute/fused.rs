//! Fused element-wise expressions: a small program of NumPy-like operations
//! evaluated in one pass over memory.
//!
//! A [`Program`] is a list of [`Node`]s in topological order (each node names
//! only earlier nodes) whose last node is the result. [`Program::new`]
//! validates it, folds constants, merges identical nodes and drops the ones
//! the result does not use. [`eval`] / [`eval_bool`] then run it over
//! `out.len()` elements:
//!
//! - in blocks of [`BLOCK`] elements, so that every intermediate value lives
//!   in a small scratch buffer that stays in L1/L2 cache; buffers are reused
//!   once their value's last reader has run; the inputs of the blocks ahead
//!   are prefetched, all streams at once, a share before each step;
//! - scalar inputs and constants stay scalars (never spread over a block);
//! - unit conversions (affine nodes) read only by arithmetic are applied
//!   inside their readers' loops; a division by a power of two is a
//!   multiplication (the same result);
//! - the block loops are compiled for AVX-512 and AVX2 as well as portably,
//!   and the widest build this CPU runs is chosen at run time;
//! - large outputs are split over rayon's threads, each with its own scratch
//!   ([`Options::threads`] limits how many; 1 keeps to the calling thread);
//! - outputs of evaluations much larger than the cache are written with
//!   streaming stores.
//!
//! Units are no concern here: the caller has already folded conversions into
//! [`Node::Affine`] nodes and constants.
//!
//! Each operation performs the floating-point operations NumPy's ufunc does
//! (no fused multiply-add is formed), so arithmetic results agree with
//! NumPy's unfused evaluation bit for bit; transcendental functions call
//! Rust's `f64`/`f32` methods (the platform's libm), which may differ from
//! NumPy's own SIMD versions in the last bits. Constants are folded in
//! float64; at run time every operation is done in the evaluation type.

use std::num::NonZeroUsize;
use std::ops::Neg;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::compute::kernels::Real;
use crate::compute::simd::multiversion;
use crate::{Error, Result};

/// Elements per block: 4 KiB of float64 per scratch buffer, so that a
/// block's inputs, live intermediates and output (typically 4–8 buffers)
/// stay in L1/L2. Measured on 1e7 float64 elements (AVX-512, one thread):
/// x·1000/(8.314·(y+273.15)) took 8.1 ms at 512 (a single hand-written
/// loop: 7.0–7.4), 8.6 at 1024, 9.6 at 2048, 10.1 at 4096, since shorter
/// passes keep the input streams moving; a chain of 20 cheap operations,
/// bound by the per-operation cost, took 20.7 ms at 512, 18.4 at 2048 and
/// 28.2 at 4096 (out of cache).
pub const BLOCK: usize = 512;

/// Bytes past the current block from which its inputs are prefetched.
/// Programs whose steps read their inputs one at a time (before affine
/// folding, the example above) ran 1.5–2× slower without it; 4–6 KiB
/// measured best (4–32 KiB all within noise once the prefetches were
/// spread over the steps).
const PREFETCH_AHEAD: usize = 4 << 10;

/// The last-level cache's size when the system does not say (Linux's
/// sysfs is asked).
const LLC_DEFAULT: usize = 32 << 20;

/// The size of the last-level (L3) cache, from Linux's sysfs, else
/// [`LLC_DEFAULT`].
fn llc_bytes() -> usize {
    static SIZE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *SIZE.get_or_init(|| {
        let dir = "/sys/devices/system/cpu/cpu0/cache";
        let read = |i: usize, what: &str| std::fs::read_to_string(format!("{dir}/index{i}/{what}"));
        (0..8)
            .filter(|&i| read(i, "level").is_ok_and(|l| l.trim() == "3"))
            .find_map(|i| {
                let size = read(i, "size").ok()?;
                let size = size.trim();
                let (digits, unit) = match size.strip_suffix('K') {
                    Some(d) => (d, 1 << 10),
                    None => match size.strip_suffix('M') {
                        Some(d) => (d, 1 << 20),
                        None => (size, 1),
                    },
                };
                digits.parse::<usize>().ok().map(|d| d * unit)
            })
            .filter(|&b| b > 0)
            .unwrap_or(LLC_DEFAULT)
    })
}

/// Whether the output is written with non-temporal stores (x86-64): each
/// block is computed into scratch and streamed out, so that the output's
/// lines are written without being read first (for three inputs and one
/// output, a fifth of the traffic). Only when the evaluation touches more
/// than ¾ of the last-level cache (inputs and output; as glibc decides
/// for `memcpy`), since then the output would not stay in cache anyway,
/// and not into a fresh output, whose pages the kernel zeroes on first
/// touch and leaves in cache. Measured on AVX-512 (32 MiB L3) with two
/// threads into existing float64 outputs, streaming against plain stores:
/// the six-operation benchmark (3 inputs) 1.14× as fast at 1e7 elements,
/// 1.21× at 4e6, 1.16× at 2e6, 1.09× at 1e6 (32 MB in all);
/// x·100/(8.314·y) 1.22×, 1.16×, 1.16×, but 0.94× at 1e6 (24 MB) and
/// 0.78× at 5e5; into fresh 1e7 outputs, 0.97× and 0.86×.
fn streams_output(inputs: usize, out: usize, fresh: bool) -> bool {
    cfg!(target_arch = "x86_64") && !fresh && inputs + out > llc_bytes() / 4 * 3
}

/// Outputs up to this many elements are computed on the calling thread.
pub const PARALLEL_ABOVE: usize = 32_768;

/// Float types a program evaluates in (float32, float64).
pub trait Float: Real + Neg<Output = Self> + std::fmt::Debug + 'static {
    const ZERO: Self;
    const ONE: Self;
    fn to_f64(self) -> f64;
    fn is_nan(self) -> bool;
    fn is_infinite(self) -> bool;
    fn is_normal(self) -> bool;
    fn abs(self) -> Self;
    fn sqrt(self) -> Self;
    fn exp(self) -> Self;
    fn exp_m1(self) -> Self;
    fn ln(self) -> Self;
    fn ln_1p(self) -> Self;
    fn log2(self) -> Self;
    fn log10(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tan(self) -> Self;
    fn asin(self) -> Self;
    fn acos(self) -> Self;
    fn atan(self) -> Self;
    fn sinh(self) -> Self;
    fn cosh(self) -> Self;
    fn tanh(self) -> Self;
    fn asinh(self) -> Self;
    fn acosh(self) -> Self;
    fn atanh(self) -> Self;
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn trunc(self) -> Self;
    /// Round half to even (NumPy's `rint`).
    fn rint(self) -> Self;
    fn cbrt(self) -> Self;
    fn hypot(self, other: Self) -> Self;
    fn atan2(self, other: Self) -> Self;
    fn copysign(self, sign: Self) -> Self;
    fn powf(self, exponent: Self) -> Self;
}

macro_rules! impl_float {
    ($t:ty) => {
        impl Float for $t {
            const ZERO: $t = 0.0;
            const ONE: $t = 1.0;
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn rint(self) -> $t {
                <$t>::round_ties_even(self)
            }
            // std's acosh and atanh lose most digits near 1 and -1 (they are
            // written in Rust, not taken from libm): these forms keep them.
            #[inline(always)]
            fn acosh(self) -> $t {
                if self < 1.0 || self.is_nan() {
                    return <$t>::NAN; // no real result
                }
                if self > 1.0 / <$t>::EPSILON {
                    // x² would overflow long before acosh(x) ≈ ln(2x) does.
                    return self.ln() + core::f64::consts::LN_2 as $t;
                }
                let t = self - 1.0; // exact near 1 (Sterbenz)
                (t + (t * (t + 2.0)).sqrt()).ln_1p()
            }
            #[inline(always)]
            fn atanh(self) -> $t {
                // atanh is odd; for |x| near 1, 1 − |x| is exact.
                let a = self.abs();
                (0.5 * (2.0 * a / (1.0 - a)).ln_1p()).copysign(self)
            }
            impl_float!(@fwd $t: is_nan -> bool, is_infinite -> bool, is_normal -> bool, abs,
                sqrt, exp, exp_m1, ln, ln_1p, log2, log10, sin, cos, tan, asin, acos, atan,
                sinh, cosh, tanh, asinh, floor, ceil, trunc, cbrt);
            impl_float!(@fwd2 $t: hypot, atan2, copysign, powf);
        }
    };
    (@fwd $t:ty: $($m:ident $(-> $r:ty)?),*) => {$(
        #[inline(always)]
        fn $m(self) -> impl_float!(@ret $t $(, $r)?) {
            <$t>::$m(self)
        }
    )*};
    (@fwd2 $t:ty: $($m:ident),*) => {$(
        #[inline(always)]
        fn $m(self, other: $t) -> $t {
            <$t>::$m(self, other)
        }
    )*};
    (@ret $t:ty) => { $t };
    (@ret $t:ty, $r:ty) => { $r };
}

impl_float!(f64);
impl_float!(f32);

/// 1 for true, 0 for false.
#[inline(always)]
fn truth<T: Float>(b: bool) -> T {
    if b {
        T::ONE
    } else {
        T::ZERO
    }
}

/// A value in a block: one scalar for every element, or one per element.
#[derive(Clone, Copy)]
enum Arg<'a, T> {
    S(T),
    V(&'a [T]),
}

/// A block operand, read by index (a scalar reads the same at every index).
trait Src<T>: Copy {
    fn cut(self, n: usize) -> Self;
    fn at(self, i: usize) -> T;
}

impl<T: Copy> Src<T> for &[T] {
    #[inline(always)]
    fn cut(self, n: usize) -> Self {
        &self[..n]
    }
    #[inline(always)]
    fn at(self, i: usize) -> T {
        self[i]
    }
}

#[derive(Clone, Copy)]
struct Splat<T>(T);

impl<T: Copy> Src<T> for Splat<T> {
    #[inline(always)]
    fn cut(self, _: usize) -> Self {
        self
    }
    #[inline(always)]
    fn at(self, _: usize) -> T {
        self.0
    }
}

// The loops below index slices cut to `out.len()`, so the bounds checks
// vanish and each loop vectorises where its function does.

#[inline(always)]
fn zip1<T: Copy>(a: &[T], out: &mut [T], f: impl Fn(T) -> T) {
    for (o, &x) in out.iter_mut().zip(a) {
        *o = f(x);
    }
}

#[inline(always)]
fn zip2<T: Copy, A: Src<T>, B: Src<T>>(a: A, b: B, out: &mut [T], f: impl Fn(T, T) -> T) {
    let n = out.len();
    let (a, b) = (a.cut(n), b.cut(n));
    for (i, o) in out.iter_mut().enumerate() {
        *o = f(a.at(i), b.at(i));
    }
}

#[inline(always)]
fn zip3<T: Copy, C: Src<T>, A: Src<T>, B: Src<T>>(
    c: C,
    a: A,
    b: B,
    out: &mut [T],
    f: impl Fn(T, T, T) -> T,
) {
    let n = out.len();
    let (c, a, b) = (c.cut(n), a.cut(n), b.cut(n));
    for (i, o) in out.iter_mut().enumerate() {
        *o = f(c.at(i), a.at(i), b.at(i));
    }
}

#[inline(always)]
fn map1<T: Copy>(a: Arg<'_, T>, out: &mut [T], f: impl Fn(T) -> T) {
    match a {
        Arg::V(a) => zip1(a, out, f),
        Arg::S(a) => out.fill(f(a)),
    }
}

#[inline(always)]
fn map2<T: Copy>(a: Arg<'_, T>, b: Arg<'_, T>, out: &mut [T], f: impl Fn(T, T) -> T) {
    match (a, b) {
        (Arg::V(a), Arg::V(b)) => zip2(a, b, out, f),
        (Arg::V(a), Arg::S(b)) => zip2(a, Splat(b), out, f),
        (Arg::S(a), Arg::V(b)) => zip2(Splat(a), b, out, f),
        (Arg::S(a), Arg::S(b)) => out.fill(f(a, b)),
    }
}

#[inline(always)]
fn map3<T: Copy>(
    c: Arg<'_, T>,
    a: Arg<'_, T>,
    b: Arg<'_, T>,
    out: &mut [T],
    f: impl Fn(T, T, T) -> T,
) {
    use Arg::{S, V};
    match (c, a, b) {
        (V(c), V(a), V(b)) => zip3(c, a, b, out, f),
        (V(c), V(a), S(b)) => zip3(c, a, Splat(b), out, f),
        (V(c), S(a), V(b)) => zip3(c, Splat(a), b, out, f),
        (V(c), S(a), S(b)) => zip3(c, Splat(a), Splat(b), out, f),
        (S(c), V(a), V(b)) => zip3(Splat(c), a, b, out, f),
        (S(c), V(a), S(b)) => zip3(Splat(c), a, Splat(b), out, f),
        (S(c), S(a), V(b)) => zip3(Splat(c), Splat(a), b, out, f),
        (S(c), S(a), S(b)) => out.fill(f(c, a, b)),
    }
}

/// A slice read through `x·k` (an affine node folded into its reader).
#[derive(Clone, Copy)]
struct Scaled<'a, T>(&'a [T], T);

impl<T: Float> Src<T> for Scaled<'_, T> {
    #[inline(always)]
    fn cut(self, n: usize) -> Self {
        Scaled(&self.0[..n], self.1)
    }
    #[inline(always)]
    fn at(self, i: usize) -> T {
        self.0[i] * self.1
    }
}

/// A slice read through `x·k + o`.
#[derive(Clone, Copy)]
struct ScaledShift<'a, T>(&'a [T], T, T);

impl<T: Float> Src<T> for ScaledShift<'_, T> {
    #[inline(always)]
    fn cut(self, n: usize) -> Self {
        ScaledShift(&self.0[..n], self.1, self.2)
    }
    #[inline(always)]
    fn at(self, i: usize) -> T {
        self.0[i] * self.1 + self.2
    }
}

/// The arithmetic operations, which read an affine operand (a unit
/// conversion) in the same loop instead of a pass of its own.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

impl Arith {
    fn of(op: Binary) -> Option<Arith> {
        Some(match op {
            Binary::Add => Arith::Add,
            Binary::Subtract => Arith::Sub,
            Binary::Multiply => Arith::Mul,
            Binary::Divide => Arith::Div,
            _ => return None,
        })
    }
}

/// How an arithmetic step reads an operand: as it is, or through the
/// affine map of a folded node (`x·k`, `x·k + o`; rounded as NumPy's
/// separate multiply and add would).
#[derive(Clone, Copy, Debug)]
enum Tf<T> {
    Id,
    Mul(T),
    MulAdd(T, T),
}

/// An operand of an arithmetic step, with its map applied to a scalar.
#[derive(Clone, Copy)]
enum Side<'a, T> {
    S(T),
    V(&'a [T]),
    M(&'a [T], T),
    Ma(&'a [T], T, T),
}

impl<'a, T: Float> Side<'a, T> {
    #[inline(always)]
    fn new(a: Arg<'a, T>, tf: Tf<T>) -> Side<'a, T> {
        match (a, tf) {
            (Arg::S(x), Tf::Id) => Side::S(x),
            (Arg::S(x), Tf::Mul(k)) => Side::S(x * k),
            (Arg::S(x), Tf::MulAdd(k, o)) => Side::S(x * k + o),
            (Arg::V(s), Tf::Id) => Side::V(s),
            (Arg::V(s), Tf::Mul(k)) => Side::M(s, k),
            (Arg::V(s), Tf::MulAdd(k, o)) => Side::Ma(s, k, o),
        }
    }
}

/// `out = a op b`, each operand read through its map in the same loop.
#[inline(always)]
fn arith_block<T: Float>(op: Arith, a: Side<'_, T>, b: Side<'_, T>, out: &mut [T]) {
    macro_rules! with_src {
        ($side:expr, $name:ident => $body:expr) => {
            match $side {
                Side::S(x) => {
                    let $name = Splat(x);
                    $body
                }
                Side::V(s) => {
                    let $name = s;
                    $body
                }
                Side::M(s, k) => {
                    let $name = Scaled(s, k);
                    $body
                }
                Side::Ma(s, k, o) => {
                    let $name = ScaledShift(s, k, o);
                    $body
                }
            }
        };
    }
    with_src!(a, x => with_src!(b, y => match op {
        Arith::Add => zip2(x, y, out, |p, q| p + q),
        Arith::Sub => zip2(x, y, out, |p, q| p - q),
        Arith::Mul => zip2(x, y, out, |p, q| p * q),
        Arith::Div => zip2(x, y, out, |p, q| p / q),
    }))
}

#[inline(always)]
fn call1<T>(f: impl Fn(T) -> T, x: T) -> T {
    f(x)
}

#[inline(always)]
fn call2<T>(f: impl Fn(T, T) -> T, x: T, y: T) -> T {
    f(x, y)
}

/// Defines an operation enum with its NumPy names, whether its result is a
/// truth value, and its scalar and block evaluations from one function each.
macro_rules! operations {
    (
        $(#[$doc:meta])* $enum:ident, $arity:tt, $scalar:ident, $block:ident:
        $($(#[$bool:ident])? $name:ident = $py:literal => $f:expr;)*
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $enum {
            $($name),*
        }

        impl $enum {
            /// Every operation, in declaration order.
            pub const ALL: &'static [$enum] = &[$($enum::$name),*];

            /// NumPy's name of the operation (its ufunc's name).
            pub fn name(self) -> &'static str {
                match self {
                    $($enum::$name => $py),*
                }
            }

            /// The operation NumPy calls `name`.
            pub fn from_name(name: &str) -> Option<$enum> {
                match name {
                    $($py => Some($enum::$name),)*
                    _ => None,
                }
            }

            /// Whether the result is a truth value (1 or 0).
            pub fn is_boolean(self) -> bool {
                match self {
                    $($enum::$name => operations!(@bool $($bool)?)),*
                }
            }
        }

        operations!(@fns $arity, $enum, $scalar, $block, $($name => $f),*);
    };
    (@bool truth) => { true };
    (@bool) => { false };
    (@fns 1, $enum:ident, $scalar:ident, $block:ident, $($name:ident => $f:expr),*) => {
        #[inline(always)]
        fn $scalar<T: Float>(op: $enum, x: T) -> T {
            match op {
                $($enum::$name => call1($f, x)),*
            }
        }

        #[inline(always)]
        fn $block<T: Float>(op: $enum, a: Arg<'_, T>, out: &mut [T]) {
            match op {
                $($enum::$name => map1(a, out, $f)),*
            }
        }
    };
    (@fns 2, $enum:ident, $scalar:ident, $block:ident, $($name:ident => $f:expr),*) => {
        #[inline(always)]
        fn $scalar<T: Float>(op: $enum, x: T, y: T) -> T {
            match op {
                $($enum::$name => call2($f, x, y)),*
            }
        }

        #[inline(always)]
        fn $block<T: Float>(op: $enum, a: Arg<'_, T>, b: Arg<'_, T>, out: &mut [T]) {
            match op {
                $($enum::$name => map2(a, b, out, $f)),*
            }
        }
    };
}

operations! {
    /// Operations of one operand.
    Unary, 1, unary_scalar, unary_block:
    Negative = "negative" => |x: T| -x;
    Absolute = "absolute" => |x: T| x.abs();
    Sqrt = "sqrt" => |x: T| x.sqrt();
    Square = "square" => |x: T| x * x;
    Reciprocal = "reciprocal" => |x: T| T::ONE / x;
    Exp = "exp" => |x: T| x.exp();
    Expm1 = "expm1" => |x: T| x.exp_m1();
    Log = "log" => |x: T| x.ln();
    Log1p = "log1p" => |x: T| x.ln_1p();
    Log2 = "log2" => |x: T| x.log2();
    Log10 = "log10" => |x: T| x.log10();
    Sin = "sin" => |x: T| x.sin();
    Cos = "cos" => |x: T| x.cos();
    Tan = "tan" => |x: T| x.tan();
    Arcsin = "arcsin" => |x: T| x.asin();
    Arccos = "arccos" => |x: T| x.acos();
    Arctan = "arctan" => |x: T| x.atan();
    Sinh = "sinh" => |x: T| x.sinh();
    Cosh = "cosh" => |x: T| x.cosh();
    Tanh = "tanh" => |x: T| x.tanh();
    Arcsinh = "arcsinh" => |x: T| x.asinh();
    Arccosh = "arccosh" => |x: T| x.acosh();
    Arctanh = "arctanh" => |x: T| x.atanh();
    Floor = "floor" => |x: T| x.floor();
    Ceil = "ceil" => |x: T| x.ceil();
    Trunc = "trunc" => |x: T| x.trunc();
    Rint = "rint" => |x: T| x.rint();
    Cbrt = "cbrt" => |x: T| x.cbrt();
    // NumPy: ±1 by sign, +0 for ±0, the NaN itself for NaN.
    Sign = "sign" => |x: T| if x > T::ZERO {
        T::ONE
    } else if x < T::ZERO {
        -T::ONE
    } else if x == T::ZERO {
        T::ZERO
    } else {
        x
    };
    #[truth] LogicalNot = "logical_not" => |x: T| truth(x == T::ZERO);
    #[truth] Isnan = "isnan" => |x: T| truth(x.is_nan());
    #[truth] Isinf = "isinf" => |x: T| truth(x.is_infinite());
    #[truth] Isfinite = "isfinite" => |x: T| truth(x.is_finite());
}

operations! {
    /// Operations of two operands. Comparisons and logical operations give
    /// 1 or 0; logical operations take nonzero (NaN included) as true.
    Binary, 2, binary_scalar, binary_block:
    Add = "add" => |x: T, y: T| x + y;
    Subtract = "subtract" => |x: T, y: T| x - y;
    Multiply = "multiply" => |x: T, y: T| x * y;
    Divide = "divide" => |x: T, y: T| x / y;
    // NumPy: a NaN in either operand is the result; of equal values
    // (±0) the second operand.
    Maximum = "maximum" => |x: T, y: T| if x > y || x.is_nan() { x } else { y };
    Minimum = "minimum" => |x: T, y: T| if x < y || x.is_nan() { x } else { y };
    Hypot = "hypot" => |x: T, y: T| x.hypot(y);
    Arctan2 = "arctan2" => |x: T, y: T| x.atan2(y);
    Copysign = "copysign" => |x: T, y: T| x.copysign(y);
    Power = "power" => |x: T, y: T| x.powf(y);
    #[truth] Less = "less" => |x: T, y: T| truth(x < y);
    #[truth] LessEqual = "less_equal" => |x: T, y: T| truth(x <= y);
    #[truth] Greater = "greater" => |x: T, y: T| truth(x > y);
    #[truth] GreaterEqual = "greater_equal" => |x: T, y: T| truth(x >= y);
    #[truth] Equal = "equal" => |x: T, y: T| truth(x == y);
    #[truth] NotEqual = "not_equal" => |x: T, y: T| truth(x != y);
    #[truth] LogicalAnd = "logical_and" => |x: T, y: T| truth((x != T::ZERO) & (y != T::ZERO));
    #[truth] LogicalOr = "logical_or" => |x: T, y: T| truth((x != T::ZERO) | (y != T::ZERO));
    #[truth] LogicalXor = "logical_xor" => |x: T, y: T| truth((x != T::ZERO) ^ (y != T::ZERO));
}

impl Binary {
    /// Whether `a op b` is `b op a` for every pair of values.
    fn commutes(self) -> bool {
        matches!(
            self,
            Binary::Add
                | Binary::Multiply
                | Binary::Hypot
                | Binary::Equal
                | Binary::NotEqual
                | Binary::LogicalAnd
                | Binary::LogicalOr
                | Binary::LogicalXor
        )
    }
}

/// `x` to the power `n` by repeated multiplication (left-to-right binary
/// exponentiation: `x³` is `(x·x)·x`, as NumPy's `x*x*x`); `1/x^|n|` for
/// negative `n`, 1 for `n = 0`.
#[inline(always)]
fn powi_scalar<T: Float>(x: T, n: i32) -> T {
    let m = n.unsigned_abs();
    if m == 0 {
        return T::ONE;
    }
    let mut r = x;
    for bit in (0..31 - m.leading_zeros()).rev() {
        r = r * r;
        if (m >> bit) & 1 == 1 {
            r = r * x;
        }
    }
    if n < 0 {
        T::ONE / r
    } else {
        r
    }
}

/// [`powi_scalar`] over a block: one vectorised pass per step.
#[inline(always)]
fn powi_block<T: Float>(a: Arg<'_, T>, n: i32, out: &mut [T]) {
    let a = match a {
        Arg::S(x) => return out.fill(powi_scalar(x, n)),
        Arg::V(a) => &a[..out.len()],
    };
    let m = n.unsigned_abs();
    if m == 0 {
        return out.fill(T::ONE);
    }
    out.copy_from_slice(a);
    for bit in (0..31 - m.leading_zeros()).rev() {
        out.iter_mut().for_each(|o| *o = *o * *o);
        if (m >> bit) & 1 == 1 {
            out.iter_mut().zip(a).for_each(|(o, &x)| *o = *o * x);
        }
    }
    if n < 0 {
        out.iter_mut().for_each(|o| *o = T::ONE / *o);
    }
}

/// `x·scale (+ offset)`: the product rounded, then the sum, as NumPy's
/// `x * scale + offset` would; no addition when the offset is zero.
#[inline(always)]
fn affine_scalar<T: Float>(x: T, scale: T, offset: Option<T>) -> T {
    match offset {
        None => x * scale,
        Some(b) => x * scale + b,
    }
}

/// `1/c` when it is exact (`c` a power of two whose reciprocal is a normal
/// number): then `x / c` and `x · (1/c)` round the same real number, so
/// they agree bit for bit for every `x` (NaN, infinities, subnormal results
/// included), and a multiply is much cheaper than a divide.
fn exact_reciprocal<T: Float>(c: T) -> Option<T> {
    let r = T::ONE / c;
    let mantissa = c.to_f64().to_bits() & ((1u64 << 52) - 1);
    (c.is_normal() && r.is_normal() && mantissa == 0).then_some(r)
}

/// One node of a [`Program`]; operands are indices of earlier nodes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Node {
    /// The k-th input.
    Input(usize),
    Const(f64),
    Unary(Unary, usize),
    /// `a·scale + offset` (a multiply alone when the offset is 0).
    Affine(usize, f64, f64),
    /// `a^n` by repeated multiplication.
    Powi(usize, i32),
    Binary(Binary, usize, usize),
    /// `Where(c, a, b)`: a where c is nonzero (NaN included), else b.
    Where(usize, usize, usize),
}

impl Node {
    /// The node's operands.
    pub fn operands(&self) -> impl Iterator<Item = usize> {
        let (v, n) = match *self {
            Node::Input(_) | Node::Const(_) => ([0; 3], 0),
            Node::Unary(_, a) | Node::Affine(a, ..) | Node::Powi(a, _) => ([a, 0, 0], 1),
            Node::Binary(_, a, b) => ([a, b, 0], 2),
            Node::Where(c, a, b) => ([c, a, b], 3),
        };
        v.into_iter().take(n)
    }

    /// The name the node's operation has in [`Node::from_op`].
    pub fn op_name(&self) -> &'static str {
        match self {
            Node::Input(_) => "input",
            Node::Const(_) => "const",
            Node::Unary(u, _) => u.name(),
            Node::Affine(..) => "affine",
            Node::Powi(..) => "powi",
            Node::Binary(b, ..) => b.name(),
            Node::Where(..) => "where",
        }
    }

    /// The node named `name` with numeric arguments `args`, as in the
    /// tuples of the Python API: `("input", k)`, `("const", x)`,
    /// `(unary, a)`, `("affine", a, scale, offset)`, `("powi", a, n)`,
    /// `(binary, a, b)`, `("where", c, a, b)`. Indices and `n` must be
    /// integers; operand ranges are checked by [`Program::new`].
    pub fn from_op(name: &str, args: &[f64]) -> Result<Node> {
        let (arity, what) = match name {
            "input" => (1, "an input index"),
            "const" => (1, "a value"),
            "affine" => (3, "an operand, a scale and an offset"),
            "powi" => (2, "an operand and an integer exponent"),
            "where" => (3, "three operands (condition, if true, if false)"),
            _ if Unary::from_name(name).is_some() => (1, "one operand"),
            _ if Binary::from_name(name).is_some() => (2, "two operands"),
            _ => return Err(invalid(format!("unknown operation {name:?}"))),
        };
        if args.len() != arity {
            return Err(invalid(format!(
                "{name:?} takes {what}: {arity} argument{}, got {}",
                if arity == 1 { "" } else { "s" },
                args.len()
            )));
        }
        let index = |i: usize| -> Result<usize> {
            let x = args[i];
            if x.fract() == 0.0 && x >= 0.0 && x < 2f64.powi(53) {
                Ok(x as usize)
            } else {
                Err(invalid(format!(
                    "{name:?}: argument {} must be a non-negative integer index, got {x}",
                    i + 1
                )))
            }
        };
        Ok(match name {
            "input" => Node::Input(index(0)?),
            "const" => Node::Const(args[0]),
            "affine" => Node::Affine(index(0)?, args[1], args[2]),
            "powi" => {
                let n = args[1];
                if n.fract() != 0.0 || n < i32::MIN as f64 || n > i32::MAX as f64 {
                    return Err(invalid(format!(
                        "\"powi\": the exponent must be an integer in the 32-bit range, got {n}"
                    )));
                }
                Node::Powi(index(0)?, n as i32)
            }
            "where" => Node::Where(index(0)?, index(1)?, index(2)?),
            _ => match Unary::from_name(name) {
                Some(u) => Node::Unary(u, index(0)?),
                None => match Binary::from_name(name) {
                    Some(b) => Node::Binary(b, index(0)?, index(1)?),
                    None => unreachable!("checked above"),
                },
            },
        })
    }

    /// Whether the node's value is a truth value, given its operands'.
    fn is_boolean(&self, boolean: &[bool]) -> bool {
        match *self {
            Node::Unary(u, _) => u.is_boolean(),
            Node::Binary(b, ..) => b.is_boolean(),
            Node::Where(_, a, b) => boolean[a] && boolean[b],
            _ => false,
        }
    }

    /// The node with its operands renamed by `f`.
    fn map(self, f: impl Fn(usize) -> usize) -> Node {
        match self {
            Node::Input(_) | Node::Const(_) => self,
            Node::Unary(u, a) => Node::Unary(u, f(a)),
            Node::Affine(a, s, o) => Node::Affine(f(a), s, o),
            Node::Powi(a, n) => Node::Powi(f(a), n),
            Node::Binary(b, x, y) => Node::Binary(b, f(x), f(y)),
            Node::Where(c, a, b) => Node::Where(f(c), f(a), f(b)),
        }
    }
}

fn invalid(message: String) -> Error {
    Error::Invalid(message)
}

/// A node compared by value, floats by their bits (so `-0.0 ≠ 0.0`, and a
/// NaN equals itself), commutative operands in a fixed order.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Input(usize),
    Const(u64),
    Unary(Unary, usize),
    Affine(usize, u64, u64),
    Powi(usize, i32),
    Binary(Binary, usize, usize),
    Where(usize, usize, usize),
}

impl Key {
    fn of(node: &Node) -> Key {
        match *node {
            Node::Input(k) => Key::Input(k),
            Node::Const(c) => Key::Const(c.to_bits()),
            Node::Unary(u, a) => Key::Unary(u, a),
            Node::Affine(a, s, o) => Key::Affine(a, s.to_bits(), o.to_bits()),
            Node::Powi(a, n) => Key::Powi(a, n),
            Node::Binary(b, x, y) if b.commutes() && y < x => Key::Binary(b, y, x),
            Node::Binary(b, x, y) => Key::Binary(b, x, y),
            Node::Where(c, a, b) => Key::Where(c, a, b),
        }
    }
}

/// A validated, simplified expression program. Its last node is the result.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    nodes: Vec<Node>,
    n_inputs: usize,
    boolean: bool,
}

impl Program {
    /// Validates `nodes` (each operand an earlier node, each input index
    /// below `n_inputs`, at least one node), then simplifies: a node whose
    /// operands are all constants becomes a constant (computed in float64),
    /// `where` with a constant condition becomes the branch it picks (in
    /// float32 as well: one nonzero only in float64 is kept),
    /// `affine(a, 1, 0)` and `powi(a, 1)` become `a`, identical nodes are
    /// merged, and nodes the result (the last node) does not use are
    /// dropped.
    pub fn new(nodes: &[Node], n_inputs: usize) -> Result<Program> {
        if nodes.is_empty() {
            return Err(invalid("a program needs at least one node".into()));
        }
        let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
        let mut seen: FxHashMap<Key, usize> = FxHashMap::default();
        // Original index → simplified index; whether each original node is
        // a truth value.
        let mut renamed: Vec<usize> = Vec::with_capacity(nodes.len());
        let mut boolean: Vec<bool> = Vec::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            for a in node.operands() {
                if a >= i {
                    return Err(invalid(format!(
                        "node {i} ({}): operand {a} is not an earlier node",
                        node.op_name()
                    )));
                }
            }
            match *node {
                Node::Input(k) if k >= n_inputs => {
                    return Err(invalid(format!(
                        "node {i} (input): input {k} out of range for {n_inputs} input{}",
                        if n_inputs == 1 { "" } else { "s" }
                    )));
                }
                Node::Powi(_, n) if n == i32::MIN => {
                    return Err(invalid(format!("node {i} (powi): exponent out of range")));
                }
                _ => {}
            }
            boolean.push(node.is_boolean(&boolean));
            let node = node.map(|a| renamed[a]);
            let index = match simplify(&node, &out) {
                Simple::Node(i) => i,
                Simple::New(n) => *seen.entry(Key::of(&n)).or_insert_with(|| {
                    out.push(n);
                    out.len() - 1
                }),
            };
            renamed.push(index);
        }
        let result = *renamed.last().expect("not empty");
        Ok(Program {
            nodes: live(out, result),
            n_inputs,
            boolean: *boolean.last().expect("not empty"),
        })
    }

    /// The simplified nodes; the last is the result.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn n_inputs(&self) -> usize {
        self.n_inputs
    }

    /// Whether the result is a truth value (a comparison, a logical
    /// operation, `isnan`/`isinf`/`isfinite`, or `where` between such).
    pub fn is_boolean(&self) -> bool {
        self.boolean
    }

    /// How many block-sized scratch buffers an evaluation with every input
    /// an array uses (per thread).
    pub fn scratch_buffers(&self) -> usize {
        let uniform: Vec<bool> = self
            .nodes
            .iter()
            .map(|n| matches!(n, Node::Const(_)))
            .collect();
        allocate(&self.nodes, &uniform, &folds(&self.nodes, &uniform)).1
    }
}

enum Simple {
    /// The value of an existing node.
    Node(usize),
    /// A new node (to merge with an identical one).
    New(Node),
}

/// Constant folding and the identities that hold bit for bit.
fn simplify(node: &Node, nodes: &[Node]) -> Simple {
    let c = |i: usize| match nodes[i] {
        Node::Const(v) => Some(v),
        _ => None,
    };
    let folded = match *node {
        Node::Input(_) | Node::Const(_) => None,
        Node::Unary(u, a) => c(a).map(|x| unary_scalar(u, x)),
        Node::Affine(a, s, o) => {
            if s == 1.0 && o == 0.0 {
                return Simple::Node(a);
            }
            c(a).map(|x| affine_scalar(x, s, (o != 0.0).then_some(o)))
        }
        Node::Powi(a, n) => {
            if n == 1 {
                return Simple::Node(a);
            }
            c(a).map(|x| powi_scalar(x, n))
        }
        Node::Binary(op, a, b) => c(a).zip(c(b)).map(|(x, y)| binary_scalar(op, x, y)),
        Node::Where(cond, a, b) => {
            // Picked here unless float32 would pick the other branch (a
            // nonzero condition below float32's range is zero there).
            if let Some(v) = c(cond).filter(|&v| v == 0.0 || v as f32 != 0.0) {
                return Simple::Node(if v != 0.0 { a } else { b });
            }
            if a == b {
                return Simple::Node(a);
            }
            None
        }
    };
    Simple::New(folded.map_or(*node, Node::Const))
}

/// The nodes `result` depends on, renumbered in order (`result` last).
fn live(nodes: Vec<Node>, result: usize) -> Vec<Node> {
    let mut used = vec![false; result + 1];
    used[result] = true;
    for i in (0..=result).rev() {
        if used[i] {
            for a in nodes[i].operands() {
                used[a] = true;
            }
        }
    }
    let mut renamed = vec![usize::MAX; result + 1];
    let mut kept = Vec::new();
    for (i, node) in nodes.into_iter().take(result + 1).enumerate() {
        if used[i] {
            renamed[i] = kept.len();
            kept.push(node.map(|a| renamed[a]));
        }
    }
    kept
}

/// An evaluation operand: an array of `out.len()` elements or one value.
#[derive(Clone, Copy, Debug)]
pub enum Operand<'a, T> {
    Slice(&'a [T]),
    Scalar(T),
}

/// Where a node's value is during a block.
#[derive(Clone, Copy, Debug)]
enum Loc<T> {
    /// The same for every element (constants, scalar inputs, and what
    /// depends on these only): computed once per evaluation.
    Scalar(T),
    Input(usize),
    Reg(usize),
    /// The output block.
    Out,
}

#[derive(Clone, Copy)]
enum Kind<T> {
    Unary(Unary),
    /// Reads its operands through folded affine maps.
    Arith(Arith, Tf<T>, Tf<T>),
    Affine(T, Option<T>),
    Powi(i32),
    Binary(Binary),
    Where,
}

#[derive(Clone, Copy)]
struct Step<T> {
    kind: Kind<T>,
    args: [Loc<T>; 3],
    dst: Loc<T>,
}

/// A program prepared for one evaluation.
struct Plan<T> {
    steps: Vec<Step<T>>,
    regs: usize,
    /// Where the result is when no step writes it (a scalar or an input).
    result: Loc<T>,
}

/// An affine node read by at most this many steps, all arithmetic, is
/// applied in each of their loops rather than written to a register first:
/// a multiply and an add more per reader cost less than a pass of its own
/// (a load, a store and its readers' loads from L1).
const FOLD_READERS: usize = 4;

/// The affine nodes read in the loops of their readers, all arithmetic
/// steps (at most [`FOLD_READERS`]), instead of in a pass of their own
/// (non-uniform ones; never the result).
fn folds(nodes: &[Node], uniform: &[bool]) -> Vec<bool> {
    let n = nodes.len();
    let mut uses = vec![0usize; n];
    let mut by_arith = vec![true; n];
    for node in nodes {
        let arith = matches!(node, Node::Binary(op, ..) if Arith::of(*op).is_some());
        for a in node.operands() {
            uses[a] += 1;
            by_arith[a] &= arith;
        }
    }
    (0..n)
        .map(|i| {
            matches!(nodes[i], Node::Affine(..))
                && !uniform[i]
                && uses[i] <= FOLD_READERS
                && by_arith[i]
                && i + 1 < n
        })
        .collect()
}

/// The node a reader of `a` reads: a folded affine node's operand.
fn through(nodes: &[Node], folded: &[bool], a: usize) -> usize {
    match nodes[a] {
        Node::Affine(b, ..) if folded[a] => b,
        _ => a,
    }
}

/// Scratch registers for the nodes computed per block (`None` for uniform
/// nodes, inputs and folded nodes): each gets a register free at that
/// point; a register is freed after its value's last reader has run, and a
/// node never writes a register it reads. The result node gets none (it
/// writes the output).
fn allocate(nodes: &[Node], uniform: &[bool], folded: &[bool]) -> (Vec<Option<usize>>, usize) {
    let n = nodes.len();
    let computed = |i: usize| {
        !(uniform[i] || folded[i] || matches!(nodes[i], Node::Input(_) | Node::Const(_)))
    };
    let mut last_use = vec![0; n];
    for (i, node) in nodes.iter().enumerate() {
        if computed(i) {
            for a in node.operands() {
                last_use[through(nodes, folded, a)] = i;
            }
        }
    }
    let mut reg = vec![None; n];
    let mut free: Vec<usize> = Vec::new();
    let mut count = 0;
    for (i, node) in nodes.iter().enumerate() {
        if !computed(i) {
            continue;
        }
        if i + 1 < n {
            reg[i] = Some(free.pop().unwrap_or_else(|| {
                count += 1;
                count - 1
            }));
        }
        let mut ops: Vec<usize> = node.operands().map(|a| through(nodes, folded, a)).collect();
        ops.sort_unstable();
        ops.dedup();
        for a in ops {
            if last_use[a] == i {
                if let Some(r) = reg[a] {
                    free.push(r);
                }
            }
        }
    }
    (reg, count)
}

impl<T: Float> Plan<T> {
    fn new(prog: &Program, inputs: &[Operand<'_, T>]) -> Plan<T> {
        let nodes = &prog.nodes;
        let n = nodes.len();
        // Uniform values, computed once here.
        let mut value: Vec<Option<T>> = Vec::with_capacity(n);
        for node in nodes {
            let v = |i: usize| value[i];
            let u = match *node {
                Node::Input(k) => match inputs[k] {
                    Operand::Scalar(x) => Some(x),
                    Operand::Slice(_) => None,
                },
                Node::Const(c) => Some(T::from_f64(c)),
                Node::Unary(op, a) => v(a).map(|x| unary_scalar(op, x)),
                Node::Affine(a, s, o) => v(a)
                    .map(|x| affine_scalar(x, T::from_f64(s), (o != 0.0).then(|| T::from_f64(o)))),
                Node::Powi(a, p) => v(a).map(|x| powi_scalar(x, p)),
                Node::Binary(op, a, b) => v(a).zip(v(b)).map(|(x, y)| binary_scalar(op, x, y)),
                Node::Where(c, a, b) => match (v(c), v(a), v(b)) {
                    (Some(c), Some(a), Some(b)) => Some(if c != T::ZERO { a } else { b }),
                    _ => None,
                },
            };
            value.push(u);
        }
        let uniform: Vec<bool> = value.iter().map(Option::is_some).collect();
        let folded = folds(nodes, &uniform);
        let (reg, regs) = allocate(nodes, &uniform, &folded);
        let loc = |i: usize| match (value[i], nodes[i], reg[i]) {
            (Some(x), ..) => Loc::Scalar(x),
            (None, Node::Input(k), _) => Loc::Input(k),
            (None, _, Some(r)) => Loc::Reg(r),
            (None, ..) => Loc::Out,
        };
        let mut steps = Vec::new();
        let tf = |a: usize| match nodes[a] {
            Node::Affine(_, s, o) if folded[a] => {
                if o != 0.0 {
                    Tf::MulAdd(T::from_f64(s), T::from_f64(o))
                } else {
                    Tf::Mul(T::from_f64(s))
                }
            }
            _ => Tf::Id,
        };
        let at = |a: usize| through(nodes, &folded, a);
        for (i, node) in nodes.iter().enumerate() {
            if uniform[i] || folded[i] {
                continue;
            }
            let (kind, ops): (Kind<T>, [usize; 3]) = match *node {
                Node::Input(_) | Node::Const(_) => continue,
                Node::Unary(op, a) => (Kind::Unary(op), [a; 3]),
                Node::Affine(a, s, o) => (
                    Kind::Affine(T::from_f64(s), (o != 0.0).then(|| T::from_f64(o))),
                    [a; 3],
                ),
                Node::Powi(a, p) => (Kind::Powi(p), [a; 3]),
                Node::Binary(op, a, b) => {
                    match (Arith::of(op), value[b].and_then(exact_reciprocal)) {
                        // x / c is x · (1/c) bit for bit when 1/c is exact.
                        (Some(Arith::Div), Some(r)) => {
                            steps.push(Step {
                                kind: Kind::Arith(Arith::Mul, tf(a), Tf::Id),
                                args: [loc(at(a)), Loc::Scalar(r), Loc::Scalar(r)],
                                dst: loc(i),
                            });
                            continue;
                        }
                        (Some(ar), _) => (Kind::Arith(ar, tf(a), tf(b)), [at(a), at(b), at(b)]),
                        (None, _) => (Kind::Binary(op), [a, b, b]),
                    }
                }
                Node::Where(c, a, b) => (Kind::Where, [c, a, b]),
            };
            steps.push(Step {
                kind,
                args: ops.map(loc),
                dst: loc(i),
            });
        }
        Plan {
            steps,
            regs,
            result: loc(n - 1),
        }
    }
}

/// One thread's scratch: the registers and, for truth-valued output or
/// streaming stores, a block of the evaluation type.
struct Scratch<T> {
    regs: Vec<Vec<T>>,
    tmp: Vec<T>,
}

impl<T: Float> Scratch<T> {
    fn new(regs: usize, len: usize, tmp: bool) -> Scratch<T> {
        Scratch {
            regs: (0..regs).map(|_| vec![T::ZERO; len]).collect(),
            tmp: if tmp { vec![T::ZERO; len] } else { Vec::new() },
        }
    }
}

/// Runs the plan on the block of `out.len()` elements starting at `lo`,
/// prefetching the inputs of the blocks ahead (`streams`) as it goes.
#[inline(always)]
fn block<T: Float>(
    plan: &Plan<T>,
    inputs: &[Operand<'_, T>],
    streams: &[&[T]],
    lo: usize,
    out: &mut [T],
    regs: &mut [Vec<T>],
) {
    let n = out.len();
    let input = |k: usize| match inputs[k] {
        Operand::Slice(s) => Arg::V(&s[lo..lo + n]),
        Operand::Scalar(x) => Arg::S(x),
    };
    match plan.result {
        Loc::Scalar(x) => return out.fill(x),
        Loc::Input(k) => {
            prefetch_part(streams, lo, n, 0, 1);
            return match input(k) {
                Arg::V(s) => out.copy_from_slice(s),
                Arg::S(x) => out.fill(x),
            };
        }
        Loc::Reg(_) | Loc::Out => {}
    }
    for (j, step) in plan.steps.iter().enumerate() {
        prefetch_part(streams, lo, n, j, plan.steps.len());
        let mut dst_reg = match step.dst {
            Loc::Reg(r) => Some(std::mem::take(&mut regs[r])),
            _ => None,
        };
        {
            let arg = |l: Loc<T>| match l {
                Loc::Scalar(x) => Arg::S(x),
                Loc::Input(k) => input(k),
                Loc::Reg(r) => Arg::V(&regs[r][..n]),
                Loc::Out => unreachable!("the result is read by no node"),
            };
            let dst: &mut [T] = match &mut dst_reg {
                Some(v) => &mut v[..n],
                None => &mut *out,
            };
            let [a, b, c] = step.args;
            match step.kind {
                Kind::Unary(op) => unary_block(op, arg(a), dst),
                Kind::Arith(op, ta, tb) => {
                    arith_block(op, Side::new(arg(a), ta), Side::new(arg(b), tb), dst)
                }
                Kind::Affine(s, None) => map1(arg(a), dst, |x| x * s),
                Kind::Affine(s, Some(o)) => map1(arg(a), dst, |x| x * s + o),
                Kind::Powi(p) => powi_block(arg(a), p, dst),
                Kind::Binary(op) => binary_block(op, arg(a), arg(b), dst),
                Kind::Where => map3(arg(a), arg(b), arg(c), dst, |c, x, y| {
                    if c != T::ZERO {
                        x
                    } else {
                        y
                    }
                }),
            }
        }
        if let (Loc::Reg(r), Some(v)) = (step.dst, dst_reg) {
            regs[r] = v;
        }
    }
}

/// The array inputs, as the prefetcher reads them.
type Streams<'a, T> = SmallVec<[&'a [T]; 8]>;

fn streams<'a, T>(inputs: &[Operand<'a, T>]) -> Streams<'a, T> {
    inputs
        .iter()
        .filter_map(|x| match *x {
            Operand::Slice(s) => Some(s),
            Operand::Scalar(_) => None,
        })
        .collect()
}

/// Asks for the input elements [`PREFETCH_AHEAD`] bytes past `lo..hi`,
/// all inputs at once, one cache line at a time. A block reads its inputs
/// one operation (one stream) at a time, which leaves the hardware
/// prefetchers too little to go on; this keeps every input stream coming in
/// concurrently, as in a single loop over all operands.
#[inline(always)]
fn prefetch<T>(streams: &[&[T]], lo: usize, hi: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let size = std::mem::size_of::<T>();
        let ahead = PREFETCH_AHEAD / size;
        // Every stream has the same length; past its end nothing is asked.
        let Some(len) = streams.first().map(|s| s.len()) else {
            return;
        };
        for i in (lo + ahead..(hi + ahead).min(len)).step_by(64 / size) {
            for s in streams {
                #[allow(unsafe_code)]
                // SAFETY: SSE is part of x86-64; a prefetch is only a hint
                // and reads nothing (`i` is within every stream).
                unsafe {
                    _mm_prefetch::<_MM_HINT_T0>(s.as_ptr().add(i).cast())
                };
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (streams, lo, hi);
}

/// [`prefetch`] for the `j`-th of `parts` shares (whole cache lines) of the
/// block of `n` elements at `lo`. A block's prefetches are spread over its
/// steps: issued all at once, the ones beyond the few the core tracks
/// wait for a free slot and hold up the computation behind them; between
/// steps they arrive while the steps compute. Measured on AVX-512 with two
/// threads and 1e7 elements, the six-operation benchmark (seven steps)
/// into an existing output went from 10.0 to 8.1 ms with streaming stores
/// (10.6 to 8.6–9.7 without).
#[inline(always)]
fn prefetch_part<T>(streams: &[&[T]], lo: usize, n: usize, j: usize, parts: usize) {
    let line = 64 / std::mem::size_of::<T>();
    let per = n.div_ceil(line).div_ceil(parts) * line;
    let (a, b) = ((j * per).min(n), ((j + 1) * per).min(n));
    if a < b {
        prefetch(streams, lo + a, lo + b);
    }
}

/// Copies `src` into `dst` with non-temporal stores (no read of `dst`'s
/// lines first; see [`streams_output`]). The caller issues a store fence
/// before anything else may read `dst`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn stream_copy<T: Copy>(src: &[T], dst: &mut [T]) {
    use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_stream_si128};
    assert_eq!(src.len(), dst.len());
    let bytes = std::mem::size_of_val(src);
    let from = src.as_ptr().cast::<u8>();
    let to = dst.as_mut_ptr().cast::<u8>();
    // Plain copies up to the first 16-byte boundary of `dst` and after the
    // last; 16-byte streaming stores between.
    let head = (to as usize).wrapping_neg() % 16;
    let head = head.min(bytes);
    let end = head + (bytes - head) / 16 * 16;
    #[allow(unsafe_code)]
    // SAFETY: `src` and `dst` are distinct slices of `bytes` bytes, so
    // every offset below `bytes` is in both; the streaming stores go to
    // 16-byte aligned addresses (`to + head` is aligned and the offsets
    // step by 16); unaligned loads need no alignment; SSE2 is part of
    // x86-64; T is Copy (plain bytes).
    unsafe {
        std::ptr::copy_nonoverlapping(from, to, head);
        let mut k = head;
        while k < end {
            let v = _mm_loadu_si128(from.add(k).cast::<__m128i>());
            _mm_stream_si128(to.add(k).cast::<__m128i>(), v);
            k += 16;
        }
        std::ptr::copy_nonoverlapping(from.add(end), to.add(end), bytes - end);
    }
}

/// Orders the streaming stores before whatever follows (another thread
/// reading the output once this one reports its piece done).
#[inline(always)]
fn store_fence() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of x86-64.
    #[allow(unsafe_code)]
    unsafe {
        std::arch::x86_64::_mm_sfence()
    };
}

/// Runs the plan on `out`, whose first element is element `start`; with
/// `stream`, each block is computed into scratch and streamed out.
#[inline(always)]
fn range<T: Float>(
    plan: &Plan<T>,
    inputs: &[Operand<'_, T>],
    start: usize,
    out: &mut [T],
    s: &mut Scratch<T>,
    stream: bool,
) {
    let streams = streams(inputs);
    #[cfg(target_arch = "x86_64")]
    if stream {
        for (b, o) in out.chunks_mut(BLOCK).enumerate() {
            let tmp = &mut s.tmp[..o.len()];
            block(plan, inputs, &streams, start + b * BLOCK, tmp, &mut s.regs);
            stream_copy(tmp, o);
        }
        return store_fence();
    }
    let _ = stream;
    for (b, o) in out.chunks_mut(BLOCK).enumerate() {
        block(plan, inputs, &streams, start + b * BLOCK, o, &mut s.regs);
    }
}

/// [`range`] for truth-valued output: each block computed in `T`, then
/// written as nonzero-or-not.
#[inline(always)]
fn range_bool<T: Float>(
    plan: &Plan<T>,
    inputs: &[Operand<'_, T>],
    start: usize,
    out: &mut [bool],
    s: &mut Scratch<T>,
) {
    let streams = streams(inputs);
    for (b, o) in out.chunks_mut(BLOCK).enumerate() {
        let tmp = &mut s.tmp[..o.len()];
        block(plan, inputs, &streams, start + b * BLOCK, tmp, &mut s.regs);
        for (o, &v) in o.iter_mut().zip(tmp.iter()) {
            *o = v != T::ZERO;
        }
    }
}

multiversion! {
    // FMA enabled; no multiply-add is contracted
    // (Rust never does that on its own), so arithmetic stays bit for bit.
    avx512 = "avx512f,avx512bw,avx512dq,avx2,fma", avx2 = "avx2,fma";

    fn range_dispatch<T: Float>(
        plan: &Plan<T>,
        inputs: &[Operand<'_, T>],
        start: usize,
        out: &mut [T],
        s: &mut Scratch<T>,
        stream: bool,
    ) = range;

    fn range_bool_dispatch<T: Float>(
        plan: &Plan<T>,
        inputs: &[Operand<'_, T>],
        start: usize,
        out: &mut [bool],
        s: &mut Scratch<T>,
    ) = range_bool;
}

fn check<T>(prog: &Program, inputs: &[Operand<'_, T>], n: usize) -> Result<()> {
    if inputs.len() != prog.n_inputs {
        return Err(invalid(format!(
            "the program takes {} input{}, got {}",
            prog.n_inputs,
            if prog.n_inputs == 1 { "" } else { "s" },
            inputs.len()
        )));
    }
    for (k, x) in inputs.iter().enumerate() {
        if let Operand::Slice(s) = x {
            if s.len() != n {
                return Err(invalid(format!(
                    "input {k} has {} elements, the output {n}",
                    s.len()
                )));
            }
        }
    }
    Ok(())
}

/// Whether rayon's threads may be used: not in a process forked from one
/// that had started them (a child has none of its parent's threads, and
/// waiting for them would hang; Python's `multiprocessing` forks). The
/// first process to ask is the one whose threads rayon starts.
fn threads_usable() -> bool {
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let pid = std::process::id();
    *PID.get_or_init(|| pid) == pid
}

/// Splits `out` over rayon's threads when it is large enough and `threads`
/// allows more than one, running `f(start, chunk, scratch)` on each piece
/// (`tmp`: whether the scratch needs a block of `T`). With `threads` = 1
/// rayon is not touched at all; with `n` > 1 below the pool's size, `out`
/// is cut into `n` pieces, so that at most `n` of the pool's threads work
/// on it at once.
fn run<O: Send, T: Float>(
    plan: &Plan<T>,
    out: &mut [O],
    tmp: bool,
    threads: Option<NonZeroUsize>,
    f: impl Fn(usize, &mut [O], &mut Scratch<T>) + Sync,
) {
    let n = out.len();
    let limit = threads.map_or(usize::MAX, NonZeroUsize::get);
    let pool = if n <= PARALLEL_ABOVE || limit < 2 || !threads_usable() {
        1
    } else {
        rayon::current_num_threads()
    };
    if pool < 2 {
        let mut s = Scratch::new(plan.regs, n.min(BLOCK), tmp);
        return f(0, out, &mut s);
    }
    // About four pieces per thread, whole blocks each, for balance; one
    // piece per allowed thread under a limit.
    let pieces = if limit < pool { limit } else { 4 * pool };
    let chunk = n.div_ceil(pieces).next_multiple_of(BLOCK);
    out.par_chunks_mut(chunk).enumerate().for_each_init(
        || Scratch::new(plan.regs, BLOCK, tmp),
        |s, (i, o)| f(i * chunk, o, s),
    );
}

/// How an evaluation runs; the result does not depend on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// At most this many threads: `None` for all of rayon's (for outputs
    /// above [`PARALLEL_ABOVE`] elements), 1 for the calling thread only
    /// (rayon is not used), `n` for at most `n` of rayon's threads (the
    /// output is cut into `n` pieces).
    pub threads: Option<NonZeroUsize>,
    /// The output was just allocated and is not written yet: its pages
    /// are zeroed by the kernel on first touch, which leaves them in cache,
    /// so plain stores are used (see [`streams_output`]).
    pub fresh: bool,
}

/// The bytes of the array inputs.
fn input_bytes<T>(inputs: &[Operand<'_, T>]) -> usize {
    inputs
        .iter()
        .map(|x| match x {
            Operand::Slice(s) => std::mem::size_of_val(*s),
            Operand::Scalar(_) => 0,
        })
        .sum()
}

/// Evaluates `prog` element-wise into `out`. Each input is a slice of
/// `out.len()` elements or a scalar. A truth-valued program writes 1 or 0.
/// Large outputs are split over all of rayon's threads (see [`eval_with`]).
pub fn eval<T: Float>(prog: &Program, inputs: &[Operand<'_, T>], out: &mut [T]) -> Result<()> {
    eval_with(prog, inputs, out, Options::default())
}

/// [`eval`] as `options` say.
pub fn eval_with<T: Float>(
    prog: &Program,
    inputs: &[Operand<'_, T>],
    out: &mut [T],
    options: Options,
) -> Result<()> {
    check(prog, inputs, out.len())?;
    let plan = Plan::new(prog, inputs);
    let stream = streams_output(
        input_bytes(inputs),
        std::mem::size_of_val(out),
        options.fresh,
    );
    run(&plan, out, stream, options.threads, |start, o, s| {
        range_dispatch(&plan, inputs, start, o, s, stream)
    });
    Ok(())
}

/// Evaluates `prog` element-wise into `out`, true where the result is
/// nonzero (NaN included).
pub fn eval_bool<T: Float>(
    prog: &Program,
    inputs: &[Operand<'_, T>],
    out: &mut [bool],
) -> Result<()> {
    eval_bool_with(prog, inputs, out, Options::default())
}

/// [`eval_bool`] as `options` say (truth values are never streamed).
pub fn eval_bool_with<T: Float>(
    prog: &Program,
    inputs: &[Operand<'_, T>],
    out: &mut [bool],
    options: Options,
) -> Result<()> {
    check(prog, inputs, out.len())?;
    let plan = Plan::new(prog, inputs);
    run(&plan, out, true, options.threads, |start, o, s| {
        range_bool_dispatch(&plan, inputs, start, o, s)
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(a: usize, b: usize) -> Node {
        Node::Binary(Binary::Add, a, b)
    }

    #[test]
    fn names_round_trip() {
        for &u in Unary::ALL {
            assert_eq!(Unary::from_name(u.name()), Some(u));
            assert!(Binary::from_name(u.name()).is_none());
        }
        for &b in Binary::ALL {
            assert_eq!(Binary::from_name(b.name()), Some(b));
        }
        assert_eq!(Unary::ALL.len(), 33);
        assert_eq!(Binary::ALL.len(), 19);
    }

    #[test]
    fn registers_are_reused() {
        // ((((x+1)+1)+1)+1)...: a chain needs two registers, however long.
        let mut nodes = vec![Node::Input(0), Node::Const(1.0)];
        for i in 0..20 {
            nodes.push(add(if i == 0 { 0 } else { nodes.len() - 1 }, 1));
        }
        let p = Program::new(&nodes, 1).unwrap();
        assert_eq!(p.nodes().len(), 22);
        assert!(p.scratch_buffers() <= 2, "{}", p.scratch_buffers());
        // A balanced product of 8 inputs, built in post-order as an
        // expression tree is walked: at most depth + 1 values are live.
        fn tree(nodes: &mut Vec<Node>, lo: usize, hi: usize) -> usize {
            if hi - lo == 1 {
                nodes.push(Node::Input(lo));
            } else {
                let mid = (lo + hi) / 2;
                let a = tree(nodes, lo, mid);
                let b = tree(nodes, mid, hi);
                nodes.push(Node::Binary(Binary::Multiply, a, b));
            }
            nodes.len() - 1
        }
        let mut nodes = Vec::new();
        tree(&mut nodes, 0, 8);
        let p = Program::new(&nodes, 8).unwrap();
        assert!(p.scratch_buffers() <= 4, "{}", p.scratch_buffers());
    }

    #[test]
    fn a_node_never_writes_what_it_reads() {
        // y = x*x; z = y + y: z's register differs from y's.
        let nodes = [
            Node::Input(0),
            Node::Unary(Unary::Square, 0),
            add(1, 1),
            Node::Unary(Unary::Sqrt, 2),
        ];
        let p = Program::new(&nodes, 1).unwrap();
        let (reg, _) = allocate(p.nodes(), &[false; 4], &[false; 4]);
        assert_ne!(reg[1], reg[2]);
        let x = [4.0f64, 9.0];
        let mut out = [0.0; 2];
        eval(&p, &[Operand::Slice(&x)], &mut out).unwrap();
        assert_eq!(out, [(32.0f64).sqrt(), (162.0f64).sqrt()]);
    }

    #[test]
    fn powi_matches_repeated_multiplication() {
        let x = 1.1f64;
        assert_eq!(powi_scalar(x, 0), 1.0);
        assert_eq!(powi_scalar(f64::NAN, 0), 1.0);
        assert_eq!(powi_scalar(x, 1), x);
        assert_eq!(powi_scalar(x, 2), x * x);
        assert_eq!(powi_scalar(x, 3), x * x * x);
        assert_eq!(powi_scalar(x, 5), (x * x) * (x * x) * x);
        assert_eq!(powi_scalar(x, -2), 1.0 / (x * x));
    }

    #[test]
    fn affine_operands_are_read_in_the_arithmetic_loop() {
        // x·1000 / (8.314·(y + 273.15)): two passes, one register.
        let nodes = [
            Node::Input(0),
            Node::Input(1),
            Node::Affine(0, 1000.0, 0.0),
            Node::Affine(1, 1.0, 273.15),
            Node::Const(8.314),
            Node::Binary(Binary::Multiply, 4, 3),
            Node::Binary(Binary::Divide, 2, 5),
        ];
        let p = Program::new(&nodes, 2).unwrap();
        let (x, y) = ([1.0f64, 2.0], [20.0f64, -5.0]);
        let inputs = [Operand::Slice(&x[..]), Operand::Slice(&y[..])];
        let plan = Plan::new(&p, &inputs);
        assert_eq!(plan.steps.len(), 2);
        assert_eq!(plan.regs, 1);
        assert_eq!(p.scratch_buffers(), 1);
        let mut out = [0.0; 2];
        eval(&p, &inputs, &mut out).unwrap();
        for i in 0..2 {
            let r = x[i] * 1000.0 / (8.314 * (y[i] * 1.0 + 273.15));
            assert_eq!(out[i].to_bits(), r.to_bits());
        }
        // Read by two arithmetic steps (°C → K used twice): applied in
        // both loops, no pass and no register of its own.
        let nodes = [
            Node::Input(0),
            Node::Input(1),
            Node::Affine(1, 1.0, 273.15),
            Node::Binary(Binary::Multiply, 0, 2),
            Node::Binary(Binary::Divide, 2, 0),
            Node::Binary(Binary::Subtract, 3, 4),
            Node::Binary(Binary::Add, 5, 2),
        ];
        let p = Program::new(&nodes, 2).unwrap();
        let plan = Plan::new(&p, &inputs);
        assert_eq!(plan.steps.len(), 4);
        assert_eq!(plan.regs, 3, "none for the affine node");
        eval(&p, &inputs, &mut out).unwrap();
        for i in 0..2 {
            let k = y[i] * 1.0 + 273.15;
            let r = (x[i] * k - k / x[i]) + k;
            assert_eq!(out[i].to_bits(), r.to_bits());
        }
        // Read by more than FOLD_READERS arithmetic steps: its own pass.
        let mut nodes = vec![Node::Input(0), Node::Affine(0, 3.0, 1.0)];
        for i in 0..=FOLD_READERS {
            let prev = if i == 0 { 0 } else { nodes.len() - 1 };
            nodes.push(Node::Binary(Binary::Add, prev, 1));
        }
        let p = Program::new(&nodes, 1).unwrap();
        let plan = Plan::new(&p, &[Operand::Slice(&x[..])]);
        assert_eq!(plan.steps.len(), FOLD_READERS + 2);
        // An affine node read by a non-arithmetic operation, or the result
        // itself, has its own pass.
        let nodes = [
            Node::Input(0),
            Node::Affine(0, 2.0, 1.0),
            Node::Binary(Binary::Add, 1, 1),
            Node::Binary(Binary::Maximum, 2, 1),
            Node::Affine(3, 0.5, 0.0),
        ];
        let p = Program::new(&nodes, 1).unwrap();
        let plan = Plan::new(&p, &[Operand::Slice(&x[..])]);
        assert_eq!(plan.steps.len(), 4);
    }

    #[test]
    fn exact_reciprocals() {
        assert_eq!(exact_reciprocal(2.0f64), Some(0.5));
        assert_eq!(exact_reciprocal(-0.25f64), Some(-4.0));
        assert_eq!(exact_reciprocal(1.0f64), Some(1.0));
        assert_eq!(exact_reciprocal(2f64.powi(-1022)), Some(2f64.powi(1022)));
        assert_eq!(exact_reciprocal(2.0f32), Some(0.5f32));
        assert_eq!(exact_reciprocal(2f32.powi(-126)), Some(2f32.powi(126)));
        // Not a power of two, a reciprocal that is subnormal or infinite, a
        // subnormal divisor, zero, infinity, NaN.
        for c in [
            3.0,
            0.1,
            2f64.powi(1023),
            2f64.powi(-1023),
            2f64.powi(-1074),
        ] {
            assert_eq!(exact_reciprocal(c), None, "{c:e}");
        }
        for c in [0.0, -0.0, f64::INFINITY, f64::NAN] {
            assert_eq!(exact_reciprocal(c), None, "{c:e}");
        }
        for c in [3.0f32, 2f32.powi(127), 2f32.powi(-127), f32::INFINITY, 0.0] {
            assert_eq!(exact_reciprocal(c), None, "{c:e}");
        }
    }

    #[test]
    fn division_by_a_power_of_two_is_a_multiplication() {
        // x / 2 and x / s (s a scalar input of 0.25) multiply; x / 3, 2 / x
        // and x / y divide.
        let nodes = [
            Node::Input(0),
            Node::Input(1),
            Node::Const(2.0),
            Node::Binary(Binary::Divide, 0, 2),
            Node::Binary(Binary::Divide, 3, 1),
            Node::Const(3.0),
            Node::Binary(Binary::Divide, 4, 5),
            Node::Binary(Binary::Divide, 2, 6),
            Node::Binary(Binary::Divide, 7, 0),
        ];
        let p = Program::new(&nodes, 2).unwrap();
        let x = [3.0f64, -7.5, 1e-310];
        let kinds = |inputs: &[Operand<'_, f64>]| -> Vec<Option<(Arith, f64)>> {
            Plan::new(&p, inputs)
                .steps
                .iter()
                .map(|s| match (s.kind, s.args[1]) {
                    (Kind::Arith(op, ..), Loc::Scalar(c)) => Some((op, c)),
                    (Kind::Arith(op, ..), _) => Some((op, f64::NAN)),
                    _ => None,
                })
                .collect()
        };
        let k = kinds(&[Operand::Slice(&x[..]), Operand::Scalar(0.25)]);
        assert_eq!(
            k[..3],
            [
                Some((Arith::Mul, 0.5)),
                Some((Arith::Mul, 4.0)),
                Some((Arith::Div, 3.0))
            ]
        );
        assert!(
            matches!(k[3..], [Some((Arith::Div, c)), Some((Arith::Div, d))] if c.is_nan() && d.is_nan())
        );
        let y = [0.25f64, 3.0, 0.5];
        let k = kinds(&[Operand::Slice(&x[..]), Operand::Slice(&y[..])]);
        assert!(matches!(k[1], Some((Arith::Div, c)) if c.is_nan()));
    }

    #[test]
    fn streaming_stores_write_what_plain_stores_do() {
        // Output slices at every 8-byte offset from a 64-byte boundary
        // (a head and a tail around the 16-byte streaming stores), lengths
        // around the block size, float64 and float32.
        fn check<T: Float>() {
            let nodes = [
                Node::Input(0),
                Node::Input(1),
                Node::Affine(0, 1000.0, 0.0),
                Node::Binary(Binary::Divide, 2, 1),
                Node::Unary(Unary::Sqrt, 3),
            ];
            let p = Program::new(&nodes, 2).unwrap();
            let n = 3 * BLOCK + 11;
            let x: Vec<T> = (0..n + 16).map(|i| T::from_f64(i as f64 * 0.37)).collect();
            let y: Vec<T> = (0..n + 16).map(|i| T::from_f64(1.0 + i as f64)).collect();
            for offset in 0..8 {
                for len in [0, 1, 3, BLOCK - 1, BLOCK + 1, n] {
                    let (x, y) = (&x[..len], &y[..len]);
                    let inputs = [Operand::Slice(x), Operand::Slice(y)];
                    let plan = Plan::new(&p, &inputs);
                    let mut plain = vec![T::ZERO; len];
                    let mut s = Scratch::new(plan.regs, BLOCK, false);
                    range_dispatch(&plan, &inputs, 0, &mut plain, &mut s, false);
                    let mut buf = vec![-T::ONE; len + 16];
                    let out = &mut buf[offset..offset + len];
                    let mut s = Scratch::new(plan.regs, BLOCK, true);
                    range_dispatch(&plan, &inputs, 0, out, &mut s, true);
                    let same = out
                        .iter()
                        .zip(&plain)
                        .all(|(a, b)| a.to_f64().to_bits() == b.to_f64().to_bits());
                    assert!(same, "offset {offset}, length {len}");
                    assert!(buf[..offset]
                        .iter()
                        .chain(&buf[offset + len..])
                        .all(|&v| v == -T::ONE));
                }
            }
        }
        check::<f64>();
        check::<f32>();
    }

    #[test]
    fn thread_limits_are_kept() {
        // The threads that run pieces of a large output: the calling thread
        // alone for a limit of 1 (also inside a pool), at most n otherwise.
        use std::collections::HashSet;
        use std::sync::Mutex;
        use std::thread::{current, ThreadId};
        let p = Program::new(&[Node::Input(0), Node::Unary(Unary::Sqrt, 0)], 1).unwrap();
        let x = vec![2.0f64; 8 * PARALLEL_ABOVE];
        let plan = Plan::new(&p, &[Operand::Slice(&x[..])]);
        let seen = |limit: Option<usize>| -> HashSet<ThreadId> {
            let ids = Mutex::new(HashSet::new());
            let mut out = vec![0.0f64; x.len()];
            run(
                &plan,
                &mut out,
                false,
                limit.and_then(NonZeroUsize::new),
                |_, o, _| {
                    ids.lock().unwrap().insert(current().id());
                    // Long enough for the other threads to take pieces.
                    std::thread::sleep(std::time::Duration::from_millis(2));
                    o.fill(1.0);
                },
            );
            assert!(out.iter().all(|&v| v == 1.0));
            ids.into_inner().unwrap()
        };
        assert_eq!(seen(Some(1)), HashSet::from([current().id()]));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        pool.install(|| {
            assert_eq!(seen(Some(1)), HashSet::from([current().id()]));
            assert!(seen(Some(2)).len() <= 2);
            assert!(seen(Some(3)).len() <= 3);
            assert!(seen(None).len() > 1);
        });
    }

    #[test]
    fn uniform_subexpressions_are_computed_once() {
        // x * (s + 1) with s a scalar input: one step at run time.
        let nodes = [
            Node::Input(0),
            Node::Input(1),
            Node::Const(1.0),
            add(1, 2),
            Node::Binary(Binary::Multiply, 0, 3),
        ];
        let p = Program::new(&nodes, 2).unwrap();
        let x = [1.0f64, 2.0];
        let inputs = [Operand::Slice(&x[..]), Operand::Scalar(2.0)];
        let plan = Plan::new(&p, &inputs);
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(plan.regs, 0);
        let mut out = [0.0; 2];
        eval(&p, &inputs, &mut out).unwrap();
        assert_eq!(out, [3.0, 6.0]);
    }
}
