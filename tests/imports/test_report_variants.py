"""Text variants written for the tests: other units and dates, one regulation, Granska's own
layout (labels before values), page-break artefacts, encodings and line endings."""

import codecs

import pytest
from django.utils import translation

from granska.imports.matching import CatalogIndex
from granska.imports.parsed import ParsedReport
from granska.imports.reading import report_read
from granska.imports.report import date_iso, join_lines, report_parse
from granska.imports.text import ReportRefused


def criteria_lines(catalog: CatalogIndex, area: str, width: int = 60) -> list[str]:
    """The area's criterion texts wrapped as a PDF wraps them (breaking inside hyphenated words
    too)."""
    lines: list[str] = []
    for _, area_code, text in catalog.criteria:
        if area_code != area:
            continue
        line = ""
        for word in text.split(" "):
            if line and len(line) + len(word) > width:
                if "-" in word and not word.endswith("-"):
                    head, tail = word.split("-", 1)
                    lines.append(f"{line} {head}-")
                    line = tail
                    continue
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    return lines


SCALE = [
    "A. Socialstyrelsens föreskrifter och allmänna råd följs. Övriga kvalitetsindikatorer är",
    "uppfyllda, men enstaka undantag kan förekomma.",
    "B. Socialstyrelsens föreskrifter och allmänna råd följs.",
    "D. Brister har påvisats vad gäller följsamheten till Socialstyrelsens föreskrifter.",
    "Åtgärder krävs.",
]


