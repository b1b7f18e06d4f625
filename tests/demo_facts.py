"""What the demo data (`granska demo`) is known to hold, written out here so that tests compare
the pages with it rather than with what the code under test computes."""

# The demo's units whose final report is issued (slutrapport and later): their PDFs are public.
DEMO_ISSUED = {
    "Björkhagens vårdcentral",  # slutrapport
    "Ortopedkliniken Brohamn",  # handlingsplan
    "Lindviks vårdcentral",  # handlingsplan
    "Ögonkliniken Storvik",  # uppföljning
    "Hudkliniken Västerby",  # uppföljning
    "Infektionskliniken Åsby",  # avslutad
}
# Those still before it, from booked to the fact check: drafts, never public.
DEMO_DRAFTS = {
    "Kirurgkliniken Norrhamn",  # bokad
    "Tallmons vårdcentral",  # förberedelse
    "Psykiatriska kliniken Älvby",  # besök
    "Barnkliniken Ekudden",  # utkast
    "Medicinkliniken Sjöstad",  # faktagranskning
}

# The demo's survey rounds: the unit, whether the round is still open, and how many of each group
# were invited and answered (SPEC §7: a group shows from GRANSKA_SURVEY_MIN_ANSWERS, 4, answers).
DEMO_SURVEYS = {
    "Tallmons vårdcentral": (
        "open",
        {"st_lakare": 6, "handledare": 5, "studierektor": 1},
        {"st_lakare": 3, "handledare": 2},
    ),
    "Psykiatriska kliniken Älvby": (
        "closed",
        {"st_lakare": 7, "handledare": 6, "studierektor": 1, "verksamhetschef": 1},
        {"st_lakare": 6, "handledare": 5, "studierektor": 1},
    ),
    "Barnkliniken Ekudden": (
        "closed",
        {"st_lakare": 5, "handledare": 4},
        {"st_lakare": 4, "handledare": 2},
    ),
}
# The unit whose self-assessment the demo submitted before its visit.
DEMO_SELF_ASSESSED = "Psykiatriska kliniken Älvby"
