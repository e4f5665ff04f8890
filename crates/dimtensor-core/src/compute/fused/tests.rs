//! Unit tests of the fused evaluator's internals.

use std::num::NonZeroUsize;

use super::{eval::*, ops::*, plan::*, program::*};

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
