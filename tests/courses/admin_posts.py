"""Post Wagtail's page forms as a browser would: the form's own fields, read from its HTML, plus the
StreamField data that JavaScript draws (absent from the HTML)."""

from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from courses.models import CoursePage, LessonPage

STREAMS = {CoursePage: "description", LessonPage: "body"}


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def add_url(model, parent) -> str:
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def form_data(client, url: str, model, **changes):
    """The form at ``url`` as the browser would post it, with ``changes`` applied (None removes a field)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data.update(nested_form_data({STREAMS[model]: streamfield([])}))
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        elif isinstance(value, list):
            data.setlist(name, [str(item) for item in value])
        else:
            data[name] = str(value)
    return data


def publish(data):
    data["action-publish"] = "action-publish"
    return data
