"""How near two names in a register are: the same name typed differently, or one that is probably
the same (a letter wrong, the accents left out, "Region" added or left out).

`name_key` (in `reviews.models`) decides what is the *same* name: case and spacing only; a second
name with the same key is refused, for every caller. `similar_key` and `names_similar` decide
what is *probably* the same: a new name like that is added only when the kansli confirms it is a
different one, since a second spelling of a care provider hides an inspector's ties to it.
"""

import re
import unicodedata

# Words that say what kind of organisation a name is, not which one: "Region Österå" and
# "Österå" are probably the same care provider.
GENERIC_WORDS = frozenset(
    {"region", "regionen", "landsting", "landstinget", "kommun", "ab", "hb", "kb", "i", "och"}
)
_NOT_A_LETTER = re.compile(r"[^0-9a-z]+")


def similar_key(name: str) -> str:
    """The name folded as far as a reader would: no case, no accents ("Österå" is "ostera"),
    nothing but letters and digits, one space between words."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_A_LETTER.sub(" ", bare).split())


def _core(key: str) -> str:
    """The key without the words that only say what kind of organisation it is."""
    return " ".join(word for word in key.split() if word not in GENERIC_WORDS)


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Levenshtein distance between `a` and `b`, or `limit + 1` once it is known to exceed it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def names_similar(a: str, b: str) -> bool:
    """Whether `a` and `b` are probably the same name: equal once folded (case, spacing,
    accents, punctuation), equal without the generic words ("Region", "AB"), or one or two
    letters apart (one for short names)."""
    key_a, key_b = similar_key(a), similar_key(b)
    if key_a == key_b:
        return True
    core_a, core_b = _core(key_a), _core(key_b)
    if core_a and core_a == core_b:
        return True
    limit = 1 if min(len(key_a), len(key_b)) < 8 else 2
    return edit_distance(key_a, key_b, limit=limit) <= limit
