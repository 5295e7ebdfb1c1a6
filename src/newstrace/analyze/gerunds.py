"""A parse repair: a gerund complement that the parser read as an adjective on its object.

After a verb that takes a gerund ("denied arresting opposition activist Tendai Mukwena", "stopped shelling
civilian areas"), the small English models often tag the bare gerund as an attributive modifier of the noun that
follows ("arresting" -> amod of "activist", the noun the verb's object), as in "the arresting officer". Read that
way the denial has a noun phrase for object and the arrest is no event. ``repair_gerund_complements`` rewrites
such arcs in place: the gerund becomes the verb's ``xcomp`` and the noun its ``dobj``.

The repair is narrow: the gerund must follow the verb directly (adverbs and negation may stand between), open
its noun phrase (no determiner, possessive or number before it: "denied the arresting officer's account" keeps
its reading), and the verb must be one that takes a gerund complement (``gerund_governors`` in
``data/events/roles.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Token

BETWEEN_DEPS = {"advmod", "neg"}  # words that may stand between the verb and its gerund: "denied ever arresting"


def _misread_gerund(tok: Token, governors: set[str]) -> Token | None:
    """The verb governing ``tok`` when ``tok`` is a gerund complement misread as an adjective, else None."""
    if tok.tag_ != "VBG" or tok.dep_ != "amod":
        return None
    noun = tok.head
    while noun.dep_ == "compound" and noun.head.i != noun.i:
        noun = noun.head  # "arresting opposition activist Tendai Mukwena": the phrase's head is the name
    verb = noun.head
    if noun.i <= tok.i or noun.dep_ != "dobj" or verb.i >= tok.i or verb.pos_ != "VERB":
        return None
    if verb.lemma_.casefold() not in governors or noun.left_edge.i != tok.i:
        return None
    if any(t.dep_ not in BETWEEN_DEPS for t in tok.doc[verb.i + 1:tok.i]):
        return None
    return verb


def repair_gerund_complements(doc: Doc, governors: Iterable[str]) -> int:
    """Rewrite every misread gerund complement of ``doc`` in place (module docstring); yields how many were
    repaired. The tokens keep their sentence; only the gerund's and its noun's arcs change."""
    gov = {g.casefold() for g in governors}
    repaired = 0
    for tok in doc:
        verb = _misread_gerund(tok, gov)
        if verb is None:
            continue
        noun = tok.head
        while noun.dep_ == "compound" and noun.head.i != noun.i:
            noun = noun.head
        tok.head, tok.dep_ = verb, "xcomp"
        noun.head, noun.dep_ = tok, "dobj"
        repaired += 1
    return repaired
