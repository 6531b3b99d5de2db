"""Claims, structured facts and contradiction findings on the real example story.

The example (``shared/examples/rust-interview``) has three honest reports (000-002) and two
machine rewrites (003, 004) whose distortions are known: 004 gives a "radio interview",
makes the cinematographer a "head electrician" and Baldwin "married to Hutchins"; 003 calls
the gun a "toy gun".  The honest reports must get no contradiction at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from pressdiff import config
from pressdiff.annotate import annotate, embedder
from pressdiff.claims import analyse
from pressdiff.claims.extract import extract_claims
from pressdiff.claims.facts import NameIndex, conflicts, extract_facts
from pressdiff.claims.twins import Assertions, assertions, changed
from pressdiff.config import ClaimsConfig, Config
from pressdiff.model import Article, to_jsonable
from pressdiff.pipeline import load
from pressdiff.reuse import ReuseResult


@pytest.fixture(scope="module")
def story(example_dir: Path) -> dict[str, Article]:
    """The example articles, cleaned and annotated, keyed by their file number (000..004)."""
    articles, rejected = load([str(example_dir)])
    assert not rejected
    annotate(articles)
    return {Path(a.source).name[:3]: a for a in articles}


@pytest.fixture(scope="module")
def facts(story: dict[str, Article]) -> dict[str, list[tuple[str, str, str, str]]]:
    """(entity, attribute, value, words) per article, without loading the sentence encoder."""
    names = NameIndex(story.values())
    out = {}
    for key, article in story.items():
        found = extract_facts(article, extract_claims(article), names)
        out[key] = [(f.entity, f.attribute, f.value, f.text) for f in found]
    return out


def test_claims_split_coordinated_clauses_and_keep_offsets(story: dict[str, Article]) -> None:
    article = story["002"]
    claims = [c for c, _ in extract_claims(article)]
    texts = [c.text for c in claims]
    assert "Cinematographer Halyna Hutchins was killed" in texts
    assert any(t.startswith("and director Joel Souza was injured") for t in texts)
    for c in claims:
        assert article.text[c.start : c.end] == c.text
        assert "\n" not in c.text


def test_quotes_and_reported_speech_belong_to_the_speaker(story: dict[str, Article]) -> None:
    claims = {c.text: c for c, _ in extract_claims(story["000"])}
    said = claims[
        "But Baldwin said he did not hear any safety concerns or issues while he was on the set."
    ]
    assert said.is_reported_speech and not said.is_quote and said.speaker == "Baldwin"
    quoted = next(c for t, c in claims.items() if t.startswith("“I did not observe any safety"))
    assert quoted.is_reported_speech and quoted.is_quote
    narrative = next(c for t, c in claims.items() if t.startswith("The emotional and intense"))
    assert not narrative.is_reported_speech and narrative.speaker is None


def test_names_resolve_across_the_story(story: dict[str, Article]) -> None:
    names = NameIndex(story.values())
    assert names.canonical("Baldwin") == "Alec Baldwin"
    assert names.canonical("Hilaria Baldwin") == "Hilaria Baldwin"
    assert names.canonical("Halyna") == "Halyna Hutchins"
    assert names.canonical("Stephanopoulous") == "George Stephanopoulos"
    assert names.canonical("Cinematographer Halyna Hutchins") == "Halyna Hutchins"


def test_name_spelling_thresholds_come_from_the_configuration(story: dict[str, Article]) -> None:
    # The misspelling rewrites introduce resolves under the tuned ratios, and stays itself
    # when a user's configuration demands exact spellings.
    names = NameIndex(story.values())
    exact = Config(claims=ClaimsConfig(full_name_ratio=100, name_word_ratio=100))
    with config.use(exact):
        assert names.canonical("Stephanopoulous") == "Stephanopoulous"
        assert names.canonical("George Stephanopoulous") == "George Stephanopoulous"
        assert names.canonical("Stephanopoulos") == "George Stephanopoulos"
    assert names.canonical("George Stephanopoulous") == "George Stephanopoulos"


def test_facts_the_rewrites_broke(facts: dict[str, list]) -> None:
    f4 = facts["004"]
    assert ("interview", "medium", "radio", "radio") in f4
    assert ("Halyna Hutchins", "role", "electrician", "head electrician") in f4
    assert ("Alec Baldwin", "spouse", "Halyna Hutchins", "married to Hutchins") in f4
    assert ("Alec Baldwin", "child", "Halyna Hutchins", "son") in f4
    assert ("Seth Kenney", "age", "51", "51") in f4
    # "the Souza family, and Hutchins, who were also killed": the plural clause takes both.
    assert ("Joel Souza", "outcome", "killed", "killed") in f4
    f3 = facts["003"]
    assert ("weapon", "weapon", "toy", "toy gun") in f3
    assert ("Alec Baldwin", "age", "63", "63") in f3
    # "director of photography" is the cinematographer, not the director.
    assert ("Halyna Hutchins", "role", "cinematographer", "director of photography") in f3


def test_facts_the_honest_reports_state(facts: dict[str, list]) -> None:
    f2 = facts["002"]
    assert ("Alec Baldwin", "spouse", "Hilaria Baldwin", "wife") in f2
    assert ("Joel Souza", "outcome", "injured", "injured") in f2
    assert ("Halyna Hutchins", "outcome", "killed", "killed") in f2
    assert ("interview", "medium", "tv", "TV") in facts["000"]
    # "killing Hutchins and injuring director Joel Souza": Souza was not killed.
    assert not any(f[0] == "Joel Souza" and f[2] == "killed" for f in facts["000"])
    assert ("Joel Souza", "outcome", "injured", "released") in facts["003"]


def test_value_conflicts() -> None:
    assert conflicts("medium", "radio", "tv")
    assert conflicts("role", "electrician", "cinematographer")
    assert not conflicts("role", "actor", "producer")
    assert conflicts("weapon", "toy", "firearm")
    assert not conflicts("weapon", "prop", "firearm")
    assert conflicts("outcome", "killed", "injured")
    assert not conflicts("child", "Hutchins", "Someone Else")
    assert not conflicts("count", "2", "3")  # counts are compared sentence by sentence only


@pytest.fixture(scope="module")
def result(story: dict[str, Article]):
    return analyse(list(story.values()))


def _contradictions(result, article: Article) -> list[str]:
    return [
        f.text for f in result.findings if f.kind == "contradiction" and f.article_id == article.id
    ]


@pytest.mark.slow
def test_example_distortions_are_flagged(story: dict[str, Article], result) -> None:
    flagged4 = _contradictions(result, story["004"])
    assert {"radio", "head electrician", "married to Hutchins"} <= set(flagged4)
    souza = next(f for f in result.findings if f.explanation.startswith("Gives Joel Souza's"))
    assert souza.text == "killed" and "outcome as 'killed'" in souza.explanation
    assert "toy gun" in _contradictions(result, story["003"])
    radio = next(f for f in result.findings if f.text == "radio")
    assert {e.article_id for e in radio.evidence[1:]} >= {story["000"].id}
    assert "2 other outlet(s) say otherwise" in radio.explanation
    assert radio.explanation.startswith("Gives the interview's medium as 'radio'")
    toy = next(f for f in result.findings if f.text == "toy gun")
    assert toy.explanation.startswith("Gives the weapon as 'toy'")


@pytest.mark.slow
def test_honest_reports_get_no_contradiction(story: dict[str, Article], result) -> None:
    for key in ("000", "001", "002"):
        assert _contradictions(result, story[key]) == [], key


@pytest.mark.slow
def test_findings_point_at_exact_words(story: dict[str, Article], result) -> None:
    by_id = {a.id: a for a in story.values()}
    assert result.findings
    for f in result.findings:
        assert by_id[f.article_id].text[f.start : f.end] == f.text
        assert f.evidence, f
        for e in f.evidence:
            assert by_id[e.article_id].text[e.start : e.end] == e.text
        if f.kind == "unsupported_claim":
            assert f.confidence <= 0.3
    json.dumps(to_jsonable(result))


@pytest.mark.slow
def test_spun_copies_count_less(story: dict[str, Article]) -> None:
    """If the honest report that names Baldwin's wife were a spun copy, its word alone
    could no longer overrule 004's (which lost other votes already)."""

    reuse = ReuseResult(spun_ids=[story["002"].id])
    weighed = analyse(list(story.values()), reuse=reuse)
    assert weighed.reliability[story["002"].id] <= 0.5
    assert "married to Hutchins" not in _contradictions(weighed, story["004"])
    assert "radio" in _contradictions(weighed, story["004"])


