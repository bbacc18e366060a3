"""Regenerate the checked-in JSON Schemas of every event (`make schemas`); with
`--release`, also record them as the released ones that later changes must keep
compatible with (`make schemas-release`, when a release is cut)."""

import sys

from contracts.schemas import RELEASED_DIR, SCHEMA_DIR, write_schemas

if __name__ == "__main__":
    for name in write_schemas():
        print(f"{SCHEMA_DIR.name}/{name}")
    if "--release" in sys.argv[1:]:
        for name in write_schemas(RELEASED_DIR):
            print(f"{RELEASED_DIR.name}/{name}")
