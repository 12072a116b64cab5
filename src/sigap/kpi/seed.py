"""The study's Table 5: ten KPIs, weights summing to 100 (used by a data migration)."""

from __future__ import annotations

# code, English, Indonesian, weight, target, unit, direction, source
KPIS = [
    (
        "support_complaints",
        "Complaints about the support service per day",
        "Keluhan terhadap layanan support per hari",
        10,
        4,
        "per_day",
        "lower",
        "support_complaints",
    ),
    (
        "resolution_time",
        "Average complaint resolution time",
        "Rata-rata waktu penyelesaian keluhan",
        10,
        10,
        "hours",
        "lower",
        "resolution_time",
    ),
    (
        "documented",
        "Complaint reports documented",
        "Laporan keluhan terdokumentasi",
        10,
        100,
        "percent",
        "higher",
        "documented",
    ),
    (
        "product_knowledge",
        "Understanding of procedures and products",
        "Pemahaman prosedur dan produk",
        5,
        80,
        "percent",
        "higher",
        "manual",
    ),
    (
        "documents_stored",
        "Customer documents stored",
        "Dokumen pelanggan tersimpan",
        10,
        100,
        "percent",
        "higher",
        "documents_stored",
    ),
    (
        "first_response",
        "First response time",
        "Waktu respons pertama",
        10,
        15,
        "minutes",
        "lower",
        "first_response",
    ),
    (
        "retention",
        "Customer retention",
        "Retensi pelanggan",
        10,
        80,
        "percent",
        "higher",
        "retention",
    ),
    (
        "nps",
        "Net Promoter Score (1-5)",
        "Net Promoter Score (1-5)",
        10,
        3,
        "score",
        "higher",
        "nps",
    ),
    (
        "reports_made",
        "Reports made (data changes, terminations)",
        "Laporan dibuat (perubahan data, berhenti berlangganan)",
        10,
        100,
        "percent",
        "higher",
        "reports_made",
    ),
    (
        "notices",
        "Notices sent to all customers",
        "Pemberitahuan terkirim ke semua pelanggan",
        5,
        100,
        "percent",
        "higher",
        "notices_reached",
    ),
]


def seed_kpis(apps, schema_editor=None) -> None:
    Kpi = apps.get_model("kpi", "Kpi")
    for order, (code, name_en, name_id, weight, target, unit, direction, source) in enumerate(
        KPIS, start=1
    ):
        Kpi.objects.update_or_create(
            code=code,
            defaults={
                "name_en": name_en,
                "name_id": name_id,
                "weight": weight,
                "target": target,
                "unit": unit,
                "direction": direction,
                "source": source,
                "ordering": order,
            },
        )