@pytest.fixture(scope="module")
def harbor_result(harbor: dict[str, Article]):
    return analyse(list(harbor.values()))


@pytest.mark.slow
def test_harbor_honest_outlets_get_no_contradiction(harbor, harbor_result) -> None:
    for key in ("01", "02", "03"):
        assert _contradictions(harbor_result, harbor[key]) == [], key


@pytest.mark.slow
def test_harbor_role_change_is_flagged(harbor, harbor_result) -> None:
    """04 says "Deputy Mayor Dana Whitcombe"; three outlets say "Fire Chief"."""
    role = next(f for f in harbor_result.findings if f.text == "Deputy Mayor")
    assert role.article_id == harbor["04"].id
    assert "3 other outlet(s) say otherwise" in role.explanation


@pytest.mark.slow
def test_harbor_released_firefighters_killed_is_flagged(harbor, harbor_result) -> None:
    """04 says "Two firefighters were killed"; three outlets say "treated ... and released".
    The counted group is a story-level patient, and "treated and released" means hurt."""
    killed = next(f for f in harbor_result.findings if f.text == "killed")
    assert killed.article_id == harbor["04"].id and killed.kind == "contradiction"
    assert "3 other outlet(s) say otherwise" in killed.explanation


@pytest.mark.slow
def test_harbor_cause_already_known_is_flagged(harbor, harbor_result) -> None:
    """04 says the cause "was already known", 01 that it "was not yet known": the same
    predicate of the same subject, though the sentences are less alike than twins."""
    flagged = _contradictions(harbor_result, harbor["04"])
    assert "Whitcombe stated the cause of the blaze was already known." in flagged


