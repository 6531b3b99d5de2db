"""The MiniLM encoder: ONNX Runtime on a graph exported from the installed weights."""

from __future__ import annotations

import os

import numpy as np

from pressdiff import minilm_onnx, nlp, pipeline


def test_onnx_export_gives_the_torch_models_vectors(tmp_path, monkeypatch, example_dir):
    monkeypatch.setenv("PRESSDIFF_CACHE", str(tmp_path))
    encode = minilm_onnx.load(threads=1)
    assert encode is not None
    assert len(list(tmp_path.glob("minilm-*.onnx"))) == 1
    articles, _ = pipeline.load([str(example_dir)])
    # Short and long texts in one call: batches of mixed length, and truncation at 256 tokens.
    texts = [line for a in articles for line in a.text.splitlines() if line.strip()]
    texts += [a.text for a in articles]
    ours = encode(texts, 64)
    theirs = nlp._torch_encoder("cpu")(texts, 64)
    assert ours.shape == theirs.shape == (len(texts), 384)
    assert np.abs(ours - theirs).max() <= minilm_onnx.SAME_VECTORS
    # A second load finds the verified export and does not export again.
    assert minilm_onnx.load(threads=1) is not None
    assert len(list(tmp_path.glob("*"))) == 1


def test_threads_follow_the_environment(monkeypatch):
    monkeypatch.setenv("PRESSDIFF_THREADS", "3")
    assert nlp.threads() == 3
    monkeypatch.delenv("PRESSDIFF_THREADS")
    assert nlp.threads() == len(os.sched_getaffinity(0))
