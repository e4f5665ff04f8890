"""Which handler of :mod:`.dispatch` runs each torch function, built once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

from . import autograd, calls, dispatch, functions
from .dispatch import Ufunc
from .functions import Function, function, signature_names

Handler = Callable[[Any, Any, Any], Any]

# torch's name -> the NumPy ufunc whose rule applies
UFUNCS = {
    "add": "add",
    "sub": "subtract",
    "subtract": "subtract",
    "mul": "multiply",
    "multiply": "multiply",
    "div": "divide",
    "divide": "divide",
    "true_divide": "divide",
    "floor_divide": "floor_divide",
    "remainder": "remainder",
    "fmod": "fmod",
    "pow": "power",
    "float_power": "float_power",
    "neg": "negative",
    "negative": "negative",
    "abs": "absolute",
    "absolute": "absolute",
    "positive": "positive",
    "sqrt": "sqrt",
    "square": "square",
    "exp": "exp",
    "exp2": "exp2",
    "expm1": "expm1",
    "log": "log",
    "log2": "log2",
    "log10": "log10",
    "log1p": "log1p",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "asin": "arcsin",
    "acos": "arccos",
    "atan": "arctan",
    "arcsin": "arcsin",
    "arccos": "arccos",
    "arctan": "arctan",
    "atan2": "arctan2",
    "arctan2": "arctan2",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "asinh": "arcsinh",
    "acosh": "arccosh",
    "atanh": "arctanh",
    "arcsinh": "arcsinh",
    "arccosh": "arccosh",
    "arctanh": "arctanh",
    "floor": "floor",
    "ceil": "ceil",
    "round": "rint",
    "trunc": "trunc",
    "fix": "trunc",
    "sign": "sign",
    "sgn": "sign",
    "signbit": "signbit",
    "reciprocal": "reciprocal",
    "maximum": "maximum",
    "minimum": "minimum",
    "fmax": "fmax",
    "fmin": "fmin",
    "hypot": "hypot",
    "eq": "equal",
    "ne": "not_equal",
    "lt": "less",
    "le": "less_equal",
    "gt": "greater",
    "ge": "greater_equal",
    "greater": "greater",
    "greater_equal": "greater_equal",
    "less": "less",
    "less_equal": "less_equal",
    "not_equal": "not_equal",
    "isnan": "isnan",
    "isinf": "isinf",
    "isfinite": "isfinite",
    "logical_and": "logical_and",
    "logical_or": "logical_or",
    "logical_xor": "logical_xor",
    "logical_not": "logical_not",
    "bitwise_and": "bitwise_and",
    "bitwise_or": "bitwise_or",
    "bitwise_xor": "bitwise_xor",
    "bitwise_not": "invert",
    "bitwise_left_shift": "left_shift",
    "bitwise_right_shift": "right_shift",
    "copysign": "copysign",
    "logaddexp": "logaddexp",
    "logaddexp2": "logaddexp2",
    "nextafter": "nextafter",
    "deg2rad": "deg2rad",
    "rad2deg": "rad2deg",
    "conj": "conjugate",
    "conj_physical": "conjugate",
    "heaviside": "heaviside",
    "matmul": "matmul",
}

_UNARY = (
    "neg negative abs absolute positive sqrt square exp exp2 expm1 log log2 log10 log1p sin cos "
    "tan asin acos atan arcsin arccos arctan sinh cosh tanh asinh acosh atanh arcsinh arccosh "
    "arctanh floor ceil round trunc fix sign sgn signbit reciprocal isnan isinf isfinite "
    "logical_not bitwise_not deg2rad rad2deg conj conj_physical"
).split()

_SECOND = {"pow": "exponent", "float_power": "exponent"}

# Python operators on tensors: (rule, reflected)
OPERATORS = {
    "__add__": ("add", False),
    "__radd__": ("add", True),
    "__iadd__": ("add", False),
    "__sub__": ("subtract", False),
    "__rsub__": ("subtract", True),
    "__isub__": ("subtract", False),
    "__mul__": ("multiply", False),
    "__rmul__": ("multiply", True),
    "__imul__": ("multiply", False),
    "__truediv__": ("divide", False),
    "__rtruediv__": ("divide", True),
    "__itruediv__": ("divide", False),
    "__div__": ("divide", False),
    "__rdiv__": ("divide", True),
    "__floordiv__": ("floor_divide", False),
    "__rfloordiv__": ("floor_divide", True),
    "__ifloordiv__": ("floor_divide", False),
    "__mod__": ("remainder", False),
    "__rmod__": ("remainder", True),
    "__imod__": ("remainder", False),
    "__pow__": ("power", False),
    "__rpow__": ("power", True),
    "__ipow__": ("power", False),
    "__matmul__": ("matmul", False),
    "__rmatmul__": ("matmul", True),
    "__lt__": ("less", False),
    "__le__": ("less_equal", False),
    "__gt__": ("greater", False),
    "__ge__": ("greater_equal", False),
    "__eq__": ("equal", False),
    "__ne__": ("not_equal", False),
    "__and__": ("bitwise_and", False),
    "__rand__": ("bitwise_and", True),
    "__or__": ("bitwise_or", False),
    "__ror__": ("bitwise_or", True),
    "__xor__": ("bitwise_xor", False),
    "__rxor__": ("bitwise_xor", True),
    "__iand__": ("bitwise_and", False),
    "__ior__": ("bitwise_or", False),
    "__ixor__": ("bitwise_xor", False),
    "__lshift__": ("left_shift", False),
    "__rlshift__": ("left_shift", True),
    "__ilshift__": ("left_shift", False),
    "__rshift__": ("right_shift", False),
    "__rrshift__": ("right_shift", True),
    "__irshift__": ("right_shift", False),
    "__neg__": ("negative", False),
    "__pos__": ("positive", False),
    "__abs__": ("absolute", False),
    "__invert__": ("invert", False),
}

# torch functions with a function rule: torch name -> (rule, torch's
# positional params; "torch_name=rule_name" where the names differ and
# dispatch's shared aliases do not map them)
FUNCTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sum": ("sum", ("input", "dim", "keepdim")),
    "nansum": ("nansum", ("input", "dim", "keepdim")),
    "mean": ("mean", ("input", "dim", "keepdim")),
    "nanmean": ("nanmean", ("input", "dim", "keepdim")),
    "std": ("std", ("input", "dim")),
    "var": ("var", ("input", "dim")),
    "std_mean": ("torch.std_mean", ("input", "dim")),
    "var_mean": ("torch.var_mean", ("input", "dim")),
    "prod": ("prod", ("input", "dim", "keepdim")),
    "cumsum": ("cumsum", ("input", "dim")),
    "cumprod": ("cumprod", ("input", "dim")),
    "amax": ("amax", ("input", "dim", "keepdim")),
    "amin": ("amin", ("input", "dim", "keepdim")),
    "aminmax": ("torch.aminmax", ("input",)),
    "quantile": ("quantile", ("input", "q", "dim")),
    "nanquantile": ("nanquantile", ("input", "q", "dim")),
    "argmax": ("argmax", ("input", "dim", "keepdim")),
    "argmin": ("argmin", ("input", "dim", "keepdim")),
    "argsort": ("argsort", ("input", "dim")),
    "count_nonzero": ("count_nonzero", ("input", "dim")),
    "nonzero": ("nonzero", ("input",)),
    "all": ("all", ("input", "dim")),
    "any": ("any", ("input", "dim")),
    "sort": ("torch.sort", ("input", "dim")),
    "topk": ("torch.topk", ("input", "k")),
    "kthvalue": ("torch.kthvalue", ("input", "k")),
    "mode": ("torch.mode", ("input", "dim")),
    "cummax": ("torch.cummax", ("input", "dim")),
    "cummin": ("torch.cummin", ("input", "dim")),
    "msort": ("sort", ("input",)),
    "unique": ("unique", ("input",)),
    "cat": ("concatenate", ("tensors", "dim")),
    "concat": ("concatenate", ("tensors", "dim")),
    "concatenate": ("concatenate", ("tensors", "dim")),
    "hstack": ("hstack", ("tensors",)),
    "vstack": ("vstack", ("tensors",)),
    "dstack": ("dstack", ("tensors",)),
    "column_stack": ("column_stack", ("tensors",)),
    "stack": ("stack", ("tensors", "dim")),
    "where": ("where", ("condition", "input", "other")),
    "clamp": ("clip", ("input", "min", "max")),
    "clip": ("clip", ("input", "min", "max")),
    "clamp_min": ("clip", ("input", "min")),
    "clamp_max": ("clip", ("input", "max")),
    "lerp": ("torch.lerp", ("input", "end", "weight")),
    "diff": ("diff", ("input", "n", "dim", "prepend", "append")),
    "trapezoid": ("trapezoid", ("y", "x")),
    "trapz": ("trapezoid", ("y", "x")),
    "cumulative_trapezoid": ("torch.cumulative_trapezoid", ("y", "x")),
    "dot": ("dot", ("input", "other")),
    "vdot": ("vdot", ("input", "other")),
    "inner": ("inner", ("input", "other")),
    "outer": ("outer", ("input", "vec2")),
    "ger": ("outer", ("input", "vec2")),
    "mm": ("matmul", ("input", "mat2")),
    "bmm": ("matmul", ("input", "mat2")),
    "mv": ("matmul", ("input", "vec")),
    "tensordot": ("tensordot", ("a", "b")),
    "kron": ("kron", ("input", "other")),
    "cross": ("cross", ("input", "other")),
    "cdist": ("torch.cdist", ("x1", "x2")),
    "dist": ("torch.dist", ("input", "other", "p")),
    "norm": ("linalg.norm", ("input", "p")),
    "logsumexp": ("special.logsumexp", ("input", "dim")),
    "softmax": ("special.softmax", ("input", "dim")),
    "log_softmax": ("special.log_softmax", ("input", "dim")),
    "sigmoid": ("special.expit", ("input",)),
    "logit": ("special.logit", ("input",)),
    "erf": ("special.erf", ("input",)),
    "erfc": ("special.erfc", ("input",)),
    "erfinv": ("special.erfinv", ("input",)),
    "lgamma": ("special.gammaln", ("input",)),
    "digamma": ("special.digamma", ("input",)),
    "i0": ("special.i0", ("input",)),
    "xlogy": ("special.xlogy", ("input", "other")),
    "relu": ("nn.functional.relu", ("input",)),
    "full_like": ("full_like", ("input", "fill_value")),
    "nan_to_num": ("nan_to_num", ("input", "nan", "posinf", "neginf")),
    "isclose": ("isclose", ("input", "other=b", "rtol", "atol")),
    "allclose": ("allclose", ("input", "other=b", "rtol", "atol")),
    "equal": ("array_equal", ("input=a1", "other=a2")),
    "isin": ("isin", ("elements=element", "test_elements")),
    "searchsorted": ("searchsorted", ("sorted_sequence=a", "input=v")),
    "bucketize": ("digitize", ("input=x", "boundaries=bins")),
    "histogram": ("histogram", ("input=a", "bins", "range", "weight=weights")),
    "trace": ("trace", ("input",)),
    "angle": ("angle", ("input=z",)),
    "argwhere": ("argwhere", ("input",)),
    "isneginf": ("isneginf", ("input",)),
    "isposinf": ("isposinf", ("input",)),
    "isreal": ("isreal", ("input",)),
    "sinc": ("sinc", ("input",)),
    "diagflat": ("diagflat", ("input", "offset")),
    "cov": ("cov", ("input=m",)),
    "corrcoef": ("corrcoef", ("input=x",)),
    "bincount": ("bincount", ("input", "weights", "minlength")),
}

LINALG = {
    "diagonal": ("linalg.diagonal", ("A", "offset", "dim1", "dim2")),
    "multi_dot": ("linalg.multi_dot", ("tensors",)),
    "tensorinv": ("linalg.tensorinv", ("A=a", "ind")),
    "tensorsolve": ("linalg.tensorsolve", ("A=a", "B=b", "dims")),
    "inv": ("linalg.inv", ("A",)),
    "pinv": ("linalg.pinv", ("A",)),
    "solve": ("linalg.solve", ("A", "B")),
    "det": ("linalg.det", ("A",)),
    "slogdet": ("linalg.slogdet", ("A",)),
    "matrix_power": ("linalg.matrix_power", ("A", "n")),
    "eigvals": ("linalg.eigvals", ("A",)),
    "eigvalsh": ("linalg.eigvalsh", ("A",)),
    "svdvals": ("linalg.svdvals", ("A",)),
    "eig": ("linalg.eig", ("A",)),
    "eigh": ("linalg.eigh", ("A",)),
    "svd": ("linalg.svd", ("A",)),
    "qr": ("linalg.qr", ("A", "mode")),
    "cholesky": ("linalg.cholesky", ("A",)),
    "lstsq": ("linalg.lstsq", ("A", "B")),
    "cond": ("linalg.cond", ("A",)),
    "matrix_rank": ("linalg.matrix_rank", ("A",)),
    "norm": ("linalg.norm", ("A", "ord")),
    "vector_norm": ("linalg.vector_norm", ("x", "ord")),
    "matrix_norm": ("linalg.matrix_norm", ("A",)),
    "cross": ("linalg.cross", ("input", "other")),
    "vecdot": ("linalg.vecdot", ("x", "y")),
    "matmul": ("linalg.matmul", ("input", "other")),
}

FFT = {
    n: ("fft." + n, ("input",))
    for n in "fft ifft fft2 ifft2 fftn ifftn rfft irfft rfft2 irfft2 rfftn irfftn hfft ihfft "
    "fftshift ifftshift".split()
}

SPECIAL = {
    n: ("special." + n, ("input",))
    for n in "expit erf erfc erfinv logit gammaln i0 i0e i1 i1e ndtr ndtri log_ndtr psi "
    "digamma entr".split()
}
SPECIAL.update(
    {
        "erfcx": ("special.erfcx", ("input",)),
        "exp2": ("special.exp2", ("input",)),
        "zeta": ("special.zeta", ("input=x", "other=q")),
        "polygamma": ("special.polygamma", ("n", "input")),
        "multigammaln": ("special.multigammaln", ("input=a", "p")),
        "xlogy": ("special.xlogy", ("input", "other")),
        "xlog1py": ("special.xlog1py", ("input", "other")),
        "gammainc": ("special.gammainc", ("input", "other")),
        "gammaincc": ("special.gammaincc", ("input", "other")),
        "logsumexp": ("special.logsumexp", ("input", "dim")),
        "softmax": ("special.softmax", ("input", "dim")),
        "log_softmax": ("special.log_softmax", ("input", "dim")),
    }
)

# Rearranging, copying, moving, casting: the unit is kept.
KEEP = (
    "reshape view view_as reshape_as flatten unflatten ravel squeeze unsqueeze permute "
    "transpose swapaxes swapdims movedim moveaxis t adjoint flip fliplr flipud rot90 roll "
    "repeat tile repeat_interleave expand expand_as broadcast_to narrow narrow_copy select "
    "index_select gather take take_along_dim masked_select diag diagonal diag_embed triu tril "
    "clone detach contiguous to cuda cpu double float half bfloat16 type type_as pin_memory "
    "split chunk unbind tensor_split hsplit vsplit dsplit real imag zeros_like ones_like "
    "empty_like rand_like randn_like atleast_1d atleast_2d atleast_3d unfold as_strided "
    "resolve_conj resolve_neg coalesce to_dense combinations view_as_complex view_as_real"
).split()

# properties whose getter returns a tensor with the same unit
KEEP_PROPERTIES = ("T", "mT", "H", "mH", "data", "real", "imag")

# Metadata and machinery: no tensor with a unit comes out.
PASSTHROUGH = (
    "size dim numel nelement ndimension element_size stride storage_offset is_contiguous "
    "is_floating_point is_complex is_signed get_device data_ptr untyped_storage "
    "is_pinned is_shared is_set_to _is_view __len__ __hash__ __deepcopy__ __reduce_ex__ "
    "__setstate__ __getstate__ __bool__ register_hook register_post_accumulate_grad_hook "
    "__format__ __repr__ __str__ __dir__ __sizeof__ __contains__ __dlpack_device__ "
    "_typed_storage storage __array_priority__ is_inference dim_order _version "
    "__array_wrap__ as_subclass detach_ share_memory_ squeeze_ unsqueeze_ t_ transpose_"
).split()
PASSTHROUGH_PROPERTIES = (
    "shape dtype device layout is_leaf grad_fn requires_grad is_cuda is_cpu is_sparse "
    "is_quantized is_meta is_mkldnn is_nested names ndim output_nr _base _cdata "
    "_backward_hooks _post_accumulate_grad_hooks itemsize nbytes is_mps is_xpu "
    "is_sparse_csr retains_grad _grad_fn _grad _version"
).split()

EXPORTS = "item tolist numpy __float__ __int__ __index__ __complex__ __array__ __dlpack__".split()


def _ufunc_spec(torch_name: str, inplace: bool = False) -> Ufunc:
    rule = UFUNCS[torch_name]
    if torch_name in _UNARY:
        return Ufunc(rule, ((0, "input"),), inplace)
    return Ufunc(rule, ((0, "input"), (1, _SECOND.get(torch_name, "other"))), inplace)


def _bind_ufunc(spec: Ufunc) -> Handler:
    return lambda func, args, kwargs: dispatch.run_ufunc(spec, func, args, kwargs)


def _bind_function(spec: Function) -> Handler:
    return lambda func, args, kwargs: functions.run_function(spec, func, args, kwargs)


def _max_like(rule: str, elementwise: str, dim_rule: str) -> Handler:
    """torch.max/min/median: of all values, along a dim (values, indices), or
    elementwise between two tensors."""
    whole = function(rule, ("input",))
    along = function(dim_rule, ("input", "dim"))
    pair = Ufunc(elementwise, ((0, "input"), (1, "other")))

    def run(func: Any, args: Any, kwargs: Any) -> Any:
        second = args[1] if len(args) > 1 else kwargs.get("other", kwargs.get("dim"))
        if isinstance(second, torch.Tensor) or "other" in kwargs:
            return dispatch.run_ufunc(pair, func, args, kwargs)
        if second is not None:
            return functions.run_function(along, func, args, kwargs)
        return functions.run_function(whole, func, args, kwargs)

    return run


def _where(func: Any, args: Any, kwargs: Any) -> Any:
    if len(args) + len(kwargs) == 1:  # torch.where(condition): indices
        return functions.run_function(_NONZERO, torch.nonzero, args, {"as_tuple": True})
    return functions.run_function(_WHERE, func, args, kwargs)


def _einsum(func: Any, args: Any, kwargs: Any) -> Any:
    equation, *operands = args
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = list(operands[0])  # torch.einsum("ij,jk", [a, b])
    keys = tuple((dispatch.key(x), dispatch.shape(x)) for x in operands)
    from . import plans

    convs, units, _, _ = plans.function_plan_of("einsum", (keys,), ())
    raws = [dispatch.convert(x, c) for x, c in zip(operands, convs[0], strict=True)]
    with dispatch.PLAIN():
        result = func(equation, *raws, **kwargs)
    return dispatch.wrap(result, units[0], raws)


def _gradient(func: Any, args: Any, kwargs: Any) -> Any:
    """``torch.gradient(input, spacing=...)``: NumPy's ``gradient`` rule,
    torch's ``spacing`` (one step, or one step or coordinate tensor per
    dimension) in the place of NumPy's ``varargs``."""
    from . import plans

    kwargs = dict(kwargs)
    (f,) = args
    spacing = kwargs.pop("spacing", 1.0)
    steps = list(spacing) if isinstance(spacing, (list, tuple)) else [spacing]
    params = (
        ((dispatch.key(f), dispatch.shape(f)),),
        tuple((dispatch.key(s), dispatch.shape(s)) for s in steps),
    )
    convs, units, _, _ = plans.function_plan_of("gradient", params, ())
    raw = dispatch.convert(f, convs[0][0])
    raws = [dispatch.convert(s, c) for s, c in zip(steps, convs[1], strict=True)]
    plain = [dispatch.bare(s) if isinstance(s, torch.Tensor) else s for s in raws]
    with dispatch.PLAIN():
        results = func(
            dispatch.bare(raw),
            spacing=type(spacing)(plain) if isinstance(spacing, (list, tuple)) else plain[0],
            **kwargs,
        )
    # one unit per result; the last applies to further results (one step for all)
    return tuple(dispatch.wrap(r, units[min(k, len(units) - 1)]) for k, r in enumerate(results))


