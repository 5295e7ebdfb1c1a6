"""The quotes component on the motivating op-ed, the example corpus, sentences written for these tests and bad
input; the quote-mark scanner on its own; the ``quotes`` command over a real store. Everything runs through the
real spaCy pipeline (``nlp`` fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.analyze.lexicons import clear_cache, words
from newstrace.analyze.pipeline import analyze_article
from newstrace.analyze.quotemarks import find_quotes
from newstrace.model import Analysis, Article, Quote, article_id

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"


def analyse(nlp, text: str) -> Analysis:
    """The analysis of a text written for a test, exactly as given."""
    art = Article(id=article_id(text or "empty"), url=None, outlet=None, title=None, byline=None, published=None,
                  tags=[], language="en", text=text)
    return analyze_article(art, nlp)


def speaker_name(an: Analysis, q: Quote) -> str | None:
    names = {e.id: e.name for e in an.entities}
    return names.get(q.speaker or "")


def quote_with(an: Analysis, words_in: str) -> Quote:
    found = [q for q in an.quotes if words_in in q.text]
    assert found, f"no quote contains {words_in!r}: {[q.text[:60] for q in an.quotes]}"
    return min(found, key=lambda q: q.end - q.start)


@pytest.fixture(scope="module")
def corpus_records(nlp):
    """Every article of the example corpus, extracted and analysed: {file-or-line id: (Article, Analysis)}."""
    from newstrace.collect import collect
    from newstrace.ingest import extract_one

    out = {}
    for raw in collect([str(CORPUS)]):
        art = extract_one(raw)
        if isinstance(art, Article):
            name = raw.uri.rsplit("/", 1)[-1]
            key = name[:2] if not name.startswith("11") else "11#" + name.rsplit("#L", 1)[-1]
            out[key] = (art, analyze_article(art, nlp))
    return out


# -- the motivating op-ed (done-when) -------------------------------------------------------------------------------

def test_oped_block_passage_is_rubins(oped_record):
    art, an = oped_record
    block = quote_with(an, "arrived in Kabul today")
    assert block.block and block.cue == "wrote"
    assert speaker_name(an, block) == "Michael Rubin"
    # the passage runs over the following paragraphs to the excerpt's ellipsis, not into the author's conclusion
    assert "the infighting has" in block.text
    assert "evidently proves" not in block.text
    assert art.text[block.start:block.end] == block.text


def test_oped_puppet_line_is_rubins(oped_record):
    _, an = oped_record
    q = quote_with(an, "ISI puppet")
    assert speaker_name(an, q) == "Michael Rubin" and q.cue == "wrote"
    assert "Commenting on" not in q.text


def test_oped_clinton_quotes_through_pronoun(oped_record):
    _, an = oped_record
    first = quote_with(an, "make peace with your friends")
    second = quote_with(an, "engage with your enemies")
    for q in (first, second):
        assert speaker_name(an, q) == "Hillary Clinton"
        assert q.direct and q.speaker_text == "she" and q.cue == "explained"


def test_oped_biden_reported_speech(oped_record):
    _, an = oped_record
    q = quote_with(an, "Trump’s deal tied his hands")
    assert speaker_name(an, q) == "Joe Biden"
    assert not q.direct and q.speaker_text == "He" and q.cue == "said"


def test_oped_quotes_carry_offsets_and_spans(oped_record):
    art, an = oped_record
    for q in an.quotes:
        assert art.text[q.start:q.end] == q.text
        if q.speaker_span:
            assert art.text[q.speaker_span[0]:q.speaker_span[1]] == q.speaker_text
        if q.cue_span:
            assert art.text[q.cue_span[0]:q.cue_span[1]] == q.cue
    assert [q.id for q in an.quotes] == [f"q{i}" for i in range(1, len(an.quotes) + 1)]


# -- the example corpus ---------------------------------------------------------------------------------------------

def test_corpus_quote_spanning_two_paragraphs(corpus_records):
    _, an = corpus_records["01"]
    q = quote_with(an, "no wish to interfere")
    assert "We want a stable neighbour" in q.text and "\n" in q.text
    assert speaker_name(an, q) == "Ayesha Farooqi"


def test_corpus_pronoun_cues(corpus_records):
    _, an = corpus_records["02"]
    q = quote_with(an, "access is not the same as influence")
    assert speaker_name(an, q) == "Khalid Mehmood Tarar" and q.speaker_text == "he"
    _, an5 = corpus_records["05"]
    for part in ("Nobody negotiates an end to a war", "You sit down with the side"):
        assert speaker_name(an5, quote_with(an5, part)) == "Miriam Castellane"


def test_corpus_single_curly_quotes_and_speaker_after_cue(corpus_records):
    _, an = corpus_records["10"]
    q = quote_with(an, "A single oil spill near an intake")
    assert q.direct and speaker_name(an, q) == "Lina Haddad-Rowe"
    _, an4 = corpus_records["11#4"]
    q4 = quote_with(an4, "Many families have lost everything")
    assert speaker_name(an4, q4) == "Shazia Khattak" and q4.cue == "said"


def test_corpus_reported_speech_and_according_to(corpus_records):
    _, an = corpus_records["03"]
    hart = quote_with(an, "Washington had made no concessions")
    assert speaker_name(an, hart) == "Margaret Hart" and not hart.direct
    akhtari = [q for q in an.quotes if "open the way to talks" in q.text and q.cue == "told"]
    assert akhtari and speaker_name(an, akhtari[0]) == "Nazar Mohammad Akhtari"
    statement = [q for q in an.quotes if q.cue == "according to"]
    assert statement and statement[0].kind == "document" and "foreign ministry" in statement[0].speaker_text


def test_corpus_copied_passage_is_the_writers_until_the_outlet_speaks(corpus_records):
    art, an = corpus_records["07"]
    block = quote_with(an, "arrived in Kabul today")
    assert block.block and block.cue == "wrote" and speaker_name(an, block) == "Eleanor Whitcombe"
    assert block.text.rstrip().endswith("Helmand, Kunar or Paktia.")
    assert block.text.count("\n\n") == 3  # four paragraphs
    assert "evidently proves" not in block.text
    ours = [q for q in an.quotes if q.cue and "learned" in q.cue]
    assert ours and ours[0].kind == "author"


def test_corpus_straight_quotes_and_anonymous_sources(corpus_records):
    _, an = corpus_records["11#1"]
    q = quote_with(an, "Our Pakistani brothers came to discuss trade")
    assert speaker_name(an, q) == "Qari Nasrullah Hamdard"
    anon = [q for q in an.quotes if q.kind == "anonymous" and q.speaker_text and "official" in q.speaker_text]
    assert anon and all(q.speaker is None for q in anon)


def test_corpus_role_description_and_pronoun_after_a_quote(corpus_records):
    _, an = corpus_records["11#3"]
    chief = quote_with(an, "share its border logs")
    assert chief.speaker_text == "The ISPR chief" and speaker_name(an, chief) == "Shahid Rauf Minhas"
    told = quote_with(an, "No Pakistani artillery unit was active")
    assert told.speaker_text == "he" and speaker_name(an, told) == "Shahid Rauf Minhas"


# -- sentences written for these tests ------------------------------------------------------------------------------

def test_description_binds_to_named_person_in_previous_sentence(nlp):
    an = analyse(nlp, "Colonel Petra Lindqvist toured the depot on Monday. The former army officer said that the "
                      "stocks would last until spring.")
    q = quote_with(an, "the stocks would last until spring")
    assert speaker_name(an, q) == "Petra Lindqvist"


def test_unnamed_official_is_anonymous_not_guessed(nlp):
    an = analyse(nlp, "Mayor Anton Berg opened the bridge.\n\nA senior official said the bridge had cost twice the "
                      "budget.")
    q = quote_with(an, "had cost twice the budget")
    assert q.speaker is None and q.kind == "anonymous"


def test_pronoun_never_bound_across_paragraphs(nlp):
    an = analyse(nlp, "Governor Alma Reyes visited the port of Valdora.\n\n\u201cThe harbour will reopen next "
                      "month,\u201d she said.")
    q = quote_with(an, "The harbour will reopen")
    assert q.speaker is None and q.speaker_text == "she"


def test_according_to_an_outlet(nlp):
    an = analyse(nlp, "The dam at Corvel was closed for repairs, according to the Valdora Times.")
    q = quote_with(an, "The dam at Corvel was closed")
    assert q.cue == "according to" and q.kind == "outlet"


def test_hearsay_passive_is_anonymous(nlp):
    an = analyse(nlp, "The rebel commander is said to have crossed the river at night.")
    q = quote_with(an, "crossed the river")
    assert q.kind == "anonymous" and q.speaker is None


# -- bad input ------------------------------------------------------------------------------------------------------

def test_no_quotes_and_empty_text(nlp):
    assert analyse(nlp, "").quotes == []
    assert analyse(nlp, "The river rose by two metres overnight. Schools stayed closed.").quotes == []


def test_hundreds_of_quotes(nlp):
    text = "\n\n".join(f"\u201cLine number {i} of the ledger is correct,\u201d said Clerk Ivo Marsh." for i in range(300))
    an = analyse(nlp, text)
    direct = [q for q in an.quotes if q.direct]
    assert len(direct) == 300
    assert all("Ivo Marsh" in (speaker_name(an, q) or q.speaker_text or "") for q in direct)


def test_measure_marks_are_not_quotes(nlp):
    text = "The suspect is 5'11\" tall and ran the lap in 3' 20\" before he was caught near the 12\" pipe."
    assert analyse(nlp, text).quotes == []
    assert find_quotes(text) == []


def test_unbalanced_mark_does_not_swallow_paragraphs(nlp):
    text = ("The council met on Tuesday and called the plan an \u201cefforts to fix the roads.\n\n"
            "The vote was close. The budget passed by one vote.\n\n"
            "\u201cWe will start in May,\u201d said Councillor Bea Holm.")
    an = analyse(nlp, text)
    assert all("The vote was close" not in q.text for q in an.quotes)
    q = quote_with(an, "We will start in May")
    assert "Bea Holm" in (speaker_name(an, q) or "")


def test_nested_quotes_stay_inside_the_outer_quote():
    text = "\u201cHe told me \u2018never again\u2019 and left,\u201d she said."
    marked = find_quotes(text)
    assert len(marked) == 1
    assert text[marked[0].inner_start:marked[0].inner_end] == "He told me \u2018never again\u2019 and left,"


def test_speaker_never_named(nlp):
    an = analyse(nlp, "The letter ended abruptly. \u201cNothing here can be trusted any longer.\u201d")
    q = quote_with(an, "Nothing here can be trusted")
    assert q.speaker is None and q.speaker_text is None


def test_scare_quotes_are_not_quotes(nlp):
    an = analyse(nlp, "The delay turned into an \u201cemergency\u201d measure and the ferry left Valdora.")
    assert all(q.text != "emergency" for q in an.quotes)
    # with a cue the same short phrase is the speaker's word: the minister called it an "emergency"
    an = analyse(nlp, "Minister Oskar Vail called the delay an \u201cemergency\u201d on Monday.")
    assert "Oskar Vail" in (speaker_name(an, quote_with(an, "emergency")) or "")


def test_very_long_sentence_is_bounded(nlp):
    text = "Officials said that " + ", ".join(f"district {i} reported flooding" for i in range(400)) + "."
    an = analyse(nlp, text)
    assert an.quotes and an.quotes[0].kind == "anonymous"


# -- lexicons as data -----------------------------------------------------------------------------------------------

def test_user_lexicon_extends_cue_verbs(tmp_path, monkeypatch):
    extra = tmp_path / "cues.yaml"
    extra.write_text("lexicon: quotes/cues\nspeech_verbs: [harrumph]\n", encoding="utf-8")
    monkeypatch.setenv("NEWSTRACE_LEXICONS", str(extra))
    clear_cache()
    try:
        verbs = words("quotes/cues", "speech_verbs")
        assert "harrumph" in verbs and "say" in verbs
    finally:
        monkeypatch.delenv("NEWSTRACE_LEXICONS")
        clear_cache()
    assert "harrumph" not in words("quotes/cues", "speech_verbs")


# -- the CLI --------------------------------------------------------------------------------------------------------

def test_quotes_command_filters_by_speaker(corpus_db):
    from newstrace.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["quotes", "--db", str(corpus_db), "--speaker", "Castellane", "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows and all(r["who"] == "Miriam Castellane" for r in rows)
    assert {r["cue"] for r in rows} == {"explained"}
    res = runner.invoke(app, ["quotes", "--db", str(corpus_db), "--reported", "-n", "3", "-f", "csv"])
    assert res.exit_code == 0 and res.stdout.splitlines()[0].startswith("article,outlet,who,cue,direct,text")
    assert len(res.stdout.strip().splitlines()) == 4
    res = runner.invoke(app, ["quotes", "--db", str(corpus_db), "--format", "yaml"])
    assert res.exit_code == 2


# -- page labels left in the text (issue 17) ----------------------------------------------------------------------

LABELLED_PAGE = """Velmora floods: Thousands flee

