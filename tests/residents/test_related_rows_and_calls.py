"""Related rows on a page are scoped like the page's own row; forms check every row they link;
a grid worker calls the residents of their own grid units, and each call is logged."""

import datetime

from django.urls import reverse

from residents.models import FieldLogEntry
from shequ.models import AccessLog, Role
from tests.conftest import SECRET
from tests.factories import UserFactory, assign


def grid_two_entry_naming(world, resident) -> FieldLogEntry:
    """An entry filed in grid 2 that names a grid-1 resident, as the form used to allow."""
    entry = FieldLogEntry.objects.create(
        community=world.community, grid_unit=world.grid_units[1], author=world.alice,
        date=datetime.date(2026, 1, 6), seen=f"{SECRET}第二网格的民情",
    )  # fmt: skip
    entry.residents.add(resident)
    return entry


def test_a_grid_worker_does_not_read_another_grids_field_log_on_a_residents_page(client, world):
    resident = world.residents[0]  # grid 1, gina's
    entry = grid_two_entry_naming(world, resident)
    client.force_login(world.gina)
    assert client.get(entry.get_absolute_url()).status_code == 404
    html = client.get(resident.get_absolute_url()).content.decode()
    assert "楼道堆放杂物" in html  # grid 1's own entry still shows
    assert "第二网格的民情" not in html


def test_an_entry_of_another_grid_does_not_name_residents_its_reader_may_not_see(client, world):
    entry = grid_two_entry_naming(world, world.residents[0])
    grid_two_worker = UserFactory(username="gary", name="盖瑞")
    assign(grid_two_worker, Role.GRID_WORKER, world.grid_units[1])
    client.force_login(grid_two_worker)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "第二网格的民情" in html
    assert world.residents[0].name not in html


def test_a_field_log_entry_may_mention_only_residents_of_its_grid_unit(client, world):
    resident = world.residents[0]  # grid 1
    client.force_login(world.alice)
    url = f"{reverse('residents:fieldlogentry_add')}?resident={resident.pk}"
    response = client.post(url, {
        "date": "2026-01-07", "grid_unit": world.grid_units[1].pk, "building": "",
        "seen": "走错网格的日志", "done": "", "residents": [resident.pk],
    })  # fmt: skip
    assert response.status_code == 200
    assert "涉及居民须是所选网格的居民" in response.content.decode()
    assert not FieldLogEntry.objects.filter(seen="走错网格的日志").exists()

    response = client.post(url, {
        "date": "2026-01-07", "grid_unit": world.grid_units[0].pk, "building": "",
        "seen": "本网格的日志", "done": "", "residents": [resident.pk],
    })  # fmt: skip
    assert response.status_code == 302
    assert list(FieldLogEntry.objects.get(seen="本网格的日志").residents.all()) == [resident]


# Calling ------------------------------------------------------------------------------------


def call(client, resident, **headers):
    return client.post(reverse("residents:resident_call", args=[resident.pk]), headers=headers)


def test_a_grid_worker_calls_a_resident_of_their_grid_and_the_call_is_logged(client, world):
    resident = world.residents[0]
    client.force_login(world.gina)
    detail = client.get(resident.get_absolute_url()).content.decode()
    assert "拨打电话" in detail and "13812345678" not in detail
    due = client.get(reverse("residents:visit_due")).content.decode()
    assert reverse("residents:resident_call", args=[world.residents[1].pk]) in due

    response = call(client, resident, **{"HX-Request": "true"})
    assert response.status_code == 200
    assert 'href="tel:13812345678"' in response.content.decode()
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.object_id) == (
        world.gina,
        AccessLog.CALL,
        str(resident.pk),
    )


def test_a_call_without_javascript_gets_a_page_with_the_link(client, world):
    client.force_login(world.gina)
    html = call(client, world.residents[0]).content.decode()
    assert 'href="tel:13812345678"' in html and "返回待走访" in html


def test_calling_someone_of_another_grid_is_a_404_and_logs_nothing(client, world):
    client.force_login(world.gina)
    assert call(client, world.residents[2]).status_code == 404  # grid 2
    party_worker = UserFactory(username="polly", name="波莉")
    assign(party_worker, Role.PARTY_WORKER, world.community)
    client.force_login(party_worker)
    assert call(client, world.residents[0]).status_code == 404
    assert "拨打电话" not in client.get(world.residents[0].get_absolute_url()).content.decode()
    assert not AccessLog.objects.exists()
