"""Where a webhook may point: public HTTPS endpoints only (no SSRF into private networks).

A URL is checked when the webhook is made and again, resolved, before every delivery: every address its host
resolves to must be public (not private, loopback, link-local — the cloud metadata service —, shared,
reserved, multicast or unspecified; IPv4-mapped IPv6 is read as the IPv4 it maps), and the delivery connects
to the address that was checked (DNS rebinding cannot swap it between the check and the connection), with
TLS verified against the host name. `WEBHOOKS_ALLOW_LOOPBACK=1` (dev only, never in the template) also allows
`http(s)://127.0.0.1` and `localhost`, for a local receiver.
"""

from __future__ import annotations

import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048
RESOLVE_TIMEOUT_SECONDS = 3.0
LOOPBACK_NAMES = ("localhost", "localhost.")

_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="resolve")


class UnsafeUrlError(ValueError):
    """The URL may not be a webhook's target; the message says why (shown to the user)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (lower case), for the Host header, SNI and the certificate check
    port: int
    path: str  # path and query

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def address_allowed(address: str, *, allow_loopback: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def parse_target(url: str, *, allow_loopback: bool) -> Target:
    """The target a URL names, when it may be one (syntax and, for an address literal, the address)."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeUrlError(f"url: at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrlError("url: not a valid URL") from exc
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeUrlError("url: must be an absolute https:// URL")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrlError("url: must not carry a user name or password")
    literal = _literal(host)
    loopback = host in LOOPBACK_NAMES or (literal is not None and ipaddress.ip_address(literal).is_loopback)
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback and allow_loopback):
        raise UnsafeUrlError("url: must use https")
    if literal is not None and not address_allowed(literal, allow_loopback=allow_loopback):
        raise UnsafeUrlError("url: private, loopback and link-local addresses are not allowed")
    if host in LOOPBACK_NAMES and not allow_loopback:
        raise UnsafeUrlError("url: private, loopback and link-local addresses are not allowed")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port or (443 if parts.scheme == "https" else 80), path=path)


def _lookup(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def resolve(target: Target, *, allow_loopback: bool) -> str:
    """The address to connect to: the host's, when every address it resolves to is allowed (a name with one
    private address among public ones is refused: the resolver could hand out either)."""
    literal = _literal(target.host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = _resolver.submit(_lookup, target.host, target.port).result(timeout=RESOLVE_TIMEOUT_SECONDS)
        except (OSError, FutureTimeout) as exc:
            raise UnsafeUrlError(f"url: the host {target.host} does not resolve") from exc
    if not addresses:
        raise UnsafeUrlError(f"url: the host {target.host} does not resolve")
    if not all(address_allowed(a, allow_loopback=allow_loopback) for a in addresses):
        raise UnsafeUrlError("url: the host resolves to a private, loopback or link-local address")
    return addresses[0]
