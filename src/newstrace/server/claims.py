""""Who says what": an article's claims and quotes grouped by the voice they rest on.

A claim (an event) rests on its ``source``: a named person or organisation, an anonymous source, another outlet,
a document, or nobody but the article itself (``author``) — then the outlet is the one making the claim, which
is what a reader most needs to see. Quotes are grouped under their speaker. Flags (exclusive, hedge, loaded...)
that overlap a claim's sentence are shown with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newstrace.model import Analysis, Article, Event, Flag

# the order voices are listed in: the outlet's own claims first, then unnamed sources, then named ones
KIND_ORDER = {"author": 0, "anonymous": 1, "outlet": 2, "document": 3, "organization": 4, "person": 5}


@dataclass
class Voice:
    """One source and everything the article puts in its mouth."""

    key: str
    label: str
    kind: str
    entity_key: str | None = None
    claims: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)


def _overlapping(flags: list[Flag], start: int, end: int) -> list[str]:
    return sorted({f.kind for f in flags if f.start < end and f.end > start})


def _voice_of(ev: Event, art: Article, names: dict[str, str]) -> tuple[str, str, str, str | None]:
    """(key, label, kind, entity id) of the voice an event rests on."""
    src = ev.source
    kind = src.kind or "author"
    if kind == "author":
        if art.outlet:
            label = f"{art.outlet} itself (no attribution)"
        elif art.byline:
            label = f"the author, {art.byline} (no attribution)"
        else:
            label = "the publisher itself (no attribution)"
        return "author:", label, kind, None
    if src.entity and src.entity in names:
        return f"entity:{src.entity}", names[src.entity], kind, src.entity
    text = (src.text or "").strip() or kind
    return f"{kind}:{text.casefold()}", text, kind, None


def who_says_what(art: Article, an: Analysis, entity_keys: dict[str, str]) -> list[Voice]:
    """The voices of an article with their claims and quotes, the outlet's own voice first."""
    names = {e.id: e.name for e in an.entities}
    voices: dict[str, Voice] = {}
    for ev in an.events:
        key, label, kind, ent = _voice_of(ev, art, names)
        v = voices.setdefault(key, Voice(key, label, kind, entity_keys.get(ent) if ent else None))
        flags = sorted(set(ev.flags) | set(_overlapping(an.flags, ev.evidence.start, ev.evidence.end)))
        # several events coded from one sentence are one claim in the reader's eyes: merge them
        same = next((c for c in v.claims if c["start"] == ev.evidence.start and c["text"] == ev.evidence.text), None)
        if same is not None:
            if ev.type not in same["types"]:
                same["types"].append(ev.type)
            same["flags"] = sorted(set(same["flags"]) | set(flags))
            continue
        v.claims.append({"id": ev.id, "type": ev.type, "types": [ev.type], "modality": ev.modality,
                         "text": ev.evidence.text, "start": ev.evidence.start, "cue": ev.source.cue,
                         "source_text": ev.source.text, "flags": flags,
                         "actor": names.get(ev.actor or "", ev.actor_text),
                         "target": names.get(ev.target or "", ev.target_text)})
    for q in an.quotes:
        if q.speaker and q.speaker in names:
            key, label, kind = f"entity:{q.speaker}", names[q.speaker], "person"
        else:
            label = (q.speaker_text or "").strip() or "unattributed"
            key, kind = f"speaker:{label.casefold()}", "person" if q.speaker_text else "anonymous"
        v = voices.setdefault(key, Voice(key, label, kind, entity_keys.get(q.speaker or "")))
        v.quotes.append({"id": q.id, "text": q.text, "cue": q.cue, "direct": q.direct, "start": q.start,
                         "flags": _overlapping(an.flags, q.start, q.end)})
    for v in voices.values():
        v.claims.sort(key=lambda c: c["start"] or 0)
        v.quotes.sort(key=lambda c: c["start"] or 0)
    return sorted(voices.values(), key=lambda v: (KIND_ORDER.get(v.kind, 9), -len(v.claims) - len(v.quotes),
                                                  v.label.casefold()))
