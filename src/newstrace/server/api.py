"""The JSON API: articles, entities, events, quotes, stories, claims and full-text search, plus ``POST /articles``.

Record shapes are those of DESIGN.md (``GET /api/articles/{id}`` is exactly ``newstrace show --json`` plus the
article's stories and reuse links). Lists are pages: ``{"items": [...], "limit", "offset", "next_offset"}``,
with ``limit`` capped at ``queries.MAX_LIMIT``; ``next_offset`` is null on the last page. Every query parameter
is bounded (``server.params``). Errors are ``{"error": {"status", "message"}}`` with 400 (a raw FTS5 query SQLite
rejects, a bad document), 401/403 (token), 404 (unknown id), 413 (too large) or 422 (a parameter out of bounds).
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from newstrace.model import record
from newstrace.server.auth import require_read, require_write
from newstrace.server import params as P
from newstrace.server.claimlist import ClaimFilter, InvalidFilter
from newstrace.server.queries import MAX_LIMIT, BadQuery, Reader, clamp

router = APIRouter(prefix="/api", dependencies=[Depends(require_read)], tags=["read"])
write_router = APIRouter(tags=["write"])

LimitQ = P.limit_q()
OffsetQ = P.offset_q()
SEARCH_HELP = ("Words and \"quoted phrases\", all of which must occur (kab* for a prefix); with syntax=fts5, "
               "SQLite FTS5 query syntax (AND, OR, NOT, NEAR, title:).")


def reader(request: Request) -> Reader:
    return request.app.state.reader


def page(items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    """A page of results with the offset of the next page (None when this one is not full)."""
    return {"items": items, "limit": limit, "offset": offset,
            "next_offset": P.next_offset(len(items), limit, offset)}


@router.get("/status", summary="What the store holds")
def status(request: Request) -> dict[str, Any]:
    """Counts of articles, entities, events, quotes, flags and failed documents, and the stories when linked."""
    r = reader(request)
    counts = r.store.counts()
    if r.has_table("stories"):
        counts["stories"] = r.conn.execute("SELECT count(*) FROM stories").fetchone()[0]
    return {"db": r.path, "schema_version": r.store.schema_version, "counts": counts}


@router.get("/articles", summary="List articles, newest first")
def list_articles(request: Request, limit: int = LimitQ, offset: int = OffsetQ,
                  outlet: str | None = P.text_q("Only this outlet."),
                  since: str | None = P.date_q("Published on or after"),
                  until: str | None = P.date_q("Published on or before"),
                  q: str | None = P.text_q(f"Full-text search, best match first: {SEARCH_HELP}"),
                  syntax: str | None = P.choice_q(("words", "fts5"), "How to read q:")) -> dict[str, Any]:
    limit, offset = clamp(limit, offset)
    if q:
        return search(request, q=q, limit=limit, offset=offset, syntax=syntax, outlet=outlet, since=since,
                      until=until)
    return page(reader(request).articles(limit=limit, offset=offset, outlet=outlet, since=since, until=until),
                limit, offset)


@router.get("/articles/{ref:path}", summary="One article's full record")
def get_article(request: Request, ref: str) -> dict[str, Any]:
    """The article and its analysis (the JSON record), with the stories it reports and its reuse links."""
    r = reader(request)
    found = r.article(ref)
    if found is None:
        raise HTTPException(404, f"no article {ref!r}")
    art, an = found
    out = record(art, an)
    out["stories"] = r.stories(limit=MAX_LIMIT, offset=0, article=art.id)
    out["reuse"] = r.reuse_of(art.id)
    return out


@router.get("/search", summary="Full-text search over titles and text")
def search(request: Request, q: str = Query(..., min_length=1, max_length=P.MAX_TEXT, description=SEARCH_HELP),
           limit: int = LimitQ, offset: int = OffsetQ,
           syntax: str | None = P.choice_q(("words", "fts5"), "How to read q:"),
           outlet: str | None = P.text_q("Only this outlet."),
           since: str | None = P.date_q("Published on or after"),
           until: str | None = P.date_q("Published on or before")) -> dict[str, Any]:
    """Articles matching q, best first, with a snippet whose hits sit in [brackets]. Plain text never fails; a
    raw FTS5 query (syntax=fts5) that SQLite rejects is answered 400 with the reason."""
    limit, offset = clamp(limit, offset)
    try:
        items = reader(request).search(q, limit=limit, offset=offset, raw=syntax == "fts5", outlet=outlet,
                                       since=since, until=until)
    except BadQuery as exc:
        raise HTTPException(400, str(exc)) from None
    for it in items:
        it["snippet"] = (it["snippet"] or "").replace("\x02", "[").replace("\x03", "]")
    return page(items, limit, offset) | {"q": q}


@router.get("/entities", summary="Entities across articles, most reported first")
def list_entities(request: Request, limit: int = LimitQ, offset: int = OffsetQ,
                  q: str | None = P.text_q("Name or alias contains."),
                  type: str | None = P.text_q("PERSON, ORG, GPE, NORP, ...", 64)) -> dict[str, Any]:
    limit, offset = clamp(limit, offset)
    return page(reader(request).entities(limit=limit, offset=offset, q=q, type=type), limit, offset)


@router.get("/entities/{key:path}", summary="One entity: aliases, attributes, events, co-actors")
def get_entity(request: Request, key: str) -> dict[str, Any]:
    ent = reader(request).entity(key)
    if ent is None:
        raise HTTPException(404, f"no entity {key!r}")
    return ent


@router.get("/events", summary="Coded events")
def list_events(request: Request, limit: int = LimitQ, offset: int = OffsetQ,
                type: str | None = P.text_q("Only this PLOVER event type (CONSULT, ASSAULT, ...).", 64),
                modality: str | None = P.modality_q(), source_kind: str | None = P.source_kind_q(),
                article: str | None = P.text_q("Only this article id.")) -> dict[str, Any]:
    limit, offset = clamp(limit, offset)
    return page(reader(request).events(limit=limit, offset=offset, type=type, modality=modality,
                                       source_kind=source_kind, article=article), limit, offset)


@router.get("/quotes", summary="Quotations with their speakers")
def list_quotes(request: Request, limit: int = LimitQ, offset: int = OffsetQ,
                speaker: str | None = P.text_q("Speaker text contains."),
                article: str | None = P.text_q("Only this article id.")) -> dict[str, Any]:
    limit, offset = clamp(limit, offset)
    return page(reader(request).quotes(limit=limit, offset=offset, speaker=speaker, article=article), limit, offset)


@router.get("/stories", summary="Stories: one real-world event and every report of it")
def list_stories(request: Request, limit: int = LimitQ, offset: int = OffsetQ,
                 verdict: str | None = P.verdict_q(),
                 type: str | None = P.text_q("Only this PLOVER event type.", 64),
                 article: str | None = P.text_q("Only the stories this article reports.")) -> dict[str, Any]:
    limit, offset = clamp(limit, offset)
    return page(reader(request).stories(limit=limit, offset=offset, verdict=verdict, type=type, article=article),
                limit, offset)


@router.get("/stories/{story_id}", summary="One story: reports, copy graph, independent outlets, verdict")
def get_story(request: Request, story_id: str) -> dict[str, Any]:
    story = reader(request).story(story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id!r}")
    return story


@router.get("/claims", summary="Claims: each coded event as an article states it, with its source and verdict")
def list_claims(request: Request, limit: int = LimitQ, offset: int = OffsetQ,
                single_source: bool = Query(False, description="Only claims no independent outlet confirms "
                                                               "(verdict single-source or unverified)."),
                verdict: str | None = P.verdict_q(),
                flag: str | None = P.text_q("Only claims carrying this flag (exclusive, hedge, loaded, anonymous, "
                                            "headline, negated, ...).", 64),
                source_kind: str | None = P.source_kind_q(),
                outlet: str | None = P.text_q("Only this outlet."),
                entity: str | None = P.text_q("Only claims whose actor, target or source is this entity "
                                              "(an entity key or part of a name)."),
                type: str | None = P.text_q("Only this PLOVER event type.", 64),
                article: str | None = P.text_q("Only this article id."),
                story: str | None = P.text_q("Only this story.")) -> dict[str, Any]:
    """One row per coded event: article, outlet, type, modality, source, flags, the sentence, and on a linked
    store the story, the claim (label, verdict, independent outlets) and this article's role in it."""
    limit, offset = clamp(limit, offset)
    f = ClaimFilter(single_source=single_source, verdict=verdict, flag=flag, source_kind=source_kind,
                    outlet=outlet, entity=entity, type=type, article=article, story=story)
    try:
        items = reader(request).claims(f, limit=limit, offset=offset)
    except InvalidFilter as exc:
        raise HTTPException(422, f"{exc.param}: {exc.message}") from None
    return page(items, limit, offset)


