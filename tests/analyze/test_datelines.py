"""Datelines are where and when a story was filed: a place (recorded as one), never an actor, target or speaker.

The texts are written for these tests in the styles wire services and regional papers use; the events in them
are fictional.
"""

from __future__ import annotations

import pytest

from newstrace.analyze.datelines import find_dateline
from newstrace.analyze.pipeline import analyze_article
from newstrace.model import Analysis, Article, article_id

# (text, the dateline as written, its town as written)
MESSY = [
    ("Border post attacked in the north\n\nBy Staff Reporter\n\n"
     "KABUL - Taliban fighters attacked a police checkpoint in Kunduz province on Tuesday, killing four officers, "
     "the interior ministry said.\n\nThe ministry said the attackers fled towards the river.",
     "KABUL - ", "KABUL"),
    ("KABUL — The Afghan government accused Pakistan on Sunday of shelling villages along the border, and "
     "Pakistan denied it.",
     "KABUL — ", "KABUL"),
    ("Water talks to resume\n\nNew Delhi: India and Pakistan agreed on Friday to resume talks on sharing the "
     "waters of the Indus, officials said.\n\nThe two sides will meet next month.",
     "New Delhi: ", "New Delhi"),
    ("ISLAMABAD, Sept 4 (Reuters) - Pakistan's army chief met the Chinese ambassador on Saturday to discuss "
     "security for engineers working on the corridor, the military said in a statement.",
     "ISLAMABAD, Sept 4 (Reuters) - ", "ISLAMABAD"),
    ("Kabul, Sept 5: The Taliban rejected calls by the United Nations to reopen secondary schools for girls.\n\n"
     "A spokesman said the decision was final.",
     "Kabul, Sept 5: ", "Kabul"),
    ("PESHAWAR: Police arrested 12 protesters who blocked the main highway on Monday, a police official said.",
     "PESHAWAR: ", "PESHAWAR"),
    ("KANDAHAR, Afghanistan (AP) — Gunmen killed two aid workers on Wednesday. The two sides blamed each other, "
     "and Afghan officials condemned the attack.",
     "KANDAHAR, Afghanistan (AP) — ", "KANDAHAR"),
]


def _article(text: str) -> Article:
    return Article(id=article_id(text), url=None, outlet=None, title=None, byline=None, published="2026-09-07",
                   tags=[], language="en", text=text)


@pytest.mark.parametrize(("text", "dateline", "town"), MESSY, ids=[m[1].strip(" -—:") for m in MESSY])
def test_dateline_is_found(text: str, dateline: str, town: str) -> None:
    found = find_dateline(text)
    assert found is not None
    assert text[found.start:found.end] == dateline
    assert text[found.place_start:found.place_end] == town


@pytest.mark.parametrize("text", [
    "JEWELL: Two neighbours cleared the lagoon path on Saturday.",  # a columnist's name, though a small town's too
    "Update: The ferry service resumed on Monday.",
    "Officials said - again - that the road was closed.",
    "The minister said: we will not resign.",
])
def test_labels_and_sentences_are_no_datelines(text: str) -> None:
    assert find_dateline(text) is None


def _check(text: str, dateline: str, an: Analysis) -> None:
    d_start = text.index(dateline)
    d_end = d_start + len(dateline)

    def inside(s: int, e: int) -> bool:
        return s < d_end and e > d_start

    by_id = {e.id: e for e in an.entities}
    for e in an.entities:
        assert not any(ch in e.name for ch in "—:") and " - " not in e.name, e.name  # "KABUL - Taliban" was one
    for ev in an.events:
        for role, eid, written in (("actor", ev.actor, ev.actor_text), ("target", ev.target, ev.target_text)):
            if eid is not None:
                ent = by_id[eid]
                assert not all(inside(s, t) for s, t in ent.mentions), (role, ent.name, ev)
            if written:
                assert written not in dateline.strip(" -—:") and not written.startswith(dateline.split(",")[0]), \
                    (role, written)
    for q in an.quotes:
        if q.speaker_span:
            assert not inside(*q.speaker_span), (q.speaker_text, q.text)
        assert not (q.speaker_text or "").startswith(dateline.split(",")[0].split(":")[0].strip(" -—")), q


@pytest.mark.parametrize(("text", "dateline", "town"), MESSY, ids=[m[1].strip(" -—:") for m in MESSY])
def test_dateline_town_is_a_place_and_never_a_party(nlp, text: str, dateline: str, town: str) -> None:
    an = analyze_article(_article(text), nlp)
    _check(text, dateline, an)
    start = text.index(dateline)
    place = [p for p in an.places if [start, start + len(town)] in p.mentions]
    assert place, [(p.name, p.mentions) for p in an.places]
    assert an.events, "each text reports an event"


def test_the_first_sentence_keeps_its_real_actor(nlp) -> None:
    """With the dateline out of the way the parser finds the story's own subject."""
    text, dateline, _ = MESSY[4]
    an = analyze_article(_article(text), nlp)
    reject = next(ev for ev in an.events if ev.type == "REJECT")
    assert reject.actor_text == "The Taliban"
    text, dateline, _ = MESSY[2]
    an = analyze_article(_article(text), nlp)
    agree = next(ev for ev in an.events if ev.type == "AGREE")
    assert {e.name for e in an.entities if e.id in (agree.actor, agree.target)} == {"India", "Pakistan"}
    assert all(q.speaker_text != "New Delhi" for q in an.quotes)
