from __future__ import annotations

from sigap.core import reference
from sigap.routing.models import SupportGroup

_groups = reference.Table(
    lambda: {g.code: g for g in SupportGroup.objects.all()}, watch=(SupportGroup,)
)


def support_group_by_code(code: str) -> SupportGroup | None:
    return _groups.get(code)
