"""The claims listing shared by ``newstrace claims``, ``GET /api/claims`` and the ``/claims`` page.

A row is one coded event: a claim as one article states it (its type, modality, the source it rests on, its flags
and the sentence). On a linked store each row also names the story it belongs to and, when the link stage has
split stories into claims (tables ``claims`` and ``claim_reports``), the claim it states: its label, its own
verdict, its independent outlets and the role this article plays for it (asserts, denies, second-hand, copy,
opinion). Where an event has no claim the story's verdict stands in. Filters are checked before anything runs:
an unknown source kind, verdict or flag is an ``InvalidFilter`` whose message lists what is accepted.

"Single-source" means *no independent outlet confirms it*: the verdicts ``single-source`` and ``unverified``
(one outlet, on anonymous sources only). Events that no story holds have no verdict and are not single-source.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from newstrace.model import SOURCE_KINDS, VERDICTS
from newstrace.store.sqlite import ARTICLE_ORDER_BY

# the verdicts of claims that no independent outlet confirms (what --single-source and single_source=true select)
UNCONFIRMED = ("single-source", "unverified")
# flags that are not in a flag lexicon: an anonymous source found by the quote and flag components
EXTRA_FLAGS = ("anonymous",)


class InvalidFilter(ValueError):
    """A filter value the listing cannot take: ``param`` names the filter, ``message`` what it accepts."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param} {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True)
class ClaimFilter:
    """What to list: every field is optional; ``single_source`` selects the verdicts of ``UNCONFIRMED``."""

    single_source: bool = False
    verdict: str | None = None
    flag: str | None = None
    source_kind: str | None = None
    outlet: str | None = None
    entity: str | None = None
    type: str | None = None
    article: str | None = None
    story: str | None = None


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name=?",
                        (name,)).fetchone() is not None


def lexicon_flag_kinds() -> set[str]:
    """The flag kinds the flag component can set: every flag lexicon's kind (shipped and the user's) + anonymous."""
    from newstrace.analyze.lexicons import flag_lexicons

    return {*flag_lexicons(), *EXTRA_FLAGS}


def stored_flag_kinds(conn: sqlite3.Connection) -> set[str]:
    """The flags the store's events carry, and the family of each ``family:TYPE`` flag (``negated:AGREE``).

    The event coder adds its own markers (headline, nominal, intended:..., negated:...) besides the lexicon kinds:
    whatever the listing can show, it must accept as a filter.
    """
    kinds: set[str] = set()
    for (value,) in conn.execute("SELECT DISTINCT j.value FROM occurrences v, json_each(v.flags) j"
                                 " WHERE json_valid(v.flags) AND j.type = 'text'"):
        kinds.add(value)
        if ":" in value:
            kinds.add(value.split(":", 1)[0])
    return kinds


def flag_kinds(conn: sqlite3.Connection) -> list[str]:
    """Every flag value ``--flag`` accepts on this store, sorted."""
    return sorted(lexicon_flag_kinds() | stored_flag_kinds(conn))


def check(f: ClaimFilter, conn: sqlite3.Connection) -> ClaimFilter:
    """The filter with its verdicts settled; raises ``InvalidFilter`` for a value the listing cannot take."""
    if f.source_kind and f.source_kind not in SOURCE_KINDS:
        raise InvalidFilter("source_kind", f"must be one of {', '.join(SOURCE_KINDS)}")
    if f.verdict and f.verdict not in VERDICTS:
        raise InvalidFilter("verdict", f"must be one of {', '.join(VERDICTS)}")
    if f.single_source and f.verdict and f.verdict not in UNCONFIRMED:
        raise InvalidFilter("verdict", f"disagrees with single-source (verdicts {' and '.join(UNCONFIRMED)})")
    if f.flag and f.flag not in lexicon_flag_kinds() and f.flag not in stored_flag_kinds(conn):
        raise InvalidFilter("flag", f"must be one of {', '.join(flag_kinds(conn))}")
    return f


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _entity_match(entity: str) -> tuple[str, list[Any]]:
    """SQL over ``e`` (an entities row) for an entity given as the pages key it (name:, c:, n:) or by name."""
    if entity.startswith("name:"):
        return "e.name = ?", [entity[5:]]
    if entity.startswith("c:"):
        return "e.canonical = ?", [entity[2:]]
    if entity.startswith("n:"):
        return "lower(e.name) = lower(?)", [entity[2:]]
    return "(e.canonical = ? OR e.name LIKE ? ESCAPE '\\')", [entity, _like(entity)]


