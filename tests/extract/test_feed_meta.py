"""A feed item's title/author/date only fill in what the page lacks; a JSONL record's fields describe the document."""

from newstrace.extract import extract
from newstrace.model import RawDocument

PAGE = """<html><head><title>Dam talks resume in Tashkent</title>
<meta property="og:title" content="Dam talks resume in Tashkent">
<meta property="article:published_time" content="2026-03-02T08:00:00Z"></head>
<body><article><h1>Dam talks resume in Tashkent</h1>
<p>Negotiators from the two river states met again on Monday to discuss how water from the new dam will be shared
between upstream farmers and the downstream cities during the dry season, officials at the meeting said.</p>
<p>The talks had stalled in January after a dispute over the flow figures each side had measured, and a mediator
from the regional commission was asked to compare the gauges before the next round.</p></article></body></html>"""


def _doc(meta: dict) -> RawDocument:
    return RawDocument(uri="https://example.org/dam", content=PAGE.encode(), content_type="html", meta=meta)


def test_feed_item_fields_do_not_override_the_page():
    art = extract(_doc({"listed_in": "https://example.org/feed.xml", "title": "Feed headline", "published": "2026-03-05"}))
    assert art.title == "Dam talks resume in Tashkent"
    assert art.published.startswith("2026-03-02")


def test_feed_item_fields_fill_what_the_page_lacks():
    art = extract(_doc({"listed_in": "https://example.org/feed.xml", "author": "Nodira Karimova"}))
    assert art.byline == "Nodira Karimova"


def test_record_fields_win_without_a_feed():
    art = extract(_doc({"title": "Record headline"}))
    assert art.title == "Record headline"
