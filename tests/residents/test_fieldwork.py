"""Visits, the must-visit list and the field log, as a grid worker and a supervisor use them."""

import datetime

from django.urls import reverse
from django.utils import timezone

from residents.models import FieldLogComment, FieldLogEntry, ResidentTag, Visit
from tests.factories import ResidentFactory


def test_due_visits_lists_must_visit_residents_not_visited_in_their_period(client, world):
    tag = ResidentTag.objects.get(code="elderly_alone")  # every 30 days
    today = timezone.localdate()
    never = ResidentFactory(household=world.households[1], full_name="从未走访", tags=[tag])
    client.force_login(world.alice)
    due = client.get(reverse("residents:visit_due")).content.decode()
    assert "从未走访" in due
    assert world.residents[1].name in due  # last visited in January

    Visit.objects.create(
        community=world.community, household=world.households[0], visitor=world.gina,
        visited_on=today - datetime.timedelta(days=3), notes="上门看望",
    )  # fmt: skip
    due = client.get(reverse("residents:visit_due")).content.decode()
    assert world.residents[1].name not in due
    assert never.name in due


def test_a_grid_worker_sees_due_visits_of_their_grid_units_only(client, world):
    tag = ResidentTag.objects.get(code="low_income")
    ResidentFactory(household=world.households[1], full_name="二网格低保", tags=[tag])
    client.force_login(world.gina)
    due = client.get(reverse("residents:visit_due")).content.decode()
    assert world.residents[1].name in due
    assert "二网格低保" not in due


def test_sensitive_reasons_show_as_a_neutral_label_to_grid_workers(client, world):
    tag = ResidentTag.objects.get(code="released_prisoner")
    ResidentFactory(household=world.households[0], full_name="需关注者", tags=[tag])
    client.force_login(world.gina)
    due = client.get(reverse("residents:visit_due")).content.decode()
    assert "需关注者" in due and "重点关注" in due and "刑释解教" not in due


def test_a_grid_worker_records_a_visit_to_a_household_of_their_grid(client, world):
    client.force_login(world.gina)
    url = reverse("residents:visit_add") + f"?household={world.households[0].pk}"
    form = client.get(url).content.decode()
    assert world.residents[0].name in form
    response = client.post(url, {
        "household": world.households[0].pk, "residents": [world.residents[0].pk],
        "visited_on": "2026-11-20", "notes": "身体尚可", "follow_up": "",
    })  # fmt: skip
    assert response.status_code == 302
    visit = Visit.objects.get(notes="身体尚可")
    assert (visit.visitor, visit.community) == (world.gina, world.community)
    other = client.post(url, {
        "household": world.households[1].pk, "visited_on": "2026-11-20", "notes": "越界",
    })  # fmt: skip
    assert other.status_code == 200 and not Visit.objects.filter(notes="越界").exists()


def test_a_visit_without_notes_gets_a_message_in_place(client, world):
    client.force_login(world.gina)
    url = reverse("residents:visit_add")
    response = client.post(url, {"household": world.households[0].pk, "visited_on": "2026-11-20"})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()


def test_field_log_entry_written_by_a_grid_worker_and_commented_by_a_supervisor(client, world):
    client.force_login(world.gina)
    form = client.get(reverse("residents:fieldlogentry_add")).content.decode()
    assert f'value="{world.grid_units[0].pk}" selected' in form
    response = client.post(reverse("residents:fieldlogentry_add"), {
        "date": "2026-11-21", "grid_unit": world.grid_units[0].pk,
        "building": world.buildings[0].pk, "seen": "8号楼楼道灯坏了", "done": "已报修",
    })  # fmt: skip
    entry = FieldLogEntry.objects.get(seen="8号楼楼道灯坏了")
    assert response.url == entry.get_absolute_url()
    assert entry.author == world.gina

    assert client.post(entry.get_absolute_url(), {"text": "自己批注"}).status_code == 405
    client.force_login(world.alice)
    client.post(entry.get_absolute_url(), {"text": "请物业三日内修好"})
    assert FieldLogComment.objects.get(entry=entry).author == world.alice
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "请物业三日内修好" in page


def test_a_building_of_another_grid_unit_is_refused_in_the_field_log(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("residents:fieldlogentry_add"), {
        "date": "2026-11-21", "grid_unit": world.grid_units[0].pk,
        "building": world.buildings[1].pk, "seen": "错楼",
    })  # fmt: skip
    assert "这栋楼不在所选网格内" in response.content.decode()


def test_field_log_lists_per_grid_unit_and_per_worker(client, world):
    client.force_login(world.alice)
    url = reverse("residents:fieldlogentry_list")
    by_worker = client.get(url, {"author": world.gina.pk}).content.decode()
    assert "楼道堆放杂物" in by_worker
    by_unit = client.get(url, {"grid_unit": world.grid_units[1].pk}).content.decode()
    assert "楼道堆放杂物" not in by_unit


def test_an_entry_written_from_a_residents_page_mentions_them(client, world):
    resident = world.residents[1]
    client.force_login(world.gina)
    url = reverse("residents:fieldlogentry_add") + f"?resident={resident.pk}"
    form = client.get(url).content.decode()
    assert world.residents[0].name in form and resident.name in form
    client.post(url, {
        "date": "2026-11-22", "grid_unit": world.grid_units[0].pk,
        "building": world.buildings[0].pk, "seen": "老人反映暖气不热", "residents": [resident.pk],
    })  # fmt: skip
    page = client.get(resident.get_absolute_url()).content.decode()
    assert "老人反映暖气不热" in page
    # Someone outside the household (here: outside the grid worker's grid) cannot be slipped in.
    response = client.post(url, {
        "date": "2026-11-22", "grid_unit": world.grid_units[0].pk, "seen": "夹带",
        "residents": [world.residents[2].pk],
    })  # fmt: skip
    assert response.status_code == 200
    assert not FieldLogEntry.objects.filter(seen="夹带").exists()


def test_moving_a_building_to_another_grid_unit_keeps_its_history(client, world):
    building = world.buildings[0]
    client.force_login(world.alice)
    client.post(reverse("residents:building_edit", args=[building.pk]), {
        "grid_unit": world.grid_units[1].pk, "number": building.number, "address": building.address,
        "kind": "block", "units": 2, "floors": 6,
    })  # fmt: skip
    page = client.get(building.get_absolute_url()).content.decode()
    assert "已保存楼栋 1号楼。" in page
    assert world.grid_units[1].name in page
    assert [r.grid_unit_id for r in building.history.all()] == [
        world.grid_units[1].pk, world.grid_units[0].pk,
    ]  # fmt: skip
