import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from granska.catalog.loader import read_catalog
from granska.catalog.models import ProtocolVersion
from granska.catalog.services import protocol_load


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def protocol(db: None) -> ProtocolVersion:
    """The SPUR ST protocol shipped with Granska, loaded into the test database."""
    return protocol_load(spec=read_catalog(settings.GRANSKA_DEFAULT_CATALOG)).protocol


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The two real SPUR reports in ../shared/seeds (or GRANSKA_SEEDS_DIR).

    They live beside the repository, not in it. CI always has them, so there their absence fails;
    elsewhere (a clone in /tmp) the tests that read them are skipped, loudly.
    """
    path = Path(os.environ.get("GRANSKA_SEEDS_DIR", settings.BASE_DIR.parent / "shared" / "seeds"))
    if not (path / "000_76a68b3e09a9d094.txt").exists():
        message = f"the SPUR seed reports are not at {path} (set GRANSKA_SEEDS_DIR)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
