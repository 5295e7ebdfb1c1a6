"""Access tokens for the server: who may read, who may write, and when no token is needed.

The rules (issue 7): a server bound to a loopback address lets anyone on the machine read without a token; any
``POST`` needs a token with the ``write`` scope; a server bound to any other address refuses to start unless
tokens are configured, and then every request needs one. Tokens are compared in constant time
(``hmac.compare_digest``) and never appear in a log line, an error message or a ``repr``.

A token reaches the server as ``Authorization: Bearer TOKEN`` or ``X-Newstrace-Token: TOKEN`` (never in the URL,
which access logs record). A browser on a public bind signs in at ``/login``: the token is kept in an HttpOnly,
SameSite=Strict cookie that grants *reading only*, so a forged cross-site request can never write.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import HTTPException, Request

SCOPES = ("read", "write")
COOKIE = "newstrace_token"


class TokenConfigError(ValueError):
    """A token file or token option that cannot be used; the message never contains a token."""


@dataclass(frozen=True)
class Token:
    """A secret and the scopes it grants. Its ``repr`` hides the secret so it cannot reach a log by accident."""

    secret: str = field(repr=False)
    scopes: frozenset[str] = frozenset(SCOPES)

    def __repr__(self) -> str:
        return f"Token(scopes={sorted(self.scopes)})"


def parse_scopes(text: str) -> frozenset[str]:
    """The scopes named in ``read``, ``write`` or ``read,write``; ``write`` implies ``read``."""
    scopes = {s.strip().lower() for s in text.replace(" ", ",").split(",") if s.strip()}
    unknown = scopes - set(SCOPES)
    if unknown:
        raise TokenConfigError(f"unknown token scope(s): {', '.join(sorted(unknown))} (use read, write)")
    if "write" in scopes:
        scopes.add("read")
    return frozenset(scopes)


def load_token_file(path: str | Path) -> list[Token]:
    """The tokens of a token file: one per line, ``TOKEN [read|write|read,write]``, ``#`` starts a comment.

    A token without scopes gets read and write. Line numbers, not token text, are named in errors.
    """
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenConfigError(f"cannot read token file {p}: {type(exc).__name__}") from None
    tokens: list[Token] = []
    for n, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        secret, _, scopes = line.partition(" ")
        tokens.append(make_token(secret, scopes.strip() or "read,write", where=f"{p}:{n}"))
    if not tokens:
        raise TokenConfigError(f"token file {p} holds no token")
    return tokens


MIN_TOKEN_LENGTH = 8


def make_token(secret: str, scopes: str = "read,write", *, where: str = "--token") -> Token:
    """A ``Token`` after checking it is long enough to be a secret at all."""
    secret = secret.strip()
    if len(secret) < MIN_TOKEN_LENGTH:
        raise TokenConfigError(f"token at {where} is shorter than {MIN_TOKEN_LENGTH} characters")
    return Token(secret, parse_scopes(scopes))


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts connections from this machine."""
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Access:
    """The access policy of one app: the configured tokens and whether reads are open (loopback bind)."""

    tokens: list[Token]
    open_reads: bool

    @classmethod
    def build(cls, tokens: Iterable[Token | str] | None, *, host: str = "127.0.0.1") -> Access:
        """The policy for a server bound to ``host``; raises ``TokenConfigError`` for a public bind without tokens."""
        toks = [t if isinstance(t, Token) else make_token(t) for t in (tokens or [])]
        loop = is_loopback(host)
        if not loop and not toks:
            raise TokenConfigError(
                f"refusing to serve on {host}, a non-loopback address, without tokens: pass --token or --token-file"
            )
        return cls(toks, open_reads=loop)

    def match(self, presented: str | None) -> Token | None:
        """The configured token equal to ``presented``, compared in constant time against every token."""
        if not presented:
            return None
        given = presented.encode("utf-8")
        found = None
        # compare against all tokens so timing does not tell which (or whether an early one) matched
        for tok in self.tokens:
            if hmac.compare_digest(tok.secret.encode("utf-8"), given):
                found = tok
        return found

    def check(self, request: Request, scope: str) -> None:
        """Let the request through or raise 401 (no or unknown token) / 403 (token without this scope)."""
        if scope == "read" and self.open_reads:
            return
        if not self.tokens:
            raise HTTPException(403, "writing is disabled: the server was started without tokens")
        presented = presented_token(request)
        if presented is None and scope == "read":
            presented = request.cookies.get(COOKIE) or None
        token = self.match(presented)
        if token is None:
            raise HTTPException(401, "a valid token is required (Authorization: Bearer TOKEN)",
                                headers={"WWW-Authenticate": "Bearer"})
        if scope not in token.scopes:
            raise HTTPException(403, f"this token does not grant {scope} access")


def presented_token(request: Request) -> str | None:
    """The token a request carries in its headers, if any (the URL is never consulted)."""
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    value = request.headers.get("x-newstrace-token", "").strip()
    return value or None


def require_read(request: Request) -> None:
    """FastAPI dependency: the request may read."""
    request.app.state.access.check(request, "read")


def require_write(request: Request) -> None:
    """FastAPI dependency: the request may write."""
    request.app.state.access.check(request, "write")
