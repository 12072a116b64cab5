"""The customer portal's pages. Each view parses a form, calls a service or a selector
that takes the user, and renders; a ticket the user may not see answers 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sigap.core.errors import Conflict, DomainError, NotFound
from sigap.core.forms import form_show_refusal
from sigap.portal import services
from sigap.portal.access import customer_view, may_write, portal_view
from sigap.portal.choices import REQUESTS, RequestType
from sigap.portal.forms import (
    ConfirmForm,
    PortalAuthenticationForm,
    PortalPasswordResetForm,
    ReopenForm,
    ReplyForm,
    ReportProblemForm,
    RequestChangeForm,
    TicketFilterForm,
)
from sigap.portal.selectors import portal_timeline
from sigap.tickets.choices import Action, Status
from sigap.tickets.models import Ticket
from sigap.tickets.selectors import (
    TicketFilters,
    attachments_visible,
    ticket_actions_for,
    ticket_get,
    ticket_list,
    ticket_visible,
)

PAGE_SIZE = 25


def _ticket(request: HttpRequest, number: str) -> Ticket:
    try:
        return ticket_get(user=request.user, number=number)
    except NotFound:
        raise Http404 from None  # portal_view answers with its own page


@require_GET
@portal_view
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    recent = ticket_list(user=user, filters=TicketFilters(), limit=5).items
    waiting = ticket_visible(user=user).filter(status=Status.RESOLVED).count()
    return render(
        request,
        "portal/home.html",
        {"recent": recent, "waiting": waiting, "may_write": may_write(user)},
    )


@require_http_methods(["GET", "POST"])
@customer_view
def report_problem(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ReportProblemForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.portal_report_problem(
                user=user,
                submission=data["submission"],
                category=data["category"],
                vehicle=data["vehicle"],
                scope=data["scope"],
                moving=data["moving"],
                description=data["description"],
                documents=form.documents(),
            )
        except DomainError as exc:
            form_show_refusal(form, exc)
        else:
            messages.success(
                request,
                _("Thank you. Your report is logged as %(number)s; we will get back to you.")
                % {"number": ticket.number},
            )
            return redirect("portal:ticket", number=ticket.number)
    return render(request, "portal/report.html", {"form": form})


@require_GET
@customer_view
def request_chooser(request: HttpRequest) -> HttpResponse:
    choices = [(t, REQUESTS[t]) for t in RequestType]
    return render(request, "portal/request_chooser.html", {"choices": choices})


@require_http_methods(["GET", "POST"])
@customer_view
def request_change(request: HttpRequest, request_type: str) -> HttpResponse:
    if request_type not in RequestType.values:
        raise Http404
    kind = RequestType(request_type)
    user = request.user
    form = RequestChangeForm(
        request.POST or None, request.FILES or None, user=user, request_type=kind
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.portal_request_change(
                user=user,
                submission=data["submission"],
                request_type=kind,
                vehicle=data.get("vehicle"),
                new_plate=data.get("new_plate", ""),
                description=data.get("description", ""),
                documents=form.documents(),
            )
        except DomainError as exc:
            form_show_refusal(form, exc)
        else:
            messages.success(
                request,
                _("Thank you. Your request is logged as %(number)s; we will get back to you.")
                % {"number": ticket.number},
            )
            return redirect("portal:ticket", number=ticket.number)
    return render(
        request,
        "portal/request_form.html",
        {"form": form, "request_type": kind, "spec": REQUESTS[kind]},
    )


@require_GET
@portal_view
def ticket_index(request: HttpRequest) -> HttpResponse:
    form = TicketFilterForm(request.GET)
    form.is_valid()  # an unknown filter value is dropped, the rest still applies
    data = {k: v for k, v in form.cleaned_data.items() if v}
    filters = TicketFilters(
        kind=data.get("kind"), status=TicketFilterForm.STATES.get(data.get("state", ""))
    )
    error = ""
    try:
        page = ticket_list(
            user=request.user, filters=filters, cursor=data.get("cursor"), limit=PAGE_SIZE
        )
    except DomainError:
        error = _("That page of the list no longer exists; here is the first page.")
        page = ticket_list(user=request.user, filters=filters, limit=PAGE_SIZE)
    next_query = ""
    if page.next_cursor:
        keep = {k: v for k, v in data.items() if k != "cursor"}
        next_query = urlencode({**keep, "cursor": page.next_cursor})
    return render(
        request,
        "portal/ticket_list.html",
        {
            "form": form,
            "tickets": page.items,
            "next_query": next_query,
            "error": error,
            "filtered": bool(data.get("kind") or data.get("state")),
        },
    )


def _ticket_page(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    reopen_form: ReopenForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    writer = may_write(user)
    actions = ticket_actions_for(user=user, ticket=ticket) if writer else []
    version = {"version": ticket.version}
    context = {
        "ticket": ticket,
        "timeline": portal_timeline(user=user, ticket=ticket),
        "may_write": writer,
        "can_confirm": Action.CLOSE in actions,
        "can_reopen": Action.REOPEN in actions,
        "is_final": ticket.status in (Status.CLOSED, Status.CANCELLED),
        "reply_form": reply_form or ReplyForm(),
        "confirm_form": ConfirmForm(initial=version),
        "reopen_form": reopen_form or ReopenForm(initial=version),
        "error": error,
    }
    return render(request, "portal/ticket.html", context, status=status)


@require_GET
@portal_view
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _ticket_page(request, _ticket(request, number))


@require_POST
@customer_view
def ticket_reply(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket(request, number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            received = services.portal_reply(
                user=request.user,
                ticket=ticket,
                submission=form.cleaned_data["submission"],
                body=form.cleaned_data["body"],
                documents=form.documents(),
            )
        except DomainError as exc:
            form_show_refusal(form, exc)
        else:
            if received.ticket.pk != ticket.pk:
                messages.info(
                    request,
                    _("%(old)s was already closed, so your message opened a new ticket, %(new)s.")
                    % {"old": ticket.number, "new": received.ticket.number},
                )
            elif not received.duplicate:
                messages.success(request, _("Your reply was added."))
            return redirect("portal:ticket", number=received.ticket.number)
    return _ticket_page(request, ticket, reply_form=form, status=200)


@require_POST
@customer_view
def ticket_confirm(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket(request, number)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.portal_confirm(
                user=request.user, ticket=ticket, expected_version=form.cleaned_data["version"]
            )
        except Conflict as exc:  # changed meanwhile, or not resolved (any more)
            return _ticket_page(request, _ticket(request, number), error=exc.message, status=409)
        messages.success(request, _("Thank you for confirming. The ticket is closed."))
        return redirect("portal:ticket", number=ticket.number)
    error = _("This page is out of date. Please reload it and try again.")
    return _ticket_page(request, ticket, error=error, status=400)


@require_POST
@customer_view
def ticket_reopen(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket(request, number)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.portal_reopen(
                user=request.user,
                ticket=ticket,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except Conflict as exc:
            return _ticket_page(request, _ticket(request, number), error=exc.message, status=409)
        except DomainError as exc:
            form_show_refusal(form, exc)
        else:
            messages.success(request, _("The ticket is reopened; our team will look at it again."))
            return redirect("portal:ticket", number=ticket.number)
    return _ticket_page(request, ticket, reopen_form=form)


@require_GET
@portal_view
def attachment_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    """The file, to a user who may see the ticket and the entry it is on; never a public
    media URL. Always a download, so an uploaded HTML file cannot run in the portal."""
    ticket = _ticket(request, number)
    attachment = get_object_or_404(
        attachments_visible(user=request.user, ticket=ticket), pk=pk, refused=""
    )
    if not attachment.file:
        raise Http404  # refused: nothing was kept
    try:
        content = attachment.file.open("rb")
    except OSError:  # lost from the storage: nothing to send
        raise Http404 from None
    response = FileResponse(
        content,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("portal:home")


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("portal:login")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "portal/password_reset_form.html"
    email_template_name = "portal/email/password_reset.txt"
    subject_template_name = "portal/email/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    @property
    def from_email(self) -> str:  # read per request, so a changed setting applies
        return settings.SIGAP_SUPPORT_EMAIL


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"
