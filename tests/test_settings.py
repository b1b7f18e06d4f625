"""Production mode refuses unsafe settings and passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

GOOD_KEY = "k" * 20 + "-production-secret-for-the-test-only-" + "x" * 20


def granska(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("granska")
    base = {k: v for k, v in os.environ.items() if not k.startswith("GRANSKA_")}
    return subprocess.run(
        [str(script), *args],
        env=base | env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_production_passes_check_deploy() -> None:
    result = granska(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        GRANSKA_ENV="production",
        GRANSKA_SECRET_KEY=GOOD_KEY,
        GRANSKA_ALLOWED_HOSTS="granska.example",
        GRANSKA_SITE_URL="https://granska.example",
        # A database that does not exist: the checks that read one find no demo in it.
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/granska_check_deploy_absent",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_check_deploy_warns_of_sqlite_in_production(tmp_path: Path) -> None:
    result = granska(
        "check",
        "--deploy",
        GRANSKA_VAR_DIR=str(tmp_path),
        GRANSKA_ENV="production",
        GRANSKA_SECRET_KEY=GOOD_KEY,
        GRANSKA_ALLOWED_HOSTS="granska.example",
        GRANSKA_SITE_URL="https://granska.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert "granska.W001" in result.stderr
    assert "PostgreSQL" in result.stderr


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({}, "GRANSKA_SECRET_KEY"),
        ({"GRANSKA_SECRET_KEY": "short"}, "GRANSKA_SECRET_KEY"),
        ({"GRANSKA_SECRET_KEY": GOOD_KEY, "GRANSKA_DEBUG": "1"}, "GRANSKA_DEBUG"),
    ],
)
def test_production_refuses_unsafe_settings(env: dict[str, str], words: str) -> None:
    result = granska("check", GRANSKA_ENV="production", **env)
    assert result.returncode != 0
    assert words in result.stderr


def test_production_refuses_the_demo() -> None:
    result = granska(
        "demo",
        GRANSKA_ENV="production",
        GRANSKA_SECRET_KEY=GOOD_KEY,
        GRANSKA_ALLOWED_HOSTS="granska.example",
        GRANSKA_SITE_URL="https://granska.example",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode != 0
    assert "produktion" in result.stderr


def test_an_unknown_mode_is_refused() -> None:
    result = granska("check", GRANSKA_ENV="staging")
    assert result.returncode != 0
    assert "GRANSKA_ENV" in result.stderr


def test_check_deploy_refuses_a_production_database_holding_the_demo(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    # GRANSKA_VAR_DIR keeps the demo's issued reports out of the project's var/.
    assert granska("migrate", DATABASE_URL=database, GRANSKA_VAR_DIR=str(tmp_path)).returncode == 0
    assert granska("demo", DATABASE_URL=database, GRANSKA_VAR_DIR=str(tmp_path)).returncode == 0
    production = {
        "GRANSKA_VAR_DIR": str(tmp_path),
        "GRANSKA_ENV": "production",
        "GRANSKA_SECRET_KEY": GOOD_KEY,
        "GRANSKA_ALLOWED_HOSTS": "granska.example",
        "GRANSKA_SITE_URL": "https://granska.example",
        "DATABASE_URL": database,
    }
    result = granska("check", "--deploy", **production)
    assert result.returncode != 0
    assert "granska.E001" in result.stderr
    assert "kansli@granska.example" in result.stderr


@pytest.mark.parametrize(
    ("site", "words"),
    [
        (None, "GRANSKA_SITE_URL is not set"),
        ("granska.example", "not an http(s) address"),
        ("https://granska.example/granska", "no path"),
    ],
)
def test_production_does_not_start_without_its_own_address(
    tmp_path: Path, site: str | None, words: str
) -> None:
    """Links in e-mails and calendars, and the calendar's UIDs, need GRANSKA_SITE_URL: without
    DEBUG every command refuses to run until it is set, not only `check --deploy`."""
    production = {
        "GRANSKA_VAR_DIR": str(tmp_path),
        "GRANSKA_ENV": "production",
        "GRANSKA_SECRET_KEY": GOOD_KEY,
        "GRANSKA_ALLOWED_HOSTS": "granska.example",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/granska_check_deploy_absent",
    }
    if site is not None:
        production["GRANSKA_SITE_URL"] = site
    result = granska("check", **production)
    assert result.returncode != 0
    assert "granska.E002" in result.stderr
    assert words in result.stderr


def test_development_without_debug_needs_the_address_too(tmp_path: Path) -> None:
    base = {"GRANSKA_VAR_DIR": str(tmp_path), "GRANSKA_DEBUG": "0"}
    assert "granska.E002" in granska("check", **base).stderr
    result = granska("check", **base, GRANSKA_SITE_URL="http://granska.intern:8000")
    assert result.returncode == 0, result.stderr
