"""What the WhatsApp and Instagram simulators share: Meta Graph API errors and auth."""

from __future__ import annotations

import base64
import os
from typing import Any

from .faults import Fault
from .simulator import SimError, Simulator

TRANSIENT_STATUSES = {
    500: "An unknown error has occurred.",
    502: "An unexpected error has occurred. Please retry your request later.",
    503: "Service temporarily unavailable",
    504: "An unexpected error has occurred. Please retry your request later.",
}


def trace_id() -> str:
    return base64.urlsafe_b64encode(os.urandom(17)).decode().rstrip("=")


def graph_error(
    status: int,
    code: int,
    message: str,
    *,
    error_type: str = "OAuthException",
    subcode: int | None = None,
    details: str | None = None,
    messaging_product: str | None = None,
) -> SimError:
    """`{"error": {"message", "type", "code", ["error_subcode"], ["error_data"], "fbtrace_id"}}`."""
    body: dict[str, Any] = {"message": message, "type": error_type, "code": code}
    if subcode is not None:
        body["error_subcode"] = subcode
    if details is not None:
        error_data: dict[str, Any] = {"details": details}
        if messaging_product is not None:
            error_data = {"messaging_product": messaging_product, **error_data}
        body["error_data"] = error_data
    body["fbtrace_id"] = trace_id()
    return SimError(status, {"error": body})


def authorize(credential: str, account: str, sim: Simulator, error_type: str) -> None:
    """Code 190 for a missing or unknown token, or an account set to "unauthorized"."""
    valid = sim.config.valid_tokens
    if not credential or (valid is not None and credential not in valid):
        raise graph_error(
            401,
            190,
            "Invalid OAuth access token - Cannot parse access token",
            error_type=error_type,
        )
    if sim.accounts.get(account) == "unauthorized":
        raise graph_error(
            401,
            190,
            "Error validating access token: The session has been invalidated.",
            error_type=error_type,
            subcode=460,
        )


def server_error(status: int, error_type: str) -> SimError:
    code = 2 if status == 503 else 1
    return graph_error(
        status, code, TRANSIENT_STATUSES.get(status, TRANSIENT_STATUSES[500]), error_type=error_type
    )


def scripted_error(fault: Fault, error_type: str, product: str | None = None) -> SimError:
    code = 100 if fault.code is None else fault.code
    message = fault.description or f"(#{code}) Scripted error"
    return graph_error(
        fault.status or 400,
        code,
        message,
        error_type=error_type,
        subcode=fault.subcode,
        details=fault.description,
        messaging_product=product,
    )


def unknown_node(node: str, error_type: str) -> SimError:
    """What the Graph API answers a GET of a node that does not exist (or that the
    token may not read)."""
    return graph_error(
        400,
        100,
        f"Unsupported get request. Object with ID '{node}' does not exist, cannot be loaded "
        "due to missing permissions, or does not support this operation. Please read the "
        "Graph API documentation at https://developers.facebook.com/docs/graph-api",
        error_type="GraphMethodException" if error_type == "OAuthException" else error_type,
        subcode=33,
    )


def selected(node: dict[str, Any], fields: Any, default: tuple[str, ...]) -> dict[str, Any]:
    """A node as a GET with `?fields=a,b` answers it: those fields it has, and `id`."""
    wanted = [f.strip() for f in str(fields).split(",")] if fields else list(default)
    return {key: node[key] for key in (*wanted, "id") if key in node}
