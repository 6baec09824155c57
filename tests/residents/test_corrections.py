"""Correcting what was recorded wrongly, with the change in readable history; visits on every
household member's page."""

import datetime

from django.urls import reverse

from residents.models import FieldLogEntry, Resident, ResidentTag, Visit
from shequ.models import Role
from tests.factories import UserFactory, assign
from tests.residents.test_resident_views import form_data


def other_grid_worker(world):
    """A grid worker of the community's second grid unit only."""
    user = UserFactory(name="格二")
    assign(user, Role.GRID_WORKER, world.grid_units[1])
    return user


def test_a_grid_worker_corrects_a_visit_of_their_grid_and_history_shows_it(client, world):
    visit = Visit.objects.get()
    client.force_login(world.alice)
    detail = client.get(reverse("residents:visit_detail", args=[visit.pk])).content.decode()
    assert reverse("residents:visit_edit", args=[visit.pk]) in detail
    client.force_login(world.gina)
    url = reverse("residents:visit_edit", args=[visit.pk])
    response = client.post(url, {
        "household": visit.household_id, "residents": [world.residents[1].pk],
        "visited_on": "2026-01-04", "notes": "更正：老人腿脚不便", "follow_up": "",
    })  # fmt: skip
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.visited_on, visit.notes) == (datetime.date(2026, 1, 4), "更正：老人腿脚不便")
    client.force_login(world.alice)  # a supervisor's correction keeps who made the visit
    client.post(url, {
        "household": visit.household_id, "visited_on": "2026-01-04", "notes": "再次更正",
    })  # fmt: skip
    visit.refresh_from_db()
    assert (visit.notes, visit.visitor) == ("再次更正", world.gina)
    html = client.get(reverse("residents:visit_detail", args=[visit.pk])).content.decode()
    assert "走访情况：更正：老人腿脚不便 → 再次更正" in html
    assert "吉娜 · 修改" in html


def test_visits_and_entries_of_another_grid_unit_cannot_be_corrected(client, world):
    visit, entry = Visit.objects.get(), FieldLogEntry.objects.get()
    for user in (other_grid_worker(world), world.bob, world.charlie):
        client.force_login(user)
        for name, pk in (("visit_edit", visit.pk), ("fieldlogentry_edit", entry.pk)):
            url = reverse(f"residents:{name}", args=[pk])
            assert client.get(url).status_code == 404, (user, name)
            assert client.post(url, {"notes": "改", "seen": "改"}).status_code == 404
    assert Visit.objects.get().notes == visit.notes
    assert FieldLogEntry.objects.get().seen == entry.seen


def test_a_field_log_entry_is_corrected_by_its_grid_worker_with_history(client, world):
    entry = FieldLogEntry.objects.get()
    client.force_login(world.gina)
    detail = reverse("residents:fieldlogentry_detail", args=[entry.pk])
    assert reverse("residents:fieldlogentry_edit", args=[entry.pk]) in client.get(detail).text
    response = client.post(reverse("residents:fieldlogentry_edit", args=[entry.pk]), {
        "date": "2026-11-01", "grid_unit": world.grid_units[0].pk,
        "building": world.buildings[0].pk, "seen": "楼道堆放杂物（更正）", "done": "已清理",
    })  # fmt: skip
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.date, entry.author) == (datetime.date(2026, 11, 1), world.gina)
    assert entry.residents.get() == world.residents[0]  # the people it mentions are kept
    html = client.get(detail).content.decode()
    assert "→ 楼道堆放杂物（更正）" in html


def move_out(resident: Resident) -> None:
    resident.status, resident.status_changed_on = "moved_out", datetime.date(2026, 3, 1)
    resident.save()


def test_community_staff_restore_a_wrongly_moved_out_resident(client, world):
    spouse = world.residents[1]
    move_out(spouse)
    client.force_login(world.alice)
    page = client.get(spouse.get_absolute_url()).content.decode()
    url = reverse("residents:resident_restore", args=[spouse.pk])
    assert url in page
    confirm = client.get(url)
    assert confirm.status_code == 200 and "确认恢复为在住" in confirm.content.decode()
    response = client.post(url, follow=True)
    html = response.content.decode()
    assert f"已将 {spouse.name} 恢复为“在住”" in html
    spouse.refresh_from_db()
    assert (spouse.status, spouse.status_changed_on) == ("living", None)
    assert "撤销迁出/去世登记" in html
    assert "状态：已迁出 → 在住" in html


def test_only_community_staff_may_restore(client, world):
    spouse = world.residents[1]
    move_out(spouse)
    url = reverse("residents:resident_restore", args=[spouse.pk])
    for user in (world.gina, world.bob, world.charlie):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert Resident.objects.get(pk=spouse.pk).status == "moved_out"


def test_a_head_is_not_restored_beside_a_new_living_head(client, world):
    head, spouse = world.residents[0], world.residents[1]
    move_out(head)
    spouse.relation_to_head = "head"
    spouse.save()
    client.force_login(world.alice)
    url = reverse("residents:resident_restore", args=[head.pk])
    response = client.post(url)
    assert response.status_code == 200
    assert f"这一户现在的户主是 {spouse.name}" in response.content.decode()
    assert Resident.objects.get(pk=head.pk).status == "moved_out"


def test_a_household_visit_appears_on_each_members_page(client, world):
    head, spouse = world.residents[0], world.residents[1]  # the visit named the spouse
    visit = Visit.objects.get()
    for user in (world.alice, world.gina):
        client.force_login(user)
        for resident, marked in ((head, "走访本户"), (spouse, "走访了本人")):
            html = client.get(resident.get_absolute_url()).content.decode()
            assert visit.get_absolute_url() in html, (user, resident)
            assert visit.notes in html and marked in html


def test_history_shows_labels_names_and_tag_changes(client, world):
    li = world.residents[2]  # lives in the second grid unit, which gina does not keep
    tag = ResidentTag.objects.get(code="elderly_alone")
    client.force_login(world.alice)
    data = form_data(world, name=li.name, id_number=li.id_number, mobile="13712345678",
                     relation_to_head="other", education="bachelor", tags=[tag.pk])  # fmt: skip
    response = client.post(reverse("residents:resident_edit", args=[li.pk]), data)
    assert response.status_code == 302
    html = client.get(li.get_absolute_url()).content.decode()
    assert "文化程度：— → 大学本科" in html
    assert f"所在户：{world.households[1]} → {world.households[0]}" in html
    assert "与户主关系：户主 → 其他" in html
    assert f"重点人群：增加 {tag.name}" in html
    client.force_login(world.gina)
    html = client.get(li.get_absolute_url()).content.decode()
    assert f"所在户：（无权查看） → {world.households[0]}" in html
    client.force_login(world.alice)
    data["tags"] = []
    client.post(reverse("residents:resident_edit", args=[li.pk]), data)
    html = client.get(li.get_absolute_url()).content.decode()
    assert f"重点人群：移除 {tag.name}" in html


def test_history_fetches_names_once_per_model_not_per_row(
    client, world, django_assert_max_num_queries
):
    resident = world.residents[2]
    households = [world.households[0], world.households[1]]
    for n in range(10):
        resident.household = households[n % 2]
        resident.relation_to_head = "other"
        resident.save()
    client.force_login(world.alice)
    url = resident.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(25) as captured:
        html = client.get(url).content.decode()
    assert html.count("所在户：") == 10
    household_reads = [q for q in captured if 'FROM "residents_household"' in q["sql"]]
    assert len(household_reads) <= 2, [q["sql"][:120] for q in household_reads]
