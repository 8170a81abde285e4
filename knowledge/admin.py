"""Django admin for the knowledge base. Writes go through knowledge.services, so the admin makes
revisions, audit events and re-indexing exactly like the desk does."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from knowledge.models import (
    Article,
    ArticleAsset,
    ArticleEvent,
    ArticleFeedback,
    ArticleRevision,
    Category,
)
from knowledge.services.articles import (
    ArticleError,
    article_archive,
    article_check_translation,
    article_create,
    article_delete,
    article_publish,
    article_unpublish,
    article_update,
)
from knowledge.services.categories import category_create, category_update

ARTICLE_EDITABLE = (
    "title",
    "slug",
    "summary",
    "body_md",
    "category",
    "language",
    "internal_only",
    "translation_of",
    "position",
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "language")
    list_editable = ("position",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data.get(name)
            for name in ("name", "slug", "description", "position", "language")
        }
        saved = category_update(category=obj, **fields) if change else category_create(**fields)
        obj.pk = saved.pk


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    fields = ("number", "title", "author", "note", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-number",)
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = ArticleEvent
    fields = ("field", "before", "after", "actor_label", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ARTICLE_EDITABLE

    def clean(self):
        data = super().clean()
        original = data.get("translation_of")
        if original is not None:
            candidate = Article(pk=self.instance.pk, language=data.get("language") or "en")
            candidate.translation_of = original.translation_of or original
            try:
                article_check_translation(candidate)
            except ArticleError as exc:
                raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ("title", "category", "language", "status", "internal_only", "updated_at", "source")
    list_filter = ("status", "internal_only", "language", "category", "source")
    search_fields = ("title", "summary", "body_md", "external_id")
    readonly_fields = (
        "status",
        "published_at",
        "created_by",
        "updated_by",
        "created_at",
        "updated_at",
        "source",
        "external_id",
        "source_url",
    )
    fields = (*ARTICLE_EDITABLE, *readonly_fields)
    raw_id_fields = ("translation_of",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = (RevisionInline, EventInline)
    actions = ("publish_selected", "unpublish_selected", "archive_selected")

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in ARTICLE_EDITABLE}
        if change:
            saved = article_update(article=obj, actor=request.user, **data)
        else:
            data["slug"] = data["slug"] or ""
            saved = article_create(actor=request.user, **data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        article_delete(article=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        # Not the bulk queryset.delete() Django would do: each deletion is audited.
        for article in queryset:
            article_delete(article=article, actor=request.user)

    @admin.action(description=_("Publish selected articles"))
    def publish_selected(self, request, queryset):
        for article in queryset:
            article_publish(article=article, actor=request.user)

    @admin.action(description=_("Unpublish selected articles"))
    def unpublish_selected(self, request, queryset):
        for article in queryset:
            article_unpublish(article=article, actor=request.user)

    @admin.action(description=_("Archive selected articles"))
    def archive_selected(self, request, queryset):
        for article in queryset:
            article_archive(article=article, actor=request.user)


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ("article", "number", "author", "note", "created_at")
    search_fields = ("article__title", "note")
    readonly_fields = ("article", "number", "title", "summary", "body_md", "author", "note", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ("article", "helpful", "comment", "language", "created_at")
    list_filter = ("helpful", "language")
    search_fields = ("article__title", "comment")
    readonly_fields = ("article", "helpful", "comment", "visitor_id", "language", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(ArticleAsset)
class ArticleAssetAdmin(admin.ModelAdmin):
    list_display = ("original_name", "content_type", "size", "article", "uploaded_by", "created_at")
    readonly_fields = ("file", "original_name", "content_type", "size", "uploaded_by", "created_at")

    def has_add_permission(self, request):
        return False  # uploads go through the editor, which checks the file type
