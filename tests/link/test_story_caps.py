"""The cap on a story blocking key: a key held by more mentions than ``story_key_cap`` in one block of days is hot
there and brings no pair together; pairs sharing a rarer key still meet; the in-memory grouping, the block-by-block
links and the store's incremental link agree, and an incremental link still equals a full one when a key turns hot
between two runs (the links it had made alone are taken back)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newstrace.link import link_store
from newstrace.link.blocks import UNDATED, WHOLE, block_links
from newstrace.link.grouping import candidate_pairs, links_of
from newstrace.link.stories import (Mention, blocking_keys, bucket_days, content_words, hot_blocks, hot_keys_of,
                                    key_bucket, load_config)
from newstrace.store.sqlite import Store

from .link_builders import Doc, Ev, last_seq, store_docs

# the first day of a block of days, so that the reports of the next few days count in the same block
DAY = date.fromisoformat(bucket_days(key_bucket(date(2031, 3, 4), load_config()), load_config())[0])


def _cfg(cap: int):
    return dataclasses.replace(load_config(), key_cap=cap)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)), st.integers(min_value=0, max_value=7))
def test_two_days_inside_the_window_are_in_one_block_or_neighbours(day, gap):
    cfg = load_config()
    a, b = key_bucket(day, cfg), key_bucket(day + timedelta(days=gap), cfg)
    assert b - a in (0, 1)
    first, last = bucket_days(a, cfg)
    assert first <= day.isoformat() <= last
    assert key_bucket(date.fromisoformat(first), cfg) == key_bucket(date.fromisoformat(last), cfg) == a


def _m(aid: str, actor: str, target: str | None = None, day: date | None = DAY, words: str = "") -> Mention:
    """A meeting of ``actor`` (and ``target``) with no place, so the participants are its only shared keys."""
    cfg = load_config()
    names = {f"n:{n.lower()}": n for n in (actor, target) if n}
    targets = frozenset({f"n:{target.lower()}"}) if target else frozenset()
    words = words or f"{actor} held talks {target or ''} on trade and the border"
    return Mention(aid, "v1", "CONSULT", cfg.family("CONSULT"), actors=frozenset({f"n:{actor.lower()}"}),
                   targets=targets, names=names, date=day, words=content_words(words), modality="asserted")


def test_a_hot_key_brings_no_pair_together_but_a_rarer_shared_key_does():
    # five reports name only Mardova (a key in every report of the week); two of them also name the Osk Council
    common = [_m(f"a{i}", "Mardova", words=f"Mardova officials held talks number {i}") for i in range(3)]
    pair = [_m(f"b{i}", "Mardova", "Osk Council", words="Mardova held talks with the Osk Council on the border")
            for i in range(2)]
    mentions = common + pair
    loose, tight = load_config(), _cfg(4)
    fam = loose.family("CONSULT")
    assert (f"{fam}|p|n:mardova", key_bucket(DAY, tight)) in hot_blocks(mentions, tight)
    assert hot_blocks(mentions, loose) == set()
    assert len(list(candidate_pairs(mentions, loose))) == 10  # all pairs, through the shared actor
    pairs = {(m.article_id, x.article_id) for m, x in candidate_pairs(mentions, tight)}
    assert pairs == {("b0", "b1")}  # only the pair that shares a key rarer than the hot one
    # block by block: the hot key's block scores nothing, the Osk Council's block scores the pair
    hot = {m.ref: hot_keys_of(m, hot_blocks(mentions, tight), tight) for m in mentions}
    assert all(f"{fam}|p|n:mardova" in h for h in hot.values())
    links = links_of(candidate_pairs(mentions, tight), tight)
    by_block = [lk for k in sorted({k for m in mentions for k in blocking_keys(m)})
                for lk in block_links(k, [m for m in mentions if k in blocking_keys(m) - hot[m.ref]], tight, hot=hot)]
    assert sorted((lk.a, lk.b) for lk in by_block) == sorted((lk.a, lk.b) for lk in links)
    assert [(lk.a[0], lk.b[0]) for lk in links] == [("b0", "b1")]


def test_the_block_of_a_key_cut_by_days_scores_each_pair_once():
    cfg = load_config()
    days = [DAY + timedelta(days=d) for d in (0, 2, 5, 6, 9, 12, 13, 20)]
    mentions = [_m(f"a{i}", "Osk Council", "Lindor Mab", day=d, words="The Osk Council met Lindor Mab on water")
                for i, d in enumerate(days)]
    mentions += [_m("u0", "Osk Council", "Lindor Mab", day=None, words="The Osk Council met Lindor Mab on water"),
                 _m("u1", "Osk Council", "Lindor Mab", day=None, words="The Osk Council met Lindor Mab on water")]
    key = min(set.intersection(*(blocking_keys(m) for m in mentions)))  # the key that owns every pair
    whole = sorted((lk.a, lk.b) for lk in block_links(key, mentions, cfg))
    assert whole, "the reports were not linked at all"
    buckets = sorted({key_bucket(m.date, cfg) for m in mentions if m.date})
    cut = []
    for b in buckets:
        task = [m for m in mentions if key_bucket(m.date, cfg) in (b, b + 1, None)]
        cut += [(lk.a, lk.b) for lk in block_links(key, task, cfg, bucket=b)]
    cut += [(lk.a, lk.b) for lk in block_links(key, [m for m in mentions if m.date is None], cfg, bucket=UNDATED)]
    assert sorted(cut) == whole  # every pair once, in one task
    assert len(cut) == len(set(cut))
    assert WHOLE not in buckets and UNDATED not in buckets


COMMON = "Mardova"


def _doc(i: int, day: date, other: str | None = None) -> Doc:
    """A report of a meeting naming Mardova (and another party): the Mardova key is in every one."""
    who = f"{COMMON} and {other}" if other else COMMON
    sentence = f"Envoys of {who} met in a closed session about the grain corridor."
    text = (f"Report {i} from the wire desk.\n\nFiller line {i} about weather and the harvest season ahead.\n\n"
            f"{sentence}\n")
    return Doc(text=text, url=f"https://outlet{i}.example/story/{i}", outlet=f"Outlet {i}",
               published=f"{day.isoformat()}T08:00:00Z",
               events=[Ev(sentence, "CONSULT", actor=COMMON, target=other)], countries={COMMON: "MRD"})


@pytest.fixture
def cap_three(tmp_path, monkeypatch):
    """The shipped story rules with ``story_key_cap: 3`` (a user's lexicon file)."""
    extra = tmp_path / "cap.yaml"
    extra.write_text("story_key_cap: 3\n", encoding="utf-8")
    monkeypatch.setenv("NEWSTRACE_LEXICONS", str(extra))
    load_config.cache_clear()
    yield load_config()
    monkeypatch.delenv("NEWSTRACE_LEXICONS")
    load_config.cache_clear()


def _stories(store: Store) -> tuple[set, set]:
    links = set(store.conn.execute("SELECT a_article, a_event, b_article, b_event FROM story_links"))
    members = set(store.conn.execute("SELECT story_id, article_id, event_id FROM story_members"))
    return links, members


def test_a_key_that_turns_hot_takes_back_its_links_so_incremental_equals_full(tmp_path, cap_three):
    assert cap_three.key_cap == 3
    first = [_doc(0, DAY), _doc(1, DAY + timedelta(days=1))]  # Mardova alone: linked through its key
    later = [_doc(2, DAY + timedelta(days=1), "Osk Council"), _doc(3, DAY + timedelta(days=2), "Osk Council")]
    with Store(tmp_path / "inc.db") as store:
        store_docs(store, first)
        link_store(store, 0)
        links, _ = _stories(store)
        assert len(links) == 1, "the two Mardova reports were not linked while the key was not hot"
        mark = last_seq(store)
        store_docs(store, later)
        link_store(store, mark)  # four mentions hold the Mardova key in one block: it is hot now
        incremental = _stories(store)
        link_store(store, 0)
        full = _stories(store)
    assert incremental == full
    links, members = full
    ids = {r[0] for r in links} | {r[2] for r in links}
    assert len(links) == 1 and len(ids) == 2  # only the two reports that also share the Osk Council
    assert len({sid for sid, *_ in members}) == 3


def test_a_key_over_the_cap_in_another_block_is_not_hot_here(tmp_path, cap_three):
    # four Mardova reports, but two weeks apart in pairs: no block holds more than the cap
    docs = [_doc(0, DAY), _doc(1, DAY), _doc(2, DAY + timedelta(days=21)), _doc(3, DAY + timedelta(days=21))]
    with Store(tmp_path / "weeks.db") as store:
        store_docs(store, docs)
        link_store(store, 0)
        links, members = _stories(store)
    assert len(links) == 2 and len({sid for sid, *_ in members}) == 2


PARTIES = ["Osk Council", "Lindor Mab", "Mardova", "Quel Front", "Tava Guild"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PARTIES), st.sampled_from([None, *PARTIES]),
                          st.one_of(st.none(), st.integers(min_value=0, max_value=30))), min_size=2, max_size=18),
       st.integers(min_value=1, max_value=6))
