//! The unit rule of every array function that is not a ufunc: NumPy's
//! functions, `numpy.linalg`, `numpy.fft`, and the functions of the Array
//! API standard and its extensions. One line each, in a small language:
//!
//! ```text
//! names: param, param, ... -> outputs
//! ```
//!
//! **Names**: the function's names, separated by spaces (a NumPy name and
//! its Array API spelling: `concatenate concat`); `linalg.` and `fft.`
//! prefix the functions of those modules.
//!
//! **Parameters** are the arguments that carry a unit, `name: role`. The
//! name is the parameter's name in the function's signature, with
//! alternatives separated by `|` (`a|x`: NumPy's `a`, the standard's `x`),
//! or `#k` for the k-th parameter whatever its name. Every other argument
//! is a plain number (a dimensionless quantity there is converted to scale
//! 1; one with a dimension is an error). Roles:
//!
//! - `A` (any capital letter): a unit variable. The first operand bound to
//!   it sets its unit; every later one must have the same dimension and is
//!   converted to that unit (affinely between a temperature point and an
//!   absolute unit; a point next to a difference is an error). The scalars
//!   0, ±inf and nan, and arrays whose unit is not chosen yet, fit any unit.
//! - `A...`: a sequence of operands, all bound to `A` (`concatenate`).
//! - `*A`: a sequence whose operands each keep their own unit
//!   (`meshgrid`); an output that names `A` is repeated for each of them.
//! - `=A`: like `A`, but when the dimensions differ the function is not an
//!   error: its result is known (`array_equal` is False, `isin` all False).
//! - `A?`: an integer or text here (a bin count, a method name) is no
//!   quantity and passes as it is.
//! - `d(A)`: a difference of values of `A` (its interval unit: Δ°C for °C).
//! - `1`: a pure number, converted to scale 1; `%`: a pure number,
//!   converted to percent (a plain number is taken as percent already, as
//!   NumPy's `percentile` takes it).
//! - `unit(deg)`: a quantity of the named unit's dimension, converted to
//!   it; a plain number is taken as in that unit already (SciPy's `cosdg`
//!   takes degrees).
//! - `<A B>`: a sequence (of numbers, arrays, or sequences of them) whose
//!   k-th element goes with the k-th variable listed, converted to its unit;
//!   the last variable applies to any further elements. A `*S` variable
//!   listed alone gives element k the unit of the k-th operand of `S`
//!   (histogramdd's bins and range, one per coordinate).
//! - `poly(B/A)...`: the coefficients of a polynomial y(x), highest power
//!   first (NumPy's order), with x in A (bound by another parameter) and y
//!   in B: the operand at distance k from the end multiplies x^k and is
//!   converted to `poly(B/A)` at that k (below). The constant term (the
//!   last operand) sets B, or the first other operand when it is a wildcard.
//!
//! **Outputs**: one unit per result of the function, separated by commas;
//! `...` at the end repeats the last one for any further results. `-` is a
//! result without a unit (indices, truth values, counts), `!` a refusal,
//! optionally with its reason in single quotes (`!'text is not a
//! quantity'`), which the error message and docs/functions.md give.
//! Alternatives are separated by `|`, each after an optional guard
//! `[name]` (the argument is given), `[!name]`, `[name=value]`: the first
//! whose guard holds applies. Unit expressions: a variable, `1`, `*`, `/`,
//! `^` with an integer, `(p/q)`, an integer argument's name (`A^n`), `@k`
//! (the last dimension of parameter k: `det`), `k` (see below) or a sum of
//! these in parentheses (`A^(deg-k)`), and the functions
//!
//! - `d(X)`: the interval unit of X (for spreads and differences);
//! - `sum(X)`: X, which must not be a temperature point (an amount);
//! - `abs(X)`: X, not a point (its size depends on where zero is);
//! - `prod(X)`, `nanprod(X)`, `cumprod(X)`: X to the number of factors,
//!   when that is known from the shapes (see [`super::reductions`]);
//! - `step(S)`: for each operand of `*S`, its unit when it is a scalar (a
//!   step) and its interval unit when it is an array (coordinates);
//! - `mul(A)`: the product of the units of every operand of `*A`;
//!   `mul(d(A))` the product of their interval units;
//! - `unit(rad)`: a registered unit, by name;
//! - `poly(B/A)`: the unit of the coefficient of x^k (k from a loop) of a
//!   polynomial y(x), x in A, y in B: B for k = 0, d(B)/A^k above (a
//!   temperature trend is in Δ°C per unit of x, its constant term in °C; x
//!   itself may be no temperature point, as a polynomial in it would
//!   depend on where its zero is).
//!
//! `E for k in a..b`, as the last output: one result per `k` from `a` down
//! to `b` (none when `a < b`; `a`, `b` integers, integer arguments' names or
//! `@p`), each in unit E evaluated at that `k`. The function returns one
//! array; its entries along the first axis are these results, and the front
//! ends give them as a tuple (polynomial coefficients, highest power
//! first: `poly(B/A) for k in deg..0`).
//!
//! `*`, `/` and `^` refuse temperature points (2 · 20 °C is not 40 °C).
//! docs/functions.md lists every rule of this table, written from it
//! (tools/functions_doc.py).

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use super::offset::{affine, no_point_in_product, origin_error, same_unit, OffsetRule};
use super::reductions::{cumulative_product_unit, product_unit, sum_unit};
use super::{algebra_error, mismatch, named, to_scale_one, unit_of, Convert, Operand, Out};
use crate::error::{Error, Result};
use crate::units::rational::Rational;
use crate::units::temperature::interval_of;
use crate::units::unit::Unit;

