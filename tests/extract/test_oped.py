"""The motivating op-ed scrape (shared folder): headline, tag line, seven body paragraphs, no chrome, bio aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.extract import extract
from newstrace.model import RawDocument

OPED = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "isi-oped-scrape.txt"

CHROME = [
    "Connect with us",
    "Recommended for you:",
    "Click to comment",
    "Leave a Comment",
    "More in Oped",
    "Popular Posts",
    "Subscribe via Email",
    "Enter your email",
    "Top Trends",
    "To Top",
    "%d bloggers like this:",
    "anti-militancy journalist",
]


@pytest.fixture(scope="module")
def oped():
    if not OPED.exists():
        pytest.skip(f"{OPED} not present")
    raw_bytes = OPED.read_bytes()
    article = extract(RawDocument(uri=str(OPED), content=raw_bytes, content_type="text"))
    return raw_bytes.decode("utf-8"), article


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_title_is_the_headline(oped):
    _, art = oped
    assert art.title == "Pakistani ISI chief holds secret meetings with Taliban, Al Qaeda"
    assert art.text.startswith(art.title + "\n\n")
    assert art.meta["body_start"] == len(art.title) + 2


def test_tags_are_the_tag_line(oped):
    source, art = oped
    lines = _lines(source)
    tag_line = lines[2]  # the line between the two copies of the headline
    assert art.tags == [t.strip() for t in tag_line.split(",")]
    assert tag_line not in art.text


def test_all_seven_body_paragraphs_kept(oped):
    source, art = oped
    lines = _lines(source)
    first = next(i for i, line in enumerate(lines) if line.startswith("Pakistani government and its notorious"))
    last = next(
        i for i, line in enumerate(lines) if line.startswith("The visit of ISI chief Faiz Hameed now evidently")
    )
    body = lines[first : last + 1]
    assert len(body) == 7
    paragraphs = [art.text[s:e] for s, e in art.paragraphs]
    assert paragraphs[0] == art.title
    assert paragraphs[1:] == body


def test_no_chrome_in_text(oped):
    _, art = oped
    for chrome in CHROME:
        assert chrome not in art.text, chrome
    assert art.text.count(art.title) == 1


def test_bio_is_byline_information(oped):
    _, art = oped
    assert "journalist" in art.meta["author_bio"]
    assert "Follow his on Twitter" in art.meta["author_bio"]
    reasons = {r.reason for r in art.removed}
    assert {"author bio", "tag line", "duplicate title"} <= reasons
    assert any(r.reason == "author bio" and "journalist" in r.text for r in art.removed)


def test_every_dropped_line_has_a_reason(oped):
    source, art = oped
    dropped = {r.text for r in art.removed}
    for line in _lines(source):
        assert line in art.text or line in dropped, line
    assert all(r.reason for r in art.removed)
