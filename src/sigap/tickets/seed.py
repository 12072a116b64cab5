"""The category tree and known causes from the case study (used by data migrations).

Codes are stable: reports, integrations and the demo refer to them.
"""

# code, English, Indonesian, used for, second-line group
CATEGORIES = [
    ("gps_unit", "GPS unit", "Unit GPS", "both", "technicians"),
    (
        "gps_unit.not_updating",
        "Unit not updating (delay)",
        "Unit tidak update (delay)",
        "incident",
        "technicians",
    ),
    ("gps_unit.damaged", "Unit damaged", "Unit rusak", "incident", "technicians"),
    (
        "gps_unit.installation",
        "New unit installation",
        "Pemasangan unit baru",
        "request",
        "technicians",
    ),
    ("gps_unit.removal", "Removal of a unit", "Pencabutan unit", "request", "technicians"),
    ("gps_unit.relocation", "Relocation of a unit", "Pemindahan unit", "request", "technicians"),
    ("optional_feature", "Optional feature", "Fitur opsional", "both", "marketing"),
    (
        "optional_feature.malfunction",
        "Optional feature not working",
        "Fitur opsional tidak berfungsi",
        "incident",
        "marketing",
    ),
    (
        "optional_feature.request",
        "Add an optional feature",
        "Penambahan fitur opsional",
        "request",
        "marketing",
    ),
    ("application", "Application", "Aplikasi", "both", "it"),
    ("application.error", "Application error", "Aplikasi bermasalah", "incident", "it"),
    ("application.request", "Application request", "Permintaan aplikasi", "request", "it"),
    ("payment", "Payment", "Pembayaran", "both", "marketing"),
    ("payment.invoice", "Invoice (billing)", "Tagihan (invoice)", "both", "marketing"),
    (
        "payment.confirmation",
        "Payment confirmation",
        "Konfirmasi pembayaran",
        "request",
        "marketing",
    ),
    ("account", "Account", "Akun", "both", "it"),
    ("account.data_change", "Change of customer data", "Perubahan data pelanggan", "request", "it"),
    ("account.credentials", "Forgotten ID or password", "Lupa ID atau password", "request", "it"),
    ("account.access", "User access", "Akses pengguna", "request", "it"),
    ("other", "Other", "Lainnya", "both", "customer_support"),
    (
        "other.support_service",
        "Complaint about the support service",
        "Keluhan layanan support",
        "incident",
        "customer_support",
    ),
    ("other.general", "Other question", "Pertanyaan lain", "both", "customer_support"),
]

# The urgency proposed for each category's tickets, and the categories whose tickets
# are urgent while the vehicle is on the road: a silent unit on a moving truck is
# lost tracking now, an invoice copy can wait. Unlisted categories are medium.
URGENCY = {
    "gps_unit.installation": "low",
    "gps_unit.removal": "low",
    "gps_unit.relocation": "low",
    "optional_feature.request": "low",
    "application.request": "low",
    "payment": "low",
    "payment.invoice": "low",
    "payment.confirmation": "low",
    "account.data_change": "low",
    "other.general": "low",
}
URGENT_WHEN_MOVING = {"gps_unit", "gps_unit.not_updating", "gps_unit.damaged"}


def seed_urgency(apps, schema_editor=None) -> None:
    Category = apps.get_model("tickets", "Category")
    for category in Category.objects.all():
        category.urgency = URGENCY.get(category.code, "medium")
        category.urgent_when_moving = category.code in URGENT_WHEN_MOVING
        category.save(update_fields=["urgency", "urgent_when_moving"])


