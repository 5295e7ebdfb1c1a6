"""Claims: an event with its specifics, the unit that corroboration counts.

A story groups reports of one real-world event; inside it, each mention states a **claim**: its event type and
mode, its named counterparts (a visit's destination is its place, not a counterpart), and the qualifiers that make
it another claim ("secret" talks, a toll of 12 dead). A mention **supports** a claim when it states that claim or a
more specific one: "held secret talks with Al Qaeda in Kabul" supports "held talks", never the reverse, so a report
of the visit does not support the secret meeting. A negated mention **denies** a claim when it negates that claim or
a more general one ("did not meet anyone" denies the secret meeting; "did not meet Al Qaeda" leaves the visit).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


from newstrace.link.stories import Mention, named_keys
from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import rule_files

log = logging.getLogger(__name__)

WORDS = re.compile(r"[\w'-]+")
# a count before a word of death or injury: "12 people were killed", "three civilians dead", "at least 30 killed"
# (a lookahead, so that every word is tried as the count: "at least 30 people were killed")
TOLL = re.compile(r"\b(\d[\d,]*|[a-z]+)(?=\s+(?:[\w,'-]+\s+){0,5}?(?:were\s+|was\s+|are\s+|have\s+been\s+|had\s+been\s+)?"
                  r"(killed|dead|died|drowned|wounded|injured|hurt)\b)", re.I)
# a word of death or injury before its count: "killing 12 people", "kills 12", "wounding 19 others"
TOLL_AFTER = re.compile(r"\b(kill(?:s|ed|ing)?|wound(?:s|ed|ing)?|injur(?:es|ed|ing)?)\s+(?:at\s+least\s+)?"
                        r"(\d[\d,]*|[a-z]+)\b", re.I)
DEATH_WORDS = ("kill", "dead", "die", "drown")
PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
PLACE_TARGET_EVENTS = frozenset({"ASSAULT", "COERCE", "MOBILIZE"})
FACT = "fact"


@dataclass(frozen=True)
class ClaimRules:
    """The claim rules read from ``data/link/claims.yaml`` and the user's lexicon files."""

    qualifiers: dict[str, str]  # word or phrase (case-folded) -> qualifier name
    window: int
    toll_words: dict[str, int]
    toll_types: frozenset[str]
    labels: dict[str, str]
    nouns: dict[str, str]
    same_modes: dict[tuple[str, str], str]  # (type, mode) -> the mode it counts as in a claim
    stances: dict[str, str] = field(default_factory=dict)  # modality -> stance of its claim (fact if absent)
    stance_labels: dict[str, str] = field(default_factory=dict)  # stance -> prefix of its label ("Expected: ")


@lru_cache(maxsize=1)
def load_rules() -> ClaimRules:
    """The shipped claim rules, extended by any ``NEWSTRACE_LEXICONS`` file that has claim keys."""
    files: list[Path] = [DATA_DIR / "link" / "claims.yaml", *get_settings().lexicon_files]
    quals: dict[str, str] = {}
    window, tolls, toll_types, labels, nouns = 3, {}, set(), {}, {}
    same: dict[tuple[str, str], str] = {}
    stances: dict[str, str] = {}
    stance_labels: dict[str, str] = {}
    for data in rule_files(files, "claim rules"):
        stances.update({str(k): str(v) for k, v in (data.get("claim_stances") or {}).items()})
        stance_labels.update({str(k): str(v) for k, v in (data.get("claim_stance_labels") or {}).items()})
        for name, words in (data.get("claim_qualifiers") or {}).items():
            for w in words or []:
                quals[str(w).casefold()] = str(name)
        window = int(data.get("qualifier_window", window))
        tolls.update({str(k).casefold(): int(v) for k, v in (data.get("toll_words") or {}).items()})
        toll_types.update(str(t).upper() for t in data.get("toll_types") or [])
        labels.update({str(k): str(v) for k, v in (data.get("claim_labels") or {}).items()})
        nouns.update({str(k): str(v) for k, v in (data.get("claim_nouns") or {}).items()})
        for etype, groups in (data.get("claim_same_modes") or {}).items():
            for group in groups or []:
                modes = [str(x) for x in group or []]
                same.update({(str(etype).upper(), x): modes[0] for x in modes})
    return ClaimRules(quals, window, tolls, frozenset(toll_types), labels, nouns, same, stances, stance_labels)


# -- what a mention claims ------------------------------------------------------------------------------------------

def _trigger_at(words: list[str], trigger: str | None) -> int | None:
    """The index of the event word among the sentence's words (its first word, case-folded), if found."""
    if not trigger:
        return None
    head = trigger.casefold().split()[0] if trigger.split() else ""
    for i, w in enumerate(words):
        if w == head or (len(head) > 3 and w.startswith(head[:-1])):
            return i
    return None


