"""Every control on the desk's pages has a label a screen reader reads, and every form
that writes carries its CSRF token."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from sigap.routing.models import SupportGroup
from tests.desk.helpers import signed_in
from tests.factories import TicketFactory, UserFactory

CONTROLS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button"}


class Controls(HTMLParser):
    """The page's controls, its labels' targets, and its forms."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.labelled: set[str] = set()
        self.forms: list[dict] = []
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = {k: v or "" for k, v in attrs}
        if tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.labelled.add(attrs["for"])
        elif tag == "form":
            self.forms.append({"method": attrs.get("method", "get").lower(), "csrf": False})
        elif tag in CONTROLS:
            if attrs.get("name") == "csrfmiddlewaretoken" and self.forms:
                self.forms[-1]["csrf"] = True
            if attrs.get("type", "") not in UNLABELLED_TYPES:
                self.controls.append({**attrs, "tag": tag, "wrapped": str(self._label_depth)})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1

    def unlabelled(self) -> list[dict[str, str]]:
        return [
            c
            for c in self.controls
            if c["wrapped"] == "0"
            and c.get("id", "") not in self.labelled
            and not c.get("aria-label")
            and not c.get("aria-labelledby")
        ]


@pytest.fixture
def agent(db):
    agent = UserFactory(role="agent")
    SupportGroup.objects.get(code="customer_support").members.add(agent)
    return agent


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/desk/",
        "/desk/?queue=unassigned&kind=request",
        "/desk/tickets/{number}/",
        "/desk/search/?q=unit",
        "/desk/calls/new/?q=0812",
        "/desk/kpi/",
    ],
)
def test_every_control_is_labelled_and_every_post_form_has_its_token(agent, path):
    ticket = TicketFactory(title="Unit tidak update")
    page = signed_in(agent).get(path.format(number=ticket.number))
    assert page.status_code == 200
    parsed = Controls()
    parsed.feed(page.content.decode())
    assert parsed.controls  # the page has controls to check
    assert parsed.unlabelled() == []
    posting = [f for f in parsed.forms if f["method"] == "post"]
    assert posting and all(f["csrf"] for f in posting)
