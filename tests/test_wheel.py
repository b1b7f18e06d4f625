"""An installed wheel runs: it carries its templates, translations, catalog, report template and
fonts, and finds them through the package, not through a checkout.

The wheel is built from a copy of the sources (as a fresh checkout would have them, with the
translations `make install` compiles) and installed, without its dependencies, into a new
virtual environment of the same Python; the project's own environment lends it the dependencies
through a .pth file. Then `granska` runs from a directory outside the checkout. About 15 s.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.wheel

# What the wheel must hold besides the code, as paths inside it.
SHIPPED = [
    "granska/templates/base.html",
    "granska/templates/reviews/assessment.html",
    "granska/templates/actionplans/reminder_email.txt",
    "granska/static/granska/granska.css",
    "granska/static/granska/draft.js",
    "granska/locale/sv/LC_MESSAGES/django.po",
    "granska/locale/sv/LC_MESSAGES/django.mo",
    "granska/catalog/data/spur-st-2025.yaml",
    "granska/surveys/data/spur-enkat-2025.yaml",
    "granska/reports/templates/report.typ",
    "granska/reports/fonts/Lato-Regular.ttf",
    "granska/reports/fonts/NotoSans-Regular.ttf",
    "granska/reports/fonts/OFL.txt",
]


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    checkout = Path(settings.BASE_DIR)
    mo = checkout / "src/granska/locale/sv/LC_MESSAGES/django.mo"
    assert mo.is_file(), f"{mo} is missing: `make install` compiles the translations"
    sources = tmp_path_factory.mktemp("sources")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(checkout / name, sources / name)
    shutil.copytree(
        checkout / "src",
        sources / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    out = tmp_path_factory.mktemp("wheel")
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "--wheel-dir",
        out,
        sources,
        cwd=sources,
    )
    [built] = out.glob("granska-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin directory of a new environment holding the wheel and nothing else of its own."""
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv)
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=venv,
    )
    # The project's environment lends its packages, and only as a path: the .pth files in it
    # (among them the editable install pointing at the checkout) are not read.
    purelib = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=venv
        ).strip()
    )
    (purelib / "granska-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin"


def test_the_wheel_carries_the_templates_translations_catalog_and_fonts(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [path for path in SHIPPED if path not in names] == []
    fonts = Path(settings.PACKAGE_DIR, "reports/fonts")
    assert {f"granska/reports/fonts/{f.name}" for f in fonts.glob("*.ttf")} <= names
    templates = Path(settings.PACKAGE_DIR, "templates")
    assert {
        f"granska/templates/{f.relative_to(templates).as_posix()}"
        for f in templates.rglob("*")
        if f.is_file()
    } <= names


def test_the_installed_wheel_checks_loads_and_shows_the_catalog(
    installed: Path, tmp_path: Path
) -> None:
    # A directory outside the checkout, with nothing of Granska's settings in the environment:
    # what Granska writes goes to var/ here.
    (tmp_path / "var").mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GRANSKA_", "DJANGO_")) and k not in ("DATABASE_URL", "PYTHONPATH")
    }
    where = run(
        installed / "python", "-c", "import granska; print(granska.__file__)", cwd=tmp_path, env=env
    )
    assert Path(where.strip()).is_relative_to(installed.parent)

    granska = installed / "granska"
    assert "System check identified no issues" in run(granska, "check", cwd=tmp_path, env=env)
    run(granska, "migrate", "--no-input", cwd=tmp_path, env=env)
    assert (tmp_path / "var" / "granska.sqlite3").is_file()
    # The shipped catalog, found in the package; the message in Swedish, from the shipped .mo.
    loaded = run(granska, "catalog", "load", cwd=tmp_path, env=env)
    assert "Läste in" in loaded
    assert "spur-st-2025" in loaded
    shown = run(granska, "catalog", "show", cwd=tmp_path, env=env)
    assert "(spur-st-2025)" in shown.splitlines()[0]
    assert "\nE. " in shown
    assert "E4 " in shown
    # The shipped questionnaire, found in the package and mapped onto that catalog.
    questionnaire = run(granska, "questionnaire", "load", cwd=tmp_path, env=env)
    assert "Läste in" in questionnaire
    assert "(spur-enkat-2025) för spur-st-2025" in questionnaire
