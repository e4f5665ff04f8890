//! Fused expression programs (`dimtensor_core::compute::fused`): every operation
//! against a plain scalar reference, block boundaries, scalar/array mixes,
//! simplification (constant folding, merging, dead nodes), invalid programs,
//! float32 and float64, truth-valued output, NumPy's NaN rules, and results
//! that do not depend on the number of threads.

use std::num::NonZeroUsize;

use dimtensor_core::compute::fused::{
    eval, eval_bool, eval_bool_with, eval_with, Binary, Float, Node, Operand, Options, Program,
    Unary, BLOCK, PARALLEL_ABOVE,
};
use dimtensor_core::Error;

/// One input of a test evaluation.
#[derive(Clone)]
enum In<T> {
    A(Vec<T>),
    S(T),
}

impl<T: Float> In<T> {
    fn at(&self, i: usize) -> T {
        match self {
            In::A(v) => v[i],
            In::S(x) => *x,
        }
    }
    fn operand(&self) -> Operand<'_, T> {
        match self {
            In::A(v) => Operand::Slice(v),
            In::S(x) => Operand::Scalar(*x),
        }
    }
}

fn t<T: Float>(b: bool) -> T {
    if b {
        T::ONE
    } else {
        T::ZERO
    }
}

fn nz<T: Float>(x: T) -> bool {
    x != T::ZERO
}

/// The unary operation written out directly, one element at a time.
fn unary_ref<T: Float>(op: Unary, x: T) -> T {
    use Unary::*;
    match op {
        Negative => -x,
        Absolute => x.abs(),
        Sqrt => x.sqrt(),
        Square => x * x,
        Reciprocal => T::ONE / x,
        Exp => x.exp(),
        Expm1 => x.exp_m1(),
        Log => x.ln(),
        Log1p => x.ln_1p(),
        Log2 => x.log2(),
        Log10 => x.log10(),
        Sin => x.sin(),
        Cos => x.cos(),
        Tan => x.tan(),
        Arcsin => x.asin(),
        Arccos => x.acos(),
        Arctan => x.atan(),
        Sinh => x.sinh(),
        Cosh => x.cosh(),
        Tanh => x.tanh(),
        Arcsinh => x.asinh(),
        Arccosh => x.acosh(),
        Arctanh => x.atanh(),
        Floor => x.floor(),
        Ceil => x.ceil(),
        Trunc => x.trunc(),
        Rint => x.rint(),
        Cbrt => x.cbrt(),
        Sign => {
            if x.is_nan() {
                x
            } else if x > T::ZERO {
                T::ONE
            } else if x < T::ZERO {
                -T::ONE
            } else {
                T::ZERO
            }
        }
        LogicalNot => t(x == T::ZERO),
        Isnan => t(x.is_nan()),
        Isinf => t(x.is_infinite()),
        Isfinite => t(!x.is_nan() && !x.is_infinite()),
    }
}

fn binary_ref<T: Float>(op: Binary, x: T, y: T) -> T {
    use Binary::*;
    match op {
        Add => x + y,
        Subtract => x - y,
        Multiply => x * y,
        Divide => x / y,
        Maximum => {
            if x.is_nan() || y.is_nan() {
                T::from_f64(f64::NAN)
            } else if x > y {
                x
            } else {
                y
            }
        }
        Minimum => {
            if x.is_nan() || y.is_nan() {
                T::from_f64(f64::NAN)
            } else if x < y {
                x
            } else {
                y
            }
        }
        Hypot => x.hypot(y),
        Arctan2 => x.atan2(y),
        Copysign => x.copysign(y),
        Power => x.powf(y),
        Less => t(x < y),
        LessEqual => t(x <= y),
        Greater => t(x > y),
        GreaterEqual => t(x >= y),
        Equal => t(x == y),
        NotEqual => t(x != y),
        LogicalAnd => t(nz(x) && nz(y)),
        LogicalOr => t(nz(x) || nz(y)),
        LogicalXor => t(nz(x) != nz(y)),
    }
}

/// The program's nodes evaluated naively at element `i`.
fn reference<T: Float>(nodes: &[Node], inputs: &[In<T>], i: usize) -> T {
    let mut v: Vec<T> = Vec::new();
    for node in nodes {
        let x = match *node {
            Node::Input(k) => inputs[k].at(i),
            Node::Const(c) => T::from_f64(c),
            Node::Unary(op, a) => unary_ref(op, v[a]),
            Node::Affine(a, s, o) => {
                let p = v[a] * T::from_f64(s);
                if o == 0.0 {
                    p
                } else {
                    p + T::from_f64(o)
                }
            }
            Node::Powi(a, n) => {
                let mut r = T::ONE;
                for _ in 0..n.unsigned_abs() {
                    r = r * v[a];
                }
                if n < 0 {
                    T::ONE / r
                } else {
                    r
                }
            }
            Node::Binary(op, a, b) => binary_ref(op, v[a], v[b]),
            Node::Where(c, a, b) => {
                if nz(v[c]) {
                    v[a]
                } else {
                    v[b]
                }
            }
        };
        v.push(x);
    }
    *v.last().unwrap()
}

/// Same value: equal bits, both NaN, or (`tol` > 0) within `tol` relative.
fn same<T: Float>(a: T, b: T, tol: f64) -> bool {
    let (x, y) = (a.to_f64(), b.to_f64());
    if x.is_nan() || y.is_nan() {
        return x.is_nan() && y.is_nan();
    }
    if x == y {
        return x != 0.0 || x.is_sign_negative() == y.is_sign_negative();
    }
    tol > 0.0 && x.is_finite() && y.is_finite() && (x - y).abs() <= tol * x.abs().max(y.abs())
}

