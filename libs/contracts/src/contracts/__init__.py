"""The public and internal messages of the broadcast-campaign system.

One module per area; `names` holds every exchange, routing key and queue name so
that no service spells one itself, and `catalog` lists every message with its
routing key and example payload.
"""
