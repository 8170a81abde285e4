from django.urls import path

from knowledge.views import desk, desk_revisions

app_name = "kb"

urlpatterns = [
    path("", desk.article_list, name="list"),
    path("new/", desk.article_new, name="new"),
    path("preview/", desk.article_preview, name="preview"),
    path("upload/", desk.asset_upload_view, name="upload"),
    path("<int:article_id>/", desk.article_edit, name="edit"),
    path("<int:article_id>/related-tickets/", desk.article_related_tickets, name="related_tickets"),
    path("<int:article_id>/publish/", desk.article_status, {"action": "publish"}, name="publish"),
    path("<int:article_id>/unpublish/", desk.article_status, {"action": "unpublish"}, name="unpublish"),
    path("<int:article_id>/archive/", desk.article_status, {"action": "archive"}, name="archive"),
    path("<int:article_id>/revisions/", desk_revisions.revision_list, name="revisions"),
    path("<int:article_id>/revisions/<int:number>/", desk_revisions.revision_detail, name="revision"),
    path(
        "<int:article_id>/revisions/<int:number>/restore/",
        desk_revisions.revision_restore,
        name="revision_restore",
    ),
]
