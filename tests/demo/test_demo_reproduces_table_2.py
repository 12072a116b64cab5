from __future__ import annotations

from datetime import date

import pytest

from sigap.kpi.selectors import TOP_CATEGORIES, complaints_by_category

# The case study's Table 2, every cell.
TABLE_2 = {
    "2022-01": {"gps_unit": 214, "payment": 8, "account": 3, "total": 225},
    "2022-02": {"gps_unit": 162, "payment": 6, "account": 6, "total": 174},
    "2022-03": {"gps_unit": 253, "payment": 6, "account": 20, "total": 279},
    "2022-04": {
        "gps_unit": 76,
        "optional_feature": 3,
        "application": 2,
        "payment": 2,
        "account": 12,
        "total": 95,
    },
    "2022-05": {"gps_unit": 67, "optional_feature": 2, "account": 7, "total": 76},
}


@pytest.mark.django_db
def test_the_demo_reproduces_table_2_cell_by_cell(demo):
    report = complaints_by_category(first=date(2022, 1, 1), last=date(2022, 5, 1))
    assert [m["month"] for m in report["months"]] == list(TABLE_2)
    for month in report["months"]:
        expected = TABLE_2[month["month"]]
        for category in TOP_CATEGORIES:
            assert month["counts"][category] == expected.get(category, 0), (
                month["month"],
                category,
            )
        assert month["total"] == expected["total"]
    assert report["totals"] == {
        "gps_unit": 772,
        "optional_feature": 5,
        "application": 2,
        "payment": 22,
        "account": 48,
        "other": 0,
    }
    assert report["total"] == 849


@pytest.mark.django_db
def test_gps_and_account_tickets_are_split_into_incidents_and_requests(demo):
    report = complaints_by_category(first=date(2022, 1, 1), last=date(2022, 5, 1))
    for month in report["months"]:
        # Most unit tickets are faults; removals and relocations are requests.
        assert month["incidents"]["gps_unit"] > month["requests"]["gps_unit"] > 0
        # Changes of customer data and forgotten passwords are requests only.
        assert month["incidents"]["account"] == 0
