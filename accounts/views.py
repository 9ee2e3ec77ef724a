from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import dashboard, forms, membership_csv, roles, selectors, services
from accounts.models import Association, Membership
from accounts.refusals import Refusal, refusal_message, refusal_respond, refusal_text

ROSTER_PAGE_SIZE = 50


def association_detail(request, slug):
    association = get_object_or_404(Association, slug=slug)
    context = {
        "association": association,
        "can_manage": selectors.association_can_manage(user=request.user, association=association),
        "is_officer": roles.is_association_officer(request.user, association),
    }
    return render(request, "accounts/association_detail.html", context)


@login_required
@require_safe
def association_dashboard(request, slug):
    """The officer's dashboard: members and approvals here; courses and certificates from their apps' panels."""
    association = _association_for(request, slug, selectors.association_officer_access)
    context = {
        "association": association,
        "can_manage_members": selectors.association_can_manage(user=request.user, association=association),
        "counts": selectors.membership_counts(association=association),
        "pending": selectors.association_pending(association=association),
        "panels": dashboard.dashboard_panels(association=association, user=request.user),
    }
    return render(request, "accounts/association_dashboard.html", context)


def _association_for(request, slug, access_of) -> Association:
    """The association if ``access_of`` (a selector) grants MANAGE; 403 for its other members, 404 for the rest."""
    association = get_object_or_404(Association, slug=slug)
    access = access_of(user=request.user, association=association)
    if access is selectors.Access.FORBIDDEN:
        raise PermissionDenied
    if access is not selectors.Access.MANAGE:
        raise Http404
    return association


def _managed_association(request, slug) -> Association:
    """The association if the user may manage its members; 403 for its other members, 404 for everyone else."""
    return _association_for(request, slug, selectors.association_access)


def _managed_membership(request, slug, membership_id) -> Membership:
    association = _managed_association(request, slug)
    membership = selectors.membership_for_management(association=association, membership_id=membership_id)
    if membership is None:
        raise Http404
    return membership


def admin_login_redirect(default_next: str):
    """The Wagtail and Django admin login pages: never a form of their own, always allauth's login.

    allauth's login is the one door: it applies the failed-login throttle (``ACCOUNT_RATE_LIMITS["login_failed"]``)
    and refuses an account whose address is not verified. Someone already logged in who lacks admin access is
    refused here (sending them back to the login page would loop).
    """

    def view(request, extra_context=None):
        if request.user.is_authenticated:
            return refusal_respond(request, Refusal(_("You do not have permission to access the admin.")))
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = default_next
        return HttpResponseRedirect(reverse("account_login") + "?" + urlencode({"next": target}))

    return view