/// Every function with a rule: `(names, rule)`.
pub const FUNCTIONS: &[(&str, &str)] = &[
    // ---- joining and splitting: one unit, the first operand's
    (
        "concatenate concat hstack vstack dstack column_stack",
        "arrays|tup:A... -> A",
    ),
    ("stack", "arrays:A... -> A"),
    ("append insert", "arr:A, values:A -> A"),
    // ---- joining and choosing (issue 14): nested sequences are flattened
    ("block", "arrays:A... -> A"),
    ("choose", "choices:A... -> A"),
    ("select", "choicelist:A..., default:A -> A"),
    (
        "split array_split hsplit vsplit dsplit unstack",
        "#0:A -> A...",
    ),
    // ---- rearranging, picking and copying: the unit is kept
    (
        "reshape transpose permute_dims matrix_transpose linalg.matrix_transpose squeeze \
         expand_dims moveaxis swapaxes rollaxis ravel flip fliplr flipud rot90 roll copy tile \
         repeat take take_along_axis round around sort partition broadcast_to resize delete \
         diagonal linalg.diagonal diag diagflat triu tril real imag astype unique_values \
         zeros_like ones_like empty_like",
        "#0:A -> A",
    ),
    ("compress", "a:A -> A"),
    // ---- picking and rearranging (issue 14)
    ("extract", "arr:A -> A"),
    ("fix sort_complex real_if_close trim_zeros", "#0:A -> A"),
    ("ix_", "#0:*A -> A"),
    ("union1d setdiff1d setxor1d", "ar1:A, ar2:A -> A"),
    ("intersect1d", "ar1:A, ar2:A -> A, -..."),
    // `like=` (an array type lent to a NumPy constructor): the data's unit.
    (
        "array asarray asanyarray ascontiguousarray asfortranarray require",
        "#0:A -> A",
    ),
    (
        "atleast_1d atleast_2d atleast_3d meshgrid broadcast_arrays",
        "#0:*A -> A",
    ),
    (
        "unique unique_all unique_counts unique_inverse",
        "#0:A -> A, -...",
    ),
    // ---- indices, truth values, shapes: no unit
    (
        "argsort argpartition argmax argmin nanargmax nanargmin nonzero flatnonzero argwhere \
         count_nonzero shape ndim size iscomplexobj isrealobj can_cast all any",
        "#0:A -> -",
    ),
    ("result_type", "#0:*A -> -"),
    ("searchsorted", "a|x1:A, v|x2:A -> -"),
    ("isin", "element:=A, test_elements:=A -> -"),
    ("array_equal array_equiv", "a1:=A, a2:=A -> -"),
    // ---- indices, truth values, types (issue 14)
    ("digitize", "x:A, bins:A -> -"),
    (
        "iscomplex isreal isneginf isposinf diag_indices_from tril_indices_from \
         triu_indices_from min_scalar_type",
        "#0:A -> -",
    ),
    ("lexsort", "keys:*A -> -"),
    ("common_type", "#0:*A -> -"),
    ("einsum_path", "#0:*A? -> -"),
    ("may_share_memory shares_memory", "a:A, b:B -> -"),
    ("unravel_index", "indices:1 -> -"),
    ("ravel_multi_index", "multi_index:1... -> -"),
    ("packbits unpackbits", "a:1 -> -"),
    // ---- operands in one unit
    ("where", "x|x1:A, y|x2:A -> [x] A | -"),
    ("clip", "a|x:A, a_min:A, a_max:A, min:A, max:A -> A"),
    ("nan_to_num", "x:A, nan:A, posinf:A, neginf:A -> A"),
    ("copyto", "dst:A, src:A -> -"),
    ("pad", "array:A, constant_values:A, end_values:A -> A"),
    ("full_like", "a|x:A, fill_value:A -> A"),
    ("full", "fill_value:A -> A"),
    ("linspace", "start:A, stop:A -> A, d(A)"),
    ("arange", "start:A, stop:A, step:d(A) -> A"),
    // ---- writes into an array, converted to its unit (issue 14)
    ("put", "a:A, v:A... -> -"),
    ("place", "arr:A, vals:A... -> -"),
    ("putmask", "a:A, values:A... -> -"),
    ("put_along_axis", "arr:A, values:A... -> -"),
    ("fill_diagonal", "a:A, val:A... -> -"),
    // ---- made from no quantity (issue 14): `like=` lends only the array
    // type, so numbers made or read are pure numbers.
    (
        "zeros ones empty eye identity tri frombuffer fromfile fromiter fromstring genfromtxt \
         loadtxt",
        "-> 1",
    ),
    ("geomspace", "start:A, stop:A -> abs(A)"),
    ("logspace", "start:1, stop:1, base:1 -> 1"),
    ("isclose allclose", "a:A, b:A, rtol:1, atol:d(A) -> -"),
    // ---- reductions
    (
        "sum nansum cumsum nancumsum cumulative_sum trace linalg.trace",
        "a|x:A, initial:A -> sum(A)",
    ),
    ("mean nanmean median nanmedian", "a|x:A -> A"),
    ("max min amax amin nanmax nanmin", "a|x:A, initial:A -> A"),
    ("std nanstd", "a|x:A, mean:A -> d(A)"),
    ("var nanvar", "a|x:A, mean:A -> d(A)^2"),
    ("ptp", "a:A -> d(A)"),
    ("percentile nanpercentile", "a:A, q:%, weights:W -> A"),
    ("quantile nanquantile", "a:A, q:1, weights:W -> A"),
    ("prod", "a|x:A, initial:1 -> prod(A)"),
    ("nanprod", "a:A, initial:1 -> nanprod(A)"),
    ("cumprod cumulative_prod", "a|x:A -> cumprod(A)"),
    ("nancumprod", "a:A -> nanprod(A)"),
    // ---- statistics (issue 14): weights only weigh (any unit); counts of
    // weighted values are sums of the weights.
    ("cov", "m:A, y:A, aweights:W -> d(A)^2"),
    ("corrcoef", "x:A, y:B -> 1"),
    ("bincount", "weights:W -> [weights] sum(W) | -"),
    (
        "average",
        "a:A, weights:W -> [!returned] A | [weights] A, sum(W) | A, -",
    ),
    // ---- differences, derivatives, integrals
    ("diff", "a|x:A, prepend:A, append:A -> [n=0] A | d(A)"),
    ("ediff1d", "ary:A, to_end:d(A), to_begin:d(A) -> d(A)"),
    ("gradient", "f:A, varargs:*S -> d(A)/step(S)..."),
    ("trapezoid", "y:A, x:B, dx:C -> [x] A*d(B) | A*C"),
    (
        "interp",
        "x:A, xp:A, fp:B, left:B, right:B, period:d(A) -> B",
    ),
    (
        "histogram_bin_edges",
        "a:A, bins:A?, range:A..., weights:W -> A",
    ),
    (
        "histogram",
        "a:A, bins:A?, range:A..., weights:W -> [density] d(A)^-1, A | [weights] sum(W), A | -, A",
    ),
    // ---- histograms in several coordinates (issue 14): bins and range per
    // coordinate, each in that coordinate's unit
    (
        "histogram2d",
        "x:A, y:B, bins:<A B>?, range:<A B>, weights:W -> [density] (d(A)*d(B))^-1, A, B \
         | [weights] sum(W), A, B | -, A, B",
    ),
    (
        "histogramdd",
        "sample:*S, bins:<S>?, range:<S>, weights:W -> [density] mul(d(S))^-1, S \
         | [weights] sum(W), S | -, S",
    ),
    // ---- angles and phases (issue 14)
    ("angle", "z:A -> [deg] unit(deg)*A/A | unit(rad)*A/A"),
    ("unwrap", "p:1, discont:1, period:1 -> unit(rad)"),
    ("sinc i0", "x:1 -> 1"),
    // ---- polynomials (issue 14). A fit or the roots' polynomial gives one
    // coefficient per power, each in its own unit; coefficients in one
    // array share one unit, so their variable is a pure number.
    (
        "polyfit",
        "x:A, y:B, w:W -> [cov] !'the covariance of the coefficients has a different unit in \
         every entry' | [full] !'the diagnostics of full=True are not wrapped; call it with \
         full=False' | poly(B/A) for k in deg..0",
    ),
    ("polyval", "p:poly(B/A)..., x:A -> B"),
    ("poly", "seq_of_zeros:A -> A^(@0-k) for k in @0..0"),
    ("roots", "p:A... -> A/A"),
    ("polyadd polysub", "a1:A, a2:A -> A"),
    ("polymul", "a1:A, a2:B -> A*B"),
    ("polydiv", "u:A, v:B -> A/B, A"),
    ("polyder", "p:A -> A"),
    ("polyint", "p:A, k:A -> A"),
    ("vander", "x:1 -> 1"),
    (
        "polynomial.polynomial.polyval2d polynomial.polynomial.polygrid2d",
        "x:1, y:1, c:C -> C",
    ),
    // ---- products
    (
        "dot vdot inner outer tensordot kron cross convolve correlate matmul vecdot \
         linalg.matmul linalg.vecdot linalg.outer linalg.cross linalg.tensordot",
        "#0:A, #1:B -> A*B",
    ),
    ("einsum", "#0:*A? -> mul(A)"),
    ("linalg.multi_dot", "arrays:*A -> mul(A)"),
    // ---- linear algebra
    ("linalg.inv linalg.pinv", "#0:A -> A^-1"),
    ("linalg.solve", "#0:A, #1:B -> B/A"),
    ("linalg.det", "#0:A -> A^@0"),
    ("linalg.slogdet", "#0:1 -> 1, 1"),
    ("linalg.matrix_power", "#0:A -> A^n"),
    (
        "linalg.eigvals linalg.eigvalsh linalg.svdvals",
        "#0:A -> A*1",
    ),
    ("linalg.eig linalg.eigh", "#0:A -> A*1, 1"),
    ("linalg.svd", "#0:A -> [compute_uv=false] A*1 | 1, A*1, 1"),
    ("linalg.qr", "#0:A -> [mode=raw] ! | [mode=r] A*1 | 1, A*1"),
    ("linalg.cholesky", "#0:A -> A^(1/2)"),
    ("linalg.lstsq", "#0:A, #1:B -> B/A, B^2, -, A*1"),
    // ---- tensors (issue 14)
    ("linalg.tensorinv", "a:A -> A^-1"),
    ("linalg.tensorsolve", "a:A, b:B -> B/A"),
    ("linalg.cond", "#0:A -> A/A"),
    ("linalg.matrix_rank", "#0:A, tol:A, rtol:1 -> -"),
    (
        "linalg.norm linalg.vector_norm",
        "#0:A -> [ord=0] 1 | abs(A)",
    ),
    ("linalg.matrix_norm", "#0:A -> abs(A)"),
    // ---- Fourier transforms: linear in the input
    (
        "fft.fft fft.ifft fft.fft2 fft.ifft2 fft.fftn fft.ifftn fft.rfft fft.irfft fft.rfft2 \
         fft.irfft2 fft.rfftn fft.irfftn fft.hfft fft.ihfft",
        "#0:A -> A*1",
    ),
    ("fft.fftshift fft.ifftshift", "#0:A -> A"),
    ("fft.fftfreq fft.rfftfreq", "d:A -> A^-1"),
    // ---- numpy.emath (issue 14): complex results for real input
    ("emath.sqrt", "x:A -> A^(1/2)"),
    ("emath.power", "x:A -> A^p"),
    ("emath.log emath.log2 emath.log10 emath.arctanh", "x:1 -> 1"),
    ("emath.logn", "n:1, x:1 -> 1"),
    ("emath.arccos emath.arcsin", "x:1 -> unit(rad)"),
    // ---- refused (issue 14), each with its reason
    (
        "apply_along_axis apply_over_axes piecewise fromfunction",
        "-> !'it calls a Python function on the values, whose result unit dimtensor cannot \
         know'",
    ),
    (
        "array2string array_repr array_str",
        "-> !'the text would show the numbers without their unit; use str(x), repr(x) or \
         format(x, spec)'",
    ),
    (
        "save savez savez_compressed savetxt",
        "-> !'the file would hold the numbers without their unit; save .to_value(unit) with \
         the unit text, or write zarr with its units attribute (DaskDimArray.to_zarr)'",
    ),
    (
        "busday_count busday_offset is_busday datetime_as_string",
        "-> !'dates are not quantities (a DimArray holds no datetime64)'",
    ),
    (
        "strings.capitalize strings.center strings.decode strings.encode strings.expandtabs \
         strings.ljust strings.lower strings.mod strings.multiply strings.partition \
         strings.replace strings.rjust strings.rpartition strings.swapcase strings.title \
         strings.translate strings.upper strings.zfill char.capitalize char.center \
         char.decode char.encode char.equal char.expandtabs char.greater char.greater_equal \
         char.join char.less char.less_equal char.ljust char.lower char.mod char.not_equal \
         char.replace char.rjust char.rsplit char.split char.splitlines char.swapcase \
         char.title char.translate char.upper char.zfill",
        "-> !'text is not a quantity'",
    ),
    (
        "lib.recfunctions.append_fields lib.recfunctions.apply_along_fields \
         lib.recfunctions.assign_fields_by_name lib.recfunctions.drop_fields \
         lib.recfunctions.find_duplicates lib.recfunctions.join_by \
         lib.recfunctions.merge_arrays lib.recfunctions.rec_append_fields \
         lib.recfunctions.rec_drop_fields lib.recfunctions.rec_join \
         lib.recfunctions.recursive_fill_fields lib.recfunctions.rename_fields \
         lib.recfunctions.repack_fields lib.recfunctions.require_fields \
         lib.recfunctions.stack_arrays lib.recfunctions.structured_to_unstructured \
         lib.recfunctions.unstructured_to_structured",
        "-> !'records (structured arrays) are not quantities; give each numeric field its \
         own DimArray'",
    ),
    // ---- special functions (the Array API namespace's `special`): pure numbers
    (
        "special.erf special.erfc special.erfinv special.expit special.logit special.gammaln \
         special.i0 special.i0e special.i1 special.i1e special.ndtr special.ndtri \
         special.log_ndtr special.psi special.digamma special.entr",
        "#0:1 -> 1",
    ),
    (
        "special.gammainc special.gammaincc special.rel_entr special.xlogy special.xlog1py \
         special.chdtr special.chdtrc special.stdtr special.stdtrit",
        "#0:1, #1:1 -> 1",
    ),
    ("special.betainc special.betaincc", "#0:1, #1:1, #2:1 -> 1"),
    ("special.logsumexp", "a:1, b:1 -> 1, 1"),
    ("special.softmax special.log_softmax", "x:1 -> 1"),
    // ---- more special functions (issue 14): SciPy's ufuncs on quantities
    // (`scipy.special.jv(v, x)`, through __array_ufunc__) and the functions
    // SciPy looks up in a namespace's `special` take these rules too.
    (
        "special.cosm1 special.ellipk special.ellipkm1 special.ellipe special.erfcx \
         special.erfi special.dawsn special.wofz special.exp1 special.exp10 special.exp2 \
         special.expi special.exprel special.gamma special.gammasgn special.rgamma \
         special.loggamma special.j0 special.j1 special.y0 special.y1 special.k0 special.k0e \
         special.k1 special.k1e special.spence special.zetac special.log_expit",
        "#0:1 -> 1",
    ),
    (
        "special.jv special.jve special.yv special.yve special.iv special.ive special.kv \
         special.kve special.kn special.yn special.hankel1 special.hankel1e special.hankel2 \
         special.hankel2e special.struve special.modstruve special.beta special.betaln \
         special.binom special.poch special.expn special.polygamma special.boxcox \
         special.boxcox1p special.inv_boxcox special.inv_boxcox1p special.kl_div \
         special.gammaincinv special.gammainccinv special.chdtri special.pdtr special.pdtrc \
         special.pdtri special.ellipkinc special.ellipeinc special.owens_t",
        "#0:1, #1:1 -> 1",
    ),
    ("special.zeta", "x:1, q:1 -> 1"),
    (
        "special.bdtr special.bdtrc special.bdtri special.nbdtr special.nbdtrc special.nbdtri \
         special.fdtr special.fdtrc special.fdtri special.gdtr special.gdtrc \
         special.betaincinv special.hyp1f1 special.lpmv",
        "#0:1, #1:1, #2:1 -> 1",
    ),
    ("special.hyp2f1", "#0:1, #1:1, #2:1, #3:1 -> 1"),
    ("special.multigammaln", "a:1 -> 1"),
    ("special.airy", "#0:1 -> 1, 1, 1, 1"),
    (
        "special.fresnel special.sici special.shichi",
        "#0:1 -> 1, 1",
    ),
    ("special.ellipj", "#0:1, #1:1 -> 1, 1, 1, 1"),
    ("special.cbrt", "#0:A -> A^(1/3)"),
    // Loss functions of a residual r and a threshold δ in one unit: in its square.
    ("special.huber special.pseudo_huber", "#0:A, #1:A -> A^2"),
    // Trigonometry in degrees (a plain number is in degrees, as SciPy takes it).
    (
        "special.cosdg special.sindg special.tandg special.cotdg",
        "#0:unit(deg) -> 1",
    ),
    (
        "special.radian",
        "#0:unit(deg), #1:unit(arcmin), #2:unit(arcsec) -> unit(rad)",
    ),
    // ---- xarray: what xarray's own code paths call on a duck array
    // (rolling windows; the rest of what they reach has a line above)
    ("lib.stride_tricks.sliding_window_view", "x:A -> A"),
    // ==== JAX and PyTorch (dimtensor.jax, dimtensor.torch) ====
    // Derivatives: the gradient of an output V with respect to an input U
    // (jax.grad, torch's .grad), and a vector-Jacobian product seeded with
    // a cotangent in G (torch's backward(gradient=...), autograd.grad).
    ("autodiff.grad", "#0:V, #1:U -> d(V)/d(U)"),
    ("autodiff.vjp", "#0:G, #1:V, #2:U -> G*d(V)/d(U)"),
    // torch functions that return values and their indices
    (
        "torch.sort torch.topk torch.kthvalue torch.mode torch.cummax torch.cummin torch.max.dim \
         torch.min.dim torch.median.dim torch.nanmedian.dim",
        "#0:A -> A, -",
    ),
    ("torch.aminmax", "#0:A -> A, A"),
    ("torch.std_mean", "#0:A -> d(A), A"),
    ("torch.var_mean", "#0:A -> d(A)^2, A"),
    ("torch.lerp", "#0:A, #1:A, weight:1 -> A"),
    ("torch.cdist", "#0:A, #1:A -> d(A)"),
    ("torch.dist", "#0:A, #1:A -> [p=0] 1 | d(A)"),
    (
        "torch.cumulative_trapezoid",
        "y:A, x:B, dx:C -> [x] A*d(B) | A*C",
    ),
    // torch.nn.functional: losses compare their operands in one unit
    ("nn.functional.mse_loss", "input:A, target:A -> d(A)^2"),
    ("nn.functional.l1_loss", "input:A, target:A -> d(A)"),
    (
        "nn.functional.smooth_l1_loss",
        "input:A, target:A, beta:d(A) -> d(A)",
    ),
    (
        "nn.functional.huber_loss",
        "input:A, target:A, delta:d(A) -> d(A)^2",
    ),
    (
        "nn.functional.cross_entropy nn.functional.nll_loss nn.functional.binary_cross_entropy \
         nn.functional.binary_cross_entropy_with_logits nn.functional.kl_div",
        "input:1, target:1 -> 1",
    ),
    ("nn.functional.cosine_similarity", "x1:A, x2:B -> 1"),
    // torch adds eps to every difference: a quantity in their unit (or 0)
    (
        "nn.functional.pairwise_distance",
        "x1:A, x2:A, eps:d(A) -> d(A)",
    ),
    ("nn.functional.normalize", "input:A -> 1"),
    // activations: homogeneous ones keep the unit (not a point: where zero is
    // matters), the others take pure numbers
    (
        "nn.functional.relu nn.functional.leaky_relu nn.functional.dropout \
         nn.functional.dropout1d nn.functional.dropout2d nn.functional.dropout3d",
        "#0:A -> abs(A)",
    ),
    (
        "nn.functional.sigmoid nn.functional.tanh nn.functional.softplus nn.functional.gelu \
         nn.functional.silu nn.functional.mish nn.functional.elu nn.functional.selu \
         nn.functional.celu nn.functional.logsigmoid nn.functional.softsign \
         nn.functional.hardtanh nn.functional.hardsigmoid nn.functional.hardswish \
         nn.functional.relu6 nn.functional.softmax nn.functional.log_softmax \
         nn.functional.softmin nn.functional.glu",
        "#0:1 -> 1",
    ),
    // normalization: a pure number, scaled by the weight's unit. eps is
    // added to the variance: a quantity in its unit (or 0). batch and
    // instance norms keep running statistics in plain buffers, which they
    // update in place: pure numbers in, pure numbers kept.
    (
        "nn.functional.layer_norm nn.functional.group_norm",
        "input:A, weight:W, bias:W, eps:d(A)^2 -> [weight] W | [bias] ! | 1",
    ),
    (
        "nn.functional.batch_norm nn.functional.instance_norm",
        "input:1, running_mean:1, running_var:1, weight:W, bias:W -> [weight] W | [bias] ! | 1",
    ),
    ("nn.functional.embedding", "weight:A -> A"),
    ("nn.functional.pad", "input:A, value:A -> A"),
    (
        "nn.functional.interpolate nn.functional.avg_pool1d nn.functional.avg_pool2d \
         nn.functional.avg_pool3d nn.functional.adaptive_avg_pool1d \
         nn.functional.adaptive_avg_pool2d",
        "input:A -> A",
    ),
    // max pooling: the values, and with return_indices=True their indices
    (
        "nn.functional.max_pool1d nn.functional.max_pool2d nn.functional.max_pool3d \
         nn.functional.adaptive_max_pool1d nn.functional.adaptive_max_pool2d",
        "input:A -> A, -",
    ),
];

