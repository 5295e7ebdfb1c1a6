"""The line classifier on scrapes written for this project, each with its own kind of site chrome."""

from __future__ import annotations

from newstrace.extract import CorpusLines, extract
from newstrace.extract.plaintext import classify, split_lines, tag_items


def _reasons(article) -> dict[str, str]:
    return {r.text: r.reason for r in article.removed}


def test_news_site_scrape(raw):
    art = extract(raw("courier-scrape.txt", url="https://www.valdoria-courier.com/ports/dockworkers-end-strike"))
    assert art.title == "Dockworkers in Port Alesse end nine-day strike after wage deal"
    assert art.byline == "Mara Ellison"
    assert art.published == "2025-03-04"
    assert art.tags == ["Port Alesse", "dock strike", "Valdoria", "labour unions"]
    assert art.outlet == "valdoria-courier.com"
    assert art.url == "https://www.valdoria-courier.com/ports/dockworkers-end-strike"
    assert "senior correspondent" in art.meta["author_bio"]
    body = art.text[art.meta["body_start"] :]
    assert body.startswith("Dockworkers in Port Alesse returned to the quays")
    assert body.endswith("help cover the cost of the deal.")
    assert len(art.paragraphs) == 6  # headline + five paragraphs
    reasons = _reasons(art)
    assert reasons["Skip to content"] == "navigation"
    assert reasons["Home » World » Valdoria » Ports"] == "navigation"
    assert reasons["Share this article"] == "widget"
    assert reasons["Related stories"] == "related content"
    assert reasons["Union leader warns of longer walkout"] == "related content"
    assert reasons["© 2025 The Valdoria Courier. All rights reserved."] == "copyright"
    assert reasons["Accept"] == "cookie"
    assert any(reason == "cookie" and text.startswith("We use cookies") for text, reason in reasons.items())
    for chrome in ("Facebook", "Related stories", "cookie", "All rights reserved", "Follow her"):
        assert chrome not in art.text


def test_blog_scrape_with_comments_and_inline_newsletter_prompt(raw):
    art = extract(raw("ridgeline-blog-scrape.txt"))
    assert art.title == "Why the Casmir river ferry still runs at a loss"
    body = art.text[art.meta["body_start"] :]
    assert body.startswith("Every morning at six")
    assert body.endswith("which side has the votes.")
    # the prompt inside the body is dropped, the paragraphs around it are kept
    assert "newsletter" not in art.text
    assert "Residents on the eastern bank" in art.text
    reasons = _reasons(art)
    assert reasons["Ilse Varga March 5, 2025 at 10:14 am"] == "comments"
    assert reasons["Leave a Reply"] == "widget"
    assert reasons["Proudly powered by WordPress"] == "copyright"
    assert "I take this ferry every day" not in art.text
    assert art.text.count("Why the Casmir river ferry") == 1


def test_hard_wrapped_lines_are_joined_into_paragraphs(raw):
    art = extract(raw("wrapped-bulletin.txt"))
    assert art.title == "Lantern Valley water board approves new reservoir study"
    paragraphs = [art.text[s:e] for s, e in art.paragraphs]
    assert paragraphs[1].startswith("The Lantern Valley water board voted on Thursday")
    assert paragraphs[1].endswith("at a third of its capacity.")
    assert paragraphs[-1] == "The board will publish the terms of the study next month."
    assert [r.reason for r in art.removed] == ["title"]


def test_as_is_keeps_the_input_exactly(raw):
    doc = raw("courier-scrape.txt")
    art = extract(doc, as_is=True)
    assert art.text == doc.content.decode("utf-8")
    assert art.meta["body_start"] == 0
    assert art.removed == []
    # metadata is still found
    assert art.title == "Dockworkers in Port Alesse end nine-day strike after wage deal"
    assert art.tags == ["Port Alesse", "dock strike", "Valdoria", "labour unions"]
    # paragraphs are the blank-line blocks of the input, as spans into it
    first = art.paragraphs[0]
    assert art.text[first[0] : first[1]] == "Skip to content\nMenu\nHome » World » Valdoria » Ports"
    for start, end in art.paragraphs:
        assert art.text[start:end] == art.text[start:end].strip()


