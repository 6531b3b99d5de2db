"""The web app's HTTP API and pages through FastAPI's test client, over a real SQLite file.

Every endpoint and its error cases (bad JSON, empty text, oversize or too
many uploads, unknown ids, missing token, cross-site writes, CSRF), on the
real example story.  One module-scoped store is analysed once, for the tests
that need a finished analysis; the others use fresh stores with the
background worker off, so nothing analyses behind their back.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import sys
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pressdiff.cli import app
from pressdiff.limits import LIMITS
from pressdiff.report import report_schema
from pressdiff.store import Store
from pressdiff.web import Settings, create_app, jobs
from pressdiff.web.security import CSRF_COOKIE, CSRF_FIELD, RequestLimits

BASE = "http://localhost"
HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"


def _client(db: Path, **settings) -> TestClient:
    settings.setdefault("analyse_in_background", False)
    return TestClient(create_app(Settings(db=db, **settings)), base_url=BASE)


def _records(example_paths: list[Path]) -> list[dict]:
    return [
        {"text": p.read_text(encoding="utf-8"), "outlet": f"outlet {p.name[:3]}", "id": p.name[:3]}
        for p in example_paths
    ]


@pytest.fixture
def client(tmp_path: Path):
    with _client(tmp_path / "web.db") as c:
        yield c


@pytest.fixture(scope="module")
def analysed(example_paths: list[Path], tmp_path_factory: pytest.TempPathFactory):
    """A client over the five example articles, their story analysed once."""
    db = tmp_path_factory.mktemp("web") / "web.db"
    with _client(db) as c:
        answer = c.post("/api/v1/articles", json={"articles": _records(example_paths)})
        assert answer.status_code == 201, answer.text
        story_id = answer.json()["articles"][0]["story_id"]
        assert c.app.state.backend.analyse(story_id)
        yield c, story_id, answer.json()["articles"]


class _Markup(HTMLParser):
    """Every start tag with its attributes, to check what a page would run."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _runs_only_own_scripts(html: str) -> None:
    parser = _Markup()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith(("/assets/", "/static/")), attrs
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").lower().startswith("javascript:"), (tag, attrs)


# --- POST /api/v1/articles ---------------------------------------------------------------------


def test_post_json_stores_articles_and_lists_rejections(client, example_paths, tmp_path):
    records = [*_records(example_paths[:2]), {"text": "   "}, {"title": "no text"}]
    answer = client.post("/api/v1/articles", json={"articles": records})
    assert answer.status_code == 201
    body = answer.json()
    assert [a["outlet"] for a in body["articles"]] == ["outlet 000", "outlet 001"]
    assert all(a["new"] and a["story_id"].startswith("story-") for a in body["articles"])
    assert body["rejected"] == [
        {"source": "request:3", "reason": 'missing or empty "text" field'},
        {"source": "request:4", "reason": 'missing or empty "text" field'},
    ]
    with Store(tmp_path / "web.db") as store:
        assert {a.id for a in store.articles()} == {a["id"] for a in body["articles"]}
    assert [s for s, _ in jobs.pending(tmp_path / "web.db")] == [body["articles"][0]["story_id"]]
    again = client.post("/api/v1/articles", json={"articles": records[:1]})
    assert again.status_code == 201 and again.json()["articles"][0]["new"] is False


def test_additions_obey_the_per_article_limits_as_ingest_does(tmp_path, example_paths):
    """An article over a per-article limit (``serve --limit chars_per_article=5000``) is
    rejected with the count and the limit's name, as ``pressdiff ingest`` rejects it, and
    is neither stored nor queued; the articles under it are stored."""
    limits = LIMITS.with_settings(["chars_per_article=5000"])
    with _client(tmp_path / "web.db", article_limits=limits) as client:
        answer = client.post("/api/v1/articles", json={"articles": _records(example_paths)})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert [a["outlet"] for a in body["articles"]] == [f"outlet 00{n}" for n in range(4)]
    [rejected] = body["rejected"]
    assert rejected["source"] == "request:5"
    assert re.fullmatch(
        r"too long to analyse: 6,\d{3} characters, the limit is 5,000 \(chars_per_article\)",
        rejected["reason"],
    )
    with Store(tmp_path / "web.db") as store:
        assert len(store.articles()) == 4
        assert all(len(a.text) <= 5000 for a in store.articles())


