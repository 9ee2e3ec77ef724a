"""Reads of the h5p app that host apps (courses) use to decide progress."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max

from h5p.models import H5PAttempt, H5PPackage, H5PUserState, XAPIStatement


def attempts_best_for(*, user, context_keys: Iterable[str]) -> dict[str, H5PAttempt]:
    """The best attempt (highest scaled score, then the earliest) per context key, in one query.

    Keys without an attempt are absent from the result.
    """
    keys = {key for key in context_keys if key}
    if not keys or user is None or not user.is_authenticated:
        return {}
    best: dict[str, H5PAttempt] = {}
    attempts = H5PAttempt.objects.filter(user=user, context_key__in=keys).order_by(
        "context_key", "-scaled_score", "created_at", "pk"
    )
    for attempt in attempts:
        best.setdefault(attempt.context_key, attempt)
    return best


def attempts_in_contexts(*, context_keys: Iterable[str], user_ids: Iterable[int] | None = None) -> list[H5PAttempt]:
    """Every attempt in the given contexts (of the given users when ``user_ids`` is not None), oldest first, in one
    query: what a course's gradebook and per-learner page read."""
    keys = {key for key in context_keys if key}
    if not keys:
        return []
    attempts = H5PAttempt.objects.filter(context_key__in=keys)
    if user_ids is not None:
        attempts = attempts.filter(user_id__in=list(user_ids))
    return list(attempts.order_by("created_at", "pk"))


@dataclass(frozen=True, slots=True)
class AttemptTotals:
    count: int
    best_scaled: float
    last_at: object  # datetime


def attempt_totals(*, context_keys: Iterable[str], user_ids) -> dict[tuple[int, str], AttemptTotals]:
    """Per (user id, context key): how many attempts, the best scaled score and when the last was recorded.

    One aggregate query whatever the number of users; ``user_ids`` may be a list or a ``values("...")`` subquery.
    """
    keys = {key for key in context_keys if key}
    if not keys:
        return {}
    rows = (
        H5PAttempt.objects.filter(context_key__in=keys, user_id__in=user_ids)
        .order_by()
        .values("user_id", "context_key")
        .annotate(count=Count("pk"), best=Max("scaled_score"), last=Max("created_at"))
    )
    return {
        (row["user_id"], row["context_key"]): AttemptTotals(
            count=row["count"], best_scaled=row["best"], last_at=row["last"]
        )
        for row in rows
    }


@dataclass(frozen=True, slots=True)
class AttemptSummary:
    count: int
    best: H5PAttempt | None
    latest: H5PAttempt | None


def attempt_summary(*, user, context_key: str) -> AttemptSummary:
    """How often a user scored in one context, with the best and the latest attempt (one query)."""
    attempts = list(H5PAttempt.objects.filter(user=user, context_key=context_key).order_by("created_at", "pk"))
    if not attempts:
        return AttemptSummary(count=0, best=None, latest=None)
    best = max(attempts, key=lambda attempt: (attempt.scaled_score, -attempt.pk))
    return AttemptSummary(count=len(attempts), best=best, latest=attempts[-1])


def package_by_hash(*, content_hash: str) -> H5PPackage | None:
    return H5PPackage.objects.filter(content_hash=content_hash).only("pk", "content_hash", "storage_prefix").first()


def user_state_get(*, user, package: H5PPackage, context_key: str, data_type: str, sub_content_id: str) -> str | None:
    return (
        H5PUserState.objects.filter(
            user=user, package=package, context_key=context_key, data_type=data_type, sub_content_id=sub_content_id
        )
        .values_list("data", flat=True)
        .first()
    )


def package_titles(*, package_ids: Iterable[int]) -> dict[int, str]:
    """Titles of packages by id, in one query (none for no ids)."""
    ids = {pk for pk in package_ids if isinstance(pk, int)}
    if not ids:
        return {}
    return dict(H5PPackage.objects.filter(pk__in=ids).values_list("pk", "title"))


def packages_with_results(*, packages: Iterable[H5PPackage]) -> list[H5PPackage]:
    """The packages among ``packages`` that any learner has played (they must not be deleted)."""
    ids = [package.pk for package in packages]
    if not ids:
        return []
    played = set(XAPIStatement.objects.filter(package_id__in=ids).values_list("package_id", flat=True).distinct())
    return [package for package in packages if package.pk in played]
