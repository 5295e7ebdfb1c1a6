"""JSONL export: the public JSON record of DESIGN.md (article, entities, places, events, happenings, quotes, flags, sourcing),
one selected article per line, written as the store is read."""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from typing import Any

from newstrace.export import ExportStats
from newstrace.export.files import describe, open_text
from newstrace.export.select import Selection
from newstrace.model import (Analysis, DateMention, Entity, Event, Evidence, Flag, Place, Quote, Source, record,
                             to_dict)


NESTED = {"entities": Entity, "places": Place, "dates": DateMention, "events": Event, "happenings": Event,
          "quotes": Quote, "flags": Flag}
EVENT_PARTS = {"evidence": Evidence, "source": Source}


@lru_cache(maxsize=None)
def defaults(cls: type) -> dict[str, Any]:
    """The JSON defaults of a record type's optional fields (fields added to the model after a store was written)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = to_dict(f.default)
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            out[f.name] = to_dict(f.default_factory())  # type: ignore[misc]
    return out


def complete(raw: dict[str, Any]) -> dict[str, Any]:
    """The stored analysis JSON with every field of today's model: the same dict ``record()`` gives, built by
    merging defaults instead of rebuilding dataclasses (several times faster on large stores)."""
    out = {**defaults(Analysis), **raw}
    for key, cls in NESTED.items():
        base = defaults(cls)
        items = [{**base, **x} for x in out.get(key) or []]
        if cls is Event:
            for ev in items:
                for part, pcls in EVENT_PARTS.items():
                    if isinstance(ev.get(part), dict):
                        ev[part] = {**defaults(pcls), **ev[part]}
        out[key] = items
    return out


def write(selection: Selection, target: Any, *, fmt: str = "jsonl", **_: Any) -> ExportStats:
    """Write one JSON record per selected article; yields nothing, returns what it wrote.

    The record is the whole article as stored, so it reads back with ``json.loads`` and ``model.from_dict``; event
    filters (``--type``, ``--verdict``, ``--entity``) choose the articles but do not cut their records.
    """
    stats = ExportStats(fmt)
    with open_text(target) as fh:
        for item in selection.items():
            if item.raw_analysis is not None:
                rec = {"article": to_dict(item.article), **complete(item.raw_analysis)}
            else:
                rec = record(item.article, item.analysis)
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            stats.articles += 1
            stats.add("records")
    stats.files.append(describe(target))
    return stats
