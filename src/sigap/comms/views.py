"""The survey's page, `/survey/<token>/`: the link in the survey message opens it, no
account needed. It asks the one question (a choice of 1 to 5 and a comment), works
without JavaScript and is CSRF-protected; a link that is forged or cut short answers
404 with a page that says what to do.

The page speaks the customer's language unless the link asks otherwise (`?lang=`).
"""

from __future__ import annotations

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

from sigap.comms.choices import Score, SurveyOutcome
from sigap.comms.models import Survey
from sigap.comms.surveys import (
    COMMENT_LIMIT,
    SurveyLinkRefused,
    answer_reply,
    survey_answer,
    survey_by_token,
)
from sigap.core import clock
from sigap.core.errors import DomainError
from sigap.core.forms import form_show_refusal
from sigap.tickets.choices import Channel, Via


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("Would you recommend us to others?"),
        help_text=gettext_lazy("1 is definitely not, 5 is definitely."),
        choices=[(value, f"{value} - {label}") for value, label in Score.choices],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a score from 1 to 5.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        help_text=gettext_lazy("What went well, what could we do better?"),
        max_length=COMMENT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _language(request: HttpRequest, survey: Survey | None) -> str:
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return survey.language if survey is not None else translation.get_language()


def _page(
    request: HttpRequest, survey: Survey, form: SurveyForm | None = None, status: int = 200
) -> HttpResponse:
    closed = survey.answered_at is None and clock.now() > survey.answer_by
    context = {
        "survey": survey,
        "ticket": survey.ticket,
        "form": form or SurveyForm(),
        "closed": closed,
        "action": request.get_full_path(),
    }
    return render(request, "comms/survey.html", context, status=status)


def _answer(request: HttpRequest, survey: Survey) -> HttpResponse:
    if request.method != "POST":
        return _page(request, survey)
    form = SurveyForm(request.POST)
    if form.is_valid():
        # The customer came by the link of the message they were sent.
        via = Via.WHATSAPP if survey.channel == Channel.WHATSAPP else Via.EMAIL
        try:
            answered = survey_answer(
                survey=survey,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                via=via,
            )
        except DomainError as exc:
            form_show_refusal(form, exc)
        else:
            level = (
                messages.SUCCESS if answered.outcome == SurveyOutcome.RECORDED else messages.INFO
            )
            messages.add_message(request, level, answer_reply(answered))
            # 303: the browser comes back with GET, so a reload does not post again.
            return HttpResponseRedirect(request.get_full_path(), status=303)
    return _page(request, survey, form=form, status=400)


@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey = survey_by_token(token)
    except SurveyLinkRefused as exc:
        survey, refusal = None, exc
    language = _language(request, survey)
    with translation.override(language):
        request.LANGUAGE_CODE = language
        if survey is None:
            response = render(
                request,
                "sigap/link_refused.html",
                {"reason": refusal.message, "page_name": _("Survey")},
                status=404,
            )
        else:
            response = _answer(request, survey)
    response["Content-Language"] = language
    # The link is the key: keep it out of caches, other sites' logs and search engines.
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
