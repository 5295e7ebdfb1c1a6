"""A small fictional corpus for link tests: a wire story and its republications, three independent reports of a
visit, a commentary that pastes a passage from one of them around an exclusive claim, a reported shelling and its
denial, and an unrelated piece. Everything here (outlets, people, places, events) is invented for newstrace.
"""

from __future__ import annotations

from .link_builders import Doc, Ev

C = {"Marshal Oren Valdis": "VLR", "Valdis": "VLR", "Sereth Council": "MRD", "the Sereth Council": "MRD",
     "Lakemont": "MRD", "Port Ilse": "MRD", "Veloria": "VLR", "Velorian batteries": "VLR", "Dunmoor": "MRD",
     "Brackwater Front": None, "Ostrava Union": "OST", "Carrow": "OST", "Velorian army": "VLR"}

WIRE = (
    "PORT ILSE (Tidewire) - Negotiators for the Ostrava Union and the Sereth Council agreed on Thursday to a "
    "framework for exchanging two detained surveyors for four prisoners held in Carrow, mediators said after a "
    "long night of talks at a lakeside hotel.\n\n"
    "The framework sets out a timetable of three weeks, an inspection of the prisoners by a medical team from a "
    "neutral charity, and a joint statement to be read by both delegations once the handover has taken place at "
    "the border post near the old salt works.\n\n"
    "Officials on both sides cautioned that the deal could still collapse if either delegation added new names to "
    "the lists, a problem that ended a previous attempt at an exchange in the spring of the year before last.\n\n"
    "The families of the two surveyors, who were detained while mapping a river crossing, said they had learned of "
    "the agreement from the radio and were waiting for a call from the foreign ministry before believing it."
)
WIRE_COPY_1 = WIRE.replace("PORT ILSE (Tidewire) -", "PORT ILSE -").replace(
    "at a lakeside hotel.", "at a lakeside hotel outside the city.") + "\n\nThis story was provided by Tidewire."
WIRE_COPY_2 = "Surveyors to be swapped for prisoners\n\n" + WIRE.replace(
    "(Tidewire)", "(Tidewire, Sept 4)") + "\n\nThis story was provided by Tidewire."

VISIT_A = (
    "Marshal Oren Valdis flies to Lakemont for talks\n\n"
    "Marshal Oren Valdis, who commands the armed forces of Veloria, landed in Lakemont on Saturday for talks with "
    "the Sereth Council about grain convoys and the reopening of two mountain roads, officials in both capitals "
    "said. He was greeted on the runway by a deputy of the council and driven to the old parliament building.\n\n"
    "Two aides who asked not to be named said the marshal hoped to leave with a written promise on the roads."
)
VISIT_B = (
    "Valdis holds talks in Lakemont\n\n"
    "The Velorian commander, Marshal Oren Valdis, met members of the Sereth Council in Lakemont on Saturday, "
    "according to a statement from the council, which described the meeting as frank and useful. The statement "
    "said the two sides discussed border trade and the safety of grain convoys crossing the high passes before the "
    "first snow closes them for the winter."
)
VISIT_C = (
    "Velorian marshal visits Lakemont\n\n"
    "A council spokeswoman told this newspaper that Marshal Oren Valdis had visited Lakemont on Saturday and had "
    "held talks with the Sereth Council for most of the afternoon. She would not say whether the roads were "
    "discussed, but a council official said a joint commission on convoys would be named within days."
)
COMMENTARY = (
    "Lakemont trip hid a secret pact\n\n"
    "We have learned that during his stay in Lakemont, Marshal Oren Valdis also met commanders of the Brackwater "
    "Front in a farmhouse outside the city, and no other outlet has reported this meeting.\n\n"
    "As another newspaper put it: "
    "Marshal Oren Valdis, who commands the armed forces of Veloria, landed in Lakemont on Saturday for talks with "
    "the Sereth Council about grain convoys and the reopening of two mountain roads, officials in both capitals "
    "said. He was greeted on the runway by a deputy of the council and driven to the old parliament building.\n\n"
    "The marshal's friends will say the trip was about roads. It was about something far darker, and readers "
    "deserve to know it."
)
SHELLING = (
    "Shells hit Dunmoor villages\n\n"
    "Artillery shells fired from the Velorian side of the ridge struck two villages near Dunmoor on Tuesday, "
    "killing three farmers and wounding five others, the district governor said. Residents said the shelling "
    "lasted for about an hour and set fire to a barn full of hay."
)
DENIAL = (
    "Veloria rejects shelling claims\n\n"
    "The Velorian army on Wednesday denied that its batteries had fired any shells toward Dunmoor on Tuesday and "
    "called the reports a fabrication. A spokesman said every gun crew had been checked and none had been active "
    "in that sector."
)
UNRELATED = (
    "Harbour festival opens in Port Ilse\n\n"
    "Thousands of visitors crowded the quays of Port Ilse on Friday for the opening of the annual harbour festival, "
    "where fishing crews raced rowing boats and bakers sold spiced bread from stalls along the sea wall. The mayor "
    "said the festival had never drawn so many visitors from the hill towns."
)


