"""Toponym resolution against the offline gazetteer, on the shared op-ed and on texts written for these tests."""

from __future__ import annotations

import dataclasses
from collections import Counter

from newstrace.analyze.gazetteer import admin_bare_key, get_gazetteer
from newstrace.analyze.pipeline import analyze_article, make_doc
from newstrace.analyze.actors import get_dictionary
from newstrace.analyze.places import (article_locale, best_candidate, institution_seat, is_site_name, place_at,
                                      place_unknown)
from newstrace.link.outlets import OutletHome, outlet_homes
from newstrace.model import Article, Place, article_id


def _article(text: str, url: str | None = None) -> Article:
    return Article(id=article_id(text), url=url, outlet=None, title=None, byline=None, published="2026-05-02",
                   tags=[], language="en", text=text)


def _place(an, name: str):
    hits = [p for p in an.places if p.name.startswith(name) or name in p.name]
    assert hits, [p.name for p in an.places]
    return hits[0]


def test_oped_kabul_kandahar_doha(oped_record):
    _, an = oped_record
    kabul = _place(an, "Kabul")
    assert kabul.country == "AFG"
    assert abs(kabul.lat - 34.5) < 0.3 and abs(kabul.lon - 69.2) < 0.3
    assert kabul.geonameid is not None and kabul.feature == "capital"
    assert _place(an, "Kandah").country == "AFG"
    assert _place(an, "Doha").country == "QAT"
    assert _place(an, "Afghanistan").feature == "country"


def test_diacritics_case_and_other_scripts_meet_one_key():
    g = get_gazetteer()
    assert g.lookup("Kandahār")[0].geonameid == g.lookup("KANDAHAR")[0].geonameid == g.lookup("kandahar")[0].geonameid
    assert g.lookup("Кабул")[0].country == "AFG"  # a big city keeps its names in other scripts


def test_article_focus_and_qualifier_choose_among_namesakes(nlp):
    text = ("Officials in Hyderabad said the floods in Pakistan had eased. The army of Pakistan sent trucks to "
            "Hyderabad on Friday.")
    an = analyze_article(_article(text), nlp)
    assert _place(an, "Hyderabad").country == "PAK"
    text2 = "The festival moved from Springfield, Illinois, to a smaller town this year."
    an2 = analyze_article(_article(text2), nlp)
    spring = _place(an2, "Springfield")
    assert spring.country == "USA" and spring.admin1 == "US.IL"


def test_bare_names_prefer_countries_and_capitals(nlp):
    an = analyze_article(_article("Delegates from Georgia and Jordan met in Paris and then flew to Amman."), nlp)
    assert _place(an, "Paris").country == "FRA"
    assert _place(an, "Amman").country == "JOR"
    assert _place(an, "Jordan").feature == "country"


def test_place_at_and_unresolved_names(nlp):
    text = "Talks moved from Lisbon to the hamlet of Quarvelle-sur-Ombre, then back to Lisbon."
    art = _article(text)
    doc = nlp(make_doc(nlp, art))
    i = text.index("Lisbon")
    assert place_at(doc, i, i + 6).country == "PRT"
    assert place_at(doc, 0, 5) is None
    lisbon = [p for p in doc._.nt_places if p.name == "Lisbon"]
    assert len(lisbon) == 1 and len(lisbon[0].mentions) == 2


def test_a_name_shared_by_many_towns_and_many_mentions_stays_bounded(nlp):
    text = " ".join(f"Crews reached Springfield and San Jose by day {i}." for i in range(300))
    an = analyze_article(_article(text), nlp)
    # every mention resolved to one referent, whatever the number of namesakes
    assert len({p.geonameid for p in an.places if p.name == "Springfield"}) <= 1
    assert sum(len(p.mentions) for p in an.places) <= 1000


