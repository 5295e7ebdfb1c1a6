"""Stories: mentions of one real-world event from different articles are grouped, others are kept apart."""

from __future__ import annotations

from datetime import date

from newstrace.link import link_store
from newstrace.link.stories import (MemoryIndex, Mention, assign, blocking_keys, content_words, load_config,
                                    pair_score, targets_conflict)
from newstrace.store.sqlite import Store

from .link_builders import last_seq, store_docs
from .link_corpus import corpus


def _m(aid: str, type_: str = "CONSULT", actors=("n:oren valdis",), targets=("n:sereth council",), place="g:1",
       country="MRD", day=date(2031, 9, 6), words="Valdis met the council in Lakemont", modality="asserted",
       tcountries=("MRD",)) -> Mention:
    cfg = load_config()
    names = {k: k[2:] for k in (*actors, *targets)}
    return Mention(aid, "v1", type_, cfg.family(type_), actors=frozenset(actors), targets=frozenset(targets),
                   names=names, tokens=frozenset(w for k in names.values() for w in k.split()),
                   countries=frozenset(tcountries), target_countries=frozenset(tcountries), place=place,
                   place_country=country, date=day, words=content_words(words), modality=modality)


def test_families_come_from_data():
    cfg = load_config()
    assert cfg.family("consult") == cfg.family("AGREE")
    assert cfg.family("ASSAULT") != cfg.family("CONSULT")
    assert cfg.family("SOMETHING_NEW") == "SOMETHING_NEW"


def test_blocking_keys_need_a_shared_family():
    a, b = _m("a"), _m("b", type_="ASSAULT")
    assert not blocking_keys(a) & blocking_keys(b)
    assert blocking_keys(a) & blocking_keys(_m("c", type_="AGREE"))


def test_same_event_in_other_words_joins_one_story():
    idx = MemoryIndex()
    s1 = assign(_m("a", words="Valdis landed in Lakemont for talks with the council"), idx)
    s2 = assign(_m("b", words="The marshal met council members on Saturday"), idx)
    assert s1 == s2


def test_dates_places_and_other_counterparts_keep_events_apart():
    idx = MemoryIndex()
    base = assign(_m("a"), idx)
    assert assign(_m("b", day=date(2031, 10, 20)), idx) != base  # weeks later: another visit
    assert assign(_m("c", place="g:2", country="OST"), idx) != base  # another country
    other = _m("d", targets=("n:brackwater front",), tcountries=(), words="Valdis met commanders of the front")
    assert targets_conflict(other, idx.members(base))
    assert assign(other, idx) != base


def test_denial_joins_the_story_it_denies():
    idx = MemoryIndex()
    s1 = assign(_m("a", type_="ASSAULT", targets=(), actors=("n:velorian batteries",), tcountries=("VLR",),
                   words="Shells fired from the Velorian side struck villages near Dunmoor"), idx)
    s2 = assign(_m("b", type_="ASSAULT", targets=(), actors=("n:velorian army",), tcountries=("VLR",),
                   words="The army denied that its batteries fired shells toward Dunmoor", modality="negated"), idx)
    assert s1 == s2


def test_nothing_in_common_scores_zero():
    cfg = load_config()
    a = _m("a", actors=("n:x",), targets=(), tcountries=(), place=None, country=None, words="harbour festival opens")
    b = _m("b", actors=("n:y",), targets=(), tcountries=(), place=None, country=None, words="grain convoys resume")
    assert pair_score(a, b, cfg) == 0.0


def test_stories_in_the_store_and_incrementally(tmp_path):
    docs = corpus()
    with Store(tmp_path / "t.db") as store:
        ids = store_docs(store, docs[:6])
        link_store(store, 0)
        n_before = store.conn.execute("SELECT count(*) FROM stories").fetchone()[0]
        mark = last_seq(store)
        ids += store_docs(store, docs[6:])
        link_store(store, mark)
        members = {(r[0], r[1]): r[2] for r in store.conn.execute(
            "SELECT article_id, event_id, story_id FROM story_members")}
        visit = members[(ids[3], "v1")]
        assert members[(ids[4], "v1")] == members[(ids[5], "v1")] == visit
        assert members[(ids[6], "v2")] == visit  # the pasted sentence joined the existing story
        assert members[(ids[6], "v1")] != visit  # the secret meeting did not
        assert members[(ids[7], "v1")] == members[(ids[8], "v1")]  # shelling and its denial
        assert store.conn.execute("SELECT count(*) FROM stories").fetchone()[0] == n_before + 2
