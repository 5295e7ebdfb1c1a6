"""The event component on the motivating op-ed, the example corpus, sentences written for these tests, and bad
input; the events CLI over a real store. Everything runs through the real spaCy pipeline (``nlp`` fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.analyze.event_lexicon import EVENT_DATA, PLOVER_TYPES, build_lexicon, load_lexicon
from newstrace.analyze.events import EventCoder
from newstrace.model import MODALITIES, Event


def _names(analysis) -> dict[str, str]:
    return {e.id: e.name for e in analysis.entities}


def _events(nlp, text: str) -> list[Event]:
    return list(nlp(text)._.nt_events)


def _one(events: list[Event], trigger_word: str) -> Event:
    found = [e for e in events if trigger_word in (e.trigger or "").split()]
    assert found, f"no event with trigger {trigger_word!r} in {[(e.type, e.trigger) for e in events]}"
    return found[0]


# -- the op-ed ----------------------------------------------------------------------------------------------------

def test_oped_visit_to_kabul(oped_record):
    art, an = oped_record
    names = _names(an)
    visits = [e for e in an.events if e.type == "CONSULT" and e.mode == "visit" and e.actor
              and "Hameed" in names.get(e.actor, "")]
    assert visits, [(e.type, e.mode, e.actor_text, e.trigger) for e in an.events]
    to_kabul = [e for e in visits if e.target and names.get(e.target, "") in ("Kabul", "Afghanistan")]
    assert to_kabul, [(e.trigger, e.target_text) for e in visits]
    ev = to_kabul[0]
    assert ev.modality == "asserted"
    assert art.text[ev.evidence.start:ev.evidence.end] == ev.evidence.text
    assert ev.place is not None and ev.place in {p.id for p in an.places}


def test_oped_headline_secret_meetings(oped_record):
    art, an = oped_record
    names = _names(an)
    body_start = art.meta.get("body_start", 0)
    head = [e for e in an.events if e.type == "CONSULT" and e.evidence.start < body_start]
    assert head, "no CONSULT coded in the headline"
    assert all(e.modality == "asserted" for e in head)
    assert all("meetings" in e.trigger for e in head)
    assert all("headline" in e.flags for e in head)
    actors = {names.get(e.actor or "", "") for e in head}
    assert actors & {"Faiz Hameed", "ISI", "Inter Service Intelligence", "Inter-Services Intelligence"}, actors
    targets = {names.get(e.target or "", "") for e in head}
    assert any("Taliban" in t for t in targets), targets
    assert any("Qaeda" in t for t in targets), targets


@pytest.mark.parametrize(("word", "modality"), [("adhered", "negated"), ("unveil", "future"), ("signal", "possible")])
def test_oped_modalities(oped_record, word, modality):
    _art, an = oped_record
    ev = _one(an.events, word)
    assert ev.modality == modality, (ev.trigger, ev.modality, ev.evidence.text)


def test_oped_evidence_offsets_and_fields(oped_record):
    art, an = oped_record
    assert an.events
    for ev in an.events:
        assert ev.type in PLOVER_TYPES
        assert ev.modality in MODALITIES
        assert art.text[ev.evidence.start:ev.evidence.end] == ev.evidence.text
        t0, t1 = ev.evidence.trigger
        assert ev.evidence.start <= t0 < t1 <= ev.evidence.end
        assert art.text[t0:t1] == ev.trigger
    assert len({e.id for e in an.events}) == len(an.events)


# -- rules on sentences written for these tests (fictional events, real places) ------------------------------------

def test_active_passive_and_light_verbs(nlp):
    ev = _one(_events(nlp, "Militants attacked a police convoy near Kandahar on Monday."), "attacked")
    assert (ev.type, ev.actor_text, ev.modality) == ("ASSAULT", "Militants", "asserted")
    assert "convoy" in ev.target_text
    ev = _one(_events(nlp, "The police convoy was attacked by militants near Kandahar."), "attacked")
    assert ev.actor_text == "militants" and "convoy" in ev.target_text
    ev = _one(_events(nlp, "Norway held talks with Chile in Oslo."), "talks")
    assert ev.type == "CONSULT" and ev.trigger == "held talks"
    assert (ev.actor_text, ev.target_text) == ("Norway", "Chile")


def test_conjoined_parties_give_one_event_each(nlp):
    events = [e for e in _events(nlp, "Chile sent medical aid to Peru and Bolivia.") if e.type == "AID"]
    assert {e.target_text for e in events} == {"Peru", "Bolivia"}
    # compound actors each act ...
    events = [e for e in _events(nlp, "Norway and Chile signed a fisheries accord in Oslo.") if e.type == "SUPPORT"]
    assert {e.actor_text for e in events} == {"Norway", "Chile"}
    # ... and in a meeting the partners are each other's counterpart
    events = [e for e in _events(nlp, "Norway and Chile met in Oslo on Friday.") if e.type == "CONSULT"]
    assert {(e.actor_text, e.target_text) for e in events} == {("Norway", "Chile")}


def test_nominal_event(nlp):
    ev = _one(_events(nlp, "Norway's visit to Chile was cut short by a storm."), "visit")
    assert (ev.type, ev.mode) == ("CONSULT", "visit")
    assert ev.actor_text.startswith("Norway") and ev.target_text == "Chile"
    assert "nominal" in ev.flags


def test_possessive_of_a_nominal_event(nlp):
    ev = _one(_events(nlp, "The editor's arrest shocked the capital."), "arrest")
    assert (ev.type, ev.actor_text, ev.target_text) == ("COERCE", None, "The editor's")
    ev = _one(_events(nlp, "Chile's arrest of the editor shocked the capital."), "arrest")
    assert ev.actor_text.startswith("Chile") and ev.target_text == "the editor"


def test_complement_absorbed_and_denial_negates(nlp):
    events = _events(nlp, "Norway agreed to cooperate with Chile on fisheries.")
    assert [e.type for e in events] == ["AGREE"]
    events = _events(nlp, "Chile denied meeting the rebel commander.")
    assert [(e.type, e.modality) for e in events] == [("CONSULT", "negated")]
    events = _events(nlp, "Peru refused to send troops to the border.")
    assert [e.type for e in events] == ["REJECT"]


@pytest.mark.parametrize(("text", "word", "modality"), [
    ("Chile did not attack the border post.", "attack", "negated"),
    ("The army never attacked the village.", "attacked", "negated"),
    ("The governor reportedly met the rebel commander.", "met", "possible"),
    ("The rebel commander is believed to have met the governor.", "met", "possible"),
    ("Chile may recognize the new government.", "recognize", "possible"),
    ("Peru plans to sign the treaty next month.", "sign", "future"),
    ("Norway will condemn the vote.", "condemn", "future"),
    ("If the rebels attack the convoy, Chile will send troops.", "attack", "conditional"),
    ("Did the minister meet the rebel commander?", "meet", "question"),
    ("Chile condemned the vote.", "condemned", "asserted"),
])
def test_modality_rules(nlp, text, word, modality):
    assert _one(_events(nlp, text), word).modality == modality


def test_intended_material_act_is_coded_as_verbal_event(nlp):
    ev = _one(_events(nlp, "The rebels said they would attack the capital."), "attack")
    assert ev.type == "THREATEN" and ev.modality == "future"
    assert "intended:ASSAULT" in ev.flags
    ev = _one(_events(nlp, "Chile will visit Peru next week."), "visit")
    assert ev.type == "AGREE" and "intended:CONSULT" in ev.flags


def test_blocking_by_the_state_or_by_protesters(nlp):
    ev = _one(_events(nlp, "Police blocked the main road into Lahore on Friday."), "blocked")
    assert (ev.type, ev.mode) == ("COERCE", "restrict")
    ev = _one(_events(nlp, "Striking farmers blocked the main road into Lahore on Friday."), "blocked")
    assert (ev.type, ev.mode) == ("PROTEST", "obstruct")


def test_idioms_and_publications_are_not_events(nlp):
    assert not [e for e in _events(nlp, "Two officials who asked not to be named said the talks went well.")
                if e.type == "REQUEST"]
    assert not _events(nlp, "The ministry released a statement on Tuesday.")


# -- the countries of the parties ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, trigger, actor, target", [
    # a listed head of state known by surname alone; a demonym before a role noun
    ("Putin met the Finnish president in Helsinki on Monday.", "met", "RUS", "FIN"),
    # demonyms of peoples ("Palestinian", "Bosnian Serbs") and a country the small model tags as a person
    ("Palestinian negotiators rejected the proposal.", "rejected", "PSE", None),
    ("Bosnian Serbs shelled a convoy near the town.", "shelled", "BIH", None),
    ("Sri Lanka expelled two Norwegian diplomats.", "expelled", "LKA", "NOR"),
    # a participle's agent owns the noun it modifies
    ("Dutch prosecutors opened an investigation into abuses committed by Belgian soldiers.", "investigation",
     "NLD", "BEL"),
    # a date after "on" does not hide the partner of the suspended thing
    ("Spain announced a suspension of air links with Venezuela on Monday.", "suspension", "ESP", "VEN"),
    # "is opposed to": a stance of the subject, which the small model hangs on the auxiliary
    ("Chile is opposed to Peruvian mediation in talks with Bolivia.", "opposed", "CHL", "PER"),
    # whom an act answers, in a stance phrase, or the event it prepares; an unnamed crowd is where it acts
    ("Thousands of people blocked roads in Lima in defiance of Chilean authorities.", "blocked", "PER", "CHL"),
    ("Norway mobilized naval reservists for a possible war against Russia.", "mobilized", "NOR", "RUS"),
])
def test_party_countries(nlp, text, trigger, actor, target):
    ev = _one(_events(nlp, text), trigger)
    if actor:
        assert ev.actor_country == actor, (ev.actor_text, ev.actor_country)
    if target:
        assert ev.target_country == target, (ev.target_text, ev.target_country)


def test_unnamed_parties_take_the_country_where_or_of_the_actor(nlp):
    # a domestic act on an unnamed thing: the place it happens, else the actor's own country
    ev = _one(_events(nlp, "Kenyan inmates rioted on Sunday at a prison in southern Uganda."), "rioted")
    assert (ev.actor_country, ev.target_country) == ("KEN", "UGA")
    ev = _one(_events(nlp, "Kenya's government lifted a curfew on Monday."), "lifted")
    assert (ev.actor_country, ev.target_country) == ("KEN", "KEN")
    ev = _one(_events(nlp, "Israel reimposed closures in the West Bank on Friday."), "reimposed")
    assert (ev.actor_country, ev.target_country) == ("ISR", "PSE")
    ev = _one(_events(nlp, "Rebels attacked a police post in Montenegro province."), "attacked")
    assert (ev.actor_country, ev.target_country) == ("MNE", "MNE")
    # "ethnic Hungarians" are a people: they are coded where they act, not as Hungary
    ev = _one(_events(nlp, "Hundreds of ethnic Hungarians demonstrated in Romania on Sunday."), "demonstrated")
    assert ev.actor_country == "ROU"
    # what a party is for or against is not its country
    ev = _one(_events(nlp, "A well-known anti-Iran writer was killed in a bomb blast in a district of western "
                           "Kabul."), "killed")
    assert ev.target_country == "AFG"


# -- bad input ------------------------------------------------------------------------------------------------------

def test_bad_input_no_crash_no_wrong_events(nlp):
    assert _events(nlp, "") == []
    # a run-on "sentence" far beyond the parse budget yields nothing rather than a guess
    run_on = " ".join(["Chile attacked Peru"] + ["and the army shelled the town"] * 200)
    assert _events(nlp, run_on) == []
    # a table flattened into text
    table = "\n".join("| 2026-09-0%d | attack | 3 | 0.5 | 12 | --- |" % i for i in range(1, 9))
    assert _events(nlp, table) == []
    # mis-decoded bytes and control characters
    assert isinstance(_events(nlp, "\ufffd\ufffd\x00\x01 attack \ufffd on \x7f"), list)
    # quotes inside quotes keep the evidence inside the text
    text = 'Chile said: "Peru told us \'we will attack the port\'," the minister recalled.'
    for ev in _events(nlp, text):
        assert text[ev.evidence.start:ev.evidence.end] == ev.evidence.text


def test_headline_without_verb(nlp):
    text = "Border clashes between Chile and Peru\n\nThe two armies exchanged fire overnight."
    events = _events(nlp, text)
    assert all(text[e.evidence.start:e.evidence.end] == e.evidence.text for e in events)
    assert all("\n" not in e.evidence.text for e in events)
    clashes = [e for e in events if e.trigger == "clashes"]
    assert clashes and clashes[0].evidence.end <= text.index("\n")


def test_hard_wrapped_sentence_keeps_its_subject(nlp):
    ev = _one(_events(nlp, "The foreign ministry of\nPeru condemned the\nattack on the embassy."), "condemned")
    assert ev.type == "ACCUSE" and "ministry" in ev.actor_text


# -- the lexicon is data ------------------------------------------------------------------------------------------

def test_every_type_has_triggers():
    lex = load_lexicon()
    covered = {t.type for entries in lex.triggers.values() for t in entries}
    assert covered == set(PLOVER_TYPES)


def test_user_lexicon_extends_and_overrides(nlp, tmp_path: Path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("types:\n  ACCUSE:\n    groups:\n      - cameo: '111'\n        mode: disapprove\n"
                     "        verbs: [besmirch]\n", encoding="utf-8")
    shipped = [EVENT_DATA / "triggers.yaml", EVENT_DATA / "modality.yaml", EVENT_DATA / "roles.yaml"]
    coder = EventCoder(nlp, build_lexicon([*shipped, extra]))
    doc = nlp("Chile besmirched Peru at the summit.")
    assert not [e for e in doc._.nt_events if e.type == "ACCUSE"]
    coded = [e for e in coder(doc)._.nt_events if e.type == "ACCUSE"]
    assert coded and coded[0].actor_text == "Chile" and coded[0].target_text == "Peru"


# -- the example corpus and the CLI --------------------------------------------------------------------------------

def _stored_events(db: Path) -> list[dict]:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute(
        "SELECT v.*, a.outlet, ea.name AS actor_name, et.name AS target_name FROM events v JOIN articles a"
        " ON a.id=v.article_id LEFT JOIN entities ea ON ea.article_id=v.article_id AND ea.id=v.actor"
        " LEFT JOIN entities et ON et.article_id=v.article_id AND et.id=v.target")]
    conn.close()
    return rows


def test_corpus_visit_reported_by_several_outlets(corpus_db):
    rows = _stored_events(corpus_db)
    visits = [r for r in rows if r["type"] == "CONSULT" and r["mode"] == "visit" and r["modality"] == "asserted"
              and "Awan" in (r["actor_name"] or "") and (r["target_name"] or "") == "Kabul"]
    assert len({r["outlet"] for r in visits}) >= 3, visits


def test_corpus_modalities(corpus_db):
    rows = _stored_events(corpus_db)

    def has(word: str, modality: str, outlet: str | None = None) -> bool:
        return any(word in (r["trigger"] or "") and r["modality"] == modality
                   and (outlet is None or r["outlet"] == outlet) for r in rows)

    # "Taliban officials denied meeting the American delegation" is in the wire original, dropped from 08
    assert has("meeting", "negated", "meridianpress.net")
    assert not has("meeting", "negated", "cornichedaily.qa")
    assert has("fired", "negated", "induscourier.pk")          # "Pakistani troops never fired a single shell"
    assert has("released", "future", "meridianpress.net")     # "will be released"
    assert has("signal", "possible", "harborlightreview.org")  # "The delay may signal a far deeper split"
    assert has("adhered", "negated", "harborlightreview.org")
    assert has("unveil", "future", "kestrelherald.com")


def test_events_cli(corpus_db):
    from newstrace.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["events", "--db", str(corpus_db), "--type", "consult", "--actor", "awan", "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows and all(r["type"] == "CONSULT" for r in rows)
    assert all("awan" in ((r["actor_name"] or "") + (r["actor_text"] or "")).lower() for r in rows), rows
    res = runner.invoke(app, ["events", "--db", str(corpus_db), "--country", "PAK", "-f", "json", "-n", "500"])
    rows = json.loads(res.stdout)
    assert rows and all("PAK" in (r["actor_country"], r["target_country"]) for r in rows)
    res = runner.invoke(app, ["events", "--db", str(corpus_db), "--since", "2026-09-09", "-f", "csv"])
    assert res.exit_code == 0
    lines = res.stdout.strip().splitlines()
    assert lines[0].startswith("day,type") and len(lines) > 1
    assert all(line[:10] >= "2026-09-09" for line in lines[1:])
    for bad in (["--type", "PARADE"], ["--since", "9/9/2026"], ["--country", "Pakistan"]):
        res = runner.invoke(app, ["events", "--db", str(corpus_db), *bad])
        assert res.exit_code == 2, (bad, res.output)


def test_a_locative_place_inside_the_target_phrase_is_where_it_happened(nlp):
    doc = nlp("General Idris Vael held a series of meetings with the rebel leadership in Kabul on Saturday.")
    places = {p.id: p.name for p in doc._.nt_places}
    ev = _one(list(doc._.nt_events), "meetings")
    assert ev.type == "CONSULT" and places.get(ev.place) == "Kabul"
    # a place that only modifies a party says who it is, not where the event was
    doc = nlp("The Pakistani intelligence chief met the Afghan envoy on Monday.")
    assert all(e.place is None for e in doc._.nt_events)
    # deeper in the phrase (an apposition of the target) a place describes the party
    doc = nlp("General Idris Vael met the envoy Oren Malk and Sefa Darrow, the head of the movement's office in "
              "Doha.")
    places = {p.id: p.name for p in doc._.nt_places}
    assert all(places.get(e.place) != "Doha" for e in doc._.nt_events)


def test_a_light_verb_carries_an_event_through_a_measure_noun(nlp):
    ev = _one(_events(nlp, "General Idris Vael on Saturday held a series of meetings with the rebel leadership."),
              "meetings")
    assert ev.type == "CONSULT" and ev.actor_text == "General Idris Vael"
    ev = _one(_events(nlp, "Dock unions staged a wave of strikes across Ostrel."), "strikes")
    assert ev.type == "PROTEST" and ev.actor_text == "Dock unions"


# -- labour strikes, denials of a material act, searches (issue 15) -----------------------------------------------

@pytest.mark.parametrize("text", [
    "Chittagong port grinds to a halt as dock workers strike",
    "Bangladesh dockers strike over terminal lease",
    "Thousands of dock workers at the main seaport walked off the job on Sunday, halting the loading and unloading "
    "of container ships.",
    "Dock workers at the port have stopped work over pay and a plan to hand a terminal to a foreign operator.",
    "Exporters warned of missed shipments after dock workers at the port went on strike over wages.",
    "Junior doctors at three public hospitals in Lagos walked out on Monday, demanding six months of unpaid wages.",
])
def test_a_labour_strike_is_one_protest_strike(nlp, text):
    events = _events(nlp, text)
    strikes = [e for e in events if (e.type, e.mode) == ("PROTEST", "strike")]
    assert len(strikes) == 1, [(e.type, e.mode, e.trigger, e.target_text) for e in events]
    assert not [e for e in events if e.type in ("ASSAULT", "SANCTION")]  # halting the loading is the strike's effect
    assert strikes[0].target_text in (None, "terminal lease")  # the trigger's own words ("strike", "job") are no party


@pytest.mark.parametrize(("text", "trigger"), [
    ("An airstrike struck the village on Tuesday, witnesses said.", "struck"),
    ("Missiles struck the fuel depot outside Odesa overnight.", "struck"),
    ("Rebels struck at dawn, the army said.", "struck"),
])
def test_strike_with_an_object_or_a_weapon_or_fighters_stays_an_assault(nlp, text, trigger):
    assert _one(_events(nlp, text), trigger).type == "ASSAULT"


@pytest.mark.parametrize(("text", "trigger", "target"), [
    ("Zimbabwe's police on Thursday denied arresting opposition activist Tendai Mukwena, whose family says he was "
     "taken from his home in Harare by officers.", "arresting", "Mukwena"),
    ("The army denied shelling the village of Hpa Lai on Monday.", "shelling", "village"),
    ("The interior ministry rejected claims that it had detained the journalist Ana Reyes.", "detained", "journalist"),
    ("The group denies carrying out the attack on the convoy.", "carrying", None),
])
def test_a_denied_act_is_the_act_negated_not_a_rejection(nlp, text, trigger, target):
    events = _events(nlp, text)
    assert not [e for e in events if e.type == "REJECT"], [(e.type, e.trigger, e.target_text) for e in events]
    ev = _one(events, trigger)
    assert ev.modality == "negated" and ev.type in ("COERCE", "ASSAULT")
    if target:
        assert target in (ev.target_text or ""), (ev.target_text, ev.actor_text)


def test_a_plain_adjective_after_a_verb_is_not_read_as_a_gerund(nlp):
    events = _events(nlp, "Police denied the arresting officer's account of the raid.")
    assert not [e for e in events if e.trigger and "arresting" in e.trigger.split()]


def test_searching_for_missing_people_is_no_seizure_but_searching_a_house_is(nlp):
    rescue = _events(nlp, "Divers from the marine unit resumed searching for at least 14 people still missing.")
    assert not [e for e in rescue if e.type == "COERCE"], [(e.type, e.trigger) for e in rescue]
    raid = _one(_events(nlp, "Police searched the house of the opposition leader in Harare."), "searched")
    assert (raid.type, raid.mode) == ("COERCE", "seize")


def test_a_time_is_no_companion_of_the_event_verb(nlp):
    """"fired tear gas at protesters ... on Wednesday" is crowd control, not "fire on" (shooting): the preposition
    of a time never completes a phrasal trigger."""
    doc = nlp("Police fired tear gas at protesters in the Ikeja district of Lagos on Wednesday.")
    modes = [(e.type, e.mode) for e in doc._.nt_events]
    assert ("ASSAULT", "crowd-control") in modes and ("ASSAULT", "firearms") not in modes, modes


def test_an_apposition_is_its_name(nlp):
    """"Tendai Mukwena, an opposition activist who was arrested by police": the activist arrested is Mukwena."""
    doc = nlp("Rights groups on Thursday called for the immediate release of Tendai Mukwena, an opposition "
              "activist who was arrested by police in Harare before dawn.")
    names = {e.id: e.name for e in doc._.nt_entities}
    arrests = [e for e in doc._.nt_events if e.type == "COERCE" and e.mode == "arrest"]
    assert arrests and names.get(arrests[0].target) == "Tendai Mukwena", [(e.target_text, e.target) for e in arrests]


def test_shells_fired_on_a_day_are_heavy_weapons(nlp):
    doc = nlp("The army fired two artillery shells at the village on Thursday.")
    assert [(e.type, e.mode) for e in doc._.nt_events] == [("ASSAULT", "heavy-weapons")], \
        [(e.type, e.mode, e.trigger) for e in doc._.nt_events]


def test_blacklisting_is_a_sanction(nlp):
    doc = nlp("Washington blacklisted Nile Crest Minerals along with its chairman on Thursday.")
    assert [(e.type, e.target_text) for e in doc._.nt_events] == [("SANCTION", "Nile Crest Minerals")], \
        [(e.type, e.target_text) for e in doc._.nt_events]