/// Whether operands of one parameter come one by one or as a sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seq {
    One,
    /// `A...`: a sequence, all bound to one variable.
    Same,
    /// `*A`: a sequence whose operands keep their own units.
    Each,
    /// `<A B>`: element k of the sequence goes with the k-th variable.
    Positional,
}

/// What one parameter's operands must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Bound to a unit variable (0 = A … 25 = Z).
    Var(u8),
    /// A difference of values of the variable, to a power (`d(A)`,
    /// `d(A)^2`: an `eps` added to a variance).
    Interval(u8, i8),
    /// A pure number, at scale 1.
    Number,
    /// A pure number, in percent.
    Percent,
    /// `unit(deg)`: converted to a registered unit; plain numbers are in it.
    InUnit(&'static str),
    /// `<A B>`: per element, the variables of [`Param::positional`].
    Positional,
    /// `poly(B/A)...`: polynomial coefficients (variables B and A).
    Poly(u8, u8),
}

/// One parameter of a rule.
#[derive(Clone, Debug)]
pub struct Param {
    /// Alternative names in the function's signature, or `#k`.
    pub names: Vec<&'static str>,
    pub role: Role,
    pub seq: Seq,
    /// `?`: an integer or text here is not a quantity.
    pub passthrough: bool,
    /// `=`: differing dimensions give a known result, not an error.
    pub equality: bool,
    /// `<A B>`: the variable of each element (the last one repeats).
    pub positional: Vec<u8>,
}

