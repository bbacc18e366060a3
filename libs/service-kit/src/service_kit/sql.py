"""SQL statements live in `.sql` files, one statement per file, `$1` placeholders.

Conditions several statements share stand once, in `fragments/<name>.sql` beside
them, and each statement takes them with a line `-- include: <name>`."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

_INCLUDE = re.compile(r"^([ \t]*)-- include: (\w+)$", re.MULTILINE)


def sql_loader(directory: Path) -> Callable[[str], str]:
    """`sql = sql_loader(Path(__file__).parent / "sql")`; `INSERT_X = sql("insert_x")`.

    Each line `-- include: <fragment>` of a statement is replaced by
    `fragments/<fragment>.sql` (its leading comment left out), indented as that
    line is.  Files are read once, at import, so a missing file fails at start-up."""

    def read(path: Path) -> str:
        return path.read_text(encoding="utf-8").strip()

    def fragment(name: str) -> list[str]:
        lines = read(directory / "fragments" / f"{name}.sql").splitlines()
        while lines and lines[0].startswith("--"):
            lines.pop(0)
        return lines

    def load(name: str) -> str:
        return _INCLUDE.sub(
            lambda found: "\n".join(found[1] + line for line in fragment(found[2])),
            read(directory / f"{name}.sql"),
        )

    return load
