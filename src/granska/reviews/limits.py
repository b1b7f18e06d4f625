"""How long what people type in reviews may be, in characters.

Far above what a real SPUR report holds (in the seed reports an area's narrative is at most a few
thousand characters, a summary list a few hundred), and low enough to bound what a page, the
history and the report's typesetting cost. Each service refuses a longer text with a message
naming the field and the limit; the models' columns are sized by the same numbers.
"""

UNIT_NAME_MAX_CHARS = 200
CARE_PROVIDER_NAME_MAX_CHARS = 200
REGION_NAME_MAX_CHARS = 120
SPECIALTY_NAME_MAX_CHARS = 120
# The inspectors' narrative of one area.
NARRATIVE_MAX_CHARS = 20_000
# The note on one criterion's finding.
NOTE_MAX_CHARS = 5_000
# The reason for a grade that departs from the suggestion.
REASON_MAX_CHARS = 5_000
# Each of the summary's three lists (styrkor, svagheter, förbättringspotential).
SUMMARY_LIST_MAX_CHARS = 10_000