#[derive(Clone, Debug)]
enum Exponent {
    Const(Rational),
    /// An integer argument of the call (`matrix_power`'s `n`).
    Option(&'static str),
    /// The last dimension of a parameter's operand (`det`).
    LastDim(usize),
    /// A sum of integer terms (`deg-k`).
    Sum(Vec<(bool, Term)>),
}

/// An integer read from the call: an exponent's term or a loop's bound.
#[derive(Clone, Debug)]
enum Term {
    Int(i64),
    /// An integer argument of the call.
    Option(&'static str),
    /// The last dimension of a parameter's operand.
    LastDim(usize),
    /// `k`: the position in a loop of outputs or a `V/E...` sequence.
    Index,
}

#[derive(Clone, Debug)]
enum Expr {
    Var(u8),
    One,
    Interval(Box<Expr>),
    Sum(Box<Expr>),
    Abs(Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    Pow(Box<Expr>, Exponent),
    Prod(Box<Expr>),
    NanProd(Box<Expr>),
    CumProd(Box<Expr>),
    Step(u8),
    /// `mul(A)`, `mul(d(A))` (true: interval units).
    Product(u8, bool),
    /// `unit(rad)`: a registered unit.
    Named(&'static str),
    /// `poly(B/A)`: a polynomial's coefficient at the loop's k.
    Coef(u8, u8),
}

#[derive(Clone, Debug)]
enum Output {
    Plain,
    /// A refusal, with its reason when the rule gives one.
    Refuse(Option<&'static str>),
    Unit(Expr),
    /// `E for k in lo..hi`: one result per k.
    Loop(Expr, Term, Term),
}

#[derive(Clone, Debug, PartialEq)]
enum Lit {
    Int(i64),
    Bool(bool),
    None,
    Str(&'static str),
}

#[derive(Clone, Debug)]
enum Guard {
    Always,
    /// A parameter or argument is given (and not None or False).
    Given(&'static str, bool),
    /// An argument equals a value (or not).
    Equals(&'static str, Lit, bool),
}

#[derive(Clone, Debug)]
struct Alt {
    guard: Guard,
    outputs: Vec<Output>,
    repeat: bool,
}

/// One parsed line of [`FUNCTIONS`].
#[derive(Clone, Debug)]
pub struct FnRule {
    pub params: Vec<Param>,
    /// Arguments (not parameters) that guards or exponents read.
    pub options: Vec<&'static str>,
    alts: Vec<Alt>,
    /// The rule as written.
    pub text: &'static str,
    /// An output is a loop (`E for k in a..b`): the function's one array
    /// is split along its first axis into the results.
    pub split: bool,
    /// The units depend on the operands' shapes (a count of factors, a last
    /// dimension, whether a step is a scalar): a plan holds for one shape.
    pub shaped: bool,
}

/// One operand of a call: its unit (as the rule table sees it) and its
/// shape when known.
#[derive(Clone, Debug)]
pub struct Arg<'a> {
    pub operand: Operand<'a>,
    pub shape: Option<SmallVec<[usize; 4]>>,
}

/// What the call passed for one parameter.
#[derive(Clone, Debug)]
pub enum Value<'a> {
    Absent,
    One(Arg<'a>),
    Many(Vec<Arg<'a>>),
    /// For a `<A B>` parameter: the operands, each with the index of the
    /// element of the sequence it belongs to.
    Positional(Vec<(usize, Arg<'a>)>),
}

impl Value<'_> {
    fn args(&self) -> Vec<&Arg<'_>> {
        match self {
            Value::Absent => Vec::new(),
            Value::One(a) => vec![a],
            Value::Many(v) => v.iter().collect(),
            Value::Positional(v) => v.iter().map(|(_, a)| a).collect(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Value::Absent => 0,
            Value::One(_) => 1,
            Value::Many(v) => v.len(),
            Value::Positional(v) => v.len(),
        }
    }
}

/// A plain argument a guard or an exponent reads.
#[derive(Clone, Debug, PartialEq)]
pub enum Opt {
    None,
    Bool(bool),
    Int(i64),
    /// A float (an exponent such as `emath.power`'s `p`).
    Float(f64),
    Ints(Vec<i64>),
    Str(String),
    /// Anything else (an array, say).
    Other,
}

/// A call: one value per parameter of the rule, in the rule's order, and
/// the plain arguments it names in [`FnRule::options`].
#[derive(Clone, Debug, Default)]
pub struct FnCall<'a> {
    pub values: Vec<Value<'a>>,
    pub options: Vec<(&'a str, Opt)>,
}

impl FnCall<'_> {
    fn option(&self, name: &str) -> Option<&Opt> {
        self.options
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, o)| o)
    }
}

/// How to run one function on magnitudes.
#[derive(Clone, Debug, PartialEq)]
pub struct FnPlan {
    /// Per parameter, one conversion per operand (none when absent).
    pub inputs: Vec<Vec<Convert>>,
    /// One unit per result.
    pub outputs: Vec<Out>,
    /// The last output applies to any further results.
    pub repeat: bool,
    /// `Some(c)`: an `=` rule across dimensions; the result is `c` (False
    /// for `array_equal`, all False for `isin`) and nothing needs to run.
    pub constant: Option<bool>,
    /// Per result: its unit is not chosen yet. A result in exactly the unit
    /// of its operands (`A`), when every one of them met any unit (arrays
    /// whose unit is not chosen yet, the scalars 0, ±inf, nan): the
    /// rearranged, joined or picked values of a fresh array stay fresh, so
    /// generic code that reshapes `asarray(0)` before adding it to metres
    /// works.
    pub pending: Vec<bool>,
}

// ---- the table, parsed once -----------------------------------------------

type Table = FxHashMap<&'static str, std::result::Result<FnRule, String>>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Table::default();
        for &(names, text) in FUNCTIONS {
            let rule = parse_rule(text);
            for name in names.split_whitespace() {
                t.insert(name, rule.clone());
            }
        }
        t
    })
}

/// The rule of function `name`, if it has one.
pub fn function_rule(name: &str) -> Option<Result<&'static FnRule>> {
    table().get(name).map(|r| {
        r.as_ref()
            .map_err(|e| Error::Invalid(format!("the unit rule of '{name}' does not parse: {e}")))
    })
}

/// Every function name with a rule, sorted.
pub fn known_functions() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = table().keys().copied().collect();
    names.sort_unstable();
    names
}

/// The error for a function without a rule: the only `Error::Invalid` of
/// [`function_plan`] besides a malformed call, so callers map `Invalid` to
/// `TypeError`.
pub fn unknown_function(name: &str) -> Error {
    Error::Invalid(format!(
        "dimtensor has no unit rule for the function '{name}'"
    ))
}

/// The plan for calling function `name` (conversions of its operands and
/// the unit of each result), from the units of the operands alone.
pub fn function_plan(name: &str, call: &FnCall) -> Result<FnPlan> {
    let rule = function_rule(name).ok_or_else(|| unknown_function(name))??;
    if call.values.len() != rule.params.len() {
        return Err(Error::Invalid(format!(
            "{name}: the rule has {} parameters, the call gave {}",
            rule.params.len(),
            call.values.len()
        )));
    }
    let alt = rule
        .alts
        .iter()
        .find(|a| rule.holds(&a.guard, call))
        .ok_or_else(|| Error::Invalid(format!("{name}: no output rule applies")))?;
    if let Some(reason) = alt.outputs.iter().find_map(|o| match o {
        Output::Refuse(r) => Some(r),
        _ => None,
    }) {
        return Err(Error::Invalid(match reason {
            Some(r) => format!(
                "dimtensor does not support {name} on quantities: {r}; call it on \
                 .magnitude() or .to_value(unit) if you mean the numbers"
            ),
            None => format!(
                "dimtensor has no unit rule for {name} with these arguments (its rule: {}); \
                 call it on .magnitude() or .to_value(unit) and attach the unit you expect",
                rule.text
            ),
        }));
    }
    rule.plan(name, call, alt)
        .map_err(|e| algebra_error(name, e))
}

// ---- evaluation -----------------------------------------------------------

/// The unit of a variable: one, or one per operand of a `*A` sequence.
#[derive(Clone, Debug)]
enum Bound {
    One(Unit),
    Each(Vec<(Unit, Option<usize>)>),
}

struct Env<'r, 'c> {
    name: &'r str,
    rule: &'r FnRule,
    call: &'r FnCall<'c>,
    vars: Vec<Option<Bound>>,
    /// The operand of a `*A` sequence an expression is evaluated for.
    each: Option<(u8, usize)>,
    /// `k`: the position in a loop of outputs or a `V/E...` sequence.
    index: Option<i64>,
}

impl FnRule {
    fn plan(&self, name: &str, call: &FnCall, alt: &Alt) -> Result<FnPlan> {
        let mut inputs: Vec<Vec<Convert>> = call
            .values
            .iter()
            .map(|v| vec![Convert::None; v.len()])
            .collect();
        let mut vars: Vec<Option<Bound>> = vec![None; 26];
        // Unit variables, in the order they first appear.
        let mut order: Vec<u8> = Vec::new();
        for p in &self.params {
            if let Role::Var(v) = p.role {
                if !order.contains(&v) {
                    order.push(v);
                }
            }
        }
        // Variables bound only by operands that meet any unit.
        let mut wild = [false; 26];
        for v in order {
            let bound: Vec<usize> = (0..self.params.len())
                .filter(|&i| self.params[i].role == Role::Var(v))
                .collect();
            if bound.iter().any(|&i| self.params[i].seq == Seq::Each) {
                let units = bound
                    .iter()
                    .flat_map(|&i| call.values[i].args())
                    .map(|a| (unit_of(a.operand), a.shape.as_ref().map(|s| s.len())))
                    .collect();
                vars[v as usize] = Some(Bound::Each(units));
                continue;
            }
            let slots: Vec<(usize, usize)> = bound
                .iter()
                .flat_map(|&i| (0..call.values[i].args().len()).map(move |j| (i, j)))
                .collect();
            let ops: Vec<Operand> = slots
                .iter()
                .map(|&(i, j)| call.values[i].args()[j].operand)
                .collect();
            let equality = bound.iter().any(|&i| self.params[i].equality);
            if equality && dimensions_differ(&ops) {
                return Ok(FnPlan {
                    inputs,
                    outputs: vec![Out::Plain],
                    repeat: false,
                    constant: Some(false),
                    pending: vec![false],
                });
            }
            let (convs, unit) = same_unit(name, &ops, OffsetRule::Points)?;
            for (&(i, j), c) in slots.iter().zip(convs) {
                inputs[i][j] = c;
            }
            vars[v as usize] = Some(Bound::One(unit));
            wild[v as usize] =
                !ops.is_empty() && ops.iter().all(|o| matches!(o, Operand::Wildcard));
        }
        let mut env = Env {
            name,
            rule: self,
            call,
            vars,
            each: None,
            index: None,
        };
        // Polynomial coefficients: B from the constant term, then each
        // operand converted to the coefficient unit of its power.
        for (i, p) in self.params.iter().enumerate() {
            let Role::Poly(b, a) = p.role else {
                continue;
            };
            let args = call.values[i].args();
            let n = args.len();
            let x = var_unit(&env.vars, a);
            if env.vars[b as usize].is_none() {
                let present = |j: &usize| !matches!(args[*j].operand, Operand::Wildcard);
                let from = (n.checked_sub(1).filter(present)).or_else(|| (0..n).find(present));
                let mut unit = Unit::one();
                if let Some(j) = from {
                    let (u, k) = (unit_of(args[j].operand), n - 1 - j);
                    if k > 0 {
                        no_point_in_product(name, Operand::Unit(&u), "multiply")?;
                        no_point_in_product(name, Operand::Unit(&x), "raise to a power")?;
                        unit = u.mul(&x.powr(Rational::new(k as i64, 1)?)?)?;
                    } else {
                        unit = u;
                    }
                }
                env.vars[b as usize] = Some(Bound::One(unit));
            }
            let y = var_unit(&env.vars, b);
            for (j, arg) in args.iter().enumerate() {
                let target = coefficient_unit(name, &y, &x, (n - 1 - j) as i64)?;
                let (convs, _) = same_unit(
                    name,
                    &[Operand::Unit(&target), arg.operand],
                    OffsetRule::Points,
                )?;
                inputs[i][j] = convs[1];
            }
        }
        let vars = &env.vars;
        for (i, p) in self.params.iter().enumerate() {
            for (j, a) in call.values[i].args().iter().enumerate() {
                inputs[i][j] = match p.role {
                    Role::Var(_) | Role::Poly(..) => continue,
                    Role::Positional => {
                        let k = match &call.values[i] {
                            Value::Positional(v) => v[j].0,
                            _ => j,
                        };
                        let target = positional_unit(vars, &p.positional, k);
                        let (convs, _) = same_unit(
                            name,
                            &[Operand::Unit(&target), a.operand],
                            OffsetRule::Points,
                        )?;
                        convs[1]
                    }
                    Role::Interval(v, k) => {
                        let mut target = interval_of(&var_unit(vars, v))?;
                        if k != 1 {
                            target = target.powr(Rational::int(i16::from(k)))?;
                        }
                        to_interval(name, a.operand, &target)?
                    }
                    Role::Number => to_scale_one(name, a.operand)?,
                    Role::InUnit(n) => match a.operand {
                        Operand::Unit(u) => {
                            let target = named(n);
                            if u.dimension() != target.dimension() {
                                return Err(mismatch(name, Operand::Unit(&target), a.operand));
                            }
                            affine(name, u, &target)?
                        }
                        _ => Convert::None,
                    },
                    // A plain number is in percent already, as NumPy takes it.
                    Role::Percent => match a.operand {
                        Operand::Unit(u) => {
                            to_scale_one(name, a.operand)?;
                            Convert::scale(u.scale() / named("%").scale())
                        }
                        _ => Convert::None,
                    },
                };
            }
        }
        let mut outputs = Vec::with_capacity(alt.outputs.len());
        let mut pending = Vec::with_capacity(alt.outputs.len());
        for o in &alt.outputs {
            pending.resize(outputs.len(), false);
            if let Output::Unit(Expr::Var(v)) = o {
                if wild[*v as usize] {
                    outputs.push(Out::Unit(Unit::one()));
                    pending.push(true);
                    continue;
                }
            }
            match o {
                Output::Plain | Output::Refuse(_) => outputs.push(Out::Plain),
                Output::Loop(e, lo, hi) => {
                    let (from, to) = (env.term(lo)?, env.term(hi)?);
                    if from.saturating_sub(to) >= MAX_LOOP {
                        return Err(Error::Dimension(format!(
                            "{name}: {from} results, each in its own unit, are too many"
                        )));
                    }
                    for k in (to..=from).rev() {
                        env.index = Some(k);
                        outputs.push(Out::Unit(env.eval(e)?));
                    }
                    env.index = None;
                }
                Output::Unit(e) => {
                    // An expression of a `*A` operand: one result per operand.
                    let mut read = Vec::new();
                    vars_of(e, &mut read);
                    let each = read.into_iter().find_map(|v| match &env.vars[v as usize] {
                        Some(Bound::Each(list)) => Some((v, list.len())),
                        _ => None,
                    });
                    match each {
                        Some((v, n)) if n > 0 => {
                            for k in 0..n {
                                env.each = Some((v, k));
                                outputs.push(Out::Unit(env.eval(e)?));
                            }
                            env.each = None;
                        }
                        _ => outputs.push(Out::Unit(env.eval(e)?)),
                    }
                }
            }
        }
        pending.resize(outputs.len(), false);
        Ok(FnPlan {
            inputs,
            outputs,
            repeat: alt.repeat,
            constant: None,
            pending,
        })
    }