def test_regions_counties_and_their_kind_words():
    g = get_gazetteer()
    tn = g.lookup("Tamil Nadu")[0]
    assert (tn.feature, tn.country, tn.admin1) == ("region", "IND", "IN.25")
    assert abs(tn.lat - 11) < 1.5 and abs(tn.lon - 78.5) < 1.5  # the middle of the state, not Chennai
    assert g.lookup("Alberta")[0].country == "CAN" and g.lookup("Wales")[0].feature == "region"
    orange = g.lookup("Orange County")[0]
    assert (orange.feature, orange.admin1) == ("county", "US.CA")  # the biggest of the namesakes first
    assert g.lookup("Kent")[0].feature == "county" and g.lookup("Kent")[0].country == "GBR"
    # "Borno State" is the region's own name; the name without its kind word and with another one find it too
    assert {g.lookup(n)[0].name for n in ("Borno State", "Borno", "Borno state")} == {"Borno State"}
    assert g.lookup("Karnataka state")[0].name == "Karnataka"
    assert not g.lookup("Timbuktu county")  # a kind word finds regions and counties only, never a town
    assert g.lookup("Kandahar province")[0].feature == "region"


def test_abbreviations_of_states_and_provinces():
    g = get_gazetteer()
    assert g.lookup("Calif.")[0].name == "California"
    assert g.lookup("N.J.")[0].name == g.lookup("NJ")[0].name == "New Jersey"
    assert g.lookup("B.C.")[0].name == "British Columbia"


def test_oceans_seas_and_landmarks_outrank_towns_of_the_same_name(nlp):
    an = analyze_article(_article("Storms over the Atlantic and the Indian Ocean delayed ships bound for the "
                                  "Middle East, officials at the White House said."), nlp)
    assert _place(an, "Atlantic").feature == "area" and _place(an, "Atlantic").country is None
    assert _place(an, "Middle East").feature == "area"
    house = get_gazetteer().lookup("White House")[0]  # not the town in Tennessee, nor Casablanca translated
    assert house.feature == "physical" and abs(house.lat - 38.9) < 0.1


def test_a_region_named_after_its_town_yields_the_bare_name_to_the_town(nlp):
    g = get_gazetteer()
    assert g.lookup("Lagos")[0].feature == "region" and not g.lookup("Lagos")[0].primary
    an = analyze_article(_article("Traders in New York said prices rose. Farmers in upstate New York state "
                                  "said they fell."), nlp)
    kinds = {(p.name, p.feature) for p in an.places}
    assert ("New York City", "city") in kinds and ("New York", "region") in kinds


def test_the_article_region_chooses_among_namesakes_of_one_country(nlp):
    an = analyze_article(_article("Florida lawmakers met on Monday. They later visited Parkland, where the "
                                  "school reopened."), nlp)
    assert _place(an, "Parkland").admin1 == "US.FL"


def test_sites_lie_at_the_place_their_name_contains(nlp):
    g = get_gazetteer()
    assert g.lookup_within("Delhi High Court")[0].country == "IND"
    assert g.lookup_within("University of Alberta")[0].name == "Alberta"
    assert g.lookup_within("Third Street") == []  # a generic word is no place
    assert g.lookup_within("Russian Embassy") == []  # a demonym tells the owner, not the place
    an = analyze_article(_article("The petition was heard at the Delhi High Court on Monday."), nlp)
    court = [p for p in an.places if p.feature == "site"]
    assert court and court[0].country == "IND" and court[0].geonameid is None and "Delhi" in court[0].name


def test_own_names_town_regions_and_direction_names_rank_as_readers_expect():
    g = get_gazetteer()
    top = {n: best_candidate(g.lookup(n), Counter()) for n in ("Bombay", "Washington", "Wyoming", "Western")}
    assert top["Bombay"].name == "Mumbai"  # a former name with no place of its own still finds the city
    assert top["Washington"].admin1 == "US.DC"  # the capital, with no article to say otherwise
    assert top["Wyoming"].feature == "region"  # a town of another state does not make the state a town's
    assert not top["Western"].primary  # "Western" regions of many countries rank below any town so named
    # another place's alternate name yields to a place whose own name it is: a Franklin, not Columbus (Ohio),
    # which GeoNames also calls Franklin
    columbus = next(c for c in g.lookup("Columbus") if c.admin1 == "US.OH" and c.feature == "city")
    town = next(c for c in g.lookup("Franklin") if c.primary and c.feature == "city")
    franklin = [dataclasses.replace(columbus, primary=False), town]
    assert best_candidate(franklin, Counter()).name == "Franklin"
    assert best_candidate(g.lookup("Franklin"), Counter()).name == "Franklin"


