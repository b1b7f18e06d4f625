"""Comparing names whatever their case, every letter: "ÖSTERÅ" finds "Österå" and sorts beside
it. PostgreSQL's LOWER folds every letter (in a UTF-8 database); SQLite's LOWER and LIKE fold
only A to Z, so on SQLite the same expression calls Python's `str.lower`, registered on each
new connection."""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import CharField, Func
from django.db.models.sql.compiler import SQLCompiler

SQLITE_LOWER = "granska_lower"


def text_lower(value: object) -> object:
    """The lower-case form both databases give: Python's and PostgreSQL's LOWER agree on every
    letter Swedish names use."""
    return value.lower() if isinstance(value, str) else value


class Lowered(Func):
    """LOWER(expression), every letter folded on both databases."""

    function = "LOWER"
    arity = 1
    output_field = CharField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> Any:
        return super().as_sql(compiler, connection, function=SQLITE_LOWER, **extra_context)


def sqlite_functions_add(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Registers `granska_lower` on a new SQLite connection (PostgreSQL needs nothing)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_LOWER, 1, text_lower, deterministic=True)


def search_functions_connect() -> None:
    connection_created.connect(sqlite_functions_add, dispatch_uid="granska-sqlite-lower")


def like_term(text: str) -> str:
    """What a search looks for in a `Lowered` name: the typed text, lower-cased, its white
    space collapsed."""
    return " ".join(text.split()).lower()
