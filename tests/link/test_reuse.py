"""Text reuse: fingerprints that survive pasting, aligned passages with offsets in both texts, direction, kind."""

from __future__ import annotations

import sqlite3

import pytest

from .link_builders import Doc, last_seq, store_docs
from .link_corpus import COMMENTARY, VISIT_A, WIRE, WIRE_COPY_1, WIRE_COPY_2, corpus
from newstrace.link import link_store
from newstrace.link.reuse import align, earlier, fingerprint, reuse_kind
from newstrace.store.sqlite import Store


def test_align_finds_the_pasted_passage_with_offsets_in_both_texts():
    al = align(COMMENTARY, VISIT_A)
    assert len(al.passages) == 1
    p = al.passages[0]
    copied = COMMENTARY[p.copy_start:p.copy_end]
    assert copied == VISIT_A[p.origin_start:p.origin_end]
    assert copied.startswith("Marshal Oren Valdis, who commands") and copied.endswith("old parliament building")
    assert 0.3 < al.containment_a < 0.7  # the commentary is mostly its own words
    assert al.containment_b > 0.6  # most of the report went into it


def test_align_survives_light_edits_and_ignores_common_phrasing():
    edited = WIRE.replace("a lakeside hotel", "a lakeside hotel outside the city").replace("said", "stated")
    al = align(edited, WIRE)
    assert al.containment_a > 0.9 and al.containment_b > 0.9
    assert align("The talks ended on Friday, officials said.", "The talks ended on Friday, officials said.").passages == []


def test_fingerprints_of_a_pasted_passage_meet_in_the_lsh_bands():
    assert fingerprint(COMMENTARY).band_keys() & fingerprint(VISIT_A).band_keys()
    assert not fingerprint(VISIT_A).band_keys() & fingerprint(WIRE).band_keys()


@pytest.mark.parametrize("text", ["", "   ", "one two", "\x00\x01\x02", "word " * 300_000])
def test_fingerprint_and_align_accept_degenerate_text(text):
    fp = fingerprint(text)
    assert fp.signatures.shape[1] == 16
    align(text, text[:1000])


def test_direction_by_date_then_ingest_order():
    assert earlier("2031-09-04T07:40:00", 9, "2031-09-04T10:20:00", 1) == (True, "published")
    assert earlier("2031-09-05", 1, "2031-09-04T23:00:00", 2) == (False, "published")
    assert earlier("2031-09-04", 3, "2031-09-04T10:00:00", 2) == (False, "ingest")  # same day, one without time
    assert earlier(None, 1, "2031-09-04", 2) == (True, "ingest")
    assert earlier("not a date", 5, "2031-09-04", 2) == (False, "ingest")


def test_kinds():
    assert reuse_kind(0.97, 0.99, same_outlet=True) == "duplicate"
    assert reuse_kind(0.97, 0.99, same_outlet=False) == "syndicated"
    assert reuse_kind(0.3, 0.9, same_outlet=False) == "excerpt"


def _links(store: Store) -> dict[tuple[str, str], sqlite3.Row]:
    return {(r["copy_id"], r["origin_id"]): r for r in store.conn.execute("SELECT * FROM reuse_links")}


def test_link_store_finds_republications_and_the_excerpt(tmp_path):
    with Store(tmp_path / "t.db") as store:
        ids = store_docs(store, corpus())
        summary = link_store(store, 0)
        links = _links(store)
        copy1, wire, copy2, visit_a, commentary = ids[0], ids[1], ids[2], ids[3], ids[6]
        # the copy ingested before its wire original still points at the original: it says "provided by Tidewire"
        assert links[(copy1, wire)]["kind"] == "syndicated" and links[(copy1, wire)]["direction_by"] == "credit"
        assert links[(copy2, wire)]["kind"] == "syndicated"
        assert links[(commentary, visit_a)]["kind"] == "excerpt"
        assert summary["reuse"] == {"syndicated": 3, "excerpt": 1}
        assert not any(o == ids[9] or c == ids[9] for c, o in links)  # the festival shares nothing
        rows = store.conn.execute("SELECT * FROM reuse_passages WHERE copy_id=? AND origin_id=?",
                                  (commentary, visit_a)).fetchall()
        texts = {r[0]: r[1] for r in store.conn.execute("SELECT id, text FROM articles")}
        assert len(rows) == 1
        r = rows[0]
        assert texts[commentary][r["copy_start"]:r["copy_end"]] == texts[visit_a][r["origin_start"]:r["origin_end"]]


def test_incremental_link_only_reads_the_index(tmp_path):
    docs = corpus()
    with Store(tmp_path / "t.db") as store:
        store_docs(store, docs[3:6])
        link_store(store, 0)
        before = store.conn.execute("SELECT count(*) FROM reuse_signatures").fetchone()[0]
        mark = last_seq(store)
        new_ids = store_docs(store, [docs[6]])
        summary = link_store(store, mark)
        assert summary["articles"] == 1
        assert store.conn.execute("SELECT count(*) FROM reuse_signatures").fetchone()[0] == before + 1
        assert any(c == new_ids[0] for c, _ in _links(store))
        # linking the same articles again changes nothing
        again = link_store(store, mark)
        assert again["articles"] == 0