    fn holds(&self, guard: &Guard, call: &FnCall) -> bool {
        match guard {
            Guard::Always => true,
            Guard::Given(name, negate) => {
                let given = match self.params.iter().position(|p| p.names[0] == *name) {
                    Some(i) => !matches!(call.values[i], Value::Absent),
                    None => matches!(
                        call.option(name),
                        Some(o) if !matches!(o, Opt::None | Opt::Bool(false) | Opt::Int(0))
                    ),
                };
                given != *negate
            }
            Guard::Equals(name, lit, negate) => {
                let equal = match (call.option(name), lit) {
                    (Some(Opt::Int(a)), Lit::Int(b)) => a == b,
                    (Some(Opt::Bool(a)), Lit::Bool(b)) => a == b,
                    (Some(Opt::Str(a)), Lit::Str(b)) => a == b,
                    (Some(Opt::None), Lit::None) => true,
                    _ => false,
                };
                equal != *negate
            }
        }
    }

    /// How many values each result of a reduction multiplies: from the
    /// shape of the first parameter's operand and the `axis`, `where` and
    /// `include_initial` arguments; None when the shapes do not say.
    fn count(&self, call: &FnCall) -> Option<usize> {
        if !matches!(call.option("where"), None | Some(Opt::Bool(true))) {
            return None;
        }
        let shape = call.values.first()?.args().first()?.shape.as_ref()?;
        let ndim = shape.len() as i64;
        let axis_len = |a: i64| {
            let i = if a < 0 { a + ndim } else { a };
            (0..ndim).contains(&i).then(|| shape[i as usize])
        };
        let n = match call.option("axis") {
            None | Some(Opt::None) => shape.iter().product(),
            Some(Opt::Int(a)) => axis_len(*a)?,
            Some(Opt::Ints(axes)) => axes
                .iter()
                .map(|&a| axis_len(a))
                .product::<Option<usize>>()?,
            Some(_) => return None,
        };
        let initial = matches!(call.option("include_initial"), Some(Opt::Bool(true)));
        Some(n + usize::from(initial))
    }
}

fn dimensions_differ(ops: &[Operand]) -> bool {
    let mut dims = ops
        .iter()
        .filter(|o| !matches!(o, Operand::Wildcard))
        .map(|&o| unit_of(o).dimension());
    match dims.next() {
        Some(first) => dims.any(|d| d != first),
        None => false,
    }
}

fn var_unit(vars: &[Option<Bound>], v: u8) -> Unit {
    match &vars[v as usize] {
        Some(Bound::One(u)) => u.clone(),
        _ => Unit::one(),
    }
}

/// The unit of the coefficient of x^k in a polynomial y(x), x in `x`, y in
/// `y`: y for k = 0, d(y)/x^k above; x may not be a temperature point.
fn coefficient_unit(name: &str, y: &Unit, x: &Unit, k: i64) -> Result<Unit> {
    if k == 0 {
        return Ok(y.clone());
    }
    if x.has_offset() {
        return Err(origin_error(name, x));
    }
    interval_of(y)?.div(&x.powr(Rational::new(k, 1)?)?)
}

/// The most results one loop of outputs may give.
const MAX_LOOP: i64 = 4096;

/// The unit of element `k` of a `<A B>` parameter: the k-th variable's (the
/// last one repeats); for a single `*S` variable, its k-th operand's.
fn positional_unit(vars: &[Option<Bound>], list: &[u8], k: usize) -> Unit {
    let Some(&last) = list.last() else {
        return Unit::one();
    };
    if let (1, Some(Bound::Each(units))) = (list.len(), &vars[last as usize]) {
        return units
            .get(k)
            .or(units.last())
            .map_or_else(Unit::one, |(u, _)| u.clone());
    }
    var_unit(vars, list.get(k).copied().unwrap_or(last))
}

/// The conversion of a difference in `op`'s unit to the interval unit
/// `target`: a temperature point is no difference.
fn to_interval(name: &str, op: Operand, target: &Unit) -> Result<Convert> {
    if matches!(op, Operand::Wildcard) {
        return Ok(Convert::None);
    }
    let u = unit_of(op);
    if u.dimension() != target.dimension() {
        return Err(mismatch(name, Operand::Unit(target), op));
    }
    affine(name, &u, target)
}

/// The variables an expression reads one operand of (`A`, `step(S)`).
fn vars_of(e: &Expr, out: &mut Vec<u8>) {
    match e {
        Expr::Var(v) | Expr::Step(v) => out.push(*v),
        Expr::One | Expr::Product(..) | Expr::Named(_) => {}
        Expr::Coef(b, a) => out.extend([*b, *a]),
        Expr::Interval(x)
        | Expr::Sum(x)
        | Expr::Abs(x)
        | Expr::Pow(x, _)
        | Expr::Prod(x)
        | Expr::NanProd(x)
        | Expr::CumProd(x) => vars_of(x, out),
        Expr::Mul(a, b) | Expr::Div(a, b) => {
            vars_of(a, out);
            vars_of(b, out);
        }
    }
}

impl Env<'_, '_> {
    /// The unit of variable `v` (for a `*A` variable, of the operand the
    /// expression is evaluated for), and that operand's number of dimensions.
    fn var(&self, v: u8) -> (Unit, Option<usize>) {
        match &self.vars[v as usize] {
            Some(Bound::One(u)) => (u.clone(), None),
            Some(Bound::Each(list)) => match self.each {
                Some((w, k)) if w == v => list[k].clone(),
                _ => (Unit::one(), Some(0)),
            },
            None => (Unit::one(), Some(0)),
        }
    }

