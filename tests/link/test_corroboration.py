"""Corroboration: copies collapse to their origin, one owner counts once, denials contest, verdicts."""

from __future__ import annotations

import json

from newstrace.link import link_store
from newstrace.store.sqlite import Store

from .link_builders import store_docs
from .link_corpus import corpus


def _stories(store: Store) -> dict[str, dict]:
    """Story rows keyed by the type plus place, with their reports."""
    out = {}
    for s in store.conn.execute("SELECT * FROM stories"):
        reports = [dict(r) for r in store.conn.execute(
            "SELECT * FROM story_reports WHERE story_id=? ORDER BY rowid", (s["id"],))]
        out[s["id"]] = {**dict(s), "report_rows": reports}
    return out


def _story_of(store: Store, article_id: str, event_id: str = "v1") -> dict:
    sid = store.conn.execute("SELECT story_id FROM story_members WHERE article_id=? AND event_id=?",
                             (article_id, event_id)).fetchone()[0]
    return _stories(store)[sid]


def test_verdicts_on_the_fictional_corpus(tmp_path):
    with Store(tmp_path / "t.db") as store:
        ids = store_docs(store, corpus())
        summary = link_store(store, 0)
        assert summary["verdicts"] == {"single-source": 2, "corroborated": 1, "contested": 1}

        wire = _story_of(store, ids[1])
        assert wire["verdict"] == "single-source" and wire["independent_outlets"] == 1
        copied = {r["article_id"]: r["copied_from"] for r in wire["report_rows"]}
        assert copied == {ids[1]: None, ids[0]: ids[1], ids[2]: ids[1]}
        # reports in time order: the wire first although a copy was ingested before it
        assert [r["article_id"] for r in wire["report_rows"]][0] == ids[1]

        visit = _story_of(store, ids[3])
        assert visit["verdict"] == "corroborated" and visit["independent_outlets"] == 3
        commentary = next(r for r in visit["report_rows"] if r["article_id"] == ids[6])
        assert commentary["copied_from"] == ids[3]  # its visit sentence is the pasted passage
        kinds = {r["article_id"]: json.loads(r["source_kinds"]) for r in visit["report_rows"]}
        assert kinds[ids[3]] == {"anonymous": 1} and kinds[ids[4]] == {"organization": 1}

        secret = _story_of(store, ids[6], "v1")
        assert secret["verdict"] == "single-source" and secret["reports"] == 1

        shelling = _story_of(store, ids[7])
        assert shelling["verdict"] == "contested" and shelling["denying_outlets"] == 1
        assert {r["stance"] for r in shelling["report_rows"]} == {"asserts", "denies"}


def test_outlets_of_one_owner_count_once(tmp_path, monkeypatch):
    groups = tmp_path / "owners.yaml"
    groups.write_text("groups:\n  - name: Northlight Media\n    kind: owner\n"
                      "    outlets: [northlightpost.com, ridgeline-times.org, saltmarsh-herald.com]\n", encoding="utf-8")
    monkeypatch.setenv("NEWSTRACE_OUTLETS", str(groups))
    with Store(tmp_path / "t.db") as store:
        ids = store_docs(store, corpus())
        link_store(store, 0)
        visit = _story_of(store, ids[3])
        assert visit["independent_outlets"] == 1 and visit["verdict"] == "single-source"
        # the denial's outlet joined the group, but the shelling report's outlet did not: still independent
        assert _story_of(store, ids[7])["verdict"] == "contested"


def test_a_denial_by_the_reporting_outlet_itself_does_not_contest(tmp_path):
    docs = corpus()
    docs[8].url = "https://www.dunmoor-dispatch.com/update"  # the same outlet walks its report back
    with Store(tmp_path / "t.db") as store:
        ids = store_docs(store, docs)
        link_store(store, 0)
        assert _story_of(store, ids[7])["verdict"] == "single-source"


def test_a_toll_is_the_dead_first_and_read_from_either_side():
    from newstrace.link.claims import _toll, load_rules

    rules = load_rules()
    assert _toll("a bomb went off on tuesday, killing 12 people and wounding 19 others.", rules) == "toll:12"
    assert _toll("bomb blast at the cattle market kills 12, police say", rules) == "toll:12"
    assert _toll("at least 30 people were killed in the attack", rules) == "toll:30"
    assert _toll("five people were injured when the roof fell", rules) == "hurt:5"
    assert _toll("the market reopened on friday", rules) is None


