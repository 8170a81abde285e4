from django.contrib.sitemaps.views import sitemap
from django.urls import path

from knowledge.sitemaps import SITEMAPS
from knowledge.views import public

app_name = "help"

# Article slugs live at the top level (/help/<slug>/); the fixed paths above them are reserved
# words that knowledge.services.articles never hands out as slugs.
urlpatterns = [
    path("", public.home, name="home"),
    path("search/", public.search, name="search"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("c/<slug:slug>/", public.category, name="category"),
    path("assets/<int:asset_id>/<str:filename>", public.asset, name="asset"),
    path("<slug:slug>/", public.article, name="article"),
    path("<slug:slug>/feedback/", public.feedback, name="feedback"),
]
