"""Who is asking: the one place that turns a request into the client's address."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for rate limits and the access log.

    Behind TRUSTED_PROXY_COUNT proxies of our own, each appending the address it was reached from
    to X-Forwarded-For, the client is the entry that many places from the right: anything further
    left was written by the client and may be forged. With no proxy configured the header is
    ignored, since then anyone can write it. A header shorter than the count, or one whose entry
    is not an address, means the request did not come through the proxies: the peer is the client.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = request.headers.get("X-Forwarded-For", "").split(",")
    if len(forwarded) < count:
        return remote
    return _address(forwarded[-count]) or remote


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
