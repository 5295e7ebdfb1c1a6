"""Entity grouping, actor attributes and entity_at on the shared op-ed and on texts written for these tests."""

from __future__ import annotations

from newstrace.analyze.actors import load_dictionary
from newstrace.analyze.entities import EntityGrouper, entity_at
from newstrace.analyze.pipeline import analyze_article, make_doc
from newstrace.model import Article, article_id


def _article(text: str, published: str | None = "2026-03-14", url: str | None = None) -> Article:
    return Article(id=article_id(text), url=url, outlet=None, title=None, byline=None, published=published,
                   tags=[], language="en", text=text)


def _texts(art: Article, ent) -> list[str]:
    return [art.text[s:t] for s, t in ent.mentions]


def _find(entities, word: str):
    return [e for e in entities if word in e.name or any(word in a for a in e.aliases)]


# -- the motivating op-ed ---------------------------------------------------------------------------------------


def test_oped_faiz_hameed_is_one_pakistani_person(oped_record):
    art, an = oped_record
    found = _find(an.entities, "Hameed")
    assert len(found) == 1, [(e.name, e.type) for e in found]
    hameed = found[0]
    assert hameed.type == "PERSON"
    assert hameed.name == "Faiz Hameed"
    written = set(_texts(art, hameed))
    assert {"Hameed", "Faiz", "Faiz Hameed"} <= written
    assert hameed.country == "PAK"


def test_oped_isi_spellings_are_one_pakistani_intelligence_org(oped_record):
    art, an = oped_record
    isi = [e for e in an.entities if "ISI" in _texts(art, e)]
    assert len(isi) == 1
    e = isi[0]
    written = set(_texts(art, e))
    assert {"ISI", "Inter Service Intelligence", "Inter-Services Intelligence"} <= written
    assert e.type == "ORG"
    assert e.country == "PAK"
    assert e.sector == "SPY"
    # no other entity holds one of those spellings
    others = [x for x in an.entities if x is not e and {"ISI", "Inter Service Intelligence"} & set(_texts(art, x))]
    assert not others


def test_oped_taliban_leaders_are_people(oped_record):
    art, an = oped_record
    (akhundzada,) = _find(an.entities, "Akhundzada")
    assert akhundzada.type == "PERSON"
    (baradar,) = _find(an.entities, "Baradar")
    assert baradar.type == "PERSON"
    assert baradar.title == "Mullah"  # the title is kept apart from the name
    assert baradar.name == "Abdul Ghani Baradar"


def test_oped_titles_and_model_type_repairs(oped_record):
    art, an = oped_record
    (clinton,) = _find(an.entities, "Clinton")
    assert clinton.title == "Secretary of State" and clinton.sector == "GOV"
    # the model tags "Trump's" ORG; one PERSON tag and no organisation word make it a person
    (trump,) = _find(an.entities, "Trump")
    assert trump.type == "PERSON"
    # "State" inside the title "Secretary of State" is no organisation of its own
    assert not [e for e in an.entities if e.name == "State"]


def test_entity_at_names_roles_and_heads(oped_record, nlp):
    art, _ = oped_record
    doc = nlp(make_doc(nlp, art))
    text = art.text
    i = text.index("ISI chief Faiz Hameed")
    assert entity_at(doc, i, i + len("ISI chief Faiz Hameed")).name == "Faiz Hameed"
    # "the trip of ISI chief has been propagated": a role description without a name
    j = text.index("trip of ISI chief") + len("trip of ")
    assert entity_at(doc, j, j + len("ISI chief")).name == "Faiz Hameed"
    k = text.index("Hameed\u2019s visit") if "Hameed\u2019s visit" in text else text.index("Hameed's visit")
    assert entity_at(doc, k, k + len("Hameed's visit")).name == "Faiz Hameed"
    m = text.index("Kabul")
    assert entity_at(doc, m, m + 5).type == "GPE"
    assert entity_at(doc, 0, 0) is None


