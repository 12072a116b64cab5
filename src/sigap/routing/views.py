"""The vendor's page: the signed link in an escalation e-mail opens it, no account
needed. It shows what the vendor needs of the ticket and takes their replies; a link
that is forged, altered or too old answers 403 with a page that says what to do.

The page speaks Indonesian unless the link asks otherwise (`?lang=en`) or the
browser prefers English (LocaleMiddleware).
"""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sigap.core.errors import Conflict, DomainError
from sigap.core.forms import form_show_refusal
from sigap.routing.models import Escalation
from sigap.routing.vendor import (
    TEXT_LIMIT,
    VendorLinkRefused,
    vendor_escalation,
    vendor_replies,
    vendor_reply,
    vendor_reply_refusal,
)


class VendorReplyForm(forms.Form):
    """The vendor's reply. Its hidden UUID makes a repeated submission harmless."""

    body = forms.CharField(
        label=gettext_lazy("Your reply"),
        help_text=gettext_lazy("What you found, what you did, what you need from us."),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": gettext_lazy("Write your reply first.")},
    )
    done = forms.BooleanField(
        label=gettext_lazy("Our part is done"),
        help_text=gettext_lazy(
            "Tick this when the service desk needs nothing more from you. "
            "You can still write afterwards."
        ),
        required=False,
    )
    submission = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy(
                "This form is out of date. Please reload the page and try again."
            ),
            "invalid": gettext_lazy(
                "This form is out of date. Please reload the page and try again."
            ),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = uuid.uuid4


def _language(request: HttpRequest) -> str:
    """`?lang=` when it names a language Sigap speaks, else LocaleMiddleware's choice."""
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else translation.get_language()


def _page(
    request: HttpRequest,
    escalation: Escalation,
    *,
    form: VendorReplyForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "escalation": escalation,
        "ticket": escalation.ticket,
        "replies": vendor_replies(escalation),
        "closed": vendor_reply_refusal(escalation),
        "form": form or VendorReplyForm(),
        "error": error,
        "action": request.get_full_path(),
    }
    return render(request, "routing/vendor_escalation.html", context, status=status)


def _answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        escalation = vendor_escalation(token)
    except VendorLinkRefused as exc:
        return render(
            request,
            "sigap/link_refused.html",
            {"reason": exc.message, "page_name": _("Escalation to vendor")},
            status=403,
        )
    if request.method != "POST":
        return _page(request, escalation)
    form = VendorReplyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            vendor_reply(
                escalation=escalation,
                body=data["body"],
                done=data["done"],
                submission=data["submission"],
            )
        except Conflict as exc:  # the ticket closed, or left the vendor, meanwhile
            return _page(request, vendor_escalation(token), error=exc.message, status=409)
        except DomainError as exc:
            form_show_refusal(form, exc)
        else:
            if data["done"]:
                thanks = _("Thank you. The service desk now knows that your part is done.")
            else:
                thanks = _("Thank you. Your reply has reached the service desk.")
            messages.success(request, thanks)
            # 303: the browser comes back with GET, so a reload does not post again.
            return HttpResponseRedirect(request.get_full_path(), status=303)
    error = _("Your reply was not sent. Please check the form below.")
    return _page(request, escalation, form=form, error=error, status=400)


@require_http_methods(["GET", "POST"])
def vendor_escalation_page(request: HttpRequest, token: str) -> HttpResponse:
    language = _language(request)
    # render() is immediate, so the whole page is drawn in this language.
    with translation.override(language):
        request.LANGUAGE_CODE = language
        response = _answer(request, token)
    response["Content-Language"] = language
    # The link is the key: keep it out of caches, other sites' logs and search engines.
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
