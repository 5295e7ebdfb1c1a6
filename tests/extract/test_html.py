"""The HTML path (trafilatura) on pages written for this project."""

from __future__ import annotations

import pytest

from newstrace.extract import ExtractError, extract

URL = "https://www.meridian-gazette.co.uk/politics/2025/03/harbour-council-delays-vote-ferry-subsidy"


def test_article_page(raw):
    art = extract(raw("meridian-article.html", "html"))
    assert art.title == "Harbour council delays vote on ferry subsidy"
    assert art.byline == "Jonas Pereira"
    assert art.published == "2025-03-06"
    assert art.url == URL  # from the canonical link
    assert art.outlet == "meridian-gazette.co.uk"
    assert art.tags == ["ferries", "Casmir county"]
    assert art.language == "en"
    assert art.meta["sitename"] == "Meridian Gazette"
    paragraphs = [art.text[s:e] for s, e in art.paragraphs]
    assert paragraphs[0] == art.title
    assert paragraphs[1].startswith("The Casmir county council on Wednesday postponed")
    assert paragraphs[-1].startswith("Residents' groups from the eastern bank")
    assert "\n\n".join(paragraphs) == art.text
    assert art.text.count(art.title) == 1
    for chrome in ("Share on Facebook", "Related stories", "Bridge plan shelved", "Privacy policy", "Weather"):
        assert chrome not in art.text
    reasons = {r.reason for r in art.removed}
    assert {"navigation", "widget"} <= reasons
    assert any("Bridge plan shelved" in r.text for r in art.removed)


def test_as_is_keeps_the_markup_and_fills_metadata(raw):
    doc = raw("meridian-article.html", "html")
    art = extract(doc, as_is=True)
    assert art.text == doc.content.decode("utf-8")
    assert art.title == "Harbour council delays vote on ferry subsidy"
    assert art.outlet == "meridian-gazette.co.uk"
    assert art.meta["body_start"] == 0


def test_url_from_the_record_wins_and_gives_the_outlet(raw):
    art = extract(raw("meridian-article.html", "html", url="https://mirror.tidewater-press.org.uk/x/1"))
    assert art.url == "https://mirror.tidewater-press.org.uk/x/1"
    assert art.outlet == "tidewater-press.org.uk"


def test_html_without_body_is_a_failure(raw):
    with pytest.raises(ExtractError, match="no article text found"):
        extract(raw(b"<html><head><title>Only a title</title></head></html>", "html"))


def test_html_with_only_chrome_is_a_failure(raw):
    page = b"<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>"
    with pytest.raises(ExtractError, match="no article text found"):
        extract(raw(page, "html"))


def test_json_record_with_html_content(raw):
    page = (
        "<html><body><article><p>The Varrick lighthouse reopened to visitors on Sunday after a two-year "
        "restoration paid for by a local trust, its keeper said.</p><p>Tickets are free for residents of the "
        "district until the end of the season, and the tower will stay open until dusk.</p></article>"
        "</body></html>"
    ).encode("utf-8")
    art = extract(
        raw(page, "json", format="html", title="Varrick lighthouse reopens", url="https://varrick-post.com/lighthouse")
    )
    assert art.title == "Varrick lighthouse reopens"
    assert art.outlet == "varrick-post.com"
    assert "restoration paid for by a local trust" in art.text