def test_a_street_the_gazetteer_lacks_lies_in_the_town_the_article_is_about(nlp):
    text = ("Flooding closed roads across Lisbon on Tuesday. In Lisbon, water reached the doors of shops on "
            "Rua Augusta Street, and the Lisbon fire service pumped out the Quarvelle Hospital.")
    an = analyze_article(_article(text), nlp)
    lisbon = _place(an, "Lisbon")
    sites = [p for p in an.places if p.feature == "site"]
    assert sites and all((p.lat, p.lon, p.country) == (lisbon.lat, lisbon.lon, "PRT") for p in sites)
    # a name that is no street or building (a suburb, a village too small for the gazetteer) is put at the
    # article's town too, marked "local" and without a GeoNames id of its own
    an2 = analyze_article(_article("Police in Lisbon said the fire began in the suburb of Varzelha on Monday. "
                                   "The Lisbon fire chief asked for calm."), nlp)
    local = [p for p in an2.places if "Varzelha" in p.name]
    assert local and local[0].feature == "local" and local[0].geonameid is None
    assert (local[0].lat, local[0].lon) == (_place(an2, "Lisbon").lat, _place(an2, "Lisbon").lon)
    # but only in a story plainly about one town: an international story that names a capital once is about none
    an3 = analyze_article(_article("Delegates met in Lisbon. The fire began in the suburb of Varzelha."), nlp)
    assert all(p.lat is None for p in an3.places if "Varzelha" in p.name)


def test_the_articles_town_is_one_of_its_leading_country():
    """A town of another country that the article names as often (a surname read as a town) is not its town."""
    places = [Place(id="p1", name="Dubreuil", country="MUS", admin1=None, lat=-20.3, lon=57.6, geonameid=1,
                    feature="city", mentions=[[0, 8], [40, 48]]),
              Place(id="p2", name="Lafayette", country="USA", admin1="US.LA", lat=30.2, lon=-92.0, geonameid=2,
                    feature="city", mentions=[[60, 69]]),
              Place(id="p3", name="Louisiana", country="USA", admin1="US.LA", lat=31.0, lon=-92.0, geonameid=3,
                    feature="region", mentions=[[80, 89]])]
    assert article_locale(places).name == "Dubreuil"  # no focus: the most named town
    assert article_locale(places, Counter({"USA": 3, "US.LA": 2, "MUS": 1})).name == "Lafayette"
    # a tie goes to the town of the region the article names
    places.insert(1, Place(id="p4", name="Charleston", country="USA", admin1="US.SC", lat=32.8, lon=-79.9,
                           geonameid=4, feature="city", mentions=[[100, 110]]))
    assert article_locale(places, Counter({"USA": 3, "US.LA": 2})).name == "Lafayette"
    # no town at all: the region, then a small country (not a big one)
    regions = [p for p in places if p.feature == "region"]
    assert article_locale(regions, Counter({"USA": 1})).name == "Louisiana"
    ireland = Place(id="p5", name="Ireland", country="IRL", lat=53.0, lon=-8.0, feature="country", mentions=[[0, 7]])
    canada = Place(id="p6", name="Canada", country="CAN", lat=60.0, lon=-95.0, feature="country", mentions=[[9, 15]])
    assert article_locale([ireland]).name == "Ireland" and article_locale([canada]) is None


