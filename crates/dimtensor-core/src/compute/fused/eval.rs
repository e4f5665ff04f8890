//! Evaluation: blocks in cache, prefetching, streaming stores, the SIMD
//! builds, threads, and the public entry points.

use std::num::NonZeroUsize;

use rayon::prelude::*;
use smallvec::SmallVec;

use super::{ops::*, plan::*, program::*};
use crate::compute::simd::multiversion;
use crate::Result;

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
pub(super) const PREFETCH_AHEAD: usize = 4 << 10;

/// The last-level cache's size when the system does not say (Linux's
/// sysfs is asked).
pub(super) const LLC_DEFAULT: usize = 32 << 20;

/// The size of the last-level (L3) cache, from Linux's sysfs, else
/// [`LLC_DEFAULT`].
pub(super) fn llc_bytes() -> usize {
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
pub(super) fn streams_output(inputs: usize, out: usize, fresh: bool) -> bool {
    cfg!(target_arch = "x86_64") && !fresh && inputs + out > llc_bytes() / 4 * 3
}

/// Outputs up to this many elements are computed on the calling thread.
pub const PARALLEL_ABOVE: usize = 32_768;

/// One thread's scratch: the registers and, for truth-valued output or
/// streaming stores, a block of the evaluation type.
pub(super) struct Scratch<T> {
    regs: Vec<Vec<T>>,
    tmp: Vec<T>,
}

impl<T: Float> Scratch<T> {
    pub(super) fn new(regs: usize, len: usize, tmp: bool) -> Scratch<T> {
        Scratch {
            regs: (0..regs).map(|_| vec![T::ZERO; len]).collect(),
            tmp: if tmp { vec![T::ZERO; len] } else { Vec::new() },
        }
    }
}

/// Runs the plan on the block of `out.len()` elements starting at `lo`,
/// prefetching the inputs of the blocks ahead (`streams`) as it goes.
#[inline(always)]
pub(super) fn block<T: Float>(
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
pub(super) type Streams<'a, T> = SmallVec<[&'a [T]; 8]>;

pub(super) fn streams<'a, T>(inputs: &[Operand<'a, T>]) -> Streams<'a, T> {
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
pub(super) fn prefetch<T>(streams: &[&[T]], lo: usize, hi: usize) {
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
pub(super) fn prefetch_part<T>(streams: &[&[T]], lo: usize, n: usize, j: usize, parts: usize) {
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
pub(super) fn stream_copy<T: Copy>(src: &[T], dst: &mut [T]) {
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
pub(super) fn store_fence() {
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
pub(super) fn range<T: Float>(
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
pub(super) fn range_bool<T: Float>(
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

    pub(super) fn range_dispatch<T: Float>(
        plan: &Plan<T>,
        inputs: &[Operand<'_, T>],
        start: usize,
        out: &mut [T],
        s: &mut Scratch<T>,
        stream: bool,
    ) = range;

    pub(super) fn range_bool_dispatch<T: Float>(
        plan: &Plan<T>,
        inputs: &[Operand<'_, T>],
        start: usize,
        out: &mut [bool],
        s: &mut Scratch<T>,
    ) = range_bool;
}

pub(super) fn check<T>(prog: &Program, inputs: &[Operand<'_, T>], n: usize) -> Result<()> {
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
pub(super) fn threads_usable() -> bool {
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
pub(super) fn run<O: Send, T: Float>(
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
pub(super) fn input_bytes<T>(inputs: &[Operand<'_, T>]) -> usize {
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
