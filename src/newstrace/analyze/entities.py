"""The entity component: named-entity mentions grouped into one entity per name.

Writes ``doc._.nt_entities``: a list of ``Entity`` with character-offset mentions into the article text.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from newstrace.model import Entity

ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}


def _key(text: str) -> str:
    text = text.strip()
    # a possessive is the same name ("Hameed's visit")
    for suffix in ("'s", "\u2019s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return " ".join(text.split()).casefold()


class EntityGrouper:
    """Group the model's entity mentions by normalised name."""

    def __call__(self, doc: Doc) -> Doc:
        groups: dict[tuple[str, str], Entity] = {}
        for ent in doc.ents:
            if ent.label_ not in ACTOR_LABELS:
                continue
            key = (_key(ent.text), ent.label_)
            if not key[0]:
                continue
            entity = groups.get(key)
            if entity is None:
                entity = Entity(id=f"e{len(groups) + 1}", name=ent.text.strip(), type=ent.label_)
                groups[key] = entity
            elif ent.text not in entity.aliases and ent.text != entity.name:
                entity.aliases.append(ent.text)
            entity.mentions.append([ent.start_char, ent.end_char])
        doc._.nt_entities = list(groups.values())
        return doc


@Language.factory("newstrace_entities", assigns=["doc._.nt_entities"], requires=["doc.ents"])
def make_entities(nlp: Language, name: str) -> EntityGrouper:
    return EntityGrouper()