def test_districts_news_names_that_the_admin_tables_lack():
    g = get_gazetteer()
    yorkshire = best_candidate(g.lookup("Yorkshire"), Counter())
    assert (yorkshire.country, yorkshire.feature) == ("GBR", "county")  # not the hamlet in New York state
    assert best_candidate(g.lookup("Greater Manchester"), Counter()).country == "GBR"
    # GeoNames' official wrapping of a district's name is not needed to find it
    assert admin_bare_key("county of ceredigion") == "ceredigion"
    assert admin_bare_key("provincia di torino") == "torino"
    assert admin_bare_key("montgomery county") == "montgomery county"
    assert best_candidate(g.lookup("Ceredigion"), Counter()).country == "GBR"
    assert best_candidate(g.lookup("T&T"), Counter()).country == "TTO"
    # a site's name made of kind words only places it nowhere: "Old Town Manassas" is not in a town "Old Town"
    assert all(c.name != "Old Town" for c in g.lookup_within("Old Town Manassas"))
    # a saint's name in a church's name is no small town of that name; a big city's is its city
    assert g.lookup_within("St. Peter's Basilica") == []
    assert g.lookup_within("Chagos Islands") == []  # not Hong Kong's "Islands" district
    assert g.lookup_within("San Francisco General Hospital")[0].country == "USA"
    # Pakistan's former tribal areas, by name and acronym
    for name in ("FATA", "South Waziristan", "SOUTH WAZIRISTAN", "Bajaur Agency"):
        assert best_candidate(g.lookup(name), Counter()).country == "PAK", name


def test_a_direction_before_a_country_names_part_of_it_not_a_namesake_town(nlp):
    an = analyze_article(_article("Troops crossed into South Lebanon at dawn, the army said."), nlp)
    south = _place(an, "South Lebanon")
    assert (south.country, south.feature, south.geonameid) == ("LBN", "site", None)
    # the town stays a town where the article says so
    an2 = analyze_article(_article("Police in South Lebanon, Ohio, closed the bridge over the river."), nlp)
    assert _place(an2, "South Lebanon").country == "USA"


def test_a_local_outlets_town_places_the_streets_its_articles_never_locate(nlp, tmp_path, monkeypatch):
    """A local paper names its streets without its town: the town comes from the outlet homes table."""
    text = "Water mains burst overnight under Quarvelle Street, flooding cellars in Varzelha."
    an = analyze_article(_article(text, url="https://www.nola.com/news/2026/11/flooding.html"), nlp)
    street = _place(an, "Quarvelle Street")
    assert street.feature == "site" and street.country == "USA" and abs(street.lat - 29.95) < 0.2
    # without a known home the same text has no town to lie in
    an2 = analyze_article(_article(text, url="https://unknown-paper.example.com/flooding.html"), nlp)
    assert _place(an2, "Quarvelle Street").lat is None
    # a user's file adds outlets (and wins over the shipped entries)
    user = tmp_path / "outlets.yaml"
    user.write_text("homes:\n  harbourgazette.com: {country: PRT, town: Porto}\n", encoding="utf-8")
    monkeypatch.setenv("NEWSTRACE_OUTLETS", str(user))
    outlet_homes.cache_clear()
    try:
        an3 = analyze_article(_article(text, url="https://harbourgazette.com/a/1"), nlp)
        assert _place(an3, "Quarvelle Street").country == "PRT"
        assert outlet_homes()["harbourgazette.com"] == OutletHome("PRT", "Porto", None)
    finally:
        monkeypatch.delenv("NEWSTRACE_OUTLETS")
        outlet_homes.cache_clear()


def test_the_dateline_town_is_where_unlocated_streets_lie(nlp):
    """A wire story may name another town more often than the one it was filed from; its dateline says where."""
    body = ("Crews who had fought fires in Mombasa last week arrived after a blaze on Quarvelle Street spread "
            "overnight. Engines from Mombasa and from Malindi followed, and officials in Mombasa said more would come.")
    an = analyze_article(_article("NAIROBI, Kenya (AP) — " + body), nlp)
    street, nairobi = _place(an, "Quarvelle Street"), _place(an, "Nairobi")
    assert street.feature == "site" and (street.lat, street.lon) == (nairobi.lat, nairobi.lon)
    # the same story without its dateline puts the street in the town it names most
    an2 = analyze_article(_article(body), nlp)
    assert _place(an2, "Quarvelle Street").lat == _place(an2, "Mombasa").lat


