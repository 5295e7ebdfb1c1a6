"""Exports: the store as files other tools read — JSONL records, Parquet/CSV tables, GDELT 2.0 event tables, a
STIX 2.1 bundle, and GraphML/GEXF actor networks.

Each format is one module with one ``write(selection, target, **options) -> ExportStats`` function; the registry
below names them and says whether the target is one file (``-`` or None for stdout) or a directory of files
(one per table). Every exporter reads the store through ``newstrace.export.select`` in
batches and writes as it goes, so memory stays flat however many articles the store holds (the graph formats
hold the aggregated network — actors and actor pairs — never the articles).

    from newstrace.export import export, ExportFilter
    with Store("newstrace.db", readonly=True) as store:
        stats = export(store, "parquet", "out/", ExportFilter.make(since="2026-09-01"))
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from newstrace.export.select import ExportFilter, FilterError, Selection

__all__ = ["FORMATS", "ExportFilter", "ExportFormat", "ExportStats", "FilterError", "export", "get_format"]


@dataclass
class ExportStats:
    """What one export wrote: articles read, rows per table or objects per kind, and the files written."""

    format: str
    articles: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def summary(self) -> str:
        parts = ", ".join(f"{n} {k}" for k, n in self.counts.items())
        return f"{self.articles} articles -> {parts or 'nothing'}"


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its name, the module that writes it, and what kind of target it writes to."""

    name: str
    module: str
    target: str  # "file" (one file, or stdout) | "dir" (a directory of files, one per table)
    description: str

    def writer(self) -> Any:
        """The format's ``write`` function (imported on first use so ``--help`` stays fast)."""
        return importlib.import_module(self.module).write


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("jsonl", "newstrace.export.jsonl", "file", "the JSON record of DESIGN.md, one article per line"),
        ExportFormat("parquet", "newstrace.export.tables", "dir",
                     "one Parquet file per table (articles, entities, mentions, places, events, happenings, quotes, flags, "
                     "stories, story_reports, canonical_entities, reuse_links)"),
        ExportFormat("csv", "newstrace.export.tables", "dir", "one CSV file per table (same tables as parquet)"),
        ExportFormat("gdelt", "newstrace.export.gdelt", "dir",
                     "GDELT 2.0 Events (61 columns) and Mentions tables, tab-separated"),
        ExportFormat("stix", "newstrace.export.stix", "file", "a STIX 2.1 bundle (actors, places, reports, events, "
                     "verdicts and source kinds)"),
        ExportFormat("graphml", "newstrace.export.graph", "file", "the actor network as GraphML"),
        ExportFormat("gexf", "newstrace.export.graph", "file", "the actor network as GEXF (Gephi)"),
    )
}


def get_format(name: str) -> ExportFormat:
    """The registered format of this name, or a ``KeyError`` that lists the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown export format {name!r}; known: {', '.join(FORMATS)}") from None


def export(store: Any, fmt: str, target: str | Path | IO[Any] | None = None, flt: ExportFilter | None = None,
           **options: Any) -> ExportStats:
    """Export the selected part of ``store`` in format ``fmt`` to ``target`` (a path, a directory or a stream)."""
    spec = get_format(fmt)
    if spec.target == "dir" and (target is None or not isinstance(target, (str, Path)) or str(target) == "-"):
        raise ValueError(f"{fmt} writes several files: give a directory to write them into")
    selection = Selection(store, flt)
    return spec.writer()(selection, target, fmt=fmt, **options)
