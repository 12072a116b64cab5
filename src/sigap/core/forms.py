"""What every form page shares."""

from __future__ import annotations

from django import forms

from sigap.core.errors import DomainError


def form_show_refusal(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal, next to the fields it names, or above the form."""
    elsewhere = []
    for name, message in exc.fields.items():
        if name in form.fields:
            form.add_error(name, message)
        else:
            elsewhere.append(message)
    if elsewhere or not exc.fields:
        form.add_error(None, " ".join([exc.message, *elsewhere]))
