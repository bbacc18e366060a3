"""The machinery every channel dispatcher shares.

A dispatcher service supplies its platform client (how to send one message and
what the platform's answers mean) and its channel's policies; this library does
the rest: one queue per connection, its jobs stored in an inbox in PostgreSQL
and sent by the one process holding the connection's lease, a claim before
every call to the platform, pacing within the connection's limits, retries, and
outcome reports.
"""
