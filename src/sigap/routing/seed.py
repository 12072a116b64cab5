"""The support groups of the study's Table 4 (used by a data migration)."""

GROUPS = [
    # code, English, Indonesian, level, vendor
    ("customer_support", "Customer support", "Customer support", "l1", False),
    ("it", "IT", "IT", "l2", False),
    ("marketing", "Marketing", "Marketing", "l2", False),
    ("technicians", "Technicians", "Teknisi", "l2", False),
    (
        "head_of_infrastructure",
        "Head of infrastructure",
        "Kepala infrastruktur",
        "management",
        False,
    ),
    ("vendor", "Vendor", "Vendor", "l3", True),
]


def seed_groups(apps, schema_editor=None) -> None:
    SupportGroup = apps.get_model("routing", "SupportGroup")
    for code, name_en, name_id, level, is_vendor in GROUPS:
        SupportGroup.objects.update_or_create(
            code=code,
            defaults={
                "name_en": name_en,
                "name_id": name_id,
                "level": level,
                "is_vendor": is_vendor,
            },
        )
