"""Pages of voting: thin, they check who may see or do, call one service or selector and render."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import compiled
from accounts.models import Association, Membership, User
from accounts.refusals import Refusal, refusal_respond
from accounts.roles import Standing, associations_officered_by, is_current_member, membership_current_q, standing_in
from voting import forms, minutes, rules, selectors, services
from voting.models import Meeting, Poll, Proxy, RollEntry
from voting.presence import presence_is_recorded, present_member_ids

SESSION_RECEIPTS = "voting_receipts"


def _poll_query():
    return Poll.objects.select_related("association", "ruleset", "meeting").filter(pk=compiled.STAND_IN_1)[:1]


def _poll_get(pk) -> Poll:
    """The poll with its association, rules and meeting, its SQL compiled once (accounts.compiled)."""
    found = compiled.rows("voting_poll_get", _poll_query, {compiled.STAND_IN_1: int(pk)})
    if not found:
        raise Http404
    return found[0]


def _visible_poll_and_standing(request, pk) -> tuple[Poll, Standing]:
    """The poll, for its members and those on its roll; a former member is told why not (403), others get 404.
    With the person's standing in its association (read once, for the page's other questions)."""
    poll = _poll_get(pk)
    standing = standing_in(request.user, poll.association_id)
    if not selectors.poll_may_see(request.user, poll, standing):
        refusal = selectors.not_on_roll_refusal(request.user, poll)
        if refusal is None:
            raise Http404
        raise refusal
    return poll, standing


def _visible_poll(request, pk) -> Poll:
    return _visible_poll_and_standing(request, pk)[0]


def _poll_page(view):
    """A poll's page: a refusal raised while finding the poll (a former member) becomes the refusal page."""

    @functools.wraps(view)
    def page(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Refusal as error:
            return refusal_respond(request, error)

    return page


def _chaired_poll(request, pk) -> Poll:
    """The poll if the person chairs it; 403 for the association's other members, 404 for everyone else."""
    poll = _visible_poll(request, pk)
    if not selectors.poll_may_chair(request.user, poll):
        raise PermissionDenied
    return poll


def _posted_id(request, name: str) -> int | None:
    """A posted id, or None when it is missing or not a number (a tampered form gets a refusal, not a 500)."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else None


def _receipts(request, poll) -> list[str]:
    return request.session.get(SESSION_RECEIPTS, {}).get(str(poll.pk), [])


def _current_members(association: Association):
    return User.objects.filter(
        pk__in=Membership.objects.filter(membership_current_q(), association=association).values("user")
    ).order_by("display_name", "email")


@login_required
@require_safe
def poll_list(request):
    return render(
        request,
        "voting/poll_list.html",
        {
            "waiting": selectors.polls_waiting_for(request.user),
            "polls": selectors.polls_visible_to(request.user)[:50],
            "chaired": associations_officered_by(request.user),
        },
    )


def _chaired_association(request, slug) -> Association:
    association = get_object_or_404(Association, slug=slug)
    if not services.may_chair(request.user, association):
        if is_current_member(request.user, association):
            raise PermissionDenied
        raise Http404
    return association


def _chair_form(request, slug, form_class, create, heading: str, form_kwargs=None):
    """A chair's form page: parse, call the service, redirect; a refusal goes back onto the form."""
    association = _chaired_association(request, slug)
    form = form_class(request.POST or None, **form_kwargs(association) if form_kwargs else {})
    if request.method == "POST" and form.is_valid():
        try:
            target = create(association, form)
        except Refusal as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(target)
    return render(request, "voting/chair_form.html", {"form": form, "association": association, "heading": heading})


@login_required
@require_http_methods(["GET", "POST"])
def ruleset_new(request, slug):
    def create(association, form):
        services.ruleset_create(
            association=association,
            body=form.cleaned_data["body"],
            name=form.cleaned_data["name"],
            actor=request.user,
            **form.terms(),
        )
        return reverse("voting:poll_new", args=[association.slug])

    return _chair_form(request, slug, forms.RuleSetForm, create, _("New version of the rules of procedure"))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, slug):
    def create(association, form):
        services.meeting_create(association=association, actor=request.user, **form.cleaned_data)
        return reverse("voting:poll_new", args=[association.slug])

    return _chair_form(
        request,
        slug,
        forms.MeetingForm,
        create,
        _("New meeting"),
        form_kwargs=lambda association: {"association": association},
    )


@login_required
@require_http_methods(["GET", "POST"])
def poll_new(request, slug):
    def create(association, form):
        return services.poll_create(association=association, actor=request.user, **form.poll_fields())

    return _chair_form(
        request,
        slug,
        forms.PollForm,
        create,
        _("New poll"),
        form_kwargs=lambda association: {"association": association},
    )