def qualifiers(m: Mention, rules: ClaimRules | None = None) -> frozenset[str]:
    """The qualifiers of a mention's claim: words next to its event word, and the toll of a violent event."""
    rules = rules or load_rules()
    text = (m.evidence or "").casefold()
    words = WORDS.findall(text)
    out: set[str] = set()
    at = _trigger_at(words, m.trigger)
    if at is not None:
        # the modifier of the event word: "secret talks", "secretly met", "met secretly"
        near = words[max(0, at - rules.window) : at + 2]
        joined = " ".join(near)
        for phrase, name in rules.qualifiers.items():
            if (" " in phrase and phrase in joined) or phrase in near:
                out.add(name)
    if m.type in rules.toll_types:
        toll = _toll(text, rules)
        if toll is not None:
            out.add(toll)
    return frozenset(out)


def _number(word: str, rules: ClaimRules) -> int | None:
    w = word.replace(",", "")
    if w.isdigit():
        return int(w)
    return rules.toll_words.get(w.casefold())


def _toll(text: str, rules: ClaimRules) -> str | None:
    """The death toll the sentence gives ("killed 12 people", "three civilians were killed"), the largest when it
    gives several; the injured count only where nobody is said to have died (tolls of the wounded vary more from
    report to report, and "12 killed and 19 wounded" is a claim of 12 dead)."""
    deaths: list[int] = []
    hurt: list[int] = []
    for count, word in [(g.group(1), g.group(2)) for g in TOLL.finditer(text)] + \
            [(g.group(2), g.group(1)) for g in TOLL_AFTER.finditer(text)]:
        n = _number(count, rules)
        if n is None or n >= 100_000:
            continue
        (deaths if word.casefold().startswith(DEATH_WORDS) else hurt).append(n)
    if deaths:
        return f"toll:{max(deaths)}"
    return f"hurt:{max(hurt)}" if hurt else None


def claim_targets(m: Mention) -> frozenset[str]:
    """The named counterparts that make the claim: a visit's destination is its place, not a counterpart."""
    targets = named_keys(m.targets)
    # where an attack or a visit lands is its place: "shells hit Kunar", "flew to Kabul"
    if (m.mode == "visit" or m.type in PLACE_TARGET_EVENTS) and (m.target_types & PLACE_TYPES or not m.target_types):
        return frozenset()
    return targets


@dataclass(frozen=True)
class ClaimKey:
    """What one claim states: type, mode, named counterparts, qualifiers."""

    type: str
    mode: str | None
    targets: frozenset[str]
    qualifiers: frozenset[str]
    stance: str = FACT  # fact, or what a prediction or a hypothesis claims ("expected", "possible")

    def text(self) -> str:
        parts = [self.type, self.mode or "", ",".join(sorted(self.targets)), ",".join(sorted(self.qualifiers))]
        return "|".join(parts if self.stance == FACT else [*parts, self.stance])


def claim_key(m: Mention, rules: ClaimRules | None = None) -> ClaimKey:
    """The claim a mention states; modes that tell one happening from two angles count as one ("met the council
    in Lakemont" and "visited Lakemont" are one trip's claim), as ``claim_same_modes`` lists them."""
    rules = rules or load_rules()
    mode = rules.same_modes.get((m.type, m.mode), m.mode) if m.mode else None
    return ClaimKey(m.type, mode, claim_targets(m), qualifiers(m, rules), rules.stances.get(m.modality, FACT))


def supports(k: ClaimKey, claim: ClaimKey) -> bool:
    """Whether a mention stating ``k`` supports ``claim``: the same claim, or a more specific one (a claim of no
    mode, such as "held talks", is supported by a visit or a meeting of the same people; never the reverse)."""
    # "is expected to resign" never supports "resigned", nor the reverse: a prediction is a claim of its own
    return (k.type == claim.type and k.stance == claim.stance and (claim.mode is None or k.mode == claim.mode)
            and claim.targets <= k.targets and _quals_cover(k.qualifiers, claim.qualifiers))


def denies(k: ClaimKey, claim: ClaimKey) -> bool:
    """Whether a negated mention stating ``k`` denies ``claim``: the same claim negated, or a more general one."""
    # a mode on one side only still speaks of the same act: "did not fire artillery" denies "shells hit"
    return (k.type == claim.type and claim.stance == FACT and k.stance == FACT
            and (k.mode is None or claim.mode is None or k.mode == claim.mode)
            and k.targets <= claim.targets
            and _quals_cover(claim.qualifiers, k.qualifiers))


def _quals_cover(specific: frozenset[str], general: frozenset[str]) -> bool:
    """Whether the qualifiers of a specific claim include a general one's (a toll must be the same number)."""
    return general <= specific


def claim_id(story_id: str, key: ClaimKey) -> str:
    return "k" + hashlib.sha256(f"{story_id}|{key.text()}".encode()).hexdigest()[:12]


# -- labels ---------------------------------------------------------------------------------------------------------

def _best_name(mentions: Iterable[Mention], keys: Iterable[str]) -> str | None:
    """The name as most reports write it among the longest forms of the most frequent participant."""
    keys = list(keys)
    if not keys:
        return None
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for m in mentions:
        for k in keys:
            if k in m.names:
                counts[k] += 1
                forms.setdefault(k, Counter())[m.names[k]] += 1
    if not counts:
        return None
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    names = forms[top]
    return sorted(names, key=lambda n: (-len(n.split()), -names[n], n))[0]


