"""Registering a case at the desk, and turning a grid worker's field-log entry into one: the two
pages then link to each other."""

from django.urls import reverse

from grievances.choices import Channel, State
from grievances.models import Category, Grievance
from residents.models import FieldLogEntry
from tests.factories import FieldLogEntryFactory

ADD = reverse("grievances:grievance_add")


def form(world, **overrides) -> dict:
    return {
        "community": world.community.pk,
        "kind": "complaint",
        "channel": Channel.VISIT,
        "category": Category.objects.get(code="sanitation").pk,
        "priority": "normal",
        "title": "垃圾清运不及时",
        "description": "三天没有清运",
        "building": world.buildings[0].pk,
        "address": "",
        "resident": "",
        "contact_name": "王秀英",
        "contact_phone": "138 1234 5678",
        **overrides,
    }


def test_staff_register_a_walk_in_case_and_land_on_it(client, world):
    client.force_login(world.alice)
    response = client.post(ADD, form(world))
    case = Grievance.objects.get(title="垃圾清运不及时")
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert case.state == State.RECEIVED and case.registered_by == world.alice
    assert case.contact_phone == "13812345678" and case.contact_phone_masked == "138****5678"
    page = client.get(response.url).content.decode()
    assert f"已登记，编号 {case.register_number}" in page


def test_the_form_refuses_what_is_not_the_community_s_in_place(client, world, other_scopes):
    client.force_login(world.alice)
    other_building = other_scopes.other_community.buildings.get()
    inactive = Category.objects.create(code="old", name="旧类别", active=False)
    before = Grievance.objects.count()
    for bad in (
        {"building": other_building.pk},
        {"community": world.other_community.pk},
        {"category": inactive.pk},
        {"building": "", "address": ""},
        {"contact_phone": "请回电"},
    ):
        response = client.post(ADD, form(world, **bad))
        assert response.status_code == 200, bad
        assert response.context["form"].errors, bad
    assert Grievance.objects.count() == before


def test_a_field_log_entry_becomes_a_case_and_each_page_links_the_other(client, world):
    entry = FieldLogEntry.objects.get(author=world.gina)
    client.force_login(world.alice)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert f'href="{ADD}?field_log_entry={entry.pk}"' in page and "转为诉求" in page

    url = f"{ADD}?field_log_entry={entry.pk}"
    initial = client.get(url).context["form"].initial
    assert initial["channel"] == Channel.GRID and initial["building"] == entry.building_id
    assert initial["title"].startswith("甲机密楼道堆放杂物")
    data = form(world, **{k: initial[k] for k in ("channel", "title", "description")})
    response = client.post(url, data)
    case = Grievance.objects.get(field_log_entry=entry)
    assert response.url == case.get_absolute_url() and case.channel == Channel.GRID

    page = client.get(case.get_absolute_url()).content.decode()
    assert f'href="{entry.get_absolute_url()}"' in page
    page = client.get(entry.get_absolute_url()).content.decode()
    assert f'href="{case.get_absolute_url()}"' in page and "转为诉求<" not in page
    # The grid worker who wrote the entry sees which case it became.
    client.force_login(world.gina)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert case.register_number in page and f"{ADD}?field_log_entry" not in page


def test_an_entry_already_turned_into_a_case_or_out_of_scope_prefills_nothing(
    client, world, other_scopes
):
    client.force_login(world.alice)
    foreign = FieldLogEntry.objects.get(community=world.other_community)
    assert client.get(f"{ADD}?field_log_entry={foreign.pk}").context["form"].initial == {}
    entry = FieldLogEntryFactory(grid_unit=world.grid_units[0], author=world.gina, seen="井盖松动")
    client.post(f"{ADD}?field_log_entry={entry.pk}", form(world, title="井盖松动"))
    client.post(f"{ADD}?field_log_entry={entry.pk}", form(world, title="井盖松动（又一次）"))
    assert Grievance.objects.get(title="井盖松动（又一次）").field_log_entry is None
    # A grid worker writes the entry; registering cases is the desk's.
    client.force_login(world.gina)
    assert f"{ADD}?" not in client.get(entry.get_absolute_url()).content.decode()
    assert client.get(ADD).status_code == 404


def test_the_resident_picker_searches_only_the_user_s_residents(client, world, other_scopes):
    client.force_login(world.alice)
    url = reverse("residents:resident_search")
    found = client.get(url, {"q": "张"}).json()["results"]
    assert [r["value"] for r in found] == [world.residents[0].pk]
    assert client.get(url, {"q": "赵"}).json()["results"] == []  # charlie's resident
    assert client.get(url, {"q": "13812345678"}).json()["results"] == []
    # The form lists no resident until one is picked: a community has thousands.
    assert world.residents[1].name not in client.get(ADD).content.decode()
    refused = client.post(ADD, form(world, resident=world.residents[1].pk, title=""))
    assert f'<option value="{world.residents[1].pk}" selected>' in refused.content.decode()
