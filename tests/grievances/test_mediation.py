"""纠纷调解: staff open a mediation for a dispute, record the parties and sessions, conclude it,
and print the 人民调解协议书; mistakes get messages in place, other people get 404."""

import datetime

import pytest
from django.urls import reverse

from grievances import services
from grievances.choices import Channel, EventKind, Kind
from grievances.models import Category, Mediation

# The book starts empty: the world's own mediated dispute would be a second mediation here.
pytestmark = pytest.mark.empty_desk


@pytest.fixture
def dispute(world):
    category, _ = Category.objects.get_or_create(
        code="neighbours-test", defaults={"name": "邻里纠纷", "time_limit_days": 10}
    )
    return services.grievance_register(
        community=world.community, category=category, kind=Kind.DISPUTE, channel=Channel.VISIT,
        title="楼上漏水纠纷", description="楼上装修漏水，赔偿谈不拢", address="1号楼",
        by=world.alice,
    )  # fmt: skip


def _post(client, case, action, **data):
    url = reverse("grievances:mediation", args=[case.pk])
    return client.post(url, {"action": action, **{f"{action}-{k}": v for k, v in data.items()}})


def test_staff_mediate_a_dispute_to_an_agreement_and_print_it(client, world, dispute):
    client.force_login(world.alice)
    assert _post(client, dispute, "open", mediator=world.alice.pk,
                 facts="装修漏水损坏楼下吊顶").status_code == 302  # fmt: skip
    _post(client, dispute, "party", side="applicant", name="楼下刘某", phone="13900002222")
    response = _post(client, dispute, "conclude", outcome="agreed", agreement="赔偿两千元")
    assert response.status_code == 200
    assert "调解协议须有申请人和被申请人" in response.content.decode()
    assert not Mediation.objects.get().outcome
    _post(client, dispute, "party", side="respondent", name="楼上陈某")
    _post(client, dispute, "session", held_on="2026-01-10", place="调解室", notes="双方到场")
    assert _post(client, dispute, "conclude", outcome="agreed", agreement="一、楼上赔偿两千元",
                 performance="十日内付清").status_code == 302  # fmt: skip
    html = client.get(reverse("grievances:mediation_agreement", args=[dispute.pk])).content
    html = html.decode()
    for text in ("人民调解协议书", "楼下刘某", "楼上陈某", "一、楼上赔偿两千元", "十日内付清",
                 "139****2222", "人民调解委员会（印）"):  # fmt: skip
        assert text in html
    assert "13900002222" not in html
    kinds = list(dispute.events.values_list("kind", flat=True))
    assert EventKind.MEDIATION_OPENED in kinds and EventKind.MEDIATION_CONCLUDED in kinds
    assert _post(client, dispute, "session", held_on="2026-01-11", notes="又来").status_code == 404


def test_mistakes_get_messages_in_place(client, world, dispute):
    client.force_login(world.alice)
    response = _post(client, dispute, "open", mediator=world.charlie.pk, facts="")
    assert response.status_code == 200 and not Mediation.objects.exists()
    _post(client, dispute, "open", mediator=world.alice.pk, facts="争议")
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = _post(client, dispute, "session", held_on=f"{tomorrow}", notes="未来")
    assert response.status_code == 200 and not Mediation.objects.get().sessions.exists()
    response = _post(client, dispute, "party", side="x", name="")
    assert response.status_code == 200 and not Mediation.objects.get().parties.exists()
    assert _post(client, dispute, "nonsense").status_code == 404


def test_only_disputes_are_mediated_and_only_by_the_communitys_staff(client, world, dispute):
    url = reverse("grievances:mediation", args=[dispute.pk])
    for user in (world.charlie, world.gina, world.peggy, world.rita):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert _post(client, dispute, "open", mediator=user.pk, facts="越权").status_code == 404
    client.force_login(world.bob)  # an official reads a mediation, never opens one
    assert client.get(url).status_code == 404
    client.force_login(world.alice)
    other = services.grievance_register(
        community=world.community, category=dispute.category, kind=Kind.COMPLAINT,
        channel=Channel.VISIT, title="投诉", description="不是纠纷", address="2号楼",
        by=world.alice,
    )  # fmt: skip
    assert client.get(reverse("grievances:mediation", args=[other.pk])).status_code == 404
    assert not Mediation.objects.exists()


def test_the_case_page_leads_to_the_mediation_of_a_dispute(client, world, dispute):
    url = reverse("grievances:mediation", args=[dispute.pk])
    client.force_login(world.alice)
    assert f'href="{url}"' in client.get(dispute.get_absolute_url()).content.decode()
    client.force_login(world.bob)  # no mediation yet: an official has nothing to read there
    assert f'href="{url}"' not in client.get(dispute.get_absolute_url()).content.decode()
