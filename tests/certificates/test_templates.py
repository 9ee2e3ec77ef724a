"""Certificate templates: placeholders are checked on save; one default per association and language;
the template a certificate uses is resolved explicit -> default in the recipient's language -> default -> built-in."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from certificates.models import CertificateTemplate, validate_placeholders
from tests.certificates.factories import CertificateTemplateFactory, ManualAwardFactory, issue
from tests.factories import UserFactory


def test_every_known_placeholder_is_accepted():
    """The six documented placeholders pass, and so do doubled literal braces."""
    validate_placeholders("{recipient} {achievement} {date} {cpd_hours} {issuer} {code} {{literal}}")


def test_an_unknown_placeholder_is_refused_with_its_name_and_the_allowed_ones():
    with pytest.raises(ValidationError) as caught:
        validate_placeholders("Dear {name}, you completed {achievement} {course}")
    message = caught.value.messages[0]
    assert "{course}" not in message and "course" in message and "name" in message
    assert "{recipient}" in message


def test_format_specs_and_attribute_access_are_refused():
    """{recipient:>99999} could blow up memory and {recipient.email} would leak attributes: both refused."""
    with pytest.raises(ValidationError):
        validate_placeholders("{recipient:>99999}")
    with pytest.raises(ValidationError):
        validate_placeholders("{recipient.email}")
    with pytest.raises(ValidationError):
        validate_placeholders("{code!r}")


def test_an_unmatched_brace_is_refused_clearly():
    with pytest.raises(ValidationError, match="brace"):
        validate_placeholders("Hello {recipient")


def test_full_clean_reports_the_placeholder_error_on_the_body_field(association):
    template = CertificateTemplate(association=association, name="x", title="x", body="{nope}")
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert "body" in caught.value.message_dict


def test_a_second_default_in_the_same_language_is_refused_by_the_database(association):
    CertificateTemplateFactory(association=association, is_default=True, language="en")
    CertificateTemplateFactory(association=association, is_default=True, language="ru")  # another language: fine
    CertificateTemplateFactory(association=association, is_default=False, language="en")  # not default: fine
    with pytest.raises(IntegrityError):
        CertificateTemplateFactory(association=association, is_default=True, language="en")


def test_the_form_level_check_names_the_default_conflict(association):
    CertificateTemplateFactory(association=association, is_default=True, language="en")
    duplicate = CertificateTemplate(
        association=association, name="Again", title="T", body="{recipient}", language="en", is_default=True
    )
    with pytest.raises(ValidationError, match="already has a default template"):
        duplicate.full_clean()


@pytest.fixture
def defaults(association):
    return {
        "en": CertificateTemplateFactory(association=association, is_default=True, language="en"),
        "ru": CertificateTemplateFactory(association=association, is_default=True, language="ru"),
    }


def test_the_default_in_the_recipients_language_is_chosen(association, defaults, django_capture_on_commit_callbacks):
    russian = UserFactory(preferred_language="ru")
    certificate = issue(recipient=russian, issuer=association)
    assert certificate.template == defaults["ru"]
    assert certificate.language == "ru"


def test_an_explicit_template_wins_over_the_defaults(association, defaults, learner):
    explicit = CertificateTemplateFactory(association=association, language="ru")
    certificate = issue(recipient=learner, issuer=association, template=explicit)
    assert certificate.template == explicit
    assert certificate.language == "ru"


def test_without_a_default_in_their_language_the_association_default_is_used(association):
    only_english = CertificateTemplateFactory(association=association, is_default=True, language="en")
    russian = UserFactory(preferred_language="ru")
    assert issue(recipient=russian, issuer=association).template == only_english


def test_without_any_template_the_built_in_one_is_used_in_the_recipients_language(association):
    russian = UserFactory(preferred_language="ru")
    certificate = issue(recipient=russian, issuer=association)
    assert certificate.template is None
    assert certificate.language == "ru"


def test_a_template_of_another_association_is_ignored_for_the_issuers_default(
    association, other_association, learner, caplog
):
    """A course pointing at a foreign template must not cost the learner their certificate."""
    foreign = CertificateTemplateFactory(association=other_association)
    own = CertificateTemplateFactory(association=association, is_default=True)
    award = ManualAwardFactory(association=association)
    certificate = issue(recipient=learner, source=award, template=foreign)
    assert certificate.template == own
    assert "belongs to another association" in caplog.text
