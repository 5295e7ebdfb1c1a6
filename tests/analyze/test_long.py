"""Long documents: analysed in paragraph pieces whose records point into the whole text (issue 17).

spaCy refuses a text over ``nlp.max_length`` (1,000,000 characters) with its error E088, while newstrace
accepts documents of up to 20 MiB. The texts here are written for these tests: paragraphs of a fictional
harbour-town news wire, varied by town, person, number and day so no two neighbours are the same.
"""

from __future__ import annotations

import random

import pytest

from newstrace.analyze.pieces import merge, split_points
from newstrace.analyze.pipeline import analyze_article, analyze_many
from newstrace.model import Analysis, Article, article_id

TOWNS = ["Velmora", "Port Caskel", "Drennick", "Ossaly", "Marrowgate", "Tessin Bay"]
PEOPLE = [("Elena Marchetti", "the harbour commissioner"), ("Tomas Vreeland", "the dockworkers' union leader"),
          ("Amira Solberg", "the regional governor"), ("Jonas Albrecht", "the coast guard commander")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
TEMPLATES = [
    'Officials in {town} said on {day} that {n} ferries had been held at the pier. "We will not reopen the '
    'channel until the inspectors are satisfied," said {name}, {role}.',
    "{name}, {role}, met union delegates in {town} on {day} and agreed to review the night shift rota. "
    "Police arrested {n} protesters outside the port authority building, according to a spokesman.",
    "The council of {town} rejected a plan to sell the old customs house, {name} told reporters on {day}. "
    "Residents had collected {n} signatures against the sale, the local paper reported.",
    "Fishermen from {town} protested on {day} against new quotas. {name} accused the ministry of ignoring "
    'the fleet. "Nobody asked us," she said, adding that {n} boats stayed in port.',
]


def wire_text(chars: int, seed: int = 17) -> str:
    """Paragraphs of varied harbour news joined by blank lines, until the text is ``chars`` characters long."""
    rnd = random.Random(seed)
    paras: list[str] = []
    size = 0
    while size < chars:
        name, role = rnd.choice(PEOPLE)
        para = rnd.choice(TEMPLATES).format(town=rnd.choice(TOWNS), day=rnd.choice(DAYS), n=rnd.randint(2, 400),
                                            name=name, role=role)
        paras.append(para)
        size += len(para) + 2
    return "\n\n".join(paras)


def _article(text: str) -> Article:
    return Article(id=article_id(text), url=None, outlet=None, title=None, byline=None, published="2026-09-07",
                   tags=[], language="en", text=text)


def assert_offsets_point_at_their_text(text: str, an: Analysis) -> None:
    """Every offset of the analysis lies in the text and covers what the record says it covers."""
    for e in an.entities:
        assert e.mentions
        for s, t in e.mentions:
            assert 0 <= s < t <= len(text)
            written = text[s:t]
            assert written.strip() and (written in e.name or e.name.split()[-1] in written
                                        or any(written in a or a in written for a in e.aliases)), (written, e)
    for p in an.places:
        for s, t in p.mentions:
            assert text[s:t] == p.name or p.name in text[s:t] or text[s:t] in p.name, (text[s:t], p.name)
    for d in an.dates:
        assert text[d.start:d.end] == d.text
    for f in an.flags:
        assert text[f.start:f.end] == f.text
    for ev in an.events:
        assert text[ev.evidence.start:ev.evidence.end] == ev.evidence.text
        if ev.evidence.trigger:
            s, t = ev.evidence.trigger
            assert ev.evidence.start <= s < t <= ev.evidence.end
    ent_ids = {e.id for e in an.entities}
    quote_ids = {q.id for q in an.quotes}
    for ev in an.events:
        for ref in (ev.actor, ev.target, ev.source.entity):
            assert ref is None or ref in ent_ids
        assert ev.source.quote is None or ev.source.quote in quote_ids
    for q in an.quotes:
        assert q.text in text[q.start:q.end] or text[q.start:q.end] in q.text
        if q.speaker_span and q.speaker_text:
            assert text[q.speaker_span[0]:q.speaker_span[1]] == q.speaker_text
        assert q.speaker is None or q.speaker in ent_ids


def test_split_points_cut_at_paragraph_breaks() -> None:
    text = wire_text(30_000)
    spans = split_points(text, 4_000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))  # consecutive, nothing lost
    assert all(t - s <= 4_000 for s, t in spans)
    assert all(text[t - 2:t] == "\n\n" for _, t in spans[:-1])  # every cut right after a blank line
    # no break at all: a hard cut at the limit; one line: cut at a sentence end
    assert split_points("x" * 10, 4) == [(0, 4), (4, 8), (8, 10)]
    line = "One two three. Four five six. Seven eight nine."
    assert [line[s:t] for s, t in split_points(line, 20)] == ["One two three. ", "Four five six. ", "Seven eight nine."]