def test_serve_refuses_an_unknown_limit_before_starting(tmp_path):
    result = CliRunner().invoke(
        app, ["serve", "--db", str(tmp_path / "web.db"), "--limit", "pages=3"]
    )
    assert result.exit_code == 2
    assert "unknown limit 'pages'" in result.output


def test_post_only_empty_text_is_422(client):
    answer = client.post("/api/v1/articles", json={"articles": [{"text": ""}]})
    assert answer.status_code == 422
    assert answer.json() == {
        "articles": [],
        "rejected": [{"source": "request:1", "reason": 'missing or empty "text" field'}],
    }


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b'{"articles": [{"text": "a"', 400, "invalid JSON"),
        (b"\xff\xfe", 400, "invalid JSON"),
        (b'[{"text": "a"}]', 400, "expected a JSON object"),
        (b'{"articles": []}', 400, "empty"),
        (b'{"articles": [{"text": 5}]}', 422, 'empty \\"text\\" field'),
    ],
    ids=["truncated", "not-utf8", "not-an-object", "no-articles", "text-not-a-string"],
)
def test_post_bad_json(client, body, status, says):
    answer = client.post(
        "/api/v1/articles", content=body, headers={"content-type": "application/json"}
    )
    assert answer.status_code == status
    assert says in json.dumps(answer.json()), answer.json()


def test_post_wrong_content_type_is_415(client):
    answer = client.post(
        "/api/v1/articles", content=b"text", headers={"content-type": "text/plain"}
    )
    assert answer.status_code == 415


def test_upload_files_reads_each_format(client, example_paths):
    lines = "\n".join(
        [json.dumps({"text": example_paths[1].read_text(), "outlet": "Lines"}), "{broken"]
    )
    paragraphs = "".join(f"<p>{line}</p>" for line in example_paths[2].read_text().splitlines())
    html = (
        f"<html><head><title>Page</title></head><body><article>{paragraphs}</article></body></html>"
    )
    files = [
        ("files", ("000.txt", example_paths[0].read_bytes(), "text/plain")),
        ("files", ("feed.jsonl", lines.encode(), "application/x-ndjson")),
        ("files", ("page.html", html.encode(), "text/html")),
        ("files", ("empty.txt", b"", "text/plain")),
        ("files", ("photo.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")),
    ]
    answer = client.post("/api/v1/articles", files=files)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert [a["source"] for a in body["articles"]] == [
        "upload:000.txt",
        "upload:feed.jsonl:1",
        "upload:page.html",
    ]
    assert [a["outlet"] for a in body["articles"]][:2] == ["000", "Lines"]
    assert [r["source"] for r in body["rejected"]] == [
        "upload:feed.jsonl:2",
        "upload:empty.txt",
        "upload:photo.jpg",
    ]
    assert body["rejected"][0]["reason"].startswith("invalid JSON")
    assert body["rejected"][2]["reason"].startswith("unsupported file type .jpg")


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_upload_warc_reads_html_responses_only(client, example_paths, gzipped):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    paragraphs = "".join(f"<p>{line}</p>" for line in example_paths[3].read_text().splitlines())
    page = f"<html><head><title>Interview</title></head><body><article>{paragraphs}</article>"
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    for kind, content_type, body in [
        ("response", "text/html; charset=utf-8", page.encode()),
        ("response", "image/png", b"\x89PNG\r\n"),
    ]:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            "https://news.example/interview", kind, payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    name = "crawl.warc.gz" if gzipped else "crawl.warc"
    answer = client.post("/api/v1/articles", files=[("files", (name, buffer.getvalue()))])
    assert answer.status_code == 201, answer.text
    (stored,) = answer.json()["articles"]
    assert stored["source"].startswith(f"upload:{name}") and stored["title"] == "Interview"
    assert "Baldwin" in client.get(f"/api/v1/articles/{stored['id']}").json()["text"]