@login_required
@_poll_page
@require_safe
def poll_detail(request, pk):
    poll, standing = _visible_poll_and_standing(request, pk)
    rule = poll.ruleset.as_rule()
    draft = poll.state == Poll.State.DRAFT
    return render(
        request,
        "voting/poll_detail.html",
        {
            "poll": poll,
            "options": list(poll.options.all()),
            "rule_lines": [
                rules.rule_heading(rule),
                rules.quorum_text(rule),
                rules.majority_text(rule),
                rules.tie_text(rule),
            ],
            "my_votes": selectors.votes_of(request.user, poll),
            "receipts": _receipts(request, poll),
            "results": selectors.poll_results(poll),
            "named_votes": selectors.named_votes(poll),
            "can_chair": selectors.poll_may_chair(request.user, poll, standing),
            "my_proxy": Proxy.objects.filter(poll=poll, grantor=request.user, revoked_at__isnull=True).first()
            if draft
            else None,
            "holders": _current_members(poll.association).exclude(pk=request.user.pk) if draft else [],
            "multiple": poll.kind in (Poll.Kind.MULTIPLE, Poll.Kind.ELECTION),
        },
    )


@login_required
@_poll_page
@require_POST
def poll_vote(request, pk):
    poll = _visible_poll(request, pk)
    member = request.user
    if "member" in request.POST:
        member_id = _posted_id(request, "member")
        entry = RollEntry.objects.filter(poll=poll, member_id=member_id).select_related("member").first()
        member = entry.member if entry and member_id else None
    try:
        if member is None:
            raise Refusal(_("That member is not on the roll of this poll."), code="not_on_roll")
        cast = services.vote_cast(
            poll_id=poll.pk, voter=request.user, member=member, choices=request.POST.getlist("choice")
        )
    except Refusal as error:
        return refusal_respond(request, error, redirect_to=poll.get_absolute_url())
    receipts = request.session.get(SESSION_RECEIPTS, {})
    receipts.setdefault(str(poll.pk), []).append(cast.receipt)
    request.session[SESSION_RECEIPTS] = receipts
    messages.success(request, _("Your vote has been recorded."))
    return redirect("voting:poll_receipt", pk=poll.pk)


@login_required
@_poll_page
@require_safe
def poll_receipt(request, pk):
    poll = _visible_poll(request, pk)
    return render(request, "voting/poll_receipt.html", {"poll": poll, "receipts": _receipts(request, poll)})


@login_required
@_poll_page
@require_safe
def poll_receipts(request, pk):
    poll = _visible_poll(request, pk)
    published = poll.receipts.order_by("code") if poll.state == Poll.State.CLOSED else None
    return render(
        request,
        "voting/poll_receipts.html",
        {"poll": poll, "published": published, "mine": set(_receipts(request, poll))},
    )


@login_required
@_poll_page
@require_safe
def poll_audit(request, pk):
    poll = _visible_poll(request, pk)
    return render(
        request,
        "voting/poll_audit.html",
        {
            "poll": poll,
            "verdict": services.poll_audit_verify(poll=poll),
            "entries": poll.audit_entries.order_by("sequence").only("sequence", "kind", "at", "digest"),
        },
    )


def _chair_action(request, pk, service, done: str):
    poll = _chaired_poll(request, pk)
    try:
        service(poll_id=poll.pk, actor=request.user)
    except Refusal as error:
        return refusal_respond(request, error, redirect_to=poll.get_absolute_url())
    messages.success(request, done)
    return redirect(poll.get_absolute_url())


@login_required
@_poll_page
@require_POST
def poll_open(request, pk):
    return _chair_action(request, pk, services.poll_open, _("The poll is open; the roll is frozen."))


@login_required
@_poll_page
@require_POST
def poll_close(request, pk):
    return _chair_action(request, pk, services.poll_close, _("The poll is closed and its result is published."))


@login_required
@_poll_page
def poll_presence(request, pk):
    poll = _chaired_poll(request, pk)
    if poll.meeting is None:
        raise Http404
    if request.method == "POST":
        member = get_object_or_404(User, pk=_posted_id(request, "member"))
        try:
            services.presence_mark(
                meeting=poll.meeting, member=member, present=request.POST.get("present") == "1", actor=request.user
            )
        except Refusal as error:
            return refusal_respond(request, error, redirect_to=request.path)
        return redirect(request.path)
    present = present_member_ids(poll.meeting)
    people = [(person, person.pk in present) for person in _current_members(poll.association)]
    return render(
        request,
        "voting/poll_presence.html",
        {"poll": poll, "people": people, "recorded": presence_is_recorded(poll.meeting)},
    )


