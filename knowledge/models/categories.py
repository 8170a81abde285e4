from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A shelf in the help center. Ordered by `position`, then name."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    language = models.CharField(
        _("language"), max_length=10, blank=True, default="", help_text=_("Empty: shown for every language.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
