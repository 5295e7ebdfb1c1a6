"""The Python API for notebooks and scripts: ``newstrace.open`` a store and query it, ``newstrace.analyze`` one text.

    import newstrace
    nt = newstrace.open("newstrace.db")
    nt.events(type="CONSULT", verdict="corroborated").to_pandas()
    nt.stories(verdict="single-source")
    doc = newstrace.analyze("<html>...</html>")       # one document, no store
    doc.events, doc.record()

Queries return ``Records`` — a list of typed records (the model dataclasses, extended with the article they come
from, and ``Story``/``StoryReport`` for the link stage's stories) with ``to_pandas()``/``to_polars()`` when those
optional libraries are installed (``pip install newstrace[pandas]`` / ``[polars]``). Reading streams the store in
batches (``newstrace.export.select``), with the same filters as ``newstrace export``.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from newstrace.export.select import ExportFilter, Selection, entity_matches, has_table
from newstrace.model import Analysis, Article, Entity, Event, Failure, RawDocument, record, to_dict
from newstrace.store.sqlite import Store

T = TypeVar("T")


class AnalysisError(ValueError):
    """A document that could not be read or analysed; ``failure`` says at which stage and why."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"{failure.stage}: {failure.reason}")
        self.failure = failure


# -- typed records ----------------------------------------------------------------------------------------------------
@dataclass
class ArticleEvent(Event):
    """An ``Event`` with the article that reports it and the story it belongs to (after linking)."""

    article_id: str = ""
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    actor_name: str | None = None
    target_name: str | None = None
    story: str | None = None
    verdict: str | None = None
    independent_outlets: int | None = None


@dataclass
class ArticleEntity(Entity):
    """An ``Entity`` (one actor as one article names it) with the article's id and outlet."""

    article_id: str = ""
    outlet: str | None = None


@dataclass
class StoryReport:
    """One article reporting a story: who published it when, and whose words it repeats (None: independent)."""

    article: str
    outlet: str | None
    published: str | None
    copied_from: str | None
    stance: str | None = None


@dataclass
class Story:
    """A real-world event as several articles report it, with the corroboration verdict (DESIGN.md's story)."""

    id: str
    type: str
    actors: list[str]
    place: str | None
    country: str | None
    first_seen: str | None
    last_seen: str | None
    headline: str | None
    independent_outlets: int
    verdict: str | None
    reports: list[StoryReport] = field(default_factory=list)


def _flat(obj: Any) -> dict[str, Any]:
    """A record as one flat row: nested dicts become ``parent_child`` columns; lists stay lists."""
    data = to_dict(obj) if not isinstance(obj, dict) else obj
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            for sub, v in _flat(value).items():
                out[f"{key}_{sub}"] = v
        else:
            out[key] = value
    return out


