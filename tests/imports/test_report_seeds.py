"""The two real reports (shared/seeds): everything they say is recovered, nothing more."""

import pytest

from granska.imports.matching import CatalogIndex
from granska.imports.parsed import AREA_CODES, REGULATIONS, ParsedReport, report_json
from granska.imports.report import report_parse


@pytest.fixture(scope="module")
def report_000(seed_000: str, catalog: CatalogIndex) -> ParsedReport:
    return report_parse(seed_000, [catalog])


@pytest.fixture(scope="module")
def report_001(seed_001: str, catalog: CatalogIndex) -> ParsedReport:
    return report_parse(seed_001, [catalog])


def test_seed_000_header(report_000: ParsedReport) -> None:
    header = report_000.header
    assert header.unit == "Liljeholmens vårdcentral"
    assert header.specialty == "Allmänmedicin"
    assert header.date == "2025-11-14"
    assert header.inspectors == ["Britt Bergström", "Eva de Fine Licht"]
    assert header.regulations == ["SOSFS 2015:8", "HSLF-FS 2021:8"]


def test_seed_000_summary_lists_each_item_whole(report_000: ParsedReport) -> None:
    summary = report_000.summary
    # Page 1: the table's head row "Styrkor | Svagheter" goes on, on page 2, with "Svagheter |
    # Förbättringspotential": page 1's items are the strengths, page 2 pairs five weaknesses
    # with their five improvements.
    assert len(summary.styrkor) == 12
    assert (
        summary.styrkor[0]
        == "Bra grundläggande regionala dokument och genomtänkta lokala dokument."
    )
    assert summary.styrkor[1] == (
        "Välfungerande studierektorsfunktion med goda rutiner vad gäller kontroll och uppföljning."
    )
    assert (
        summary.styrkor[-1] == "Det medicinskt vetenskapliga perspektivet tas med i vardagsarbetet."
    )
    assert "Båda chefsnivåerna väl insatta i ST-utbildningen" in summary.styrkor[2]
    assert len(summary.svagheter) == 5
    assert summary.svagheter[0].startswith("ST läkarna upplever problem med tillgången")
    assert summary.svagheter[0].endswith("anpassning av dessa till allmänmedicin.")
    assert summary.svagheter[3].endswith("kopplat till målbeskrivningen. Åtgärd krävs.")
    assert summary.svagheter[-1] == "De utmärkta lokala ST-dokumenten är ej kända av ST-läkarna."
    assert len(summary.forbattringspotential) == 5
    assert summary.forbattringspotential[0] == (
        "Studierektorerna fortsätter arbeta för att sidoutbildningen anpassas till ST i "
        "allmänmedicin."
    )
    assert (
        summary.forbattringspotential[-1]
        == "Repetition av regionala och lokala dokument i ST gruppen."
    )
    for item in summary.styrkor + summary.svagheter + summary.forbattringspotential:
        assert "\n" not in item
        assert "  " not in item
        assert item[0].isupper()


def test_seed_000_all_eight_narratives(report_000: ParsedReport) -> None:
    areas = {code: area.narrative or "" for code, area in report_000.areas.items()}
    for code in AREA_CODES:
        assert areas[code], code
        assert "Föreskrift" not in areas[code]
        assert "Socialstyrelsens föreskrifter följs" not in areas[code]
    assert areas["A"].startswith("Goda regionala dokument och kontrakt")
    assert "med över 33 000 listade , 24 specialister" in areas["A"]
    assert areas["A"].endswith("utvärderar kvaliteten på ST utbildningen.")
    assert areas["B"].endswith(
        "Skriftliga riktlinjer finns om hur ST skall läggas upp och handledning gå till."
    )
    assert areas["C"].startswith("Lokalerna belägna i ett hus")
    assert areas["D"].endswith("oftast kopplat till samtidig självvärdering")
    assert "(mini-CEX, DOPS etc)" in areas["E"]
    # E's title ("Teoretisk utbildning" is F's) is printed twice; F's narrative is the one after it.
    assert areas["F"].startswith("Teoretiska moment planeras i IUP.")
    assert areas["F"].endswith("inte kopplad till målbeskrivningen.")
    # G's title wraps over two lines.
    assert areas["G"].startswith("Enheten är en universitetsvårdcentral")
    assert "skall in i en ST-utbildning. Någon menar" in areas["G"]
    # H's narrative comes before the rest of G's criteria; a hyphen at a line's end joins.
    assert "Gäller aven AT-handledning." in areas["H"]
    assert areas["H"].endswith('Chefsfunktionen positiv till "skuggning".')


def test_seed_000_criteria_recognised_in_every_area(report_000: ParsedReport) -> None:
    counts = {code: (a.criteria_found, a.criteria_expected) for code, a in report_000.areas.items()}
    assert counts == {
        "A": (4, 4),
        "B": (10, 10),
        "C": (4, 4),
        "D": (13, 13),
        "E": (15, 15),
        "F": (6, 6),
        "G": (11, 11),
        "H": (13, 13),
    }
    # G's last criteria are printed after H's title: the catalog places them in G.
    assert report_000.areas["G"].criteria_codes[-1] == "G11"
    assert report_000.protocol is not None
    assert report_000.protocol.code == "spur-st-2025"
    assert report_000.protocol.score == 1.0


