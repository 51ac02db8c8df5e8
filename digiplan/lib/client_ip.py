"""The address of the client a request comes from, behind trusted reverse proxies.

REMOTE_ADDR is the address that opened the connection: behind a reverse proxy or a load balancer,
the proxy's, the same for everyone. A proxy appends the address it saw to X-Forwarded-For, but a
client can write anything in that header before it does. So the header is read from the right,
past the addresses of the proxies listed in settings.TRUSTED_PROXIES; the first address not
listed is the client's. Whatever stands further left was written by the client and is never
believed, and without TRUSTED_PROXIES (or from a connection that is not a trusted proxy) the
header is ignored. Both the sign-in lockout (django-axes, AXES_CLIENT_IP_CALLABLE) and the limit
on guessing codes (accounts.throttle) key on this address.
"""

import ipaddress
from functools import cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str) -> list[str]:
    """A comma-separated list of addresses and networks, each checked: a typo in the setting
    stops the start instead of trusting nobody, or everybody, in silence."""
    entries = [e.strip() for e in value.split(",") if e.strip()]
    for entry in entries:
        ipaddress.ip_network(entry, strict=False)
    return entries


@cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("["):  # "[2001:db8::1]:443", as some proxies write an address and port
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_address(request) -> Address | None:
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if remote is None or not _trusted(remote, networks):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    client = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # not written by a trusted proxy: stop at the last one
            break
        client = address
        if not _trusted(address, networks):
            break
    return client


def client_ip(request) -> str | None:
    """The client's address as text (for django-axes, which stores it)."""
    address = client_address(request)
    return str(address) if address is not None else None


def client_network(request) -> str:
    """The client as a limit should count it: an IPv6 client holds a whole /64 and could take a
    new address for every request, so it counts as its /64."""
    address = client_address(request)
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