    fn eval(&self, e: &Expr) -> Result<Unit> {
        let name = self.name;
        Ok(match e {
            Expr::Var(v) => self.var(*v).0,
            Expr::One => Unit::one(),
            Expr::Interval(x) => interval_of(&self.eval(x)?)?,
            Expr::Sum(x) => sum_unit(name, &self.eval(x)?)?,
            Expr::Abs(x) => {
                let u = self.eval(x)?;
                if u.has_offset() {
                    return Err(origin_error(name, &u));
                }
                u
            }
            Expr::Mul(a, b) | Expr::Div(a, b) => {
                let divide = matches!(e, Expr::Div(..));
                let verb = if divide { "divide" } else { "multiply" };
                let (ua, ub) = (self.eval(a)?, self.eval(b)?);
                no_point_in_product(name, Operand::Unit(&ua), verb)?;
                no_point_in_product(name, Operand::Unit(&ub), verb)?;
                if divide {
                    ua.div(&ub)?
                } else {
                    ua.mul(&ub)?
                }
            }
            Expr::Pow(x, p) => {
                let u = self.eval(x)?;
                if u == Unit::one() {
                    return Ok(u); // a pure number to any power, even one not known here
                }
                no_point_in_product(name, Operand::Unit(&u), "raise to a power")?;
                u.powr(self.exponent(p)?)?
            }
            Expr::Prod(x) => product_unit(name, &self.eval(x)?, self.rule.count(self.call))?,
            Expr::NanProd(x) => product_unit(name, &self.eval(x)?, None)?,
            Expr::CumProd(x) => {
                cumulative_product_unit(name, &self.eval(x)?, self.rule.count(self.call))?
            }
            Expr::Step(v) => {
                let (u, ndim) = self.var(*v);
                if ndim == Some(0) {
                    u
                } else {
                    interval_of(&u)?
                }
            }
            Expr::Product(v, interval) => {
                let mut acc = Unit::one();
                if let Some(Bound::Each(list)) = &self.vars[*v as usize] {
                    for (u, _) in list {
                        let u = if *interval {
                            interval_of(u)?
                        } else {
                            u.clone()
                        };
                        no_point_in_product(name, Operand::Unit(&u), "multiply")?;
                        acc = acc.mul(&u)?;
                    }
                }
                acc
            }
            Expr::Named(n) => named(n),
            Expr::Coef(b, a) => {
                let k = self.term(&Term::Index)?;
                coefficient_unit(name, &self.var(*b).0, &self.var(*a).0, k)?
            }
        })
    }

    /// The shape of the first operand of parameter `i`, when known.
    fn shape(&self, i: usize) -> Option<&[usize]> {
        let arg = match &self.call.values[i] {
            Value::Absent => None,
            Value::One(a) => Some(a),
            Value::Many(v) => v.first(),
            Value::Positional(v) => v.first().map(|(_, a)| a),
        };
        arg.and_then(|a| a.shape.as_deref())
    }

    /// The value of an integer term: a constant, an argument, a size, `k`.
    fn term(&self, t: &Term) -> Result<i64> {
        match t {
            Term::Int(n) => Ok(*n),
            Term::Option(o) => match self.call.option(o) {
                Some(Opt::Int(n)) => Ok(*n),
                _ => Err(Error::Dimension(format!(
                    "{}: the units of the results depend on '{o}', which must be an integer",
                    self.name
                ))),
            },
            Term::LastDim(i) => match self.shape(*i).and_then(|s| s.last()) {
                Some(&n) => Ok(n as i64),
                None => Err(Error::Dimension(format!(
                    "{}: the unit of the result depends on the size of the array, which is not \
                     known here",
                    self.name
                ))),
            },
            Term::Index => self
                .index
                .ok_or_else(|| Error::Invalid(format!("{}: 'k' outside a loop", self.name))),
        }
    }

    fn exponent(&self, p: &Exponent) -> Result<Rational> {
        match p {
            Exponent::Const(r) => Ok(*r),
            Exponent::Option(o) => match self.call.option(o) {
                Some(Opt::Int(n)) => Rational::new(*n, 1),
                Some(Opt::Float(x)) => super::exact_exponent(*x),
                _ => Err(Error::Dimension(format!(
                    "{}: the unit of the result depends on '{o}', which must be an integer",
                    self.name
                ))),
            },
            Exponent::LastDim(i) => match self.shape(*i).and_then(|s| s.last()) {
                Some(&n) => Rational::new(n as i64, 1),
                None => Err(Error::Dimension(format!(
                    "{}: the unit of the result depends on the size of the matrix, which is \
                     not known here",
                    self.name
                ))),
            },
            Exponent::Sum(terms) => {
                let mut total: i64 = 0;
                for (negative, t) in terms {
                    let v = self.term(t)?;
                    total = if *negative {
                        total.saturating_sub(v)
                    } else {
                        total.saturating_add(v)
                    };
                }
                Rational::new(total, 1)
            }
        }
    }
}

// ---- the rule in words (docs/functions.md) ---------------------------------

fn var_name(v: u8) -> char {
    (b'A' + v) as char
}

impl std::fmt::Display for Term {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Term::Int(n) => write!(f, "{n}"),
            Term::Option(o) => write!(f, "`{o}`"),
            Term::LastDim(i) => write!(f, "n{i}"),
            Term::Index => write!(f, "k"),
        }
    }
}

impl std::fmt::Display for Exponent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exponent::Const(r) if r.is_integer() => write!(f, "{}", r.numer()),
            Exponent::Const(r) => write!(f, "({}/{})", r.numer(), r.denom()),
            Exponent::Option(o) => write!(f, "`{o}`"),
            Exponent::LastDim(i) => write!(f, "n{i}"),
            Exponent::Sum(terms) if terms.len() == 1 && !terms[0].0 => write!(f, "{}", terms[0].1),
            Exponent::Sum(terms) => {
                write!(f, "(")?;
                for (i, (negative, t)) in terms.iter().enumerate() {
                    match (i, negative) {
                        (0, true) => write!(f, "−")?,
                        (0, false) => {}
                        (_, true) => write!(f, "−")?,
                        (_, false) => write!(f, "+")?,
                    }
                    write!(f, "{t}")?;
                }
                write!(f, ")")
            }
        }
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let group = |e: &Expr| matches!(e, Expr::Mul(..) | Expr::Div(..));
        match self {
            Expr::Var(v) => write!(f, "{}", var_name(*v)),
            Expr::One => write!(f, "1"),
            Expr::Interval(x) => write!(f, "Δ({x})"),
            Expr::Sum(x) => write!(f, "sum({x})"),
            Expr::Abs(x) => write!(f, "abs({x})"),
            Expr::Mul(a, b) => write!(f, "{a}·{b}"),
            Expr::Div(a, b) if group(b) => write!(f, "{a}/({b})"),
            Expr::Div(a, b) => write!(f, "{a}/{b}"),
            Expr::Pow(x, p) if group(x) => write!(f, "({x})^{p}"),
            Expr::Pow(x, p) => write!(f, "{x}^{p}"),
            Expr::Prod(x) => write!(f, "prod({x})"),
            Expr::NanProd(x) => write!(f, "nanprod({x})"),
            Expr::CumProd(x) => write!(f, "cumprod({x})"),
            Expr::Step(v) => write!(f, "step({})", var_name(*v)),
            Expr::Product(v, false) => write!(f, "mul({})", var_name(*v)),
            Expr::Product(v, true) => write!(f, "mul(Δ({}))", var_name(*v)),
            Expr::Named(n) => write!(f, "{n}"),
            Expr::Coef(b, a) => write!(f, "poly({}/{})", var_name(*b), var_name(*a)),
        }
    }
}

