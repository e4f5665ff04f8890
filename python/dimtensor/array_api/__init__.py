"""Array API standard namespaces with units (docs/semantics.md).

``DimArray.__array_namespace__()`` returns :mod:`dimtensor.array_api.eager`,
``DaskDimArray.__array_namespace__()`` returns :mod:`dimtensor.array_api.lazy`.
Both implement the 2024.12 standard (with the ``linalg`` and ``fft``
extensions and a ``special`` sub-namespace) over array-api-compat's NumPy
and Dask namespaces, taking every unit decision from the core's rule table.
"""

from dimtensor.array_api._namespace import API_VERSION, namespace_of

__all__ = ["API_VERSION", "namespace_of"]