def granska_layout(catalog: CatalogIndex) -> str:
    """A report of our own in the layout of Granska's PDF: each label before its value, the
    area titles lettered, one regulation, a written date, page breaks with page numbers and
    the footer, a title repeated at a page break."""
    titles = dict(catalog.areas)
    lines = [
        "EXTERN KVALITETSGRANSKNING av specialiseringstjänstgöring",
        "Klinik",
        "Ögonkliniken, Storviks sjukhus",
        "Specialitet",
        "Ögonsjukdomar",
        "Datum",
        "3 mars 2026",
        "Inspektörer",
        "Anna Ek, Bo Lind och Cecilia Holm",
        "Föreskrift",
        "HSLF-FS 2021:8",
        "LÄKARNAS INSTITUT FÖR PROFESSIONELL UTVECKLING I SJUKVÅRDEN",
        "Sammanfattning",
        "Styrkor",
        "Engagerade handledare med tid avsatt för",
        "handledning i schemat.",
        "Tydlig introduktion.",
        "Svagheter",
        "Få kompetensbedömningar dokumenteras.",
        "Förbättringspotential",
        "Dokumentera bedömningarna i IUP.",
        "Inför gemensamma seminarier för barn-",
        "och vuxenoftalmologi.",
        "\x0c2 (4)",
        "STRUKTUR",
    ]
    for code in "ABCDEFGH":
        if code == "D":
            lines.append("PROCESS")
        lines.append(f"{code}. {titles[code]}")
        lines.append(f"Kliniken beskrivs i område {code} med ST-")
        lines.append("läkare i flera faser och ett brett barn-")
        lines.append("och vuxenuppdrag.")
        if code == "C":
            # A page break inside the narrative: footer, page number, the title again.
            lines += [
                "Ögonkliniken, Storviks sjukhus · 2026-03-03",
                "\x0c3 (4)",
                f"{code}. {titles[code]}",
            ]
            lines.append("Lokalerna räcker till.")
        if code == "E":
            lines.append("Åtgärd krävs.")
            lines.append("Handlingsplan mottagen. Gradering justerad till C.")
        lines.append("Föreskrift")
        lines += criteria_lines(catalog, code)
        lines += [f"Gradering {code}. {titles[code]}", "Gradering 2021", *SCALE, "B"]
    lines += [
        "\x0c4 (4)",
        "HANDLINGSPLAN",
        "Granskningen visade brister i följsamheten till föreskrifterna. Verksamheten har",
        "därefter lämnat in handlingsplanen nedan, som inspektörerna har godkänt.",
        f"E. {titles['E']}",
        "Det finns en utsedd huvudansvarig handledare för varje ST-läkare.",
        "Planerad åtgärd",
        "Varje ny ST-läkare får en huvudhandledare inom",
        "en vecka.",
        "Datum när åtgärden ska vara genomförd",
        "Hösten 2026",
        "Ansvarig för genomförandet",
        "Studierektor",
        "Datum för uppföljning",
        "2027-01-15",
        "Ansvarig för uppföljningen",
        "Verksamhetschef",
        "Området som helhet",
        "Planerad åtgärd",
        "Planerad åtgärd",
        "Handledarna får utbildning.",
        "Datum när åtgärden ska vara genomförd",
        "–",
        "Ansvarig för genomförandet",
        "Karin Berg och",
        "Lars Öst",
        "Datum för uppföljning",
        "–",
        "Ansvarig för uppföljningen",
        "–",
        f"H. {titles['H']}",
        "En formulering som inget protokoll har.",
        "Planerad åtgärd",
        "Seminarier i ledarskap.",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def own(catalog: CatalogIndex) -> ParsedReport:
    return report_parse(granska_layout(catalog), [catalog])


def test_label_first_cover_with_a_written_date_and_one_regulation(own: ParsedReport) -> None:
    header = own.header
    assert header.unit == "Ögonkliniken, Storviks sjukhus"
    assert header.specialty == "Ögonsjukdomar"
    assert header.date == "2026-03-03"
    assert header.inspectors == ["Anna Ek", "Bo Lind", "Cecilia Holm"]
    assert header.regulations == ["HSLF-FS 2021:8"]


def test_single_column_summary_with_wrapped_items(own: ParsedReport) -> None:
    assert own.summary.styrkor == [
        "Engagerade handledare med tid avsatt för handledning i schemat.",
        "Tydlig introduktion.",
    ]
    assert own.summary.svagheter == ["Få kompetensbedömningar dokumenteras."]
    assert own.summary.forbattringspotential == [
        "Dokumentera bedömningarna i IUP.",
        "Inför gemensamma seminarier för barn- och vuxenoftalmologi.",
    ]


def test_narratives_join_hyphens_and_survive_page_breaks(own: ParsedReport) -> None:
    for code in "ABDFGH":
        assert own.areas[code].narrative == (
            f"Kliniken beskrivs i område {code} med ST-läkare i flera faser och ett brett "
            "barn- och vuxenuppdrag."
        )
    assert own.areas["C"].narrative == (
        "Kliniken beskrivs i område C med ST-läkare i flera faser och ett brett barn- och "
        "vuxenuppdrag.\n\nLokalerna räcker till."
    )
    assert (own.areas["E"].narrative or "").endswith("vuxenuppdrag. Åtgärd krävs.")
    assert own.areas["E"].adjusted == "C"
    assert [code for code, area in own.areas.items() if area.adjusted] == ["E"]


def test_every_criterion_is_recognised_however_wrapped(
    own: ParsedReport, catalog: CatalogIndex
) -> None:
    for code, area in own.areas.items():
        assert area.criteria_found == area.criteria_expected == len(catalog.area_criteria(code))
    assert own.protocol is not None
    assert own.protocol.score == 1.0
    assert own.unrecognised == []


def test_plan_in_granska_layout(own: ParsedReport) -> None:
    first, whole, unknown = own.plan
    assert (first.area, first.criterion) == ("E", "E2")
    assert first.action == "Varje ny ST-läkare får en huvudhandledare inom en vecka."
    assert (first.due, first.responsible) == ("Hösten 2026", "Studierektor")
    assert (first.follow_up, first.follow_up_responsible) == ("2027-01-15", "Verksamhetschef")
    assert (whole.area, whole.criterion, whole.criterion_text) == ("E", None, "")
    assert whole.action == "Handledarna får utbildning."
    assert whole.responsible == "Karin Berg och Lars Öst"
    assert (whole.due, whole.follow_up, whole.follow_up_responsible) == (None, None, None)
    assert (unknown.area, unknown.criterion) == ("H", None)
    assert unknown.criterion_text == "En formulering som inget protokoll har."
    assert unknown.due is None


def test_seed_000_for_another_unit_and_date(seed_000: str, catalog: CatalogIndex) -> None:
    text = seed_000.replace("Liljeholmens vårdcentral", "Kvarnbyns hälsocentral").replace(
        "2025-11-14", "28 februari 2024"
    )
    text = text.replace("Britt Bergström och Eva de Fine Licht", "Per Persson")
    report = report_parse(text, [catalog])
    assert report.header.unit == "Kvarnbyns hälsocentral"
    assert report.header.date == "2024-02-28"
    assert report.header.inspectors == ["Per Persson"]


def test_seed_000_with_a_single_regulation(seed_000: str, catalog: CatalogIndex) -> None:
    text = seed_000.replace(
        "SOSFS 2015:8 \n\nHSLF-FS 2021:8\nFöreskrift", "SOSFS 2015:8\nFöreskrift"
    )
    assert report_parse(text, [catalog]).header.regulations == ["SOSFS 2015:8"]


def test_an_impossible_date_is_unknown_and_kept(seed_000: str, catalog: CatalogIndex) -> None:
    report = report_parse(seed_000.replace("2025-11-14", "2025-02-30"), [catalog])
    assert report.header.date is None
    assert "2025-02-30" in report.unrecognised


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("3 mars 2026", "2026-03-03"),
        ("den 14 november 2025", "2025-11-14"),
        ("1 Maj 2020", "2020-05-01"),
        ("2026-3-3", "2026-03-03"),
        ("Våren 2027", None),
        ("31 april 2026", None),
        ("3 marsipan 2026", None),
    ],
)
def test_date_iso(written: str, iso: str | None) -> None:
    assert date_iso(written) == iso


