import io
import re

import pypdfium2 as pdfium
import pytest
from django.core.management import call_command

from granska.reviews.models import Review


@pytest.fixture
def demo(db: None) -> list[Review]:
    """The demo reviews, every step of the lifecycle, one or both regulations."""
    call_command("demo", stdout=io.StringIO())
    return list(Review.objects.select_related("unit", "specialty", "protocol").order_by("pk"))


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, as pypdfium2 reads it."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def flat(text: str) -> str:
    """Text with line breaks and runs of space made one space, and a break after a hyphen
    ("ST-" at a line's end) joined, so that wrapped text matches its source.

    pdfium reads a hyphen at which a line breaks as U+FFFE; the report never hyphenates words
    itself, so each one stands for a hyphen of the text."""
    text = re.sub(r"\s+", " ", text.replace("\ufffe", "-"))
    return re.sub(r"- ", "-", text).strip()


def off_page_characters(pdf: bytes) -> list[tuple[int, str]]:
    """(page number, character) for every character drawn outside its page's margins, so that a
    test sees text that overflows, which the text layer alone keeps and so cannot show."""
    document = pdfium.PdfDocument(pdf)
    outside = []
    try:
        for number, page in enumerate(document, start=1):
            width, height = page.get_size()
            text = page.get_textpage()
            for index in range(text.count_chars()):
                left, bottom, right, top = text.get_charbox(index)
                if left < 0 or bottom < 0 or right > width or top > height:
                    outside.append((number, text.get_text_range(index, 1)))
    finally:
        document.close()
    return outside
