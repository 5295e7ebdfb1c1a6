"""A small corpus like real news for the Spark link step: many events, each reported by a few outlets, and one
country named in every article (entity resolution must see all its mentions together, the stories need not).

Each happening (an invented person meets an invented council in an invented town) is reported by ``reports``
articles of different outlets on nearby days; every article also says that Washington and the United States
welcomed the talks, with those two as entities; one article is republished with a correction (a copy).
"""

from __future__ import annotations

import json
import random
import zlib
from datetime import date, timedelta
from typing import Any

from newstrace.model import Analysis, Article, Entity, Event, Evidence, Place, Source, article_id
from newstrace.store.sqlite import Store

SYL = ["var", "kes", "lin", "dor", "mab", "tul", "ren", "osk", "bel", "zan", "mir", "tor", "quel", "sav", "pra", "gut"]
FILLER = ("market road school water price farm river bridge budget rain harvest clinic teacher truck port tower "
          "village court power grain cattle ferry mine forest coast salt field wheat fuel loan train").split()


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYL) for _ in range(4)).capitalize()


def _analysis(text: str, actor: str, target: str, town: str, welcome: bool = False) -> Analysis:
    def span(s: str) -> list[list[int]]:
        return [[text.index(s), text.index(s) + len(s)]]

    end = text.index(".") + 1
    ents = [Entity("e1", actor, "PERSON", mentions=span(actor)), Entity("e2", target, "ORG", mentions=span(target)),
            Entity("e3", "Washington", "GPE", country="USA", mentions=span("Washington")),
            Entity("e4", "United States", "GPE", country="USA", mentions=span("United States"))]
    ev = Event(id="v1", type="CONSULT", mode=None, cameo=None, actor="e1", target="e2", place="p1", date=None,
               modality="asserted", evidence=Evidence(0, end, text[:end]), source=Source(kind="author"),
               actor_text=actor, target_text=target)
    place = Place(id="p1", name=town, country="VLR", geonameid=zlib.crc32(town.encode()) % 10**7)
    events = [ev]
    if welcome:
        start = text.index("Washington welcomed")
        stop = text.index(".", start) + 1
        events.append(Event(id="v2", type="SUPPORT", mode=None, cameo=None, actor="e3", target=None, place=None,
                            date=None, modality="asserted", evidence=Evidence(start, stop, text[start:stop]),
                            source=Source(kind="author"), actor_text="Washington", target_text=None))
    return Analysis(entities=ents, places=[place], events=events)


def build(store: Store, happenings: int = 8, reports: int = 3, seed: int = 7, welcome: bool = False) -> list[str]:
    """Store the corpus; returns the article ids in ``seq`` order. ``welcome``: Washington's welcome is coded too
    (a SUPPORT by Washington in every article, so its story key is in every report of the week)."""
    rng = random.Random(seed)
    docs: list[tuple[str, str, str, str, str, int]] = []
    for h in range(happenings):
        actor, target, town = f"{_name(rng)} {_name(rng)}", f"{_name(rng)} Council", _name(rng)
        day = 40 * h + rng.randint(0, 5)
        for r in range(reports):
            filler = " ".join(rng.choice(FILLER) for _ in range(70))
            text = (f"{actor} met the {target} in {town} on Monday, officials said.\n\n"
                    f"Washington welcomed the talks, a United States official said.\n\n{filler}.")
            docs.append((text, f"outlet{r}.example", actor, target, town, day + r))
    text, outlet, *rest = docs[0]
    docs.append((text + "\n\nCorrection: an earlier version misstated a date.", outlet, *rest[:-1], rest[-1] + 1))
    ids = []
    with store.transaction():
        for k, (text, outlet, actor, target, town, day) in enumerate(docs):
            art = Article(id=article_id(text), url=f"https://www.{outlet}/a/{k}", outlet=None, title=None, byline=None,
                          published=(date(2031, 1, 1) + timedelta(days=day)).isoformat(), tags=[], language="en",
                          text=text)
            store.add_article(art, _analysis(text, actor, target, town, welcome))
            ids.append(art.id)
    return ids


def records(store: Store) -> list[dict[str, Any]]:
    """The stored articles as a Spark run's records (``seq``, ``article_id``, ``row``)."""
    out = []
    for r in store.conn.execute("SELECT * FROM articles ORDER BY seq"):
        row = {k: r[k] for k in r.keys() if k not in ("seq", "ingested_at")}
        out.append({"seq": r["seq"], "article_id": r["id"], "row": json.dumps(row, ensure_ascii=False)})
    return out