def test_links_found_block_by_block_and_day_by_day_equal_the_links_of_the_whole_corpus(rows, cap):
    """What the Spark link step computes (each key's block cut by days, hot keys left out, each pair in the task of
    its smallest usable key) is what the link code computes over the whole corpus at once."""
    cfg = _cfg(cap)
    mentions = [_m(f"a{i:02d}", actor, target if target != actor else None,
                   day=None if d is None else DAY + timedelta(days=d), words="envoys met to talk about grain")
                for i, (actor, target, d) in enumerate(rows)]
    whole = {(lk.a, lk.b, lk.score) for lk in links_of(candidate_pairs(mentions, cfg), cfg)}
    hot_set = hot_blocks(mentions, cfg)
    hot = {m.ref: hot_keys_of(m, hot_set, cfg) for m in mentions}
    tasks = set()
    for key in sorted({k for m in mentions for k in blocking_keys(m)}):
        live = [m for m in mentions if key in blocking_keys(m) - hot[m.ref]]
        for b in sorted({key_bucket(m.date, cfg) for m in live if m.date}):
            task = [m for m in live if key_bucket(m.date, cfg) in (b, b + 1, None)]
            tasks |= {(lk.a, lk.b, lk.score) for lk in block_links(key, task, cfg, hot=hot, bucket=b)}
        tasks |= {(lk.a, lk.b, lk.score)
                  for lk in block_links(key, [m for m in live if m.date is None], cfg, hot=hot, bucket=UNDATED)}
    assert tasks == whole
