"""Generic-actor traps through the real pipeline: two short undated items from no known outlet that share their
wording ("the two sides discussed a ceasefire ...") are one voice (a copy), and neither joins, moves or confirms an
unrelated story of talks elsewhere (texts written for this test; invented countries, people and outlets)."""

from __future__ import annotations

import pytest

from .link_builders import linked_readonly

TALKS = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Veloria and Ostrava open border talks in Geneva | The Harrow Gazette</title>
<link rel="canonical" href="https://www.harrowgazette.com/world/veloria-ostrava-geneva-talks">
<meta property="og:site_name" content="The Harrow Gazette">
<meta property="article:published_time" content="2031-03-02T09:00:00+00:00">
</head><body><nav>World | Europe | Opinion</nav><article>
<h1>Veloria and Ostrava open border talks in Geneva</h1>
<p>GENEVA — Foreign Minister Ilse Marrow of Veloria met her Ostravan counterpart, Teodor Vance, in Geneva on Monday
to open talks on the disputed Carrow valley border, the Velorian foreign ministry said in a statement.</p>
<p>The statement said the ministers agreed to set up a joint commission on grazing rights and would meet again in
April. Neither minister spoke to reporters after the meeting.</p>
</article><footer>Copyright The Harrow Gazette</footer></body></html>
"""
BRIEF = ("Marland and Tessia hold talks\n\nOfficials from Marland and Tessia met on Tuesday in the border town of "
         "Pellow. The two sides discussed a ceasefire along the river frontier and agreed to meet again next month, "
         "officials said.\n")
BRIEF_AGAIN = ("Marland, Tessia officials meet\n\nOfficials from Marland and Tessia met on Tuesday in the border town "
               "of Pellow. The two sides discussed a ceasefire along the river frontier and agreed to meet again next "
               "month, officials said. No further details were given.\n")


@pytest.fixture(scope="module")
def conn(tmp_path_factory, nlp):
    with linked_readonly(tmp_path_factory.mktemp("traps"),
                         {"talks.html": TALKS, "brief.txt": BRIEF, "brief-again.txt": BRIEF_AGAIN}) as (store, db):
        yield store.conn


def _id(conn, name: str) -> str:
    return conn.execute("SELECT id FROM articles WHERE uri LIKE ?", (f"%/{name}",)).fetchone()[0]


def test_the_two_briefs_are_one_voice(conn):
    a, b = _id(conn, "brief.txt"), _id(conn, "brief-again.txt")
    assert conn.execute("SELECT 1 FROM reuse_links WHERE (copy_id=? AND origin_id=?) OR (copy_id=? AND origin_id=?)",
                        (a, b, b, a)).fetchone()
    for claim in conn.execute("SELECT k.* FROM claims k JOIN claim_reports c ON c.claim_id=k.id"
                              " WHERE c.article_id=?", (a,)):
        assert claim["verdict"] != "corroborated" and claim["independent_outlets"] <= 1


def test_no_brief_joins_moves_or_confirms_the_geneva_talks(conn):
    talks = _id(conn, "talks.html")
    briefs = {_id(conn, "brief.txt"), _id(conn, "brief-again.txt")}
    for story in conn.execute("SELECT DISTINCT s.* FROM stories s JOIN story_members m ON m.story_id=s.id"
                              " WHERE m.article_id=?", (talks,)):
        members = {r[0] for r in conn.execute("SELECT article_id FROM story_members WHERE story_id=?",
                                              (story["id"],))}
        assert not members & briefs
        assert story["verdict"] != "corroborated" and story["place"] in (None, "Geneva")
