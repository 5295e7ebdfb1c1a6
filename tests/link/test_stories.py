"""Stories: mentions of one real-world event from different articles are grouped, others are kept apart."""

from __future__ import annotations

from datetime import date

from newstrace.link import link_store
from newstrace.link.stories import (MemoryIndex, Mention, SQLiteStoryIndex, assign, blocking_keys, content_words,
                                    evidence, load_config, load_mentions, pair_score, targets_conflict,
                                    text_similarity, word_counts)
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


def _long(aid: str, text: str) -> Mention:
    counts = word_counts(text)
    return Mention(aid, "doc", "DOC", "DOC", words=frozenset(counts), counts=dict(counts))


def test_rare_words_and_repeated_words_weigh_more():
    idx = MemoryIndex()
    a = _long("a", "Flooding closed the harbour road; the harbour stays shut, officials said.")
    b = _long("b", "The harbour is shut after flooding, officials said.")
    c = _long("c", "Officials said the budget vote was delayed.")
    idx.observe([a, b, c, _long("d", "Officials said the talks went on."), _long("e", "Officials said little.")])
    assert a.counts["harbour"] == 2
    # "officials said" is everywhere: with corpus IDF it no longer makes a and c look alike
    assert text_similarity(a, c, idx.idf) < 0.5 * text_similarity(a, c)
    assert text_similarity(a, b, idx.idf) > 3 * text_similarity(a, c, idx.idf)


def test_same_wording_is_relative_to_length():
    cfg = load_config()
    short_a, short_b = _long("a", "Valdis met the council in Lakemont"), _long("b", "Valdis met council in Lakemont")
    assert evidence(short_a, short_b, cfg).text == 1.0
    # two long reports of one event share a smaller part of their words: a lower cosine counts as much
    words = [f"zq{a}{b}" for a in "abcdefghij" for b in "abcdefghij"]  # 100 made-up words
    filler_a, filler_b = " ".join(words[:60]), " ".join(words[40:])
    long_a, long_b = _long("a", filler_a), _long("b", filler_b)
    cos = text_similarity(long_a, long_b)
    assert cos < 0.4 and evidence(long_a, long_b, cfg).text > 2 * cos
    # two events of one article share its wording whatever happened: that is no evidence
    assert evidence(short_a, _long("a", "Valdis met the council in Lakemont"), cfg).text == 0.0


def test_corpus_word_counts_are_kept_in_the_store_and_grow_incrementally(tmp_path):
    docs = corpus()
    with Store(tmp_path / "t.db") as store:
        store_docs(store, docs[:6])
        link_store(store, 0)
        df = dict(store.conn.execute("SELECT word, df FROM story_words"))
        members = store.conn.execute("SELECT count(*) FROM story_members").fetchone()[0]
        assert df[""] == members > 0
        assert df["lakemont"] >= 2 and all(0 < v <= df[""] for v in df.values())
        mark = last_seq(store)
        store_docs(store, docs[6:])
        link_store(store, mark)
        after = dict(store.conn.execute("SELECT word, df FROM story_words"))
        assert after[""] == store.conn.execute("SELECT count(*) FROM story_members").fetchone()[0] > df[""]
        assert all(after[w] >= n for w, n in df.items())
        index = SQLiteStoryIndex(store.conn)
        assert index.seen == after[""] and index.idf_of("lakemont") < index.idf_of("zzzunseen")
        link_store(store, 0)  # a full relink counts from scratch, not on top
        assert dict(store.conn.execute("SELECT word, df FROM story_words")) == after


def test_a_shared_phrase_actor_does_not_make_one_story(tmp_path):
    from .link_builders import Doc, Ev

    texts = ["The two sides discussed fishing quotas for the northern lakes on Monday.",
             "The two sides met again on Monday to haggle over the price of winter grain shipments."]
    docs = [Doc(t, url=f"https://outlet{i}.example/a", published="2031-03-03",
                events=[Ev(t, "CONSULT", actor="the two sides")]) for i, t in enumerate(texts)]
    with Store(tmp_path / "t.db") as store:
        ids = store_docs(store, docs)
        # no entity behind "the two sides": the event knows its actor only as a phrase
        store.conn.execute("UPDATE events SET actor=NULL")
        link_store(store, 0)
        stories = {r[0] for r in store.conn.execute("SELECT story_id FROM story_members")}
        assert len(stories) == 2
        a, b = (load_mentions(store.conn, [i])[0] for i in ids)
        assert a.participants == b.participants == {"x:two sides"} and not a.tokens


def test_a_story_lists_named_participants_before_phrases():
    from newstrace.link.stories import summarise

    named = [_m("a1", actors=("n:oren valdis", "x:their home")), _m("a2", actors=("x:their home",))]
    assert [a["name"] for a in summarise(named)["actors"]] == ["sereth council", "oren valdis"]  # by reports
    only_phrases = [_m("a3", actors=("x:three civilians",), targets=("x:a village",))]
    assert {a["name"] for a in summarise(only_phrases)["actors"]} == {"three civilians", "a village"}