def label(key: ClaimKey, mentions: Sequence[Mention], rules: ClaimRules | None = None) -> str:
    """A neutral label for a claim ("Tariq Mahmood Awan visits Kabul"), from its type, names and place.

    Built from the claim's parts rather than taken from a sentence, so no report's loaded wording becomes the
    story's name.
    """
    rules = rules or load_rules()
    actors = {k for m in mentions for k in named_keys(m.actors)}
    actor = _best_name(mentions, actors)
    target = _best_name(mentions, key.targets)
    places = Counter(m.place_name for m in mentions if m.place_name)
    place = sorted(places.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if places else None
    # the label reads as most reports tell it: a trip most call a visit is a visit, though some say "met"
    modes = Counter(m.mode for m in mentions if m.mode and rules.same_modes.get((m.type, m.mode), m.mode) == key.mode)
    mode = sorted(modes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if modes else key.mode
    if mode == "visit" and not place:
        place = _best_name(mentions, {k for m in mentions for k in named_keys(m.targets)})
    kind = f"{key.type}/{mode}"
    table = rules.labels if actor else rules.nouns
    template = table.get(kind) or table.get(key.type) or ("{actor}: " + key.type if actor else key.type.title())
    text = template.replace("{actor}", actor or "")
    if "{where}" in text:
        text = text.replace("{where}", place) if place else re.sub(r"\s+(?:to|in)?\s*\{where\}", "", text)
    elif target:
        text = text.replace("{target}", target)
    else:
        text = re.sub(r"\s+(?:with|to|from|against|on|of|for)?\s*\{target\}", "", text)
    if place and "{where}" not in template and place != target and place.casefold() not in (actor or "").casefold():
        text += f" in {place}"  # never "Bangladesh raises interest rates in Bangladesh"
    words = [q for q in sorted(key.qualifiers) if ":" not in q]
    counts = {q.split(":", 1)[0]: q.split(":", 1)[1] for q in key.qualifiers if ":" in q}
    if words:
        text += f" ({', '.join(words)})"
    if "toll" in counts:
        text += f", {counts['toll']} dead"
    elif "hurt" in counts:
        text += f", {counts['hurt']} hurt"
    return rules.stance_labels.get(key.stance, "") + text


# -- reading them back ----------------------------------------------------------------------------------------------

ROLE_ORDER = {"asserts": 0, "denies": 1, "second-hand": 2, "copy": 3, "opinion": 4}


def same_claim_reason(row: dict) -> str:
    """Why the reports of a stored claim count as one claim, in words: what each of them states."""
    parts = [f"each states {row['type']}" + (f"/{row['mode']}" if row.get("mode") else "")]
    if row.get("target"):
        parts.append(f"with {row['target']}")
    quals = [q for q in json.loads(row.get("qualifiers") or "[]")]
    if quals:
        parts.append("and " + ", ".join(q.replace(":", " ") for q in quals))
    elif row.get("place"):
        parts.append(f"around {row['place']}")
    return " ".join(parts) + "; a report of a more specific claim supports it, never the reverse"


def stored_claims(conn: sqlite3.Connection, story_id: str) -> list[dict]:
    """The claims of one story as stored by the link stage, central first, each with its reports (who asserts it,
    denies it, reports it second-hand, copies it or states it in an opinion piece) and why they are one claim."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name='claims'").fetchone() is None:
        return []
    conn_rows = conn.execute("SELECT * FROM claims WHERE story_id=? ORDER BY central DESC, independent_outlets DESC,"
                             " reports DESC, id", (story_id,)).fetchall()
    out = []
    for r in conn_rows:
        claim = {k: r[k] for k in r.keys()}
        claim["qualifiers"] = json.loads(claim.get("qualifiers") or "[]")
        claim["central"] = bool(claim["central"])
        claim["exclusive"] = bool(claim["exclusive"])
        claim["same_claim_because"] = same_claim_reason({**claim, "qualifiers": json.dumps(claim["qualifiers"])})
        reports = [dict(x) for x in conn.execute(
            "SELECT c.article_id AS article, c.event_id AS event, c.role, c.voice_id, c.voice, c.copied_from,"
            " c.source_kind, v.source_text, v.ev_text AS text, a.outlet, a.published FROM claim_reports c"
            " LEFT JOIN occurrences v ON v.article_id=c.article_id AND v.id=c.event_id"
            " LEFT JOIN articles a ON a.id=c.article_id WHERE c.claim_id=?", (r["id"],))]
        reports.sort(key=lambda x: (ROLE_ORDER.get(x["role"], 9), x["published"] or "9999", x["article"], x["event"]))
        # events coded from one sentence of one article are one report of the claim
        seen: set[tuple] = set()
        claim["reports"] = [x for x in reports if (k := (x["article"], x["role"], x["text"])) not in seen
                            and not seen.add(k)]
        out.append(claim)
    return out