def test_a_dateline_in_capitals_the_model_leaves_untagged_is_still_a_place(nlp):
    an = analyze_article(_article("ALBUQUERQUE, N.M. (AP) — Water mains on Quarvelle Street burst on Tuesday."), nlp)
    city = _place(an, "Albuquerque")
    assert city.mentions == [[0, 11]] and city.admin1 == "US.NM"
    assert _place(an, "Quarvelle Street").lat == city.lat
    # capitals that open a sentence are no dateline, nor is a name in capitals before a colon (a column's writer)
    an2 = analyze_article(_article("UEFA charged the club on Tuesday over the match."), nlp)
    assert not any(p.name.isupper() for p in an2.places)
    an3 = analyze_article(_article("JEWELL: Two neighbours cleared the lagoon path on Quarvelle Street."), nlp)
    assert not any(p.name.upper() == "JEWELL" for p in an3.places)


def test_a_person_the_model_tags_as_a_place_gets_no_point(nlp):
    """A surname a small model tags GPE is not a suburb of the article's town, even in a story about one town."""
    text = ("Flooding closed roads across Lisbon on Tuesday. In Lisbon, Erdogan said the city would help, and "
            "Varzelha residents met Okonkwo-Brandt at the town hall.")
    an = analyze_article(_article(text), nlp)
    for p in an.places:
        if p.name in ("Erdogan", "Okonkwo-Brandt", "Varzelha"):
            assert p.lat is None and p.feature is None, p  # a known person, or no word of place before it
    assert place_unknown("Erdogan", [0], "in Erdogan", None, _place(an, "Lisbon"), set(), get_dictionary()) is None
    assert place_unknown("Varzelha", [3], "in Varzelha", None, _place(an, "Lisbon"), set(),
                         get_dictionary()) == (_place(an, "Lisbon"), "local")


def test_adjectives_of_regions_and_peoples_name_their_land_not_the_country(nlp):
    g = get_gazetteer()
    english = best_candidate(g.lookup("English"), Counter())
    assert (english.name, english.feature) == ("England", "region")  # not the United Kingdom's point
    assert best_candidate(g.lookup("Sicilian"), Counter()).name == "Sicily"
    kurdish = best_candidate(g.lookup("Kurdish"), Counter())
    assert kurdish.name == "Kurdistan" and kurdish.country is None  # a people's land across four countries
    assert best_candidate(g.lookup("British"), Counter()).feature == "country"
    an = analyze_article(_article("The poisoning happened in the English city of Salisbury, police said."), nlp)
    assert _place(an, "England").feature == "region"
    assert _place(an, "Salisbury").country == "GBR"  # the adjective (tagged LANGUAGE by the model) sets the focus
    an2 = analyze_article(_article("Many English speakers in Quebec watched the debate."), nlp)
    assert all(p.name != "England" for p in an2.places)  # a language, not a place
    # the actor dictionary still gives the people their country
    assert get_dictionary().country_of("Scottish") == "GBR"


def test_names_news_writes_without_the_arabic_article_or_the_county_word():
    g = get_gazetteer()
    assert best_candidate(g.lookup("Qamishli"), Counter()).country == "SYR"  # GeoNames: "Al Qamishli"
    assert best_candidate(g.lookup("al-Qamishli"), Counter()).country == "SYR"
    dade = best_candidate(g.lookup("Miami-Dade"), Counter())
    assert (dade.country, dade.feature) == ("USA", "county")
    # a county that shares its name with a town is named with its kind word only
    assert all(c.feature != "county" for c in g.lookup("Montgomery"))


def test_a_direction_alone_is_a_bloc_not_a_namesake_town(nlp):
    an = analyze_article(_article("Relations between Russia and the West have collapsed, the Kremlin said on "
                                  "Friday."), nlp)
    west = [p for p in an.places if p.name == "West"]
    assert west and west[0].lat is None and west[0].feature is None  # not West, Texas
    an2 = analyze_article(_article("The storm hit West, Texas, on Friday and cut the power."), nlp)
    assert _place(an2, "West").admin1 == "US.TX"


