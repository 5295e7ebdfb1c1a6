"""SSRF safety: no fetch reaches a private, loopback, link-local, multicast or reserved address unless allowed.

The check runs where the connection is opened, on the addresses DNS actually returned, for every connection
(so for every redirect hop too): a public name that resolves inside the network, or a redirect to 127.0.0.1 or
169.254.169.254, is refused. The connection then goes to the address that was checked, never to a second
lookup, so a name cannot change its answer between the check and the connect (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from dataclasses import dataclass, field

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeAddress(ValueError):
    """A fetch was refused because its host is, or resolves to, an address inside the network."""


def address_class(ip: IPAddress) -> str | None:
    """Why an address must not be fetched (``loopback``, ``private``...), or None for a public address.

    IPv4 addresses embedded in IPv6 (mapped, 6to4, Teredo) are judged by the IPv4 address they carry, so
    ``::ffff:127.0.0.1`` is loopback like ``127.0.0.1``.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            return address_class(inner)
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_private:
        return "private"
    if ip.is_reserved or not ip.is_global:
        return "reserved"
    return None


@dataclass(frozen=True)
class HostPolicy:
    """Which hosts may be fetched although they are inside the network: names, addresses or CIDR blocks.

    ``*.example.test`` allows a domain's subdomains. An empty allow-list (the default) allows no internal
    address at all.
    """

    allow: tuple[str, ...] = ()
    _networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = field(default=(), repr=False)

    @classmethod
    def from_list(cls, allow: typing.Iterable[str]) -> HostPolicy:
        names: list[str] = []
        nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for item in allow:
            item = item.strip().lower().strip("[]")
            if not item:
                continue
            try:
                nets.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                names.append(item.rstrip("."))
        return cls(tuple(names), tuple(nets))

    def allows_name(self, host: str) -> bool:
        host = host.lower().rstrip(".").strip("[]")
        for name in self.allow:
            if host == name or (name.startswith("*.") and host.endswith(name[1:])):
                return True
        return False

    def allows_ip(self, ip: IPAddress) -> bool:
        return any(ip in net for net in self._networks)


def resolve_checked(host: str, port: int, policy: HostPolicy) -> list[tuple[int, str]]:
    """The (family, address) pairs to connect to for ``host``, after refusing any internal address.

    Raises ``UnsafeAddress`` when the host resolves to any address inside the network (all answers are
    checked, since a client may use any of them) and neither the name nor the address is allowed.
    """
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
    name_allowed = policy.allows_name(host)
    out: list[tuple[int, str]] = []
    for family, _, _, _, sockaddr in infos:
        addr = str(sockaddr[0]).split("%")[0]
        ip = ipaddress.ip_address(addr)
        kind = address_class(ip)
        if kind and not name_allowed and not policy.allows_ip(ip):
            raise UnsafeAddress(f"{host} resolves to a {kind} address ({addr})")
        if (family, addr) not in out:
            out.append((family, addr))
    if not out:
        raise httpcore.ConnectError(f"cannot resolve {host}: no addresses")
    return out


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to addresses that ``resolve_checked`` let through."""

    def __init__(self, policy: HostPolicy) -> None:
        self.policy = policy

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        last: Exception | None = None
        for _family, addr in resolve_checked(host, port, self.policy):
            try:
                return super().connect_tcp(addr, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last
