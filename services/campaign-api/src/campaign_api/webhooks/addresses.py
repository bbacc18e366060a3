"""Where a webhook may point: no private, loopback, link-local or otherwise
internal address (the service must not become a way into its own network), by
the URL's host and by every address its name resolves to, when the webhook is
registered and again before every send (a name may come to resolve elsewhere).
`WEBHOOKS_ALLOW_PRIVATE_ADDRESSES` lifts the rule (local development, tests);
without it the scheme must be https."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The URL may not be sent to; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`address`) and the name it was given."""

    url: str
    host: str
    port: int
    address: str


def check_url(url: str, *, allow_private: bool) -> tuple[str, int]:
    """The URL's host and port, or `AddressRefused`: its form only (no lookup)."""
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise AddressRefused(f"the scheme must be {' or '.join(schemes)}, not {parts.scheme!r}")
    if not parts.hostname:
        raise AddressRefused("the URL has no host: e.g. https://example.com/hooks/campaigns")
    if parts.username or parts.password:
        raise AddressRefused(
            "the URL may not carry a user or password: the signature authenticates"
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise AddressRefused(f"the port is invalid: {error}") from None
    literal = _literal(parts.hostname)
    if literal is not None and not allow_private:
        _check_public(literal, parts.hostname)
    return parts.hostname, port


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _check_public(address: IPAddress, host: str) -> None:
    if not is_public(address):
        shown = host if host == str(address) else f"{host} ({address})"
        raise AddressRefused(
            f"{shown} is a private, loopback or reserved address: webhooks go to public "
            "addresses only"
        )


async def resolve(url: str, *, allow_private: bool) -> Target:
    """The URL checked, its name resolved and every address it resolves to
    checked: the address to connect to (the first), or `AddressRefused`."""
    host, port = check_url(url, allow_private=allow_private)
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"{host} does not resolve: {error}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]
    if not addresses:
        raise AddressRefused(f"{host} does not resolve to any address")
    if not allow_private:
        for address in addresses:
            _check_public(address, host)
    return Target(url=url, host=host, port=port, address=str(addresses[0]))