class ArticleIn(BaseModel):
    """A document to ingest, in the fields of a JSONL dump line: ``text`` or ``html`` plus what is known."""

    model_config = ConfigDict(extra="allow")
    url: str | None = Field(None, max_length=4096)
    title: str | None = Field(None, max_length=4096)
    outlet: str | None = Field(None, max_length=512)
    published: str | None = Field(None, max_length=64)
    author: str | None = Field(None, max_length=1024)
    tags: list[str] | None = None
    text: str | None = None
    html: str | None = None


_write_lock = threading.Lock()


def ingest_document(db_path: str, doc: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    """Ingest one document through the CLI's pipeline (collect's JSONL framing, extract, analyze, store, link).

    Writes are serialised by a lock: one writer at a time, as SQLite allows; readers carry on meanwhile.
    """
    from newstrace.collect.jsonl import parse_record
    from newstrace.ingest import content_sha, ingest
    from newstrace.store.sqlite import Store, utcnow

    line = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if len(line) > max_bytes:
        raise HTTPException(413, f"document is {len(line)} bytes, over the limit of {max_bytes}")
    uri = doc.get("url") or f"api:{hashlib.sha256(line).hexdigest()[:16]}"
    raw = parse_record(line, uri, utcnow())
    if raw.error:
        raise HTTPException(400, raw.error)
    sha = content_sha(raw)
    with _write_lock, Store(db_path) as store:
        stats = ingest([raw], store, batch_size=1)
        linked = None
        if stats.stored:
            try:
                from newstrace.link import link_store
            except ImportError:
                link_store = None
            if link_store is not None:
                linked = link_store(store, since_seq=(stats.first_seq or 1) - 1)
        row = store.conn.execute("SELECT status, stage, reason, article_id FROM documents WHERE sha = ?",
                                 (sha,)).fetchone() if sha else None
    out: dict[str, Any] = {"uri": uri, "stats": stats.as_dict()}
    if row is not None:
        status = {"ok": "stored"}.get(row["status"], row["status"])
        out.update(status=status, id=row["article_id"], stage=row["stage"], reason=row["reason"])
        if stats.skipped:
            out["status"] = "known"
    if linked is not None:
        out["linked"] = linked if isinstance(linked, (dict, list, str, int, float)) else str(linked)
    return out


@write_router.post("/articles", status_code=201, dependencies=[Depends(require_write)],
                   summary="Ingest one document (needs a write token)")
@write_router.post("/api/articles", status_code=201, dependencies=[Depends(require_write)],
                   include_in_schema=False)
def post_article(request: Request, body: ArticleIn) -> dict[str, Any]:
    """Extract, analyse, store and link one document; answers its id and status (stored, duplicate, known,
    failed with the stage and reason). A document that fails is recorded in the store like any ingest failure."""
    doc = body.model_dump(exclude_none=True)
    if not (doc.get("text") or "").strip() and not (doc.get("html") or "").strip():
        raise HTTPException(400, "a document needs a non-empty 'text' or 'html' field")
    out = ingest_document(request.app.state.db_path, doc, request.app.state.max_bytes)
    if out.get("status") == "failed":
        raise HTTPException(422, f"document failed at {out.get('stage')}: {out.get('reason')}")
    return out
