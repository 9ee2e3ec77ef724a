"""Editors manage templates as Wagtail snippets (placeholder errors shown on the form); staff regenerate a
PDF from the Django admin, which never shows or edits the private signing key."""

import pytest
from django.urls import reverse

from certificates.models import CertificateTemplate
from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    user = UserFactory(email="root@example.org")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def _snippet_form(association, **overrides):
    return {
        "association": association.pk,
        "name": "Course, English",
        "title": "Certificate of completion",
        "body": "This certifies that {recipient} completed {achievement}.",
        "language": "en",
        "orientation": "landscape",
        "is_default": "on",
        **overrides,
    }


def test_an_editor_creates_a_template_in_the_wagtail_admin(client, superuser, association):
    client.force_login(superuser)
    url = reverse("wagtailsnippets_certificates_certificatetemplate:add")
    assert client.get(url).status_code == 200
    response = client.post(url, _snippet_form(association))
    assert response.status_code == 302
    assert CertificateTemplate.objects.get().is_default


def test_an_unknown_placeholder_is_shown_on_the_form_and_nothing_is_saved(client, superuser, association):
    client.force_login(superuser)
    url = reverse("wagtailsnippets_certificates_certificatetemplate:add")
    response = client.post(url, _snippet_form(association, body="Dear {learner}"))
    assert response.status_code == 200
    assert "Unknown placeholder(s): learner" in response.content.decode()
    assert not CertificateTemplate.objects.exists()


def test_the_admin_action_regenerates_the_pdf(client, superuser, certificate, django_capture_on_commit_callbacks):
    certificate.refresh_from_db()
    old = certificate.pdf.name
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:certificates_certificate_changelist"),
            {"action": "regenerate_pdf", "_selected_action": [certificate.pk]},
        )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.pdf.name != old


def test_the_admin_change_page_shows_no_code_digest_or_key(client, superuser, certificate):
    client.force_login(superuser)
    body = client.get(reverse("admin:certificates_certificate_change", args=[certificate.pk])).content.decode()
    assert certificate.code_digest not in body
    assert "PRIVATE KEY" not in body


@pytest.fixture
def template_editor(association_admin):
    """An association admin who may also edit certificate templates in Wagtail."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Template editors")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="certificates", codename__endswith="certificatetemplate"),
    )
    association_admin.groups.add(group)
    return association_admin


def test_an_editor_may_only_choose_associations_they_manage(client, template_editor, association, other_association):
    client.force_login(template_editor)
    url = reverse("wagtailsnippets_certificates_certificatetemplate:add")
    body = client.get(url).content.decode()
    assert association.name in body and other_association.name not in body
    response = client.post(url, _snippet_form(other_association))
    assert response.status_code == 200
    assert not CertificateTemplate.objects.exists()
    assert client.post(url, _snippet_form(association)).status_code == 302


def test_the_template_list_shows_only_the_editors_associations(client, template_editor, association, other_association):
    from tests.certificates.factories import CertificateTemplateFactory

    CertificateTemplateFactory(association=association, name="Ours")
    CertificateTemplateFactory(association=other_association, name="Theirs")
    client.force_login(template_editor)
    body = client.get(reverse("wagtailsnippets_certificates_certificatetemplate:list")).content.decode()
    assert "Ours" in body and "Theirs" not in body


def test_the_editor_previews_the_template_as_a_sample_pdf(client, superuser, association):
    import io

    import pypdf

    client.force_login(superuser)
    url = reverse("wagtailsnippets_certificates_certificatetemplate:preview_on_add")
    posted = client.post(url, _snippet_form(association, title="Certificate of Excellence"))
    assert posted.json()["is_valid"] is True
    response = client.get(url, {"mode": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Certificate of Excellence" in text and "Anna Example-Иванова" in text
    assert not CertificateTemplate.objects.exists()