_NONZERO: Function
_WHERE: Function

# torch's operators written in Python (torch/_tensor.py), by what they compute
_PYTHON_OPERATORS: dict[str, Callable[..., Any]] = {
    "__pow__": lambda a, b: torch.pow(a, b),
    "__rpow__": lambda a, b: torch.pow(b, a),
    "__rsub__": lambda a, b: torch.rsub(a, b),
    "__rtruediv__": lambda a, b: torch.reciprocal(a) * b,
    "__rdiv__": lambda a, b: torch.reciprocal(a) * b,
    "__floordiv__": lambda a, b: torch.floor_divide(a, b),
    "__rfloordiv__": lambda a, b: torch.floor_divide(b, a),
    "__rmod__": lambda a, b: torch.remainder(b, a),
    "__rmatmul__": lambda a, b: torch.matmul(b, a),
}


@functools.cache
def handlers() -> dict[Any, Handler]:
    """Every torch function with a handler."""
    global _NONZERO, _WHERE
    _NONZERO = function("nonzero", ("input",))
    _WHERE = function("where", ("condition", "input", "other"))
    table: dict[Any, Handler] = {}

    def add(obj: Any, handler: Handler) -> None:
        if obj is not None:
            table.setdefault(obj, handler)

    T = torch.Tensor
    for name in UFUNCS:
        handler = _bind_ufunc(_ufunc_spec(name))
        add(getattr(torch, name, None), handler)
        add(getattr(T, name, None), handler)
        add(getattr(T, name + "_", None), _bind_ufunc(_ufunc_spec(name, inplace=True)))
    for dunder, (rule, reflected) in OPERATORS.items():
        call = _PYTHON_OPERATORS.get(dunder)
        if dunder in ("__neg__", "__pos__", "__abs__", "__invert__"):
            spec = Ufunc(rule, ((0, "input"),), call=call)
        elif reflected:
            spec = Ufunc(rule, ((1, "other"), (0, "input")), call=call)
        else:
            spec = Ufunc(rule, ((0, "input"), (1, "other")), dunder.startswith("__i"), call)
        add(getattr(T, dunder, None), _bind_ufunc(spec))
    add(T.rsqrt, _rsqrt)
    add(torch.rsqrt, _rsqrt)
    for name, (rule, params) in FUNCTIONS.items():
        spec = function(rule, params, floats=_FLOATS.get(name, ()))
        add(getattr(torch, name, None), _bind_function(spec))
        add(getattr(T, name, None), _bind_function(spec))
        if name in ("clamp", "clip", "clamp_min", "clamp_max", "lerp"):
            add(getattr(T, name + "_", None), _bind_function(function(rule, params, True)))
    for mod, entries in ((torch.linalg, LINALG), (torch.fft, FFT), (torch.special, SPECIAL)):
        for name, (rule, params) in entries.items():
            add(getattr(mod, name, None), _bind_function(function(rule, params)))
    add(torch.fft.fftfreq, _bind_function(function("fft.fftfreq", ("n", "d"))))
    add(torch.fft.rfftfreq, _bind_function(function("fft.rfftfreq", ("n", "d"))))
    for name, (rule, dim_rule, pair) in {
        "max": ("max", "torch.max.dim", "maximum"),
        "min": ("min", "torch.min.dim", "minimum"),
        "median": ("median", "torch.median.dim", "maximum"),
        "nanmedian": ("nanmedian", "torch.nanmedian.dim", "maximum"),
    }.items():
        handler = _max_like(rule, pair, dim_rule)
        add(getattr(torch, name), handler)
        add(getattr(T, name), handler)
    add(torch.where, _where)
    add(
        T.where,
        _bind_function(
            function("where", ("input", "condition", "other"), aliases={"x": "input", "y": "other"})
        ),
    )
    add(torch.einsum, _einsum)
    add(torch.gradient, _gradient)
    for name in KEEP:
        add(getattr(torch, name, None), calls.run_keep)
        add(getattr(T, name, None), calls.run_keep)
    for name in KEEP_PROPERTIES:
        prop = getattr(T, name, None)
        if prop is not None and hasattr(prop, "__get__"):
            add(prop.__get__, calls.run_keep)
        if prop is not None and hasattr(prop, "__set__"):
            add(prop.__set__, calls.run_fill)  # x.data = y: y in x's unit
    add(T.__getitem__, calls.run_getitem)
    add(T.__setitem__, calls.run_setitem)
    for f in (T.fill_, T.copy_, T.masked_fill_, T.masked_fill):
        add(f, calls.run_fill if f is not T.masked_fill else _masked_fill)
    for name in (
        "new_zeros",
        "new_ones",
        "new_full",
        "new_empty",
        "new_empty_strided",
        "new_tensor",
    ):
        add(getattr(T, name), calls.run_new)
    add(T.zero_, calls.run_passthrough)
    for name in ("uniform_", "normal_"):
        add(getattr(T, name), calls.run_passthrough)  # values in the tensor's own unit
    for name in PASSTHROUGH:
        add(getattr(T, name, None), calls.run_passthrough)
    for name in PASSTHROUGH_PROPERTIES:
        prop = getattr(T, name, None)
        if prop is not None and hasattr(prop, "__get__"):
            add(prop.__get__, calls.run_passthrough)
            if hasattr(prop, "__set__"):
                add(prop.__set__, calls.run_passthrough)
    for name in EXPORTS:
        add(getattr(T, name, None), calls.run_export)
    autograd.install(table, add)
    # torch.nn.functional
    for name in FUNCTIONAL:
        f = getattr(F, name)
        bound = _FLOAT_BOUNDS.get(name)
        spec = function(
            "nn.functional." + name,
            functional_params(name, f),
            call=_CALLS.get(name),
            floats=bound[:1] if bound else (),
        )
        add(f, _bind_function(spec) if bound is None else calls.with_float_bound(spec, *bound))
        # max pooling with return_indices=True runs a function of its own
        with_indices = getattr(F, name + "_with_indices", None)
        if with_indices is not None:
            spec = function("nn.functional." + name, signature_names(with_indices))
            add(with_indices, _bind_function(spec))
    add(F.linear, calls.run_biased("matmul"))
    for name in ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d"):
        add(getattr(F, name), calls.run_biased("convolve"))
    return table


