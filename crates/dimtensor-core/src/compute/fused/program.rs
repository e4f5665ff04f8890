//! Programs: nodes in topological order, validated and simplified (constant
//! folding, merging of identical nodes, dead-node removal).

use rustc_hash::FxHashMap;

use super::ops::*;
use crate::{Error, Result};

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

pub(super) fn invalid(message: String) -> Error {
    Error::Invalid(message)
}

/// A node compared by value, floats by their bits (so `-0.0 ≠ 0.0`, and a
/// NaN equals itself), commutative operands in a fixed order.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Key {
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
    pub(super) nodes: Vec<Node>,
    pub(super) n_inputs: usize,
    pub(super) boolean: bool,
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
}

pub(super) enum Simple {
    /// The value of an existing node.
    Node(usize),
    /// A new node (to merge with an identical one).
    New(Node),
}

/// Constant folding and the identities that hold bit for bit.
pub(super) fn simplify(node: &Node, nodes: &[Node]) -> Simple {
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
pub(super) fn live(nodes: Vec<Node>, result: usize) -> Vec<Node> {
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
