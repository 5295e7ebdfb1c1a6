"""The happening component: disasters, accidents and rate moves coded beside the PLOVER events, never as acts of
an invented attacker, and never from a figure of speech. Sentences written for these tests, run through the real
spaCy pipeline (``nlp`` fixture); a corroboration check runs ingest and link on a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.analyze.event_lexicon import PLOVER_TYPES
from newstrace.analyze.happenings import build_lexicon, HAPPENING_DATA
from newstrace.model import Analysis, Event, from_dict, to_dict


def _doc(nlp, text: str):
    return nlp(text)


def _happenings(nlp, text: str) -> list[Event]:
    return list(_doc(nlp, text)._.nt_happenings)


def _kinds(nlp, text: str) -> list[str]:
    return [h.type for h in _happenings(nlp, text)]


@pytest.mark.parametrize("text, kind", [
    ("A magnitude 6.1 earthquake struck the hills east of Valdora late on Sunday, killing three people.", "EARTHQUAKE"),
    ("Quake kills two in southern Peru", "EARTHQUAKE"),
    ("Flash floods forced about 12,000 people from their homes in the Tessaly district on Tuesday.", "FLOOD"),
    ("The Orlan river burst its banks after three days of rain.", "FLOOD"),
    ("A landslide swept a minibus off the mountain road above Karsk on Friday.", "LANDSLIDE"),
    ("A passenger ferry capsized near the Molo islands on Monday, killing at least nine people, police said.",
     "SHIPWRECK"),
    ("Survivors of Monday's ferry disaster say the boat was overloaded.", "SHIPWRECK"),
    ("A fire broke out in the intensive care ward of the Harmon hospital on Monday evening.", "FIRE"),
    ("Nine patients died in a fire at the Harmon hospital.", "FIRE"),
    ("A gas explosion tore through a restaurant in central Vellmar on Saturday.", "EXPLOSION"),
    ("A bus plunged into a gorge in the Karsk mountains on Thursday, killing 14 passengers.", "CRASH"),
    ("Two people were killed when a five-storey building collapsed in Port Amara.", "COLLAPSE"),
    ("Cyclone Mira made landfall near Port Amara on Wednesday.", "STORM"),
    ("The central bank raised its main policy rate by half a percentage point to 9.25 percent on Thursday.",
     "RATE_CHANGE"),
])
def test_happening_kinds(nlp, text, kind):
    kinds = _kinds(nlp, text)
    assert kind in kinds, (text, kinds)


@pytest.mark.parametrize("text", [
    # figures of speech, gunfire, arson, modifiers, mere possibilities and other things that move or collapse
    "Troops opened fire on the crowd outside the parliament in Vellmar.",
    "The minister came under fire from opposition lawmakers over the budget.",
    "Security forces returned fire after the convoy was ambushed.",
    "The ruling party won the election by a landslide.",
    "The Popular Front claimed a landslide victory in Sunday's vote.",
    "A flood of complaints reached the ministry after the decision.",
    "The decision drew a storm of criticism from rights groups.",
    "Fire brigade officials warned of the risk of floods this spring.",
    "Talks between the two governments collapsed on Friday.",
    "Shares plunged after the announcement and the currency sank to a record low.",
    "Iran increased the rate of uranium enrichment at the Fordow site.",
    "The council raised the issue of road safety with the transport ministry.",
    "Militants set fire to a police station in the north of the province.",
    "A ceasefire came into force at midnight.",
    "The Taliban threatened to break their cease-fire with international forces.",
    "Observers will monitor some of the small arms fire along the line of contact.",
    "Prices rose by 9 percent in the year to June.",
])
def test_no_happening(nlp, text):
    assert _kinds(nlp, text) == [], text


def test_rate_modes_and_actor(nlp):
    doc = _doc(nlp, "Bangladesh Bank raised its policy repo rate to 9.25 percent from 8.75 percent on Thursday. "
                    "The Reserve Bank of Sarnia cut its benchmark rate by 25 basis points.")
    modes = [(h.type, h.mode) for h in doc._.nt_happenings]
    assert modes == [("RATE_CHANGE", "rise"), ("RATE_CHANGE", "cut")], modes
    first = doc._.nt_happenings[0]
    assert first.actor is not None and "Bangladesh Bank" in (first.actor_text or ""), first
    assert first.category == "economy" and first.ontology == "happening"


@pytest.mark.parametrize("text, modality", [
    ("The bank is likely to raise rates again in September, two officials said.", "possible"),
    ("The bank will raise rates again in September if the currency weakens further.", "conditional"),
    ("The central bank may raise its policy rate next month.", "possible"),
    ("No fire was reported at the depot.", "negated"),
])
def test_happening_modality(nlp, text, modality):
    hs = _happenings(nlp, text)
    assert hs and hs[0].modality == modality, [(h.type, h.modality) for h in hs]


def test_no_invented_attacker(nlp):
    """A quake, a fire, a capsizing or a landslide is no ASSAULT, COERCE or PROTEST by the thing itself, and the
    actorless "were killed" / "were injured" of the same paragraph belongs to the happening; a bomb stays an attack."""
    text = ("A magnitude 6.2 earthquake struck southern Peru late on Sunday, damaging adobe houses and killing at "
            "least two people. A woman and her son were killed when the wall of their house collapsed. At least 23 "
            "people were injured.\n\n"
            "Landslides blocked the road between Chivay and the city of Arequipa.\n\n"
            "A passenger ferry capsized on Lake Victoria on Monday, killing at least nine people.\n\n"
            "Fire at Basra hospital kills nine patients.\n\n"
            "A bomb blast killed 12 people at a cattle market in Maiduguri on Tuesday.")
    doc = _doc(nlp, text)
    events = [(e.type, e.trigger, e.actor_text) for e in doc._.nt_events]
    happening_words = {"earthquake", "magnitude", "landslides", "ferry", "fire"}
    for etype, trigger, actor in events:
        assert not (actor and set(actor.casefold().split()) & happening_words), events
    assert not [e for e in events if e[0] == "ASSAULT" and not e[2]], events
    assert any(e[0] == "ASSAULT" and "bomb" in (e[2] or "").casefold() for e in events), events
    kinds = {h.type for h in doc._.nt_happenings}
    assert {"EARTHQUAKE", "COLLAPSE", "LANDSLIDE", "SHIPWRECK", "FIRE"} <= kinds, kinds


def test_happenings_never_in_events_and_round_trip(nlp):
    """``events`` stays PLOVER only (the public record's contract); happenings are their own list, carry evidence
    offsets into the text, a place and a source, and survive the JSON form."""
    text = ("Floods force 40,000 from their homes in Sylhet\n\n"
            "Flash floods have forced about 40,000 people from their homes in the Sylhet district, the disaster "
            "management ministry said on Thursday.")
    from newstrace.analyze.pipeline import analysis_from_doc, make_doc
    from newstrace.model import Article
    art = Article(id="t1", url=None, outlet=None, title=None, byline=None, published="2026-06-18", tags=[],
                  language="en", text=text)
    art.meta["body_start"] = text.index("Flash")
    an = analysis_from_doc(nlp(make_doc(nlp, art)))
    assert all(e.type in PLOVER_TYPES for e in an.events)
    assert [h.type for h in an.happenings] == ["FLOOD", "FLOOD"]
    lead = an.happenings[1]
    assert text[lead.evidence.start:lead.evidence.end] == lead.evidence.text
    assert lead.place is not None and lead.source.kind in ("organization", "person", "document")
    assert "headline" in an.happenings[0].flags
    back = from_dict(Analysis, to_dict(an))
    assert [(h.id, h.type, h.category) for h in back.happenings] == [(h.id, h.type, h.category) for h in an.happenings]


def test_user_lexicon_adds_a_kind(tmp_path: Path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("happenings:\n  HEATWAVE:\n    category: disaster\n    nouns: [heatwave, \"heat wave\"]\n",
                     encoding="utf-8")
    lex = build_lexicon([HAPPENING_DATA, extra])
    names = {k.name for k in lex.kinds}
    assert "HEATWAVE" in names and "EARTHQUAKE" in names
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe not yaml: [")
    assert {k.name for k in build_lexicon([HAPPENING_DATA, bad]).kinds} == {k.name for k in lex.kinds} - {"HEATWAVE"}


def test_an_exclusive_statement_with_no_event_is_a_claim(nlp):
    """"has learned exclusively that the bus ... was operating on an expired permit" codes no event, yet it is
    the claim an analyst must check: a happening of kind CLAIM, flagged exclusive; "exclusive economic zone" and
    "exclusive rights" are no exclusives, and a sentence that codes an event keeps its event only."""
    text = ("Exclusive: Bus lost in the Trishuli river was running on an expired permit\n\n"
            "The Frontier Ledger has learned exclusively that the bus swept into the Trishuli river on Saturday was "
            "operating on a route permit that had expired in March.\n\n"
            "Chinese vessels entered the exclusive economic zone of the Philippines on Monday, the coast guard said. "
            "The company holds exclusive rights to the mine.\n\n"
            "We have learned that the minister met rebel commanders in Doha last week.")
    doc = _doc(nlp, text)
    claims = [h for h in doc._.nt_happenings if h.type == "CLAIM"]
    assert [h.evidence.text.split()[0] for h in claims] == ["Exclusive:", "The"], [h.evidence.text for h in claims]
    assert all(h.category == "statement" and "exclusive" in h.flags for h in claims)
    assert not [f for f in doc._.nt_flags if f.kind == "exclusive" and "economic" in text[f.end:f.end + 10]]
    assert not [f for f in doc._.nt_flags if f.kind == "exclusive" and "rights" in text[f.end:f.end + 8]]
    met = [e for e in doc._.nt_events if e.type == "CONSULT"]
    assert met and "exclusive" in met[0].flags  # the event carries the flag; no CLAIM beside it
    assert not [h for h in claims if "Doha" in h.evidence.text]


def test_a_toll_without_an_actor_is_the_happenings(nlp):
    """In a cyclone story, "At least seven people were killed, the institute said" is the cyclone's toll, told as a
    report of the cyclone (so "7 dead" is a claim about it); a cyclone that "slams into" a country accuses no one;
    where an attacker was named before, an actorless harm stays the attack's."""
    text = ("Cyclone Odalys slams into Mozambique near Beira\n\n"
            "Cyclone Odalys made landfall near the port city of Beira early on Thursday, tearing roofs off houses.\n\n"
            "At least seven people were killed, the national disaster management institute said in a statement.")
    doc = _doc(nlp, text)
    assert not [e for e in doc._.nt_events if e.type in ("ASSAULT", "ACCUSE")], \
        [(e.type, e.actor_text, e.trigger) for e in doc._.nt_events]
    tolls = [h for h in doc._.nt_happenings if "toll" in h.flags]
    assert tolls and tolls[0].type == "STORM" and "seven" in tolls[0].evidence.text
    attack = ("Gunmen attacked a village in the north on Sunday and a cyclone hit the coast the same day.\n\n"
              "At least seven people were killed in the village, police said.")
    doc = _doc(nlp, attack)
    assert [e for e in doc._.nt_events if e.type == "ASSAULT" and "killed" in (e.trigger or "")], \
        [(e.type, e.trigger) for e in doc._.nt_events]


def test_a_train_that_came_off_the_tracks(nlp):
    doc = _doc(nlp, "Eight carriages of a Lahore-bound passenger train came off the tracks near Rohri on Wednesday "
                    "morning, killing at least 22 people and injuring more than 60, railway officials said.")
    assert [h.type for h in doc._.nt_happenings] == ["CRASH"]
    assert not [e for e in doc._.nt_events if e.type == "ASSAULT"], [(e.actor_text, e.trigger) for e in doc._.nt_events]


def test_an_unannounced_visit_took_place(nlp):
    """"did not announce the visit until the plane had landed" denies the announcement, not the visit."""
    doc = _doc(nlp, "Nouakchott did not announce the visit until the minister's plane had landed. "
                    "The two ministers did not meet on Monday.")
    modes = [(e.trigger, e.modality) for e in doc._.nt_events if e.type == "CONSULT"]
    assert ("announce the visit", "asserted") in modes or any(m == "asserted" and "visit" in t for t, m in modes), modes
    assert any(m == "negated" and t == "meet" for t, m in modes), modes


def test_breaking_is_a_label_not_a_verb(nlp):
    doc = _doc(nlp, "BREAKING: Ferry capsizes near Molo islands\n\n"
                    "Whatever their differences, this cannot lead to the country breaking apart, the envoy said.")
    cues = [f.text for f in doc._.nt_flags if f.kind == "exclusive"]
    assert cues == ["BREAKING:"], cues
    assert not [h for h in doc._.nt_happenings if h.type == "CLAIM"]
