"""Writes of the h5p app: uploading packages (and installing their libraries), recording xAPI statements and
attempts, saving resume state."""

import contextlib
import math
import re
import shutil
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.refusals import Refusal
from accounts.throttle import throttle_hit
from h5p.access import context_holds_package, context_registration
from h5p.models import H5PAttempt, H5PLibrary, H5PLibraryChange, H5PPackage, H5PUserState, XAPIStatement
from h5p.validation import InspectedLibrary, InspectedPackage, PackageRejected, package_inspect

__all__ = [
    "LIBRARY_PERMISSION",
    "PackageRejected",
    "StatementRejected",
    "library_may_install",
    "package_libraries_check",
    "package_upload",
    "user_state_delete",
    "user_state_save",
    "xapi_statement_record",
]

LIBRARY_PERMISSION = "h5p.install_library"
# How far a claimed scaled score may be from raw / max (H5P rounds it to a few decimals).
SCALED_TOLERANCE = 0.01

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


class StatementRejected(Refusal):
    """An xAPI statement that is malformed (400) or does not belong where it was posted (403); nothing is written."""

    def __init__(self, message, *, code: str = "statement_rejected", status: int = 400):
        super().__init__(message, code=code, status=status)


# ---------------------------------------------------------------------------------------------- libraries


def library_may_install(user) -> bool:
    """Installing or changing library code: ``h5p.install_library`` (site administrators have every permission).

    ``None`` is a trusted command (demo data, management commands), never a web request: forms pass the person.
    """
    if user is None:
        return True
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(LIBRARY_PERMISSION))


def _library_names(libraries) -> str:
    return ", ".join(sorted(library.key for library in libraries))


def _libraries_plan(*, inspected: InspectedPackage, lock: bool = False):
    """(installed, new, changed): what the package's libraries are against the installed ones."""
    keys = {(library.machine_name, library.major, library.minor) for library in inspected.libraries}
    records = H5PLibrary.objects.filter(machine_name__in={key[0] for key in keys})
    if lock:
        records = records.select_for_update()
    installed = {(record.machine_name, record.major_version, record.minor_version): record for record in records}
    new: list[InspectedLibrary] = []
    changed: list[tuple[H5PLibrary, InspectedLibrary]] = []
    for library in inspected.libraries:
        record = installed.get((library.machine_name, library.major, library.minor))
        if record is None:
            new.append(library)
        elif record.digest != library.digest:
            changed.append((record, library))
    return installed, new, changed


def package_libraries_check(*, inspected: InspectedPackage, user) -> None:
    """Refuse a package whose libraries would install or change code ``user`` may not install. Writes nothing."""
    if library_may_install(user):
        return
    _installed, new, changed = _libraries_plan(inspected=inspected)
    if new:
        raise PackageRejected(
            _(
                "This package uses the library %(libraries)s, which is not installed on this site. "
                "Library code runs in every learner's browser, so only a site administrator may install it: "
                "ask a site administrator to install library %(libraries)s."
            )
            % {"libraries": _library_names(new)},
            code="library_not_installed",
            status=403,
        )
    if changed:
        raise PackageRejected(
            _(
                "This package brings its own copy of the library %(libraries)s, which differs from the installed one. "
                "Only a site administrator may change library code: export the content with the installed version, "
                "or ask a site administrator to install this one."
            )
            % {"libraries": _library_names(library for _record, library in changed)},
            code="library_changed",
            status=403,
        )


