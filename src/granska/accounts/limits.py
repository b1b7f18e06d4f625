"""How long what is typed about a person may be, in characters."""

# A person's name, as the kansli enters it.
FULL_NAME_MAX_CHARS = 200
