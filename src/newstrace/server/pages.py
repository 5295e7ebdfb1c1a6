"""Server-rendered pages (Jinja2, autoescaped): start, article, story, entity, search, claims and the lists.

Every page reads completely without JavaScript; ``static/newstrace.js`` only draws the timeline, the copy
graph and the actor network from JSON that the page carries in ``<script type="application/json">`` blocks
(data, never executed, and allowed by the Content-Security-Policy because it is not script).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote as urlquote

from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from newstrace.model import SOURCE_KINDS, VERDICTS
from newstrace.server import params as P
from newstrace.server.auth import COOKIE, require_read
from newstrace.server.claimlist import UNCONFIRMED, ClaimFilter, InvalidFilter, flag_kinds
from newstrace.server.claims import who_says_what
from newstrace.server.highlight import highlight, snippet_html
from newstrace.server.queries import BadQuery, Reader, clamp

TEMPLATES = Path(__file__).with_name("templates")
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters["urlpart"] = lambda v: urlquote(str(v or ""), safe="")
templates.env.filters["short"] = lambda v, n=12: (str(v)[:n] if v else "")

router = APIRouter(dependencies=[Depends(require_read)], include_in_schema=False)
login_router = APIRouter(include_in_schema=False)


def _reader(request: Request) -> Reader:
    return request.app.state.reader


def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    """A template rendered with the request and the page's context."""
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def safe_href(url: str | None) -> str | None:
    """A link target only when it is an http(s) URL; anything else (``javascript:``, ``data:``) is shown as text."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


templates.env.filters["safe_href"] = safe_href


@router.get("/", response_class=HTMLResponse)
def start(request: Request) -> HTMLResponse:
    """Latest stories, single-source claims (stories resting on one voice, and claims flagged exclusive)."""
    r = _reader(request)
    return render(request, "index.html",
                  stories=r.stories(limit=15, offset=0),
                  single=r.stories(limit=15, offset=0, verdict="single-source"),
                  exclusive=r.flagged("exclusive", limit=15),
                  articles=r.articles(limit=15, offset=0),
                  counts=r.store.counts())


@router.get("/articles", response_class=HTMLResponse)
def articles(request: Request, limit: int = P.limit_q(), offset: int = P.offset_q(),
             outlet: str | None = P.text_q("Only this outlet.")) -> HTMLResponse:
    limit, offset = clamp(limit, offset)
    rows = _reader(request).articles(limit=limit, offset=offset, outlet=outlet)
    return render(request, "articles.html", rows=rows, limit=limit, offset=offset, outlet=outlet)


@router.get("/articles/{ref:path}", response_class=HTMLResponse)
def article(request: Request, ref: str) -> HTMLResponse:
    """The article's clean text highlighted, who says what, its stories, its reuse and what was removed."""
    r = _reader(request)
    found = r.article(ref)
    if found is None:
        raise HTTPException(404, f"no article {ref!r}")
    art, an = found
    keys = r.entity_keys(art.id)
    reuse = r.reuse_of(art.id)
    copied = [(p["copy_start"], p["copy_end"], link["other"].get("outlet") or link["other"].get("title")
               or link["origin_id"]) for link in reuse["copied_from"] for p in link.get("passages", [])]
    return render(request, "article.html", art=art, an=an, paragraphs=highlight(art, an, keys, copied),
                  voices=who_says_what(art, an, keys), keys=keys, copied=bool(copied),
                  stories=r.stories(limit=50, offset=0, article=art.id), reuse=reuse,
                  flag_kinds=sorted({f.kind for f in an.flags}))


@router.get("/stories", response_class=HTMLResponse)
def stories(request: Request, limit: int = P.limit_q(), offset: int = P.offset_q(),
            verdict: str | None = P.verdict_q()) -> HTMLResponse:
    limit, offset = clamp(limit, offset)
    rows = _reader(request).stories(limit=limit, offset=offset, verdict=verdict)
    return render(request, "stories.html", rows=rows, limit=limit, offset=offset, verdict=verdict)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: str) -> HTMLResponse:
    """The reports on a timeline, the copy graph, the independent-outlet count and the verdict."""
    s = _reader(request).story(story_id)
    if s is None:
        raise HTTPException(404, f"no story {story_id!r}")
    graph = {
        "nodes": [{"id": rep["article_id"], "label": rep.get("outlet") or rep["article_id"][:8],
                   "published": rep.get("published"), "independent": not rep.get("copied_from"),
                   "stance": rep.get("stance")} for rep in s["reports"]],
        "edges": [],
    }
    pairs = [(c["copy_id"], c["origin_id"], c["kind"]) for c in s["copies"]] + [
        (rep["article_id"], rep["copied_from"], "copied") for rep in s["reports"] if rep.get("copied_from")]
    seen: set[tuple[str, str]] = set()
    for src, dst, kind in pairs:
        if (src, dst) not in seen:
            seen.add((src, dst))
            graph["edges"].append({"source": src, "target": dst, "kind": kind})
    return render(request, "story.html", s=s, graph=graph)