/// Evaluates `nodes` on `inputs` and checks every element against the
/// reference, also as truth values.
fn check<T: Float>(nodes: &[Node], inputs: &[In<T>], n: usize, tol: f64) {
    let prog = Program::new(nodes, inputs.len()).unwrap();
    let ops: Vec<Operand<'_, T>> = inputs.iter().map(In::operand).collect();
    let mut out = vec![T::from_f64(-7.0); n];
    eval(&prog, &ops, &mut out).unwrap();
    let mut truth = vec![false; n];
    eval_bool(&prog, &ops, &mut truth).unwrap();
    for i in 0..n {
        let r = reference(nodes, inputs, i);
        assert!(
            same(out[i], r, tol),
            "{nodes:?} at {i} of {n}: got {:?}, expected {r:?}",
            out[i]
        );
        assert_eq!(truth[i], nz(out[i]), "{nodes:?} truth at {i}");
    }
}

/// Values that exercise every branch: signed zeros, NaN, infinities,
/// integers and halves (rounding), values in and out of [-1, 1].
fn special<T: Float>() -> Vec<T> {
    let mut v: Vec<f64> = vec![
        0.0,
        -0.0,
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        3.0,
        1e-300,
        1e300,
        0.3,
        -0.7,
        0.999,
        7.25,
        -123.456,
    ];
    v.extend((0..40).map(|i| (i as f64 * 0.731).sin() * 4.0));
    v.into_iter().map(T::from_f64).collect()
}

fn arange<T: Float>(n: usize, a: f64, b: f64) -> Vec<T> {
    (0..n)
        .map(|i| T::from_f64(a + b * ((i as f64) * 0.61803).sin() * (1.0 + (i % 7) as f64)))
        .collect()
}

/// Transcendental functions may differ in the last bits between a loop
/// and the reference; arithmetic must not.
fn tol_unary<T: Float>(op: Unary) -> f64 {
    use Unary::*;
    let f32 = std::mem::size_of::<T>() == 4;
    match op {
        Negative | Absolute | Sqrt | Square | Reciprocal | Floor | Ceil | Trunc | Rint | Sign
        | LogicalNot | Isnan | Isinf | Isfinite => 0.0,
        _ if f32 => 1e-6,
        _ => 1e-15,
    }
}

fn every_unary<T: Float>() {
    let x = special::<T>();
    for &op in Unary::ALL {
        let nodes = [Node::Input(0), Node::Unary(op, 0)];
        check(&nodes, &[In::A(x.clone())], x.len(), tol_unary::<T>(op));
        // A scalar input: the whole result is one value.
        for &s in &x[..8] {
            check(&nodes, &[In::S(s)], 5, tol_unary::<T>(op));
        }
    }
}

#[test]
fn every_unary_operation_f64() {
    every_unary::<f64>();
}

#[test]
fn every_unary_operation_f32() {
    every_unary::<f32>();
}

fn every_binary<T: Float>() {
    let s = special::<T>();
    // Every pair of special values.
    let a: Vec<T> = s.iter().flat_map(|&x| s.iter().map(move |_| x)).collect();
    let b: Vec<T> = s.iter().flat_map(|_| s.iter().copied()).collect();
    let n = a.len();
    let f32 = std::mem::size_of::<T>() == 4;
    for &op in Binary::ALL {
        let tol = match op {
            Binary::Hypot | Binary::Arctan2 | Binary::Power if f32 => 1e-6,
            Binary::Hypot | Binary::Arctan2 | Binary::Power => 1e-15,
            _ => 0.0,
        };
        let nodes = [Node::Input(0), Node::Input(1), Node::Binary(op, 0, 1)];
        check(&nodes, &[In::A(a.clone()), In::A(b.clone())], n, tol);
        for &x in &s[..12] {
            check(&nodes, &[In::A(b.clone()), In::S(x)], n, tol);
            check(&nodes, &[In::S(x), In::A(b.clone())], n, tol);
            check(&nodes, &[In::S(x), In::S(s[20])], 3, tol);
        }
        // A constant operand.
        let nodes = [Node::Input(0), Node::Const(2.5), Node::Binary(op, 1, 0)];
        check(&nodes, &[In::A(b.clone())], n, tol);
    }
}

#[test]
fn every_binary_operation_f64() {
    every_binary::<f64>();
}

#[test]
fn every_binary_operation_f32() {
    every_binary::<f32>();
}