impl Param {
    /// `a`/`x`, or "argument k".
    fn name_words(&self) -> String {
        let names: Vec<String> = self
            .names
            .iter()
            .map(|n| match n.strip_prefix('#') {
                Some(k) => format!("argument {k}"),
                None => format!("`{n}`"),
            })
            .collect();
        names.join("/")
    }

    fn words(&self) -> String {
        let name = self.name_words();
        let var = |v: u8| var_name(v);
        let mut w = match (self.role, self.seq) {
            (Role::Var(v), Seq::One) => format!("{name} in {}", var(v)),
            (Role::Var(v), Seq::Same) => format!("{name}: each in {}", var(v)),
            (Role::Var(v), Seq::Each) => format!("{name}: each in its own unit {}", var(v)),
            (Role::Interval(v, 1), _) => format!("{name} a difference of {0} (Δ({0}))", var(v)),
            (Role::Interval(v, k), _) => {
                format!(
                    "{name} in the power {k} of a difference of {0} (Δ({0})^{k})",
                    var(v)
                )
            }
            (Role::Number, _) => format!("{name} a pure number"),
            (Role::Percent, _) => format!("{name} a pure number, in percent"),
            (Role::InUnit(n), _) => format!("{name} in {n} (a plain number is taken as {n})"),
            (Role::Positional, _) => {
                let vars: Vec<String> = self.positional.iter().map(|&v| var(v).into()).collect();
                format!("{name}: per coordinate, in {}", vars.join(", "))
            }
            (Role::Poly(b, a), _) => format!(
                "{name}: polynomial coefficients, highest power first, of {} in {}",
                var(b),
                var(a)
            ),
            (Role::Var(v), Seq::Positional) => format!("{name} in {}", var(v)),
        };
        if self.equality {
            w.push_str(" (other dimensions: a known result)");
        }
        if self.passthrough {
            w.push_str(" (an integer passes as a count)");
        }
        w
    }
}

impl FnRule {
    /// The rule in words, for docs/functions.md: what each argument must
    /// be, then the unit of each result (or the refusal and its reason).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.params.is_empty() {
            let params: Vec<String> = self.params.iter().map(Param::words).collect();
            parts.push(format!(
                "{}; other arguments pure numbers",
                params.join("; ")
            ));
        }
        let mut alts = Vec::new();
        for alt in &self.alts {
            let guard = match &alt.guard {
                Guard::Always if self.alts.len() == 1 => String::new(),
                Guard::Always => "otherwise ".to_string(),
                Guard::Given(n, false) => format!("with `{n}` "),
                Guard::Given(n, true) => format!("without `{n}` "),
                Guard::Equals(n, lit, negate) => {
                    let v = match lit {
                        Lit::Int(x) => x.to_string(),
                        Lit::Bool(b) => if *b { "True" } else { "False" }.to_string(),
                        Lit::None => "None".to_string(),
                        Lit::Str(s) => format!("\"{s}\""),
                    };
                    format!("with `{n}{}{v}` ", if *negate { "≠" } else { "=" })
                }
            };
            let outs: Vec<String> = alt
                .outputs
                .iter()
                .map(|o| match o {
                    Output::Plain => "no unit".to_string(),
                    Output::Refuse(Some(r)) => format!("refused: {r}"),
                    Output::Refuse(None) => "refused".to_string(),
                    Output::Unit(e) => e.to_string(),
                    Output::Loop(e, a, b) => {
                        format!("one result per k = {a}…{b}, each in {e}")
                    }
                })
                .collect();
            let mut text = outs.join(", ");
            if alt.repeat {
                text.push_str(", …");
            }
            alts.push(format!("{guard}→ {text}"));
        }
        parts.push(alts.join("; "));
        parts.join("; ")
    }
}

// ---- the rule language's parser -------------------------------------------

struct Reader {
    text: &'static str,
    pos: usize,
}

impl Reader {
    fn rest(&self) -> &'static str {
        &self.text[self.pos..]
    }
    fn skip(&mut self) {
        while self.rest().starts_with(' ') {
            self.pos += 1;
        }
    }
    fn eat(&mut self, s: &str) -> bool {
        self.skip();
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, s: &str) -> std::result::Result<(), String> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(format!("expected '{s}' at {:?}", self.rest()))
        }
    }
    fn word(&mut self) -> std::result::Result<&'static str, String> {
        self.skip();
        let rest = self.rest();
        let n = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '#' || c == '@'))
            .unwrap_or(rest.len());
        if n == 0 {
            return Err(format!("expected a name at {rest:?}"));
        }
        self.pos += n;
        Ok(&rest[..n])
    }
    fn int(&mut self) -> std::result::Result<i64, String> {
        self.skip();
        let neg = self.eat("-");
        let w = self.word()?;
        let v: i64 = w
            .parse()
            .map_err(|_| format!("expected an integer, got {w:?}"))?;
        Ok(if neg { -v } else { v })
    }
}

fn var_index(w: &str) -> Option<u8> {
    let b = w.as_bytes();
    (b.len() == 1 && b[0].is_ascii_uppercase()).then(|| b[0] - b'A')
}

fn parse_rule(text: &'static str) -> std::result::Result<FnRule, String> {
    let (params_text, outputs_text) = text
        .split_once("->")
        .ok_or_else(|| format!("no '->' in {text:?}"))?;
    let mut rule = FnRule {
        params: Vec::new(),
        options: Vec::new(),
        alts: Vec::new(),
        text,
        split: false,
        shaped: false,
    };
    for p in params_text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        rule.params.push(parse_param(p)?);
    }
    let offset = text.len() - outputs_text.len();
    let mut r = Reader { text, pos: offset };
    loop {
        let alt = parse_alt(&mut r, &mut rule)?;
        rule.alts.push(alt);
        if !r.eat("|") {
            break;
        }
    }
    r.skip();
    if !r.rest().is_empty() {
        return Err(format!("unexpected {:?}", r.rest()));
    }
    rule.split = rule
        .alts
        .iter()
        .any(|a| a.outputs.iter().any(|o| matches!(o, Output::Loop(..))));
    rule.shaped = rule.alts.iter().any(|a| a.outputs.iter().any(reads_shape));
    if rule.alts.iter().any(|a| a.outputs.iter().any(uses_count)) {
        for o in ["axis", "where", "include_initial"] {
            rule.options.push(o);
        }
    }
    Ok(rule)
}

fn parse_param(p: &'static str) -> std::result::Result<Param, String> {
    let (names, role) = p
        .split_once(':')
        .ok_or_else(|| format!("parameter {p:?} has no role"))?;
    let names: Vec<&'static str> = names.trim().split('|').collect();
    let mut role = role.trim();
    let mut seq = Seq::One;
    let mut equality = false;
    let mut passthrough = false;
    if let Some(r) = role.strip_prefix('*') {
        seq = Seq::Each;
        role = r;
    }
    if let Some(r) = role.strip_prefix('=') {
        equality = true;
        role = r;
    }
    if let Some(r) = role.strip_suffix('?') {
        passthrough = true;
        role = r;
    }
    if let Some(r) = role.strip_suffix("...") {
        seq = Seq::Same;
        role = r;
    }
    let mut positional = Vec::new();
    let role = match role {
        "1" => Role::Number,
        "%" => Role::Percent,
        r if r.starts_with("unit(") && r.ends_with(')') => {
            let n = &r[5..r.len() - 1];
            if crate::units::registry::registry().get(n).is_none() {
                return Err(format!("unit({n}): no such unit"));
            }
            Role::InUnit(n)
        }
        r if r.starts_with('<') && r.ends_with('>') => {
            for w in r[1..r.len() - 1].split_whitespace() {
                positional.push(var_index(w).ok_or_else(|| format!("bad variable in {p:?}"))?);
            }
            if positional.is_empty() {
                return Err(format!("no variable in {p:?}"));
            }
            seq = Seq::Positional;
            Role::Positional
        }
        r if r.starts_with("d(") => {
            let (inner, power) = match r.split_once(")^") {
                Some((v, k)) => (v, k.parse().map_err(|_| format!("bad power in {p:?}"))?),
                None => (r.strip_suffix(')').unwrap_or(r), 1),
            };
            let v = var_index(&inner[2..]).ok_or_else(|| format!("bad variable in {p:?}"))?;
            Role::Interval(v, power)
        }
        r if r.starts_with("poly(") && r.ends_with(')') => {
            let (b, a) = r[5..r.len() - 1]
                .split_once('/')
                .ok_or_else(|| format!("poly(B/A) expected in {p:?}"))?;
            let var = |w: &str| var_index(w.trim()).ok_or_else(|| format!("bad variable in {p:?}"));
            Role::Poly(var(b)?, var(a)?)
        }
        r => Role::Var(var_index(r).ok_or_else(|| format!("bad role in {p:?}"))?),
    };
    Ok(Param {
        names,
        role,
        seq,
        passthrough,
        equality,
        positional,
    })
}