# torch.nn.functional functions with the rule "nn.functional.<name>"
FUNCTIONAL = (
    "mse_loss l1_loss smooth_l1_loss huber_loss cross_entropy nll_loss binary_cross_entropy "
    "binary_cross_entropy_with_logits kl_div cosine_similarity pairwise_distance "
    "normalize relu leaky_relu dropout dropout1d dropout2d dropout3d sigmoid tanh "
    "softplus gelu silu mish elu selu celu logsigmoid softsign hardtanh hardsigmoid "
    "hardswish relu6 softmax log_softmax softmin glu layer_norm group_norm batch_norm "
    "instance_norm embedding pad interpolate avg_pool1d avg_pool2d avg_pool3d "
    "adaptive_avg_pool1d adaptive_avg_pool2d max_pool1d max_pool2d max_pool3d "
    "adaptive_max_pool1d adaptive_max_pool2d"
).split()

# Parameters torch takes as Python floats (quantities here, converted, then
# handed over as floats), besides those below
_FLOATS = {"histogram": ("range",)}

# nn.functional's float parameters that meet the operands' values, whose
# plain default is refused next to dimensional operands: (name, torch's
# default where torch does not pass it on (a function written in C), the
# power of the operands' unit it is in)
_FLOAT_BOUNDS: dict[str, tuple[str, float | None, int]] = {
    "smooth_l1_loss": ("beta", None, 1),
    "huber_loss": ("delta", None, 1),
    "pairwise_distance": ("eps", 1e-6, 1),
    "layer_norm": ("eps", None, 2),
    "group_norm": ("eps", None, 2),
}

