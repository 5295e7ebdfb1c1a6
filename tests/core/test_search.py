"""Full-text search reads what people type as words and phrases: the store, the CLI, never an SQLite traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.model import Analysis, Article, article_id
from newstrace.store.sqlite import SearchSyntaxError, Store, fts_match

runner = CliRunner()
TEXTS = {
    "Pakistan's envoy meets Al-Naimi": "Pakistan's envoy met Khalid Al-Naimi in Doha on Monday, officials said.",
    "U.S. and Taliban swap prisoners": "The U.S. and the Taliban agreed a prisoner exchange brokered by Qatar.",
    "Floods in Swat": "Heavy rain washed away roads and bridges in the Swat valley.",
}
HOSTILE = ["Pakistan's", "Al-Naimi", "U.S.", "' OR 1=1 --", '"unterminated', "AND", "title:(", "NEAR(", "*",
           "a:b", "-x", "x NOT", "\x00", "pak\x00istan", "rank:x", '""', "OR OR", "^", "{title}: x", "\ud800"]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("search") / "search.db"
    with Store(path) as store, store.transaction():
        for title, text in TEXTS.items():
            store.add_article(Article(article_id(text), None, "gazette.example", title, None, "2026-09-05", [],
                                      "en", text), Analysis())
    return path


def titles(rows) -> set[str]:
    return {r["title"] for r in rows}


@pytest.mark.parametrize("query", HOSTILE)
def test_user_text_never_raises(db, query) -> None:
    with Store(db, readonly=True) as store:
        assert isinstance(store.list_articles(query=query), list)
        assert isinstance(store.search(query), list)


def test_words_with_punctuation_find_their_articles(db) -> None:
    with Store(db, readonly=True) as store:
        assert titles(store.list_articles(query="Pakistan's")) == {"Pakistan's envoy meets Al-Naimi"}
        assert titles(store.list_articles(query="Al-Naimi")) == {"Pakistan's envoy meets Al-Naimi"}
        assert titles(store.list_articles(query="U.S.")) == {"U.S. and Taliban swap prisoners"}
        # every word must occur; a phrase keeps its order; a trailing * is a prefix
        assert titles(store.list_articles(query="prisoner Qatar")) == {"U.S. and Taliban swap prisoners"}
        assert store.list_articles(query='"exchange prisoner"') == []
        assert titles(store.list_articles(query='"prisoner exchange"')) == {"U.S. and Taliban swap prisoners"}
        assert titles(store.list_articles(query="bridg*")) == {"Floods in Swat"}
        assert store.list_articles(query="' OR 1=1 --") == []  # not every article: words, not SQL
        ranked = store.search("Doha envoy")
        assert [r["title"] for r in ranked] == ["Pakistan's envoy meets Al-Naimi"] and "[" in ranked[0]["snippet"]


def test_fts_match_quotes_every_term() -> None:
    assert fts_match("Pakistan's envoy") == '"Pakistan\'s" "envoy"'
    assert fts_match('"secret talks" Kabul') == '"secret talks" "Kabul"'
    assert fts_match("kab*") == '"kab"*'
    assert fts_match("' -- * ^") == ""


def test_raw_syntax_is_explicit_and_its_errors_are_clean(db) -> None:
    with Store(db, readonly=True) as store:
        assert titles(store.search("swat OR doha", raw=True)) == {"Floods in Swat", "Pakistan's envoy meets Al-Naimi"}
        for bad in ("Al-Naimi", '"open', "AND", "title:("):
            with pytest.raises(SearchSyntaxError, match="malformed FTS5 query"):
                store.search(bad, raw=True)


@pytest.mark.parametrize("query", ["Pakistan's", "Al-Naimi", "U.S.", "' OR 1=1 --"])
def test_cli_search_answers_plain_text(db, query) -> None:
    res = runner.invoke(app, ["articles", "--db", str(db), "--search", query, "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert isinstance(rows, list)
    if query != "' OR 1=1 --":
        assert rows, query
