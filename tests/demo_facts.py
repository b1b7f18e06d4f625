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
