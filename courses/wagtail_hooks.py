"""Wagtail admin wiring for courses: the skills snippets, and who may author which course pages.

Page-level rules (trainers act only on the courses they train) live in ``courses.authoring``, which the page
models' ``permissions_for_user`` return; the hooks here add what a page's own tester cannot see.
"""

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.refusals import refusal_message
from courses.authoring import explorer_courses_for, page_delete_refusal
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


@hooks.register("before_delete_page")
def refuse_deleting_learners_records(request, page):
    """Nobody (site administrators included) deletes a page that holds, or is above, learners' records."""
    refusal = page_delete_refusal(page)
    if refusal is not None:
        refusal_message(request, refusal)
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("construct_explorer_page_queryset")
def show_trainers_their_own_courses(parent_page, pages, request):
    return explorer_courses_for(request.user, parent_page, pages)
