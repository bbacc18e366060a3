"""SQL statements live in `.sql` files, one statement per file, `$1` placeholders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def sql_loader(directory: Path) -> Callable[[str], str]:
    """`sql = sql_loader(Path(__file__).parent / "sql")`; `INSERT_X = sql("insert_x")`.

    Files are read once, at import, so a missing file fails at start-up."""

    def load(name: str) -> str:
        return (directory / f"{name}.sql").read_text(encoding="utf-8").strip()

    return load
