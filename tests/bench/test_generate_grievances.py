"""bench/generate_grievances.py: a register the app itself could have written, and one it goes on
writing: numbers without gaps, states that follow the timeline, and the officials' figures."""

import io
from collections import defaultdict
from contextlib import redirect_stdout

import pytest
from django.db import connection
from django.db.models import Sum

from bench.generate_city import generate_city
from bench.generate_grievances import main as generate_grievances
from grievances.choices import Channel, EventKind, Kind, State
from grievances.models import Category, Grievance, GrievanceEvent, GrievanceMonth, Mediation
from grievances.models.mediation import Outcome, Side
from grievances.services import grievance_register
from shequ import personal_data
from shequ.models import Community, Role, RoleAssignment
from tests.factories import UserFactory, assign

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generator loads rows with PostgreSQL COPY"
    ),
    pytest.mark.empty_desk,
]


@pytest.fixture
def register(db):
    generate_city(communities=3, residents=300, workers=1, seed=3, out=io.StringIO())
    with redirect_stdout(io.StringIO()):
        generate_grievances(["--grievances", "900", "--years", "2", "--workers", "1"])


def test_exactly_the_cases_asked_for_with_gap_free_numbers_per_community_and_year(register):
    assert Grievance.objects.count() == 900
    numbers = defaultdict(list)
    for community, year, sequence in Grievance.objects.values_list("community", "year", "sequence"):
        numbers[community, year].append(sequence)
    for sequences in numbers.values():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))


def test_the_app_numbers_the_next_case_after_the_generated_ones(register):
    community = Community.objects.filter(grievances__isnull=False).first()
    latest = Grievance.objects.filter(community=community).latest("received_at")
    staff = UserFactory()
    assign(staff, Role.COMMUNITY_STAFF, community)
    case = grievance_register(
        community=community, category=Category.objects.filter(active=True).first(),
        kind=Kind.HELP, channel=Channel.VISIT, title="楼道灯不亮", description="三单元", by=staff,
        address="3号楼三单元",
    )  # fmt: skip
    assert (case.year, case.sequence) == (latest.year, latest.sequence + 1)


def test_every_case_ends_its_timeline_in_its_own_state_with_its_phone_protected(register):
    timelines = GrievanceEvent.objects.order_by("grievance", "at", "pk")
    last_state = dict(timelines.values_list("grievance", "to_state"))
    cases = Grievance.objects.all()
    assert all(last_state[case.pk] == case.state for case in cases)
    for case in cases[:50]:
        phone = personal_data.decrypt(case.contact_phone_ciphertext)
        assert case.contact_phone_hash == personal_data.lookup_hash(phone)
        assert case.contact_phone_masked == personal_data.mask_mobile(phone)
    states = {case.state for case in cases}
    assert {State.CLOSED, State.IN_PROGRESS} <= states
    assert all(case.closed_at for case in cases if case.state == State.CLOSED)
    assert all(1 <= case.rating <= 5 for case in cases if case.rating is not None)


def test_the_officials_monthly_figures_count_every_case(register):
    received = GrievanceMonth.objects.aggregate(total=Sum("received"))["total"]
    assert received == Grievance.objects.count()


def test_disputes_are_mediated_by_their_communitys_staff_within_the_cases_timeline(register):
    mediations = Mediation.objects.select_related("grievance").prefetch_related(
        "parties", "sessions", "grievance__events"
    )
    assert mediations.count() > 10
    assert {m.grievance.kind for m in mediations} == {Kind.DISPUTE}
    staff = set(RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF).values_list(
        "community", "user"))  # fmt: skip
    for mediation in mediations:
        assert (mediation.grievance.community_id, mediation.mediator_id) in staff
        kinds = [event.kind for event in mediation.grievance.events.all()]  # in timeline order
        assert kinds.index(EventKind.STARTED) < kinds.index(EventKind.MEDIATION_OPENED)
        assert {p.side for p in mediation.parties.all()} == set(Side.values)
        if not mediation.outcome:
            assert mediation.grievance.state not in (State.REPLIED, State.CLOSED)
            continue
        assert kinds.index(EventKind.MEDIATION_OPENED) < kinds.index(EventKind.MEDIATION_CONCLUDED)
        if EventKind.REPLIED in kinds:
            assert kinds.index(EventKind.MEDIATION_CONCLUDED) < kinds.index(EventKind.REPLIED)
        assert bool(mediation.agreement) == (mediation.outcome == Outcome.AGREED)
        assert mediation.sessions.all()
        assert all(mediation.opened_on <= s.held_on <= mediation.concluded_on
                   for s in mediation.sessions.all())  # fmt: skip
    outcomes = set(mediations.values_list("outcome", flat=True))
    assert {Outcome.AGREED, Outcome.FAILED} <= outcomes
