from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="desk:inbox", permanent=False)),
    path("admin/", admin.site.urls),
    path("desk/kb/", include("knowledge.urls_desk")),
    path("desk/ai/", include("ai.urls")),
    path("desk/", include("helpdesk.views.desk.urls")),
    path("help/", include("knowledge.urls_public")),
    path("portal/", include("helpdesk.views.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("helpdesk.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