def test_json_record_title_and_meta_win(raw):
    text = "\n\n".join(
        [
            "Subscribe to our newsletter",
            "The Orsk town hall will close for repairs from Monday, the mayor's office said in a statement on "
            "Friday, and services will move to the library for six weeks.",
            "Residents can renew permits online during the closure, the statement said.",
        ]
    ).encode("utf-8")
    doc = raw(
        text,
        "json",
        format="text",
        url="https://news.orsk-herald.net/town-hall-closes",
        title="Orsk town hall to close for repairs",
        published="2025-02-14T08:00:00Z",
        author="Lida Varn",
        tags=["Orsk", "local government"],
    )
    art = extract(doc)
    assert art.title == "Orsk town hall to close for repairs"
    assert art.byline == "Lida Varn"
    assert art.published.startswith("2025-02-14T08:00:00")
    assert art.tags == ["Orsk", "local government"]
    assert art.outlet == "orsk-herald.net"
    assert "newsletter" not in art.text
    assert art.text.startswith("Orsk town hall to close for repairs\n\nThe Orsk town hall will close")


def test_tag_items_needs_a_list_of_names():
    lines = {t: i for i, t in enumerate(["Ports, Strikes, Valdoria, Trade unions", "He came, he saw, he left."])}
    classified = classify("\n".join(lines))
    assert classified.tags == ["Ports", "Strikes", "Valdoria", "Trade unions"]
    from newstrace.extract.metadata import stop_words
    from newstrace.extract.plaintext import line_features

    sentence = line_features(0, 25, "He came, he saw, he left.", 0, 0, stop_words("en"))
    assert tag_items(sentence) is None


def test_lines_repeated_across_a_corpus_are_chrome():
    footer = "Support the Lowland Courier's reporting on coastal towns and fisheries every week"
    texts = [
        f"Story number {i}: the coastal ferry between Holm and Varrick carried {i * 40} passengers this week, "
        f"the operator said, as repairs to the pier continued on schedule.\n{footer}"
        for i in range(1, 5)
    ]
    corpus = CorpusLines()
    for t in texts:
        corpus.add(t)
    known = corpus.frequent(min_docs=3)
    assert footer.lower() in known
    classified = classify(texts[0], known_chrome=known)
    assert all(footer not in line.text for line in classified.body)
    assert any(r.reason == "repeated across corpus" for r in classified.removed)


def test_split_lines_reports_offsets_into_the_input():
    text = "  Alpha line one\n\nBeta line\n"
    spans = split_lines(text)
    assert [(text[s:e], block) for s, e, _, block in spans] == [("Alpha line one", 0), ("Beta line", 1)]


def test_a_huge_single_line_is_handled(raw):
    sentence = "The harbour master of Port Alesse said the ships would wait at anchor until the tide turned. "
    content = (sentence * 30000).encode("utf-8")  # about 2.7 MB on one line
    art = extract(raw(content))
    assert art.text.startswith("The harbour master")
    assert len(art.paragraphs) == 1


def test_menu_bars_and_share_bars_flattened_into_one_line(raw):
    text = "\n\n".join(
        [
            "THE SALTMARSH TRIBUNE",
            "News   Region   Sport   Culture   Weather",
            "Ferry operator doubles winter sailings to the outer islands",
            "By Odile Marchetti",
            "Share:  Facebook   X   Telegram   Email",
            "The island ferry company will run two sailings a day to Fenn and Sorrow Rock from November, its "
            "director said on Monday, after complaints that a single crossing left pupils stranded overnight.",
            "The extra sailings will be paid for by the regional transport fund until the end of March.",
        ]
    ).encode("utf-8")
    art = extract(raw(text))
    assert art.title == "Ferry operator doubles winter sailings to the outer islands"
    assert art.byline == "Odile Marchetti"
    reasons = _reasons(art)
    assert reasons["News   Region   Sport   Culture   Weather"] == "navigation"
    assert "Telegram" not in art.text and "Weather" not in art.text
    assert art.text.endswith("until the end of March.")