# -- texts written for these tests (fictional people and bodies) ---------------------------------------------------

NAVY_TEXT = (
    "The Coastal Surveillance Directorate (CSD) said on Monday that Rear Admiral Tomasz Wielicki had taken "
    "command. Wielicki's first order was to ground the fleet. A spokesman for the CSD, Amara Okonkwo-Bell, said "
    "the directorate would publish its findings. Coastal Surveillance Directorate officials declined to comment, "
    "and Okonkwo-Bell said Tomasz Wielicky would visit Gdansk."
)


def test_acronym_partial_names_titles_and_spelling_variants(nlp):
    art = _article(NAVY_TEXT)
    an = analyze_article(art, nlp)
    csd = [e for e in an.entities if "CSD" in _texts(art, e)]
    assert len(csd) == 1 and csd[0].type == "ORG"
    assert "Coastal Surveillance Directorate" in _texts(art, csd[0])
    wiel = _find(an.entities, "Wieli")
    assert len(wiel) == 1, [(e.name, e.aliases) for e in wiel]
    w = wiel[0]
    assert w.type == "PERSON" and w.name == "Tomasz Wielicki"
    assert w.title == "Rear Admiral" or w.title == "Admiral"
    assert {"Wielicki", "Tomasz Wielicky"} <= set(_texts(art, w))


def test_nationality_possessive_and_affiliation(nlp):
    text = ("Norway's Maritime Authority fined the trawler. Halvard Strand, the head of Norway's Maritime "
            "Authority, said the fine was fair. Later the Maritime Authority chief repeated it.")
    art = _article(text)
    doc = nlp(make_doc(nlp, art))
    ents = doc._.nt_entities
    (strand,) = [e for e in ents if "Strand" in e.name]
    assert strand.type == "PERSON" and strand.country == "NOR"
    org = [e for e in ents if "Maritime Authority" in e.name]
    assert org and all(e.country == "NOR" for e in org)
    i = text.index("the Maritime Authority chief")
    assert entity_at(doc, i, i + len("the Maritime Authority chief")) is strand


def test_user_dictionary_file_adds_an_actor(tmp_path, nlp):
    extra = tmp_path / "mine.yaml"
    extra.write_text("- {name: Velmora Liberation Front, aliases: [VLF], country: COL, sector: REB}\n",
                     encoding="utf-8")
    d = load_dictionary((extra,))
    assert d.actor("VLF").name == "Velmora Liberation Front"
    grouper = EntityGrouper(dictionary=d)
    doc = nlp.make_doc("Fighters of the VLF attacked a depot, and the Velmora Liberation Front later said so.")
    for _, proc in nlp.pipeline:
        if _ in ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"):
            doc = proc(doc)
    doc = grouper(doc)
    vlf = [e for e in doc._.nt_entities if e.name == "Velmora Liberation Front"]
    assert len(vlf) == 1 and vlf[0].country == "COL" and vlf[0].sector == "REB"


def test_country_read_from_a_name():
    d = load_dictionary()
    # demonyms of the generated table written "Bosnian,Herzegovinian" are two demonyms
    assert d.country_of("Bosnian") == d.country_of("Herzegovinian") == "BIH"
    assert d.country_of("Palestinian") == "PSE" and d.country_of("Serbs") == "SRB"
    cases = [
        ("Vladimir Putin", "PERSON", "RUS"), ("Putin", "PERSON", "RUS"),  # listed people, by surname too
        ("Gamal Mubarak", "PERSON", "EGY"),  # a listed distinctive surname ends the name
        ("Sri Lanka", "PERSON", "LKA"),  # a country the model took for a person
        ("Bosnian Serbs", "NORP", "BIH"), ("Iraqi Kurds", "NORP", "IRQ"),
        ("Kenya Anti-Corruption Commission", "ORG", "KEN"), ("Radical French", "ORG", "FRA"),
        ("South Lebanon", "GPE", "LBN"), ("Montenegro province", "GPE", "MNE"),
        ("Indian Ocean", "LOC", None),  # a sea is not a part of India
        ("United Nations", "ORG", None),  # an international actor has no country
        ("Tamsin Oakridge", "PERSON", None),
    ]
    for name, etype, iso in cases:
        assert d.country_in_name(name, etype) == iso, (name, etype)


