"""Forms for the knowledge-base desk. They only parse and validate; services write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from knowledge.models import Article, ArticleStatus, Category


def language_choices():
    return [(code, name) for code, name in settings.LANGUAGES]


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    slug = forms.SlugField(
        label=_("Slug"), max_length=200, required=False, help_text=_("Empty: made from the title.")
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    body_md = forms.CharField(
        label=_("Body (markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "true"}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("(none)")
    )
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    internal_only = forms.BooleanField(label=_("Internal only (agents, never customers)"), required=False)
    translation_of = forms.ModelChoiceField(
        label=_("Translation of"),
        queryset=Article.objects.filter(translation_of__isnull=True).order_by("title"),
        required=False,
        empty_label=_("(original article)"),
    )
    note = forms.CharField(label=_("Change note"), max_length=300, required=False)

    def __init__(self, *args, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if article is not None:
            self.fields["translation_of"].queryset = self.fields["translation_of"].queryset.exclude(
                pk=article.pk
            )

    @classmethod
    def initial_for(cls, article: Article) -> dict:
        return {
            "title": article.title,
            "slug": article.slug,
            "summary": article.summary,
            "body_md": article.body_md,
            "category": article.category_id,
            "language": article.language,
            "internal_only": article.internal_only,
            "translation_of": article.translation_of_id,
        }


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ArticleStatus.choices]
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("Any category")
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=lambda: [("", _("Any language")), *language_choices()]
    )
    audience = forms.ChoiceField(
        label=_("Audience"),
        required=False,
        choices=[("", _("Everyone")), ("public", _("Customers")), ("internal", _("Internal only"))],
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes"
    )
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