IMAGE SOURCE, GETTY IMAGES

Image caption, "We lost everything," says farmer Edda Lund

VIDEO

"The water came in the middle of the night," a teacher from Ossaly said.

MEDIA CAPTION: Residents describe the night the river rose

A SIMPLE GUIDE: "How floods are forecast"

Related Topics: Velmora, Floods

"We expect cases of cholera within days," said Jonas Albrecht of Open Hands.

VIDEO: "The river is still rising"
"""


def test_page_labels_never_speak(nlp) -> None:
    """A page's labels ("MEDIA CAPTION:", "A SIMPLE GUIDE:", "VIDEO:") stand where a speaker would when an
    extractor keeps them; they are no source, while the people quoted around them still are."""
    an = analyse(nlp, LABELLED_PAGE)
    speakers = {q.speaker_text for q in an.quotes if q.speaker_text}
    assert not speakers & {"MEDIA CAPTION", "A SIMPLE GUIDE", "VIDEO", "Related Topics", "IMAGE SOURCE"}, speakers
    assert {"Edda Lund", "Jonas Albrecht"} <= {speaker_name(an, q) for q in an.quotes}


def test_a_transcript_in_capitals_still_speaks(nlp) -> None:
    text = ("HOST: Welcome back to the programme.\n\nMARCHETTI: Thank you for having me.\n\n"
            "HOST: Will the harbour reopen this week?\n\nMARCHETTI: Not before the inspectors finish.")
    an = analyse(nlp, text)
    assert {q.speaker_text for q in an.quotes} >= {"MARCHETTI"}


def test_running_text_in_capitals_and_a_video_as_evidence_still_speak(nlp) -> None:
    """Only a label in a label's place (opening its line, before a colon, a comma or the line's end) is
    silenced: a subject in a text set in capitals, or a video cited in running text, still attributes."""
    caps = analyse(nlp, "THE HARBOUR MINISTER SAID ON MONDAY THAT THE PORT WOULD REOPEN NEXT WEEK.")
    assert [q.speaker_text for q in caps.quotes] == ["THE HARBOUR MINISTER"]
    video = analyse(nlp, "Harbour police said the crowd was calm.\n\nVideo shows that officers fired tear gas "
                         "first, contradicting the police account.")
    assert ("Video", "document") in {(q.speaker_text, q.kind) for q in video.quotes}