@router.get("/entities", response_class=HTMLResponse)
def entities(request: Request, q: str | None = Query(None, max_length=200), type: str | None = P.text_q("", 64),
             limit: int = P.limit_q(100), offset: int = P.offset_q()) -> HTMLResponse:
    limit, offset = clamp(limit, offset)
    rows = _reader(request).entities(limit=limit, offset=offset, q=q, type=type)
    return render(request, "entities.html", rows=rows, q=q, type=type, limit=limit, offset=offset)


@router.get("/entities/{key:path}", response_class=HTMLResponse)
def entity(request: Request, key: str) -> HTMLResponse:
    """Aliases and attributes, the entity's events, and the network of actors it acts with."""
    ent = _reader(request).entity(key)
    if ent is None:
        raise HTTPException(404, f"no entity {key!r}")
    return render(request, "entity.html", e=ent)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str | None = Query(None, max_length=P.MAX_TEXT), limit: int = P.limit_q(),
           offset: int = P.offset_q(), syntax: str | None = P.choice_q(("words", "fts5"))) -> HTMLResponse:
    """Full-text search over words and "phrases"; a raw FTS5 query (syntax=fts5) SQLite rejects is answered 400
    with the reason, on the same page."""
    limit, offset = clamp(limit, offset)
    rows: list[dict[str, Any]] = []
    error = None
    if q and q.strip():
        try:
            rows = _reader(request).search(q, limit=limit, offset=offset, raw=syntax == "fts5")
        except BadQuery as exc:
            error = str(exc)
        for row in rows:
            row["snippet_html"] = snippet_html(row["snippet"])
    return render(request, "search.html", status_code=400 if error else 200, q=q or "", rows=rows, error=error,
                  limit=limit, offset=offset, syntax=syntax or "")


@router.get("/claims", response_class=HTMLResponse)
def claims(request: Request, limit: int = P.limit_q(), offset: int = P.offset_q(),
           single_source: bool = Query(False), verdict: str | None = P.verdict_q(),
           flag: str | None = P.text_q("", 64), source_kind: str | None = P.source_kind_q(),
           outlet: str | None = P.text_q(""), entity: str | None = P.text_q(""),
           type: str | None = P.text_q("", 64), article: str | None = P.text_q(""),
           story: str | None = P.text_q("")) -> HTMLResponse:
    """Claims as articles state them (the same rows as ``GET /api/claims`` and ``newstrace claims``), filtered by
    single-source, verdict, flag, source kind, outlet and entity; an unknown flag is answered 422 on the page."""
    limit, offset = clamp(limit, offset)
    f = ClaimFilter(single_source=single_source, verdict=verdict or None, flag=flag or None,
                    source_kind=source_kind or None, outlet=outlet or None, entity=entity or None,
                    type=type or None, article=article or None, story=story or None)
    rows: list[dict[str, Any]] = []
    error = None
    try:
        rows = _reader(request).claims(f, limit=limit, offset=offset)
    except InvalidFilter as exc:
        error = f"{exc.param}: {exc.message}"
    filters = {k: v for k, v in (("single_source", "true" if single_source else None), ("verdict", f.verdict),
                                 ("flag", f.flag), ("source_kind", f.source_kind), ("outlet", f.outlet),
                                 ("entity", f.entity), ("type", f.type), ("article", f.article),
                                 ("story", f.story)) if v}
    return render(request, "claims.html", status_code=422 if error else 200, rows=rows, error=error, f=f,
                  filters=filters, query="".join(f"&{k}={urlquote(v, safe='')}" for k, v in filters.items()),
                  limit=limit, offset=offset, verdicts=VERDICTS, source_kinds=SOURCE_KINDS,
                  flags=sorted({k for k in flag_kinds(_reader(request).conn) if ":" not in k}
                               | ({f.flag} if f.flag and not error else set())),
                  unconfirmed=UNCONFIRMED)


@login_router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    """The sign-in form for servers whose pages need a token (public binds)."""
    return render(request, "login.html", error=None, open_reads=request.app.state.access.open_reads)


@login_router.post("/login", response_model=None)
async def login(request: Request) -> Response:
    """Check a token typed into the form and keep it in a read-only session cookie."""
    body = (await request.body())[:4096].decode("utf-8", errors="replace")
    token = (parse_qs(body).get("token") or [""])[0].strip()
    found = request.app.state.access.match(token)
    if found is None or "read" not in found.scopes:
        return render(request, "login.html", status_code=401, error="That token is not valid here.",
                      open_reads=request.app.state.access.open_reads)
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                    max_age=12 * 3600)
    return resp


@login_router.post("/logout")
def logout() -> RedirectResponse:
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(COOKIE)
    return resp


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The JSON API documented from its own OpenAPI schema (a page of ours: no third-party UI under our CSP)."""
    schema = request.app.openapi()
    ops = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p.get("name"), "in": p.get("in"), "required": p.get("required", False),
                       "description": p.get("description") or "",
                       "type": (p.get("schema") or {}).get("type") or ""} for p in op.get("parameters", [])]
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary") or "",
                        "description": op.get("description") or "", "params": params,
                        "body": "requestBody" in op})
    return render(request, "docs.html", ops=ops, info=schema.get("info", {}))
