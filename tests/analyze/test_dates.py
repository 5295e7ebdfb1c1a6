"""Date mentions resolved against the publication date, never against the clock."""

from __future__ import annotations

from newstrace.analyze.dates import parse_anchor, resolve
from newstrace.analyze.pipeline import analyze_article
from newstrace.model import Article, article_id


def _article(text: str, published: str | None) -> Article:
    return Article(id=article_id(text), url=None, outlet=None, title=None, byline=None, published=published,
                   tags=[], language="en", text=text)


def _by_text(an) -> dict[str, tuple]:
    return {d.text: (d.value, d.granularity) for d in an.dates}


TEXT = ("The envoy arrived on Saturday, two days after the talks of September 3. Officials said last week "
        "that a deal would come within less than a week. The port reopened in March 2025.")


def test_relative_dates_resolve_against_publication(nlp):
    an = analyze_article(_article(TEXT, "2026-09-07T09:30:00+05:00"), nlp)
    got = _by_text(an)
    assert got["Saturday"] == ("2026-09-05", "day")
    assert got["September 3"] == ("2026-09-03", "day")
    assert got["last week"][1] == "week" and got["last week"][0].startswith("2026-08-3")
    assert got["March 2025"] == ("2025-03", "month")
    assert any(v == (None, "duration") for k, v in got.items() if "week" in k and "less" in k)
    for d in an.dates:
        assert TEXT[d.start:d.end] == d.text


def test_no_anchor_leaves_relative_dates_unresolved(nlp):
    an = analyze_article(_article(TEXT, None), nlp)
    got = _by_text(an)
    assert got["Saturday"] == (None, None)
    assert got["September 3"] == (None, None)
    assert got["March 2025"] == ("2025-03", "month")  # carries its own year


def test_future_sentences_look_forward():
    anchor = parse_anchor("2026-09-10")  # a Thursday
    assert resolve("Monday", anchor, "future") == ("2026-09-14", "day")
    assert resolve("Monday", anchor, "past") == ("2026-09-07", "day")
    assert resolve("next month", anchor) == ("2026-10", "month")


def test_odd_input_is_unresolved_not_a_crash():
    anchor = parse_anchor("2026-09-10")
    assert parse_anchor("not a date") is None and parse_anchor("") is None
    assert resolve("", anchor) == (None, None)
    assert resolve("x" * 500, anchor) == (None, None)
    assert resolve("the 1990s", None) == ("1990", "decade")
    assert resolve("1805", None) == ("1805", "year")
    assert resolve("the day", anchor)[0] is None


def test_weekdays_follow_news_usage():
    saturday = parse_anchor("2026-09-05")
    assert resolve("Saturday", saturday) == ("2026-09-05", "day")  # the day of the paper itself
    assert resolve("on Thursday", saturday) == ("2026-09-03", "day")
    assert resolve("Sunday", saturday, "future") == ("2026-09-06", "day")
    assert resolve("last Saturday", saturday) == ("2026-08-29", "day")
    assert resolve("three days", saturday) == (None, "duration")
    assert resolve("the next two weeks", saturday) == (None, "duration")
    assert resolve("last week", parse_anchor("2026-09-10")) == ("2026-08-31", "week")


def test_corpus_dates(corpus_db):
    from newstrace.store.sqlite import Store

    with Store(corpus_db, readonly=True) as store:
        found = {}
        for _, art, an in store.iter_articles():
            for d in an.dates:
                found.setdefault(art.title, {}).setdefault(d.text, set()).add(d.value)
    denial = next(v for k, v in found.items() if k and k.startswith("ISPR rejects"))
    assert denial["Wednesday"] == {"2026-09-09"} and denial["Tuesday"] == {"2026-09-08"}
    assert denial["last week"] == {"2026-08-31"}
    wire = next(v for k, v in found.items() if k and k.startswith("U.S., Taliban agree"))
    assert wire["Thursday"] == {"2026-09-03"} and wire["March 2025"] == {"2025-03"}
    assert wire["next month"] == {"2026-10"}


def test_parts_of_periods_and_named_months_resolve_against_publication():
    anchor = parse_anchor("2026-05-15T10:00:00Z")
    cases = {
        "early February": ("2026-02", "month"),
        "late last year": ("2025", "year"),
        "earlier this month": ("2026-05", "month"),
        "last August": ("2025-08", "month"),
        "last May": ("2025-05", "month"),
        "next March": ("2027-03", "month"),
        "July last year": ("2025-07", "month"),
        "January of this year": ("2026-01", "month"),
        "mid-2018": ("2018", "year"),
        "late 2020": ("2020", "year"),
        "Sept. 2024": ("2024-09", "month"),
        "the end of last year": ("2025", "year"),
        "this week": ("2026-05-11", "week"),
        "next month": ("2026-06", "month"),
        "yesterday": ("2026-05-14", "day"),
        "October": ("2025-10", "month"),  # a month not yet come this year is last year's, in a past sentence
    }
    for text, want in cases.items():
        assert resolve(text, anchor) == want, text
    assert resolve("October", anchor, "future") == ("2026-10", "month")
    assert resolve("late last year", None) == (None, "year")