def test_merge_renumbers_and_shifts(nlp) -> None:
    text = wire_text(6_000, seed=3)
    cut = split_points(text, 3_000)[0][1]
    first, second = _article(text[:cut]), _article(text[cut:])
    merged = merge([(0, analyze_article(first, nlp)), (cut, analyze_article(second, nlp))])
    assert_offsets_point_at_their_text(text, merged)
    names = [(e.name, e.type) for e in merged.entities]
    assert len(names) == len(set(names))  # a person named in both pieces is one entity
    assert [e.id for e in merged.entities] == [f"e{i}" for i in range(1, len(merged.entities) + 1)]
    assert [q.id for q in merged.quotes] == [f"q{i}" for i in range(1, len(merged.quotes) + 1)]


def test_text_over_max_length_is_analysed_in_pieces(nlp) -> None:
    """With the pipeline's limit lowered, a text over it is analysed (spaCy alone raises E088) and its records
    are those of the whole text analysed at once, offsets and all."""
    text = wire_text(24_000, seed=5)
    whole = analyze_article(_article(text), nlp)
    saved = nlp.max_length
    nlp.max_length = 5_000
    try:
        with pytest.raises(ValueError, match="E088"):
            nlp(text)
        pieced = analyze_article(_article(text), nlp)
        ((_, streamed),) = list(analyze_many([_article(text)], nlp))
    finally:
        nlp.max_length = saved
    assert not isinstance(streamed, Exception)
    assert_offsets_point_at_their_text(text, pieced)
    # paragraphs are parsed on their own anyway, so the pieces find what the whole text gives
    assert [(q.start, q.end, q.speaker_text) for q in pieced.quotes] == \
        [(q.start, q.end, q.speaker_text) for q in whole.quotes]
    assert [(e.type, e.evidence.start, e.evidence.end) for e in pieced.events] == \
        [(e.type, e.evidence.start, e.evidence.end) for e in whole.events]
    assert [(f.kind, f.start) for f in pieced.flags] == [(f.kind, f.start) for f in whole.flags]
    assert {e.name for e in pieced.entities} == {e.name for e in whole.entities}
    assert [(q.start, q.end) for q in streamed.quotes] == [(q.start, q.end) for q in pieced.quotes]
    assert streamed.sourcing["events"] == len(streamed.events)


@pytest.mark.slow
def test_a_1_2_million_character_document_is_ingested(nlp, tmp_path) -> None:
    """A realistic over-long document (1.2M characters, past spaCy's default limit of 1M) comes through ingest:
    collected, extracted, analysed in pieces and stored, with every offset pointing at the stored text."""
    from newstrace.ingest import ingest
    from newstrace.store.sqlite import Store

    text = wire_text(1_200_000, seed=11)
    assert len(text) > nlp.max_length
    path = tmp_path / "wire-digest.txt"
    path.write_text(text, encoding="utf-8")
    with Store(tmp_path / "long.db") as store:
        stats = ingest([str(path)], store)
        assert stats.stored == 1 and stats.failed == 0, stats
        ((_, art, an),) = list(store.iter_articles())
    assert len(art.text) > 1_000_000
    assert_offsets_point_at_their_text(art.text, an)
    marchetti = next(e for e in an.entities if e.name == "Elena Marchetti")
    assert len(marchetti.mentions) > 300 and max(s for s, _ in marchetti.mentions) > 1_000_000
    assert max(q.end for q in an.quotes) > 1_000_000
    assert max(e.evidence.end for e in an.events) > 1_000_000
    assert {"Velmora", "Drennick"} <= {p.name for p in an.places} or len(an.places) >= 2
