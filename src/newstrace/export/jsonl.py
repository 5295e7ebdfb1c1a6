"""JSONL export: the public JSON record of DESIGN.md (article, entities, places, events, quotes, flags, sourcing),
one selected article per line, written as the store is read."""

from __future__ import annotations

import json
from typing import Any

from newstrace.export import ExportStats
from newstrace.export.files import describe, open_text
from newstrace.export.select import Selection
from newstrace.model import record


def write(selection: Selection, target: Any, *, fmt: str = "jsonl", **_: Any) -> ExportStats:
    """Write one JSON record per selected article; yields nothing, returns what it wrote.

    The record is the whole article as stored, so it reads back with ``json.loads`` and ``model.from_dict``; event
    filters (``--type``, ``--verdict``, ``--entity``) choose the articles but do not cut their records.
    """
    stats = ExportStats(fmt)
    with open_text(target) as fh:
        for item in selection.items():
            fh.write(json.dumps(record(item.article, item.analysis), ensure_ascii=False) + "\n")
            stats.articles += 1
            stats.add("records")
    stats.files.append(describe(target))
    return stats
