import re

from django.core.management import call_command

from partybuild.models import ComplianceQuarter
from shequ.demo import DEMO_PASSWORD
from shequ.metrics import Quarter
from shequ.models import Community, GridUnit, RoleAssignment, Street, User


def test_it_loads_the_demo_once_however_often_it_runs(db, capsys):
    call_command("seed_demo")
    first = (Street.objects.count(), Community.objects.count(), GridUnit.objects.count(),
             User.objects.count(), RoleAssignment.objects.count())  # fmt: skip
    call_command("seed_demo")
    call_command("seed_demo", "--if-empty")
    again = (Street.objects.count(), Community.objects.count(), GridUnit.objects.count(),
             User.objects.count(), RoleAssignment.objects.count())  # fmt: skip
    # The eight accounts of shequ.demo, and the desk's department handler (bumen).
    assert first == again == (3, 12, 48, 9, 8)
    # Officials' 三会一课汇总 reads stored figures: every community has this quarter's and the
    # last, and the two with party organisations count meetings held.
    current = Quarter.current()
    stored = ComplianceQuarter.objects.filter(quarter__in=[current.previous.first, current.first])
    assert stored.count() == 2 * 12
    assert stored.filter(held__gt=0).values("community").distinct().count() == 2
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "quzhang" in out
    assert User.objects.get(username="shequ").check_password(DEMO_PASSWORD)


def test_it_scales_to_a_city(db):
    call_command("seed_demo", "--streets", "20", "--communities", "50", "--grid-units", "3")
    assert Community.objects.count() == 1000
    assert GridUnit.objects.count() == 3000


def test_demo_accounts_log_in_and_land_in_their_scope(client, db):
    call_command("seed_demo")
    response = client.post("/accounts/login/", {"login": "13800000004", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    # The role and where it applies, not the name 赵网格员 the navigation shows anyway.
    assert re.search(r">网格员</span>[^<]*幸福社区 / 第1网格", page)
