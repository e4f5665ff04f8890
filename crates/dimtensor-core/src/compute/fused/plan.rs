//! How a program runs over blocks: which affine nodes are folded into their
//! readers, and which scratch register holds each value.

use super::{ops::*, program::*};

/// An evaluation operand: an array of `out.len()` elements or one value.
#[derive(Clone, Copy, Debug)]
pub enum Operand<'a, T> {
    Slice(&'a [T]),
    Scalar(T),
}

/// Where a node's value is during a block.
#[derive(Clone, Copy, Debug)]
pub(super) enum Loc<T> {
    /// The same for every element (constants, scalar inputs, and what
    /// depends on these only): computed once per evaluation.
    Scalar(T),
    Input(usize),
    Reg(usize),
    /// The output block.
    Out,
}

#[derive(Clone, Copy)]
pub(super) enum Kind<T> {
    Unary(Unary),
    /// Reads its operands through folded affine maps.
    Arith(Arith, Tf<T>, Tf<T>),
    Affine(T, Option<T>),
    Powi(i32),
    Binary(Binary),
    Where,
}

#[derive(Clone, Copy)]
pub(super) struct Step<T> {
    pub(super) kind: Kind<T>,
    pub(super) args: [Loc<T>; 3],
    pub(super) dst: Loc<T>,
}

/// A program prepared for one evaluation.
pub(super) struct Plan<T> {
    pub(super) steps: Vec<Step<T>>,
    pub(super) regs: usize,
    /// Where the result is when no step writes it (a scalar or an input).
    pub(super) result: Loc<T>,
}

/// An affine node read by at most this many steps, all arithmetic, is
/// applied in each of their loops rather than written to a register first:
/// a multiply and an add more per reader cost less than a pass of its own
/// (a load, a store and its readers' loads from L1).
pub(super) const FOLD_READERS: usize = 4;

/// The affine nodes read in the loops of their readers, all arithmetic
/// steps (at most [`FOLD_READERS`]), instead of in a pass of their own
/// (non-uniform ones; never the result).
pub(super) fn folds(nodes: &[Node], uniform: &[bool]) -> Vec<bool> {
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
pub(super) fn through(nodes: &[Node], folded: &[bool], a: usize) -> usize {
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
pub(super) fn allocate(
    nodes: &[Node],
    uniform: &[bool],
    folded: &[bool],
) -> (Vec<Option<usize>>, usize) {
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
    pub(super) fn new(prog: &Program, inputs: &[Operand<'_, T>]) -> Plan<T> {
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

impl Program {
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
