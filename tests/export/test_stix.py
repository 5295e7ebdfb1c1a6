"""STIX 2.1 export: a bundle that stix2 parses without custom content and that the STIX 2.1 schemas accept."""

from __future__ import annotations

import json

import pytest
import stix2

from newstrace.export import ExportFilter, export
from newstrace.export.stix import stix_id, validate


def _objects(path):
    return json.loads(path.read_text(encoding="utf-8")).get("objects", [])


@pytest.fixture(scope="module")
def oped_bundle(oped_record, tmp_path_factory):
    """The shared op-ed stored, linked and exported as a STIX bundle."""
    from newstrace.link import link_store
    from newstrace.store.sqlite import Store

    folder = tmp_path_factory.mktemp("oped")
    art, an = oped_record
    with Store(folder / "oped.db") as store:
        with store.transaction():
            store.add_article(art, an)
        link_store(store, since_seq=0)
        export(store, "stix", folder / "oped.json")
    return art, an, folder / "oped.json"


def test_oped_story_bundle_validates(oped_bundle):
    art, an, path = oped_bundle
    assert validate(str(path)) == []
    bundle = stix2.parse(path.read_text(encoding="utf-8"), allow_custom=False)
    objs = bundle.objects
    reports = [o for o in objs if o.type == "report"]
    assert len(reports) == 1 and reports[0].name == (art.title or art.url or art.id)[:500]
    ids = {o.id for o in objs}
    assert set(reports[0].object_refs) <= ids  # everything the report refers to is in the bundle
    notes = [o for o in objs if o.type == "note"]
    assert len(notes) == len(an.events)
    kinds = {line.split(": ", 1)[1] for n in notes for line in n.content.splitlines() if line.startswith("source kind")}
    assert kinds == {ev.source.kind for ev in an.events}
    # one outlet alone: every story of the op-ed is single-source, which the opinions carry as "neutral"
    opinions = [o for o in objs if o.type == "opinion"]
    rels = [o for o in objs if o.type == "relationship"]
    rel_ids = {r.id for r in rels}
    assert opinions and all(set(o.object_refs) <= rel_ids for o in opinions)
    assert len({o.object_refs[0] for o in opinions}) == len(opinions) <= len(rels)  # one verdict per story
    assert {o.opinion for o in opinions} == {"neutral"}
    assert all("single-source" in o.explanation for o in opinions)


def test_corpus_bundle_parses_and_validates(corpus_db, open_store, tmp_path):
    path = tmp_path / "corpus.json"
    stats = export(open_store(corpus_db), "stix", path)
    assert validate(str(path)) == []
    objs = _objects(path)
    types = {o["type"] for o in objs}
    assert {"identity", "location", "report", "relationship", "opinion", "note", "threat-actor"} <= types
    assert stats.counts["report"] == open_store(corpus_db).counts()["articles"]
    assert len({o["id"] for o in objs}) == len(objs)
    # a corroborated story is an opinion that agrees; a single-source one is neutral
    ops = {o["opinion"] for o in objs if o["type"] == "opinion"}
    assert "neutral" in ops and ops & {"agree", "strongly-agree"}
    # the reports of one story's articles share one relationship (per story, not per article)
    rel_refs = [r for o in objs if o["type"] == "report" for r in o["object_refs"] if r.startswith("relationship--")]
    assert len(rel_refs) > len(set(rel_refs))


def test_ids_are_stable_and_filters_apply(corpus_db, open_store, tmp_path):
    store = open_store(corpus_db)
    export(store, "stix", tmp_path / "a.json", ExportFilter.make(verdict="corroborated"))
    export(store, "stix", tmp_path / "b.json", ExportFilter.make(verdict="corroborated"))
    a, b = _objects(tmp_path / "a.json"), _objects(tmp_path / "b.json")
    assert [o["id"] for o in a] == [o["id"] for o in b]
    assert {o["opinion"] for o in a if o["type"] == "opinion"} <= {"agree", "strongly-agree"}
    assert stix_id("report", "x") == stix_id("report", "x") != stix_id("report", "y")


def test_unicode_names_and_empty_store(gen_db, empty_db, open_store, tmp_path):
    export(open_store(gen_db), "stix", tmp_path / "gen.json")
    names = {o.get("name") for o in _objects(tmp_path / "gen.json")}
    assert "Ахмед Бекмуратов" in names and "Tromsø" in names
    assert validate(str(tmp_path / "gen.json")) == []
    export(open_store(empty_db), "stix", tmp_path / "empty.json")
    assert validate(str(tmp_path / "empty.json")) == []
    assert _objects(tmp_path / "empty.json") == []
