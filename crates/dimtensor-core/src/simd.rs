//! Which SIMD build of the slice kernels (`kernels`) and of the fused
//! programs (`expr`) this CPU runs, detected once for both.

/// The widest vector unit a build targets that this CPU has.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Simd {
    Avx512,
    Avx2,
    Portable,
}

/// The level for this CPU. Each level also needs FMA, which the `expr`
/// builds are compiled with (every AVX-512 CPU and, in practice, every AVX2
/// one has it; a CPU without it runs the portable builds).
pub(crate) fn simd() -> Simd {
    static LEVEL: std::sync::OnceLock<Simd> = std::sync::OnceLock::new();
    *LEVEL.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx512f") && has!("avx512bw") && has!("avx512dq") && has!("fma") {
                return Simd::Avx512;
            }
            if has!("avx2") && has!("fma") {
                return Simd::Avx2;
            }
        }
        Simd::Portable
    })
}