@pytest.mark.slow
def test_a_copy_that_changes_its_source_is_the_one_flagged() -> None:
    """One copy against its one source would tie; reuse says which is the copy."""
    source = "The mayor said on Monday that the bridge would reopen in May after the repairs."
    copy = "The mayor said on Monday that the bridge would not reopen in May after the repairs."
    filler = " The council met for two hours. Residents asked about the traffic plan."
    articles = [
        Article("a", "a", "outlet-a", source + filler, source + filler),
        Article("b", "b", "outlet-b", copy + filler, copy + filler),
    ]
    annotate(articles)
    edge = SimpleNamespace(source="a", target="b", score=0.95)
    result = analyse(articles, reuse=SimpleNamespace(edges=[edge], spun_ids=[]))
    assert _contradictions(result, articles[1]) == [copy]
    assert _contradictions(result, articles[0]) == []
    tie = analyse(articles)
    assert not any(f.kind == "contradiction" for f in tie.findings)


@pytest.mark.slow
def test_near_duplicates_are_one_voice() -> None:
    """An outlet against one article and its two copies is one against one (FNC-1: "511
    percent" against "500 percent" and its reprints); an article sharing 62% of its text with
    another is no copy of it, so the tie stands whichever way the reuse edge points."""
    ours = "Strategy Analytics forecasts that smartwatch shipments will grow 511 percent in 2015."
    theirs = ours.replace("511", "500")
    mine = " The firm expects Apple to lead the market. Samsung sold fewer watches last year."
    other = " Apple is expected to ship its watch in April. Rivals have cut their prices."
    articles = [Article("a", "a", "outlet-a", ours + mine, ours + mine)] + [
        Article(x, x, f"outlet-{x}", theirs + other, theirs + other) for x in "bcd"
    ]
    annotate(articles)
    edges = [SimpleNamespace(source="b", target=x, score=0.95) for x in "cd"]
    overlap = SimpleNamespace(source="b", target="a", score=0.62)
    result = analyse(articles, reuse=SimpleNamespace(edges=[*edges, overlap], spun_ids=[]))
    assert not any(f.kind == "contradiction" for f in result.findings)
    pair = analyse(articles[:2], reuse=SimpleNamespace(edges=[overlap], spun_ids=[]))
    assert not any(f.kind == "contradiction" for f in pair.findings)


