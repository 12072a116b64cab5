"""Impact and urgency Sigap proposes when a ticket is logged without them.

Impact follows how much of the customer's fleet the ticket touches (one vehicle,
several, all of it), raised by the organisation's tier. Urgency follows the
category (an invoice copy can wait, a unit that stopped updating cannot) and the
context: a category marked urgent-when-moving is urgent while the vehicle is on
the road. Staff override both afterwards (`ticket_reprioritise`), with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from sigap.customers.choices import Tier
from sigap.sla.choices import Level


class Scope(models.TextChoices):
    """How much of the customer's fleet a ticket touches."""

    ONE = "one", _("One vehicle")
    SEVERAL = "several", _("Several vehicles")
    ALL = "all", _("The whole fleet")


_ORDER = [Level.LOW, Level.MEDIUM, Level.HIGH]
_SCOPE_IMPACT = {Scope.ONE: Level.LOW, Scope.SEVERAL: Level.MEDIUM, Scope.ALL: Level.HIGH}
# A tier raises impact one level, up to its ceiling: a priority customer's single
# vehicle matters as much as a standard customer's several, a VIP's fleet is high.
_TIER_CEILING = {Tier.STANDARD: Level.LOW, Tier.PRIORITY: Level.MEDIUM, Tier.VIP: Level.HIGH}


@dataclass(frozen=True)
class Proposal:
    impact: str
    urgency: str
    basis: tuple[str, ...]  # codes of what decided it, kept on the timeline


def _raise(level: str, ceiling: str) -> str:
    raised = _ORDER[min(_ORDER.index(level) + 1, len(_ORDER) - 1)]
    return raised if _ORDER.index(raised) <= _ORDER.index(ceiling) else level


def scope_of(*, scope: str | None, vehicles: int | None, fleet: int | None) -> Scope:
    """The scope said, or worked out from a count of vehicles against the fleet's size;
    one vehicle when nothing says otherwise (most complaints are about one unit)."""
    if scope:
        return Scope(scope)
    if vehicles is None or vehicles <= 1:
        return Scope.ONE
    if fleet and vehicles >= fleet:
        return Scope.ALL
    return Scope.SEVERAL


def propose(
    *,
    category,
    tier: str = "",
    scope: str | None = None,
    vehicles: int | None = None,
    fleet: int | None = None,
    moving: bool | None = None,
) -> Proposal:
    touched = scope_of(scope=scope, vehicles=vehicles, fleet=fleet)
    basis = [f"scope:{touched}"]
    impact = _SCOPE_IMPACT[touched]
    if tier in _TIER_CEILING:
        raised = _raise(impact, _TIER_CEILING[Tier(tier)])
        if raised != impact:
            basis.append(f"tier:{tier}")
        impact = raised
    urgency = category.urgency
    basis.append(f"category:{category.code}")
    if moving and category.urgent_when_moving and urgency != Level.HIGH:
        urgency = Level.HIGH
        basis.append("moving")
    return Proposal(impact=impact, urgency=urgency, basis=tuple(basis))
