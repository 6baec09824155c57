"""The party's field work: pairing visits counted by the registry, 三必访 tags put by the steps
that cause them, 四个一 filed into the desk, the needs board and hours, and who sees what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grievances.choices import Channel, Kind
from grievances.models import Category
from partybuild import services
from partybuild.choices import EventKind
from partybuild.metrics import party_four_ones, party_in_service_reported, party_pairing_visits
from partybuild.models import CommunityNeed, FourOnesRecord, Pairing, PartyMember, ServiceHours
from residents.metrics import visits_in_time
from residents.models import Resident, ResidentTag
from residents.views.fieldwork import due_visits
from shequ.metrics import Period, metrics
from tests.conftest import SECRET
from tests.factories import ResidentFactory

TODAY = timezone.localdate()
MONTH = Period.of(TODAY)


def test_a_pairing_visit_is_the_registrys_visit_and_counts_for_both_metrics(client, world):
    zhang, li = world.party_members
    pairing = Pairing.objects.get(member=zhang)
    li_resident = li.resident
    li_resident.tags.add(ResidentTag.objects.get(code="party_member_hardship"))
    community = world.community.pk
    assert li_resident in due_visits(Resident.objects.all(), TODAY)
    assert party_pairing_visits(MONTH)[community] == (0, 1)
    registry_before = visits_in_time(MONTH)[community]

    client.force_login(world.peggy)
    url = reverse("partybuild:pairing_visit_add", args=[pairing.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"visited_on": f"{TODAY:%Y-%m-%d}", "residents": [li_resident.pk],
                                 "notes": "送去慰问品，了解用药情况"})  # fmt: skip
    assert response.status_code == 302

    visit = pairing.visits.select_related("visit").latest("pk").visit
    assert (visit.household, visit.visitor, list(visit.residents.all())) == (
        world.households[1], world.peggy, [li_resident],
    )  # fmt: skip
    # The registry's own due list and metric see it: the household was visited in time.
    assert li_resident not in due_visits(Resident.objects.all(), TODAY)
    assert visits_in_time(MONTH)[community] == (registry_before[0] + 1, registry_before[1])
    assert party_pairing_visits(MONTH)[community] == (1, 1)
    page = client.get(pairing.get_absolute_url()).content.decode()
    assert "送去慰问品" in page and "已逾期" not in page


def test_a_visit_before_the_pair_was_made_is_refused_in_place(client, world):
    pairing = Pairing.objects.get(member=world.party_members[0])
    client.force_login(world.peggy)
    url = reverse("partybuild:pairing_visit_add", args=[pairing.pk])
    response = client.post(url, {"visited_on": "2025-12-31", "notes": "走访"})
    assert response.status_code == 200
    assert "走访日期不能早于结对日期（2026-01-10）" in response.content.decode()
    assert not pairing.visits.exists()


def test_the_overdue_filter_lists_pairs_not_visited_within_their_period(client, world):
    pairing = Pairing.objects.get()
    client.force_login(world.peggy)
    url = reverse("partybuild:pairing_list")
    overdue = client.get(url, {"overdue": "on"}).content.decode()
    assert "已逾期" in overdue and f'href="{pairing.get_absolute_url()}"' in overdue
    services.pairing_visit(pairing, world.peggy, visited_on=TODAY, notes="走访")
    overdue = client.get(url, {"overdue": "on"}).content.decode()
    assert f'href="{pairing.get_absolute_url()}"' not in overdue
    assert f'href="{pairing.get_absolute_url()}"' in client.get(url).content.decode()


def test_sansi_bifang_tags_come_with_a_transfer_in_and_a_death(client, world):
    newcomer = ResidentFactory(household=world.households[1], full_name="转入党员")
    services.member_register(
        PartyMember(
            resident=newcomer, organization=world.party_organizations[3],
            joined_on=datetime.date(2001, 7, 1), full_on=datetime.date(2002, 7, 1),
        ),
        world.peggy, transferred_from="某街道党工委", letter="〔2026〕12号",
    )  # fmt: skip
    assert set(newcomer.tags.values_list("code", flat=True)) == {"new_party_member"}
    assert newcomer.history.first().history_change_reason == "组织关系转入"

    zhang = world.party_members[0]
    services.member_status(zhang, world.peggy, kind=EventKind.DECEASED, day=TODAY)
    spouse = world.residents[1]  # 王, living in 张's household
    assert "deceased_member_family" in spouse.tags.values_list("code", flat=True)

    client.force_login(world.peggy)
    page = client.get(reverse("partybuild:visit_due")).content.decode()
    assert "转入党员" in page and spouse.name in page and "去世党员家属" in page


def test_a_suggestion_goes_to_the_desk_and_both_sides_show_the_link(client, world):
    li = world.party_members[1]
    client.force_login(world.rita)
    add = reverse("partybuild:fouronesrecord_add")
    form = client.get(add).content.decode()
    assert f'value="{li.pk}" selected' in form and world.party_members[0].resident.name not in form
    other = Category.objects.get(code="other")
    response = client.post(add, {
        "member": li.pk, "item": "suggestion", "done_on": f"{TODAY:%Y-%m-%d}",
        "description": "建议在3号楼前加装路灯\n晚上太黑", "category": other.pk,
    })  # fmt: skip
    record = FourOnesRecord.objects.get(member=li, item="suggestion")
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    case = record.grievance
    assert (case.kind, case.channel, case.resident, case.submitted_by, case.registered_by) == (
        Kind.SUGGESTION, Channel.ONLINE, li.resident, world.rita, None,
    )  # fmt: skip
    assert case.title == "一条建议：建议在3号楼前加装路灯"
    page = client.get(record.get_absolute_url()).content.decode()
    assert case.register_number in page and "已登记" in page
    assert case.get_absolute_url() not in page  # the desk's page is not rita's

    client.force_login(world.alice)
    desk = client.get(case.get_absolute_url()).content.decode()
    assert "来自党员四个一" in desk and record.get_absolute_url() in desk
    client.force_login(world.peggy)
    assert case.get_absolute_url() in client.get(record.get_absolute_url()).content.decode()


def test_rita_sees_and_adds_only_her_own_four_ones(client, world):
    zhang = world.party_members[0]
    zhang_record = FourOnesRecord.objects.get(member=zhang)
    client.force_login(world.rita)
    listing = client.get(reverse("partybuild:fouronesrecord_list")).content.decode()
    assert f"{SECRET}好事" not in listing
    assert client.get(zhang_record.get_absolute_url()).status_code == 404
    before = FourOnesRecord.objects.count()
    response = client.post(reverse("partybuild:fouronesrecord_add"), {
        "member": zhang.pk, "item": "good_deed", "done_on": f"{TODAY:%Y-%m-%d}",
        "description": "替张记一笔",
    })  # fmt: skip
    assert response.status_code == 200 and FourOnesRecord.objects.count() == before
    for name in ("pairing_list", "four_ones", "visit_due"):
        assert client.get(reverse(f"partybuild:{name}")).status_code == 404


def test_the_four_ones_table_marks_each_item_done_or_missing(client, world):
    zhang = world.party_members[0]
    branch1 = world.party_organizations[1]
    client.force_login(world.peggy)
    url = reverse("partybuild:four_ones")
    params = {"organization": branch1.pk, "year": "2026"}
    page = client.get(url, params).content.decode()
    row = page.split(zhang.resident.name, 1)[1].split("</tr>", 1)[0]
    assert row.count("✓") == 1 and row.count("✗") == 3
    assert "0 / 1 名党员四项全部完成" in page
    assert world.party_members[1].resident.name not in page  # 李 is in the second branch
    for item in ("labour", "information", "suggestion"):
        FourOnesRecord.objects.create(community=world.community, member=zhang, item=item,
                                      done_on=datetime.date(2026, 5, 1), description="x",
                                      recorded_by=world.peggy)  # fmt: skip
    page = client.get(url, params).content.decode()
    assert "1 / 1 名党员四项全部完成" in page
    assert client.get(url, {**params, "year": "2025"}).content.decode().count("✗") == 4


def test_four_ones_metric_counts_members_with_all_four_this_year(world):
    zhang = world.party_members[0]
    assert party_four_ones(MONTH)[world.community.pk] == (0, 2)
    for item in ("labour", "information", "suggestion"):
        FourOnesRecord.objects.create(community=world.community, member=zhang, item=item,
                                      done_on=MONTH.first, description="x",
                                      recorded_by=world.peggy)  # fmt: skip
    assert party_four_ones(MONTH)[world.community.pk] == (1, 2)
    # Last year's month counts last year's records only.
    assert (
        party_four_ones(Period.of(datetime.date(TODAY.year - 1, 12, 1))).get(
            world.community.pk, (0, 0)
        )[0]
        == 0
    )


def test_in_service_metric_counts_reported_members_per_hundred(world):
    li = world.party_members[1]
    assert party_in_service_reported(MONTH)[world.community.pk] == (0, 2)
    li.category, li.work_unit, li.reported_on = "in_service", "市自来水公司", TODAY
    li.save()
    assert party_in_service_reported(MONTH)[world.community.pk] == (1, 2)


def test_a_member_claims_a_wish_and_the_record_shows_claims_and_hours(client, world):
    zhang, li = world.party_members
    wish = CommunityNeed.objects.get(title=f"{SECRET}微心愿")
    client.force_login(world.rita)
    board = client.get(reverse("partybuild:need_list")).content.decode()
    assert wish.title in board and zhang.resident.name not in board
    claim = reverse("partybuild:need_claim", args=[wish.pk])
    assert client.post(claim, {"member": zhang.pk}).status_code == 200  # not hers to give
    wish.refresh_from_db()
    assert wish.status == "open"
    assert client.post(claim, {"member": li.pk}).status_code == 302
    wish.refresh_from_db()
    assert (wish.status, wish.claimed_by, wish.claimed_on) == ("claimed", li, TODAY)
    assert client.post(reverse("partybuild:need_done", args=[wish.pk])).status_code == 404

    client.force_login(world.peggy)
    assert "已被认领" in client.post(claim, {"member": zhang.pk}, follow=True).content.decode()
    client.post(reverse("partybuild:need_done", args=[wish.pk]))
    wish.refresh_from_db()
    assert wish.status == "done"
    add = reverse("partybuild:servicehours_add", args=[li.pk])
    response = client.post(add, {"served_on": f"{TODAY:%Y-%m-%d}", "hours": "25", "what": "x"})
    assert "一天不超过 24 小时" in response.content.decode()
    client.post(add, {"served_on": f"{TODAY:%Y-%m-%d}", "hours": "1.5", "what": "实现微心愿",
                      "need": wish.pk})  # fmt: skip
    assert ServiceHours.objects.filter(member=li).count() == 2

    client.force_login(world.rita)
    record = client.get(reverse("partybuild:member_service", args=[li.pk])).content.decode()
    assert wish.title in record and f"{SECRET}认领岗位" in record
    this_year = "3.5 小时" if TODAY.year == 2026 else "1.5 小时"
    assert this_year in record


def test_a_sensitive_pairing_kind_is_for_community_staff_only(client, world):
    pairing = Pairing.objects.get()
    pairing.kind = "released_prisoner"
    pairing.save()
    client.force_login(world.peggy)
    for url in (reverse("partybuild:pairing_list"), pairing.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "刑释解教" not in page and "重点帮扶" in page
    assert "刑释解教" not in client.get(reverse("partybuild:pairing_add")).content.decode()
    client.force_login(world.alice)
    assert "刑释解教人员" in client.get(pairing.get_absolute_url()).content.decode()


@pytest.mark.usefixtures("other_scopes")
def test_another_community_sees_nothing_and_officials_only_figures(client, world):
    pages = [
        Pairing.objects.get(community=world.community).get_absolute_url(),
        FourOnesRecord.objects.get(community=world.community).get_absolute_url(),
        CommunityNeed.objects.filter(community=world.community).first().get_absolute_url(),
        reverse("partybuild:member_service", args=[world.party_members[1].pk]),
    ]
    lists = [reverse(f"partybuild:{name}") for name in (
        "pairing_list", "visit_due", "four_ones", "fouronesrecord_list", "need_list",
    )]  # fmt: skip
    client.force_login(world.charlie)
    for url in pages:
        assert client.get(url).status_code == 404
    for url in lists:
        assert SECRET not in client.get(url).content.decode()
    client.force_login(world.bob)
    for url in pages + lists:
        assert client.get(url).status_code == 404
    figures = party_pairing_visits(MONTH)
    assert figures[world.community.pk] == (0, 1)
    assert world.other_community.pk not in figures  # its pair has ended


@pytest.mark.usefixtures("other_scopes")
def test_each_metric_is_one_query_for_every_community_and_has_its_records(
    world, django_assert_num_queries
):
    found = {}
    for code in ("party_pairing_visits", "party_four_ones", "party_in_service_reported"):
        metric = metrics()[code]
        with django_assert_num_queries(1):
            found[code] = metric.compute(MONTH)
        records = metric.records(MONTH).filter(community=world.community)
        assert records.count() == found[code][world.community.pk][1]
    # Both communities answer from the one query; charlie's ended pair is due nowhere.
    assert found["party_four_ones"][world.other_community.pk] == (0, 1)
    assert world.other_community.pk not in found["party_pairing_visits"]
