"""A certificate always prints a name and never an e-mail: a recipient without a name gets their certificate
held (nothing lost), is asked once, and gets it as soon as they give the name on "Your name on certificates"
(or on My profile); legacy certificates that printed an e-mail show no e-mail on the verify page, the PDF or the
credential, and take the name once it is given."""

import importlib
import io
import json

import pypdf
import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from accounts import services as accounts_services
from certificates import badges, services
from certificates.models import Certificate, CertificateEvent, PendingCertificate
from certificates.pdf import certificate_html
from tests.certificates.factories import issue
from tests.factories import UserFactory

NAME_URL = reverse("certificates:name")


@pytest.fixture
def nameless(db):
    """Someone invited or imported without a name (or from before sign-up asked for one)."""
    return UserFactory(email="nameless@example.org", display_name="")


def _pdf_text(certificate) -> str:
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(handle.read())).pages)


def _make_legacy(certificate):
    """What main issued for a person without a display name: the e-mail address as the printed name."""
    Certificate.objects.filter(pk=certificate.pk).update(recipient_name=certificate.recipient.email)
    type(certificate.recipient).objects.filter(pk=certificate.recipient_id).update(display_name="")
    certificate.refresh_from_db()
    certificate.recipient.refresh_from_db()
    return certificate


# --- held, not lost --------------------------------------------------------------------------------------------


