"""A broadcaster's article page with media boxes, captions, a guide box, topics and a story list (issue 17).

The fixtures (``northgate-floods.html``, the same page with its boxes flattened into paragraphs,
``northgate-floods-flat.html``, and as a browser copy, ``northgate-floods-scrape.txt``) are
written for this project: a fictional outlet and a fictional flood, laid out the way large broadcasters lay out
theirs. The labels of the page's parts ("IMAGE SOURCE, GETTY IMAGES", "MEDIA CAPTION", "VIDEO", "A SIMPLE GUIDE",
"Related Topics", "More on this story") and the captions they introduce are no part of the article, and none of
them may become a quote's speaker.
"""

from __future__ import annotations

import pytest

from newstrace.analyze.pipeline import analyze_article
from newstrace.extract import extract

HEADLINE = "Velmora floods: Thousands flee as the Arn bursts its banks"
BODY_STARTS = [
    "Thousands of people have fled their homes in Velmora province",
    "Rescue teams are using boats to reach villages",
    '"The water came in the middle of the night',
    "Provincial governor Anselm Brandt said the army",
    '"We are doing everything we can',
    "The national weather service has warned",
    "Aid groups say clean water is now the most urgent need.",
    "The government has promised compensation for farmers",
]
CHROME = ["IMAGE SOURCE", "Image source", "Image caption", "MEDIA CAPTION", "Media caption", "VIDEO", "1:42",
          "A SIMPLE GUIDE", "Why does the Arn flood", "How are floods forecast", "Related Topics",
          "More on this story", "Residents of Ossaly used fishing boats", "swim out of the house",
          "densely populated part", "Most read", "Terms of Use"]
LABELS = {"image source", "image caption", "media caption", "video", "a simple guide", "related topics",
          "more on this story", "getty images"}

# the page as published; the same page from a CMS export that flattens its boxes into plain paragraphs; a copy
PAGES = [("northgate-floods.html", "html"), ("northgate-floods-flat.html", "html"),
         ("northgate-floods-scrape.txt", "text")]


@pytest.mark.parametrize(("name", "kind"), PAGES)
def test_labels_captions_and_boxes_are_not_article_text(raw, name: str, kind: str) -> None:
    art = extract(raw(name, kind))
    paragraphs = [art.text[s:e] for s, e in art.paragraphs]
    assert art.title == HEADLINE
    assert [p[: len(start)] for p, start in zip(paragraphs[1:], BODY_STARTS)] == BODY_STARTS
    assert len(paragraphs) == len(BODY_STARTS) + 1
    for chrome in CHROME:
        assert chrome not in art.text, chrome
    removed = " | ".join(r.text for r in art.removed)
    assert "A SIMPLE GUIDE" in removed  # reported as dropped, with its reason


@pytest.mark.parametrize(("name", "kind"), PAGES)
def test_no_page_label_speaks(raw, nlp, name: str, kind: str) -> None:
    art = extract(raw(name, kind))
    an = analyze_article(art, nlp)
    speakers = {(q.speaker_text or "").casefold() for q in an.quotes}
    assert not speakers & LABELS
    named = {e.name for q in an.quotes for e in an.entities if e.id == q.speaker}
    assert {"Mira Olsen", "Jonas Albrecht"} <= named


def test_plain_text_scrape_drops_the_caption_a_label_introduces(raw) -> None:
    art = extract(raw("northgate-floods-scrape.txt", "text"))
    reasons = {r.text: r.reason for r in art.removed}
    assert reasons["Image caption,"] == "caption"
    assert reasons["Residents of Ossaly used fishing boats to move their families to higher ground"] == "caption"
    assert reasons['"We had to swim out of the house," says Ossaly resident Petra Vance'] == "caption"
    assert reasons["A SIMPLE GUIDE"] == "box" and reasons["How are floods forecast?"] == "box"
