import functools
import os
import signal
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from granska.catalog.loader import ProtocolSpec, read_catalog
from granska.catalog.models import ProtocolVersion
from granska.catalog.services import protocol_load
from granska.surveys.loader import QuestionnaireSpec, read_questionnaire
from granska.surveys.loading import questionnaire_load
from granska.surveys.models import Questionnaire
from tests.signals import WORKER_SIGNALS

# The fixtures of the chain after the visit (a graded review, its people, its plan).
pytest_plugins = ["tests.chain"]


@pytest.fixture(autouse=True)
def signal_handlers_kept() -> Iterator[None]:
    """A test that installs a signal handler (an in-process `db_worker` does) puts the old one
    back: left installed, a SIGTERM would surface as SystemExit inside an unrelated test."""
    before = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
    yield
    after = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
    assert after == before, "a signal handler was left installed"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Issued final reports go to a folder of the test's own, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@functools.cache
def shipped_catalog() -> ProtocolSpec:
    """The catalog file shipped with Granska, read once per test session."""
    return read_catalog(settings.GRANSKA_DEFAULT_CATALOG)


@functools.cache
def shipped_questionnaire() -> QuestionnaireSpec:
    """The questionnaire file shipped with Granska, read once per test session."""
    return read_questionnaire(settings.GRANSKA_DEFAULT_QUESTIONNAIRE)


def _load_shipped() -> None:
    """The shipped catalog, then the shipped questionnaire mapped onto it."""
    protocol_load(spec=shipped_catalog())
    questionnaire_load(spec=shipped_questionnaire())


# The database blocker of pytest-django, kept once the test database exists, so that the catalog
# can be put back after a transactional test has emptied the database.
_database_blocker: Any = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database, made as pytest-django makes it, with the shipped catalog and
    questionnaire loaded once.

    Loading it takes about a second; each test used to load it anew. A test runs inside a
    transaction that is rolled back, so the catalog stays as loaded here. A transactional test
    empties the database when it ends: `pytest_runtest_teardown` loads the catalog again.
    """
    global _database_blocker
    with django_db_blocker.unblock():
        _load_shipped()
    _database_blocker = django_db_blocker


def _uses_transactional_db(item: pytest.Item) -> bool:
    """Whether the test ran on a transactional database, which is flushed when it ends."""
    fixtures = getattr(item, "fixturenames", ())
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return True
    marker = item.get_closest_marker("django_db")
    return marker is not None and bool(marker.kwargs.get("transaction", False))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    """After a transactional test has flushed the database, the catalog is loaded again for the
    tests that follow (pytest-django runs the transactional ones after the others, so these are
    mostly transactional too). Not after the last test, whose database is destroyed; but also when
    the test's own teardown failed, so that one failure does not become many."""
    try:
        return (yield)
    finally:
        if nextitem is not None and _database_blocker is not None and _uses_transactional_db(item):
            with _database_blocker.unblock():
                _load_shipped()


@pytest.fixture
def protocol(db: None) -> ProtocolVersion:
    """The SPUR ST protocol shipped with Granska, loaded into the test database once a session."""
    return ProtocolVersion.objects.get(code=shipped_catalog().code)


@pytest.fixture
def questionnaire(db: None) -> Questionnaire:
    """The questionnaire shipped with Granska (for the shipped protocol), loaded once a session."""
    return Questionnaire.objects.get(code=shipped_questionnaire().code)


@pytest.fixture
def no_catalog(db: None) -> None:
    """An empty catalog, for the tests of loading one: the session's catalog (and the
    questionnaire mapped onto it) is deleted inside the test's transaction, which puts it back
    when it is rolled back."""
    Questionnaire.objects.all().delete()
    ProtocolVersion.objects.all().delete()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The two real SPUR reports: GRANSKA_SEEDS_DIR, else ../shared/seeds beside the repository,
    else the workplace's /work/shared/seeds (where a clone elsewhere, such as /tmp, finds them).

    They live outside the repository. CI always has them, so there their absence fails;
    elsewhere the tests that read them are skipped, loudly.
    """
    candidates = [settings.BASE_DIR.parent / "shared" / "seeds", Path("/work/shared/seeds")]
    if "GRANSKA_SEEDS_DIR" in os.environ:
        candidates = [Path(os.environ["GRANSKA_SEEDS_DIR"])]
    for path in candidates:
        if (path / "000_76a68b3e09a9d094.txt").exists():
            return path
    message = f"the SPUR seed reports are not at {' or '.join(map(str, candidates))}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
