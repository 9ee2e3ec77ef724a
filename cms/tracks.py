"""The three training tracks. Pages of the site (cms) and courses both name one, by the same code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Track(models.TextChoices):
    MEDIA_LITERACY = "media-literacy", _("Media literacy")
    FUTURE_LIS_SKILLS = "future-lis-skills", _("Future LIS skills")
    ONLINE_GOVERNANCE = "online-governance", _("Online governance")
