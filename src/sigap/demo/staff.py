"""The desk's people (the study's Table 4): first line, second line, the head of
infrastructure, the vendor's engineer and the manager who reads the reports.

Every demo account gets an unusable password: the data set is published with the
code, so no credential may come with it. An operator who wants to sign in as one
of them sets a password with `sigap changepassword <username>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sigap.accounts.choices import Role
from sigap.accounts.models import User
from sigap.accounts.services import user_grant_role
from sigap.demo.calendar import ZONE
from sigap.routing.models import SupportGroup

STAFF_DOMAIN = "gpsdesk.example"
VENDOR_DOMAIN = "mitratelematika.example"

# username, first name, last name, role, support group (None: in no group)
PEOPLE: list[tuple[str, str, str, Role, str | None]] = [
    ("cs.rina", "Rina", "Wulandari", Role.AGENT, "customer_support"),
    ("cs.dimas", "Dimas", "Pratama", Role.AGENT, "customer_support"),
    ("cs.ayu", "Ayu", "Lestari", Role.AGENT, "customer_support"),
    ("cs.fikri", "Fikri", "Ramadhan", Role.AGENT, "customer_support"),
    ("it.andi", "Andi", "Saputra", Role.SPECIALIST, "it"),
    ("it.nadia", "Nadia", "Putri", Role.SPECIALIST, "it"),
    ("mkt.fajar", "Fajar", "Nugroho", Role.SPECIALIST, "marketing"),
    ("mkt.sinta", "Sinta", "Maharani", Role.SPECIALIST, "marketing"),
    ("tek.bambang", "Bambang", "Susilo", Role.SPECIALIST, "technicians"),
    ("tek.joko", "Joko", "Santoso", Role.SPECIALIST, "technicians"),
    ("tek.wahyu", "Wahyu", "Hidayat", Role.SPECIALIST, "technicians"),
    ("tek.agus", "Agus", "Setiawan", Role.SPECIALIST, "technicians"),
    ("infra.hendra", "Hendra", "Gunawan", Role.HEAD_OF_INFRASTRUCTURE, "head_of_infrastructure"),
    ("vendor.kevin", "Kevin", "Tanoto", Role.VENDOR, "vendor"),
    ("mgr.siti", "Siti", "Rahmawati", Role.MANAGER, None),
]

JOINED = datetime(2021, 1, 4, 8, 0, tzinfo=ZONE)


@dataclass
class Staff:
    users: dict[str, User] = field(default_factory=dict)  # by username
    groups: dict[str, SupportGroup] = field(default_factory=dict)  # by code
    members: dict[str, list[User]] = field(default_factory=dict)  # group code -> users

    def of(self, group: str) -> list[User]:
        return self.members[group]


def create_staff() -> Staff:
    staff = Staff(groups={g.code: g for g in SupportGroup.objects.all()})
    for username, first, last, role, group in PEOPLE:
        domain = VENDOR_DOMAIN if role == Role.VENDOR else STAFF_DOMAIN
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{first}.{last}@{domain}".lower(),
            language="id",
            date_joined=JOINED,
        )
        user.set_unusable_password()
        user.save()
        user_grant_role(user=user, role=role)
        staff.users[username] = user
        if group is not None:
            staff.groups[group].members.add(user)
            staff.members.setdefault(group, []).append(user)
    return staff