def _copies(texts: dict[str, str], edges: list[tuple[str, str]]):
    """A story of the given articles (id -> text, each with its own filler sentences so
    that only the sentence under test is shared) and near-duplicate reuse edges between
    them; returns the articles by id and the claim analysis."""
    filler = " The council met for two hours. Residents asked about the traffic plan."
    articles = {i: Article(i, i, f"outlet-{i}", t + filler, t + filler) for i, t in texts.items()}
    annotate(list(articles.values()))
    reuse = SimpleNamespace(
        edges=[SimpleNamespace(source=a, target=b, score=0.95) for a, b in edges], spun_ids=[]
    )
    return articles, analyse(list(articles.values()), reuse=reuse)


@pytest.mark.slow
def test_the_odd_one_of_three_copies_is_flagged_whichever_way_reuse_points() -> None:
    """Among near-duplicates reuse cannot tell which copied which (FNC-1 copies: the edge
    ran from the changed copy to its source); the copy its two near-duplicates contradict
    is the one that changed the sentence."""
    source = (
        "Leaning on Apple Store to provide the best possible sales experience during the "
        "introductory year would make sense."
    )  # FNC-1 body 1066
    changed = source.replace("would make", "would not make")
    articles, result = _copies({"a": source, "b": source, "c": changed}, [("c", "a"), ("a", "b")])
    assert _contradictions(result, articles["c"]) == [changed]
    assert _contradictions(result, articles["a"]) == _contradictions(result, articles["b"]) == []