@login_required
@_poll_page
@require_safe
def poll_proxies(request, pk):
    poll = _chaired_poll(request, pk)
    return render(
        request,
        "voting/poll_proxies.html",
        {
            "poll": poll,
            "proxies": selectors.proxy_register(poll),
            "not_applied": selectors.proxies_not_applied(poll),
        },
    )


def _proxy_grant(request, *, back: str, poll: Poll | None = None, meeting: Meeting | None = None):
    holder = User.objects.filter(pk=_posted_id(request, "holder")).first()
    try:
        if holder is None:
            raise Refusal.invalid(_("Choose the member who will hold your proxy."), code="proxy_holder")
        services.proxy_grant(
            grantor=request.user,
            holder=holder,
            poll=poll,
            meeting=meeting,
            instruction=request.POST.get("instruction", ""),
        )
    except Refusal as error:
        return refusal_respond(request, error, redirect_to=back)
    if poll is not None:
        messages.success(request, _("Your proxy is registered. You can revoke it until the poll opens."))
    else:
        messages.success(request, _("Your proxy is registered. You can revoke it until the meeting starts."))
    return redirect(back)


def _proxy_revoke(request, proxy: Proxy, *, back: str):
    try:
        services.proxy_revoke(proxy=proxy, actor=request.user)
    except Refusal as error:
        return refusal_respond(request, error, redirect_to=back)
    messages.success(request, _("The proxy is revoked."))
    return redirect(back)


@login_required
@_poll_page
@require_POST
def poll_proxy_grant(request, pk):
    poll = _visible_poll(request, pk)
    return _proxy_grant(request, poll=poll, back=poll.get_absolute_url())


@login_required
@_poll_page
@require_POST
def proxy_revoke(request, pk, proxy_id):
    poll = _visible_poll(request, pk)
    proxy = get_object_or_404(Proxy, pk=proxy_id, poll=poll)
    return _proxy_revoke(request, proxy, back=poll.get_absolute_url())


def _visible_meeting(request, meeting_id) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("association", "webinar"), pk=meeting_id)
    if not selectors.meeting_may_see(request.user, meeting):
        raise Http404
    return meeting


@login_required
@require_http_methods(["GET", "POST"])
def meeting_proxy(request, meeting_id):
    """A member's proxy for every poll of a meeting: give it to another member, or revoke it, until it starts."""
    meeting = _visible_meeting(request, meeting_id)
    if request.method == "POST":
        return _proxy_grant(request, meeting=meeting, back=request.path)
    try:
        limit, kind = services.proxy_terms(meeting=meeting)
    except Refusal:
        limit, kind = 0, ""
    is_open = services.proxies_open(meeting)
    return render(
        request,
        "voting/meeting_proxy.html",
        {
            "meeting": meeting,
            "polls": meeting.polls.order_by("pk"),
            "limit": limit,
            "instructed": kind == "instructed",
            "is_open": is_open,
            "my_proxy": Proxy.objects.filter(meeting=meeting, grantor=request.user, revoked_at__isnull=True)
            .select_related("holder")
            .first(),
            "holders": _current_members(meeting.association).exclude(pk=request.user.pk) if is_open else [],
            "may_give": is_open and limit > 0 and is_current_member(request.user, meeting.association),
        },
    )


@login_required
@require_POST
def meeting_proxy_revoke(request, meeting_id, proxy_id):
    meeting = _visible_meeting(request, meeting_id)
    proxy = get_object_or_404(Proxy, pk=proxy_id, meeting=meeting)
    return _proxy_revoke(request, proxy, back=reverse("voting:meeting_proxy", args=[meeting.pk]))


def _minutes_response(data: dict, fmt: str, stem: str):
    if fmt == "json":
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response = HttpResponse(minutes.minutes_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{stem}.pdf"'
    return response


@login_required
@_poll_page
@require_safe
def poll_minutes(request, pk, fmt):
    poll = _visible_poll(request, pk)
    return _minutes_response(minutes.poll_minutes(poll), fmt, f"poll-{poll.pk}-minutes")


@login_required
@require_safe
def meeting_minutes(request, meeting_id, fmt):
    meeting = get_object_or_404(Meeting.objects.select_related("association"), pk=meeting_id)
    if not selectors.meeting_may_see(request.user, meeting):
        raise Http404
    return _minutes_response(minutes.meeting_minutes(meeting), fmt, f"meeting-{meeting.pk}-minutes")
