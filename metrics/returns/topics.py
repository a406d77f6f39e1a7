"""The Commentary sheet with all its topics: the contract's own four and the name of every measure.

The topics come from the registry, so a measure added there can be commented on with no other change.
This is the one module of the returns layer that reads the measures layer (an exception pyproject.toml
declares): the registry is plain definitions, importing only the contract.
"""

from __future__ import annotations

import dataclasses

from metrics.contract import COMMENTARY as _CONTRACT_COMMENTARY
from metrics.contract import COMMENTARY_TOPICS, RETURN_SHEETS, Sheet
from metrics.measures.registry import MEASURES

TOPICS = (*COMMENTARY_TOPICS, *MEASURES)

COMMENTARY = dataclasses.replace(_CONTRACT_COMMENTARY, columns=tuple(
    dataclasses.replace(c, codes=TOPICS) if c.name == "topic" else c for c in _CONTRACT_COMMENTARY.columns))

# The sheets of the return as they are checked and templated.
SHEETS: tuple[Sheet, ...] = tuple(COMMENTARY if s is _CONTRACT_COMMENTARY else s for s in RETURN_SHEETS)