#[test]
fn affine_powi_where() {
    let x = special::<f64>();
    let y: Vec<f64> = arange(x.len(), 0.0, 2.0);
    let n = x.len();
    for (s, o) in [(1000.0, 0.0), (1.8, 32.0), (1.0, -273.15), (-0.001, 0.0)] {
        check(
            &[Node::Input(0), Node::Affine(0, s, o)],
            &[In::A(x.clone())],
            n,
            0.0,
        );
    }
    for p in [-3, -2, -1, 0, 2, 3, 4, 5, 7, 10] {
        check(
            &[Node::Input(0), Node::Powi(0, p)],
            &[In::A(y.clone())],
            n,
            1e-14,
        );
        check(&[Node::Input(0), Node::Powi(0, p)], &[In::S(1.1)], 4, 1e-14);
    }
    // where(x > y, x, 2·y) with each operand an array or a scalar.
    let nodes = [
        Node::Input(0),
        Node::Input(1),
        Node::Input(2),
        Node::Binary(Binary::Greater, 0, 1),
        Node::Affine(2, 2.0, 0.0),
        Node::Where(3, 0, 4),
    ];
    for mask in 0..8 {
        let pick = |k: usize, v: &Vec<f64>| {
            if mask & (1 << k) != 0 {
                In::S(v[3])
            } else {
                In::A(v.clone())
            }
        };
        check(&nodes, &[pick(0, &x), pick(1, &y), pick(2, &y)], n, 0.0);
    }
    // A NaN condition is true, as in NumPy.
    let nodes = [
        Node::Input(0),
        Node::Const(1.0),
        Node::Const(2.0),
        Node::Where(0, 1, 2),
    ];
    let prog = Program::new(&nodes, 1).unwrap();
    let mut out = [0.0; 3];
    eval(&prog, &[Operand::Slice(&[f64::NAN, 0.0, -0.0])], &mut out).unwrap();
    assert_eq!(out, [1.0, 2.0, 2.0]);
}

#[test]
fn affine_operands_of_arithmetic() {
    // Affine nodes read inside arithmetic loops (one or both operands, by
    // one reader or several, with and without offset, against arrays,
    // scalars and constants) give exactly the separate operations'
    // results; so do the cases that keep their own pass (read by a
    // non-arithmetic operation or by many, affine of affine, the result).
    let n = 3 * BLOCK + 5;
    let x: Vec<f64> = arange(n, 1.0, 3.0);
    let y: Vec<f64> = arange(n, -2.0, 5.0);
    let aff = |a, s, o| Node::Affine(a, s, o);
    let bin = |op, a, b| Node::Binary(op, a, b);
    let programs: Vec<Vec<Node>> = vec![
        vec![
            Node::Input(0),
            Node::Input(1),
            aff(0, 1000.0, 0.0),
            bin(Binary::Add, 2, 1),
        ],
        vec![
            Node::Input(0),
            Node::Input(1),
            aff(1, 1.8, 32.0),
            bin(Binary::Subtract, 0, 2),
        ],
        vec![
            Node::Input(0),
            Node::Input(1),
            aff(0, 1.8, 32.0),
            aff(1, 0.001, 0.0),
            bin(Binary::Divide, 2, 3),
        ],
        vec![
            Node::Input(0),
            Node::Input(1),
            aff(0, -3.0, 0.5),
            bin(Binary::Multiply, 1, 2),
        ],
        vec![
            Node::Input(0),
            Node::Const(7.0),
            aff(0, 2.0, -1.0),
            bin(Binary::Subtract, 1, 2),
        ],
        vec![
            Node::Input(0),
            Node::Input(1),
            aff(0, 2.0, 1.0),
            bin(Binary::Add, 2, 2),
        ],
        vec![
            Node::Input(0),
            Node::Input(1),
            aff(0, 2.0, 1.0),
            bin(Binary::Maximum, 2, 1),
        ],
        vec![
            Node::Input(0),
            Node::Input(1),
            aff(0, 2.0, 1.0),
            aff(2, 3.0, 0.0),
            bin(Binary::Add, 3, 1),
        ],
        vec![
            Node::Input(0),
            Node::Input(1),
            bin(Binary::Add, 0, 1),
            aff(2, 0.5, 0.25),
        ],
        vec![
            Node::Input(0),
            Node::Input(1),
            aff(0, 2.0, 1.0),
            bin(Binary::Add, 2, 1),
            aff(3, 4.0, 0.0),
            aff(1, 1.5, 0.0),
            bin(Binary::Divide, 4, 5),
            bin(Binary::Less, 6, 0),
        ],
        // (x + y)·T − y·T/2 with T = x + 273.15 read by two multiplies.
        vec![
            Node::Input(0),
            Node::Input(1),
            aff(0, 1.0, 273.15),
            bin(Binary::Add, 0, 1),
            bin(Binary::Multiply, 3, 2),
            bin(Binary::Multiply, 1, 2),
            Node::Const(2.0),
            bin(Binary::Divide, 5, 6),
            bin(Binary::Subtract, 4, 7),
        ],
        // Read by three readers, one of them twice.
        vec![
            Node::Input(0),
            Node::Input(1),
            aff(1, -0.5, 3.0),
            bin(Binary::Divide, 0, 2),
            bin(Binary::Multiply, 2, 2),
            bin(Binary::Subtract, 3, 4),
        ],
        // Read by six arithmetic steps.
        {
            let mut v = vec![Node::Input(0), Node::Input(1), aff(0, 1.8, 32.0)];
            for i in 0..6 {
                let prev = if i == 0 { 1 } else { v.len() - 1 };
                v.push(bin(
                    [Binary::Add, Binary::Multiply, Binary::Subtract][i % 3],
                    prev,
                    2,
                ));
            }
            v
        },
    ];
    for nodes in &programs {
        check(nodes, &[In::A(x.clone()), In::A(y.clone())], n, 0.0);
        check(nodes, &[In::A(x.clone()), In::S(2.5)], n, 0.0);
        check(nodes, &[In::S(-1.25), In::A(y.clone())], n, 0.0);
        let (xf, yf): (Vec<f32>, Vec<f32>) = (arange(n, 1.0, 3.0), arange(n, -2.0, 5.0));
        check(nodes, &[In::A(xf), In::A(yf)], n, 0.0);
    }
}