def _next_or(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_safe
def member_list(request, slug):
    association = _managed_association(request, slug)
    filter_form = forms.MemberFilterForm(request.GET or None)
    roster = selectors.membership_roster(association=association, **filter_form.filters())
    page = Paginator(roster, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "association": association,
        "filter_form": filter_form,
        "page": page,
        "counts": selectors.membership_counts(association=association),
        "query_string": query.urlencode(),
    }
    return render(request, "accounts/member_list.html", context)


def _member_detail_response(request, membership, *, role_form=None, terms_form=None, status=200):
    context = {
        "association": membership.association,
        "membership": membership,
        "role_form": role_form or forms.MembershipRoleForm(initial={"role": membership.role}),
        "terms_form": terms_form
        or forms.MembershipTermsForm(
            initial={"vote_weight": membership.vote_weight, "valid_until": membership.valid_until}
        ),
        "events": selectors.membership_events(membership=membership),
    }
    return render(request, "accounts/member_detail.html", context, status=status)


@login_required
@require_safe
def member_detail(request, slug, membership_id):
    membership = _managed_membership(request, slug, membership_id)
    return _member_detail_response(request, membership)


def _perform(request, call, success_message: str) -> None:
    """Run one service call; its refusal becomes an error message, success a success message."""
    try:
        call()
    except Refusal as error:
        refusal_message(request, error)
    else:
        messages.success(request, success_message)


def _status_action(service, success_message, confirmation=None, applies_to=None):
    """A status change: POST does it. With a ``confirmation`` (title, what will happen, button), GET first shows a
    page that says what will happen and asks to confirm; the member page links there instead of posting. A
    membership not in the ``applies_to`` status has nothing to confirm: back to its page, saying so."""

    @login_required
    @require_http_methods(["GET", "POST"] if confirmation else ["POST"])
    def view(request, slug, membership_id):
        membership = _managed_membership(request, slug, membership_id)
        if request.method == "GET" and membership.status != applies_to:
            messages.info(
                request,
                _("This membership is %(status)s now: there is nothing to confirm.")
                % {"status": membership.get_status_display().lower()},
            )
            return redirect(_member_url(membership))
        if request.method == "GET":
            title, consequence, button = confirmation()
            context = {
                "association": membership.association,
                "membership": membership,
                "title": title,
                "consequence": consequence % {"person": membership.user, "association": membership.association},
                "button": button,
            }
            return render(request, "accounts/member_confirm.html", context)
        _perform(
            request,
            lambda: service(membership=membership, actor=request.user),
            success_message() % {"person": membership.user},
        )
        return redirect(_next_or(request, _member_url(membership)))

    return view


def _member_url(membership: Membership) -> str:
    return reverse(
        "accounts:member_detail", kwargs={"slug": membership.association.slug, "membership_id": membership.pk}
    )


member_approve = _status_action(
    services.membership_approve,
    lambda: _("%(person)s is now an active member."),
    lambda: (
        _("Approve this membership?"),
        _(
            "%(person)s becomes an active member of %(association)s: they may enrol in member-only courses, join "
            "members' meetings and vote with their vote weight until the end date, if there is one."
        ),
        _("Approve membership"),
    ),
    applies_to=Membership.Status.PENDING,
)
member_lapse = _status_action(
    services.membership_lapse,
    lambda: _("The membership of %(person)s has lapsed."),
    lambda: (
        _("Mark this membership as lapsed?"),
        _(
            "%(person)s stops being a member of %(association)s now: no votes, no member-only courses or meetings, "
            "and no role in the association. The history is kept, and you can reactivate the membership later."
        ),
        _("Mark as lapsed"),
    ),
    applies_to=Membership.Status.ACTIVE,
)
member_reactivate = _status_action(
    services.membership_reactivate, lambda: _("The membership of %(person)s is active again.")
)


@login_required
@require_POST
def member_change_role(request, slug, membership_id):
    membership = _managed_membership(request, slug, membership_id)
    form = forms.MembershipRoleForm(request.POST)
    if not form.is_valid():
        return _member_detail_response(request, membership, role_form=form, status=400)
    _perform(
        request,
        lambda: services.membership_change_role(
            membership=membership, actor=request.user, role=form.cleaned_data["role"]
        ),
        _("The role of %(person)s was saved.") % {"person": membership.user},
    )
    return redirect(_member_url(membership))


@login_required
@require_POST
def member_change_terms(request, slug, membership_id):
    membership = _managed_membership(request, slug, membership_id)
    form = forms.MembershipTermsForm(request.POST)
    if not form.is_valid():
        return _member_detail_response(request, membership, terms_form=form, status=400)
    _perform(
        request,
        lambda: services.membership_change_terms(
            membership=membership,
            actor=request.user,
            vote_weight=form.cleaned_data["vote_weight"],
            valid_until=form.cleaned_data["valid_until"],
        ),
        _("The vote weight and validity of %(person)s were saved.") % {"person": membership.user},
    )
    return redirect(_member_url(membership))


@login_required
@require_http_methods(["GET", "POST"])
def member_invite(request, slug):
    association = _managed_association(request, slug)
    form = forms.MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_invite(
                association=association,
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                role=form.cleaned_data["role"],
                actor=request.user,
                language=get_language(),
            )
        except Refusal as error:
            form.add_error("email", error)  # a Refusal is a ValidationError: shown on the field it is about
        else:
            messages.success(
                request,
                _("%(email)s was invited. The membership stays pending until you approve it.")
                % {"email": membership.user.email},
            )
            return redirect("accounts:member_list", slug=association.slug)
    status = 400 if form.errors else 200
    return render(request, "accounts/member_invite.html", {"association": association, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request, slug):
    association = _managed_association(request, slug)
    form = forms.MemberImportForm(request.POST or None, request.FILES or None)
    context = {"association": association, "form": form, "columns": membership_csv.COLUMNS}
    if request.method == "POST" and form.is_valid():
        parsed = form.parsed
        if not parsed.is_valid:
            context["row_errors"] = parsed.errors
            return render(request, "accounts/member_import.html", context, status=400)
        try:
            result = services.membership_import(
                association=association,
                actor=request.user,
                rows=parsed.rows,
                send_invitations=form.cleaned_data["send_invitations"],
                language=get_language(),
            )
        except Refusal as error:
            context["row_errors"] = [membership_csv.RowError(None, "", refusal_text(error))]
            return render(request, "accounts/member_import.html", context, status=400)
        messages.success(
            request,
            " ".join(
                [
                    ngettext("%(count)d membership created.", "%(count)d memberships created.", result.created)
                    % {"count": result.created},
                    ngettext("%(count)d membership updated.", "%(count)d memberships updated.", result.updated)
                    % {"count": result.updated},
                    ngettext("%(count)d row unchanged.", "%(count)d rows unchanged.", result.unchanged)
                    % {"count": result.unchanged},
                ]
            ),
        )
        return redirect("accounts:member_list", slug=association.slug)
    status = 400 if form.errors else 200
    return render(request, "accounts/member_import.html", context, status=status)


@login_required
@require_safe
def member_import_template(request, slug):
    association = _managed_association(request, slug)
    response = HttpResponse(membership_csv.membership_csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{association.slug}-members.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = services.profile_ensure(user=request.user)
    form = forms.ProfileForm.for_user(request.user, profile, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    status = 400 if form.errors else 200
    return render(request, "accounts/profile_edit.html", {"form": form}, status=status)


@login_required
@require_safe
def my_associations(request):
    context = {"memberships": selectors.user_memberships(user=request.user)}
    return render(request, "accounts/my_associations.html", context)
