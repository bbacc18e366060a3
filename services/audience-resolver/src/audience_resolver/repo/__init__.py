"""asyncpg queries of the audience-resolver, returning domain types, never Records."""

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import asyncpg

from service_kit.sql import sql_loader

sql = sql_loader(Path(__file__).resolve().parent.parent / "sql")


Pool: TypeAlias = "asyncpg.Pool[Any]"
Conn: TypeAlias = "asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any]"
