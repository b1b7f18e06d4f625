"""A catalog's texts must be ones the report's PDF can show: checked when the catalog is loaded.

The area titles, introductions, grade wordings and criteria are printed in every report of the
protocol. A character no bundled font has (`granska.glyphs`) would block each of those reports,
so the file is refused at `granska catalog load`, naming the place as the loader does.
"""

from collections.abc import Iterator

from django.utils.translation import ngettext

from granska.catalog.loader import ProtocolSpec
from granska.glyphs import character_label, unshowable
from granska.text import clean_text


def spec_texts(spec: ProtocolSpec) -> Iterator[tuple[str, str]]:
    """(place, text) for every text of the catalog that the report prints."""
    for area in spec.areas:
        place = f"areas[{area.code}]"
        yield f"{place}.title", area.title
        for index, paragraph in enumerate(area.preamble):
            yield f"{place}.preamble[{index}]", paragraph
        for index, (_grade, wording) in enumerate(area.scale):
            yield f"{place}.scale[{index}].wording", wording
        for criterion in area.criteria:
            yield f"{place}.criteria[{criterion.code}].text", criterion.text


def spec_glyph_problems(spec: ProtocolSpec) -> list[tuple[str, str]]:
    """(place, problem) for each text holding a character the report cannot show."""
    problems = []
    for place, text in spec_texts(spec):
        chars = unshowable(clean_text(text).replace("\ufeff", ""))
        if chars:
            labels = ", ".join(character_label(char) for char in chars)
            problems.append(
                (
                    place,
                    ngettext(
                        "the character %(characters)s cannot be shown in the report's PDF "
                        "(none of its fonts has it)",
                        "the characters %(characters)s cannot be shown in the report's PDF "
                        "(none of its fonts has them)",
                        len(chars),
                    )
                    % {"characters": labels},
                )
            )
    return problems