def _libraries_install(*, inspected: InspectedPackage, user) -> list[H5PLibrary]:
    """Inside the upload's transaction: install new libraries and update changed ones (with audit rows)."""
    installed, new, changed = _libraries_plan(inspected=inspected, lock=True)
    if (new or changed) and not library_may_install(user):
        package_libraries_check(inspected=inspected, user=user)  # raises with the precise message
    records = {}
    for library in new:
        record = H5PLibrary.objects.create(
            machine_name=library.machine_name,
            major_version=library.major,
            minor_version=library.minor,
            patch_version=library.patch,
            title=library.title,
            files=library.files,
            digest=library.digest,
            installed_by=user,
            updated_by=user,
        )
        H5PLibraryChange.objects.create(
            library=record,
            action=H5PLibraryChange.Action.INSTALLED,
            patch_version=library.patch,
            digest_after=library.digest,
            changed_by=user,
        )
        records[library.key] = record
    for record, library in changed:
        before = record.digest
        record.patch_version, record.title, record.files = library.patch, library.title, library.files
        record.digest, record.updated_by = library.digest, user
        record.save(update_fields=["patch_version", "title", "files", "digest", "updated_by", "updated_at"])
        H5PLibraryChange.objects.create(
            library=record,
            action=H5PLibraryChange.Action.UPDATED,
            patch_version=library.patch,
            digest_before=before,
            digest_after=library.digest,
            changed_by=user,
        )
    result = list(installed.values()) + list(records.values())
    wanted = {(library.machine_name, library.major, library.minor) for library in inspected.libraries}
    return [record for record in result if (record.machine_name, record.major_version, record.minor_version) in wanted]


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
    """Validate, extract under ``h5p/<sha256>/`` and record a package with the libraries it uses.

    Idempotent by content: identical bytes return the existing package and its extraction.
    Libraries not yet installed, or whose packaged copy differs from the installed one, are installed/updated
    only for someone who ``library_may_install`` (``uploaded_by=None`` is a trusted command); for anyone else
    the package is refused.
    Raises ``PackageRejected``; a refused package leaves no row and no file behind.
    ``inspected`` is ``package_inspect(uploaded_file)`` when the caller already ran it (the admin form
    validates before saving), so a large upload is not unzipped and hashed twice.
    """
    if inspected is None:
        inspected = package_inspect(uploaded_file)
    existing = H5PPackage.objects.filter(content_hash=inspected.content_hash).first()
    if existing is not None:
        return existing
    package_libraries_check(inspected=inspected, user=uploaded_by)

    prefix = package_storage_prefix(inspected.content_hash)
    original_name = f"h5p/originals/{inspected.content_hash}.h5p"
    # No row owns this prefix, so whatever is there is a leftover of an interrupted upload.
    _storage_delete_tree(prefix)
    if default_storage.exists(original_name):
        default_storage.delete(original_name)
    written_original = ""
    try:
        with transaction.atomic():
            libraries = _libraries_install(inspected=inspected, user=uploaded_by)
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
            package.libraries.set(libraries)
    except IntegrityError as error:
        # The same bytes were uploaded concurrently; that upload owns the files now.
        concurrent = H5PPackage.objects.filter(content_hash=inspected.content_hash).first()
        if concurrent is not None:
            return concurrent
        # Someone installed one of these libraries at the same moment: nothing of ours was kept.
        _storage_delete_tree(prefix)
        if written_original:
            default_storage.delete(written_original)
        raise PackageRejected(
            _("Another upload installed the same library just now. Please upload the package again."),
            code="conflict",
            status=409,
        ) from error
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
    """raw, max, min and the scaled score we derive, or None when the statement carries no score at all.

    Raises ``StatementRejected`` for a score that cannot be true: raw outside ``0..max``, ``max <= 0``,
    ``min > raw``, or a claimed ``scaled`` that is not raw / max.
    """
    result = statement.get("result")
    if result is None:
        return None
    if not isinstance(result, dict):
        raise StatementRejected(_("The statement's result must be an object."), code="score_invalid")
    score = result.get("score")
    if score is None:
        return None
    if not isinstance(score, dict):
        raise StatementRejected(_("The statement's score must be an object."), code="score_invalid")
    raw, maximum = _number(score.get("raw")), _number(score.get("max"))
    minimum = _number(score["min"]) if "min" in score else 0.0
    if raw is None or maximum is None or minimum is None:
        raise StatementRejected(_("The score needs numbers for raw and max."), code="score_invalid")
    if maximum <= 0:
        raise StatementRejected(_("The maximum score must be greater than zero."), code="score_invalid")
    if not 0 <= raw <= maximum:
        raise StatementRejected(_("The score must be between zero and the maximum score."), code="score_invalid")
    if minimum > raw:
        raise StatementRejected(_("The score is below the minimum score."), code="score_invalid")
    scaled = raw / maximum
    if "scaled" in score:
        claimed = _number(score["scaled"])
        if claimed is None or abs(claimed - scaled) > SCALED_TOLERANCE:
            raise StatementRejected(_("The scaled score does not match the score."), code="score_invalid")
    return {
        "raw_score": raw,
        "max_score": maximum,
        "min_score": minimum,
        "scaled_score": scaled,
        "completion": result.get("completion") is True,
        "success": result.get("success") if isinstance(result.get("success"), bool) else None,
        "duration": _duration(result.get("duration")),
    }


def _statement_id(statement: dict) -> str:
    """The statement's ``id``, required as a UUID (the player adds one), in canonical form."""
    value = statement.get("id")
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) and len(value) <= 64 else ""
    except ValueError:
        return ""


def _rate_limited(user) -> bool:
    """Per learner: H5P_XAPI_RATE_LIMIT statements an H5P_XAPI_RATE_WINDOW."""
    return throttle_hit(
        scope="h5p-xapi", who=user.pk, limit=settings.H5P_XAPI_RATE_LIMIT, window=settings.H5P_XAPI_RATE_WINDOW
    )


def xapi_statement_record(*, user, package: H5PPackage, context_key: str, statement: dict) -> H5PAttempt | None:
    """Record a statement from ``user`` (never the statement's actor) and, when it is a top-level scored
    ``answered``/``completed``, an attempt; the context's ``on_attempt`` runs in the same transaction.

    Idempotent per statement id (a UUID, unique per user): a repeat returns the attempt recorded the first
    time (or None). Raises ``StatementRejected`` (nothing written) when the statement is not about this package
    in this context, the package is not the one placed in the context, or its score cannot be true; raises
    ``Refusal`` (429) beyond the learner's rate. Access (``context_can_play``) is the caller's check.
    """
    if _rate_limited(user):
        raise Refusal.too_many(_("Too many results were sent. Please wait a minute and try again."))
    if not isinstance(statement, dict):
        raise StatementRejected(_("The statement must be a JSON object."))
    if not context_holds_package(context_key=context_key, package_id=package.pk):
        raise StatementRejected(_("This activity does not play that package here."), code="wrong_package", status=403)
    iri = activity_iri(package_id=package.pk, context_key=context_key)
    object_id = _object_id(statement)
    if object_id != iri and not object_id.startswith(iri + "?"):
        raise StatementRejected(_("The statement is not about this activity."), code="wrong_activity", status=403)
    verb = _verb(statement)
    if not verb:
        raise StatementRejected(_("The statement has no verb."))
    statement_id = _statement_id(statement)
    if not statement_id:
        raise StatementRejected(_("The statement needs an id (a UUID)."), code="statement_id")
    score = _score(statement)

    stored = dict(statement)
    stored["id"] = statement_id
    # The server decides who acted: the session user, whatever the browser claimed.
    stored["actor"] = {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": str(user.pk)},
    }
    registration = context_registration(context_key)

    with transaction.atomic():
        previous = XAPIStatement.objects.filter(user=user, statement_id=statement_id).select_related("attempt").first()
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
        if verb not in SCORING_VERBS or _is_child(statement) or object_id != iri or score is None:
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
