"""The client's address for sign-in throttling (``AXES_CLIENT_IP_CALLABLE``).

``REMOTE_ADDR`` unless ``SIGNIN_CLIENT_IP_HEADER`` names a header set by a trusted proxy in
front (e.g. ``X-Forwarded-For``). Such a header may hold a list; the right-most address is
the one the trusted proxy appended, the others are whatever the client sent. A header that
is missing or holds no valid address falls back to ``REMOTE_ADDR``.
"""

import ipaddress

from django.conf import settings


def meta_key(header):
    """``X-Forwarded-For`` → ``HTTP_X_FORWARDED_FOR``; ``REMOTE_ADDR`` stays as it is."""
    name = header.strip().upper().replace("-", "_")
    if name == "REMOTE_ADDR" or name.startswith("HTTP_"):
        return name
    return f"HTTP_{name}"


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    key = meta_key(settings.SIGNIN_CLIENT_IP_HEADER)
    if key != "REMOTE_ADDR":
        values = request.META.get(key, "").split(",")
        if found := _valid(values[-1]):
            return found
    return _valid(remote) or remote
