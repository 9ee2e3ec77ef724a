"""CSV import: every row is validated first; one bad row means nothing at all is imported."""

import datetime
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import membership_csv
from accounts.models import Membership, MembershipEvent, User
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("accounts:member_import", kwargs={"slug": "ela"})
HEADER = "email,display_name,role,status,vote_weight,valid_until\r\n"


def upload(client, text, *, encoding="utf-8", send_invitations=True, capture=None):
    data = {"file": SimpleUploadedFile("members.csv", text.encode(encoding), content_type="text/csv")}
    if send_invitations:
        data["send_invitations"] = "on"
    if capture is None:
        return client.post(IMPORT_URL, data)
    with capture(execute=True):
        return client.post(IMPORT_URL, data)


def counts():
    return Membership.objects.count(), User.objects.count(), MembershipEvent.objects.count()


@pytest.fixture
def admin_client(client, association_admin, member):
    client.force_login(association_admin)
    return client


def test_good_file_creates_and_updates_in_one_go(admin_client, member, django_capture_on_commit_callbacks):
    """New people get accounts and memberships, existing ones are updated, identical rows are left alone;
    new people are e-mailed."""
    text = (
        HEADER
        + "new.one@example.org,Ülle Õun,member,active,1,2027-12-31\r\n"
        + "new.two@example.org,Пётр Иванов,board,pending,,\r\n"
        + "MIA@example.org,,board,active,2,\r\n"
        + "alice@example.org,,admin,active,1,\r\n"
    )
    response = upload(admin_client, text, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "2 memberships created." in page
    assert "1 membership updated." in page
    assert "1 row unchanged." in page
    one = Membership.objects.select_related("user").get(user__email="new.one@example.org")
    assert one.user.display_name == "Ülle Õun"
    assert not one.user.has_usable_password()
    assert one.user.profile.preferred_language == "en"
    assert EmailAddress.objects.get(user=one.user).verified is False
    assert (one.status, one.valid_until) == (Membership.Status.ACTIVE, datetime.date(2027, 12, 31))
    two = Membership.objects.get(user__email="new.two@example.org")
    assert (two.role, two.status, two.vote_weight) == (Membership.Role.BOARD, Membership.Status.PENDING, Decimal(1))
    mia = member.memberships.get()
    assert (mia.role, mia.vote_weight) == (Membership.Role.BOARD, Decimal(2))
    assert mia.events.get().action == MembershipEvent.Action.IMPORTED
    assert sorted(m.to[0] for m in mail.outbox) == ["new.one@example.org", "new.two@example.org"]


def test_file_with_a_byte_order_mark_and_any_column_order_is_read(admin_client):
    """Excel's UTF-8 BOM is accepted, columns may come in any order and optional ones may be left out."""
    text = "valid_until,email,role\r\n2028-01-31,bom@example.org,member\r\n"
    response = upload(admin_client, text, encoding="utf-8-sig", send_invitations=False)
    assert response.status_code == 302
    assert Membership.objects.get(user__email="bom@example.org").valid_until == datetime.date(2028, 1, 31)


def test_one_bad_row_is_reported_and_nothing_of_the_file_is_imported(admin_client, member):
    """Rows 2 and 4 are fine, row 3 has three problems: the report names them all; no row is saved."""
    before = counts()
    text = (
        HEADER
        + "fine.one@example.org,Fine,member,active,1,\r\n"
        + "broken@,Broken,king,sleeping,-3,31.12.2027\r\n"
        + "mia@example.org,,admin,active,1,\r\n"
    )
    response = upload(admin_client, text)
    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["row_errors"]]
    assert errors == [(3, "email"), (3, "role"), (3, "status"), (3, "vote_weight"), (3, "valid_until")]
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "king" in content
    assert counts() == before
    assert member.memberships.get().role == Membership.Role.MEMBER
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [
        (HEADER + "a@example.org\r\na@example.org\r\n", 3, "email", "already on row 2"),
        (HEADER + ",Nobody\r\n", 2, "email", "required"),
        (HEADER + "b@example.org,,member,active,1.2345,\r\n", 2, "vote_weight", "three decimals"),
        (HEADER + "c@example.org,,member,active,abc,\r\n", 2, "vote_weight", "not a vote weight"),
        (HEADER + "d@example.org,,member,active,1,2027-02-30\r\n", 2, "valid_until", "not a date"),
        (HEADER + "e@example.org," + "x" * 151 + "\r\n", 2, "display_name", "At most 150"),
        (HEADER + "f@example.org,,member,active,1,,surplus\r\n", 2, "", "cells"),
        ("display_name,role\r\nNobody,member\r\n", 1, "email", "required column is missing"),
        ("email,phone\r\ng@example.org,123\r\n", 1, "phone", "Unknown column"),
        ("email,email\r\nh@example.org,h@example.org\r\n", 1, "email", "more than once"),
        (HEADER, None, "", "no members"),
        ("\r\n", 1, "", "header row is missing"),
    ],
)
def test_problems_are_reported_by_row_and_column(admin_client, text, row, column, message):
    """Each kind of problem is reported with its row number (header is row 1) and column; nothing is saved."""
    before = counts()
    response = upload(admin_client, text)
    assert response.status_code == 400
    assert any(e.row == row and e.column == column and message in e.message for e in response.context["row_errors"]), (
        response.context["row_errors"]
    )
    assert counts() == before


