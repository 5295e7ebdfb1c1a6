"""Access rules: open reads on loopback, tokens for writes, public binds refuse to start without tokens."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.server.auth import (Access, Token, TokenConfigError, is_loopback, load_token_file, make_token,
                                   parse_scopes)

# fixed test secrets (the same values as the conftest's ``tokens`` fixture)
WRITE_TOKEN = "test-write-token-0123456789"
READ_TOKEN = "test-read-token-9876543210"


@pytest.mark.parametrize("host,loop", [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True),
                                       ("localhost", True), ("0.0.0.0", False), ("::", False),
                                       ("192.168.1.20", False), ("example.org", False)])
def test_loopback_detection(host, loop):
    assert is_loopback(host) is loop


def test_public_bind_needs_tokens():
    with pytest.raises(TokenConfigError, match="non-loopback"):
        Access.build(None, host="0.0.0.0")
    policy = Access.build([WRITE_TOKEN], host="0.0.0.0")
    assert policy.open_reads is False
    assert Access.build(None, host="127.0.0.1").open_reads is True


def test_token_scopes_and_file(tmp_path):
    assert parse_scopes("write") == {"read", "write"}
    assert parse_scopes("read") == {"read"}
    with pytest.raises(TokenConfigError):
        parse_scopes("admin")
    with pytest.raises(TokenConfigError, match="shorter"):
        make_token("abc")
    f = tmp_path / "tokens"
    f.write_text(f"# desk tokens\n{WRITE_TOKEN}\n{READ_TOKEN} read  # the intern\n\n", encoding="utf-8")
    toks = load_token_file(f)
    assert [sorted(t.scopes) for t in toks] == [["read", "write"], ["read"]]
    bad = tmp_path / "bad"
    bad.write_text("short\n", encoding="utf-8")
    with pytest.raises(TokenConfigError) as info:
        load_token_file(bad)
    assert "short" not in str(info.value).replace("shorter", "")  # the token text is never in the message
    with pytest.raises(TokenConfigError):
        load_token_file(tmp_path / "missing")


def test_tokens_are_hidden_and_matched_exactly():
    tok = make_token(WRITE_TOKEN)
    assert WRITE_TOKEN not in repr(tok) and WRITE_TOKEN not in str(tok)
    policy = Access([tok, Token(READ_TOKEN, frozenset({"read"}))], open_reads=False)
    assert policy.match(WRITE_TOKEN) is tok
    assert policy.match(WRITE_TOKEN[:-1]) is None
    assert policy.match(WRITE_TOKEN + "x") is None
    assert policy.match("") is None and policy.match(None) is None
    assert policy.match(READ_TOKEN).scopes == {"read"}


def test_public_policy_requires_tokens_for_reads(hostile_db, client, serve):
    from newstrace.server.auth import make_token

    tokens = [make_token(WRITE_TOKEN), make_token(READ_TOKEN, "read")]
    with serve(hostile_db, tokens, policy_host="0.0.0.0") as url:
        assert client.get(f"{url}/api/articles").status_code == 401
        page = client.get(f"{url}/", headers={"accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"] == "/login"
        ok = client.get(f"{url}/api/articles", headers={"Authorization": f"Bearer {READ_TOKEN}"})
        assert ok.status_code == 200
        # tokens are only read from headers: one in the URL does not count (URLs end up in access logs)
        assert client.get(f"{url}/api/articles", params={"token": READ_TOKEN}).status_code == 401
        assert client.get(f"{url}/healthz").status_code == 200


def test_tokens_never_reach_the_logs(hostile_db, client, caplog, serve):
    caplog.set_level(logging.DEBUG)
    with serve(hostile_db, [WRITE_TOKEN], policy_host="0.0.0.0") as url:
        client.get(f"{url}/api/articles", headers={"Authorization": f"Bearer {WRITE_TOKEN}"})
        client.get(f"{url}/api/articles", headers={"Authorization": "Bearer wrong-token-value-123"})
        client.post(f"{url}/articles", json={"text": ""}, headers={"X-Newstrace-Token": WRITE_TOKEN})
    logged = caplog.text
    assert "/api/articles" in logged  # the access log did run
    assert WRITE_TOKEN not in logged and "wrong-token-value-123" not in logged


def test_serve_refuses_public_bind_without_tokens(tmp_path):
    from newstrace.cli import app

    db = tmp_path / "x.db"
    from newstrace.store.sqlite import Store

    Store(db).close()
    result = CliRunner().invoke(app, ["serve", "--db", str(db), "--host", "0.0.0.0", "--port", "9"])
    assert result.exit_code == 2
    assert "without tokens" in result.output
    result = CliRunner().invoke(app, ["serve", "--db", str(db), "--token", "abc"])
    assert result.exit_code == 2 and "shorter" in result.output
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 2 and "no database" in result.output
    assert not (tmp_path / "missing.db").exists()


def test_serve_command_serves(tmp_path, hostile_db, port_finder):
    """`newstrace serve` as a subprocess: it starts, answers, and its startup line names no token."""
    import httpx

    port = port_finder()
    tokfile = tmp_path / "tokens"
    tokfile.write_text(f"{WRITE_TOKEN} write\n", encoding="utf-8")
    exe = Path(sys.executable).with_name("newstrace")
    proc = subprocess.Popen([str(exe), "serve", "--db", str(hostile_db), "--port", str(port),
                             "--token-file", str(tokfile), "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        import time

        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.stdout.read() if proc.stdout else "serve did not start")
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["counts"]["articles"] == 2
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "serving" in out and WRITE_TOKEN not in out


def test_browser_sign_in_cookie_reads_but_never_writes(hostile_db, serve):
    import httpx

    with serve(hostile_db, [WRITE_TOKEN], policy_host="0.0.0.0") as url, httpx.Client(base_url=url) as c:
        assert c.get("/login").status_code == 200
        bad = c.post("/login", content="token=not-a-valid-token", headers={"content-type": "application/x-www-form-urlencoded"})
        assert bad.status_code == 401 and "login-error" in bad.text
        ok = c.post("/login", content=f"token={WRITE_TOKEN}", headers={"content-type": "application/x-www-form-urlencoded"})
        assert ok.status_code == 303
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert c.get("/", headers={"accept": "text/html"}).status_code == 200
        assert c.get("/api/status").status_code == 200
        # the cookie is for reading: a write needs the header, so a cross-site form can never post
        assert c.post("/articles", json={"text": "A ferry sank near Saltmere on Friday."}).status_code == 401
        c.post("/logout")
        assert c.get("/api/status").status_code == 401
