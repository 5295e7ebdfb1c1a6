"""GDELT 2.0 export: 61-column Events rows and 16-column Mentions rows with GDELT's types and newstrace's counts."""

from __future__ import annotations

import re

import pytest

from newstrace.export import ExportFilter, export
from newstrace.export.gdelt import (EVENT_COLUMNS, EVENTS_FILE, MENTION_COLUMNS, MENTIONS_FILE, actor_fields,
                                    cameo_code, geo_fields, goldstein, quad_class)
from newstrace.model import Entity, Event, Evidence, Place

INT = re.compile(r"^-?\d+$")
FLOAT = re.compile(r"^-?\d+(\.\d+)?$")


def _rows(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.split("\t") for ln in lines]


def _check_event_row(row):
    assert len(row) == 61
    r = dict(zip(EVENT_COLUMNS, row))
    assert INT.match(r["GlobalEventID"])
    assert re.match(r"^\d{8}$", r["Day"]) and r["MonthYear"] == r["Day"][:6] and r["Year"] == r["Day"][:4]
    assert FLOAT.match(r["FractionDate"])
    assert r["IsRootEvent"] in ("0", "1")
    assert re.match(r"^\d{2,4}$", r["EventCode"]) and r["EventRootCode"] == r["EventCode"][:2]
    assert r["QuadClass"] in ("1", "2", "3", "4")
    assert FLOAT.match(r["GoldsteinScale"]) and -10 <= float(r["GoldsteinScale"]) <= 10
    for col in ("NumMentions", "NumSources", "NumArticles"):
        assert INT.match(r[col]) and int(r[col]) >= 1
    assert int(r["NumSources"]) <= int(r["NumArticles"]) <= int(r["NumMentions"])
    for geo in ("Actor1Geo_", "Actor2Geo_", "ActionGeo_"):
        assert r[geo + "Type"] in ("", "1", "2", "3", "4", "5")
        for c in ("Lat", "Long"):
            assert r[geo + c] == "" or FLOAT.match(r[geo + c])
    assert re.match(r"^\d{14}$", r["DATEADDED"])
    assert r["SOURCEURL"]
    return r


def test_corpus_rows_have_gdelt_layout_and_types(corpus_db, open_store, tmp_path):
    stats = export(open_store(corpus_db), "gdelt", tmp_path)
    events = [_check_event_row(r) for r in _rows(tmp_path / EVENTS_FILE)]
    mentions = _rows(tmp_path / MENTIONS_FILE)
    assert events and stats.counts["events"] == len(events)
    assert all(len(m) == 16 for m in mentions)
    ids = {e["GlobalEventID"] for e in events}
    assert len(ids) == len(events)
    for m in mentions:
        r = dict(zip(MENTION_COLUMNS, m))
        assert r["GlobalEventID"] in ids
        assert r["MentionType"] == "1" and INT.match(r["ActionCharOffset"]) and 10 <= int(r["Confidence"]) <= 100
        assert "<SOURCE_KIND>" in r["Extras"]
    # an event's mention rows (asserted reports only) never outnumber its stored NumMentions
    by_event: dict[str, int] = {}
    for m in mentions:
        by_event[m[0]] = by_event.get(m[0], 0) + 1
    assert all(by_event[e["GlobalEventID"]] <= int(e["NumMentions"]) for e in events)
    assert any(int(e["NumArticles"]) > 1 for e in events)


def test_num_sources_counts_independent_outlets(gen_db, open_store, tmp_path):
    # each generated story is one original and two copies: three articles, one independent source
    export(open_store(gen_db), "gdelt", tmp_path)
    events = [_check_event_row(r) for r in _rows(tmp_path / EVENTS_FILE)]
    assert len(events) == 10
    assert {(e["NumMentions"], e["NumSources"], e["NumArticles"]) for e in events} == {("3", "1", "3")}
    mentions = _rows(tmp_path / MENTIONS_FILE)
    assert len(mentions) == 30
    first = events[0]
    assert first["Actor1Code"] == "NORGOV" and first["Actor1Name"] == "ØDEGÅRD LINDQVIST"
    assert first["ActionGeo_FullName"] == "Tromsø, Norway" and first["ActionGeo_CountryCode"] == "NO"
    assert first["ActionGeo_ADM1Code"] == "NO18" and first["ActionGeo_FeatureID"] == "3133880"
    assert first["EventCode"] == "040" and first["QuadClass"] == "1" and float(first["GoldsteinScale"]) == 1.0
    copies = [m for m in mentions if "<COPIED_FROM></COPIED_FROM>" not in m[15]]
    assert len(copies) == 20