def test_a_recipient_without_a_name_gets_no_certificate_yet_but_the_request_is_kept(
    nameless, award, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        assert issue(recipient=nameless, source=award, hours="2") is None
    assert not Certificate.objects.exists()
    pending = PendingCertificate.objects.get()
    assert (pending.recipient, pending.issuer, pending.achievement_title) == (nameless, award.association, award.title)
    assert pending.cpd_hours == 2 and pending.source_id == str(award.pk)
    assert [m.to for m in mailoutbox] == [["nameless@example.org"]]
    assert NAME_URL in mailoutbox[0].body


def test_a_repeated_issue_keeps_one_request_and_asks_once(
    nameless, award, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        issue(recipient=nameless, source=award)
        issue(recipient=nameless, source=award)
    assert PendingCertificate.objects.count() == 1
    assert len(mailoutbox) == 1
    assert services.certificate_name_request_send(pending_id=PendingCertificate.objects.get().pk) is False


def test_a_name_that_is_an_email_address_counts_as_no_name(award, db):
    odd = UserFactory(display_name="someone@example.org")
    assert issue(recipient=odd, source=award) is None
    assert PendingCertificate.objects.filter(recipient=odd).exists()


def test_giving_the_name_issues_the_held_certificate_as_asked(
    nameless, award, association_admin, django_capture_on_commit_callbacks, mailoutbox
):
    issue(recipient=nameless, source=award, hours="2.5", actor=association_admin)
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.recipient_name_set(user=nameless, display_name="  Nora   Nameless ")
    certificate = Certificate.objects.get()
    assert issued == [certificate]
    assert certificate.recipient_name == "Nora Nameless"
    assert (certificate.source_id, certificate.cpd_hours, certificate.issuer) == (
        str(award.pk),
        2.5,
        award.association,
    )
    assert certificate.events.get(action=CertificateEvent.Action.ISSUED).actor == association_admin
    assert not PendingCertificate.objects.exists()
    assert "Nora Nameless" in _pdf_text(certificate)
    assert any("Nora Nameless" in m.body for m in mailoutbox)


def test_issuing_the_held_certificates_twice_gives_one_certificate(nameless, award):
    issue(recipient=nameless, source=award)
    accounts_services.display_name_set(user=nameless, display_name="Nora Nameless")
    first = services.certificate_pending_issue(recipient=nameless)
    second = services.certificate_pending_issue(recipient=nameless)
    assert len(first) == 1 and second == []
    assert Certificate.objects.count() == 1


def test_nothing_is_issued_while_the_name_is_still_missing(nameless, award):
    issue(recipient=nameless, source=award)
    assert services.certificate_pending_issue(recipient=nameless) == []
    assert PendingCertificate.objects.count() == 1 and not Certificate.objects.exists()


def test_a_name_given_on_my_profile_also_releases_the_certificate(
    client, nameless, award, django_capture_on_commit_callbacks
):
    issue(recipient=nameless, source=award)
    client.force_login(nameless)
    data = {"display_name": "Nora Nameless", "preferred_language": "en", "country": "", "job_role": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 302
    assert Certificate.objects.get().recipient_name == "Nora Nameless"
    assert not PendingCertificate.objects.exists()


def test_a_manual_award_to_someone_without_a_name_issues_the_others(association, association_admin, nameless):
    named = UserFactory(display_name="Mia Named")
    _award, issued = services.manual_award_issue(
        actor=association_admin,
        association=association,
        title="Cataloguing workshop",
        description="",
        date="2026-11-20",
        cpd_hours=3,
        recipients=[named, nameless],
    )
    assert [c.recipient for c in issued] == [named]
    assert PendingCertificate.objects.get().recipient == nameless


# --- the page "Your name on certificates" ----------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(NAME_URL)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_my_certificates_shows_a_banner_and_links_to_the_name_page(client, nameless, award):
    issue(recipient=nameless, source=award)
    client.force_login(nameless)
    body = client.get(reverse("certificates:mine")).content.decode()
    assert "Your certificates need your name" in body and award.title in body
    assert NAME_URL in body


def test_someone_with_a_name_and_nothing_waiting_sees_no_banner(client, learner):
    client.force_login(learner)
    body = client.get(reverse("certificates:mine")).content.decode()
    assert "Your certificates need your name" not in body
    assert NAME_URL in body  # the page stays reachable to change the name for future certificates


def test_the_name_page_lists_what_waits_and_has_a_labelled_field(client, nameless, award):
    issue(recipient=nameless, source=award)
    client.force_login(nameless)
    body = client.get(NAME_URL).content.decode()
    assert '<label for="id_display_name">' in body
    assert "One certificate will be issued as soon as you save your name." in body


def test_saving_the_name_issues_and_goes_back_to_my_certificates(
    client, nameless, award, django_capture_on_commit_callbacks
):
    issue(recipient=nameless, source=award)
    client.force_login(nameless)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NAME_URL, {"display_name": "Nora Nameless"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("certificates:mine")
    assert "1 certificate(s) issued." in response.content.decode()
    nameless.refresh_from_db()
    assert nameless.display_name == "Nora Nameless"
    assert Certificate.objects.get().recipient_name == "Nora Nameless"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("   ", "Enter your name as it should appear on certificates."),
        ("=HYPERLINK(1)", "A name may not begin with =, +, - or @"),
        ("+372 555", "A name may not begin with =, +, - or @"),
        ("-Nora", "A name may not begin with =, +, - or @"),
        ("nora@example.org", "A name may not be an e-mail address."),
        ("N" * 151, "at most 150 characters"),
        ("Nora\u202eSemaNoN", "control characters"),
        ("Nora\x07N", "control characters"),
    ],
)
def test_a_bad_name_is_refused_and_nothing_changes(client, nameless, award, typed, message):
    issue(recipient=nameless, source=award)
    client.force_login(nameless)
    response = client.post(NAME_URL, {"display_name": typed})
    assert response.status_code == 400
    assert message in response.content.decode()
    nameless.refresh_from_db()
    assert nameless.display_name == ""
    assert PendingCertificate.objects.count() == 1 and not Certificate.objects.exists()


def test_changing_the_name_later_does_not_change_issued_certificates(client, certificate):
    client.force_login(certificate.recipient)
    client.post(NAME_URL, {"display_name": "A New Name"})
    certificate.refresh_from_db()
    assert certificate.recipient_name != "A New Name"


def test_the_name_page_accepts_only_get_and_post(client, learner):
    client.force_login(learner)
    assert client.put(NAME_URL).status_code == 405


# --- legacy certificates that printed an e-mail ----------------------------------------------------------------


def test_the_verify_page_never_shows_a_legacy_email_name(client, certificate):
    legacy = _make_legacy(certificate)
    body = client.get(reverse("certificates:verify", kwargs={"code": legacy.verification_code})).content.decode()
    assert legacy.recipient.email not in body
    assert "(no name given yet)" in body


def test_a_legacy_certificate_without_a_name_is_never_printed(certificate, settings):
    legacy = _make_legacy(certificate)
    assert legacy.recipient.email not in certificate_html(legacy)
    Certificate.objects.filter(pk=legacy.pk).update(pdf="", recipient_name="")
    assert services.certificate_pdf_render(certificate_id=legacy.pk) is False
    legacy.refresh_from_db()
    assert not legacy.pdf


def test_downloading_a_nameless_pdf_asks_the_recipient_for_the_name(client, certificate):
    legacy = _make_legacy(certificate)
    Certificate.objects.filter(pk=legacy.pk).update(pdf="", recipient_name="")
    client.force_login(legacy.recipient)
    response = client.get(reverse("certificates:download_pdf", kwargs={"code": legacy.verification_code}))
    assert response.status_code == 302 and response["Location"] == NAME_URL


def test_a_manager_downloading_a_nameless_pdf_is_told_the_name_is_missing(client, certificate, association_admin):
    legacy = _make_legacy(certificate)
    Certificate.objects.filter(pk=legacy.pk).update(pdf="", recipient_name="")
    client.force_login(association_admin)
    response = client.get(reverse("certificates:download_pdf", kwargs={"code": legacy.verification_code}))
    assert response.status_code == 409
    assert legacy.recipient.email not in response.content.decode()


def test_the_credential_of_a_legacy_certificate_carries_no_email(certificate):
    legacy = _make_legacy(certificate)
    text = json.dumps(badges.credential(legacy)) + badges.credential_jws(legacy)
    assert legacy.recipient.email not in text


def test_the_migration_forgets_email_names_and_their_pdfs(certificate):
    legacy = _make_legacy(certificate)
    old_pdf = legacy.pdf.name
    named = issue(recipient=UserFactory(display_name="Mia Named"))
    Certificate.objects.filter(pk=named.pk).update(recipient_name="mia@example.org")
    migration = importlib.import_module("certificates.migrations.0003_opaque_ids_status_list_pending_names")
    migration.forget_email_names(django_apps, None)
    legacy.refresh_from_db()
    named.refresh_from_db()
    assert legacy.recipient_name == "" and not legacy.pdf
    assert not legacy.pdf.storage.exists(old_pdf)
    assert named.recipient_name == "Mia Named"  # the person has a name now: it is used


def test_giving_a_name_fills_legacy_certificates_and_prints_them_again(
    client, certificate, django_capture_on_commit_callbacks
):
    legacy = _make_legacy(certificate)
    Certificate.objects.filter(pk=legacy.pk).update(pdf="", recipient_name="")
    with django_capture_on_commit_callbacks(execute=True):
        services.recipient_name_set(user=legacy.recipient, display_name="Lena Legacy")
    legacy.refresh_from_db()
    assert legacy.recipient_name == "Lena Legacy"
    text = _pdf_text(legacy)
    assert "Lena Legacy" in text and legacy.recipient.email not in text


def test_the_transcript_pdf_of_someone_without_a_name_shows_no_email(client, certificate):
    legacy = _make_legacy(certificate)
    client.force_login(legacy.recipient)
    response = client.get(reverse("certificates:transcript_pdf"))
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert legacy.recipient.email not in " ".join(page.extract_text() for page in reader.pages)


def test_my_certificates_reads_what_waits_in_a_constant_number_of_queries(
    client, nameless, association, django_assert_max_num_queries
):
    for _ in range(4):
        issue(recipient=nameless, issuer=association)
    client.force_login(nameless)
    client.get(reverse("certificates:mine"))  # warm the session and content types
    with django_assert_max_num_queries(MINE_QUERIES):
        body = client.get(reverse("certificates:mine")).content.decode()
    assert body.count("(Estonian Librarians Association)") == 4


# The page's own five (session, user, certificates, pending with their issuers, the nameless count), two for the
# "Issued certificates" link (officer somewhere? trains a course?) and the ten of base.html (site, navigation, menu,
# footer, locale, permissions) with the header's three sections (the catalogue; for Voting, waiting polls and
# memberships), whatever the number of waiting certificates.
MINE_QUERIES = 20
