from __future__ import annotations

import pytest

from sigap.sla.models import PriorityRule
from tests.factories import TicketFactory

ITIL = {
    ("high", "high"): 1,
    ("high", "medium"): 2,
    ("medium", "high"): 2,
    ("high", "low"): 3,
    ("medium", "medium"): 3,
    ("low", "high"): 3,
    ("medium", "low"): 4,
    ("low", "medium"): 4,
    ("low", "low"): 5,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("impact", "urgency"), list(ITIL))
def test_priority_follows_the_itil_impact_urgency_matrix(impact, urgency):
    assert TicketFactory(impact=impact, urgency=urgency).priority == ITIL[(impact, urgency)]


@pytest.mark.django_db
def test_the_matrix_is_a_table_an_admin_can_change(admin_client):
    rule = PriorityRule.objects.get(impact="low", urgency="high")
    assert TicketFactory(impact="low", urgency="high").priority == ITIL[("low", "high")]
    page = admin_client.post(
        f"/admin/sla/priorityrule/{rule.pk}/change/",
        {"impact": "low", "urgency": "high", "priority": 2},
    )
    assert page.status_code == 302
    assert TicketFactory(impact="low", urgency="high").priority == 2