#[test]
fn division_by_constants() {
    // x / c with c a constant or a scalar input: powers of two (computed
    // as multiplications by 1/c), ones whose reciprocal is subnormal or
    // infinite, and others, on signed zeros, NaN, infinities, subnormals
    // and huge values: every result as the division gives it.
    fn run<T: Float>(divisors: &[f64]) {
        let mut x: Vec<T> = special::<T>();
        x.extend(
            [
                5e-324,
                2.2250738585072014e-308,
                1e-310,
                1.7976931348623157e308,
                -3e38,
                1e-40,
                1e-45,
            ]
            .map(T::from_f64),
        );
        let n = x.len();
        for &c in divisors {
            let c = T::from_f64(c).to_f64();
            let by_const = [
                Node::Input(0),
                Node::Const(c),
                Node::Binary(Binary::Divide, 0, 1),
            ];
            check(&by_const, &[In::A(x.clone())], n, 0.0);
            let by_scalar = [
                Node::Input(0),
                Node::Input(1),
                Node::Binary(Binary::Divide, 0, 1),
            ];
            check(
                &by_scalar,
                &[In::A(x.clone()), In::S(T::from_f64(c))],
                n,
                0.0,
            );
            // Through a folded conversion, and divided twice.
            let chained = [
                Node::Input(0),
                Node::Affine(0, 1000.0, 1.0),
                Node::Const(c),
                Node::Binary(Binary::Divide, 1, 2),
                Node::Binary(Binary::Divide, 3, 2),
            ];
            check(&chained, &[In::A(x.clone())], n, 0.0);
        }
    }
    let f64_divisors = [
        2.0,
        0.5,
        -4.0,
        1.0,
        -1.0,
        1024.0,
        2f64.powi(-1022),
        2f64.powi(1022),
        2f64.powi(1023),
        2f64.powi(-1074),
        3.0,
        0.1,
        1e-320,
        f64::INFINITY,
        -0.0,
    ];
    run::<f64>(&f64_divisors);
    run::<f32>(&f64_divisors);
    run::<f32>(&[
        2f64.powi(-126),
        2f64.powi(126),
        2f64.powi(127),
        2f64.powi(-130),
        1e-40,
    ]);
}

/// The ideal-gas example of the issue: x·1000 / (8.314·(y + 273.15)).
fn gas() -> Vec<Node> {
    vec![
        Node::Input(0),
        Node::Input(1),
        Node::Affine(0, 1000.0, 0.0),
        Node::Affine(1, 1.0, 273.15),
        Node::Const(8.314),
        Node::Binary(Binary::Multiply, 4, 3),
        Node::Binary(Binary::Divide, 2, 5),
    ]
}

#[test]
fn block_boundaries() {
    let b = BLOCK;
    for n in [
        0,
        1,
        2,
        b - 1,
        b,
        b + 1,
        2 * b,
        3 * b + 17,
        PARALLEL_ABOVE - 1,
        PARALLEL_ABOVE,
        PARALLEL_ABOVE + 1,
        100_003,
        8 * b * 9 + 5,
    ] {
        let x: Vec<f64> = arange(n, 100.0, 50.0);
        let y: Vec<f64> = arange(n, 10.0, 30.0);
        check(&gas(), &[In::A(x.clone()), In::A(y.clone())], n, 0.0);
        check(&gas(), &[In::A(x.clone()), In::S(25.0)], n, 0.0);
        let xf: Vec<f32> = arange(n, 100.0, 50.0);
        check(&gas(), &[In::A(xf), In::S(25.0f32)], n, 0.0);
        // A deeper program with reused intermediates.
        let nodes = [
            Node::Input(0),
            Node::Input(1),
            Node::Binary(Binary::Subtract, 0, 1),
            Node::Unary(Unary::Square, 2),
            Node::Binary(Binary::Maximum, 3, 0),
            Node::Unary(Unary::Sqrt, 4),
            Node::Binary(Binary::Multiply, 5, 2),
            Node::Binary(Binary::Add, 6, 3),
            Node::Binary(Binary::Less, 7, 0),
            Node::Where(8, 7, 1),
        ];
        check(&nodes, &[In::A(x), In::A(y)], n, 0.0);
    }
}

#[test]
fn all_scalar_and_pass_through_programs() {
    // Only scalars: every element is the one value.
    check(&gas(), &[In::S(2.0f64), In::S(20.0)], 10_000, 0.0);
    check(&gas(), &[In::S(2.0f64), In::S(20.0)], 100_000, 0.0);
    // The result is an input, or a constant.
    let x: Vec<f64> = arange(5000, 0.0, 1.0);
    check(&[Node::Input(0)], &[In::A(x.clone())], 5000, 0.0);
    check(
        &[Node::Input(0), Node::Input(1)],
        &[In::A(x.clone()), In::S(3.0)],
        5000,
        0.0,
    );
    check::<f64>(&[Node::Const(-0.0)], &[], 70_000, 0.0);
    check::<f32>(&[Node::Const(-0.0)], &[], 70_000, 0.0);
    let p = Program::new(&[Node::Input(0), Node::Const(1.0)], 1).unwrap();
    assert_eq!(p.nodes(), &[Node::Const(1.0)]);
}

