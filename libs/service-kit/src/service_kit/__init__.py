"""What every service runs on.

`settings` (the infrastructure settings every deployment sets), `logs` (JSON
logs through structlog), `database` and `migrations` (a pool on the service's
own schema, migrated from plain SQL on start), `sql` (statements loaded from
`.sql` files), `topology` (exchanges, quorum queues, dead-letter queues),
`publishing`, `subscribers` (typed handlers, `@consumes`, routers),
`dead_letters` (the middleware that retries what is transient and dead-letters
what cannot be processed), `asyncapi` (the service's AsyncAPI document),
`errors` (validation errors by field, `Unprocessable`),
`retry` (waiting out what passes), `loops` (a background loop that keeps running
until stopped) and `backoff` (the waits every retry of the
system takes), `secrets` and `sealing` (credentials sealed with `SECRETS_KEYS`,
and sealed again with the newest key at start), `outbox` (events committed with
the state that caused them) and `outbox_backlog` (how far behind it is),
`metrics` (the registry with process metrics, consumed messages' outcomes and
age) and `broker_metrics` (faststream's, queue labels bounded), `runtime` (one
process: pool, broker, handlers, background loops, `/live`, `/health` and
`/metrics`), `runner` (JSON logs, then uvicorn on the service's port).
"""