def test_header_option_and_empty_store(empty_db, open_store, tmp_path):
    export(open_store(empty_db), "gdelt", tmp_path, header=True)
    assert _rows(tmp_path / EVENTS_FILE) == [list(EVENT_COLUMNS)]
    assert _rows(tmp_path / MENTIONS_FILE) == [list(MENTION_COLUMNS)]


def test_only_asserted_events_are_coded(corpus_db, open_store, tmp_path):
    store = open_store(corpus_db)
    export(store, "gdelt", tmp_path)
    mentions = _rows(tmp_path / MENTIONS_FILE)
    asserted = store.conn.execute("SELECT count(*) FROM events WHERE modality='asserted'").fetchone()[0]
    assert len(mentions) == asserted
    assert all("<MODALITY>asserted</MODALITY>" in m[15] for m in mentions)


def test_filters(corpus_db, open_store, tmp_path):
    export(open_store(corpus_db), "gdelt", tmp_path, ExportFilter.make(type="ASSAULT,COERCE"))
    events = [_check_event_row(r) for r in _rows(tmp_path / EVENTS_FILE)]
    assert all(e["EventRootCode"] in ("17", "18", "19", "20") for e in events)


@pytest.mark.parametrize("code,expected", [("042", 1.9), ("0841", 7.0), ("1821", -9.5), ("194", -10.0), ("03", 4.0)])
def test_goldstein_falls_back_to_base_then_root(code, expected):
    assert goldstein(code) == expected


def test_cameo_and_actor_codes():
    ev = Event(id="v", type="ASSAULT", mode=None, cameo=None, actor=None, target=None, place=None, date=None,
               modality="asserted", evidence=Evidence(0, 1, "x"))
    assert cameo_code(ev) == "18" and quad_class("18") == 4 and quad_class("057") == 1
    taliban = Entity(id="e", name="Taliban", type="ORG", country="AFG", sector="REB")
    assert actor_fields(taliban, None)[:4] == ["AFGTAL", "TALIBAN", "AFG", "TAL"]
    country = Entity(id="c", name="Pakistan", type="GPE", country="PAK", sector="GOV")
    assert actor_fields(country, None)[0] == "PAK"
    assert actor_fields(None, None) == [""] * 10


def test_geo_types_of_gazetteer_places_and_of_streets_placed_at_their_town():
    town = Place(id="p1", name="Lisbon", country="PRT", admin1="PT.14", lat=38.7, lon=-9.1, geonameid=2267057,
                 feature="capital")
    street = Place(id="p2", name="Quarvelle Street", country="PRT", admin1="PT.14", lat=38.7, lon=-9.1,
                   feature="site")
    suburb = Place(id="p3", name="Varzelha", country="USA", admin1="US.LA", lat=29.95, lon=-90.07, feature="local")
    assert geo_fields(town)[0] == 4 and geo_fields(street)[0] == 4 and geo_fields(street)[7] == ""
    assert geo_fields(suburb)[0] == 3  # a US city-level point


def test_user_mapping_files_merge_over_the_shipped_ones(gen_db, open_store, tmp_path, monkeypatch):
    from newstrace.export import gdelt, stix

    user = tmp_path / "mine.yaml"
    user.write_text("gdelt:\n  known_groups: {Ødegård Lindqvist: XYZ}\n  goldstein: {'040': 2.5}\n"
                    "stix:\n  sectors: {GOV: {object: intrusion-set}}\n", encoding="utf-8")
    monkeypatch.setenv("NEWSTRACE_EXPORT_MAPPINGS", str(user))
    gdelt.tables.cache_clear()
    stix.mapping.cache_clear()
    try:
        export(open_store(gen_db), "gdelt", tmp_path / "g")
        first = dict(zip(EVENT_COLUMNS, _rows(tmp_path / "g" / EVENTS_FILE)[0]))
        assert first["Actor1KnownGroupCode"] == "XYZ" and first["GoldsteinScale"] == "2.5"
        assert gdelt.tables()["known_groups"]["taliban"] == "TAL"  # the shipped entries stay
        stix.mapping.cache_clear()
        assert stix.mapping()["sectors"]["GOV"] == {"object": "intrusion-set"}
        assert stix.mapping()["sectors"]["TER"]["object"] == "threat-actor"
    finally:
        monkeypatch.delenv("NEWSTRACE_EXPORT_MAPPINGS")
        gdelt.tables.cache_clear()
        stix.mapping.cache_clear()
