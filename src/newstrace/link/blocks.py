"""Story links block by block: the links among the mentions that share one blocking key, without a store.

``stories.link_stories`` finds a new mention's candidates in the store (the mentions sharing a blocking key) and
keeps the pairs whose ``grouping.link_score`` reaches the story threshold. A link depends on its two mentions alone,
so the links of a corpus can also be found key by key, each key's block of mentions on its own (the Spark link step
does this, one task per block): ``block_links`` scores each pair of the block whose first shared key (in sorted
order) is this block's key, so a pair sharing several keys is scored once in all the blocks. Pairs dated further
apart than the story window score 0 (``stories.incompatible``) and are not scored at all.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import timedelta

from newstrace.link.grouping import Link, link_score, ref_key
from newstrace.link.stories import Mention, StoryConfig, blocking_keys, load_config


def _window_pairs(mentions: Sequence[Mention], days: int) -> Iterator[tuple[Mention, Mention]]:
    """Each pair of these mentions whose dates are at most ``days`` apart or that lack a date, once, smaller
    mention id first."""
    dated = sorted((m for m in mentions if m.date), key=lambda m: (m.date, ref_key(m)))
    undated = sorted((m for m in mentions if not m.date), key=ref_key)
    dates = [m.date for m in dated]
    for i, m in enumerate(dated):
        for x in dated[i + 1 : bisect_right(dates, m.date + timedelta(days=days))]:
            yield (m, x) if ref_key(m) < ref_key(x) else (x, m)
        for x in undated:
            yield (m, x) if ref_key(m) < ref_key(x) else (x, m)
    for i, m in enumerate(undated):
        for x in undated[i + 1 :]:
            yield m, x


def block_links(key: str, mentions: Sequence[Mention], cfg: StoryConfig | None = None) -> list[Link]:
    """The story links among the mentions of one blocking key's block (each holds ``key``) that this block owns:
    pairs whose smallest shared key is ``key``, with ``link_score`` at the story threshold or above."""
    cfg = cfg or load_config()
    keys = {ref_key(m): blocking_keys(m) for m in mentions}
    out = []
    for m, x in _window_pairs(mentions, cfg.window_days):
        if min(keys[ref_key(m)] & keys[ref_key(x)]) != key:
            continue
        score = link_score(m, x, cfg)
        if score >= cfg.threshold:
            out.append(Link(ref_key(m), ref_key(x), round(score, 6)))
    return out