#[test]
fn constants_fold() {
    // x · (2·3) + sqrt(16): the constants become 6 and 4.
    let nodes = [
        Node::Input(0),
        Node::Const(2.0),
        Node::Const(3.0),
        Node::Binary(Binary::Multiply, 1, 2),
        Node::Binary(Binary::Multiply, 0, 3),
        Node::Const(16.0),
        Node::Unary(Unary::Sqrt, 5),
        Node::Binary(Binary::Add, 4, 6),
    ];
    let p = Program::new(&nodes, 1).unwrap();
    assert_eq!(
        p.nodes(),
        &[
            Node::Input(0),
            Node::Const(6.0),
            Node::Binary(Binary::Multiply, 0, 1),
            Node::Const(4.0),
            Node::Binary(Binary::Add, 2, 3),
        ]
    );
    check(&nodes, &[In::A(arange::<f64>(100, 0.0, 3.0))], 100, 0.0);
    // Affine and powi of constants, where with a constant condition,
    // identities that hold bit for bit.
    let nodes = [
        Node::Input(0),
        Node::Const(20.0),
        Node::Affine(1, 1.8, 32.0),
        Node::Powi(2, 2),
        Node::Affine(0, 1.0, 0.0),
        Node::Powi(4, 1),
        Node::Binary(Binary::Less, 1, 2),
        Node::Where(6, 5, 3),
        Node::Binary(Binary::Add, 7, 3),
    ];
    let p = Program::new(&nodes, 1).unwrap();
    assert_eq!(
        p.nodes(),
        &[
            Node::Input(0),
            Node::Const(68.0 * 68.0),
            Node::Binary(Binary::Add, 0, 1),
        ]
    );
    // A comparison of constants is still a truth value.
    let p = Program::new(
        &[
            Node::Const(1.0),
            Node::Const(2.0),
            Node::Binary(Binary::Less, 0, 1),
        ],
        0,
    )
    .unwrap();
    assert!(p.is_boolean());
    assert_eq!(p.nodes(), &[Node::Const(1.0)]);
    // Folding follows NumPy's rules: NaN propagates through maximum.
    let p = Program::new(
        &[
            Node::Const(f64::NAN),
            Node::Const(1.0),
            Node::Binary(Binary::Maximum, 0, 1),
        ],
        0,
    )
    .unwrap();
    assert!(matches!(p.nodes(), [Node::Const(c)] if c.is_nan()));
}

#[test]
fn identical_nodes_merge_and_dead_nodes_go() {
    // (x+y)·(y+x) + (x+y), with a second input read twice and a dead node.
    let nodes = [
        Node::Input(0),
        Node::Input(1),
        Node::Input(1),
        Node::Binary(Binary::Add, 0, 1),
        Node::Binary(Binary::Add, 2, 0),
        Node::Unary(Unary::Exp, 3),
        Node::Binary(Binary::Multiply, 3, 4),
        Node::Binary(Binary::Add, 6, 3),
    ];
    let p = Program::new(&nodes, 2).unwrap();
    assert_eq!(
        p.nodes(),
        &[
            Node::Input(0),
            Node::Input(1),
            Node::Binary(Binary::Add, 0, 1),
            Node::Binary(Binary::Multiply, 2, 2),
            Node::Binary(Binary::Add, 3, 2),
        ]
    );
    let (x, y) = (arange::<f64>(300, 1.0, 2.0), arange::<f64>(300, -1.0, 5.0));
    check(&nodes, &[In::A(x.clone()), In::A(y.clone())], 300, 0.0);
    // x − y and y − x stay apart; so do consts 0.0 and −0.0.
    let nodes = [
        Node::Input(0),
        Node::Input(1),
        Node::Binary(Binary::Subtract, 0, 1),
        Node::Binary(Binary::Subtract, 1, 0),
        Node::Const(0.0),
        Node::Const(-0.0),
        Node::Affine(2, 1.0, 0.0),
        Node::Binary(Binary::Copysign, 4, 5),
        Node::Binary(Binary::Multiply, 7, 3),
        Node::Binary(Binary::Add, 6, 8),
    ];
    let p = Program::new(&nodes, 2).unwrap();
    assert_eq!(p.nodes().len(), 7, "{:?}", p.nodes());
    check(&nodes, &[In::A(x), In::A(y)], 300, 0.0);
    // The output node after merging is not the last one written.
    let nodes = [
        Node::Input(0),
        Node::Unary(Unary::Sin, 0),
        Node::Unary(Unary::Cos, 0),
        Node::Unary(Unary::Sin, 0),
    ];
    let p = Program::new(&nodes, 1).unwrap();
    assert_eq!(p.nodes(), &[Node::Input(0), Node::Unary(Unary::Sin, 0)]);
}