def test_roads_and_names_before_a_kind_word_are_placed_in_the_articles_town():
    town = Place(id="p1", name="Gloucester", country="GBR", admin1="GB.ENG", lat=51.87, lon=-2.24, geonameid=1,
                 feature="city", mentions=[[0, 10]])
    d = get_dictionary()
    assert not is_site_name("Red Crescent") and not is_site_name("Easter Parade")  # a society, a festival
    for road in ("A417", "M25", "I-95", "Route 66"):
        text = f"Traffic on the {road} was slow."
        assert place_unknown(road, [15], text, town, None, set(), d) == (town, "site"), road
    text = "The Air Balloon roundabout will close."
    assert place_unknown("Air Balloon", [4], text, town, None, set(), d) == (town, "site")
    # a locality by the word after it needs a town the article is plainly about, like one after "in"
    text = "Residents of the Rugare suburb queued for water."
    assert place_unknown("Rugare", [17], text, town, town, set(), d) == (town, "local")
    assert place_unknown("Rugare", [17], text, town, None, set(), d) is None
    text = "Rugare said the water had run out."
    assert place_unknown("Rugare", [0], text, town, town, set(), d) is None  # no word of place at all


def test_airport_codes_are_no_town_names_but_initials_are():
    g = get_gazetteer()
    assert g.lookup("OAS") == []  # the code of Sharan's airport, not the Organization of American States' town
    assert all(c.feature == "country" for c in g.lookup("DRC"))  # not Dirico, Angola
    assert all(c.name != "Kabul" for c in g.lookup("KBL"))
    assert g.lookup("NYC")[0].name == "New York City"
    assert g.lookup("KL")[0].name == "Kuala Lumpur"
    assert best_candidate(g.lookup("KAZAKH"), Counter()).feature == "country"  # a demonym, not Petropavl


def test_a_street_named_after_a_place_lies_in_the_articles_town(nlp):
    text = ("BEVERLY HILLS, Calif. (AP) - Police closed North Bedford Drive in Beverly Hills on Tuesday after a "
            "gas leak, and shops on Bedford Drive stayed shut in Beverly Hills all day.")
    an = analyze_article(_article(text), nlp)
    bedford = [p for p in an.places if "Bedford" in p.name]
    hills = _place(an, "Beverly Hills")
    # at Beverly Hills' point, not at one of the towns called Bedford
    assert bedford and all((p.lat, p.lon, p.feature) == (hills.lat, hills.lon, "site") for p in bedford), bedford


def test_a_body_named_as_a_place_lies_at_its_seat():
    g, d = get_gazetteer(), get_dictionary()
    assert institution_seat("European Commission", d, g).country == "BEL"  # the dictionary's seat
    assert institution_seat("United Nations", d, g).name == "New York City"
    assert institution_seat("Russian Foreign Ministry", d, g).name == "Moscow"  # a national body: the capital
    assert institution_seat("Pakistan's Supreme Court", d, g).name == "Islamabad"
    assert institution_seat("Russian Embassy", d, g) is None  # an embassy sits abroad
    assert institution_seat("Hamas", d, g) is None  # a group has no seat in the dictionary
    text = "Talks at the European Commission went on late."
    seat = place_unknown("European Commission", [13], text, None, None, set(), d, g)
    assert seat is not None and seat[1] == "site" and seat[0].name == "Brussels"


def test_a_towns_possessive_places_the_name_in_that_town(nlp):
    d = get_dictionary()
    text = "By Talent Gondo | Harare\u2019s Third Street will soon be renamed, the council said."
    found = place_unknown("Third Street", [27], text, None, None, set(), d)
    assert found is not None and found[0].name == "Harare" and found[1] == "site"
    text = "Boys train in Cairo's gated suburb of Madinaty every week."
    found = place_unknown("Madinaty", [38], text, None, None, set(), d)
    assert found is not None and (found[0].country, found[1]) == ("EGY", "local")
    # a person's or a country's possessive places nothing ("China" is also a town in Mexico)
    assert place_unknown("Liuheng Island", [15], "eastern China's Liuheng Island", None, None, set(), d) is None
    assert place_unknown("West Wing", [8], "Trump's West Wing is quiet.", None, None, set(), d) is None
    # a person of the article whose name is also a town's ("Obama", Japan)
    assert place_unknown("Kalorama", [8], "Obama's Kalorama home", None, None, {"obama"}, d) is None
    # words between the word of place and the name
    town = Place(id="p1", name="New Orleans", country="USA", admin1="US.LA", lat=29.95, lon=-90.07,
                 geonameid=1, feature="city", mentions=[[0, 11]])
    text = "The line ran to Desire Street in present-day Bywater."
    assert place_unknown("Bywater", [45], text, town, town, set(), d) == (town, "local")


