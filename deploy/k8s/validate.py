"""Validates the rendered manifests of every overlay (`make lint`).

    .venv/bin/python deploy/k8s/validate.py [overlay ...]   # default: every overlay

Renders each overlay with `kubectl kustomize`, then checks every object strictly (unknown
fields are errors): the built-in kinds with kubernetes-validate against KUBERNETES_VERSION,
the custom ones (KEDA, prometheus-operator) against their CRDs' openAPIV3Schema, vendored
in schemas/ (each file names its upstream release), made strict the way the API server's
strict field validation is: no properties beyond those declared, except where the schema
preserves unknown fields.  Exits 1 on the first overlay with an invalid object.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

HERE = Path(__file__).resolve().parent
KUBERNETES_VERSION = "1.32.0"
CUSTOM_KINDS = {
    ("keda.sh/v1alpha1", "ScaledObject"): "scaledobject_keda_v1alpha1.json",
    ("keda.sh/v1alpha1", "TriggerAuthentication"): "triggerauthentication_keda_v1alpha1.json",
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "servicemonitor_monitoring_v1.json",
    ("monitoring.coreos.com/v1", "PrometheusRule"): "prometheusrule_monitoring_v1.json",
}


def strict(schema: Any) -> Any:
    """`schema` with additionalProperties false on every object that declares its properties."""
    if isinstance(schema, dict):
        out = {key: strict(value) for key, value in schema.items()}
        if (
            "properties" in out
            and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")
        ):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    return schema


def custom_validator(file_name: str) -> jsonschema.protocols.Validator:
    schema = strict(json.loads((HERE / "schemas" / file_name).read_text(encoding="utf-8")))
    # metadata is the API server's to check (ObjectMeta), as for any custom resource
    schema["properties"]["metadata"] = {"type": "object"}
    return jsonschema.Draft7Validator(schema)


def problems(document: dict[str, Any]) -> list[str]:
    """What is wrong with one rendered object; empty when it is valid."""
    kind = (document.get("apiVersion"), document.get("kind"))
    if kind in CUSTOM_KINDS:
        validator = custom_validator(CUSTOM_KINDS[kind])  # type: ignore[index]
        return [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(document)
        ]
    try:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [f"{'/'.join(map(str, error.path))}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError:
        return [f"no schema for {kind[0]} {kind[1]}"]
    return []


def validate_overlay(overlay: Path) -> int:
    """Renders `overlay` and prints each invalid object; returns how many were invalid."""
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, check=True
    ).stdout
    invalid = 0
    documents = [d for d in yaml.safe_load_all(rendered) if d]
    for document in documents:
        found = problems(document)
        if found:
            invalid += 1
            name = f"{document.get('kind')}/{document.get('metadata', {}).get('name')}"
            for problem in found:
                print(f"{overlay.name}: {name}: {problem}")
    print(f"{overlay.name}: {len(documents)} objects, {invalid} invalid")
    return invalid


def main(argv: list[str]) -> int:
    overlays = [HERE / "overlays" / name for name in argv] or sorted((HERE / "overlays").iterdir())
    return 1 if sum(validate_overlay(overlay) for overlay in overlays) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
