"""Stories: mentions of one real-world event from different articles are grouped, others are kept apart."""

from __future__ import annotations

from datetime import date

from newstrace.link import link_store
from newstrace.link.grouping import group_idf, group_mentions
from newstrace.link.stories import (Mention, blocking_keys, content_words, evidence, load_config, load_mentions,
                                    pair_score, rarity, targets_conflict, text_similarity, word_weights)
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


def _stories(*mentions: Mention) -> list[str]:
    """The story id of each mention, grouped as the link stage groups them."""
    ids = group_mentions(mentions, load_config())
    return [ids[m.ref] for m in mentions]


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
    s1, s2 = _stories(_m("a", words="Valdis landed in Lakemont for talks with the council"),
                      _m("b", words="The marshal met council members on Saturday"))
    assert s1 == s2


def test_dates_places_and_other_counterparts_keep_events_apart():
    base = _m("a")
    other = _m("d", targets=("n:brackwater front",), tcountries=(), words="Valdis met commanders of the front")
    assert targets_conflict(other, [base])
    a, b, c, d = _stories(base, _m("b", day=date(2031, 10, 20)), _m("c", place="g:2", country="OST"), other)
    assert a not in (b, c, d)  # weeks later, another country, another counterpart: other events


def test_denial_joins_the_story_it_denies():
    s1, s2 = _stories(
        _m("a", type_="ASSAULT", targets=(), actors=("n:velorian batteries",), tcountries=("VLR",),
           words="Shells fired from the Velorian side struck villages near Dunmoor"),
        _m("b", type_="ASSAULT", targets=(), actors=("n:velorian army",), tcountries=("VLR",),
           words="The army denied that its batteries fired shells toward Dunmoor", modality="negated"))
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
        incremental = {k: v for k, v in members.items()}
        link_store(store, 0)  # a full relink gives the very same stories and ids
        assert {(r[0], r[1]): r[2] for r in store.conn.execute(
            "SELECT article_id, event_id, story_id FROM story_members")} == incremental


def _long(aid: str, text: str) -> Mention:
    counts, weights = word_weights(text)
    return Mention(aid, "doc", "DOC", "DOC", words=frozenset(counts), counts=dict(counts), weights=weights)


def test_rare_words_and_repeated_words_weigh_more():
    a = _long("a", "Flooding closed the harbour road; the harbour stays shut, officials said.")
    b = _long("b", "The harbour is shut after flooding, officials said.")
    c = _long("c", "Officials said the budget vote was delayed.")
    assert a.counts["harbour"] == 2
    # a word's weight is its own (wordfreq), not the store's: "officials" says less than "harbour"
    assert rarity("harbour") > rarity("officials") > rarity("said")
    assert text_similarity(a, b) > 2 * text_similarity(a, c)
    # in a large group, a word every mention uses weighs nothing (the group's IDF)
    group = [a, b, c, _long("d", "Officials said the talks went on."), _long("e", "Officials said little.")]
    idf = group_idf(group)
    assert idf("official") < idf("harbour")
    assert text_similarity(a, c, idf) < 0.5 * text_similarity(a, c)


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


def test_a_headline_and_its_lead_are_one_event():
    from newstrace.link.grouping import _headline_and_lead, link_score

    cfg = load_config()
    head = _m("a", type_="ASSAULT", actors=(), targets=("x:twelve people",), words="Market blast kills 12")
    head.flags, head.ev_start, head.ev_end = ("headline",), 0, 21
    lead = _m("a", type_="ASSAULT", actors=("x:a bomb",), targets=(), words="A bomb went off at the cattle market")
    lead.event_id, lead.ev_start, lead.ev_end = "v2", 23, 80
    later = _m("a", type_="ASSAULT", actors=("x:gunmen",), targets=(), words="Gunmen attacked a convoy last year")
    later.event_id, later.ev_start, later.ev_end = "v3", 2400, 2440
    assert link_score(head, lead, cfg) >= cfg.threshold
    assert "ASSAULT|lead|a" in {k.replace(cfg.family("ASSAULT"), "ASSAULT") for k in blocking_keys(head)}
    assert _headline_and_lead(head, lead) and not _headline_and_lead(head, later)  # deep in the body: its own


def test_candidate_keys_name_every_source(tmp_path):
    """Every kind of candidate key is listed for stored articles, and two reports of one visit share keys."""
    from newstrace.link.candidates import candidate_keys

    with Store(tmp_path / "t.db") as store:
        ids = store_docs(store, corpus())
        keys: dict[str, set[str]] = {}
        for aid, key in candidate_keys(store.conn, ids):
            keys.setdefault(aid, set()).add(key)
    assert {k[:2] for ks in keys.values() for k in ks} == {"r:", "l:", "e:", "s:"}
    assert keys[ids[3]] & keys[ids[4]]  # two reports of the visit