# A copy that changes one thing in a sentence its two siblings print alike: the copy's
# sentence is the contradiction, the source's is not.  Real FNC-1 sentences.
TWIN_CHANGES = {
    # Twins that differ only in who says it disagree about the speaker: not two sources
    # disagreeing, one outlet getting the attribution wrong.  (Body 1895; Mutlu Civiroglu is
    # the story's other analyst, body 1369.)
    "speaker swapped": (
        "BBC reporter Güney Yıldız says a Kurdish official from the war-torn town told him of "
        "a suspected IS chemical attack last night.",
        "Güney Yıldız",
        "Mutlu Civiroglu",
    ),
    # The mother / the aunt: tied to no name, so no fact holds the word; the word diff of two
    # twin sentences puts the two words in one place.  (Body 272.)
    "another relative": (
        "The nurse, named as Liu Tianlun, attempted to prise the woman off the baby but the "
        "mother refused to let her child go.",
        "the mother",
        "the aunt",
    ),
    # A curly-apostrophe "isn’t" leaves "n’t" mis-tagged; it still negates.  (Body 952.)
    "curly contraction dropped": (
        "But eBay isn’t only interested in the Apple Watch as a development platform.",
        "isn’t",
        "is",
    ),
    # Denials are told apart by subject and verb, not the verb alone: the source already
    # denies "be" of the 8GB watch, so the copy's "be" denied of the 4GB edition looked like
    # the same denial.  (Body 1277.)
    "second denial of one verb": (
        "Arcuri believes the 4GB edition will be the more popular mainstream version, noting "
        "that the 8GB watch probably won't be the default configuration.",
        "edition will be",
        "edition will not be",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("source, old, new", TWIN_CHANGES.values(), ids=TWIN_CHANGES.keys())
def test_a_twin_with_one_change_is_flagged(source: str, old: str, new: str) -> None:
    changed = source.replace(old, new)
    articles, result = _copies({"a": source, "b": source, "c": changed}, [("a", "b"), ("a", "c")])
    assert _contradictions(result, articles["c"]) == [changed]
    assert _contradictions(result, articles["a"]) == []


@pytest.mark.slow
def test_a_sentence_that_denies_nothing_does_not_back_a_denial() -> None:
    """Two outlets' looser wording of the fact (FNC-1 bodies 562, 877) must not outvote the
    source against its copy's added "not"."""
    source = (
        "The company's first smartwatch will be available in three versions: Apple Watch "
        "Sport, Apple Watch and Apple Watch Edition."
    )  # FNC-1 body 1280
    changed = source.replace("will be", "will not be")
    loose = {
        "d": "Apple Watch will come in three separate price tiers — Apple Watch Sport, Apple "
        "Watch and Apple Watch Edition — each series including two display sizes.",
        "e": "Apple Watch will be released in three separate price tiers i.e. Apple Watch "
        "Sport, Apple Watch and Apple Watch Edition, with each series including two display "
        "sizes.",
    }
    articles, result = _copies({"a": source, "c": changed, **loose}, [("a", "c")])
    assert _contradictions(result, articles["c"]) == [changed]
    assert not any(f.kind == "contradiction" and f.article_id != "c" for f in result.findings)


def _assertions(article: Article, contains: str) -> Assertions:
    """What the claim of an example article that contains the words asserts."""
    claim, span = next((c, s) for c, s in extract_claims(article) if contains in c.text)
    return assertions(span, claim.start)


def test_a_number_keeps_its_unit_and_kind(story: dict[str, Article]) -> None:
    """004 keeps the caption "a 51-year-old Hollywood veteran" and rewords it "a Hollywood
    veteran of 51 years": one number, an age in one place, a length of time in the other."""
    caption = _assertions(story["004"], "a 51-year-old Hollywood veteran")
    reworded = _assertions(story["004"], "veteran of 51 years")
    assert [(m.key, m.text) for m in caption.measures] == [("51|age|year", "51-year-old")]
    assert [(m.key, m.text) for m in reworded.measures] == [("51|time|year", "51 years")]
    text = story["004"].text
    assert all(text[m.start : m.end] == m.text for m in caption.measures + reworded.measures)
    # "Baldwin, 63," is an age without a unit: nothing to compare it with here.
    assert _assertions(story["003"], "Baldwin, 63").measures == ()


@pytest.mark.slow
def test_reworded_twins_compare_what_they_assert(story: dict[str, Article]) -> None:
    embed = embedder(list(story.values()))
    # The same denial in other words is no change (001 and 003 print Baldwin's words so).
    supposed = _assertions(story["001"], "even supposed to be on the property")
    meant = _assertions(story["003"], "meant to be on the premises")
    assert changed(meant, supposed, embed) is None
    # A denial of another thing is: "the gun ... was never his" / "he didn't pull the trigger".
    never_his = _assertions(story["003"], "was never his")
    pull = _assertions(story["002"], "is insisting he")
    words, reason = changed(never_his, pull, embed)
    assert words.text == "was never his" and "denies 'didn’t pull'" in reason
    # What the bullet is said to be: "a homemade bullet" / "an accidental shot".
    bullet = _assertions(story["004"], "may have been a homemade bullet")
    shot = _assertions(story["004"], "may have been an accidental shot")
    words, reason = changed(shot, bullet, embed)
    assert words.text == "accidental shot" and "'homemade bullet'" in reason
    assert changed(bullet, bullet, embed) is None
    # One kind of thing, another thing ("a homemade bullet" / "a homemade shotgun") counts
    # only for one source's word given twice in one article (the example test below), not
    # between outlets, where the head noun is what rewordings swap ("fighter" / "militant").
    shotgun = _assertions(story["004"], "may have been a homemade shotgun")
    assert bullet.sources == shotgun.sources == {"may: court document"}
    assert changed(shotgun, bullet, embed) is None


@pytest.mark.slow
def test_reworded_facts_are_flagged_in_the_example(story: dict[str, Article], result) -> None:
    """The rewrites' reworded changes: 004 says twice, differently, how old Kenney is (one
    number about one name); 003's "the gun was never his" is a denial nobody else makes.
    004 also says twice, differently, what the court documents say the bullet may have
    been: "a homemade bullet" in its caption, "an accidental shot" and "a homemade shotgun"
    in its text (one source's word on one thing), each flagged with both sentences."""
    found = {f.text: f for f in result.findings if f.kind == "contradiction"}
    years = found["51 years"]
    assert years.article_id == story["004"].id
    assert "a 51-year-old Hollywood veteran" in years.evidence[1].text
    assert "length of time" in years.explanation and "an age" in years.explanation
    caption = "may have been a homemade bullet, according to court documents"
    for words in ("accidental shot", "homemade shotgun"):
        finding = found[words]
        assert finding.article_id == story["004"].id
        assert words in finding.evidence[0].text and caption in finding.evidence[1].text
    assert "(another thing)" in found["homemade shotgun"].explanation
    never = next(f for f in found.values() if "was never his" in f.text)
    assert never.article_id == story["003"].id
    assert {e.article_id for e in never.evidence[1:]} <= {story["001"].id, story["002"].id}
    assert "denial: 'was never his'" in never.explanation
