//! The operations of fused programs: their NumPy names, and how each runs
//! on one value and on a block of values (with affine operands folded into
//! the arithmetic loops).

use std::ops::Neg;

use crate::compute::kernels::Real;

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
pub(super) fn truth<T: Float>(b: bool) -> T {
    if b {
        T::ONE
    } else {
        T::ZERO
    }
}

/// A value in a block: one scalar for every element, or one per element.
#[derive(Clone, Copy)]
pub(super) enum Arg<'a, T> {
    S(T),
    V(&'a [T]),
}

/// A block operand, read by index (a scalar reads the same at every index).
pub(super) trait Src<T>: Copy {
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
pub(super) struct Splat<T>(T);

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
pub(super) fn zip1<T: Copy>(a: &[T], out: &mut [T], f: impl Fn(T) -> T) {
    for (o, &x) in out.iter_mut().zip(a) {
        *o = f(x);
    }
}

#[inline(always)]
pub(super) fn zip2<T: Copy, A: Src<T>, B: Src<T>>(
    a: A,
    b: B,
    out: &mut [T],
    f: impl Fn(T, T) -> T,
) {
    let n = out.len();
    let (a, b) = (a.cut(n), b.cut(n));
    for (i, o) in out.iter_mut().enumerate() {
        *o = f(a.at(i), b.at(i));
    }
}

#[inline(always)]
pub(super) fn zip3<T: Copy, C: Src<T>, A: Src<T>, B: Src<T>>(
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
pub(super) fn map1<T: Copy>(a: Arg<'_, T>, out: &mut [T], f: impl Fn(T) -> T) {
    match a {
        Arg::V(a) => zip1(a, out, f),
        Arg::S(a) => out.fill(f(a)),
    }
}

#[inline(always)]
pub(super) fn map2<T: Copy>(a: Arg<'_, T>, b: Arg<'_, T>, out: &mut [T], f: impl Fn(T, T) -> T) {
    match (a, b) {
        (Arg::V(a), Arg::V(b)) => zip2(a, b, out, f),
        (Arg::V(a), Arg::S(b)) => zip2(a, Splat(b), out, f),
        (Arg::S(a), Arg::V(b)) => zip2(Splat(a), b, out, f),
        (Arg::S(a), Arg::S(b)) => out.fill(f(a, b)),
    }
}

#[inline(always)]
pub(super) fn map3<T: Copy>(
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
pub(super) struct Scaled<'a, T>(&'a [T], T);

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
pub(super) struct ScaledShift<'a, T>(&'a [T], T, T);

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
pub(super) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

impl Arith {
    pub(super) fn of(op: Binary) -> Option<Arith> {
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
pub(super) enum Tf<T> {
    Id,
    Mul(T),
    MulAdd(T, T),
}

/// An operand of an arithmetic step, with its map applied to a scalar.
#[derive(Clone, Copy)]
pub(super) enum Side<'a, T> {
    S(T),
    V(&'a [T]),
    M(&'a [T], T),
    Ma(&'a [T], T, T),
}

impl<'a, T: Float> Side<'a, T> {
    #[inline(always)]
    pub(super) fn new(a: Arg<'a, T>, tf: Tf<T>) -> Side<'a, T> {
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
pub(super) fn arith_block<T: Float>(op: Arith, a: Side<'_, T>, b: Side<'_, T>, out: &mut [T]) {
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
pub(super) fn call1<T>(f: impl Fn(T) -> T, x: T) -> T {
    f(x)
}

#[inline(always)]
pub(super) fn call2<T>(f: impl Fn(T, T) -> T, x: T, y: T) -> T {
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
        pub(super) fn $scalar<T: Float>(op: $enum, x: T) -> T {
            match op {
                $($enum::$name => call1($f, x)),*
            }
        }

        #[inline(always)]
        pub(super) fn $block<T: Float>(op: $enum, a: Arg<'_, T>, out: &mut [T]) {
            match op {
                $($enum::$name => map1(a, out, $f)),*
            }
        }
    };
    (@fns 2, $enum:ident, $scalar:ident, $block:ident, $($name:ident => $f:expr),*) => {
        #[inline(always)]
        pub(super) fn $scalar<T: Float>(op: $enum, x: T, y: T) -> T {
            match op {
                $($enum::$name => call2($f, x, y)),*
            }
        }

        #[inline(always)]
        pub(super) fn $block<T: Float>(op: $enum, a: Arg<'_, T>, b: Arg<'_, T>, out: &mut [T]) {
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
    pub(super) fn commutes(self) -> bool {
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
pub(super) fn powi_scalar<T: Float>(x: T, n: i32) -> T {
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
pub(super) fn powi_block<T: Float>(a: Arg<'_, T>, n: i32, out: &mut [T]) {
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
pub(super) fn affine_scalar<T: Float>(x: T, scale: T, offset: Option<T>) -> T {
    match offset {
        None => x * scale,
        Some(b) => x * scale + b,
    }
}

/// `1/c` when it is exact (`c` a power of two whose reciprocal is a normal
/// number): then `x / c` and `x · (1/c)` round the same real number, so
/// they agree bit for bit for every `x` (NaN, infinities, subnormal results
/// included), and a multiply is much cheaper than a divide.
pub(super) fn exact_reciprocal<T: Float>(c: T) -> Option<T> {
    let r = T::ONE / c;
    let mantissa = c.to_f64().to_bits() & ((1u64 << 52) - 1);
    (c.is_normal() && r.is_normal() && mantissa == 0).then_some(r)
}
