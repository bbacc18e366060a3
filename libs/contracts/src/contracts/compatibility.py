"""Whether a new JSON Schema of an event still takes what its released one did.

A change is breaking when a message valid under the released schema may be
refused by the new one, or when a consumer of the released one loses something
it read: a field removed or renamed, a type narrowed (a type, an enum value or
an alternative taken away, a bound or pattern tightened), a field newly
required, extra fields newly forbidden.  Such a change takes a `.v2` event
beside the `.v1`.

Written for the schemas pydantic generates (`$defs`/`$ref`, `anyOf` unions,
`type`, `enum`, `const`, bounds): the libraries that compare JSON Schemas in
general are alpha software (jsoncompat) or classify without resolving `$ref`.
"""

from __future__ import annotations

from typing import Any

Node = dict[str, Any]

_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")


class _Schemas:
    """One released and one new schema, each resolving its own `$ref`s."""

    def __init__(self, old: Node, new: Node) -> None:
        self.old_defs: Node = old.get("$defs", {})
        self.new_defs: Node = new.get("$defs", {})
        self.found: list[str] = []

    def old(self, node: Node) -> Node:
        return _resolve(node, self.old_defs)

    def new(self, node: Node) -> Node:
        return _resolve(node, self.new_defs)


def _resolve(node: Node, defs: Node) -> Node:
    seen = 0
    while "$ref" in node and seen < 20:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
        seen += 1
    return node


def breaking_changes(old: Node, new: Node) -> list[str]:
    """Every breaking change from the released schema `old` to `new`, each
    naming the field (`stop_hint`, `audience.kind`, ...) and what changed."""
    schemas = _Schemas(old, new)
    _compare(schemas, old, new, "")
    return schemas.found


def _compare(schemas: _Schemas, old: Node, new: Node, path: str) -> None:
    old, new = schemas.old(old), schemas.new(new)
    where = path or "the message"
    if "anyOf" in old or "anyOf" in new or "oneOf" in old or "oneOf" in new:
        _compare_alternatives(schemas, old, new, path)
        return
    _compare_values(schemas.found, old, new, where)
    if "properties" in old:
        _compare_objects(schemas, old, new, path)
    if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
        _compare(schemas, old["items"], new["items"], f"{path}[]")


def _compare_values(found: list[str], old: Node, new: Node, where: str) -> None:
    old_types, new_types = _types(old), _types(new)
    if new_types is not None and (old_types is None or not old_types <= new_types):
        found.append(f"{where}: type narrowed from {_show(old_types)} to {_show(new_types)}")
    old_values, new_values = _values(old), _values(new)
    if new_values is not None and (old_values is None or not old_values <= new_values):
        found.append(f"{where}: values narrowed from {_show(old_values)} to {_show(new_values)}")
    for bound in _UPPER_BOUNDS:
        if bound in new and (bound not in old or new[bound] < old[bound]):
            found.append(f"{where}: {bound} tightened to {new[bound]}")
    for bound in _LOWER_BOUNDS:
        if bound in new and (bound not in old or new[bound] > old[bound]):
            found.append(f"{where}: {bound} tightened to {new[bound]}")
    if "pattern" in new and new.get("pattern") != old.get("pattern"):
        found.append(f"{where}: pattern changed to {new['pattern']!r}")


def _compare_objects(schemas: _Schemas, old: Node, new: Node, path: str) -> None:
    where = path or "the message"
    new_properties: Node = new.get("properties", {})
    for name, field in old["properties"].items():
        inner = f"{path}.{name}" if path else name
        if name not in new_properties:
            schemas.found.append(f"{inner}: removed")
        else:
            _compare(schemas, field, new_properties[name], inner)
    for name in sorted(set(new.get("required", ())) - set(old.get("required", ()))):
        schemas.found.append(f"{path + '.' if path else ''}{name}: newly required")
    if new.get("additionalProperties") is False and old.get("additionalProperties") is not False:
        schemas.found.append(f"{where}: extra fields newly forbidden")


def _compare_alternatives(schemas: _Schemas, old: Node, new: Node, path: str) -> None:
    """Each released alternative (a union's member) must still be taken: by the
    new alternative of the same name (`$ref`), or of the same type."""
    where = path or "the message"
    new_options = new.get("anyOf") or new.get("oneOf") or [new]
    for option in old.get("anyOf") or old.get("oneOf") or [old]:
        match = _counterpart(schemas, option, new_options)
        if match is None:
            name = option.get("$ref", "").rsplit("/", 1)[-1] or _show(_types(schemas.old(option)))
            schemas.found.append(f"{where}: alternative {name} no longer taken")
        else:
            _compare(schemas, option, match, path)


def _counterpart(schemas: _Schemas, option: Node, new_options: list[Node]) -> Node | None:
    if "$ref" in option:
        for candidate in new_options:
            if candidate.get("$ref") == option["$ref"]:
                return candidate
    types = _types(schemas.old(option))
    for candidate in new_options:
        if "$ref" not in candidate and _types(schemas.new(candidate)) == types:
            return candidate
    for candidate in new_options:
        if "$ref" in candidate and "$ref" not in option and types == {"object"}:
            return candidate
    return None


def _types(node: Node) -> set[str] | None:
    """The JSON types a node takes (None: any); `integer` is a `number`."""
    if "type" not in node:
        return None
    kinds = node["type"]
    found = {kinds} if isinstance(kinds, str) else set(kinds)
    return found | ({"integer"} if "number" in found else set())


def _values(node: Node) -> set[str] | None:
    """The values an `enum` or `const` node takes, as JSON text (None: any)."""
    if "const" in node:
        return {repr(node["const"])}
    if "enum" in node:
        return {repr(value) for value in node["enum"]}
    return None


def _show(values: set[str] | None) -> str:
    return "anything" if values is None else "/".join(sorted(values))
