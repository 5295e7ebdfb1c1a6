"""Fixtures for the server tests: real stores, a real uvicorn server on a free loopback port, real HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

FIXTURES = Path(__file__).with_name("fixtures")
HOSTILE = FIXTURES / "hostile.jsonl"
WRITE_TOKEN = "test-write-token-0123456789"
READ_TOKEN = "test-read-token-9876543210"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(db: Path | str, tokens: Any = None, *, policy_host: str = "127.0.0.1", **options: Any) -> Iterator[str]:
    """Serve ``create_app(db, tokens, host=policy_host)`` with uvicorn on 127.0.0.1 in a thread; yields the base URL.

    ``policy_host`` is the address whose access rules the app applies (a public one needs tokens); the socket
    itself always binds loopback, so tests never listen beyond this machine.
    """
    from newstrace.server.app import create_app

    app = create_app(db, tokens, host=policy_host, **options)
    port = free_port()
    # log_config=None: uvicorn's loggers propagate to the root logger, so tests can read what they log
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, log_level=None,
                                           access_log=True, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory, nlp) -> Path:
    """A store with articles whose titles, text, URL and outlet carry script tags, handlers and javascript: links,
    ingested through the real pipeline (collect JSONL -> extract -> analyze -> store)."""
    from newstrace.ingest import ingest
    from newstrace.store.sqlite import Store

    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    with Store(path) as store:
        stats = ingest([str(HOSTILE)], store)
    assert stats.stored == 2, stats
    return path


@pytest.fixture(scope="session")
def hostile_url(hostile_db) -> Iterator[str]:
    with live_server(hostile_db, [WRITE_TOKEN]) as url:
        yield url


@pytest.fixture(scope="session")
def corpus_url(corpus_db) -> Iterator[str]:
    """The server over the example corpus store (ingested and linked), reads open, one write token."""
    with live_server(corpus_db, [WRITE_TOKEN]) as url:
        yield url


@pytest.fixture()
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as c:
        yield c


@pytest.fixture(scope="session")
def serve():
    """``serve(db, tokens, policy_host=..., **create_app options)``: a context manager yielding a live base URL."""
    return live_server


@pytest.fixture(scope="session")
def tokens() -> dict[str, str]:
    return {"write": WRITE_TOKEN, "read": READ_TOKEN}


@pytest.fixture(scope="session")
def port_finder():
    return free_port