class Records(list, Generic[T]):
    """A list of typed records that can become a DataFrame (one flat row per record)."""

    def rows(self) -> list[dict[str, Any]]:
        """The records as flat dicts (nested ``evidence``/``source`` become ``evidence_text``, ``source_kind``...)."""
        return [_flat(r) for r in self]

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` of the records (needs the optional ``pandas`` extra)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_pandas() needs pandas: pip install 'newstrace[pandas]'") from exc
        return pd.DataFrame.from_records(self.rows())

    def to_polars(self) -> Any:
        """A ``polars.DataFrame`` of the records (needs the optional ``polars`` extra)."""
        try:
            import polars as pl
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_polars() needs polars: pip install 'newstrace[polars]'") from exc
        return pl.from_dicts(self.rows(), infer_schema_length=None) if self else pl.DataFrame()


# -- the store ----------------------------------------------------------------------------------------------------
class Newstrace:
    """A newstrace store opened for reading. Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.store = Store(self.path, readonly=True)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Newstrace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<newstrace store {self.path}: {self.store.counts()['articles']} articles>"

    def _items(self, **filters: Any) -> Iterator[Any]:
        return Selection(self.store, ExportFilter.make(**filters)).items()

    def articles(self, *, since: str | None = None, entity: str | None = None, outlet: str | None = None,
                 limit: int | None = None) -> Records[Article]:
        """Stored articles in ingest order, optionally published since a date, naming an actor, from an outlet."""
        items = (it for it in self._items(since=since, entity=entity)
                 if outlet is None or (it.article.outlet or "").casefold() == outlet.casefold())
        return Records(it.article for it in itertools.islice(items, limit))

    def article(self, ref: str) -> Article | None:
        """One stored article by id, id prefix or URL."""
        found = self.store.article(ref)
        return found[0] if found else None

    def analysis(self, article_id: str) -> Analysis | None:
        """The stored analysis of one article (by id, id prefix or URL)."""
        found = self.store.article(article_id)
        return found[1] if found else None

    def events(self, *, type: str | Iterable[str] | None = None, entity: str | None = None,  # noqa: A002
               verdict: str | None = None, since: str | None = None, modality: str | None = None,
               limit: int | None = None) -> Records[ArticleEvent]:
        """Events with their article and story: filter by PLOVER type, actor, story verdict, date, modality."""
        def gen() -> Iterator[ArticleEvent]:
            for it in self._items(since=since, entity=entity, type=type, verdict=verdict):
                names = {e.id: e.name for e in it.analysis.entities}
                for ev in it.events:
                    if modality and ev.modality != modality:
                        continue
                    story = it.stories.get(ev.id)
                    yield ArticleEvent(
                        **{f.name: getattr(ev, f.name) for f in dataclasses.fields(Event)},
                        article_id=it.article.id, outlet=it.article.outlet, published=it.article.published,
                        url=it.article.url, actor_name=names.get(ev.actor) or ev.actor_text,
                        target_name=names.get(ev.target) or ev.target_text,
                        story=story.story_id if story else None, verdict=story.verdict if story else None,
                        independent_outlets=story.independent_outlets if story else None)
        return Records(itertools.islice(gen(), limit))

    def entities(self, *, name: str | None = None, type: str | None = None,  # noqa: A002
                 country: str | None = None, limit: int | None = None) -> Records[ArticleEntity]:
        """Actors as each article names them: filter by name, alias or canonical entity, type, ISO3 country."""
        sel = Selection(self.store, ExportFilter.make(entity=name))

        def gen() -> Iterator[ArticleEntity]:
            for it in sel.items():
                for ent in it.analysis.entities:
                    # the name as written here, or the cross-article entity it was joined to
                    if name and not (entity_matches(ent, name) or ent.canonical in sel.entity_canonicals):
                        continue
                    if type and ent.type != type:
                        continue
                    if country and (ent.country or "").upper() != country.upper():
                        continue
                    yield ArticleEntity(**{f.name: getattr(ent, f.name) for f in dataclasses.fields(Entity)},
                                        article_id=it.article.id, outlet=it.article.outlet)
        return Records(itertools.islice(gen(), limit))

    def stories(self, *, verdict: str | None = None, type: str | None = None,  # noqa: A002
                entity: str | None = None, limit: int | None = None) -> Records[Story]:
        """Stories (after the link stage), earliest first: filter by verdict, PLOVER type, an actor's name."""
        ExportFilter.make(verdict=verdict)  # checks the verdict's spelling
        conn = self.store.conn
        if not has_table(conn, "stories"):
            return Records()
        where, args = [], []
        if verdict:
            where.append("verdict = ?")
            args.append(verdict)
        if type:
            where.append("upper(type) = ?")
            args.append(type.upper())
        sql = ("SELECT * FROM stories" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY first_seen IS NULL, first_seen, id")
        sel = Selection(self.store)

        def gen() -> Iterator[Story]:
            for row in conn.execute(sql, args):
                actors = [a.get("name") or a.get("key") for a in json.loads(row["actors"] or "[]")
                          if isinstance(a, dict)]
                if entity and not any(a and a.casefold() == entity.casefold() for a in actors):
                    continue
                reports = [StoryReport(article=r["article_id"], outlet=r.get("outlet"), published=r.get("published"),
                                       copied_from=r.get("copied_from"), stance=r.get("stance"))
                           for r in sel.story_reports(row["id"])]
                yield Story(id=row["id"], type=row["type"], actors=actors, place=row["place"], country=row["country"],
                            first_seen=row["first_seen"], last_seen=row["last_seen"], headline=row["headline"],
                            independent_outlets=row["independent_outlets"], verdict=row["verdict"], reports=reports)
        return Records(itertools.islice(gen(), limit))

    def claims(self, *, single_source: bool = False, verdict: str | None = None, flag: str | None = None,
               source_kind: str | None = None, outlet: str | None = None, entity: str | None = None,
               type: str | None = None, limit: int | None = None) -> Records[dict[str, Any]]:  # noqa: A002
        """Claims as ``newstrace claims`` and ``/api/claims`` list them: one row per coded event with the verdict of
        the claim it states, the article's role for it and the source it rests on (``single_source`` selects the
        claims no independent outlet confirms: single-source or unverified). Raises ``ValueError`` for a filter value
        the listing does not take."""
        from newstrace.server.claimlist import ClaimFilter, claim_rows

        f = ClaimFilter(single_source=single_source, verdict=verdict, flag=flag, source_kind=source_kind,
                        outlet=outlet, entity=entity, type=type)
        return Records(claim_rows(self.store.conn, f, limit=limit if limit is not None else -1, offset=0))

    def export(self, fmt: str, target: str | Path | None = None, **filters: Any) -> Any:
        """Export this store like ``newstrace export`` (returns the ``ExportStats``)."""
        from newstrace.export import export

        return export(self.store, fmt, target, ExportFilter.make(**filters))


def open(path: str | Path = "newstrace.db") -> Newstrace:  # noqa: A001 - newstrace.open, like sqlite3.connect
    """Open a newstrace store for reading; raises ``StoreError`` when there is no usable database at ``path``."""
    return Newstrace(path)


# -- one document -------------------------------------------------------------------------------------------------
@dataclass
class Analysed:
    """One analysed document: the extracted ``article`` and its ``analysis``; ``record()`` is the JSON contract."""

    article: Article
    analysis: Analysis

    @property
    def entities(self) -> list[Entity]:
        return self.analysis.entities

    @property
    def events(self) -> list[Event]:
        return self.analysis.events

    @property
    def quotes(self) -> list[Any]:
        return self.analysis.quotes

    @property
    def flags(self) -> list[Any]:
        return self.analysis.flags

    def record(self) -> dict[str, Any]:
        """The JSON record of DESIGN.md, as ``newstrace analyze --json`` prints it."""
        return record(self.article, self.analysis)


def analyze(text_or_html: str | bytes, *, url: str | None = None, title: str | None = None,
            outlet: str | None = None, published: str | None = None, as_is: bool = False, nlp: Any = None) -> Analysed:
    """Extract and analyse one document given as text, HTML or bytes (no store involved).

    Metadata given here wins over what extraction finds. Raises ``AnalysisError`` (a ``ValueError``) with the stage
    and reason when the input holds no article (empty, binary, undecodable).
    """
    from newstrace.analyze.pipeline import analyze_article
    from newstrace.ingest import extract_one
    from newstrace.reasons import failure_reason

    content = text_or_html.encode("utf-8") if isinstance(text_or_html, str) else bytes(text_or_html)
    meta = {k: v for k, v in {"url": url, "title": title, "outlet": outlet, "published": published}.items() if v}
    raw = RawDocument(uri=url or "<string>", content=content, content_type="", meta=meta)
    art = extract_one(raw, as_is=as_is)
    if isinstance(art, Failure):
        raise AnalysisError(art)
    try:
        an = analyze_article(art, nlp)
    except Exception as exc:  # noqa: BLE001 - reported as the analysis failure it is
        raise AnalysisError(Failure(raw.uri, "analyze", failure_reason("analyze", exc))) from exc
    return Analysed(art, an)
