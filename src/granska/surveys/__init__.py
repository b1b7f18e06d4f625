"""The surveys before the visit (SPEC §7): the questionnaire as data, a round of anonymous answers
per review, and the unit's own facts and self-assessment."""
