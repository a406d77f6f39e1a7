"""What is wrong with an uploaded file: a problem names file, sheet, row, column and value."""

from __future__ import annotations

from dataclasses import dataclass, field

from metrics.i18n import _


@dataclass
class Problem:
    """One thing wrong with an uploaded file, named so that the manager can find and fix it."""

    file: str
    sheet: str
    row: int | None
    column: str
    value: object
    problem: str

    @classmethod
    def whole(cls, file: str, sheet: str, problem: str) -> Problem:
        """A problem with a whole sheet (or, with sheet "", the whole file) rather than one cell."""
        return cls(file, sheet, None, "", "", problem)

    def __str__(self) -> str:
        """The problem as a person reads it, in this run's language (the sheet and column names as they are;
        `problem` was written in the language of the check)."""
        where = self.sheet
        if self.row is not None:
            where += " " + _("row {row}").format(row=self.row)
        if self.column:
            where += ", " + _("column {column}").format(column=self.column)
        value = "" if self.value is None or self.value == "" else f"{_show(self.value)} "
        return f"{self.file}: {where + ': ' if where else ''}{value}{self.problem}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": "" if self.value is None else str(self.value),
            "problem": self.problem,
        }


def _show(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


@dataclass
class Rejected(Exception):
    """A file was rejected; every problem found is listed."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
