from pathlib import Path

import pytest

import granska.catalog
from granska.catalog.loader import read_catalog
from granska.imports.catalogs import catalog_index_of_spec
from granska.imports.matching import CatalogIndex

CATALOG_FILE = Path(granska.catalog.__file__).parent / "data" / "spur-st-2025.yaml"


@pytest.fixture(scope="session")
def catalog() -> CatalogIndex:
    """The shipped protocol version, read from its file (no database needed)."""
    return catalog_index_of_spec(read_catalog(CATALOG_FILE))


@pytest.fixture(scope="session")
def seed_000(seeds_dir: Path) -> str:
    return (seeds_dir / "000_76a68b3e09a9d094.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_001(seeds_dir: Path) -> str:
    return (seeds_dir / "001_70bf7bfa9be8bdb8.txt").read_text(encoding="utf-8")