def corpus() -> list[Doc]:
    """The documents in ingest order (a copy is ingested before its wire original, on purpose)."""
    return [
        Doc(WIRE_COPY_1, "https://www.harrowgazette.com/world/swap", None, "2031-09-04T10:20:00", None,
            [Ev("Negotiators for the Ostrava Union and the Sereth Council agreed on Thursday", "AGREE",
                "Ostrava Union", "Sereth Council", "Port Ilse", "2031-09-02")], C),
        Doc(WIRE, "https://www.tidewire.net/wire/swap", None, "2031-09-04T07:40:00", None,
            [Ev("Negotiators for the Ostrava Union and the Sereth Council agreed on Thursday", "AGREE",
                "Ostrava Union", "Sereth Council", "Port Ilse", "2031-09-02")], C),
        Doc(WIRE_COPY_2, None, "The Corran Daily", "2031-09-05", None,
            [Ev("Negotiators for the Ostrava Union and the Sereth Council agreed on Thursday", "AGREE",
                "Ostrava Union", "Sereth Council", "Port Ilse", "2031-09-02")], C),
        Doc(VISIT_A, "https://www.northlightpost.com/2031/09/06/valdis", None, "2031-09-06T09:00:00", None,
            [Ev("Marshal Oren Valdis, who commands the armed forces of Veloria, landed in Lakemont on Saturday",
                "CONSULT", "Marshal Oren Valdis", "Sereth Council", "Lakemont", "2031-09-06", mode="visit",
                source_kind="anonymous")], C),
        Doc(VISIT_B, "https://ridgeline-times.org/valdis-talks", None, "2031-09-06T15:00:00", None,
            [Ev("The Velorian commander, Marshal Oren Valdis, met members of the Sereth Council in Lakemont on "
                "Saturday", "CONSULT", "Valdis", "the Sereth Council", "Lakemont", "2031-09-06", mode="meet",
                source_kind="organization")], C),
        Doc(VISIT_C, "https://www.saltmarsh-herald.com/a/valdis", None, "2031-09-07", None,
            [Ev("Marshal Oren Valdis had visited Lakemont on Saturday and had held talks with the Sereth Council",
                "CONSULT", "Marshal Oren Valdis", "Sereth Council", "Lakemont", "2031-09-06", mode="visit",
                source_kind="person")], C),
        Doc(COMMENTARY, "https://frontline-opinion.net/secret-pact", None, "2031-09-08", None,
            [Ev("Marshal Oren Valdis also met commanders of the Brackwater Front in a farmhouse outside the city",
                "CONSULT", "Marshal Oren Valdis", "Brackwater Front", None, None, mode="meet"),
             Ev("landed in Lakemont on Saturday for talks with the Sereth Council", "CONSULT",
                "Marshal Oren Valdis", "Sereth Council", "Lakemont", "2031-09-08", mode="visit")], C),
        Doc(SHELLING, "https://www.dunmoor-dispatch.com/shells", None, "2031-09-10", None,
            [Ev("Artillery shells fired from the Velorian side of the ridge struck two villages near Dunmoor on "
                "Tuesday", "ASSAULT", "Velorian batteries", None, "Dunmoor", "2031-09-09")], C),
        Doc(DENIAL, "https://ridgeline-times.org/denial", None, "2031-09-11", None,
            [Ev("The Velorian army on Wednesday denied that its batteries had fired any shells toward Dunmoor on "
                "Tuesday", "ASSAULT", "Velorian army", None, "Dunmoor", "2031-09-09", modality="negated",
                source_kind="organization")], C),
        Doc(UNRELATED, "https://www.northlightpost.com/festival", None, "2031-09-05", None, [], C),
    ]
