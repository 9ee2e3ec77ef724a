"""Writes of the h5p app: uploading packages, recording xAPI statements and attempts, saving resume state."""

import contextlib
import math
import re
import shutil
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from h5p.access import context_registration
from h5p.models import H5PAttempt, H5PPackage, H5PUserState, XAPIStatement
from h5p.validation import InspectedPackage, PackageRejected, package_inspect

__all__ = [
    "PackageRejected",
    "StatementRejected",
    "package_upload",
    "user_state_delete",
    "user_state_save",
    "xapi_statement_record",
]

SCORING_VERBS = frozenset(
    {
        "http://adlnet.gov/expapi/verbs/answered",
        "http://adlnet.gov/expapi/verbs/completed",
    }
)
_ISO_DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?"
    r"(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


class StatementRejected(Exception):
    """An xAPI statement that does not belong where it was posted; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------- packages


def package_storage_prefix(content_hash: str) -> str:
    return f"h5p/{content_hash}"


def _storage_delete_tree(prefix: str) -> None:
    """Delete every stored file under ``prefix`` (a folder in default storage)."""
    try:
        directories, files = default_storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        default_storage.delete(f"{prefix}/{name}")
    for directory in directories:
        _storage_delete_tree(f"{prefix}/{directory}")
    # FileSystemStorage leaves empty folders behind; remove them so a refused upload leaves nothing.
    with contextlib.suppress(FileNotFoundError, NotImplementedError):
        shutil.rmtree(default_storage.path(prefix))


def package_upload(
    *, uploaded_file, title: str, uploaded_by=None, inspected: InspectedPackage | None = None
) -> H5PPackage:
    """Validate, extract under ``h5p/<sha256>/`` and record a package.

    Idempotent by content: identical bytes return the existing package and its extraction.
    Raises ``PackageRejected``; a refused package leaves no row and no file behind.
    ``inspected`` is ``package_inspect(uploaded_file)`` when the caller already ran it (the admin form
    validates before saving), so a large upload is not unzipped and hashed twice.
    """
    if inspected is None:
        inspected = package_inspect(uploaded_file)
    existing = H5PPackage.objects.filter(content_hash=inspected.content_hash).first()
    if existing is not None:
        return existing

    prefix = package_storage_prefix(inspected.content_hash)
    original_name = f"h5p/originals/{inspected.content_hash}.h5p"
    # No row owns this prefix, so whatever is there is a leftover of an interrupted upload.
    _storage_delete_tree(prefix)
    if default_storage.exists(original_name):
        default_storage.delete(original_name)
    written_original = ""
    try:
        with transaction.atomic():
            for name, data in inspected.files.items():
                target = f"{prefix}/{name}"
                saved = default_storage.save(target, ContentFile(data))
                if saved != target:
                    raise PackageRejected(_("The file %(name)s could not be stored.") % {"name": name})
            uploaded_file.seek(0)
            written_original = default_storage.save(original_name, ContentFile(uploaded_file.read()))
            package = H5PPackage.objects.create(
                title=(title or inspected.metadata.get("title") or "").strip()[:255],
                file=written_original,
                main_library=inspected.main_library,
                metadata=inspected.metadata,
                content_hash=inspected.content_hash,
                storage_prefix=prefix,
                file_count=len(inspected.files),
                total_size=inspected.total_size,
                uploaded_by=uploaded_by,
            )
    except IntegrityError:
        # The same bytes were uploaded concurrently; that upload owns the files now.
        return H5PPackage.objects.get(content_hash=inspected.content_hash)
    except BaseException:
        _storage_delete_tree(prefix)
        if written_original:
            default_storage.delete(written_original)
        raise
    return package


def package_files_forget(*, content_hash: str) -> None:
    """After a package row is deleted, delete its extraction and original file once the transaction commits."""

    def delete_files():
        if H5PPackage.objects.filter(content_hash=content_hash).exists():
            return  # uploaded again in the meantime: the files belong to the new row
        _storage_delete_tree(package_storage_prefix(content_hash))
        original = f"h5p/originals/{content_hash}.h5p"
        if default_storage.exists(original):
            default_storage.delete(original)

    transaction.on_commit(delete_files)


def package_title_update(*, package: H5PPackage, title: str) -> H5PPackage:
    """Rename a package; its files and hash never change (upload a new package for new content)."""
    package.title = title.strip()[:255]
    package.save(update_fields=["title"])
    return package


# ---------------------------------------------------------------------------------------------- xAPI


def activity_iri(*, package_id: int, context_key: str) -> str:
    """The stable xAPI object IRI the player is started with for a package played in a context."""
    return f"{settings.SITE_URL}/h5p/activity/{package_id}/{quote(context_key, safe=':')}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _duration(value: Any) -> timedelta | None:
    if not isinstance(value, str):
        return None
    match = _ISO_DURATION.match(value)
    if not match or value in {"P", "PT"}:
        return None
    parts = {key: float(amount) for key, amount in match.groupdict().items() if amount}
    try:
        return timedelta(**parts)
    except OverflowError:
        return None


def _is_child(statement: dict) -> bool:
    context = statement.get("context")
    if not isinstance(context, dict):
        return False
    activities = context.get("contextActivities")
    return isinstance(activities, dict) and bool(activities.get("parent"))


def _object_id(statement: dict) -> str:
    obj = statement.get("object")
    if isinstance(obj, dict) and isinstance(obj.get("id"), str):
        return obj["id"]
    return ""


def _verb(statement: dict) -> str:
    verb = statement.get("verb")
    if isinstance(verb, dict) and isinstance(verb.get("id"), str):
        return verb["id"][:255]
    return ""


def _score(statement: dict) -> dict | None:
    """raw, max, min and a server-computed scaled score, or None when the statement carries no usable score."""
    result = statement.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("score"), dict):
        return None
    score = result["score"]
    raw, maximum = _number(score.get("raw")), _number(score.get("max"))
    minimum = _number(score.get("min")) or 0.0
    if raw is None or maximum is None or maximum < 0:
        return None
    scaled = raw / maximum if maximum > 0 else _number(score.get("scaled")) or 0.0
    return {
        "raw_score": raw,
        "max_score": maximum,
        "min_score": minimum,
        "scaled_score": min(1.0, max(0.0, scaled)),
        "completion": result.get("completion") is True,
        "success": result.get("success") if isinstance(result.get("success"), bool) else None,
        "duration": _duration(result.get("duration")),
    }


def xapi_statement_record(*, user, package: H5PPackage, context_key: str, statement: dict) -> H5PAttempt | None:
    """Record a statement from ``user`` (never the statement's actor) and, when it is a top-level scored
    ``answered``/``completed``, an attempt; the context's ``on_attempt`` runs in the same transaction.

    Idempotent per statement id: a retry returns the attempt recorded the first time (or None).
    Raises ``StatementRejected`` when the statement is not about this package in this context.
    Access (``context_can_play``) is the caller's check.
    """
    if not isinstance(statement, dict):
        raise StatementRejected(_("The statement must be a JSON object."))
    iri = activity_iri(package_id=package.pk, context_key=context_key)
    object_id = _object_id(statement)
    if object_id != iri and not object_id.startswith(iri + "?"):
        raise StatementRejected(_("The statement is not about this activity."))
    verb = _verb(statement)
    if not verb:
        raise StatementRejected(_("The statement has no verb."))
    statement_id = statement.get("id") if isinstance(statement.get("id"), str) else ""
    if len(statement_id) > 64:
        raise StatementRejected(_("The statement id is too long."))

    stored = dict(statement)
    # The server decides who acted: the session user, whatever the browser claimed.
    stored["actor"] = {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": str(user.pk)},
    }
    registration = context_registration(context_key)

    with transaction.atomic():
        if statement_id:
            previous = (
                XAPIStatement.objects.filter(user=user, statement_id=statement_id).select_related("attempt").first()
            )
            if previous is not None:
                return getattr(previous, "attempt", None)
        try:
            with transaction.atomic():
                record = XAPIStatement.objects.create(
                    user=user,
                    package=package,
                    context_key=context_key,
                    statement_id=statement_id,
                    verb=verb,
                    statement=stored,
                )
        except IntegrityError:
            previous = XAPIStatement.objects.select_related("attempt").get(user=user, statement_id=statement_id)
            return getattr(previous, "attempt", None)
        if verb not in SCORING_VERBS or _is_child(statement) or object_id != iri:
            return None
        score = _score(statement)
        if score is None:
            return None
        attempt = H5PAttempt.objects.create(
            user=user, package=package, context_key=context_key, statement=record, **score
        )
        if registration is not None and registration.on_attempt is not None:
            registration.on_attempt(user, context_key, attempt)
    return attempt


# ---------------------------------------------------------------------------------------------- resume state


def user_state_save(
    *,
    user,
    package: H5PPackage,
    context_key: str,
    data_type: str,
    sub_content_id: str,
    data: str,
    preload: bool = True,
    invalidate: bool = False,
) -> H5PUserState:
    """Create or replace the saved state for this user, package, context, data type and sub-content."""
    if len(data) > H5PUserState.MAX_DATA_LENGTH:
        raise ValueError("The saved state is larger than 64 KB.")
    state, _created = H5PUserState.objects.update_or_create(
        user=user,
        package=package,
        context_key=context_key,
        data_type=data_type,
        sub_content_id=sub_content_id,
        defaults={"data": data, "preload": preload, "invalidate": invalidate},
    )
    return state


def user_state_delete(*, user, package: H5PPackage, context_key: str, data_type: str, sub_content_id: str) -> int:
    """Forget a saved state (the player resets it when the content changed). Returns how many rows went."""
    deleted, _detail = H5PUserState.objects.filter(
        user=user,
        package=package,
        context_key=context_key,
        data_type=data_type,
        sub_content_id=sub_content_id,
    ).delete()
    return deleted
