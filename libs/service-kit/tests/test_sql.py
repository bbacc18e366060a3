"""Statements read from `.sql` files, with the fragments they include."""

from __future__ import annotations

from pathlib import Path

from service_kit.sql import sql_loader


def test_an_included_fragment_stands_in_its_line_indented_without_its_comment(
    tmp_path: Path,
) -> None:
    (tmp_path / "fragments").mkdir()
    (tmp_path / "fragments" / "conditions.sql").write_text(
        "-- what the conditions are\nAND a = $1\nAND (b IS NULL\n     OR b = $2)\n"
    )
    (tmp_path / "count.sql").write_text(
        "-- how many\nSELECT count(*) FROM t\nWHERE true\n  -- include: conditions\n"
    )
    assert sql_loader(tmp_path)("count") == (
        "-- how many\nSELECT count(*) FROM t\nWHERE true\n"
        "  AND a = $1\n  AND (b IS NULL\n       OR b = $2)"
    )


def test_a_statement_without_includes_is_read_as_it_stands(tmp_path: Path) -> None:
    (tmp_path / "one.sql").write_text("\nSELECT 1 -- not an include: x\n")
    assert sql_loader(tmp_path)("one") == "SELECT 1 -- not an include: x"