def _where(f: ClaimFilter, verdict_sql: str | None) -> tuple[list[str], list[Any]]:
    """The WHERE conditions of a checked filter (``verdict_sql``: the verdict column, None when unlinked)."""
    where: list[str] = []
    args: list[Any] = []
    verdicts = [f.verdict] if f.verdict else list(UNCONFIRMED) if f.single_source else []
    if verdicts:
        if verdict_sql is None:
            where.append("0")  # an unlinked store has no verdicts
        else:
            where.append(f"{verdict_sql} IN ({','.join('?' * len(verdicts))})")
            args += verdicts
    if f.flag:
        cond = "EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(v.flags) THEN v.flags ELSE '[]' END) j" \
               " WHERE j.value = ? OR (j.type = 'text' AND substr(j.value, 1, length(?) + 1) = ? || ':'))"
        args += [f.flag, f.flag, f.flag]
        if f.flag == "anonymous":
            cond = f"({cond} OR v.source_kind = 'anonymous')"
        where.append(cond)
    if f.source_kind:
        where.append("coalesce(v.source_kind, 'author') = ?")
        args.append(f.source_kind)
    if f.outlet:
        where.append("a.outlet = ? COLLATE NOCASE")
        args.append(f.outlet)
    if f.type:
        where.append("v.type = ? COLLATE NOCASE")
        args.append(f.type)
    if f.article:
        where.append("v.article_id = ?")
        args.append(f.article)
    if f.story:
        # the story the event is a member of (the claim's story is the same one)
        where.append("v.id IN (SELECT sm.event_id FROM story_members sm WHERE sm.article_id = v.article_id"
                     " AND sm.story_id = ?)" if verdict_sql else "0")
        args += [f.story] if verdict_sql else []
    if f.entity:
        match, margs = _entity_match(f.entity)
        where.append("EXISTS (SELECT 1 FROM entities e WHERE e.article_id = v.article_id"
                     f" AND e.id IN (v.actor, v.target, v.source_entity) AND {match})")
        args += margs
    return where, args


def claim_rows(conn: sqlite3.Connection, f: ClaimFilter, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """One row per coded event matching ``f``, the newest article first (as ``articles`` lists them) and in text
    order within it.

    Every row has the same keys whatever the store holds; the story and claim fields are None where the store is
    not linked (or the event is in no story).
    """
    f = check(f, conn)
    stories = _has_table(conn, "stories") and _has_table(conn, "story_members")
    claims = stories and _has_table(conn, "claims") and _has_table(conn, "claim_reports")
    cols = ["v.article_id AS article", "a.outlet AS outlet", "a.title AS title", "a.url AS url",
            "a.published AS published", "v.id AS event", "v.type AS type", "v.modality AS modality",
            "coalesce(v.source_kind, 'author') AS source_kind", "v.source_text AS source_text",
            "v.flags AS flags", "v.ev_text AS text", "v.ev_start AS start", "v.ev_end AS \"end\"",
            "coalesce((SELECT e.name FROM entities e WHERE e.article_id = v.article_id AND e.id = v.actor),"
            " v.actor_text) AS actor",
            "coalesce((SELECT e.name FROM entities e WHERE e.article_id = v.article_id AND e.id = v.target),"
            " v.target_text) AS target"]
    joins = ""
    verdict_sql = None
    if claims:
        joins = (" LEFT JOIN story_members m ON m.article_id = v.article_id AND m.event_id = v.id"
                 " LEFT JOIN stories s ON s.id = m.story_id"
                 # an event may state several claims of a story: the central one, else the first by id
                 " LEFT JOIN claims c ON c.id = (SELECT r2.claim_id FROM claim_reports r2 JOIN claims c2"
                 "  ON c2.id = r2.claim_id WHERE r2.article_id = v.article_id AND r2.event_id = v.id"
                 "  ORDER BY c2.central DESC, c2.id LIMIT 1)"
                 " LEFT JOIN claim_reports r ON r.claim_id = c.id AND r.article_id = v.article_id"
                 "  AND r.event_id = v.id")
        verdict_sql = "coalesce(c.verdict, s.verdict)"
        cols += ["coalesce(c.story_id, m.story_id) AS story", "c.id AS claim", "c.label AS claim_label",
                 f"{verdict_sql} AS verdict",
                 "coalesce(c.independent_outlets, s.independent_outlets) AS independent_outlets",
                 "r.role AS role", "coalesce(r.voice_id, m.voice_id) AS voice_id", "r.voice AS voice",
                 "r.copied_from AS copied_from"]
    elif stories:
        joins = (" LEFT JOIN story_members m ON m.article_id = v.article_id AND m.event_id = v.id"
                 " LEFT JOIN stories s ON s.id = m.story_id")
        verdict_sql = "s.verdict"
        cols += ["m.story_id AS story", "NULL AS claim", "NULL AS claim_label", "s.verdict AS verdict",
                 "s.independent_outlets AS independent_outlets", "NULL AS role", "m.voice_id AS voice_id",
                 "NULL AS voice", "NULL AS copied_from"]
    else:
        cols += [f"NULL AS {c}" for c in ("story", "claim", "claim_label", "verdict", "independent_outlets",
                                          "role", "voice_id", "voice", "copied_from")]
    where, args = _where(f, verdict_sql)
    sql = (f"SELECT {', '.join(cols)} FROM occurrences v JOIN articles a ON a.id = v.article_id{joins}"
           + (" WHERE " + " AND ".join(where) if where else "")
           + ARTICLE_ORDER_BY + ", v.ev_start, v.id LIMIT ? OFFSET ?")
    rows = [dict(r) for r in conn.execute(sql, [*args, limit, offset])]
    for r in rows:
        try:
            flags = json.loads(r["flags"] or "[]")
        except ValueError:
            flags = []
        r["flags"] = [str(x) for x in flags] if isinstance(flags, list) else []
    return rows
