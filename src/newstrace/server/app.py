"""The FastAPI application: JSON API under ``/api``, pages at ``/``, static files, security headers, errors.

``create_app(db_path, tokens=..., host=...)`` builds one app over one store file. Every response carries a
strict Content-Security-Policy (scripts and styles only from ``/static``, nothing inline, no frames, no
third-party hosts). Errors are JSON (``{"error": {"status", "message"}}``) for the API and for clients that do
not ask for HTML, and an HTML page otherwise.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from newstrace.server.auth import Access, Token
from newstrace.server.queries import Reader
from newstrace.settings import get_settings
from newstrace.store.sqlite import Store, StoreError

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def prepare_store(db_path: str | Path) -> None:
    """Create the store or bring its schema up to date before serving (readers open it read-only)."""
    try:
        Store(db_path).close()
    except StoreError:
        if not Path(db_path).exists():
            raise
        log.warning("serving %s read-only: its schema could not be updated", db_path)


def wants_json(request: Request) -> bool:
    """Whether an error should be answered in JSON: API paths, writes, and clients that do not ask for HTML."""
    if request.url.path.startswith("/api") or request.method != "GET":
        return True
    return "text/html" not in request.headers.get("accept", "")


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)
    from newstrace.server.pages import templates

    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                      status_code=status, headers=headers)


def create_app(db_path: str | Path, tokens: Iterable[Token | str] | None = None, *, host: str = "127.0.0.1",
               max_bytes: int | None = None) -> FastAPI:
    """The newstrace web app over ``db_path``; raises ``TokenConfigError`` for a public ``host`` without tokens."""
    from newstrace.server import api, pages

    access = Access.build(tokens, host=host)
    prepare_store(db_path)
    app = FastAPI(title="newstrace", version="0.1.0", docs_url=None, redoc_url=None,
                  description="What happened, who says so, and who else confirms it: the store of newstrace as "
                              "JSON. Lists are pages (limit, offset, next_offset); errors are "
                              "{error: {status, message}}.")
    app.state.access = access
    app.state.db_path = str(db_path)
    app.state.reader = Reader(db_path)
    app.state.max_bytes = max_bytes or get_settings().max_bytes

    @app.middleware("http")
    async def security(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > app.state.max_bytes * 2 + 65536:
            response: Response = error_response(request, 413, "request body too large")
        else:
            response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if request.url.path.startswith("/api") or request.method != "GET":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 401 and not wants_json(request):
            return RedirectResponse("/login", status_code=303)
        return error_response(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        # 422 for a query parameter out of bounds (the name and the rule, never the value echoed back in full);
        # 400 for a body that is not the JSON document POST /articles takes
        errors = exc.errors()
        status = 422 if errors and all(e.get("loc", ("",))[0] in ("query", "path") for e in errors) else 400
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors)
        return error_response(request, status, f"bad request: {problems}")

    @app.exception_handler(sqlite3.OperationalError)
    async def db_busy(request: Request, exc: sqlite3.OperationalError) -> Response:
        log.warning("database error on %s: %s", request.url.path, exc)
        return error_response(request, 503, f"database unavailable: {exc}")

    @app.exception_handler(StoreError)
    async def no_store(request: Request, exc: StoreError) -> Response:
        return error_response(request, 503, str(exc))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # a record the page cannot show (a malformed stored analysis) must answer, not hang up
        log.exception("error serving %s", request.url.path)
        return error_response(request, 500, f"internal error: {type(exc).__name__}")

    app.include_router(api.router)
    app.include_router(api.write_router)
    app.include_router(pages.login_router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


__all__ = ["create_app"]
