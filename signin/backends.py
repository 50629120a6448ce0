"""Throttled sign-in (django-axes): the backend first in AUTHENTICATION_BACKENDS."""

from axes.backends import AxesStandaloneBackend


class ThrottledSigninBackend(AxesStandaloneBackend):
    """Axes' check on every sign-in through a web request (the admin's form).

    Authentication without a request (a shell, ``Client.login`` in tests) has no address
    and no form to throttle: axes would raise, this backend lets the next one decide."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