def test_duplicate_from_one_outlet(tmp_path):
    a = Doc(WIRE_COPY_1, "https://www.harrowgazette.com/a", published="2031-09-04")
    b = Doc(WIRE_COPY_1 + "\n\nCorrection: an earlier version misspelt a name.", "https://www.harrowgazette.com/b",
            published="2031-09-05")
    c = Doc(WIRE_COPY_2, "https://www.corrandaily.com/c", published="2031-09-06")
    with Store(tmp_path / "t.db") as store:
        ids = store_docs(store, [a, b, c])
        link_store(store, 0)
        links = _links(store)
        assert links[(ids[1], ids[0])]["kind"] == "duplicate"
        assert links[(ids[2], ids[0])]["kind"] == "syndicated"


def test_fast_signatures_equal_datasketch_minhash():
    from newstrace.link.reuse import MINHASH_SHINGLE, intervals, minhash, shingle_hashes, tokenize

    tok = tokenize(COMMENTARY + " " + WIRE, offsets=False)
    fp = fingerprint(COMMENTARY + " " + WIRE)
    sh = shingle_hashes(tok.hashes, MINHASH_SHINGLE)
    ivs = intervals(tok.hashes)
    starts = [a for a, _ in ivs]
    assert len(fp.windows) >= 5
    for (w0, w1), sig in zip(fp.windows, fp.signatures):
        i = starts.index(w0)
        j = min(i + 1, len(ivs) - 1)
        expected = minhash(sh[ivs[i][0]:min(ivs[j][1], len(sh))].tolist())
        assert (sig == expected).all()


def test_direction_on_one_day_from_urls_bylines_and_datelines():
    from newstrace.link.credits import dateline_agency, is_wire_byline
    from newstrace.link.reuse import ArticleRef, origin_first

    text = "KAMPALA, Dec 1 (Lakewire) - A ferry capsized near the islands on Monday, police said."
    assert dateline_agency(text) == "Lakewire" and dateline_agency("Police said on Monday (Reuters) - no") is None
    assert is_wire_byline("Wire Reports") and is_wire_byline("Staff and agencies") and is_wire_byline("CNA")
    assert not is_wire_byline("Harriet Nankya") and not is_wire_byline(None)
    origin = ArticleRef(2, "b", "2031-12-01", "lakewire.net", text, "Lakewire", "Brian Okello",
                        "https://www.lakewire.net/ferry")
    # the same day, no credit in the text: the republication's byline names the wire (or a desk)
    copy = ArticleRef(1, "a", "2031-12-01", "bayview.com", text, "The Bayview", "Lakewire", "https://bayview.com/f")
    assert origin_first(copy, origin) == (False, "byline") and origin_first(origin, copy) == (True, "byline")
    desk = ArticleRef(1, "a", "2031-12-01", "bayview.com", text.replace("(Lakewire) ", ""), None, "Wire Reports",
                      "https://bayview.com/f")
    assert origin_first(desk, origin)[0] is False
    # an AMP view of the outlet's own page is the copy, whatever its id
    amp = ArticleRef(0, "0", "2031-12-01", "lakewire.net", text, "Lakewire", "Brian Okello",
                     "https://www.lakewire.net/amp/ferry")
    assert origin_first(amp, origin) == (False, "url")
    # another outlet's AMP page says nothing of who wrote first: the rewrite of it is no origin for that
    rewrite = ArticleRef(4, "d", "2031-12-01", "harbour.com", text.replace("(Lakewire) ", ""), None, "Ann Moss",
                         "https://harbour.com/ferry")
    assert origin_first(rewrite, amp)[1] != "url" and origin_first(amp, rewrite)[1] != "url"
    # nothing tells: the smaller id, fixed whatever the order
    twin = ArticleRef(3, "c", "2031-12-01", "other.org", text.replace("(Lakewire) ", ""), None, "Ann Moss",
                      "https://other.org/f")
    assert origin_first(origin, twin) == (True, "id") and origin_first(twin, origin) == (False, "id")


