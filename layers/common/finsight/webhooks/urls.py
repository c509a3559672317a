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
import threading
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

MAX_URL_LENGTH = 2048
RESOLVE_TIMEOUT_SECONDS = 3.0
LOOPBACK_NAMES = ("localhost", "localhost.")
# IPv6 ranges that carry an IPv4 address or are obsolete: judged by the IPv4 inside, or refused outright.
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
REFUSED_V6 = (
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated)
    ipaddress.ip_network("::ffff:0:0:0/96"),  # IPv4-translated
    ipaddress.ip_network("fec0::/10"),  # site-local (deprecated)
    ipaddress.ip_network("2001::/32"),  # Teredo
)


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


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in network for network in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_allowed(address: str, *, allow_loopback: bool) -> bool:
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:
            ip = inner
        elif any(ip in network for network in REFUSED_V6):
            return False
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
    if _literal(host) is None:
        try:  # the DNS name (A-labels): what is resolved, sent in Host and SNI, and checked in the certificate
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise UnsafeUrlError("url: not a valid host name") from exc
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
    safe = "/!$&'()*+,;=:@-._~%"  # RFC 3986 path and query characters, escapes kept
    path = quote(parts.path or "/", safe=safe) + (f"?{quote(parts.query, safe=safe + '?')}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port or (443 if parts.scheme == "https" else 80), path=path)


def _lookup(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _lookup_within(host: str, port: int, timeout: float) -> list[str]:
    """`_lookup` on its own thread, waited for at most `timeout` (a name whose DNS never answers holds only
    its own thread, never the lookups of other webhooks)."""
    found: list[list[str]] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            found.append(_lookup(host, port))
        except (OSError, UnicodeError) as exc:
            failed.append(exc)

    thread = threading.Thread(target=run, name="resolve", daemon=True)
    thread.start()
    thread.join(timeout)
    if not found:
        raise TimeoutError(f"{host} did not resolve") from (failed[0] if failed else None)
    return found[0]


def resolve(target: Target, *, allow_loopback: bool) -> str:
    """The address to connect to: the host's, when every address it resolves to is allowed (a name with one
    private address among public ones is refused: the resolver could hand out either)."""
    literal = _literal(target.host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = _lookup_within(target.host, target.port, RESOLVE_TIMEOUT_SECONDS)
        except OSError as exc:  # TimeoutError included
            raise UnsafeUrlError(f"url: the host {target.host} does not resolve") from exc
    if not addresses:
        raise UnsafeUrlError(f"url: the host {target.host} does not resolve")
    if not all(address_allowed(a, allow_loopback=allow_loopback) for a in addresses):
        raise UnsafeUrlError("url: the host resolves to a private, loopback or link-local address")
    return addresses[0]
