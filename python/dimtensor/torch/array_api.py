"""The Array API namespace of ``dimtensor.torch.DimTensor``
(``x.__array_namespace__()``): the same functions and unit rules as the
NumPy, Dask and JAX namespaces (one implementation, ``dimtensor.array_api``),
computed by array-api-compat's torch namespace, autograd included.

>>> import torch
>>> from dimtensor.torch import DimTensor
>>> x = DimTensor(torch.tensor([3.0, 4.0]), "m")
>>> xp = x.__array_namespace__()
>>> xp.linalg.vector_norm(x).to("cm")
DimTensor(500., unit='cm')
"""

from dimtensor.array_api._namespace import populate
from dimtensor.torch.tensor import TORCH

populate(globals(), TORCH)
