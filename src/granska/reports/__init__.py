"""The report of a review: PDF (Typst), HTML and Word, from one `report_data`."""


class ReportWarning(UserWarning):
    """Typst warned while typesetting a report (a missing font or glyph, a layout problem).

    In production it is logged; the tests turn it into an error (pyproject's filterwarnings).
    """