def test_a_direction_before_a_country_the_gazetteer_lacks_as_a_whole(nlp):
    an = analyze_article(_article("Wildfires spread across the Western US this summer, officials said."), nlp)
    west = [p for p in an.places if "Western" in p.name]
    assert west and west[0].country == "USA" and west[0].feature == "site", west


def test_in_a_place_after_a_name_places_it_there_and_headlines_and_faiths_place_nothing(nlp):
    d = get_dictionary()
    text = "She studied at the East-West Center in Honolulu for a year."
    found = place_unknown("East-West Center", [19], text, None, None, set(), d)
    assert found is not None and found[0].name == "Honolulu" and found[1] == "site"
    town = Place(id="p1", name="Beijing", country="CHN", admin1="CN.22", lat=39.9, lon=116.4, geonameid=1,
                 feature="capital", mentions=[[0, 7]])
    # a name after "in" in a title-case headline is no suburb of the article's town
    text = "China Tightens Control in Disputed Asian Sea With New Maps\n\nBeijing said on Monday ..."
    assert place_unknown("Disputed Asian Sea", [26], text, town, town, set(), d) is None
    text = "The site is the third holiest in Islam, officials in Beijing said."
    assert place_unknown("Islam", [33], text, town, town, set(), d) is None


def test_the_articles_state_picks_among_counties_of_one_name():
    g = get_gazetteer()
    # 18 US counties are called Montgomery; a story about Iowa means Iowa's, however small
    county = best_candidate(g.lookup("Montgomery County"), Counter({"USA": 6, "US.IA": 5}))
    assert (county.feature, county.admin1) == ("county", "US.IA")
    assert best_candidate(g.lookup("Montgomery County"), Counter({"USA": 1})).admin1 != "US.IA"


def test_a_far_small_namesake_in_a_story_about_one_town_is_read_as_a_local_name(nlp):
    text = ("NEW ORLEANS (AP) \u2014 Crowds packed Bourbon on Saturday night. Police in New Orleans said the crowd "
            "in Bourbon was calm, and New Orleans officials agreed.")
    an = analyze_article(_article(text), nlp)
    bourbon = _place(an, "Bourbon")
    # not the small town of Bourbon far off in another state, but a place of the story's town
    assert (bourbon.feature, bourbon.admin1, bourbon.geonameid) == ("local", "US.LA", None)
    # a qualified namesake stays where the text puts it
    text2 = ("NEW ORLEANS (AP) \u2014 A man from Bourbon, Indiana, was arrested in New Orleans, and New Orleans "
             "police said he would be charged.")
    assert _place(analyze_article(_article(text2), nlp), "Bourbon").admin1 == "US.IN"


def test_a_lone_foreign_spelling_of_a_small_town_is_no_evidence(nlp):
    # "Kalam" in Swat is too small for the gazetteer, which knows the name only as another spelling of India's
    # Kallam: in a story about Pakistan it is left unplaced rather than put in India
    text = ("MINGORA: Floods cut the road between Mingora and Kalam on Sunday, officials in Swat said, and "
            "the road to Kalam stayed shut.")
    an = analyze_article(_article(text, url="https://www.example.pk/news/floods"), nlp)
    assert all(p.country != "IND" for p in an.places), [(p.name, p.country) for p in an.places]


def test_the_citys_names_lie_in_the_articles_town(nlp):
    text = ("DOHA: The forum, held at a conference centre on the city\u2019s West Bay, brought 600 delegates to "
            "Doha this week, organisers in Doha said.")
    an = analyze_article(_article(text, url="https://www.example.qa/news/forum"), nlp)
    bay = _place(an, "West Bay")
    assert bay.country == "QAT" and bay.geonameid is None, bay  # not the Cayman Islands' West Bay
