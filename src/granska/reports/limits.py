"""How long what people type on the report may be, in characters: the unit's comments on the
draft in faktagranskning and the inspectors' answers. Far above a real remark (a sentence or a
paragraph), low enough to bound what the report page costs."""

COMMENT_MAX_CHARS = 5_000
ANSWER_MAX_CHARS = 5_000
