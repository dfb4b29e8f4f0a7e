"""Where a digest may be sent from the server: a guard against requests to internal addresses (SSRF).

Analysts set webhook and SMTP targets in the web app, and the server connects to them. Without a guard, an analyst
could make the server POST to ``http://169.254.169.254/`` (cloud metadata), ``http://127.0.0.1:…`` (services bound
to loopback) or any host of the private network. So a target host is resolved and **every** address it resolves to
must be public, unless the admin allows it in ``web.delivery_allow`` (addresses, CIDR networks, or host names,
e.g. ``["10.0.0.0/8", "mail.internal"]``; the tests allow ``127.0.0.1``).

Refused unless allowed: loopback, private (RFC 1918, ULA), link-local (169.254/16, fe80::/10, the metadata address),
carrier-grade NAT (100.64/10), unspecified, multicast and reserved addresses, and IPv4-mapped forms of these.

The check runs when the subscription is saved (a literal address or a name that resolves) and again right before
each delivery (names can change what they resolve to). What it cannot stop: a name whose DNS answer changes between
this check and the connection a moment later (DNS rebinding with a zero TTL); run the server with egress rules if
that matters.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from empathic.errors import InputError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6); an empty list when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    return sorted({str(info[4][0]).split("%")[0] for info in infos})


def is_internal(address: Address) -> bool:
    """True for an address a server-side request must not reach unless allowed (see the module docstring)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_internal(address.ipv4_mapped)
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT)
    )


def _allowed(host: str, address: Address, allow: Sequence[str]) -> bool:
    for item in allow:
        item = item.strip()
        if item.lower() == host.lower():
            return True
        try:
            if address in ipaddress.ip_network(item, strict=False):
                return True
        except ValueError:
            continue  # a host name entry that is not this host
    return False


def host_port(target: str) -> tuple[str, int]:
    """The host and port a webhook (``http(s)://``) or SMTP (``smtp://HOST:PORT/…``) target connects to."""
    parts = urlsplit(target.strip())
    default = {"https": 443, "http": 80, "smtp": 25}.get(parts.scheme)
    if default is None or not parts.hostname:
        raise InputError(f"cannot deliver to {target!r}", hint="use https://webhook… or smtp://HOST:PORT/ADDRESS")
    try:
        port = parts.port or default
    except ValueError:
        raise InputError(f"{target!r} has an invalid port", hint="a port is a number from 1 to 65535") from None
    return parts.hostname, port


def check_target(
    target: str, allow: Sequence[str], *, resolver: Resolver = resolve, must_resolve: bool = True
) -> list[str]:
    """Refuse a webhook/SMTP target whose host is (or resolves to) an internal address that ``allow`` does not list.

    Returns the addresses checked. A name that does not resolve is refused when ``must_resolve`` (right before a
    delivery), and let through otherwise (saving a subscription while the DNS is down); it is checked again when
    the digest is sent.
    """
    host, port = host_port(target)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = resolver(host, port)
        if not addresses:
            if must_resolve:
                raise InputError(f"cannot resolve {host!r}", hint="check the host name of the target") from None
            return []
    for text in addresses:
        address = ipaddress.ip_address(text)
        if is_internal(address) and not _allowed(host, address, allow):
            raise InputError(
                f"refusing to deliver to {host} ({address}): an internal address (loopback, private, link-local …)",
                hint="deliver to a public host, or have an admin allow it with the web.delivery_allow setting "
                "(e.g. EMPATHIC_WEB__DELIVERY_ALLOW='[\"10.0.0.0/8\"]' or web.delivery_allow in empathic.toml)",
            )
    return addresses
