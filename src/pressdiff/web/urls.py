"""Fetch a URL for the web app without letting it reach the server's own network.

A page that lets anyone type a URL turns the server into a proxy into its
own network (server-side request forgery): ``http://127.0.0.1:8000/``,
``http://169.254.169.254/`` (cloud metadata), ``http://192.168.1.1/``.  The
guard sits where a connection is made, not where the URL is read: every
connection, including each redirect hop, resolves the host itself, refuses
when any address is not public, and connects to the very address it checked,
so a DNS answer that changes between the check and the connection (DNS
rebinding) cannot slip through.  TLS still verifies the certificate against
the host name.  Proxies from the environment are ignored for the same reason.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

import httpcore
import httpx

from pressdiff import ingest

MAX_REDIRECTS = 5


class BlockedAddress(Exception):
    """The host resolves to an address the server must not connect to."""


def is_public(address: str) -> bool:
    """Whether an IP address is on the public internet (not private, loopback, link-local,
    multicast, reserved or unspecified; IPv4-mapped IPv6 addresses are judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses ``allowed`` accepts."""

    def __init__(self, allowed: Callable[[str], bool]) -> None:
        self.allowed = allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[tuple] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error.strerror}") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        blocked = [a for a in addresses if not self.allowed(a)]
        if blocked:
            raise BlockedAddress(f"{host} resolves to a non-public address ({blocked[0]})")
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(
                    address, port, timeout, local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as error:
                last = error
        raise last or httpcore.ConnectError(f"no address for {host}")


def guarded_client(allowed: Callable[[str], bool], timeout: float) -> httpx.Client:
    """An httpx client whose every connection (each redirect hop included) goes through the
    address guard: only addresses ``allowed`` accepts are connected to."""
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx builds its connection pool without a way to pass a network backend; the
    # pool's backend is the one place every connection (and every redirect) passes.
    transport._pool._network_backend = _GuardedBackend(allowed)
    return httpx.Client(
        transport=transport,
        timeout=timeout,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        trust_env=False,
    )


def any_address(_address: str) -> bool:
    """The policy of ``--allow-private-urls``: every address."""
    return True


class FetchError(Exception):
    """A URL could not be fetched; the message says why in a user's words."""


def fetch(
    url: str, *, allowed: Callable[[str], bool], timeout: float, max_bytes: int
) -> tuple[bytes, str, str]:
    """Body, content type and final URL of a GET, capped in size and time (ingest's
    :func:`~pressdiff.ingest.fetch`), connecting only to addresses ``allowed`` accepts
    (:func:`is_public`, or :func:`any_address`)."""
    try:
        return ingest.fetch(url, timeout, max_bytes, guarded_client(allowed, timeout))
    except ingest.Unreadable as error:
        raise FetchError(error.reason) from None
    except BlockedAddress as error:
        raise FetchError(f"refused: {error} (start the server with --allow-private-urls)") from None
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise FetchError("too many redirects") from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise FetchError(f"download failed: {error}") from None
