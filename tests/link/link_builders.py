"""Builders for link tests: articles with hand-made analyses, stored in a real SQLite store.

The texts are written for these tests (fictional outlets, people and events). Analyses are built by hand so that
the link logic is tested against inputs whose right answer is known, independently of the analysis components.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from newstrace.model import Analysis, Article, Entity, Event, Evidence, Place, Source, article_id
from newstrace.store.sqlite import Store


@dataclass
class Ev:
    """An event to place in an article: the sentence it is stated in and who did what to whom."""

    sentence: str
    type: str
    actor: str | None = None  # entity name
    target: str | None = None
    place: str | None = None  # place name
    date: str | None = None
    modality: str = "asserted"
    mode: str | None = None
    source_kind: str = "author"


@dataclass
class Doc:
    text: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    events: list[Ev] = field(default_factory=list)
    countries: dict[str, str] = field(default_factory=dict)  # entity or place name -> ISO3


def build(doc: Doc) -> tuple[Article, Analysis]:
    """The article and an analysis whose events point at the entities and places named in ``doc.events``."""
    art = Article(id=article_id(doc.text), url=doc.url, outlet=doc.outlet, title=doc.title, byline=None,
                  published=doc.published, tags=[], language="en", text=doc.text)
    ents: dict[str, Entity] = {}
    places: dict[str, Place] = {}
    events: list[Event] = []

    def ent(name: str | None) -> str | None:
        if not name:
            return None
        if name not in ents:
            start = doc.text.find(name)
            ents[name] = Entity(id=f"e{len(ents) + 1}", name=name, type="ORG", country=doc.countries.get(name),
                                mentions=[[start, start + len(name)]] if start >= 0 else [])
        return ents[name].id

    def place(name: str | None) -> str | None:
        if not name:
            return None
        if name not in places:
            places[name] = Place(id=f"p{len(places) + 1}", name=name, country=doc.countries.get(name),
                                 geonameid=zlib.crc32(name.encode()) % 10_000_000)
        return places[name].id

    for i, ev in enumerate(doc.events):
        start = doc.text.find(ev.sentence)
        assert start >= 0, ev.sentence
        events.append(Event(
            id=f"v{i + 1}", type=ev.type, mode=ev.mode, cameo=None, actor=ent(ev.actor), target=ent(ev.target),
            place=place(ev.place), date=ev.date, modality=ev.modality,
            evidence=Evidence(start, start + len(ev.sentence), ev.sentence), source=Source(kind=ev.source_kind),
            actor_text=ev.actor, target_text=ev.target,
        ))
    return art, Analysis(entities=list(ents.values()), places=list(places.values()), events=events)


def store_docs(store: Store, docs: list[Doc]) -> list[str]:
    """Store the documents in order (their ingest order); returns their article ids."""
    ids = []
    with store.transaction():
        for d in docs:
            art, an = build(d)
            store.add_article(art, an)
            ids.append(art.id)
    return ids


def last_seq(store: Store) -> int:
    return store.conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]


def ingest_and_link(folder: Path, files: dict[str, str]) -> Path:
    """Write the texts as files in ``folder``, ingest them through the real pipeline into a new store there and
    link it; the store's path. Every file must become an article (the tests pick texts that are not duplicates)."""
    from newstrace.ingest import ingest
    from newstrace.link import link_store

    paths = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    db = folder / "linked.db"
    with Store(db) as store:
        stats = ingest(paths, store)
        assert stats.stored == len(files), stats
        link_store(store, 0)
    return db


@contextmanager
def linked_readonly(folder: Path, files: dict[str, str]) -> Iterator[tuple[Store, Path]]:
    """``ingest_and_link`` the texts, then hold the store open read-only: (the store, its path)."""
    db = ingest_and_link(folder, files)
    store = Store(db, readonly=True)
    try:
        yield store, db
    finally:
        store.close()
