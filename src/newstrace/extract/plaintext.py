"""The plain-text scrape line classifier: keep the article body, drop site chrome, find title, tags and bio.

A scrape of a news page holds one line per block of the page: menus, the headline (often twice), a tag line,
the body, then widgets (share and comment prompts, related and popular lists, a subscribe form, an author
blurb, copyright). The classifier reads features of each line — length, stop-word share, terminal punctuation,
capitalisation, comma-separated short items, repetition, and the widget vocabulary of ``data/extract`` — and
then the position of each line relative to the densest run of prose (the body block), so it works on pages it
has never seen. Every dropped line is reported with its reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from newstrace.extract.chrome import ChromeVocabulary, chrome_vocabulary
from newstrace.extract.metadata import guess_language, iso_date, stop_words, words
from newstrace.model import Removed

# a line longer than this is measured on its prefix only, so one huge line costs bounded time
FEATURE_CHARS = 4000
# whole-line chrome patterns only apply to lines this short; prompts only to lines with at most this many words
WHOLE_MAX_CHARS = 160
PROMPT_MAX_WORDS = 40
# at most this many dropped lines are listed in Article.removed
MAX_REMOVED = 1000

# scores of the body-block search: prose adds its length, chrome and short lines subtract
CHROME_PENALTY = 60.0
SHORT_PENALTY = 6.0
# headings after which an article does not go on (a related list, the comments): the body block never spans one
END_REASONS = frozenset({"comments", "related content"})
# prose after a comments heading counts this much of its length (readers' comments are not the article)
COMMENTS_WEIGHT = 0.3
# the longest caption a caption label introduces, and the most words of a line in a box under a box heading
CAPTION_MAX_CHARS = 250
BOX_ITEM_MAX_WORDS = 20

_BULLETS = re.compile(r"^[\s•·*\-–—»›>|#+~=]+")
_TRAILING = re.compile(r"[\s:;.,!?…»›|\-–—]+$")
_WS = re.compile(r"\s+")
_TERMINAL = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s*$")
_TAG_SPLIT = re.compile(r"\s*[,;|•·]\s*|\s+#")
_TAG_LABEL = re.compile(
    r"^\s*(tags?|tagged( with)?|topics?|keywords?|filed under|categories|category)\s*[:\-–]\s*", re.I
)
_BYLINE = re.compile(
    r"^\s*((?i:by|von|par|por|di|door))\s+([A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|and|&|de|van|von|der|al|bin))*\s*)(?:[,|\-–—]\s*.*)?$"
)
_DATE_WORDS = re.compile(
    r"\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|"
    r"nov(ember)?|dec(ember)?|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})\b",
    re.I,
)
_DATE_LABEL = re.compile(r"^\s*(published|posted|updated|last updated|date)\s*(on|:)?\s*", re.I)
_BREADCRUMB_SPLIT = re.compile(r"\s+[»›>/|]\s+|\s*[»›]\s*")
_MENU_SPLIT = re.compile(r"\s{2,}|\t|\s+[|·•]\s+")
_HANDLE_OR_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+")


@dataclass
class Line:
    """One non-blank line of the scrape with the features the classifier reads."""

    index: int
    start: int  # offset of the stripped text in the input
    end: int
    text: str
    norm: str  # lower-cased, whitespace folded, bullets and trailing punctuation stripped
    chars: int
    words: int
    stop_share: float
    capital_share: float
    terminal: bool
    block: int  # lines between the same two blank lines share a block number
    kind: str = "short"  # good | near | short | chrome | tags | title | bio | byline | date
    reason: str | None = None


@dataclass
class Classified:
    """What the classifier found: the body lines in order, title, tags, byline, bio, date, dropped lines."""

    body: list[Line]
    title: str | None
    tags: list[str]
    byline: str | None
    author_bio: str | None
    published: str | None
    language: str | None
    removed: list[Removed] = field(default_factory=list)
    removed_total: int = 0


def normalise_line(text: str) -> str:
    """A line as the vocabulary and the repetition count compare it."""
    text = _BULLETS.sub("", text[: WHOLE_MAX_CHARS * 4])
    return _TRAILING.sub("", _WS.sub(" ", text)).strip().lower()


def split_lines(text: str) -> list[tuple[int, int, str, int]]:
    """(start, end, stripped text, block number) of each non-blank line; a blank line starts a new block.

    A hard-wrapped paragraph (a line without closing punctuation followed, in the same block, by a line that
    starts in lower case) is one unit: its lines are joined with a space and its span covers them all.
    """
    out: list[tuple[int, int, str, int]] = []
    block = 0
    pos = 0
    joinable = False
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if not stripped:
            block += 1
            joinable = False
        else:
            lead = len(raw) - len(raw.lstrip())
            start, end = pos + lead, pos + lead + len(stripped)
            if joinable and out and out[-1][3] == block and stripped[:1].islower() and len(out[-1][2]) < 20000:
                prev = out[-1]
                out[-1] = (prev[0], end, prev[2] + " " + stripped, block)
            else:
                out.append((start, end, stripped, block))
            last = out[-1][2]
            joinable = len(stripped.split()) >= 4 and not _TERMINAL.search(last[-20:])
        pos += len(raw)
    return out


def line_features(start: int, end: int, text: str, block: int, index: int, stops: frozenset[str]) -> Line:
    """The features of one line, measured on at most ``FEATURE_CHARS`` characters of it."""
    sample = text[:FEATURE_CHARS]
    tokens = words(sample)
    raw_tokens = re.findall(r"[^\W\d_][\w'’-]*", sample)
    n = len(tokens)
    if len(text) > FEATURE_CHARS and n:
        n = int(n * len(text) / FEATURE_CHARS)
    stop_share = sum(t in stops for t in tokens) / len(tokens) if tokens else 0.0
    capital_share = sum(t[0].isupper() for t in raw_tokens) / len(raw_tokens) if raw_tokens else 0.0
    return Line(
        index=index,
        start=start,
        end=end,
        text=text,
        norm=normalise_line(text),
        chars=len(text),
        words=n,
        stop_share=stop_share,
        capital_share=capital_share,
        terminal=bool(_TERMINAL.search(text[-20:])),
        block=block,
    )


def chrome_reason(line: Line, vocab: ChromeVocabulary) -> str | None:
    """Why a line is site chrome by its vocabulary (a menu entry, a widget heading or prompt), or None."""
    if line.chars <= WHOLE_MAX_CHARS:
        reason = vocab.whole_match(line.norm)
        if reason:
            return reason
    if line.words <= PROMPT_MAX_WORDS:
        return vocab.prompt_match(line.norm)
    return None


def tag_items(line: Line) -> list[str] | None:
    """The items of a tag line (several short comma-separated names, no sentence), or None.

    A tag line lists keywords: at least three items, each a name of one to five words, hardly any function
    words, and no sentence punctuation at its end; a "Tags:" label makes two items enough.
    """
    if line.chars > 400 or line.words > 60:
        return None
    text = line.text
    labelled = bool(_TAG_LABEL.match(text))
    if labelled:
        text = _TAG_LABEL.sub("", text)
    if not labelled and re.search(r"[.!?]\s*$", text):
        return None
    items = [i.strip(" #\t") for i in _TAG_SPLIT.split(text) if i.strip(" #\t")]
    if len(items) < (2 if labelled else 3):
        return None
    sizes = [len(i.split()) for i in items]
    if max(sizes) > 5 or sum(sizes) / len(sizes) > 3.2:
        return None
    if not labelled and line.stop_share > 0.2:
        return None
    # names or keywords, not a clause: most items start with a capital or a digit, or are all lower-case keywords
    capitalised = sum(1 for i in items if i[:1].isupper() or i[:1].isdigit())
    if not labelled and capitalised < len(items) / 2 and not all(i.islower() for i in items):
        return None
    return items


def initial_kind(line: Line, vocab: ChromeVocabulary) -> tuple[str, str | None]:
    """The class a line gets from its own features: chrome (with reason), tags, good, near or short."""
    if _TAG_LABEL.match(line.text) and tag_items(line):
        return "tags", "tag line"
    reason = chrome_reason(line, vocab)
    if reason:
        return "chrome", reason
    if _HANDLE_OR_URL.fullmatch(line.text.strip()):
        return "chrome", "navigation"
    # a breadcrumb or a category trail: three or more short items joined by » › > / |
    crumbs = [c for c in _BREADCRUMB_SPLIT.split(line.text) if c.strip()] if line.chars <= 300 else []
    if len(crumbs) >= 3 and max(len(c.split()) for c in crumbs) <= 5 and not line.terminal:
        return "chrome", "navigation"
    # a menu bar flattened to text: three or more one-to-three-word items set apart by wide gaps or bars
    items = [c for c in _MENU_SPLIT.split(line.text) if c.strip()] if line.chars <= 300 else []
    if len(items) >= 3 and max(len(c.split()) for c in items) <= 3 and not line.terminal:
        return "chrome", "navigation"
    # prose: long enough, made of ordinary running text (function words), usually closed by sentence punctuation
    if line.chars >= 150 and line.stop_share >= 0.22:
        return "good", None
    if line.chars >= 80 and line.stop_share >= 0.28 and line.terminal:
        return "good", None
    if line.chars >= 35 and line.stop_share >= 0.18 and line.terminal and line.words >= 6:
        return "near", None
    # running text cut at a line end still reads as text: many function words in a longer phrase that is not
    # set in title case (a headline in a list of links is)
    if line.words >= 9 and line.chars >= 60 and line.stop_share >= 0.3 and line.capital_share < 0.4:
        return "near", None
    if tag_items(line):
        return "tags", "tag line"
    # a long run of capitalised words with almost no function words is a menu flattened into one line
    if line.words >= 12 and line.stop_share < 0.08 and line.capital_share >= 0.6:
        return "chrome", "navigation"
    return "short", None


def mark_captions_and_boxes(lines: list[Line]) -> None:
    """Mark the lines that belong to a media box or a sidebar box set inside the article as chrome.

    - a caption label that ends in a comma or colon ("Image caption,", "MEDIA CAPTION,") introduces the caption
      on the next line: that line is the caption, however much it reads like prose;
    - a box heading ("A SIMPLE GUIDE", "Key facts") heads a list of short lines (links, facts) that runs until
      the article's prose comes back.
    """
    for i, line in enumerate(lines):
        if line.kind != "chrome":
            continue
        if line.reason == "caption" and line.text.rstrip().endswith((",", ":")):
            if i + 1 < len(lines) and lines[i + 1].kind != "chrome" and lines[i + 1].chars <= CAPTION_MAX_CHARS:
                lines[i + 1].kind, lines[i + 1].reason = "chrome", "caption"
        elif line.reason == "box":
            for item in lines[i + 1 :]:
                # a box lists links (headlines, questions), not sentences: a sentence ends it
                if item.kind in {"good", "chrome"} or item.words > BOX_ITEM_MAX_WORDS \
                        or item.text.rstrip().endswith("."):
                    break
                item.kind, item.reason = "chrome", "box"


def drop_page_labels(paragraphs: list[str]) -> tuple[list[str], list[Removed]]:
    """The paragraphs of an extracted article without the labels of its media and sidebar boxes, and what went.

    An HTML extractor keeps a label set as a paragraph of its own ("IMAGE SOURCE, GETTY IMAGES", "MEDIA
    CAPTION,", "VIDEO", "A SIMPLE GUIDE"); the same rules as the line classifier's drop it (``caption`` and
    ``box`` of the chrome vocabulary), with the caption a label introduces and the links under a box heading.
    """
    vocab = chrome_vocabulary()
    kept: list[str] = []
    removed: list[Removed] = []
    follows: str | None = None  # "caption": the next paragraph is a caption; "box": short link lines follow
    for para in paragraphs:
        norm = normalise_line(para)
        reason = vocab.whole_match(norm) if len(para) <= WHOLE_MAX_CHARS else None
        if reason in ("caption", "box"):
            removed.append(Removed(text=para[:2000], reason=reason))
            follows = "caption" if reason == "caption" and para.rstrip().endswith((",", ":")) else \
                "box" if reason == "box" else None
            continue
        if follows == "caption" and len(para) <= CAPTION_MAX_CHARS:
            removed.append(Removed(text=para, reason="caption"))
            follows = None
            continue
        if follows == "box" and len(para.split()) <= BOX_ITEM_MAX_WORDS and not para.rstrip().endswith("."):
            removed.append(Removed(text=para, reason="box"))
            continue
        follows = None
        kept.append(para)
    return kept, removed


def body_block(lines: list[Line]) -> tuple[int, int] | None:
    """The densest run of prose: the index range [first, last] of lines with the highest summed score.

    Prose adds its length, near-prose half of it, chrome and short lines subtract (Kadane's maximum
    subarray), so the body survives an advert or a subheading inside it but not a menu or a related list. A
    heading that closes an article (related posts, comments) is never inside the run.
    """
    best, best_range = 0.0, None
    run, run_start = 0.0, 0
    weight = 1.0
    for i, line in enumerate(lines):
        if line.kind == "chrome" and line.reason in END_REASONS:
            run = 0.0
            # prose after a comments heading is readers' comments: it counts for less than the article
            if line.reason == "comments":
                weight = COMMENTS_WEIGHT
            continue
        if line.kind == "good":
            score = float(line.chars) * weight
        elif line.kind == "near":
            score = line.chars * 0.5 * weight
        elif line.kind == "chrome":
            score = -CHROME_PENALTY
        elif line.kind == "tags":
            score = -SHORT_PENALTY
        elif line.words >= 4 and line.stop_share >= 0.25:
            score = -SHORT_PENALTY  # a phrase of running text: a subheading, a lead-in, a dek
        else:
            score = -SHORT_PENALTY - min(line.chars, 80) * 0.3
        if run <= 0:
            run, run_start = score, i
        else:
            run += score
        if run > best:
            best, best_range = run, (run_start, i)
    return best_range


def _is_headline(line: Line) -> bool:
    # a headline is a phrase or a sentence of a few words without a closing full stop
    if not (2 <= line.words <= 30 and line.chars <= 250):
        return False
    if line.text.rstrip().endswith(".") and not line.text.rstrip().endswith("..."):
        return False
    return line.kind in {"short", "near", "good"}


def slug_words(url: str | None) -> set[str]:
    """The words of a URL's path (``/2024/05/minister-visits-port-city.html`` -> minister, visits, ...).

    News sites put the headline in the path, so a line that shares its words with the path is the headline.
    """
    if not url:
        return set()
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]+", "", url, flags=re.I).split("?")[0]
    return {w for w in words(path.replace("_", " ").replace("-", " ")) if len(w) > 2} - {
        "html",
        "htm",
        "php",
        "aspx",
        "www",
        "amp",
    }


def find_title(
    lines: list[Line], first: int, hint: str | None, url: str | None = None, stops: frozenset[str] = frozenset()
) -> Line | None:
    """The headline: a headline-shaped line before the body, preferring one that metadata or the URL names.

    Evidence, in order of weight: the title metadata gives; the words it shares with the URL path; being
    printed twice (page heading and article heading); standing right above the body.
    """
    norm_hint = normalise_line(hint) if hint else None
    counts = Counter(line.norm for line in lines)
    slug = slug_words(url)
    best, best_score = None, 0.0
    window = lines[max(0, first - 40) : first + 1]
    for line in window:
        if not _is_headline(line):
            continue
        score = 0.0
        if norm_hint and line.norm and (line.norm == norm_hint or (len(line.norm) > 15 and line.norm in norm_hint)):
            score += 6.0
        content = {w for w in words(line.text[:300]) if w not in stops and len(w) > 2}
        if len(slug) >= 2 and content:
            score += 4.0 * len(content & slug) / len(content)
        if counts[line.norm] >= 2 and line.words >= 4:
            score += 2.0
        # distance to the body in lines of text, not counting chrome, byline, dateline and tag line between
        between = lines[line.index + 1 : first]
        distance = sum(1 for other in between if other.kind not in {"byline", "date", "tags", "chrome"}) + 1
        score += max(0.0, 2.0 - 0.25 * max(distance - 1, 0))
        score += 1.0 if line.words >= 4 else 0.0
        # the shape of a headline: a clause of five to twenty words, no closing full stop
        score += 1.0 if 5 <= line.words <= 20 else 0.0
        score += 0.5 if line.capital_share >= 0.6 else 0.0
        if score > best_score:
            best, best_score = line, score
    return best if best is not None and best_score >= 3.0 else None


def is_bio(line: Line, vocab: ChromeVocabulary, *, inside_body: bool) -> bool:
    """True for an author blurb: profession words and bio cues ("is a ... writer", "follow her on", a handle)."""
    if not (6 <= line.words <= 120):
        return False
    professions = vocab.profession_count(line.norm)
    cues = vocab.bio_cue_count(line.norm)
    if inside_body:
        # the closing lines of an article are a bio only when they say so plainly
        return line.words <= 70 and ((professions >= 1 and cues >= 2) or (professions >= 2 and cues >= 1))
    return (professions >= 1 and cues >= 1) or professions >= 3 or cues >= 2


def _byline(line: Line) -> str | None:
    if line.words > 10:
        return None
    match = _BYLINE.match(line.text)
    return match.group(2).strip() if match else None


def _dateline(line: Line, language: str) -> str | None:
    if line.words > 10 or not _DATE_WORDS.search(line.text):
        return None
    return iso_date(_DATE_LABEL.sub("", line.text).strip(), languages=[language])


def classify(
    text: str,
    *,
    title_hint: str | None = None,
    url: str | None = None,
    known_chrome: Collection[str] = (),
    language: str | None = None,
) -> Classified:
    """Classify the lines of a plain-text scrape and return the body with the metadata found around it.

    ``title_hint`` is a title metadata already gives; ``known_chrome`` holds normalised lines seen across a
    corpus (``CorpusLines.frequent``), which are chrome wherever they appear.
    """
    vocab = chrome_vocabulary()
    language = language or guess_language(text) or "en"
    # pages mix languages (an English article in a German blog theme): English function words count too
    stops = stop_words(language) | stop_words("en")
    lines = [line_features(s, e, t, b, i, stops) for i, (s, e, t, b) in enumerate(split_lines(text))]
    for line in lines:
        line.kind, line.reason = initial_kind(line, vocab)
        if line.kind != "chrome" and line.norm in known_chrome:
            line.kind, line.reason = "chrome", "repeated across corpus"

    mark_captions_and_boxes(lines)

    # a prose line printed several times on a page is a banner or a teaser, not evidence of the body
    # (unless the page has no other prose: then the repeated text is all there is)
    counts = Counter(line.norm for line in lines)
    if any(line.kind == "good" and counts[line.norm] == 1 for line in lines):
        for line in lines:
            if line.kind in {"good", "near"} and counts[line.norm] >= 2:
                line.kind = "short"

    # context: a near-prose line between prose lines is prose (jusText's neighbourhood rule)
    for i, line in enumerate(lines):
        if line.kind == "near":
            prev_good = i > 0 and lines[i - 1].kind == "good"
            next_good = i + 1 < len(lines) and lines[i + 1].kind == "good"
            if prev_good or next_good:
                line.kind = "good"

    tags: list[str] = []
    byline: str | None = None
    published: str | None = None
    bio: str | None = None
    removed: list[Removed] = []

    span = body_block(lines)
    first, last = span if span else (len(lines), len(lines) - 1)

    # tag lines, bylines and datelines sit around the body; they are metadata, not body text
    for line in lines:
        if line.kind == "chrome":
            continue
        if line.kind == "tags":
            tags = tags or (tag_items(line) or [])
            continue
        if line.index <= first + 2 or line.index > last:
            name = _byline(line)
            if name:
                line.kind, line.reason = "byline", "byline"
                byline = byline or name
                continue
            if line.kind == "short" and line.index < first + 2 and published is None:
                date = _dateline(line, language)
                if date:
                    line.kind, line.reason = "date", "dateline"
                    published = published or date
                    continue

    title_line = find_title(lines, first if span else min(len(lines), 3), title_hint, url, stops)
    title = title_line.text if title_line else None
    if title_line is not None:
        seen_title = False
        for line in lines:
            if line.norm == title_line.norm and line.kind != "chrome":
                line.kind, line.reason = "title", ("duplicate title" if seen_title else "title")
                seen_title = True
        if span and lines[first].kind == "title":
            first += 1
        # the standfirst (dek): a sentence right under the headline, before the byline, dateline and body
        if span and title_line.index < first:
            for line in lines[title_line.index + 1 : first]:
                if line.kind in {"byline", "date", "tags"}:
                    continue
                if line.kind in {"good", "near"} or (
                    line.kind == "short" and line.words >= 6 and line.stop_share >= 0.25
                ):
                    first = line.index
                break
    elif title_hint:
        hint_norm = normalise_line(title_hint)
        for line in lines:
            if line.norm == hint_norm:
                line.kind, line.reason = "title", "duplicate title"

    # the author blurb follows the body (after a widget heading, usually) or closes it
    for line in lines[last + 1 :] if span else []:
        if line.kind in {"good", "near", "short"} and is_bio(line, vocab, inside_body=False):
            line.kind, line.reason = "bio", "author bio"
            bio = bio or line.text
    for line in lines[max(first + 1, last - 2) : last + 1] if span else []:
        if line.kind in {"good", "near", "short"} and is_bio(line, vocab, inside_body=True):
            line.kind, line.reason = "bio", "author bio"
            bio = bio or line.text

    # within the body block a line repeated verbatim (a pull quote, a caption printed twice) is kept once
    # what follows a related-content or comments heading after the body belongs to that list
    section: str | None = None
    for line in lines[last + 1 :] if span else []:
        if line.kind == "chrome":
            section = line.reason if line.reason in END_REASONS else section
        elif line.reason is None and section:
            line.reason = section

    body: list[Line] = []
    seen: set[str] = set()
    total_removed = 0
    for line in lines:
        inside = span is not None and first <= line.index <= last
        keep = inside and line.kind in {"good", "near", "short"}
        if keep and line.norm in seen and line.words > 0:
            line.reason = "duplicate"
            keep = False
        if keep:
            seen.add(line.norm)
            body.append(line)
            continue
        reason = line.reason or _outside_reason(line, first)
        total_removed += 1
        if len(removed) < MAX_REMOVED:
            removed.append(Removed(text=line.text[:2000], reason=reason))
    return Classified(
        body=body,
        title=title,
        tags=tags,
        byline=byline,
        author_bio=bio,
        published=published,
        language=language,
        removed=removed,
        removed_total=total_removed,
    )


def _outside_reason(line: Line, first: int) -> str:
    """Why a line outside the body block was dropped, by where it sits and what it looks like."""
    if line.kind == "good":
        return "related content"  # prose, but separated from the body by chrome: teasers, comments
    return "navigation" if line.index < first else "widget"


class CorpusLines:
    """Counts normalised short lines across the documents of a corpus (or of one outlet).

    A short line that recurs in many documents of one site is its chrome ("Sign up for our briefing"); pass
    ``frequent()`` as ``known_chrome`` to ``classify`` for the next documents of that site.
    """

    def __init__(self, max_words: int = 20) -> None:
        self.max_words = max_words
        self.docs = 0
        self.counts: Counter[str] = Counter()

    def add(self, text: str) -> None:
        """Count the distinct short lines of one document."""
        self.docs += 1
        distinct = {normalise_line(t) for _, _, t, _ in split_lines(text) if len(t.split()) <= self.max_words}
        self.counts.update(d for d in distinct if d)

    def frequent(self, min_docs: int = 3, min_share: float = 0.5) -> set[str]:
        """The lines found in at least ``min_docs`` documents and in ``min_share`` of all documents counted."""
        floor = max(min_docs, int(self.docs * min_share))
        return {line for line, n in self.counts.items() if n >= floor}
