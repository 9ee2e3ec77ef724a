"""The StreamField block that plays an H5P package. The host page passes ``h5p_context`` (and ``h5p_best``, and
``h5p_player`` when it built the players of the page at once)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class H5PActivityBlock(blocks.StructBlock):
    package = SnippetChooserBlock("h5p.H5PPackage", label=_("H5P package"))
    title = blocks.CharBlock(
        label=_("Title"), max_length=200, required=False, help_text=_("Shown above the activity. Optional.")
    )
    graded = blocks.BooleanBlock(
        label=_("Graded"), default=True, required=False, help_text=_("Count the score towards completion.")
    )
    pass_mark = blocks.IntegerBlock(
        label=_("Pass mark (%)"),
        default=50,
        min_value=0,
        max_value=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The lowest score, in percent, that counts as passed."),
    )

    class Meta:
        icon = "pick"
        label = _("H5P activity")
        template = "h5p/blocks/activity.html"
