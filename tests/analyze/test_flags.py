"""The flags component: exclusive, overclaim, hedge, loaded and anonymous spans on the motivating op-ed, the example
corpus and texts written for these tests; the lexicons as data. Everything runs through the real spaCy pipeline."""

from __future__ import annotations

from newstrace.analyze.lexicons import clear_cache, flag_lexicons
from newstrace.analyze.pipeline import analyze_article
from newstrace.model import Analysis, Article, article_id


def analyse(nlp, text: str) -> tuple[Article, Analysis]:
    art = Article(id=article_id(text or "empty"), url=None, outlet=None, title=None, byline=None, published=None,
                  tags=[], language="en", text=text)
    return art, analyze_article(art, nlp)


def kinds_at(an: Analysis, text: str, phrase: str) -> set[str]:
    """The kinds of the flags overlapping the first occurrence of ``phrase``."""
    s = text.index(phrase)
    e = s + len(phrase)
    return {f.kind for f in an.flags if f.start < e and s < f.end}


def test_oped_flags(oped_record):
    art, an = oped_record
    assert "overclaim" in kinds_at(an, art.text, "now evidently proves")
    assert "exclusive" in kinds_at(an, art.text, "none of the media in the world has exposed")
    assert "loaded" in kinds_at(an, art.text, "notorious espionage agency")
    assert "anonymous" in kinds_at(an, art.text, "reports emerged")
    for f in an.flags:
        assert art.text[f.start:f.end] == f.text
        assert f.kind in flag_lexicons() or f.kind == "anonymous"


def test_oped_flags_reach_the_events(oped_record):
    _, an = oped_record
    closing = [e for e in an.events if "evidently proves" in e.evidence.text]
    assert closing and all("overclaim" in e.flags for e in closing)
    exposed = [e for e in an.events if "none of the media" in e.evidence.text]
    assert exposed and all("exclusive" in e.flags for e in exposed)


def test_corpus_oped_exclusive_and_loaded(corpus_db):
    from newstrace.store.sqlite import Store

    with Store(corpus_db, readonly=True) as store:
        aid = store.conn.execute("SELECT id FROM articles WHERE uri LIKE '%07-frontiersentinel%'").fetchone()[0]
        rows = store.conn.execute("SELECT kind, text FROM flags WHERE article_id=?", (aid,)).fetchall()
    by_kind: dict[str, set[str]] = {}
    for kind, text in rows:
        by_kind.setdefault(kind, set()).add(text.casefold())
    assert {"we have learned", "none of the media"} <= by_kind["exclusive"]
    assert any("evidently proves" in t for t in by_kind["overclaim"])
    assert {"propaganda machine", "blood-soaked", "jihad factory"} <= by_kind["loaded"]


def test_hedge_and_anonymous_in_written_text(nlp):
    text = ("The convoy was reportedly stopped near Sarvan. Two officials, speaking on condition of anonymity, "
            "said the drivers were allegedly armed.")
    _, an = analyse(nlp, text)
    assert "hedge" in kinds_at(an, text, "reportedly")
    assert "hedge" in kinds_at(an, text, "allegedly")
    assert "anonymous" in kinds_at(an, text, "speaking on condition of anonymity")


def test_exclusive_spreads_to_a_restated_claim_only(nlp):
    text = ("Militia leader meets secret envoys in Corvel\n\n"
            "The militia leader travelled to Corvel on Monday and opened a school. "
            "We have learned that the leader held secret meetings with foreign envoys at the port.")
    art = Article(id=article_id(text), url=None, outlet=None, title="Militia leader meets secret envoys in Corvel",
                  byline=None, published=None, tags=[], language="en", text=text, meta={"body_start": 46})
    an = analyze_article(art, nlp)
    learned = [e for e in an.events if "We have learned" in e.evidence.text]
    headline = [e for e in an.events if e.evidence.end <= 46]
    travelled = [e for e in an.events if "travelled" in e.evidence.text]
    assert learned and headline and travelled, [(e.type, e.trigger) for e in an.events]
    # the claim and its restatement in the headline carry the flag, on the author's word; the plain trip does not
    for ev in learned + headline:
        assert "exclusive" in ev.flags and ev.source.kind == "author"
    assert all("exclusive" not in e.flags for e in travelled)


def test_no_flags_in_plain_text_and_empty_text(nlp):
    _, an = analyse(nlp, "The council approved the budget on Tuesday. The library will open in May.")
    assert an.flags == []
    _, empty = analyse(nlp, "")
    assert empty.flags == []


def test_user_flag_file_adds_phrases_and_kinds(tmp_path, monkeypatch):
    extra = tmp_path / "mine.yaml"
    extra.write_text("kind: hedge\nphrases: [as far as we can tell]\n", encoding="utf-8")
    new_kind = tmp_path / "spin.yaml"
    new_kind.write_text("kind: spin\nphrases: [game changer]\n", encoding="utf-8")
    monkeypatch.setenv("NEWSTRACE_LEXICONS", f"{extra}:{new_kind}")
    clear_cache()
    try:
        kinds = flag_lexicons()
        assert "as far as we can tell" in kinds["hedge"] and "reportedly" in kinds["hedge"]
        assert kinds["spin"] == ["game changer"]
    finally:
        monkeypatch.delenv("NEWSTRACE_LEXICONS")
        clear_cache()
    assert "spin" not in flag_lexicons()