fn parse_alt(r: &mut Reader, rule: &mut FnRule) -> std::result::Result<Alt, String> {
    let guard = if r.eat("[") {
        let negate = r.eat("!");
        let name = r.word()?;
        let g = if r.eat("=") {
            let w = r.word()?;
            let lit = match w {
                "true" => Lit::Bool(true),
                "false" => Lit::Bool(false),
                "none" => Lit::None,
                w => w.parse().map(Lit::Int).unwrap_or(Lit::Str(w)),
            };
            Guard::Equals(name, lit, negate)
        } else {
            Guard::Given(name, negate)
        };
        r.expect("]")?;
        if !rule.params.iter().any(|p| p.names[0] == name) && !rule.options.contains(&name) {
            rule.options.push(name);
        }
        g
    } else {
        Guard::Always
    };
    let mut outputs = Vec::new();
    let mut repeat = false;
    loop {
        let o = if r.eat("-") {
            Output::Plain
        } else if r.eat("!") {
            Output::Refuse(if r.eat("'") {
                let rest = r.rest();
                let end = rest
                    .find('\'')
                    .ok_or("a refusal's reason has no closing quote")?;
                r.pos += end + 1;
                Some(&rest[..end])
            } else {
                None
            })
        } else {
            let e = parse_expr(r, rule)?;
            if r.eat("for ") {
                r.expect("k")?;
                r.expect("in")?;
                let lo = parse_int_term(r, rule)?;
                r.expect("..")?;
                let hi = parse_int_term(r, rule)?;
                Output::Loop(e, lo, hi)
            } else {
                Output::Unit(e)
            }
        };
        outputs.push(o);
        if r.eat("...") {
            repeat = true;
            break;
        }
        if !r.eat(",") {
            break;
        }
    }
    Ok(Alt {
        guard,
        outputs,
        repeat,
    })
}

fn parse_expr(r: &mut Reader, rule: &mut FnRule) -> std::result::Result<Expr, String> {
    let mut e = parse_term(r, rule)?;
    loop {
        if r.eat("*") {
            e = Expr::Mul(Box::new(e), Box::new(parse_term(r, rule)?));
        } else if r.eat("/") {
            e = Expr::Div(Box::new(e), Box::new(parse_term(r, rule)?));
        } else {
            return Ok(e);
        }
    }
}

fn parse_term(r: &mut Reader, rule: &mut FnRule) -> std::result::Result<Expr, String> {
    let atom = if r.eat("(") {
        let e = parse_expr(r, rule)?;
        r.expect(")")?;
        e
    } else {
        let w = r.word()?;
        if w == "1" {
            Expr::One
        } else if let Some(v) = var_index(w) {
            Expr::Var(v)
        } else {
            r.expect("(")?;
            let e = match w {
                "step" | "mul" => {
                    let interval = w == "mul" && r.eat("d(");
                    let v = var_index(r.word()?).ok_or("step()/mul() take a variable")?;
                    if interval {
                        r.expect(")")?;
                    }
                    if w == "step" {
                        Expr::Step(v)
                    } else {
                        Expr::Product(v, interval)
                    }
                }
                "poly" => {
                    let b = var_index(r.word()?).ok_or("poly(B/A) takes variables")?;
                    r.expect("/")?;
                    let a = var_index(r.word()?).ok_or("poly(B/A) takes variables")?;
                    Expr::Coef(b, a)
                }
                "unit" => {
                    let n = r.word()?;
                    if crate::units::registry::registry().get(n).is_none() {
                        return Err(format!("unit({n}): no such unit"));
                    }
                    Expr::Named(n)
                }
                _ => {
                    let x = Box::new(parse_expr(r, rule)?);
                    match w {
                        "d" => Expr::Interval(x),
                        "sum" => Expr::Sum(x),
                        "abs" => Expr::Abs(x),
                        "prod" => Expr::Prod(x),
                        "nanprod" => Expr::NanProd(x),
                        "cumprod" => Expr::CumProd(x),
                        _ => return Err(format!("unknown function {w:?}")),
                    }
                }
            };
            r.expect(")")?;
            e
        }
    };
    if !r.eat("^") {
        return Ok(atom);
    }
    let p = if r.eat("(") {
        let first = parse_int_term(r, rule)?;
        if r.eat("/") {
            let Term::Int(num) = first else {
                return Err("a fraction's numerator must be an integer".into());
            };
            let den = r.int()?;
            r.expect(")")?;
            Exponent::Const(Rational::new(num, den).map_err(|e| e.to_string())?)
        } else {
            let mut terms = vec![(false, first)];
            loop {
                if r.eat("+") {
                    terms.push((false, parse_int_term(r, rule)?));
                } else if r.eat("-") {
                    terms.push((true, parse_int_term(r, rule)?));
                } else {
                    break;
                }
            }
            r.expect(")")?;
            Exponent::Sum(terms)
        }
    } else if r.eat("@") {
        let k: usize = r.int()?.try_into().map_err(|_| "bad @k")?;
        if k >= rule.params.len() {
            return Err(format!("@{k}: no such parameter"));
        }
        Exponent::LastDim(k)
    } else if r
        .rest()
        .trim_start()
        .starts_with(|c: char| c == '-' || c.is_ascii_digit())
    {
        Exponent::Const(Rational::new(r.int()?, 1).map_err(|e| e.to_string())?)
    } else {
        let o = r.word()?;
        if o == "k" {
            Exponent::Sum(vec![(false, Term::Index)])
        } else {
            if !rule.options.contains(&o) {
                rule.options.push(o);
            }
            Exponent::Option(o)
        }
    };
    Ok(Expr::Pow(Box::new(atom), p))
}

/// An integer term: `12`, `-1`, `@0`, `k`, or an integer argument's name.
fn parse_int_term(r: &mut Reader, rule: &mut FnRule) -> std::result::Result<Term, String> {
    r.skip();
    let rest = r.rest();
    if rest.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Ok(Term::Int(r.int()?));
    }
    if r.eat("@") {
        let k: usize = r.int()?.try_into().map_err(|_| "bad @k")?;
        if k >= rule.params.len() {
            return Err(format!("@{k}: no such parameter"));
        }
        return Ok(Term::LastDim(k));
    }
    let w = r.word()?;
    if w == "k" {
        return Ok(Term::Index);
    }
    if !rule.options.contains(&w) {
        rule.options.push(w);
    }
    Ok(Term::Option(w))
}

fn uses_count(o: &Output) -> bool {
    fn walk(e: &Expr) -> bool {
        match e {
            Expr::Prod(_) | Expr::CumProd(_) => true,
            Expr::Var(_)
            | Expr::One
            | Expr::Step(_)
            | Expr::Product(..)
            | Expr::Named(_)
            | Expr::Coef(..) => false,
            Expr::Interval(x)
            | Expr::Sum(x)
            | Expr::Abs(x)
            | Expr::Pow(x, _)
            | Expr::NanProd(x) => walk(x),
            Expr::Mul(a, b) | Expr::Div(a, b) => walk(a) || walk(b),
        }
    }
    matches!(o, Output::Unit(e) | Output::Loop(e, ..) if walk(e))
}

/// Whether an output's unit reads the shapes of the operands.
fn reads_shape(o: &Output) -> bool {
    fn term(t: &Term) -> bool {
        matches!(t, Term::LastDim(_))
    }
    fn exponent(e: &Exponent) -> bool {
        match e {
            Exponent::LastDim(_) => true,
            Exponent::Sum(terms) => terms.iter().any(|(_, t)| term(t)),
            Exponent::Const(_) | Exponent::Option(_) => false,
        }
    }
    fn walk(e: &Expr) -> bool {
        match e {
            Expr::Prod(_) | Expr::CumProd(_) | Expr::Step(_) => true,
            Expr::Pow(x, p) => walk(x) || exponent(p),
            Expr::Interval(x) | Expr::Sum(x) | Expr::Abs(x) | Expr::NanProd(x) => walk(x),
            Expr::Mul(a, b) | Expr::Div(a, b) => walk(a) || walk(b),
            Expr::Var(_) | Expr::One | Expr::Product(..) | Expr::Named(_) | Expr::Coef(..) => false,
        }
    }
    match o {
        Output::Unit(e) => walk(e),
        Output::Loop(e, a, b) => walk(e) || term(a) || term(b),
        Output::Plain | Output::Refuse(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_say_whether_their_units_read_shapes() {
        let shaped = |name: &str| function_rule(name).unwrap().unwrap().shaped;
        for name in ["prod", "cumprod", "linalg.det", "gradient"] {
            assert!(shaped(name), "{name}");
        }
        // matrix_power's exponent is an argument, not a shape
        for name in [
            "sum",
            "mean",
            "var",
            "std",
            "max",
            "nn.functional.mse_loss",
            "linalg.matrix_power",
        ] {
            assert!(!shaped(name), "{name}");
        }
    }

    #[test]
    fn every_rule_parses() {
        for &(names, text) in FUNCTIONS {
            if let Err(e) = parse_rule(text) {
                panic!("{names}: {e}");
            }
        }
    }

    #[test]
    fn no_name_has_two_rules() {
        let mut seen = std::collections::HashSet::new();
        for &(names, _) in FUNCTIONS {
            for n in names.split_whitespace() {
                assert!(seen.insert(n), "{n} has two rules");
            }
        }
    }
}
