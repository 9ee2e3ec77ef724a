"""Wagtail admin wiring for courses: the skills snippets, and who may author which course pages.

Page-level rules (trainers act only on the courses they train) live in ``courses.authoring``, which the page
models' ``permissions_for_user`` return; the hooks here add what a page's own tester cannot see.
"""

from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.refusals import refusal_message
from courses.authoring import course_copy_refusal, course_create_refusal, explorer_courses_for, page_delete_refusal
from courses.models import CoursePage, Skill
from courses.permissions import is_course_staff


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


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_learners_records(request, action_type, objects, action_class_instance):
    """The bulk delete of the page explorer obeys the same rule as deleting one page (it would meet PROTECT)."""
    if action_type != "delete" or not all(isinstance(item, Page) for item in objects):
        return None
    for page in objects:
        if (refusal := page_delete_refusal(page)) is not None:
            refusal_message(request, refusal)
            return redirect(action_class_instance.next_url)
    return None


@hooks.register("construct_explorer_page_queryset")
def show_trainers_their_own_courses(parent_page, pages, request):
    return explorer_courses_for(request.user, parent_page, pages)


@hooks.register("before_create_page")
def refuse_a_course_without_an_issuer_to_name(request, parent_page, page_class):
    if issubclass(page_class, CoursePage) and (refusal := course_create_refusal(request.user)) is not None:
        refusal_message(request, refusal)
        return redirect("wagtailadmin_explore", parent_page.pk)
    return None


@hooks.register("before_copy_page")
def refuse_copying_a_course_in_a_name_one_may_not_issue_in(request, page):
    """The copy view publishes without the edit form: the issuer rule is checked here instead."""
    specific = page.specific
    if isinstance(specific, CoursePage) and (refusal := course_copy_refusal(request.user, specific)) is not None:
        refusal_message(request, refusal)
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("insert_editor_js")
def quiz_editor_js():
    """Shows a question's options or its True/False answer (and that field's help text) by its kind."""
    return format_html('<script src="{}" defer></script>', static("courses/quiz-editor.js"))


def _dashboard_buttons(page, user, priority):
    """The course dashboard (roster and gradebook) of a live course, for those who run it."""
    if not page.live or not issubclass(page.specific_class or type(page), CoursePage):
        return
    if not is_course_staff(user=user, course=page.specific):
        return
    yield Button(
        _("Participants and progress"),
        reverse("courses:roster", args=[page.pk]),
        icon_name="group",
        priority=priority,
    )
    yield Button(_("Gradebook"), reverse("courses:gradebook", args=[page.pk]), icon_name="table", priority=priority + 1)


@hooks.register("register_page_header_buttons")
def course_dashboard_header_buttons(page, user, view_name, next_url=None):
    yield from _dashboard_buttons(page, user, priority=80)
