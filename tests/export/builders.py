"""Stores built by hand for export tests: small articles with simple analyses (no spaCy), fictional names."""

from __future__ import annotations

import json
from pathlib import Path

from newstrace.model import Analysis, Article, Entity, Event, Evidence, Place, Quote, Source, article_id
from newstrace.store.sqlite import Store

OUTLETS = ("fjordpost.example", "lagunatimes.example", "steppeherald.example")
PEOPLE = (("Ødegård Lindqvist", "NOR", "GOV"), ("Zoë Ångström-Müller", "SWE", "MIL"), ("Żaneta Kowalczyk", "POL", None),
          ("Nguyễn Thị Hằng", "VNM", "GOV"), ("Ахмед Бекмуратов", "KAZ", "SPY"))


def generated_article(i: int) -> tuple[Article, Analysis]:
    """Article ``i`` of a generated corpus: one visit of one fictional official to another, in two sentences."""
    actor, a_country, a_sector = PEOPLE[i % len(PEOPLE)]
    target, t_country, t_sector = PEOPLE[(i + 1) % len(PEOPLE)]
    title = f"{actor} meets {target} (report {i})"
    body = f"{actor} met {target} in Tromsø on day {i}, officials said. The talks covered the Ørsund ferry."
    text = f"{title}\n\n{body}"
    b = len(title) + 2
    a_start = b
    t_start = text.index(target, b)
    sent_end = text.index(".", b) + 1
    trig = text.index(" met ", b) + 1
    published = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
    art = Article(id=article_id(text), url=f"https://{OUTLETS[i % 3]}/news/{i}", outlet=OUTLETS[i % 3],
                  title=title, byline="Staff", published=published, tags=["diplomacy"], language="en", text=text,
                  paragraphs=[[0, len(title)], [b, len(text)]], meta={"body_start": b})
    an = Analysis(
        entities=[Entity(id="e1", name=actor, type="PERSON", country=a_country, sector=a_sector,
                         mentions=[[a_start, a_start + len(actor)]]),
                  Entity(id="e2", name=target, type="PERSON", country=t_country, sector=t_sector,
                         mentions=[[t_start, t_start + len(target)]])],
        places=[Place(id="p1", name="Tromsø", country="NOR", admin1="NO.18", lat=69.6496, lon=18.957,
                      geonameid=3133880, mentions=[[text.index("Tromsø"), text.index("Tromsø") + 6]],
                      feature="city")],
        events=[Event(id="v1", type="CONSULT", mode="meet", cameo="040", actor="e1", target="e2", place="p1",
                      date=published, modality="asserted",
                      evidence=Evidence(b, sent_end, text[b:sent_end], [trig, trig + 3]),
                      source=Source(kind="anonymous", text="officials", cue="said"), actor_text=actor,
                      target_text=target, trigger="met")],
        quotes=[Quote(id="q1", speaker=None, speaker_text="officials", cue="said", text=text[b:sent_end],
                      start=b, end=sent_end, direct=False, kind="anonymous")],
        sourcing={"events": 1, "by_named": 0, "by_anonymous": 1, "by_outlet": 0, "by_author_only": 0},
    )
    return art, an


def build_store(path: Path, n: int, *, stories: bool = False) -> Path:
    """A store of ``n`` generated articles; with ``stories`` every three consecutive articles form one story whose
    first report is the original and the others copies of it (one independent outlet: single-source)."""
    with Store(path) as store:
        with store.transaction():
            ids = []
            for i in range(n):
                art, an = generated_article(i)
                store.add_article(art, an)
                ids.append((art.id, art.outlet, art.published))
            if stories:
                for g in range(0, n - n % 3, 3):
                    sid = f"s{g:07d}"
                    group = ids[g:g + 3]
                    store.conn.execute(
                        "INSERT INTO stories(id, type, family, actors, place, country, first_seen, last_seen,"
                        " reports, independent_outlets, verdict) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (sid, "CONSULT", "CONSULT", json.dumps([{"key": "k", "name": PEOPLE[g % 5][0]}]), "Tromsø",
                         "NOR", group[0][2], group[-1][2], 3, 1, "single-source"))
                    for j, (aid, outlet, pub) in enumerate(group):
                        store.conn.execute("INSERT INTO story_members(story_id, article_id, event_id, modality,"
                                           " voice_id, score) VALUES (?,?,?,?,?,?)",
                                           (sid, aid, "v1", "asserted", group[0][0], 1.0))
                        store.conn.execute("INSERT INTO story_reports(story_id, article_id, seq, outlet, outlet_group,"
                                           " published, copied_from, stance) VALUES (?,?,?,?,?,?,?,?)",
                                           (sid, aid, g + j + 1, outlet, outlet, pub, group[0][0] if j else None,
                                            "asserts"))
    return path