def test_a_listed_person_gets_the_dictionary_country_and_name(nlp):
    an = analyze_article(_article("Putin told reporters on Monday that the talks with Erdogan had gone well."), nlp)
    by_alias = {a: e for e in an.entities for a in [e.name, *e.aliases]}
    assert by_alias["Putin"].type == "PERSON" and by_alias["Putin"].country == "RUS"
    assert by_alias["Putin"].name == "Vladimir Putin"
    assert by_alias["Erdogan"].country == "TUR"
    # a surname two listed people share names neither of them, but gives their common country
    shared = analyze_article(_article("Bhutto told reporters on Monday that the talks had gone well."), nlp)
    assert [(e.name, e.country) for e in shared.entities if e.type == "PERSON"] == [("Bhutto", "PAK")]
    # a surname after a full name in the same article is that person's, whatever the dictionary lists
    hillary = analyze_article(_article("Hillary Clinton spoke in Ohio on Friday. Clinton said the vote mattered."), nlp)
    assert [(e.name, e.aliases) for e in hillary.entities if e.type == "PERSON"] == [("Hillary Clinton", ["Clinton"])]
    # an unlisted person keeps the model's reading and no invented country
    other = analyze_article(_article("Elena Marchetti told reporters on Monday that the talks had gone well."), nlp)
    assert [(e.type, e.country) for e in other.entities if e.name == "Elena Marchetti"] == [("PERSON", None)]


# -- bad input ---------------------------------------------------------------------------------------------------


def test_empty_all_caps_and_non_latin_input(nlp):
    assert analyze_article(_article(""), nlp).entities == []
    caps = analyze_article(_article("PRESIDENT ELENA MARCHETTI MET THE CSD CHIEF IN ROME ON FRIDAY."), nlp)
    assert isinstance(caps.entities, list)
    art = _article("Владимир Петров встретился с Ахмедом в Кабуле. 王小明 visited Islamabad with Petrov.")
    an = analyze_article(art, nlp)
    for e in an.entities:
        for s, t in e.mentions:
            assert 0 <= s < t <= len(art.text)


def test_hundreds_of_entities_are_grouped_without_blowing_up(nlp):
    first = ["Amara", "Boris", "Chen", "Dalia", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jana"]
    last = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Novak", "Haddad", "Silva", "Kowalski", "Mensah", "Ruiz"]
    names = [f"{f} {s}" for f in first for s in last]
    text = " ".join(f"{n} met officials in Lisbon." for n in names * 3)
    art = _article(text)
    an = analyze_article(art, nlp)
    people = [e for e in an.entities if e.type == "PERSON"]
    # a hundred different people, each mentioned three times: never one blob, never a hundred duplicates each
    assert 50 <= len(people) <= 120
    assert max(len(e.mentions) for e in people) <= 12


def test_model_types_repaired_for_streets_towns_after_motion_words_and_adjectives(nlp):
    def types(text: str) -> dict[str, str]:
        return {e.name: e.type for e in nlp(text)._.nt_entities}

    # the small model tags these ORG; a street is a facility, a big town after "on"/"from" a place
    assert types("Royal Street was the return route of the streetcar line.")["Royal Street"] == "FAC"
    assert types("Officials said Turkey fired on Qamishli and other towns.")["Qamishli"] == "GPE"
    # a company after "from" stays one
    assert types("He bought the shares from Apple last year.").get("Apple") == "ORG"
    # "English" the model calls a language: a nationality before a noun, nothing before a word about language
    assert types("It happened in the English city of Salisbury.").get("English") == "NORP"
    assert "English" not in types("Many English speakers in Quebec watched the debate.")
