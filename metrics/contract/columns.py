"""The building blocks of the contract: a column (or key/value field) and a sheet, and header matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Header matching ignores case, spaces and underscores (DOMAIN.md).
_HEADER_NOISE = re.compile(r"[\s_]+")


def header_key(text: object) -> str:
    """Normalise a header cell so that 'Referral Date' matches 'referral_date'."""
    return _HEADER_NOISE.sub("", str(text or "")).lower()


@dataclass(frozen=True)
class Column:
    """One column of a table sheet or CSV, or one field of a key/value sheet."""

    name: str
    type: str  # text | date | month | code | int | number
    description: str
    required: bool = True
    codes: tuple[str, ...] = ()
    pattern: str | None = None  # a regular expression the whole value must match
    pattern_hint: str = ""
    sql_type: str = ""
    max_length: int = 500  # a text column's longest value, in characters
    codes_hint: str = ""  # a code column's problem text when its codes are too many to list in it

    @property
    def duckdb_type(self) -> str:
        return (
            self.sql_type
            or {
                "text": "VARCHAR",
                "code": "VARCHAR",
                "date": "DATE",
                "month": "VARCHAR",
                "int": "BIGINT",
                "number": "DECIMAL(12,2)",
            }[self.type]
        )


@dataclass(frozen=True)
class Sheet:
    """A sheet of the monthly return (or a reference CSV).

    kind 'table': one record a row under a header of `columns`.
    kind 'keyvalue': two columns headed `key_header` and `value_header`, one field a row.
    """

    name: str
    kind: str
    columns: tuple[Column, ...]
    description: str
    key_header: str = ""
    value_header: str = ""
    table: str = ""  # the DuckDB table that stores its rows
    # A table sheet whose last row may total this column (a total row under the Spend lines): left out when
    # it equals the rows above, refused when it does not.
    total_of: str = ""
    optional: bool = False  # a return may leave the sheet out (its rows are then none)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]