def test_oversize_upload_is_413_and_stores_nothing(tmp_path, example_paths):
    with _client(tmp_path / "web.db", limits=RequestLimits(max_body_bytes=4096)) as small:
        files = [("files", ("big.txt", example_paths[0].read_bytes() * 3, "text/plain"))]
        answer = small.post("/api/v1/articles", files=files)
        assert answer.status_code == 413
        assert "too large" in answer.json()["detail"]
        # A body without Content-Length (streamed) is cut off as it passes the limit.
        chunks = iter([b'{"articles": [{"text": "', b"x" * 5000, b'"}]}'])
        answer = small.post(
            "/api/v1/articles", content=chunks, headers={"content-type": "application/json"}
        )
        assert answer.status_code == 413
    with Store(tmp_path / "web.db") as store:
        assert len(store) == 0


def test_too_many_files_or_articles_is_413(tmp_path):
    with _client(tmp_path / "web.db", limits=RequestLimits(max_files=2, max_articles=2)) as small:
        files = [("files", (f"{n}.txt", b"some words", "text/plain")) for n in range(3)]
        assert small.post("/api/v1/articles", files=files).status_code == 413
        many = {"articles": [{"text": "words"}] * 3}
        assert small.post("/api/v1/articles", json=many).status_code == 413


# --- stories and articles ----------------------------------------------------------------------


