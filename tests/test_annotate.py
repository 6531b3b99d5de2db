"""Annotation is computed once per article and kept: on the article, and in the store."""

from __future__ import annotations

import numpy as np

from pressdiff import nlp, pipeline
from pressdiff.annotate import annotate, embedder
from pressdiff.model import Article
from pressdiff.store import Store


def _fresh(example_dir) -> list[Article]:
    articles, rejected = pipeline.load([str(example_dir)])
    assert not rejected
    return articles[:2]


def test_annotate_encodes_every_sentence_once(example_dir):
    articles = annotate(_fresh(example_dir))
    for article in articles:
        assert {s.text for s in article.sentences} <= article.vectors.keys()
    sentence = articles[0].sentences[3].text
    assert np.allclose(articles[0].vectors[sentence], nlp.embed([sentence])[0], atol=1e-6)


def test_embedder_reads_kept_vectors_and_keeps_new_ones_where_they_occur(example_dir):
    articles = annotate(_fresh(example_dir))
    embed = embedder(articles)
    sentence = articles[1].sentences[0].text
    assert embed([sentence])[0] is not None
    # A piece of the first article that annotation did not encode (a clause).
    clause = articles[0].sentences[0].text.split(",")[0]
    assert clause not in articles[0].vectors
    vector = embed([clause, sentence, clause])
    assert vector.shape == (3, 384)
    assert np.array_equal(vector[0], vector[2])
    assert np.array_equal(articles[0].vectors[clause], vector[0])
    assert (clause in articles[1].vectors) == (clause in articles[1].text)
    # Text that no article contains is encoded but kept nowhere.
    assert embed(["Nothing like this is in either article."]).shape == (1, 384)
    assert all("Nothing like this" not in "".join(a.vectors) for a in articles)


def test_kept_annotations_give_the_same_parse_vectors_and_analysis(tmp_path, example_dir):
    first = _fresh(example_dir)
    analysed = pipeline.analyse_story(first)
    with Store(tmp_path / "news.db") as store:
        store.add(first)
        assert pipeline.keep_annotations(store, first) > sum(len(a.sentences) for a in first)
        again = _fresh(example_dir)
        assert pipeline.restore_annotations(store, again) == 2
    for old, new in zip(first, again, strict=True):
        assert new.sentences == old.sentences
        assert new.entities == old.entities
        assert new.tokens == old.tokens
        assert [(t.dep_, t.head.i) for t in new.doc] == [(t.dep_, t.head.i) for t in old.doc]
        assert new.vectors.keys() == old.vectors.keys()
        assert all(np.array_equal(new.vectors[k], old.vectors[k]) for k in old.vectors)
    nlp.clear_caches()
    restored = pipeline.analyse_story(again)
    assert restored.findings == analysed.findings
    assert restored.claims.alignments == analysed.claims.alignments
