"""Story links block by block: the links among the mentions that share one blocking key, without a store.

``stories.link_stories`` finds a new mention's candidates in the store (the mentions sharing a key that is hot in
neither's block of days, ``stories.usable_keys``) and keeps the pairs whose ``grouping.link_score`` reaches the story
threshold. A link depends on its two mentions alone, so the links of a corpus can also be found key by key, each
key's block of mentions on its own (the Spark link step does this): ``block_links`` scores each pair of the block
whose smallest usable shared key (in sorted order) is this block's key, so a pair sharing several keys is scored
once in all the blocks. Pairs dated further apart than the story window score 0 (``stories.incompatible``) and are
not scored at all.

A key's block can be cut further by days (``bucket``), so that no task holds a long-running key's whole month: the
task of block ``b`` holds the key's mentions of block ``b``, of block ``b + 1`` and the undated ones, and scores the
pairs with a mention in ``b``; the task ``UNDATED`` scores the pairs of two undated mentions. Two mentions inside the
window are in one block or in neighbouring ones (``stories.key_bucket``), so each pair is scored in one task.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta

from newstrace.link.grouping import Link, link_score, ref_key
from newstrace.link.stories import Mention, Ref, StoryConfig, blocking_keys, key_bucket, load_config, usable_keys

UNDATED = -1  # the task of the pairs of two undated mentions
WHOLE = -2  # no cut by days: every pair of the block


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


def _in_task(m: Mention, x: Mention, bucket: int, cfg: StoryConfig) -> bool:
    """Whether the pair is scored in the task of ``bucket`` (see the module's docstring)."""
    if bucket == WHOLE:
        return True
    bm, bx = key_bucket(m.date, cfg), key_bucket(x.date, cfg)
    if bucket == UNDATED:
        return bm is None and bx is None
    return bm == bucket or bx == bucket


def block_links(key: str, mentions: Sequence[Mention], cfg: StoryConfig | None = None, *,
                hot: Mapping[Ref, frozenset[str]] | None = None, bucket: int = WHOLE) -> list[Link]:
    """The story links among the mentions of one blocking key's block (each holds ``key``, not hot in its block)
    that this block owns: pairs whose smallest usable shared key is ``key`` (``hot``: each mention's keys that are
    hot in its block; none when not given), with ``link_score`` at the story threshold or above; with ``bucket``,
    only the pairs of that task."""
    cfg = cfg or load_config()
    hot = hot or {}
    keys = {ref_key(m): blocking_keys(m) for m in mentions}
    out = []
    for m, x in _window_pairs(mentions, cfg.window_days):
        if not _in_task(m, x, bucket, cfg):
            continue
        shared = usable_keys(keys[m.ref], hot.get(m.ref, frozenset()), keys[x.ref], hot.get(x.ref, frozenset()))
        if not shared or min(shared) != key:
            continue
        score = link_score(m, x, cfg)
        if score >= cfg.threshold:
            out.append(Link(ref_key(m), ref_key(x), round(score, 6)))
    return out
