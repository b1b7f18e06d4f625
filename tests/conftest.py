import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from granska.catalog.loader import read_catalog
from granska.catalog.models import ProtocolVersion
from granska.catalog.services import protocol_load
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


@pytest.fixture
def protocol(db: None) -> ProtocolVersion:
    """The SPUR ST protocol shipped with Granska, loaded into the test database."""
    return protocol_load(spec=read_catalog(settings.GRANSKA_DEFAULT_CATALOG)).protocol


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
