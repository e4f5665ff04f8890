//! Element-wise computation on slices: the fast-path kernels of single
//! operations and fused programs of many, both built for several SIMD
//! levels chosen once at run time.

pub mod fused;
pub mod kernels;
mod simd;
