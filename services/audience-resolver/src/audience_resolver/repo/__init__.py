"""asyncpg queries of the audience-resolver, returning domain types, never Records."""

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import asyncpg

from service_kit.sql import sql_loader

_SQL = Path(__file__).resolve().parent.parent / "sql"
_statement = sql_loader(_SQL)
_fragment = sql_loader(_SQL / "fragments")
_INCLUDE = re.compile(r"^([ \t]*)-- include: (\w+)$", re.MULTILINE)


def _body(fragment: str) -> str:
    """A fragment without its leading comment."""
    lines = _fragment(fragment).splitlines()
    while lines and lines[0].startswith("--"):
        lines.pop(0)
    return "\n".join(lines)


def sql(name: str) -> str:
    """The statement of `sql/<name>.sql`, each line `-- include: <fragment>` in it
    replaced by `sql/fragments/<fragment>.sql` (its leading comment left out),
    indented as that line is.  Read at import, so a missing file fails at start-up."""
    return _INCLUDE.sub(
        lambda found: "\n".join(found[1] + line for line in _body(found[2]).splitlines()),
        _statement(name),
    )


Pool: TypeAlias = "asyncpg.Pool[Any]"
Conn: TypeAlias = "asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any]"
