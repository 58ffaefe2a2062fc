"""One way to open a PP-OCR model on onnxruntime's CPU provider, for every model casefile runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onnxruntime import InferenceSession


def cpu_session(model_path: Path, threads: int, *, memory_arena: bool = True) -> InferenceSession:
    """A session of ``model_path`` with ``threads`` intra-op threads and graphs fully optimised.

    One inter-op thread: the models are chains, and the cores are shared out between processes
    (one per core), not inside one. ``memory_arena=False`` for a model that sees inputs of very
    different sizes (a detector on whole pages): an arena would keep the largest.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_cpu_mem_arena = memory_arena
    options.log_severity_level = 3
    return ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