def test_a_rewrite_is_found_without_a_shared_story(tmp_path):
    """Two reports of a flood (no political event is coded in either) are compared because their leads share rare
    words; the reworded one is a rewrite of the other, and an unrelated report is not."""
    from .link_builders import Doc

    original = ("Floods cut off Vellmar valley villages\n\n"
                "Floodwater from the swollen Orlan river cut off eleven villages in the Vellmar valley on Monday, forcing "
                "about four thousand residents onto rooftops and school buildings, district officials said. Rescue "
                "boats from Tessdorf reached the first villages by evening. The district engineer said the Orlan had "
                "risen faster than at any time since the dykes were built, and warned that the eastern embankment "
                "near Kaltmoor might not hold overnight.")
    rewrite = ("Vellmar valley villages isolated by floods\n\n"
               "Water from the overflowing Orlan river isolated eleven villages across the Vellmar valley on Monday, "
               "driving roughly four thousand people onto roofs and into schools, according to district officials. "
               "Boats sent from Tessdorf got to the first of the villages by nightfall. The district engineer said the "
               "Orlan rose more quickly than at any point since its dykes were put up, and cautioned that the eastern "
               "embankment close to Kaltmoor could give way during the night.")
    other = ("Vellmar council approves new market hall\n\n"
             "The Vellmar council voted on Monday to build a covered market hall beside the old bus station, ending a "
             "debate that had run for three years. Traders from Tessdorf welcomed the plan.")
    with Store(tmp_path / "t.db") as store:
        ids = store_docs(store, [Doc(original, "https://orlanpost.example.com/floods", None, "2031-03-03"),
                                 Doc(rewrite, "https://valleydaily.example.org/floods", None, "2031-03-03"),
                                 Doc(other, "https://valleydaily.example.org/market", None, "2031-03-03")])
        link_store(store, 0)
        links = _links(store)
        assert links[(ids[1], ids[0])]["kind"] == "rewrite"
        assert not any(ids[2] in pair for pair in links)


def test_two_briefs_naming_the_same_people_are_no_rewrite():
    """A headline and one sentence each, naming the same ministers and town: one says they are expected to meet next
    week, the other that they met on Friday. Headlines of one event name the same people whoever writes them, so a
    brief is a rewrite only when its sentences are retold closely; a brief retold sentence by sentence still is."""
    from newstrace.link.paraphrase import compare

    expected = ("Marland and Tessia ministers to meet in Pellow\n\n"
                "Foreign ministers Ilse Marrow of Marland and Teodor Vance of Tessia are expected to meet in Pellow "
                "next week to discuss the river border, two diplomats said, speaking on condition of anonymity.\n")
    met = ("Marland, Tessia ministers hold border talks\n\n"
           "Foreign Minister Ilse Marrow of Marland met her Tessian counterpart Teodor Vance in Pellow on Friday, "
           "the Marland foreign ministry said in a statement.\n")
    assert compare(expected, met) is None
    retold = ("Ministers of Marland and Tessia will meet in Pellow\n\n"
              "Ilse Marrow and Teodor Vance, the foreign ministers of Marland and Tessia, are expected to meet in "
              "Pellow next week to discuss the river border, two diplomats said on condition of anonymity.\n")
    found = compare(expected, retold)
    assert found is not None and found.kind == "rewrite"


def test_one_run_counts_a_band_key_over_all_its_new_articles_whatever_the_batch(tmp_path, monkeypatch):
    """A band key's cap counts every article of the run: five republications of one wire story over a cap of three
    make its keys boilerplate for all of them, in batches of two as in one batch (the first batch used to link
    before the later ones pushed the key over the cap); the links of both runs are the same."""
    from newstrace.link import reuse

    monkeypatch.setattr(reuse, "BUCKET_CAP", 3)
    docs = [Doc(text=f"{WIRE}\n\nRepublished by outlet {i}.", url=f"https://outlet{i}.example/w", outlet=f"O{i}",
                published="2031-09-06T10:00:00Z") for i in range(5)]
    found = {}
    for batch in (2, 2000):
        with Store(tmp_path / f"b{batch}.db") as store:
            store_docs(store, docs)
            link_store(store, 0, batch=batch)
            found[batch] = sorted(tuple(r) for r in store.conn.execute("SELECT copy_id, origin_id, kind FROM reuse_links"))
    assert found[2] == found[2000]
    monkeypatch.setattr(reuse, "BUCKET_CAP", 64)
    with Store(tmp_path / "loose.db") as store:
        store_docs(store, docs)
        link_store(store, 0, batch=2)
        assert store.conn.execute("SELECT count(*) FROM reuse_links").fetchone()[0] >= 4  # not hot: all found


def test_an_article_s_best_candidates_are_ranked_by_hits_then_seq(tmp_path):
    """Over ``MAX_CANDIDATES`` articles share band keys with one: it compares the ones sharing most first, then the
    smallest ``seq`` among equals (not whatever order SQLite grouped them in)."""
    from newstrace.link.reuse import MAX_CANDIDATES, candidates

    n = MAX_CANDIDATES + 10
    with Store(tmp_path / "c.db") as store:
        conn = store.conn
        # article 0 holds keys 1..3; article s holds keys 1 and 2, and key 3 too when s is a multiple of 7
        rows = [(k, 0) for k in (1, 2, 3)] + [(k, s) for s in range(1, n + 1) for k in (1, 2)]
        rows += [(3, s) for s in range(7, n + 1, 7)]
        conn.executemany("INSERT INTO reuse_bands(band_key, article_seq) VALUES (?,?)", sorted(rows, reverse=True))
        got = candidates(conn, {0: {1, 2, 3}})[0]
    sevens = list(range(7, n + 1, 7))
    assert got[: len(sevens)] == sevens  # three shared keys first
    assert got[len(sevens):] == [s for s in range(1, n + 1) if s % 7][: MAX_CANDIDATES - len(sevens)]