# code, English, Indonesian, categories it applies to
CAUSES = [
    (
        "old_device",
        "Old device type",
        "Tipe perangkat lama",
        ["gps_unit.not_updating", "gps_unit.damaged"],
    ),
    (
        "driver_disconnected",
        "Driver disconnected the unit (human error)",
        "Unit sengaja dicabut oleh driver (human error)",
        ["gps_unit.not_updating", "gps_unit.damaged"],
    ),
    (
        "blank_spot",
        "Vehicle in a blank-spot area (network)",
        "Kendaraan di area blank spot (jaringan)",
        ["gps_unit.not_updating"],
    ),
    (
        "carrier_outage",
        "Mobile operator outage (network)",
        "Gangguan operator seluler (jaringan)",
        ["gps_unit.not_updating"],
    ),
    (
        "clock_error",
        "Unit clock wrong (time offset)",
        "Jam unit salah (selisih waktu)",
        ["gps_unit.not_updating"],
    ),
    (
        "connection_lost",
        "Connection lost for a while, recovered by itself",
        "Koneksi terputus sementara, pulih sendiri",
        ["gps_unit.not_updating"],
    ),
    (
        "firmware_upgrade",
        "GPS firmware needs an upgrade (software)",
        "Firmware GPS perlu upgrade (software)",
        ["gps_unit.not_updating", "optional_feature.malfunction"],
    ),
    (
        "contract_ended",
        "Contract with the client ended (moved to another vendor)",
        "Kontrak dengan klien berakhir (pindah vendor)",
        ["gps_unit.removal", "gps_unit.relocation"],
    ),
    (
        "vehicle_sold",
        "Vehicle sold",
        "Kendaraan dijual",
        ["gps_unit.removal", "gps_unit.relocation"],
    ),
    ("plate_changed", "Plate number (Nopol) changed", "Nopol berubah", ["account.data_change"]),
    (
        "plate_not_genuine",
        "Plate was not the vehicle's real one",
        "Nopol bukan nopol asli kendaraan",
        ["account.data_change"],
    ),
    (
        "ownership_transfer",
        "Vehicle changed owner; the new owner continues the subscription",
        "Kendaraan berganti pemilik dan pemilik baru melanjutkan langganan",
        ["account.data_change"],
    ),
    (
        "forgotten_credentials",
        "Customer forgot the ID or password",
        "Pelanggan lupa ID atau password",
        ["account.credentials"],
    ),
    (
        "billing_error",
        "Invoice amount or details wrong",
        "Nominal atau data tagihan salah",
        ["payment.invoice"],
    ),
    (
        "invoice_copy",
        "Customer needs a copy of the invoice",
        "Pelanggan membutuhkan salinan tagihan",
        ["payment.invoice"],
    ),
    (
        "application_bug",
        "Defect in the tracking application",
        "Bug pada aplikasi pelacakan",
        ["application.error", "optional_feature.malfunction"],
    ),
    (
        "user_error",
        "Customer used the application wrongly",
        "Kesalahan penggunaan oleh pelanggan",
        ["application.error", "optional_feature.malfunction", "other.general"],
    ),
    # Complaints about the support service itself (the scorecard's first KPI): an
    # incident is resolved with its cause, so these need causes of their own.
    (
        "support_slow",
        "Support answered or acted too slowly",
        "Support lambat merespons atau menindaklanjuti",
        ["other.support_service"],
    ),
    (
        "support_wrong_information",
        "Support gave wrong or unclear information",
        "Support memberi informasi yang salah atau tidak jelas",
        ["other.support_service"],
    ),
    (
        "support_manner",
        "Support was impolite or unhelpful",
        "Support tidak sopan atau tidak membantu",
        ["other.support_service"],
    ),
]


def seed_categories(apps, schema_editor=None) -> None:
    Category = apps.get_model("tickets", "Category")
    Cause = apps.get_model("tickets", "Cause")
    SupportGroup = apps.get_model("routing", "SupportGroup")
    Sequence = apps.get_model("tickets", "TicketSequence")
    groups = {g.code: g for g in SupportGroup.objects.all()}
    by_code = {}
    for code, name_en, name_id, kind, group in CATEGORIES:
        parent = by_code.get(code.rsplit(".", 1)[0]) if "." in code else None
        by_code[code], _ = Category.objects.update_or_create(
            code=code,
            defaults={
                "name_en": name_en,
                "name_id": name_id,
                "kind": kind,
                "parent": parent,
                "support_group": groups.get(group),
            },
        )
    for code, name_en, name_id, categories in CAUSES:
        cause, _ = Cause.objects.update_or_create(
            code=code, defaults={"name_en": name_en, "name_id": name_id}
        )
        cause.categories.set([by_code[c] for c in categories])
    for kind in ("incident", "request"):
        Sequence.objects.get_or_create(kind=kind)
