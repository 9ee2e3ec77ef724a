from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin
from wagtail.search import index


class Skill(TranslatableMixin, index.Indexed, models.Model):
    """A skill of the LIS skills framework; courses name the skills they teach."""

    class Category(models.TextChoices):
        INFORMATION = "information", _("Information and media literacy")
        DIGITAL = "digital", _("Digital skills")
        RESEARCH = "research", _("Research and data")
        COMMUNITY = "community", _("Community and engagement")
        GOVERNANCE = "governance", _("Governance and leadership")
        COLLECTIONS = "collections", _("Collections and preservation")

    name = models.CharField(_("skill"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"), blank=True, max_length=1000)

    search_fields = [index.SearchField("name"), index.SearchField("description"), index.FilterField("locale")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["category", "name"]
        constraints = [models.UniqueConstraint(fields=["locale", "name"], name="courses_skill_name_unique_per_locale")]

    def __str__(self):
        return self.name