def test_seed_000_has_no_plan_no_adjustment_and_nothing_unplaced(report_000: ParsedReport) -> None:
    assert report_000.plan == []
    assert all(area.adjusted is None for area in report_000.areas.values())
    assert report_000.unrecognised == []


@pytest.mark.parametrize("which", ["report_000", "report_001"])
def test_every_grade_of_a_text_is_unknown(which: str, request: pytest.FixtureRequest) -> None:
    report: ParsedReport = request.getfixturevalue(which)
    for area in report.areas.values():
        assert area.grades == dict.fromkeys(REGULATIONS)
        assert area.grade_source == dict.fromkeys(REGULATIONS)
    assert report.source_kind == "text"
    body = report_json(report)
    assert list(body["areas"]) == list(AREA_CODES)


def test_seed_001_has_no_header(report_001: ParsedReport) -> None:
    header = report_001.header
    assert (header.unit, header.specialty, header.date) == (None, None, None)
    assert header.inspectors == []
    assert header.regulations == []


def test_seed_001_summary_columns_are_not_guessed(report_001: ParsedReport) -> None:
    # Three headings side by side and eleven items: the text does not say which column each is
    # in, so none is placed, and none is lost.
    summary = report_001.summary
    assert summary.styrkor == summary.svagheter == summary.forbattringspotential == []
    assert report_001.unrecognised[0] == "Förhållandevis god bemanning"
    assert (
        "Utrymmet för utveckling av handledaruppdraget upplevdes som begränsade relaterad till "
        "övriga arbetsuppgifter" in report_001.unrecognised
    )
    assert (
        report_001.unrecognised[-1]
        == "Mer frekvent användning och bredare urval av olika bedömningsinstrument"
    )
    assert len(report_001.unrecognised) == 11


def test_seed_001_eight_narratives_and_three_adjustments(report_001: ParsedReport) -> None:
    areas = {code: area.narrative or "" for code, area in report_001.areas.items()}
    for code in AREA_CODES:
        assert areas[code], code
        assert "Handlingsplan mottagen" not in areas[code]
    assert areas["A"] == (
        "Med 7270 listade innevånare, ett adekvat och varierat befolkningsunderlag. Det finns egen "
        "BVC, SÄBO och LSS-boende samt hemsjukvård."
    )
    # C's title and narrative are printed inside B's box.
    assert areas["C"].startswith("Adekvat disponerade och funktionella lokaler")
    assert areas["D"].endswith("avstämning görs med studierektor. Åtgärd krävs.")
    assert "IUP. Åtgärd krävs. Alla handledarsamtal" in areas["E"]
    assert "i ST-möten." in areas["G"]
    assert "systematisk kvalitets- och patientsäkerhetsarbete" in areas["G"]
    adjusted = report_001.areas
    assert {code: area.adjusted for code, area in adjusted.items() if area.adjusted} == {
        "D": "C",
        "E": "C",
        "H": "C",
    }


def test_seed_001_criteria_of_one_regulation(report_001: ParsedReport) -> None:
    counts = {code: a.criteria_found for code, a in report_001.areas.items()}
    # One regulation: E lists its duplicated text once, G lacks a 2021-only indicator.
    assert counts == {"A": 4, "B": 10, "C": 4, "D": 13, "E": 14, "F": 6, "G": 10, "H": 13}
    assert report_001.protocol is not None
    assert report_001.protocol.score == 1.0


def test_seed_001_handlingsplan(report_001: ParsedReport) -> None:
    plan = report_001.plan
    assert len(plan) == 8
    assert [item.area for item in plan] == ["D", "E", "E", "E", "H", "H", "H", "H"]
    assert [item.criterion for item in plan] == ["D7", "E1", "E4", "E6", "H2", "H5", "H7", "H9"]
    assert [item.due for item in plan] == [
        "2026-06-01",
        "2026-06-01",
        "2026-06-01",
        "2026-02-28",
        "2026-06-01",
        "2026-06-01",
        "2026-12-31",
        "Våren 2027",
    ]
    assert [item.follow_up for item in plan] == [
        "2026-09-01",
        "2026-09-01",
        "2026-09-01",
        "2026-06-30",
        "2026-09-01",
        "2026-09-01",
        "2027-01-31",
        "2027-06-01",
    ]
    first, last = plan[0], plan[-1]
    assert (
        first.criterion_text
        == "Utbildningsprogrammet följs upp regelbundet och revideras vid behov."
    )
    assert first.action.startswith("Under 2026 kommer studierektor att fortsätta")
    assert "informera ST-gruppen om nödvändigheten" in first.action
    assert first.action.endswith("sker i samråd med huvudhandledare.")
    assert first.responsible == "Therese Lindgren och Henning Wallerstedt"
    assert first.follow_up_responsible == "Henning Wallerstedt och Pär Hallenberg"
    # "Planerad åtgärd" printed twice at a page break is read once.
    assert plan[1].action.startswith("Lindsdals HC kommer att etablera en rutin")
    assert "sina ST-läkare, i denna" in plan[1].action
    assert plan[2].action == (
        "Detta ska from nu ske vid minst ett handledningstillfälle i månaden och dokumenteras i "
        "avsedd IUP."
    )
    assert plan[2].follow_up_responsible == "Therese Lindgren och avsedd handledare"
    assert last.responsible == "Verksamhetschef, ST läkare."
    assert last.follow_up_responsible == "Verksamhetschef och handledare"
    assert "AT - och BT-läkare" in last.action
