from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.models import Skill


class SkillViewSet(SnippetViewSet):
    model = Skill
    icon = "pick"
    menu_label = _("Skills")
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["name", "category", "locale"]
    list_filter = ["category", "locale"]
    search_fields = ["name", "description"]


register_snippet(SkillViewSet)
