"""audience-resolver settings, from the environment."""

from __future__ import annotations

from service_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """`AUDIENCE_RESOLVER_PORT` (8081); `SNAPSHOT_CONCURRENCY`, how many snapshots
    one process takes at once (each holds a database connection while it is
    taken); `IMPORT_CONCURRENCY`, how many import batches it stores at once."""

    audience_resolver_port: int = 8081
    snapshot_concurrency: int = 2
    import_concurrency: int = 4
