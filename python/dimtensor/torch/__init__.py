"""PyTorch tensors with units: :class:`DimTensor` (a ``torch.Tensor``
subclass whose ``__torch_function__`` applies the core's unit rules),
gradients with units (``x.grad`` in V/U, :func:`derivative`), and the
Array API namespace (:mod:`.array_api`).

Importing ``dimtensor`` does not import torch; importing ``dimtensor.torch`` does.
"""

from dimtensor.torch.autograd import derivative, grad_unit
from dimtensor.torch.blocks import map_blocks
from dimtensor.torch.tensor import TORCH, DimTensor

__all__ = ["TORCH", "DimTensor", "derivative", "grad_unit", "map_blocks"]
