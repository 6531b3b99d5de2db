"""The MiniLM encoder: ONNX Runtime on a graph exported from the installed weights."""

from __future__ import annotations

import os
import time
from collections import Counter

import numpy as np

from pressdiff import minilm_onnx, nlp, pipeline


def test_onnx_export_gives_the_torch_models_vectors(tmp_path, monkeypatch, example_dir):
    monkeypatch.setenv("PRESSDIFF_CACHE", str(tmp_path))
    # What an earlier version left: a stale export, one in use by another checkout, one
    # being written, and a file that is not an export.
    stale, in_use = (
        tmp_path / "minilm-00000000000000aa.onnx",
        tmp_path / "minilm-00000000000000bb.onnx",
    )
    writing, other = tmp_path / "minilm-00000000000000cc.4242.tmp", tmp_path / "minilm-notes.onnx"
    long_ago = time.time() - 2 * minilm_onnx.KEEP_UNUSED_S
    for f in (stale, in_use, writing, other):
        f.write_bytes(b"old")
        os.utime(f, (long_ago, long_ago))
    os.utime(in_use)
    encode = minilm_onnx.load(threads=1)
    assert encode is not None
    new = minilm_onnx._graph_path()
    # The new export supersedes the stale one only.
    assert sorted(tmp_path.iterdir()) == sorted([new, in_use, writing, other])
    for f in (in_use, writing, other):
        f.unlink()
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


def test_analyses_run_numpys_blas_on_one_thread_and_give_it_back():
    from threadpoolctl import threadpool_info, threadpool_limits

    def blas_threads() -> list[int]:
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    with threadpool_limits(limits=2, user_api="blas"):
        assert blas_threads() and set(blas_threads()) == {2}
        rng = np.random.default_rng(0)
        a, b = rng.random((40, 384), dtype=np.float32), rng.random((384, 30), dtype=np.float32)
        before = a @ b
        with nlp.small_products():
            assert set(blas_threads()) == {1}
            assert np.array_equal(a @ b, before)  # each entry computed the same way
        assert set(blas_threads()) == {2}


def test_a_vector_depends_on_its_text_alone(example_dir):
    """Bit for bit the same vector whatever else is encoded with it and on how many threads:
    so encoding fewer or other texts beside it can never move a similarity."""
    path = minilm_onnx._graph_path()
    assert minilm_onnx.load(threads=1) is not None  # exported into the user cache if need be
    one, two = minilm_onnx._session_encoder(path, 1), minilm_onnx._session_encoder(path, 2)
    articles, _ = pipeline.load([str(example_dir)])
    lines = [line for a in articles for line in a.text.splitlines() if line.strip()][:40]
    lengths = Counter(len(e.ids) for e in minilm_onnx._tokenizer().encode_batch(lines))
    assert max(lengths.values()) >= 3  # texts of one length share a batch
    together = one(lines, 64)
    assert np.array_equal(together[::-1], two(lines[::-1], 64))
    assert np.array_equal(together, one(lines, 2))  # other batch mates, and lone texts
    assert all(np.array_equal(one([line], 64)[0], together[i]) for i, line in enumerate(lines))
    # Texts cut at 256 tokens, more than one batch holds (minilm_onnx.BATCH_TOKENS).
    long = [a.text[start:] for a in articles for start in (0, 300, 600)]
    lengths = Counter(len(e.ids) for e in minilm_onnx._tokenizer().encode_batch(long))
    assert lengths[minilm_onnx.MAX_TOKENS] * minilm_onnx.MAX_TOKENS > minilm_onnx.BATCH_TOKENS
    assert all(np.array_equal(one([t], 64)[0], v) for t, v in zip(long, two(long, 64), strict=True))
    # Texts that differ only in blanks have the same tokens, hence the same vector.
    spaced = ["  " + lines[0].replace(" ", " \n ") + "\t"]
    assert np.array_equal(one(spaced, 64)[0], together[0])
