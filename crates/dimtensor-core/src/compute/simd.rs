//! Which SIMD build of the slice kernels (`kernels`) and of the fused
//! programs (`fused`) this CPU runs, detected once for both.

/// The widest vector unit a build targets that this CPU has.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Simd {
    Avx512,
    Avx2,
    Portable,
}

/// The level for this CPU. Each level also needs FMA, which the `fused`
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

/// Defines functions that run the widest build of their body this CPU
/// supports. Each `fn name<T: Bound>(args) -> R = body;` becomes `name`,
/// which calls `body(args)` compiled with the AVX-512 or the AVX2 feature
/// set when [`simd`] found it, and portably otherwise. The feature strings
/// are the caller's: the slice kernels leave FMA off, so their results are
/// bit for bit the portable ones.
macro_rules! multiversion {
    (
        avx512 = $avx512:literal, avx2 = $avx2:literal;
        $(
            $(#[$meta:meta])*
            $vis:vis fn $name:ident<$t:ident: $bound:path>($($arg:ident: $ty:ty),* $(,)?)
                $(-> $ret:ty)? = $body:path;
        )*
    ) => {
        #[cfg(target_arch = "x86_64")]
        mod avx512 {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[target_feature(enable = $avx512)]
                pub(super) fn $name<$t: $bound>($($arg: $ty),*) $(-> $ret)? {
                    $body($($arg),*)
                }
            )*
        }

        #[cfg(target_arch = "x86_64")]
        mod avx2 {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[target_feature(enable = $avx2)]
                pub(super) fn $name<$t: $bound>($($arg: $ty),*) $(-> $ret)? {
                    $body($($arg),*)
                }
            )*
        }

        $(
            $(#[$meta])*
            $vis fn $name<$t: $bound>($($arg: $ty),*) $(-> $ret)? {
                #[cfg(target_arch = "x86_64")]
                #[allow(unsafe_code)]
                // SAFETY: each build runs only where `simd()` found its features.
                match $crate::compute::simd::simd() {
                    $crate::compute::simd::Simd::Avx512 => {
                        return unsafe { avx512::$name($($arg),*) }
                    }
                    $crate::compute::simd::Simd::Avx2 => return unsafe { avx2::$name($($arg),*) },
                    $crate::compute::simd::Simd::Portable => {}
                }
                $body($($arg),*)
            }
        )*
    };
}

pub(crate) use multiversion;
