from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="desk:inbox", permanent=False)),
    path("admin/", admin.site.urls),
    path("desk/kb/", include("knowledge.urls_desk")),
    path("desk/ai/", include("ai.urls")),
    path("desk/", include("helpdesk.views.desk.urls")),
    path("help/", include("knowledge.urls_public")),
    path("i18n/", include("django.conf.urls.i18n")),
]
