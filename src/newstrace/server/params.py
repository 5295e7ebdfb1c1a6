"""Query parameters shared by the API and the pages, each bounded so that no value reaches SQLite unchecked.

Integers stay within SQLite's 64-bit range (a larger offset raised ``OverflowError`` deep in the driver: a 500);
texts have a maximum length; choices (verdict, source kind, modality) and dates have a pattern. A value outside
its bounds is answered 422 with the parameter's name and the rule, by the app's validation handler. An empty
choice (``?verdict=``, what an HTML form sends for "any") means no filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from fastapi import Query

from newstrace.model import MODALITIES, SOURCE_KINDS, VERDICTS
from newstrace.server.queries import DEFAULT_LIMIT, MAX_LIMIT

SQLITE_MAX_INT = 2**63 - 1
MAX_TEXT = 1000
DATE_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"


def limit_q(default: int = DEFAULT_LIMIT) -> Any:
    """``limit``: a page size from 1; values above ``MAX_LIMIT`` are capped (by ``queries.clamp``)."""
    return Query(default, ge=1, le=SQLITE_MAX_INT, description=f"Page size; values above {MAX_LIMIT} are capped.")


def offset_q() -> Any:
    """``offset``: records to skip, from 0 to SQLite's largest integer."""
    return Query(0, ge=0, le=SQLITE_MAX_INT, description="Records to skip.")


def text_q(description: str, max_length: int = MAX_TEXT) -> Any:
    """An optional free-text parameter of bounded length."""
    return Query(None, max_length=max_length, description=description)


def date_q(description: str) -> Any:
    """An optional date: YYYY, YYYY-MM or YYYY-MM-DD."""
    return Query(None, max_length=10, pattern=DATE_PATTERN, description=f"{description} (YYYY-MM-DD).")


def choice_q(values: Iterable[str], description: str = "") -> Any:
    """An optional parameter that is one of ``values`` (or empty: no filter)."""
    values = list(values)
    assert all(re.fullmatch(r"[\w-]+", v) for v in values), values
    return Query(None, max_length=max(map(len, values)), pattern=f"^({'|'.join(values)})?$",
                 description=(description + " " if description else "") + " | ".join(values))


def verdict_q() -> Any:
    return choice_q(VERDICTS, "Only this verdict:")


def source_kind_q() -> Any:
    return choice_q(SOURCE_KINDS, "Only claims resting on this source kind:")


def modality_q() -> Any:
    return choice_q(MODALITIES, "Only this modality:")


def next_offset(items: int, limit: int, offset: int) -> int | None:
    """The offset of the next page: None when this page is not full or the next would leave SQLite's range."""
    nxt = offset + limit
    return nxt if items == limit and nxt <= SQLITE_MAX_INT else None
