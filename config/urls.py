from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from core.views import favicon

# ReDoc injects its own <style> elements and runs a blob: worker; its page shows only our schema.
redoc = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
    SpectacularRedocView.as_view(url_name="api-schema")
)

handler403 = "helpdesk.views.errors.permission_denied"
handler404 = "helpdesk.views.errors.page_not_found"
handler500 = "helpdesk.views.errors.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="desk:inbox", permanent=False)),
    # Browsers (and the admin, which has no icon link) ask for /favicon.ico: send them to the SVG.
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("desk/kb/", include("knowledge.urls_desk")),
    path("desk/ai/", include("ai.urls")),
    path("desk/chat/", include("chat.urls_desk")),
    path("chat/", include("chat.urls")),
    path("desk/email/", include("emailchannel.urls")),
    path("desk/outreach/", include("outreach.urls_desk")),
    path("outreach/", include("outreach.urls_public")),
    path("desk/", include("helpdesk.views.desk.urls")),
    path("help/", include("knowledge.urls_public")),
    path("portal/", include("helpdesk.views.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/events/", include("outreach.api.urls")),
    path("api/v1/", include("helpdesk.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script under the CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", redoc, name="api-redoc"),
]