def test_a_denial_contradicts_only_a_claim_about_its_parties():
    from newstrace.link.corroboration import same_parties
    from newstrace.link.stories import Mention

    mediation = Mention("a", "v1", "CONSULT", "talk", actors=frozenset({"n:hamad saeed al naimi"}),
                        tokens=frozenset({"hamad", "saeed", "naimi"}), place="g:1", modality="asserted")
    # "Taliban officials denied meeting the American delegation": other parties, the same kind of event
    other = Mention("b", "v2", "CONSULT", "talk", actors=frozenset({"n:taliban officials"}),
                    targets=frozenset({"x:the american delegation"}), tokens=frozenset({"taliban"}), place="g:1",
                    modality="negated")
    assert not same_parties(other, [mediation])
    # "Al-Naimi denied hosting any talks": the claim's own party
    own = Mention("c", "v1", "CONSULT", "talk", actors=frozenset({"n:al naimi"}), tokens=frozenset({"naimi"}),
                  modality="negated")
    assert same_parties(own, [mediation])
    # a denial that names nobody speaks of what happened at the place
    nameless = Mention("d", "v1", "CONSULT", "talk", place="g:1", modality="negated")
    assert same_parties(nameless, [mediation])


def test_a_toll_reads_through_an_apposition():
    from newstrace.link.claims import _toll, load_rules

    text = "three civilians, including a 12-year-old boy, were killed and five others wounded"
    assert _toll(text, load_rules()) == "toll:3"


def test_a_denial_that_restates_the_claim_still_contests_it(tmp_path):
    """The denying article also states the attack on others' word ("killing three farmers, officials had said"):
    whichever story its mentions end in, the report's claim is contested by the army's denial."""
    from newstrace.link import link_store
    from newstrace.store.sqlite import Store

    from .link_builders import Doc, Ev, store_docs
    from .link_corpus import C, SHELLING

    denial = ("Army denies shelling Dunmoor villages\n\n"
              "The Velorian army on Wednesday denied that its batteries had fired on two villages near Dunmoor on "
              "Tuesday, killing three farmers, as district officials had said. A spokesman called the reports false.")
    docs = [
        Doc(SHELLING, "https://www.dunmoor-dispatch.com/shells", None, "2031-09-10", None,
            [Ev("Artillery shells fired from the Velorian side of the ridge struck two villages near Dunmoor on "
                "Tuesday", "ASSAULT", "Velorian batteries", None, "Dunmoor", "2031-09-09")], C),
        Doc(denial, "https://ridgeline-times.org/army-denies", None, "2031-09-11", None,
            [Ev("The Velorian army on Wednesday denied that its batteries had fired on two villages near Dunmoor",
                "ASSAULT", "Velorian army", None, "Dunmoor", "2031-09-09", modality="negated",
                source_kind="organization"),
             Ev("killing three farmers, as district officials had said", "ASSAULT", None, None, "Dunmoor",
                "2031-09-09", source_kind="anonymous")], C),
    ]
    with Store(tmp_path / "t.db") as store:
        ids = store_docs(store, docs)
        link_store(store, 0)
        rows = store.conn.execute(
            "SELECT k.verdict FROM claims k JOIN claim_reports c ON c.claim_id=k.id WHERE c.article_id=?"
            " AND c.role='asserts'", (ids[0],)).fetchall()
        assert rows and all(r[0] == "contested" for r in rows), [tuple(r) for r in store.conn.execute("SELECT label, verdict, why FROM claims")]


def test_a_denial_naming_another_counterpart_denies_nothing_else():
    from newstrace.link.corroboration import same_parties
    from newstrace.link.stories import Mention

    claim = Mention("a", "v1", "CONSULT", "talk", actors=frozenset({"n:foreign office"}),
                    targets=frozenset({"n:taliban"}), tokens=frozenset({"taliban"}),
                    countries=frozenset({"PAK", "AFG"}), words=frozenset({"protest", "taliban"}))
    # "Taliban officials denied meeting the American delegation": the Taliban, but another counterpart
    american = Mention("b", "v2", "CONSULT", "talk", actors=frozenset({"n:taliban"}), tokens=frozenset({"taliban"}),
                       target_countries=frozenset({"USA"}), modality="negated")
    assert not same_parties(american, [claim])
    delegation = Mention("c", "v2", "CONSULT", "talk", actors=frozenset({"n:taliban"}), tokens=frozenset({"taliban"}),
                         targets=frozenset({"x:the visiting delegation"}),
                         names={"x:the visiting delegation": "the visiting delegation"}, modality="negated")
    assert not same_parties(delegation, [claim])
    # "the Taliban denied meeting the Foreign Office": the claim's own counterpart
    own = Mention("d", "v2", "CONSULT", "talk", actors=frozenset({"n:taliban"}), tokens=frozenset({"taliban"}),
                  targets=frozenset({"n:foreign office"}), modality="negated")
    assert same_parties(own, [claim])
