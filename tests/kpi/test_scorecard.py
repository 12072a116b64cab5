"""The scorecard of a period: realisations scored and weighted, the manager's own
entries for what no system measures, the final score out of 100, and the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sigap.kpi.models import Kpi, KpiEntry
from sigap.kpi.scorecard import scorecard
from tests.conftest import api_client
from tests.factories import UserFactory

NOVEMBER = {"start": date(2026, 11, 1), "end": date(2026, 11, 30)}


@pytest.fixture
def manager(db):
    return UserFactory(role="manager", username="mgr.siti")


@pytest.mark.django_db
def test_a_kpi_no_system_measures_takes_the_managers_entry_for_that_period(manager):
    knowledge = Kpi.objects.get(code="product_knowledge")
    KpiEntry.objects.create(
        kpi=knowledge,
        value=Decimal(85),
        entered_by=manager,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )
    KpiEntry.objects.create(
        kpi=knowledge,
        value=Decimal(50),
        entered_by=manager,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
    )
    line = next(x for x in scorecard(**NOVEMBER).lines if x.kpi.code == "product_knowledge")
    assert line.value == 85 and line.score == 1 and line.weighted == 5
    assert "mgr.siti" in line.basis
    october = scorecard(start=date(2026, 10, 1), end=date(2026, 10, 31))
    line = next(x for x in october.lines if x.kpi.code == "product_knowledge")
    assert line.value == 50 and line.score == 0 and line.weighted == 0
    december = scorecard(start=date(2026, 12, 1), end=date(2026, 12, 31))
    line = next(x for x in december.lines if x.kpi.code == "product_knowledge")
    assert line.value is None and line.score is None and line.kpi in december.unmeasured
    # Two months with an entry each: their average, naming who entered them.
    autumn = scorecard(start=date(2026, 10, 1), end=date(2026, 12, 31))
    line = next(x for x in autumn.lines if x.kpi.code == "product_knowledge")
    assert line.value == Decimal("67.50") and line.score == 0
    assert "2 entries" in line.basis and "mgr.siti" in line.basis
    assert [e["value"] for e in line.detail["entries"]] == [50, 85]


@pytest.mark.django_db
def test_the_final_score_is_out_of_100_whatever_the_weights_add_up_to(manager):
    Kpi.objects.exclude(code__in=["product_knowledge", "support_complaints"]).update(
        is_active=False
    )
    KpiEntry.objects.create(
        kpi=Kpi.objects.get(code="product_knowledge"),
        value=Decimal(90),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )
    card = scorecard(**NOVEMBER)
    # No complaint about the support service in November: 0 a day, under the 4 allowed.
    assert [(x.kpi.code, x.score) for x in card.lines] == [
        ("support_complaints", 1),
        ("product_knowledge", 1),
    ]
    assert card.total == 15 and card.weights == 15 and card.final == 100
    Kpi.objects.filter(code="product_knowledge").update(target=95)
    assert scorecard(**NOVEMBER).final == Decimal("66.67")


@pytest.mark.django_db
def test_the_api_gives_each_kpis_target_realisation_and_scores(manager):
    api = api_client(manager)
    answer = api.get("/api/v1/kpi", {"from": "2026-11-01", "to": "2026-11-30"})
    assert answer.status_code == 200
    body = answer.json()
    assert len(body["kpis"]) == 10 and body["weights"] == "90.00"
    first = body["kpis"][0]
    assert {"code", "target", "realisation", "basis", "score", "weighted_score"} <= first.keys()
    backwards = api.get("/api/v1/kpi", {"from": "2026-11-30", "to": "2026-11-01"})
    assert backwards.status_code == 422
    assert "ends before it starts" in backwards.json()["message"]
    customer = api_client(UserFactory(role="customer"))
    assert customer.get("/api/v1/kpi", {"from": "2026-11-01", "to": "2026-11-30"}).status_code in (
        403,
        404,
    )


@pytest.mark.django_db
def test_sigap_report_prints_the_scorecard_of_the_months(manager, tmp_path):
    from django.core.management import call_command

    KpiEntry.objects.create(
        kpi=Kpi.objects.get(code="product_knowledge"),
        value=Decimal(85),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )
    out = tmp_path / "kpi.csv"
    call_command("report", month="2026-11", scorecard=True, format="csv", out=str(out))
    rows = out.read_text().splitlines()
    assert rows[0] == "code,name,weight,target,realisation,score,weighted_score"
    knowledge = next(r for r in rows if r.startswith("product_knowledge,"))
    assert knowledge.endswith(",5.00,80.00,85.00,1,5.00")
    assert rows[-1].startswith("final_score,,90.00,")
