"""Search backends, one module each declaring ``BACKENDS`` (found by ``search.registry``)."""
