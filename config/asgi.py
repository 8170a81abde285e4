import os

from core.asgi_handler import get_asgi_application
from core.c_heap import limit_arenas, trim_after_full_collections

# Before any thread exists: the request threads share two malloc arenas, and freed heap pages go
# back to the system after full garbage collections (core/c_heap.py).
limit_arenas()
trim_after_full_collections()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import get_resolver, re_path  # noqa: E402

from config.routing import public_websocket_urlpatterns, websocket_urlpatterns  # noqa: E402
from core.client_ip import TrustedProxyMiddleware  # noqa: E402
from core.gc_freeze import freeze_startup_heap  # noqa: E402
from core.ws_origin import SameOriginValidator  # noqa: E402

# The client address behind the trusted reverse proxies (HELMDESK_TRUSTED_PROXIES), for every scope.
application = TrustedProxyMiddleware(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": URLRouter(
                [
                    *public_websocket_urlpatterns,
                    # everything else: same-host pages of signed-in users (re_path("") keeps the whole path)
                    re_path(
                        r"",
                        SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
                    ),
                ]
            ),
        }
    )
)

# The URL configuration (and the views it imports) loads now rather than on the first request; then
# everything loaded lives as long as the process: keep full collections from walking it.
get_resolver().url_patterns  # noqa: B018 (imports the views)
freeze_startup_heap()
