"""The date component: DATE mentions resolved against the article's publication date.

Writes ``doc._.nt_dates``: a ``DateMention`` per DATE entity, with ``value`` as an ISO date cut to its
granularity ("2021-09-03" day, "2021-09" month, "2021" year; a week gives the day it is counted from, a decade
its first year) and ``granularity`` one of day | week | month | year | decade | duration. A week's value is the
Monday it starts on.

The anchor is ``doc._.nt_meta["published"]``. Relative expressions ("on Saturday", "today", "last week",
"September 3") are resolved only against it: with no anchor they stay unresolved (``value`` None), never guessed
from the clock. Expressions that carry their own year ("3 September 2021", "in 2018") need no anchor.
Durations ("within less than a week", "for three days") name a length, not a day, and stay unresolved.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from newstrace.model import DateMention

log = logging.getLogger(__name__)

MAX_DATES = 200  # date mentions resolved per document; later ones are kept unresolved (bounded time)
MAX_CHARS = 60  # longer "dates" are tagging accidents; kept unresolved

_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_BARE_YEAR = re.compile(r"^(?:the\s+year\s+|in\s+)?(1[0-9]{3}|20[0-9]{2})$", re.I)
_DECADE = re.compile(r"^(?:the\s+)?(?:early\s+|mid\s*-?\s*|late\s+)?(1[0-9]{2}0|20[0-9]0)['\u2019]?s$", re.I)
# a length of time, not a point in it: "within a week", "for three days", "less than a month" (no "ago")
_DURATION = re.compile(r"^(?:within|for|during|over|in)?\s*(?:less|more|fewer)\s+than\b|^(?:within|for|during)\b", re.I)
# hedges in front of a point in time: "more than a decade ago" is resolved as "a decade ago"
_HEDGE = re.compile(r"^(?:more\s+than|less\s+than|nearly|almost|about|around|some|over|roughly|just|only)\s+", re.I)
_TRAIL = re.compile(r"\s*,.*$")
_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few|a\s+few|couple|a\s+couple\s+of)"
# "three days", "the next two weeks", "12 hours": a count of units and no "ago" is a length of time
_COUNTED = re.compile(r"^(?:the\s+)?(?:(?:next|past|last|coming|previous|first|final|following)\s+)?" + _NUMBER +
                      r"[\s-]+(?:days?|weeks?|months?|years?|decades?|hours?|minutes?)$", re.I)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"^(?:(?:on|later\s+on|early\s+on|late\s+on)\s+)?(?:(last|this|next|past|coming)\s+)?"
                      r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
                      r"(?:\s+(?:morning|afternoon|evening|night))?$", re.I)
_FUTURE_CUES = {"will", "'ll", "\u2019ll", "shall", "next", "upcoming", "scheduled", "planned", "plans"}

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# a part of a period says no more than the period itself: "early February", "late last year", "mid-2018",
# "earlier this month" are resolved as February, last year, 2018, this month (with its granularity)
_PART = (r"(?:(?:the\s+)?(?:early|mid|late|earlier|later|beginning\s+of|end\s+of|middle\s+of|start\s+of)"
         r"(?:\s+|\s*-\s*)(?:the\s+)?)?")
_RELATIVE = re.compile(r"^" + _PART + r"(this|last|next|past|previous|coming)\s+(week|month|year)$", re.I)
_NAMED_MONTH = re.compile(r"^" + _PART + r"(?:(this|last|next|past)\s+)?" + _MONTH +
                          r"(?:\s*,?\s+(?:of\s+)?(?:(1[0-9]{3}|20[0-9]{2})|(this|last|next)\s+year))?$", re.I)
_PART_YEAR = re.compile(r"^" + _PART + r"(1[0-9]{3}|20[0-9]{2})$", re.I)
_DAY_WORDS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
_STEP = {"this": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}


def _month_index(word: str) -> int:
    w = word.lower().rstrip(".")
    return next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(w[:3]))


def _shift_month(year: int, month: int, step: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + step
    return n // 12, n % 12 + 1


def _common(expr: str, anchor: datetime | None, prefer: str) -> tuple[str | None, str | None] | None:
    """The usual news expressions, read without the general parser (which is slow, and misses "early
    February", "late last year", "last August"): a relative week, month or year, a named month with or without
    its year, a part of a year, today/yesterday/tomorrow. None when the expression is none of these."""
    low = expr.lower()
    if low in _DAY_WORDS:
        if anchor is None:
            return None, "day"
        return _format(anchor + timedelta(days=_DAY_WORDS[low]), "day"), "day"
    m = _PART_YEAR.match(expr)
    if m:
        return m.group(1), "year"
    m = _RELATIVE.match(expr)
    if m:
        if anchor is None:
            return None, m.group(2).lower()
        step, unit = _STEP[m.group(1).lower()], m.group(2).lower()
        if unit == "year":
            return f"{anchor.year + step:04d}", "year"
        if unit == "month":
            y, mo = _shift_month(anchor.year, anchor.month, step)
            return f"{y:04d}-{mo:02d}", "month"
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=step)
        return _format(monday, "week"), "week"
    m = _NAMED_MONTH.match(expr)
    if m:
        which, month, year, rel_year = m.group(1), _month_index(m.group(2)), m.group(3), m.group(4)
        if year:
            return f"{int(year):04d}-{month:02d}", "month"
        if anchor is None:
            return None, "month"
        if rel_year:
            return f"{anchor.year + _STEP[rel_year.lower()]:04d}-{month:02d}", "month"
        which = (which or "").lower()
        if which in ("last", "past"):
            # the most recent such month before the one of publication ("last May" in May is a year back)
            y = anchor.year if month < anchor.month else anchor.year - 1
        elif which == "next":
            y = anchor.year if month > anchor.month else anchor.year + 1
        elif which == "this":
            y = anchor.year
        elif prefer == "future":
            y = anchor.year if month >= anchor.month else anchor.year + 1
        else:
            y = anchor.year if month <= anchor.month else anchor.year - 1
        return f"{y:04d}-{month:02d}", "month"
    return None


def parse_anchor(published: str | None) -> datetime | None:
    """The publication date as a datetime at noon (None when missing or unreadable)."""
    if not published:
        return None
    text = str(published).strip().replace("Z", "+00:00")
    for candidate in (text, text[:10]):
        try:
            dt = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return datetime(dt.year, dt.month, dt.day, 12)
    return None


@lru_cache(maxsize=2)
def _parser(prefer: str):  # noqa: ANN202 - dateparser's DateDataParser, built once per preference
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={"PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": True,
                                                       "REQUIRE_PARTS": []})


def _format(value: datetime | date, granularity: str) -> str:
    if granularity == "year":
        return f"{value.year:04d}"
    if granularity == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


@lru_cache(maxsize=4096)
def resolve(text: str, anchor: datetime | None, prefer: str = "past") -> tuple[str | None, str | None]:
    """(value, granularity) of one date expression; (None, granularity or None) when it cannot be placed."""
    expr = " ".join(text.split())
    if not expr or len(expr) > MAX_CHARS:
        return None, None
    m = _BARE_YEAR.match(expr)
    if m:
        return m.group(1), "year"
    m = _DECADE.match(expr)
    if m:
        return m.group(1), "decade"
    if (_DURATION.search(expr) or _COUNTED.match(expr)) and "ago" not in expr.lower():
        return None, "duration"
    m = _WEEKDAY.match(expr)
    if m:
        return _weekday(m, anchor, prefer)
    common = _common(expr, anchor, prefer)
    if common is not None:
        return common
    expr = _HEDGE.sub("", expr)
    has_year = bool(_YEAR.search(expr))
    if anchor is None and not has_year:
        return None, None
    parser = _parser_with_base(prefer, anchor) if anchor else _parser(prefer)
    # "September 3, the day ..." : a tagger may run a date into the words after it; try the part before a comma
    for attempt in dict.fromkeys([expr, _TRAIL.sub("", expr)]):
        try:
            parsed = parser.get_date_data(attempt)
        except Exception as exc:  # noqa: BLE001 - a parser failure on odd text leaves the date unresolved
            log.debug("dateparser failed on %r: %s", attempt, exc)
            continue
        if parsed and parsed.date_obj is not None:
            period = parsed.period or "day"
            granularity = period if period in ("day", "week", "month", "year") else "day"
            value = parsed.date_obj
            if granularity == "week":
                # a week is given by the Monday it starts on
                value = value - timedelta(days=value.weekday())
            return _format(value, granularity), granularity
    return None, None


def _weekday(m: re.Match, anchor: datetime | None, prefer: str) -> tuple[str | None, str | None]:
    """A weekday in news: the publication day itself when they match ("on Saturday" in Saturday's paper), else
    the nearest such day before it (or after it in a sentence about the future); "last"/"next" skip a week."""
    if anchor is None:
        return None, None
    which, day = (m.group(1) or "").lower(), _WEEKDAYS.index(m.group(2).lower())
    back = (anchor.weekday() - day) % 7
    ahead = (day - anchor.weekday()) % 7
    if which in ("last", "past"):
        delta = -(back or 7)
    elif which in ("next", "coming"):
        delta = ahead or 7
    elif prefer == "future":
        delta = ahead
    else:
        delta = -back
    return _format(anchor + timedelta(days=delta), "day"), "day"


@lru_cache(maxsize=64)
def _parser_with_base(prefer: str, anchor: datetime):  # noqa: ANN202
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={"PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": True,
                                                       "RELATIVE_BASE": anchor})


def _prefer(span: Span) -> str:
    """Future for a date in a sentence about what will happen ("will meet on Monday"), past otherwise."""
    try:
        sent = span.sent
    except ValueError:
        return "past"
    return "future" if any(t.lower_ in _FUTURE_CUES for t in sent) else "past"


class DateResolver:
    """Resolve every DATE entity of a document against its publication date."""

    def __call__(self, doc: Doc) -> Doc:
        anchor = parse_anchor((doc._.nt_meta or {}).get("published"))
        out: list[DateMention] = []
        for ent in doc.ents:
            if ent.label_ != "DATE":
                continue
            text = ent.text.strip()
            value, granularity = (None, None)
            if len(out) < MAX_DATES:
                value, granularity = resolve(text, anchor, _prefer(ent))
            out.append(DateMention(text=text, start=ent.start_char, end=ent.start_char + len(text), value=value,
                                   granularity=granularity))
        doc._.nt_dates = out
        return doc


def date_at(doc: Doc, start_char: int, end_char: int) -> DateMention | None:
    """The date mention overlapping [start_char, end_char), or None (for events: the date of a clause)."""
    for d in doc._.nt_dates or []:
        if d.start < end_char and d.end > start_char:
            return d
    return None


@Language.factory("newstrace_dates", assigns=["doc._.nt_dates"], requires=["doc.ents"])
def make_dates(nlp: Language, name: str) -> DateResolver:
    return DateResolver()