fn err(nodes: &[Node], n_inputs: usize) -> String {
    match Program::new(nodes, n_inputs) {
        Err(Error::Invalid(m)) => m,
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn invalid_programs_are_errors() {
    assert!(err(&[], 1).contains("at least one node"));
    let m = err(&[Node::Input(0), Node::Binary(Binary::Add, 0, 1)], 1);
    assert!(
        m.contains("node 1 (add): operand 1 is not an earlier node"),
        "{m}"
    );
    let m = err(&[Node::Input(0), Node::Unary(Unary::Exp, 5)], 1);
    assert!(m.contains("operand 5"), "{m}");
    let m = err(&[Node::Input(2)], 2);
    assert!(m.contains("input 2 out of range for 2 inputs"), "{m}");
    let m = err(&[Node::Input(0), Node::Powi(0, i32::MIN)], 1);
    assert!(m.contains("exponent"), "{m}");
    let m = err(&[Node::Input(0), Node::Where(0, 0, 2)], 1);
    assert!(m.contains("node 1 (where)"), "{m}");

    // Names and arities, as the Python tuples give them.
    assert_eq!(
        Node::from_op("add", &[0.0, 1.0]),
        Ok(Node::Binary(Binary::Add, 0, 1))
    );
    assert_eq!(
        Node::from_op("arccosh", &[3.0]),
        Ok(Node::Unary(Unary::Arccosh, 3))
    );
    assert_eq!(Node::from_op("const", &[-0.5]), Ok(Node::Const(-0.5)));
    assert_eq!(
        Node::from_op("affine", &[1.0, 2.0, 3.0]),
        Ok(Node::Affine(1, 2.0, 3.0))
    );
    assert_eq!(Node::from_op("powi", &[1.0, -3.0]), Ok(Node::Powi(1, -3)));
    assert_eq!(
        Node::from_op("where", &[0.0, 1.0, 2.0]),
        Ok(Node::Where(0, 1, 2))
    );
    let e = |name: &str, args: &[f64]| match Node::from_op(name, args) {
        Err(Error::Invalid(m)) => m,
        other => panic!("{name}: expected an error, got {other:?}"),
    };
    assert!(e("frobnicate", &[0.0]).contains("unknown operation \"frobnicate\""));
    assert!(e("add", &[0.0]).contains("2 arguments, got 1"));
    assert!(e("sqrt", &[0.0, 1.0]).contains("1 argument, got 2"));
    assert!(e("input", &[]).contains("got 0"));
    assert!(e("input", &[-1.0]).contains("non-negative integer"));
    assert!(e("input", &[1.5]).contains("non-negative integer"));
    assert!(e("add", &[0.0, f64::NAN]).contains("argument 2"));
    assert!(e("powi", &[0.0, 0.5]).contains("integer"));
    assert!(e("powi", &[0.0, 1e10]).contains("integer"));
}

#[test]
fn invalid_evaluations_are_errors() {
    let p = Program::new(&gas(), 2).unwrap();
    let x = [1.0, 2.0, 3.0];
    let mut out = [0.0; 3];
    let m = eval(&p, &[Operand::Slice(&x)], &mut out)
        .unwrap_err()
        .to_string();
    assert!(m.contains("takes 2 inputs, got 1"), "{m}");
    let m = eval(&p, &[Operand::Slice(&x), Operand::Slice(&x[..2])], &mut out)
        .unwrap_err()
        .to_string();
    assert!(m.contains("input 1 has 2 elements, the output 3"), "{m}");
    let mut b = [false; 2];
    assert!(eval_bool(&p, &[Operand::Slice(&x), Operand::Scalar(1.0)], &mut b).is_err());
}

#[test]
fn boolean_programs() {
    let x = special::<f64>();
    let n = x.len();
    let y: Vec<f64> = x.iter().rev().copied().collect();
    for &op in Binary::ALL {
        let p = Program::new(&[Node::Input(0), Node::Input(1), Node::Binary(op, 0, 1)], 2).unwrap();
        assert_eq!(p.is_boolean(), op.is_boolean(), "{op:?}");
        if !op.is_boolean() {
            continue;
        }
        let mut out = vec![false; n];
        eval_bool(&p, &[Operand::Slice(&x), Operand::Slice(&y)], &mut out).unwrap();
        for i in 0..n {
            assert_eq!(
                out[i],
                binary_ref(op, x[i], y[i]) == 1.0,
                "{op:?} {} {}",
                x[i],
                y[i]
            );
        }
    }
    // NaN compares false except with not_equal, as in NumPy.
    let nan = [f64::NAN];
    for (op, expected) in [
        (Binary::Less, false),
        (Binary::LessEqual, false),
        (Binary::Greater, false),
        (Binary::GreaterEqual, false),
        (Binary::Equal, false),
        (Binary::NotEqual, true),
        (Binary::LogicalAnd, true),
    ] {
        let p = Program::new(&[Node::Input(0), Node::Binary(op, 0, 0)], 1).unwrap();
        let mut out = [!expected];
        eval_bool(&p, &[Operand::Slice(&nan)], &mut out).unwrap();
        assert_eq!(out, [expected], "{op:?}");
    }
    for &op in Unary::ALL {
        let p = Program::new(&[Node::Input(0), Node::Unary(op, 0)], 1).unwrap();
        let expected = matches!(
            op,
            Unary::LogicalNot | Unary::Isnan | Unary::Isinf | Unary::Isfinite
        );
        assert_eq!(p.is_boolean(), expected, "{op:?}");
    }
    // where between truth values is one; between numbers it is not.
    let nodes = [
        Node::Input(0),
        Node::Unary(Unary::Isnan, 0),
        Node::Unary(Unary::Isinf, 0),
        Node::Where(0, 1, 2),
    ];
    assert!(Program::new(&nodes, 1).unwrap().is_boolean());
    let nodes = [
        Node::Input(0),
        Node::Unary(Unary::Isnan, 0),
        Node::Where(0, 1, 0),
    ];
    assert!(!Program::new(&nodes, 1).unwrap().is_boolean());
    // Large, threaded, float32: x² < 2.
    let x: Vec<f32> = arange(200_001, 0.0, 1.0);
    let nodes = [
        Node::Input(0),
        Node::Powi(0, 2),
        Node::Const(2.0),
        Node::Binary(Binary::Less, 1, 2),
    ];
    let p = Program::new(&nodes, 1).unwrap();
    let mut out = vec![false; x.len()];
    eval_bool(&p, &[Operand::Slice(&x)], &mut out).unwrap();
    assert!(out.iter().zip(&x).all(|(&o, &v)| o == (v * v < 2.0)));
    assert!(out.iter().any(|&o| o) && out.iter().any(|&o| !o));
}

#[test]
fn maximum_minimum_like_numpy() {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    let cases = [
        (1.0, nan, nan, nan),
        (nan, 1.0, nan, nan),
        (nan, nan, nan, nan),
        (inf, nan, nan, nan),
        (-inf, 3.0, 3.0, -inf),
        (inf, -inf, inf, -inf),
        (2.0, 1.0, 2.0, 1.0),
    ];
    let a: Vec<f64> = cases.iter().map(|c| c.0).collect();
    let b: Vec<f64> = cases.iter().map(|c| c.1).collect();
    let mut mx = vec![0.0; a.len()];
    let mut mn = vec![0.0; a.len()];
    let prog = |op| Program::new(&[Node::Input(0), Node::Input(1), Node::Binary(op, 0, 1)], 2);
    let ops = [Operand::Slice(&a[..]), Operand::Slice(&b[..])];
    eval(&prog(Binary::Maximum).unwrap(), &ops, &mut mx).unwrap();
    eval(&prog(Binary::Minimum).unwrap(), &ops, &mut mn).unwrap();
    for (i, c) in cases.iter().enumerate() {
        assert!(same(mx[i], c.2, 0.0), "maximum{:?} = {}", (c.0, c.1), mx[i]);
        assert!(same(mn[i], c.3, 0.0), "minimum{:?} = {}", (c.0, c.1), mn[i]);
    }
    // Of ±0 NumPy returns the second operand.
    let (z, nz) = ([0.0f64], [-0.0f64]);
    let mut out = [1.0];
    let max = prog(Binary::Maximum).unwrap();
    eval(&max, &[Operand::Slice(&z), Operand::Slice(&nz)], &mut out).unwrap();
    assert!(out[0] == 0.0 && out[0].is_sign_negative());
    eval(&max, &[Operand::Slice(&nz), Operand::Slice(&z)], &mut out).unwrap();
    assert!(out[0] == 0.0 && out[0].is_sign_positive());
}

#[test]
fn results_do_not_depend_on_threads() {
    let n = 1_000_003;
    let x: Vec<f64> = arange(n, 100.0, 50.0);
    let y: Vec<f64> = arange(n, 10.0, 30.0);
    let nodes = {
        let mut g = gas();
        g.push(Node::Unary(Unary::Log, 6));
        g.push(Node::Binary(Binary::Maximum, 7, 1));
        g
    };
    let p = Program::new(&nodes, 2).unwrap();
    let ops = [Operand::Slice(&x[..]), Operand::Slice(&y[..])];
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut out = vec![0.0; n];
        let mut truth = vec![false; n];
        pool.install(|| {
            eval(&p, &ops, &mut out).unwrap();
            eval_bool(&p, &ops, &mut truth).unwrap();
        });
        (out, truth)
    };
    let (one, one_b) = run(1);
    for threads in [2, 3, 8] {
        let (many, many_b) = run(threads);
        assert!(one
            .iter()
            .zip(&many)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        assert_eq!(one_b, many_b);
    }
    for i in (0..n).step_by(997) {
        assert!(same(
            one[i],
            reference(&nodes, &[In::A(x.clone()), In::A(y.clone())], i),
            0.0
        ));
    }
}

#[test]
fn results_do_not_depend_on_the_options() {
    // eval_with/eval_bool_with with no thread limit, the calling thread
    // only, and limits below, at and above the pool's size, in the global
    // pool and in pools of 1 and 4 threads, into fresh and existing
    // outputs; sizes around the parallel threshold and one with streaming
    // stores (where the machine's cache is small enough).
    let nodes = {
        let mut g = gas();
        g.push(Node::Unary(Unary::Sqrt, 6));
        g.push(Node::Binary(Binary::Divide, 7, 0));
        g.push(Node::Binary(Binary::Less, 8, 1));
        g.push(Node::Where(9, 8, 7));
        g
    };
    let p = Program::new(&nodes, 2).unwrap();
    let limits = [
        None,
        Some(1),
        Some(2),
        Some(3),
        Some(4),
        Some(7),
        Some(usize::MAX),
    ];
    for n in [
        0,
        5,
        PARALLEL_ABOVE,
        PARALLEL_ABOVE + 1,
        3 * PARALLEL_ABOVE + 77,
        400_001,
        // Two inputs and the output: 26.4 MB, streamed out below a 35 MB
        // last-level cache.
        1_100_003,
    ] {
        let x: Vec<f64> = arange(n, 100.0, 50.0);
        let y: Vec<f64> = arange(n, 10.0, 30.0);
        let ops = [Operand::Slice(&x[..]), Operand::Slice(&y[..])];
        let mut want = vec![0.0; n];
        eval(&p, &ops, &mut want).unwrap();
        let mut want_b = vec![false; n];
        eval_bool(&p, &ops, &mut want_b).unwrap();
        let ins = [In::A(x.clone()), In::A(y.clone())];
        for i in (0..n).step_by(101) {
            assert!(
                same(want[i], reference(&nodes, &ins, i), 0.0),
                "at {i} of {n}"
            );
        }
        let run = |limit: Option<usize>| {
            for fresh in [false, true] {
                let options = Options {
                    threads: limit.map(|t| NonZeroUsize::new(t).unwrap()),
                    fresh,
                };
                let mut out = vec![-1.0f64; n];
                eval_with(&p, &ops, &mut out, options).unwrap();
                let mut truth = vec![true; n];
                eval_bool_with(&p, &ops, &mut truth, options).unwrap();
                assert!(
                    out.iter()
                        .zip(&want)
                        .all(|(a, b)| a.to_bits() == b.to_bits()),
                    "n = {n}, {options:?}"
                );
                assert_eq!(truth, want_b, "n = {n}, {options:?}");
            }
        };
        // The large size with fewer combinations (debug builds are slow).
        let limits = if n > 1_000_000 {
            &limits[..3]
        } else {
            &limits[..]
        };
        for &limit in limits {
            run(limit);
            for size in [1, 4] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(size)
                    .build()
                    .unwrap();
                pool.install(|| run(limit));
            }
        }
        // Scalar inputs, float32.
        let xf: Vec<f32> = arange(n, 100.0, 50.0);
        let ops = [Operand::Slice(&xf[..]), Operand::Scalar(25.0f32)];
        let mut want = vec![0.0f32; n];
        eval(&p, &ops, &mut want).unwrap();
        for &limit in limits {
            let mut out = vec![0.0f32; n];
            let options = Options {
                threads: limit.and_then(NonZeroUsize::new),
                fresh: false,
            };
            eval_with(&p, &ops, &mut out, options).unwrap();
            assert!(out
                .iter()
                .zip(&want)
                .all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }
}

#[test]
fn where_with_a_condition_zero_only_in_float32() {
    // 1e-50 is nonzero in float64 and 0 in float32: each type picks its own
    // branch, as NumPy's where does after rounding the condition.
    for c in [1e-50, -1e-50, 5.238940302667035e-112] {
        let nodes = [
            Node::Input(0),
            Node::Input(1),
            Node::Const(c),
            Node::Where(2, 0, 1),
        ];
        let p = Program::new(&nodes, 2).unwrap();
        assert_eq!(p.nodes().len(), 4);
        let mut out = [0.0f64; 3];
        eval(
            &p,
            &[Operand::Slice(&[1.0, 2.0, 3.0]), Operand::Scalar(-1.0)],
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [1.0, 2.0, 3.0]);
        let mut out = [0.0f32; 3];
        eval(
            &p,
            &[Operand::Slice(&[1.0, 2.0, 3.0]), Operand::Scalar(-1.0)],
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [-1.0; 3]);
    }
    // Nonzero in both (a NaN too), or zero: folded.
    for (c, picked) in [(1e-30, 0), (f64::NAN, 0), (-0.0, 1)] {
        let nodes = [
            Node::Input(0),
            Node::Input(1),
            Node::Const(c),
            Node::Where(2, 0, 1),
        ];
        let p = Program::new(&nodes, 2).unwrap();
        assert_eq!(p.nodes(), &[Node::Input(picked)]);
    }
}

#[test]
fn float32_rounds_constants_once() {
    // Constants are given in float64 and rounded to float32 when used.
    let x: Vec<f32> = arange(1000, 0.0, 10.0);
    let p = Program::new(&gas(), 2).unwrap();
    let mut out = vec![0.0f32; x.len()];
    eval(&p, &[Operand::Slice(&x), Operand::Scalar(20.0)], &mut out).unwrap();
    for (i, &v) in x.iter().enumerate() {
        let r = (v * 1000.0f32) / (8.314f32 * (20.0f32 + 273.15f32));
        assert_eq!(out[i].to_bits(), r.to_bits(), "{v}");
    }
}

/// Long chains (a loop of 30 000 operations, 66 000 nodes, as traced from
/// Python): validation, simplification and evaluation walk the node list in
/// order, never recursively, and stay linear (two scratch registers).
#[test]
fn long_chains_are_linear_and_never_recurse() {
    const N: usize = 30_000;
    // y = x; y = (y + x) * 0.5 (an affine read folded into the add), N times;
    // every tenth step also y = where(y < c, y, c) with c shared.
    let mut nodes = vec![Node::Input(0), Node::Const(3.0)];
    let mut y = 0;
    for i in 0..N {
        nodes.push(Node::Binary(Binary::Add, y, 0));
        nodes.push(Node::Affine(nodes.len() - 1, 0.5, 0.0));
        y = nodes.len() - 1;
        if i % 10 == 9 {
            nodes.push(Node::Binary(Binary::Less, y, 1));
            nodes.push(Node::Where(nodes.len() - 1, y, 1));
            y = nodes.len() - 1;
        }
    }
    let p = Program::new(&nodes, 1).unwrap();
    assert_eq!(p.nodes().len(), nodes.len());
    assert!(p.scratch_buffers() <= 3, "{}", p.scratch_buffers());
    let x: Vec<f64> = (0..2 * BLOCK + 3).map(|i| i as f64 / 100.0).collect();
    let mut out = vec![0.0; x.len()];
    eval(&p, &[Operand::Slice(&x)], &mut out).unwrap();
    for (o, &xi) in out.iter().zip(&x).step_by(41) {
        let mut r = xi;
        for i in 0..N {
            r = (r + xi) * 0.5;
            if i % 10 == 9 && r >= 3.0 {
                r = 3.0;
            }
        }
        assert_eq!(o.to_bits(), r.to_bits());
    }
    // The same chain, all of it dead but the input: dropped in one pass.
    nodes.push(Node::Input(0));
    assert_eq!(Program::new(&nodes, 1).unwrap().nodes().len(), 1);
}
