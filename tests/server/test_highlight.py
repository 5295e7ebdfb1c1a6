"""The highlighted article HTML: overlapping annotations, escaping, and bad offsets."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from newstrace.model import Analysis, Article, Entity, Event, Evidence, Flag, Quote, Source, article_id
from newstrace.server.claims import who_says_what
from newstrace.server.highlight import highlight, snippet_html

TITLE = "Port deal <script>alert(1)</script> collapses"
BODY = ("Harbour Minister Odile Varga resigned on Monday. We have learned that the deal was signed in secret "
        "<img src=x onerror=alert(2)>.\n\n\"It was a mistake,\" Varga said in Saltmere.")
TEXT = TITLE + "\n\n" + BODY


def _at(sub: str, nth: int = 0) -> list[int]:
    pos = -1
    for _ in range(nth + 1):
        pos = TEXT.index(sub, pos + 1)
    return [pos, pos + len(sub)]


def _record() -> tuple[Article, Analysis]:
    art = Article(article_id(TEXT), "javascript:alert(3)", "gazette.example", TITLE, None, "2026-03-02", [], "en",
                  TEXT, meta={"body_start": len(TITLE) + 2})
    claim = _at("We have learned that the deal was signed in secret <img src=x onerror=alert(2)>.")
    an = Analysis(
        entities=[Entity("e1", "Odile Varga", "PERSON", mentions=[_at("Odile Varga")]),
                  Entity("e2", "Varga", "PERSON", mentions=[_at("Varga", 1)]),
                  Entity("e3", "Saltmere", "GPE", mentions=[_at("Saltmere"), [5, 2], [len(TEXT) - 3, 10**6]])],
        events=[Event("v1", "AGREE", None, None, None, None, None, None, "asserted",
                      Evidence(claim[0], claim[1], TEXT[claim[0]:claim[1]]), Source("author"))],
        quotes=[Quote("q1", "e2", "Varga", "said", "It was a mistake,", *_at("\"It was a mistake,\""), True)],
        flags=[Flag("exclusive", *_at("We have learned"), "We have learned"),
               # a flag that crosses the quote boundary: overlapping, not nested
               Flag("loaded", _at("mistake,\" Varga")[0], _at("mistake,\" Varga")[1], "mistake, Varga")],
    )
    return art, an


class Balance(HTMLParser):
    """Checks that tags open and close in order and collects any script/handler that got through."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "svg", "iframe"):
            self.bad.append(tag)
        for name, _ in attrs:
            if name.startswith("on"):
                self.bad.append(name)
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()


def _render() -> tuple[list[tuple[str, str]], str]:
    art, an = _record()
    paras = highlight(art, an, {"e1": "name:Odile Varga", "e2": "name:Varga", "e3": "Q123"})
    html = "".join(f"<p>{h}</p>" for _, h in paras)
    return [(k, str(h)) for k, h in paras], html


def test_paragraphs_keep_all_text_and_mark_the_headline():
    paras, html = _render()
    assert [k for k, _ in paras] == ["headline", "p", "p"]
    plain = re.sub(r"<[^>]+>", "", html)
    import html as h

    assert h.unescape(plain) == TEXT.replace("\n\n", "")


def test_html_is_balanced_and_inert():
    _, html = _render()
    parser = Balance()
    parser.feed(html)
    parser.close()
    assert parser.stack == [] and parser.bad == []
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html


def test_overlaps_carry_every_class():
    _, html = _render()
    # the exclusive flag sits inside the outlet's own claim
    assert re.search(r'class="claim flag flag-exclusive src-author"[^>]*>We have learned<', html)
    # the loaded flag crosses the quote's end: the piece inside the quote has both, the piece after only the flag
    assert re.search(r'class="flag flag-loaded quote"[^>]*>mistake,&#34;<', html)
    assert re.search(r'class="ent ent-person flag flag-loaded"[^>]*>Varga<', html)
    assert 'href="/entities/name%3AOdile%20Varga"' in html and 'href="/entities/Q123"' in html


def test_who_says_what_puts_the_outlet_first():
    art, an = _record()
    voices = who_says_what(art, an, {"e2": "name:Varga"})
    assert voices[0].kind == "author" and "gazette.example itself" in voices[0].label
    assert voices[0].claims[0]["flags"] == ["exclusive"]
    assert voices[1].label == "Varga" and voices[1].quotes[0]["flags"] == ["loaded"]


def test_snippet_marks_only_hits():
    html = str(snippet_html("a \x02<b>hit</b>\x03 b"))
    assert html == "a <mark>&lt;b&gt;hit&lt;/b&gt;</mark> b"


def test_many_annotations_stay_fast():
    import time

    words = ["Word"] * 20000
    text = " ".join(words)
    art = Article("x", None, None, None, None, None, [], "en", text)
    mentions = [[i * 5, i * 5 + 4] for i in range(20000)]
    an = Analysis(entities=[Entity("e1", "Word", "ORG", mentions=mentions)],
                  flags=[Flag("hedge", 0, len(text), text)])
    t = time.perf_counter()
    paras = highlight(art, an, {"e1": "k"})
    assert time.perf_counter() - t < 5
    assert str(paras[0][1]).count("<a ") == 20000
