"""Dues (党费) steps: a month's rows, set-based and idempotent; a basis set by the branch; payments
recorded; the rows a transfer out, suspension or death ends."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from partybuild.models import DuesBasis, DuesMonth, MemberEvent, PartyMember
from partybuild.models.dues import first_of_month, month_after
from shequ.models import User

# The first key of the advisory lock that keeps two generations of a month apart ("du").
GENERATION_LOCK = 0x6475


def _last_event(member, before: datetime.date, **conditions) -> QuerySet:
    return MemberEvent.objects.filter(member=member, happened_on__lt=before, **conditions).order_by(
        "-happened_on", "-pk"
    )


def owing(month: datetime.date) -> QuerySet[PartyMember]:
    """The members who owe dues for `month`, each with `dues_organization` (where they last
    belonged in the month) and `dues_amount` (the basis in force on its first day).

    A member owes the month if they belonged to an organisation on the day before it began or
    joined one during it: the month of a transfer out, a suspension or a death is owed (the
    rules ask dues up to the month of the transfer), the months after are not. A member owes
    nothing before the branch first set their dues."""
    following = month_after(month)
    member = OuterRef("pk")
    at_start = _last_event(member, month).values("organization")[:1]
    belonged = _last_event(member, following, organization__isnull=False)
    joined = MemberEvent.objects.filter(
        member=member, happened_on__gte=month, happened_on__lt=following,
        organization__isnull=False,
    )  # fmt: skip
    basis = DuesBasis.objects.filter(member=member, effective_from__lte=month).order_by(
        "-effective_from"
    )
    return (
        PartyMember.objects.annotate(
            at_start=Subquery(at_start),
            dues_organization=Subquery(belonged.values("organization")[:1]),
            dues_amount=Subquery(basis.values("amount")[:1]),
        )
        .filter(Q(at_start__isnull=False) | Exists(joined), dues_amount__isnull=False)
        .order_by()
    )


@transaction.atomic
def dues_generate(
    month: datetime.date, *, communities: Iterable[int] | None = None,
    members: Iterable[int] | None = None,
) -> tuple[int, int]:  # fmt: skip
    """Make `month`'s rows what is owed: a row for each member who owes it and has none, and no
    unpaid row for a member who does not (a transfer recorded after the row was made). Paid
    rows stay as they are. Run twice, the second run changes nothing. Returns (made, removed)."""
    month = first_of_month(month)
    if connection.vendor == "postgresql":
        # Two sheets opened at once, or a sheet and the beat run, would both insert the
        # missing rows: one waits for the other's commit and then finds none missing.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [GENERATION_LOCK, month.toordinal()]
            )
    members_qs = PartyMember.objects.all()
    if communities is not None:
        members_qs = members_qs.filter(community__in=list(communities))
    if members is not None:
        members_qs = members_qs.filter(pk__in=list(members))
    rows = DuesMonth.objects.filter(month=month, member__in=members_qs.values("pk"))
    owed = owing(month).filter(pk__in=members_qs.values("pk"))
    missing = owed.exclude(pk__in=rows.values("member")).values_list(
        "pk", "dues_organization", "dues_amount"
    )
    made = [
        DuesMonth(member_id=member, organization_id=organization, month=month, amount_due=amount)
        for member, organization, amount in missing
    ]
    if made:
        bulk_create_with_history(made, DuesMonth)
    stale = list(rows.unpaid().exclude(member__in=owed.values("pk")))
    for row in stale:
        row._change_reason = "不再应交"
        row.delete()
    return len(made), len(stale)


@transaction.atomic
def dues_basis_set(basis: DuesBasis, by: User) -> DuesBasis:
    """Save a basis, let the unpaid months it governs (until the next basis) ask its amount,
    and make the rows of the months since it that were not yet made."""
    basis.set_by = by
    basis.amount = basis.computed_amount()
    basis.save()
    later = (
        DuesBasis.objects.filter(member=basis.member_id, effective_from__gt=basis.effective_from)
        .order_by("effective_from")
        .values_list("effective_from", flat=True)
        .first()
    )
    governed = DuesMonth.objects.unpaid().filter(
        member=basis.member_id, month__gte=basis.effective_from
    )
    if later:
        governed = governed.filter(month__lt=later)
    changed = [row for row in governed.exclude(amount_due=basis.amount)]
    for row in changed:
        row.amount_due = basis.amount
    bulk_update_with_history(changed, DuesMonth, ["amount_due"], default_change_reason="党费核定")
    month, this_month = basis.effective_from, first_of_month(timezone.localdate())
    while month <= this_month:
        dues_generate(month, members=[basis.member_id])
        month = month_after(month)
    return basis


@transaction.atomic
def dues_pay(rows: QuerySet[DuesMonth], *, paid_on: datetime.date, by: User) -> int:
    """Record the unpaid rows among `rows` as paid in full on `paid_on`. Rows already paid keep
    what was recorded, so sending the same payment twice records it once."""
    unpaid = list(rows.unpaid().select_for_update().order_by("pk"))
    for row in unpaid:
        row.amount_paid, row.paid_on, row.recorded_by = row.amount_due, paid_on, by
    bulk_update_with_history(
        unpaid, DuesMonth, ["amount_paid", "paid_on", "recorded_by"],
        default_user=by, default_change_reason="登记交纳",
    )  # fmt: skip
    return len(unpaid)


def dues_end(member: PartyMember, day: datetime.date) -> int:
    """A transfer out, suspension or death on `day`: the unpaid months after it are not owed.
    Called inside the step's transaction."""
    after = list(member.dues_months.unpaid().filter(month__gte=month_after(day)))
    for row in after:
        row._change_reason = "不再应交"
        row.delete()
    return len(after)
