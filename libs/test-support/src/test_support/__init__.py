"""Test fixtures shared by every member's tests and the end-to-end tests.

Integration tests run on a real RabbitMQ and PostgreSQL: the ones named by
`RABBITMQ_URL` and `DATABASE_URL` when set, otherwise containers started with
testcontainers when a Docker engine answers.  With neither, the tests fail when
`CI` is set and are skipped otherwise, saying why.
"""
