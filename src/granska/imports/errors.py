"""Why a file cannot be imported, said to the kansli in its language.

A stand-in until `imports/reading.py` (branch importtext) is on main, where `ReportRefused`
belongs: the lead unifies the two, and `pdf.py` then imports it from there."""


class ReportRefused(Exception):
    """A file the importer will not read: `message` says why (translated, for the kansli)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
