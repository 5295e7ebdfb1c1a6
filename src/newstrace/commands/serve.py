"""``newstrace serve``: the JSON API and the web pages over a store, on one port.

Reading is open on a loopback bind; writing (``POST /articles``) needs a token with the write scope; binding any
other address refuses to start without tokens. Tokens come from ``--token`` (read and write), ``--read-token``
or ``--token-file`` (one ``TOKEN [read|write]`` per line) and are never printed.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from newstrace.cli import DbOpt, _fail, app, check_db_name
from newstrace.output import err, escape


class LogLevel(str, Enum):
    """uvicorn's log levels."""

    critical = "critical"
    error = "error"
    warning = "warning"
    info = "info"
    debug = "debug"
    trace = "trace"


# rich reads "[read|write]" as markup and drops it: the backslash keeps the token-file format in --help
TOKEN_FILE_HELP = ("File of tokens, one per line: 'TOKEN \\[read|write|read,write]' (no scope: read and write; "
                   "# starts a comment).")


@app.command()
def serve(
    db: DbOpt = "newstrace.db",
    host: Annotated[str, typer.Option(metavar="ADDRESS", help="Address to bind; anything but loopback needs tokens.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, metavar="PORT", help="Port to listen on.")] = 8000,
    token: Annotated[Optional[list[str]], typer.Option(
        "--token", envvar="NEWSTRACE_TOKEN", metavar="TOKEN",
        help="A token with read and write access (repeatable).")] = None,
    read_token: Annotated[Optional[list[str]], typer.Option(
        "--read-token", metavar="TOKEN", help="A token with read access only (repeatable).")] = None,
    token_file: Annotated[Optional[Path], typer.Option("--token-file", metavar="FILE", help=TOKEN_FILE_HELP)] = None,
    log_level: Annotated[LogLevel, typer.Option(
        metavar="LEVEL", help="uvicorn log level: critical, error, warning, info, debug or trace.")] = LogLevel.info,
) -> None:
    """Serve the JSON API (/api, schema at /openapi.json) and the analyst's pages (/) over a store."""
    import uvicorn

    from newstrace.server.app import create_app
    from newstrace.server.auth import TokenConfigError, load_token_file, make_token
    from newstrace.store.sqlite import StoreError

    check_db_name(db)
    if not Path(db).exists():
        raise _fail(f"no database at {db}: build one with `newstrace ingest PATH --db {db}`")
    try:
        tokens = [make_token(t, "read,write") for t in token or []]
        tokens += [make_token(t, "read", where="--read-token") for t in read_token or []]
        if token_file is not None:
            tokens += load_token_file(token_file)
        application = create_app(db, tokens, host=host)
    except (TokenConfigError, StoreError) as exc:
        raise _fail(str(exc)) from exc
    shown = f"[{host}]" if ":" in host else host
    err.print(f"newstrace: serving {escape(db)} at http://{escape(shown)}:{port}/ "
              f"({len(tokens)} token{'s' if len(tokens) != 1 else ''} configured"
              f"{', reads open on loopback' if application.state.access.open_reads else ''})")
    uvicorn.run(application, host=host, port=port, log_level=log_level.value, proxy_headers=False,
                server_header=False)
