"""Predictions are claims of their own: "are expected to meet next week, two diplomats said" is a claim (that a
meeting is expected) with its own verdict, never support for "met", nor a denial of it; a fact stays the story's
central claim. Texts written for this test (invented people and outlets), real pipeline and store."""

from __future__ import annotations

import pytest

from .link_builders import linked_readonly

EXPECTED = ("Marland and Tessia ministers to meet in Pellow\n\n"
            "Foreign ministers Ilse Marrow of Marland and Teodor Vance of Tessia are expected to meet in Pellow next "
            "week to discuss the river border, two diplomats said, speaking on condition of anonymity.\n")
EXPECTED_TOO = ("Border talks planned, diplomats say\n\n"
                "Marrow will meet Vance in the border town of Pellow after the harvest festival, according to "
                "officials in both capitals who asked not to be named.\n")
MET = ("Marland, Tessia ministers hold border talks\n\n"
       "Foreign Minister Ilse Marrow of Marland met her Tessian counterpart Teodor Vance in Pellow on Friday, the "
       "Marland foreign ministry said in a statement.\n")


@pytest.fixture(scope="module")
def conn(tmp_path_factory, nlp):
    with linked_readonly(tmp_path_factory.mktemp("predictions"),
                         {"expected.txt": EXPECTED, "expected-too.txt": EXPECTED_TOO, "met.txt": MET}) as (store, db):
        yield store.conn


def _claims_of(conn, name: str) -> list[dict]:
    aid = conn.execute("SELECT id FROM articles WHERE uri LIKE ?", (f"%/{name}",)).fetchone()[0]
    return [dict(r) for r in conn.execute(
        "SELECT DISTINCT k.* FROM claims k JOIN claim_reports c ON c.claim_id=k.id WHERE c.article_id=?"
        " AND c.role='asserts'", (aid,))]


def test_the_expectation_is_its_own_claim(conn):
    # PLOVER codes a planned meeting as the agreement it amounts to (AGREE, flagged intended:CONSULT)
    expected = [k for name in ("expected.txt", "expected-too.txt") for k in _claims_of(conn, name)
                if (k["label"] or "").startswith("Expected:")]
    assert expected, [k["label"] for name in ("expected.txt", "expected-too.txt") for k in _claims_of(conn, name)]
    met = _claims_of(conn, "met.txt")
    assert met and not any((k["label"] or "").startswith(("Expected:", "Possible:")) for k in met), met
    # the meeting rests on the one outlet that reports it: the predictions neither confirm it nor share its claim
    assert all(k["independent_outlets"] == 1 for k in met if k["type"] == "CONSULT"), met
    assert not {k["id"] for k in met} & {k["id"] for k in expected}
    # the anonymous diplomats' expectation rests on anonymous sources
    assert "unverified" in {k["verdict"] for k in expected}, expected


def test_a_fact_is_central(conn):
    for k in _claims_of(conn, "met.txt"):
        if k["central"]:
            assert not (k["label"] or "").startswith(("Expected:", "Possible:")), k
