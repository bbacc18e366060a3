"""Regenerate the checked-in JSON Schemas of every event (`make schemas`)."""

from contracts.schemas import SCHEMA_DIR, write_schemas

if __name__ == "__main__":
    for name in write_schemas():
        print(f"{SCHEMA_DIR.name}/{name}")
