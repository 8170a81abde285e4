"""Brute-force protection for every password login (desk, portal, admin), with django-axes.

Failed logins are counted per account and per client address (HELMDESK_LOGIN_FAILURE_LIMIT, default
5); past the limit that account or address is refused for HELMDESK_LOGIN_COOLOFF_MINUTES with a clear
page (templates/security/lockout.html, HTTP 429). Lockouts are listed and cleared in the admin
("Axes" > "Access attempts"). The client address comes from core/client_ip.py (trusted proxies).
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' check, skipped when there is no request (the shell, management commands, scripts):
    brute force comes over the web, and a login with no request cannot be attributed to anyone."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


USERNAME_MAX_CHARS = 150  # Django's own user name limit; axes stores at most 255


def login_username(request, credentials: dict | None = None) -> str | None:
    """The user name a login attempt named, bounded (an overlong one must not break the log)."""
    if credentials:
        username = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        username = data.get("username") or data.get("email")
    return str(username)[:USERNAME_MAX_CHARS] if username is not None else None
