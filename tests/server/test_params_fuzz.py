"""Every query and path parameter of every GET endpoint (API and pages), fed arbitrary strings and numbers over HTTP.

The routes and their parameters are read from the app's routers, so an endpoint or a parameter added later is
fuzzed too. Whatever the input, the server answers (2xx, 3xx or 4xx): never a 500, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SQLITE_MAX = 2**63 - 1
TRICKY = ["", " ", "0", "-1", "1e309", "NaN", "inf", str(SQLITE_MAX), str(SQLITE_MAX + 1), str(10**23),
          str(-(10**23)), "99999999999999999999999", "true", "false", "'", '"', "\\", "%", "_", "*", "' OR 1=1 --",
          "Pakistan's", "Al-Naimi", "U.S.", '"unclosed', "NEAR(", "title:(", "AND", "a:b", "-x", "^", "\x00",
          "<script>alert(1)</script>", "../../etc/passwd", "name:", "c:", "n:", "corroborated", "single-source",
          "unverified", "anonymous", "exclusive", "negated", "fts5", "words", "2026-09-05", "9999-99-99",
          "\u202e\ufeff\u0301", "x" * 5000]

# percent-encoded: past SQLite's integers both ways, a NUL, a byte that is no UTF-8, a lone quote, a long text
EDGES = [str(SQLITE_MAX + 1), "-99999999999999999999999", "-1", "%00", "%FF", "%27", "%22unclosed", "x" * 5000]


def get_routes() -> list[tuple[str, list[str], list[str]]]:
    """(path, query parameter names, path parameter names) of every GET route the app serves."""
    from newstrace.server import api, pages

    out = []
    for router in (api.router, pages.router, pages.login_router):
        for r in router.routes:
            if "GET" in getattr(r, "methods", ()):
                out.append((r.path, [p.name for p in r.dependant.query_params],
                            [p.name for p in r.dependant.path_params]))
    return out


ROUTES = get_routes()


@st.composite
def raw_value(draw) -> str:
    """One parameter value, already percent-encoded: text, numbers around every bound, raw (non-UTF-8) bytes."""
    kind = draw(st.sampled_from(["text", "int", "float", "tricky", "bytes"]))
    if kind == "text":
        return quote(draw(st.text(max_size=40)), safe="")
    if kind == "int":
        return str(draw(st.one_of(st.integers(-3, 3), st.integers(-(2**80), 2**80),
                                  st.sampled_from([SQLITE_MAX, SQLITE_MAX + 1, -(2**63), -(2**63) - 1]))))
    if kind == "float":
        return quote(repr(draw(st.floats())), safe="")
    if kind == "bytes":
        return quote(draw(st.binary(max_size=12)), safe="")
    return quote(draw(st.sampled_from(TRICKY)), safe="")


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as c:
        yield c


def _url(base: str, path: str, path_values: dict[str, str], query: dict[str, str]) -> str:
    for name, value in path_values.items():
        path = path.replace("{" + name + ":path}", value).replace("{" + name + "}", value)
    return base + path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
def test_no_parameter_value_makes_a_500(corpus_url, http, route) -> None:
    path, query_names, path_names = route

    def probe(query: dict[str, str], path_values: dict[str, str], html: bool) -> None:
        url = _url(corpus_url, path, path_values, query)
        resp = http.get(url, headers={"accept": "text/html" if html else "application/json"})
        assert resp.status_code < 500, (url, resp.status_code, resp.text[:300])
        assert "Traceback" not in resp.text, url

    check = settings(max_examples=25, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])(
        given(query=st.dictionaries(st.sampled_from(query_names or ["unknown"]), raw_value(), max_size=4),
              path_values=st.fixed_dictionaries({n: raw_value().filter(bool) for n in path_names}),
              html=st.booleans())(probe))

    # the edges first, each alone in every parameter, then what hypothesis draws
    for name in query_names:
        for value in EDGES:
            probe({name: value}, {n: "x" for n in path_names}, False)
    for name in path_names:
        for value in EDGES:
            probe({}, {n: value if n == name else "x" for n in path_names}, False)
    check()


LISTS = [p for p, q, _ in ROUTES if "offset" in q]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("value", ["99999999999999999999999", str(SQLITE_MAX + 1), "-1", "1.5", "ten"])
def test_out_of_range_paging_is_422_with_a_message(corpus_url, http, path, value) -> None:
    for name in ("offset", "limit"):
        resp = http.get(f"{corpus_url}{path}?{name}={value}&q=kabul")
        assert resp.status_code == 422, (path, name, resp.status_code, resp.text[:300])
        if path.startswith("/api"):
            assert name in resp.json()["error"]["message"]
        else:
            assert name in resp.text


@pytest.mark.parametrize("path", LISTS)
def test_the_largest_offset_is_an_empty_page(corpus_url, http, path) -> None:
    resp = http.get(f"{corpus_url}{path}?offset={SQLITE_MAX}&q=kabul")
    assert resp.status_code == 200, resp.text[:300]
    if path.startswith("/api"):
        assert resp.json()["items"] == [] and resp.json()["next_offset"] is None