def test_join_lines_hyphen_rules() -> None:
    assert join_lines(["ST-", "läkare"]) == "ST-läkare"
    assert join_lines(["barn-", "och ungdom"]) == "barn- och ungdom"
    assert join_lines(["kvalitets-", "eller patientarbete"]) == "kvalitets- eller patientarbete"
    assert join_lines(["AT -", "och BT"]) == "AT - och BT"
    assert join_lines(["a", "", " b "]) == "a b"


def test_seed_001_with_page_break_artefacts(seed_001: str, catalog: CatalogIndex) -> None:
    text = seed_001.replace("\nPROCESS\n", "\n\x0c\n7\n\nPROCESS\n").replace(
        "\nHANDLINGSPLAN\n", "\nSida 12 av 14\n\x0cHANDLINGSPLAN\n"
    )
    report = report_parse(text, [catalog])
    clean = report_parse(seed_001, [catalog])
    assert report.areas == clean.areas
    assert report.plan == clean.plan


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),
        lambda text: text.replace("\n", "\r").encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.replace("\n", "\r\n").encode("cp1252"),
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        lambda text: text.replace("\n\n", "\n\x0c\n", 40).encode("utf-8"),
    ],
    ids=["crlf", "cr", "utf-8-bom", "windows-1252-crlf", "utf-16", "form-feeds"],
)
def test_seed_000_reads_the_same_in_every_encoding(
    encode: object, seed_000: str, catalog: CatalogIndex
) -> None:
    assert callable(encode)
    expected = report_parse(seed_000, [catalog])
    assert report_read("000.txt", encode(seed_000), [catalog]) == expected


def test_a_text_that_is_not_a_report_is_refused_in_swedish(catalog: CatalogIndex) -> None:
    letter = "Hej!\n\nTack för senast. Vi ses på mötet i mars.\n\nMed vänlig hälsning\nKarin\n"
    with translation.override("sv"), pytest.raises(ReportRefused) as refused:
        report_read("brev.txt", letter.encode(), [catalog])
    assert refused.value.message.startswith("Texten är inte en SPUR-rapport")
    with pytest.raises(ReportRefused):
        report_parse(letter, [catalog])


def test_without_catalogs_the_seed_still_gives_header_and_summary(seed_000: str) -> None:
    report = report_parse(seed_000, [])
    assert report.header.unit == "Liljeholmens vårdcentral"
    assert len(report.summary.styrkor) == 12
    assert report.protocol is None