def test_a_file_that_is_not_utf8_is_refused(admin_client):
    """A Latin-1 file is refused with advice to save it as CSV UTF-8."""
    before = counts()
    response = upload(admin_client, HEADER + "jüri@example.org,Jüri\r\n", encoding="latin-1")
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()
    assert counts() == before


def test_decimal_comma_is_accepted(admin_client):
    """Spreadsheets in many locales write 0,5; it means 0.5."""
    upload(admin_client, HEADER + 'comma@example.org,,member,active,"0,5",\r\n', send_invitations=False)
    assert Membership.objects.get(user__email="comma@example.org").vote_weight == Decimal("0.5")


def test_too_many_rows_are_refused(admin_client, monkeypatch):
    """Above the row limit the whole file is refused."""
    monkeypatch.setattr(membership_csv, "MAX_ROWS", 3)
    before = counts()
    text = HEADER + "".join(f"p{i}@example.org\r\n" for i in range(4))
    response = upload(admin_client, text)
    assert response.status_code == 400
    assert "at most 3 are allowed" in response.content.decode()
    assert counts() == before


def test_too_large_a_file_is_refused(admin_client, monkeypatch):
    """Above the size limit the whole file is refused before it is parsed."""
    monkeypatch.setattr(membership_csv, "MAX_UPLOAD_BYTES", 100)
    before = counts()
    response = upload(admin_client, HEADER + "x@example.org," + "y" * 200 + "\r\n")
    assert response.status_code == 400
    assert counts() == before


def test_a_file_that_would_remove_the_last_admin_is_refused_whole(admin_client):
    """Valid rows, but the result would leave no administrator: the transaction rolls back."""
    before = counts()
    text = HEADER + "keep@example.org,,member,active,1,\r\nalice@example.org,,admin,lapsed,1,\r\n"
    response = upload(admin_client, text)
    assert response.status_code == 400
    assert "without an active administrator" in response.content.decode()
    assert counts() == before
    assert Membership.objects.get(user__email="alice@example.org").status == Membership.Status.ACTIVE


def test_import_does_not_touch_another_associations_memberships(admin_client, other_association):
    """The same person in LLA keeps their LLA membership as it was."""
    theirs = MembershipFactory(association=other_association, user__email="both@example.org")
    upload(admin_client, HEADER + "both@example.org,,board,active,3,\r\n", send_invitations=False)
    theirs.refresh_from_db()
    assert (theirs.role, theirs.vote_weight) == (Membership.Role.MEMBER, Decimal(1))
    assert Membership.objects.get(user=theirs.user, association__slug="ela").role == Membership.Role.BOARD


def test_import_refused_for_a_member(client, member):
    """A plain member's upload is 403 and creates nothing."""
    before = counts()
    client.force_login(member)
    assert upload(client, HEADER + "sneaky@example.org\r\n").status_code == 403
    assert counts() == before


def test_import_refused_for_another_associations_admin(client, association, other_admin):
    """LLA's administrator cannot import into ELA: 404, nothing created."""
    before = counts()
    client.force_login(other_admin)
    assert upload(client, HEADER + "sneaky@example.org\r\n").status_code == 404
    assert counts() == before


def test_template_download_is_a_csv_with_the_header(admin_client):
    """The template is a CSV attachment holding exactly the header row."""
    response = admin_client.get(reverse("accounts:member_import_template", kwargs={"slug": "ela"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode() == HEADER


def test_the_template_imports_cleanly_once_filled_in(admin_client):
    """The downloaded template plus one row is a valid file."""
    template = membership_csv.membership_csv_template()
    parsed = membership_csv.membership_csv_parse((template + "t@example.org,T,member,active,1,\r\n").encode())
    assert parsed.is_valid
    assert parsed.rows[0].email == "t@example.org"


def test_an_empty_upload_is_refused_by_the_form(admin_client):
    """An empty file is a form error tied to the file field."""
    before = counts()
    response = admin_client.post(IMPORT_URL, {"file": SimpleUploadedFile("members.csv", b"", content_type="text/csv")})
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("name", ['"=HYPERLINK(""http://x.example"",""click"")"', "+SUM(1;2)", "@cmd", "-2+3", " =1+1"])
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_refused_and_nothing_is_imported(admin_client, name):
    before = counts()
    text = (
        HEADER
        + "fine.two@example.org,Fine Two,member,active,1,\r\n"
        + f"formula@example.org,{name},member,active,1,\r\n"
    )
    response = upload(admin_client, text)
    assert response.status_code == 400
    errors = response.context["row_errors"]
    assert [(e.row, e.column) for e in errors] == [(3, "display_name")]
    assert "may not begin with =, +, - or @" in errors[0].message
    assert counts() == before
    assert mail.outbox == []


@pytest.mark.parametrize("name", ["nora@example.org", "Nora\u202eRedaeL"])
def test_a_name_certificates_could_not_print_is_refused_and_nothing_is_imported(admin_client, name):
    """An imported name is printed on certificates: an e-mail address or a direction override is refused here,
    not discovered later when a certificate is held for want of a printable name."""
    before = counts()
    response = upload(admin_client, HEADER + f"nora@example.org,{name},member,active,1,\r\n")
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["row_errors"]] == [(2, "display_name")]
    assert counts() == before


def test_a_name_with_a_hyphen_inside_is_imported(admin_client):
    response = upload(admin_client, HEADER + "anna@example.org,Anna-Liisa Mägi,member,active,1,\r\n")
    assert response.status_code == 302
    assert User.objects.get(email="anna@example.org").display_name == "Anna-Liisa Mägi"