# nn.functional functions written in C, or behind torch's boolean
# dispatch (``*args, **kwargs``), whose positional parameters Python cannot
# read: from torch's documentation.
_FUNCTIONAL_PARAMS = {
    "cosine_similarity": ("x1", "x2", "dim", "eps"),
    "pairwise_distance": ("x1", "x2", "p", "eps", "keepdim"),
    "max_pool1d": ("input", "kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "max_pool2d": ("input", "kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "max_pool3d": ("input", "kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "adaptive_max_pool1d": ("input", "output_size", "return_indices"),
    "adaptive_max_pool2d": ("input", "output_size", "return_indices"),
}


# nn.functional functions written in Python that Dynamo cannot run with
# torch functions disabled (they check for overrides again): what they call.
_CALLS = {"pad": torch._C._nn.pad}


def functional_params(name: str, f: Any) -> list[str]:
    """Positional parameter names of ``torch.nn.functional.<name>``."""
    if name in _FUNCTIONAL_PARAMS:
        return list(_FUNCTIONAL_PARAMS[name])
    try:
        params = signature_names(f)
    except (TypeError, ValueError):  # written in C: one tensor operand
        params = []
    return params or ["input"]


def _rsqrt(func: Any, args: Any, kwargs: Any) -> Any:
    """1/sqrt(x): the rule of ``x ** -0.5``."""
    x = args[0]
    from . import plans

    convs, outs, _ = plans.ufunc_plan("power", -0.5, dispatch.key(x), None)
    with dispatch.PLAIN():
        result = func(dispatch.convert(x, convs[0]))
    return dispatch.wrap(result, outs[0], args)


def _masked_fill(func: Any, args: Any, kwargs: Any) -> Any:
    x, mask, value = args[0], args[1], args[2] if len(args) > 2 else kwargs["value"]
    from . import plans

    unit, convs = plans.same_unit_plan("masked_fill", dispatch.key(x), dispatch.key(value))
    with dispatch.PLAIN():
        result = func(x, dispatch.plain(mask, "a mask"), dispatch.convert(value, convs[1]))
    return dispatch.wrap(result, unit, args)


@functools.cache
def operators() -> dict[str, Callable[..., Any]]:
    """DimTensor's own Python operators: ``x + y`` calls ``operators()["__add__"]``."""
    found: dict[str, Callable[..., Any]] = {}
    for dunder, (rule, reflected) in OPERATORS.items():
        call = _PYTHON_OPERATORS.get(dunder) or getattr(torch.Tensor, dunder)
        if dunder in ("__neg__", "__pos__", "__abs__", "__invert__"):
            spec = Ufunc(rule, ((0, "input"),), call=call)
        elif reflected:
            spec = Ufunc(rule, ((1, "other"), (0, "input")), call=call)
        else:
            spec = Ufunc(rule, ((0, "input"), (1, "other")), dunder.startswith("__i"), call)
        op = dispatch.operator(spec)
        op.__name__, op.__qualname__ = dunder, f"DimTensor.{dunder}"
        found[dunder] = op
    return found


# The torch.Tensor methods called most in training and analysis code.
# DimTensor defines them itself, which skips torch's dispatch into
# __torch_function__ (about 1.5 µs a call); their rules are the table's.
FAST_METHODS = (
    "sum mean std var amax amin sqrt square abs exp log sin cos tanh neg reciprocal"
).split()


def methods(table: dict[Any, Handler]) -> dict[str, Callable[..., Any]]:
    """DimTensor's own methods for :data:`FAST_METHODS`, given :func:`handlers`."""
    found: dict[str, Callable[..., Any]] = {}
    for name in FAST_METHODS:
        func = getattr(torch.Tensor, name)
        if name in UFUNCS:
            spec: Ufunc | Function = _ufunc_spec(name)
        else:
            rule, params = FUNCTIONS[name]
            spec = function(rule, params)
        found[name] = functions.method(func, table[func], spec)
    return found


@functools.cache
def by_name() -> dict[str, Handler]:
    """The handlers of Python-level functions, by qualified name."""
    import types

    found: dict[str, Handler] = {}
    for f, h in handlers().items():
        if isinstance(f, types.FunctionType):
            found.setdefault(f.__qualname__, h)
    return found
