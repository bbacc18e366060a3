"""`dead-letters`: inspect the dead-letter queues and put their messages back once
the cause is fixed (`cli`, over `replay` and `queue_listing`).

An operator's tool, not a library: every service dead-letters through service-kit,
and this reads what they left, with its own image (`--build-arg SERVICE=dead-letters`)."""
