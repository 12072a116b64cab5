"""One ticket: what the desk knows of it and the customer, and its timeline."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sigap.channels.services import reply_to_customer
from sigap.core.errors import DomainError, NotFound
from sigap.desk.access import desk_view
from sigap.desk.ticket_page import ticket_page_get
from sigap.tickets import selectors
from sigap.tickets import services as tickets
from sigap.tickets.choices import Via

TEXT_LIMIT = 10_000


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Reply or note"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Write the reply or the note first.")},
    )


@require_GET
@desk_view
def ticket(request: HttpRequest, number: str) -> HttpResponse:
    try:
        page = ticket_page_get(user=request.user, number=number)
    except NotFound:
        # desk_view answers the same 404 whether it does not exist or is not theirs.
        raise Http404(number) from None
    form = CommentForm() if request.user.is_support_staff else None
    return _page(request, page, form)


def _page(request: HttpRequest, page, form, status: int = 200) -> HttpResponse:
    context = {"page": page, "ticket": page.ticket, "comment_form": form}
    return render(request, "desk/ticket.html", context, status=status)


@require_POST
@desk_view
def ticket_comment(request: HttpRequest, number: str) -> HttpResponse:
    """A reply to the customer (sent through the channel they used) or an internal
    note, from the ticket page; back to the page so a reload does not post again."""
    user = request.user
    if not user.is_support_staff:
        raise Http404(number)  # a vendor answers through its own link
    try:
        ticket = selectors.ticket_get(user=user, number=number)
    except NotFound:
        raise Http404(number) from None
    form = CommentForm(request.POST)
    public = request.POST.get("kind") == "reply"
    if form.is_valid():
        body = form.cleaned_data["body"]
        try:
            if public:
                reply_to_customer(ticket=ticket, by=user, body=body, via=Via.DESK)
            else:
                tickets.ticket_comment(ticket=ticket, by=user, body=body, public=False)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            done = _("Reply sent to the customer.") if public else _("Internal note added.")
            messages.success(request, done)
            return redirect("desk:ticket", number=ticket.number)
    page = ticket_page_get(user=user, number=number)
    return _page(request, page, form, status=400)
