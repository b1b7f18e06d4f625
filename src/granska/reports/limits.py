"""How long what people type on the report may be, in characters: the unit's comments on the
draft in faktagranskning, the inspectors' answers and the kansli's reason for a correction. Far
above a real remark (a sentence or a paragraph), low enough to bound what the report page
costs."""

COMMENT_MAX_CHARS = 5_000
ANSWER_MAX_CHARS = 5_000
REASON_MAX_CHARS = 2_000
