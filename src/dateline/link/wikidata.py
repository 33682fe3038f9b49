"""Optional Wikidata ids for entities, from a lookup table the user supplies (never required).

dateline ships no knowledge base and goes online for nothing. An analyst who has a table of
names and Wikidata ids (exported from Wikidata, or kept by hand) names it in the settings:

    [identities]
    wikidata = "people.tsv"     # name <TAB> Q-id per line; '#' starts a comment

An entity gets an id when its name or one of its aliases matches a row (case and accents
folded) and every row it matches gives the same id; an ambiguous match gives none.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

from dateline.errors import ConfigError
from dateline.link.actors import ascii_fold
from dateline.model import Entity

_QID = re.compile(r"^Q[1-9][0-9]*$")


def _key(name: str) -> str:
    return " ".join(ascii_fold(name).replace("-", " ").split())


def load_lookup(path: str | Path) -> dict[str, set[str]]:
    """Read a name -> Wikidata id table; raise ConfigError naming the file and line if bad."""
    table: dict[str, set[str]] = {}
    try:
        lines = Path(path).expanduser().read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the Wikidata lookup table: {exc}", path=str(path)) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 2 or not _QID.match(parts[1].strip()) or not parts[0].strip():
            raise ConfigError(
                f"line {number}: expected 'name<TAB>Q-id', got {line[:80]!r}", path=str(path)
            )
        table.setdefault(_key(parts[0]), set()).add(parts[1].strip())
    return table


def attach_wikidata(entities: Sequence[Entity], lookup: dict[str, set[str]]) -> list[Entity]:
    """Entities with `wikidata` set where their names match the lookup table unambiguously."""
    out = []
    for entity in entities:
        found: set[str] = set()
        for name in (entity.name, *entity.aliases):
            found |= lookup.get(_key(name), set())
        out.append(dataclasses.replace(entity, wikidata=found.pop()) if len(found) == 1 else entity)
    return out