def test_added_articles_go_into_their_stories_listed_and_searched(client, example_paths):
    """The example (one interview) and three FNC-1 bodies about a meteorite in Managua (the
    stories test's first story) in one request become two stories."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from reuse_generate import load_stories

    bodies, groups = load_stories()
    meteorite = next(g for g in groups if g[0] == 0)
    fnc1 = [
        {"text": bodies[b], "id": f"fnc1-{b}"} for b in meteorite if 600 < len(bodies[b]) < 2000
    ]
    answer = client.post("/api/v1/articles", json={"articles": _records(example_paths) + fnc1[:3]})
    assert answer.status_code == 201
    story_of = {a["id"]: a["story_id"] for a in answer.json()["articles"]}
    ids = list(story_of)
    assert len(set(story_of.values())) == 2
    assert len({story_of[i] for i in ids[:5]}) == 1 and len({story_of[i] for i in ids[5:]}) == 1
    listed = client.get("/api/v1/stories").json()
    assert listed["total"] == 2
    assert {tuple(s["article_ids"]) for s in listed["stories"]} == {tuple(ids[:5]), tuple(ids[5:])}
    first = client.get("/api/v1/stories?limit=1").json()
    second = client.get("/api/v1/stories?limit=1&offset=1").json()
    assert first["total"] == second["total"] == 2
    assert first["stories"][0]["id"] != second["stories"][0]["id"]
    (managua,) = client.get("/api/v1/stories?q=Managua").json()["stories"]
    assert managua["article_ids"] == ids[5:] and managua["input_ids"][0].startswith("fnc1-")
    home = client.get("/?q=Managua").text
    assert f"/stories/{managua['id']}" in home and f"/stories/{story_of[ids[0]]}" not in home


@pytest.mark.slow
def test_articles_stored_without_a_story_get_one_when_the_server_starts(tmp_path, example_paths):
    from pressdiff.pipeline import load

    articles, _ = load([str(p) for p in example_paths])
    with Store(tmp_path / "web.db") as store:
        store.add(articles)  # stored, as an interrupted ingest leaves them: in no story
        assert store.stories() == []
    with _client(tmp_path / "web.db") as client:
        (story,) = client.get("/api/v1/stories").json()["stories"]
    assert story["article_ids"] == [a.id for a in articles]


@pytest.mark.slow
def test_stories_list_pages_and_search(analysed):
    client, story_id, articles = analysed
    listed = client.get("/api/v1/stories").json()
    assert listed["total"] == 1 and listed["offset"] == 0
    story = listed["stories"][0]
    assert story["id"] == story_id
    assert story["article_ids"] == [a["id"] for a in articles]
    assert story["input_ids"] == ["000", "001", "002", "003", "004"]
    assert story["outlets"] == [f"outlet {n:03}" for n in range(5)]
    assert set(story) == {
        "id", "title", "article_ids", "input_ids", "outlets", "first_published", "last_published"
    }  # fmt: skip
    assert client.get("/api/v1/stories?offset=1").json()["stories"] == []
    assert client.get("/api/v1/stories?q=baldwin+interview").json()["total"] == 1
    assert client.get("/api/v1/stories?q=baldwin+zeppelin").json()["total"] == 0
    assert client.get("/api/v1/stories?entity=Baldwin").json()["total"] == 1
    assert client.get("/api/v1/stories?entity=Zeppelin").json()["total"] == 0
    assert client.get("/api/v1/stories?limit=0").status_code == 422


@pytest.mark.slow
def test_a_restarted_server_finds_entities_in_kept_annotations(analysed):
    client, _, _ = analysed
    db = client.app.state.settings.db
    with _client(db) as fresh:  # a new process's state: no analysis in memory
        assert fresh.get("/api/v1/stories?entity=Stephanopoulos").json()["total"] == 1
        assert fresh.get("/api/v1/stories?entity=Zeppelin").json()["total"] == 0


@pytest.mark.slow
def test_a_database_from_before_the_entity_index_gets_it_from_its_analyses(analysed, tmp_path):
    client, _, _ = analysed
    db = tmp_path / "old.db"
    with sqlite3.connect(client.app.state.settings.db) as live, sqlite3.connect(db) as old:
        live.backup(old)  # the committed state, also what is still in the WAL file
        old.execute("DROP TABLE entity_names")  # as written before the index existed
    with _client(db) as fresh:
        assert fresh.get("/api/v1/stories?entity=baldwin").json()["total"] == 1
        assert fresh.get("/api/v1/stories?entity=Alec Baldwin").json()["total"] == 1
        assert fresh.get("/api/v1/stories?entity=Zeppelin").json()["total"] == 0


def test_the_server_sees_stories_a_cli_ingest_added_while_it_ran(tmp_path, example_paths, harbor):
    db = tmp_path / "shared.db"
    unrelated_text = next(iter(harbor.values())).text
    records = _records(example_paths)
    with _client(db) as server:
        first = server.post("/api/v1/articles", json={"articles": records[:1]}).json()
        story_id = first["articles"][0]["story_id"]
        # `pressdiff ingest` in another process, while the server runs: a second
        # article of the same story, a story the server's index has never seen.
        other = tmp_path / "unrelated.jsonl"
        other.write_text(json.dumps({"text": unrelated_text, "id": "u"}) + "\n", encoding="utf-8")
        result = CliRunner().invoke(app, ["ingest", str(other), "--db", str(db)])
        assert result.exit_code == 0, result.output
        with Store(db) as store:
            (unrelated,) = [s for s in store.stories() if s.id != story_id]
        # A second copy of the unrelated article (another outlet's reprint) added
        # through the server must join the CLI's story, not start a third one.
        again = {"text": unrelated_text + " Reprinted.", "outlet": "reprint", "id": "r"}
        added = server.post("/api/v1/articles", json={"articles": [again]}).json()
        assert added["articles"][0]["story_id"] == unrelated.id


@pytest.mark.slow
def test_a_restarted_server_reads_the_stored_analysis(analysed):
    """The analysis is kept in the store: a new server answers it at once, the same report,
    and `pressdiff analyze --db` counts it as current."""
    client, story_id, _ = analysed
    db = client.app.state.settings.db
    before = client.get(f"/api/v1/stories/{story_id}")
    with _client(db) as fresh:  # a new process's state: nothing in memory
        again = fresh.get(f"/api/v1/stories/{story_id}")
        assert again.status_code == 200  # not 202: read from the store, not queued to redo
    assert again.json()["stories"] == before.json()["stories"]
    done = CliRunner().invoke(app, ["analyze", "--db", str(db), "-f", "json"])
    assert done.exit_code == 0, done.output
    assert "1 current" in done.stderr


@pytest.mark.slow
def test_story_report_has_the_analyze_json_schema(analysed):
    client, story_id, _ = analysed
    answer = client.get(f"/api/v1/stories/{story_id}")
    assert answer.status_code == 200
    report = answer.json()
    jsonschema.validate(report, report_schema())
    assert [s["id"] for s in report["stories"]] == [story_id]
    kinds = {f["kind"] for f in report["stories"][0]["findings"]}
    assert {"altered_quote", "contradiction"} <= kinds, kinds


def test_story_not_analysed_yet_is_202_and_unknown_is_404(client, tmp_path):
    added = client.post("/api/v1/articles", json={"articles": [{"text": "A short note."}]})
    story_id = added.json()["articles"][0]["story_id"]
    answer = client.get(f"/api/v1/stories/{story_id}")
    assert answer.status_code == 202
    assert answer.json()["state"] == "queued" and answer.headers["retry-after"]
    # A story asked for with nothing queued (a restart forgets analyses) is queued again.
    db = tmp_path / "web.db"
    ((queued, at),) = jobs.pending(db)
    jobs.finish(db, queued, at)
    assert client.get(f"/api/v1/stories/{story_id}").status_code == 202
    assert [s for s, _ in jobs.pending(db)] == [story_id]
    client.get(f"/stories/{story_id}")
    assert [s for s, _ in jobs.pending(db)] == [story_id]
    assert client.get("/api/v1/stories/story-000000000000").status_code == 404


def test_a_failed_analysis_is_shown_and_not_rerun_until_its_story_changes(tmp_path, example_paths):
    """A story whose analysis fails (here: a parse budget no parse can meet, ``serve --limit
    seconds_per_article=1e-9``) is answered as failed, with the reason; asking again does not
    queue it again (a client polling it would rerun it every two seconds), and a new article
    in the story does."""
    db = tmp_path / "web.db"
    never = LIMITS.with_settings(["seconds_per_article=1e-9"])
    with _client(db, article_limits=never) as client:
        backend = client.app.state.backend
        first = client.post("/api/v1/articles", json={"articles": _records(example_paths[:1])})
        story_id = first.json()["articles"][0]["story_id"]
        assert backend.run_next() and not backend.run_next()  # it ran, failed, left the queue
        for _ in range(3):
            answer = client.get(f"/api/v1/stories/{story_id}")
            assert answer.status_code == 202
            assert answer.json()["state"] == "failed"
            assert "time budget of 1e-09 s (seconds_per_article)" in answer.json()["stage"]
        assert jobs.pending(db) == []
        progress = client.get("/progress", params={"story": story_id}).json()
        assert progress["finished"] and progress["stories"][0]["state"] == "failed"
        # The story grows: the failure was about other articles, so it is tried again.
        more = client.post("/api/v1/articles", json={"articles": _records(example_paths[1:2])})
        assert more.json()["articles"][0]["story_id"] == story_id
        assert [s for s, _ in jobs.pending(db)] == [story_id]
        assert client.get(f"/api/v1/stories/{story_id}").json()["state"] == "queued"


@pytest.mark.slow
def test_article_with_findings_and_unknown_404(analysed):
    client, story_id, articles = analysed
    answer = client.get(f"/api/v1/articles/{articles[4]['id']}")
    assert answer.status_code == 200
    article = answer.json()
    assert article["story_id"] == story_id and article["input_id"] == "004"
    assert article["findings"] and all(
        f["article_id"] == article["id"] for f in article["findings"]
    )
    text = article["text"]
    assert all(text[f["start"] : f["end"]] == f["text"] for f in article["findings"])
    assert client.get("/api/v1/articles/nope").status_code == 404


def test_delete_article_requeues_its_story(client, example_paths, tmp_path):
    added = client.post("/api/v1/articles", json={"articles": _records(example_paths[:3])}).json()
    first = added["articles"][0]["id"]
    assert client.delete(f"/api/v1/articles/{first}").status_code == 204
    assert client.get(f"/api/v1/articles/{first}").status_code == 404
    assert client.delete(f"/api/v1/articles/{first}").status_code == 404
    (story,) = client.get("/api/v1/stories").json()["stories"]
    assert first not in story["article_ids"] and len(story["article_ids"]) == 2
    assert story["id"] in [s for s, _ in jobs.pending(tmp_path / "web.db")]


# --- security ----------------------------------------------------------------------------------


def test_every_answer_has_a_csp_without_inline_scripts(client):
    for path in ("/healthz", "/", "/add", "/docs", "/api/v1/stories", "/assets/report.js"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        csp = answer.headers["content-security-policy"]
        script = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert script.split() == ["script-src", "'self'"], csp
        assert answer.headers["x-content-type-options"] == "nosniff"


def test_token_is_needed_everywhere(tmp_path):
    with _client(tmp_path / "web.db", token="s3cret", loopback=False) as c:
        for path in (
            "/",
            "/add",
            "/docs",
            "/openapi.json",
            "/api/v1/stories",
            "/assets/report.css",
        ):
            assert c.get(path).status_code == 401, path
        assert c.post("/api/v1/articles", json={"articles": [{"text": "x"}]}).status_code == 401
        wrong = {"authorization": "Bearer nope"}
        assert c.get("/api/v1/stories", headers=wrong).status_code == 401
        assert c.get("/api/v1/stories?token=s3crét").status_code == 401  # not a 500
        latin = {"authorization": "Bearer s3cr\u00e9t".encode("latin-1")}
        assert c.get("/api/v1/stories", headers=latin).status_code == 401
        right = {"authorization": "Bearer s3cret"}
        assert c.get("/api/v1/stories", headers=right).status_code == 200
        # Opening a page once with ?token= sets a cookie and drops the token from the address.
        answer = c.get("/?token=s3cret&q=fire", follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/?q=fire"
        assert c.get("/add").status_code == 200  # the client kept the cookie
        # Off loopback with a token, any host name is fine: the token is the gate.
        assert c.get("/healthz", headers={"host": "news.example:8000"}).status_code == 200


def test_loopback_server_refuses_other_host_names(client):
    answer = client.get("/api/v1/stories", headers={"host": "rebound.example:8000"})
    assert answer.status_code == 400
    assert client.get("/api/v1/stories", headers={"host": "127.0.0.1:8000"}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}],
    ids=["origin", "sec-fetch-site"],
)
def test_cross_site_writes_are_refused(client, headers):
    answer = client.post("/api/v1/articles", json={"articles": [{"text": "x"}]}, headers=headers)
    assert answer.status_code == 403
    assert client.delete("/api/v1/articles/x", headers=headers).status_code == 403
    same = client.post(
        "/api/v1/articles", json={"articles": [{"text": ""}]}, headers={"origin": BASE}
    )
    assert same.status_code == 422  # reached the route


def _csrf(client: TestClient) -> str:
    client.get("/add")
    return client.cookies[CSRF_COOKIE]


def test_add_form_needs_its_csrf_token(client, example_paths):
    text = example_paths[0].read_text()
    assert client.post("/add", data={"text": text}).status_code == 403
    token = _csrf(client)
    assert client.post("/add", data={"text": text, CSRF_FIELD: "x" * 43}).status_code == 403
    answer = client.post(
        "/add",
        data={"text": text, "outlet": "Pasted Times", "title": "", CSRF_FIELD: token},
        files=[("files", ("empty.txt", b"", "text/plain"))],
        follow_redirects=False,
    )
    assert answer.status_code == 303
    batch = client.get(answer.headers["location"])
    assert "Pasted Times" in batch.text and "upload:empty.txt" in batch.text
    _runs_only_own_scripts(batch.text)


def test_delete_form_needs_its_csrf_token(client):
    article = client.post("/api/v1/articles", json={"articles": [{"text": "A short note."}]})
    article_id = article.json()["articles"][0]["id"]
    assert client.post(f"/articles/{article_id}/delete").status_code == 403
    token = _csrf(client)
    answer = client.post(
        f"/articles/{article_id}/delete", data={CSRF_FIELD: token}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert client.get(f"/api/v1/articles/{article_id}").status_code == 404


# --- pages -------------------------------------------------------------------------------------


def test_pages_escape_hostile_text(client):
    record = {"text": f"Officials said the fire was out. {HOSTILE}", "outlet": HOSTILE}
    record["title"] = HOSTILE
    record["url"] = "javascript:alert(1)"
    article_id = client.post("/api/v1/articles", json={"articles": [record]}).json()["articles"][0][
        "id"
    ]
    for path in ("/", f"/articles/{article_id}"):
        page = client.get(path).text
        assert "<script>document" not in page and "&lt;script&gt;" in page, path
        _runs_only_own_scripts(page)


@pytest.mark.slow
def test_home_story_and_article_pages(analysed):
    client, story_id, articles = analysed
    home = client.get("/").text
    assert f'href="/stories/{story_id}"' in home and "Altered quote" in home
    assert "outlet 004" in home
    assert "1 story match" in client.get("/?entity=Baldwin").text
    assert "0 stories match" in client.get("/?q=zeppelin").text
    story = client.get(f"/stories/{story_id}").text
    _runs_only_own_scripts(story)
    assert len(re.findall(r'<mark class="hl k-', story)) >= 5
    assert '<script src="/assets/report.js"></script>' in story
    assert 'class="removed"' in story and "Quotes" in story
    article = client.get(f"/articles/{articles[4]['id']}").text
    assert f'href="/stories/{story_id}"' in article and '<mark class="hl k-' in article
    assert client.get("/stories/story-000000000000").status_code == 404
    assert client.get("/articles/nope").status_code == 404


@pytest.mark.slow
def test_a_story_of_one_article_shows_its_text_and_debris(client, example_paths):
    """Alone in its story an article is annotated but not compared: the page still shows it."""
    added = client.post("/api/v1/articles", json={"articles": _records(example_paths[1:2])})
    story_id = added.json()["articles"][0]["story_id"]
    assert client.app.state.backend.analyse(story_id)
    report = client.get(f"/api/v1/stories/{story_id}").json()
    jsonschema.validate(report, report_schema())
    page = client.get(f"/stories/{story_id}").text
    assert "No findings in this story." in page and "Removed debris (2)" in page
    _runs_only_own_scripts(page)


def test_docs_page_lists_every_endpoint(client):
    page = client.get("/docs").text
    for method, path in [
        ("POST", "/api/v1/articles"),
        ("GET", "/api/v1/stories"),
        ("GET", "/api/v1/stories/{story_id}"),
        ("GET", "/api/v1/articles/{article_id}"),
        ("DELETE", "/api/v1/articles/{article_id}"),
    ]:
        assert f"<code>{path}</code>" in page and method in page
    assert "cdn" not in page.lower()
    _runs_only_own_scripts(page)
