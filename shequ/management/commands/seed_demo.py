import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from shequ.demo import DEMO_PASSWORD, seed_accounts, seed_hierarchy
from shequ.models import District, Role


class Command(BaseCommand):
    help = "Load a demo district with streets, communities, grid units and one account per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--streets", type=int, default=3, help="streets in the district")
        parser.add_argument("--communities", type=int, default=4, help="communities per street")
        parser.add_argument("--grid-units", type=int, default=4, help="grid units per community")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if any district exists already"
        )

    def handle(self, *args, streets, communities, grid_units, if_empty, **options) -> None:
        if if_empty and District.objects.exists():
            self.stdout.write("数据库中已有数据，跳过演示数据。")
            return
        if streets < 1 or communities < 1 or grid_units < 1 or streets > 999 or communities > 199:
            raise CommandError("--streets 1–999, --communities 1–199, --grid-units at least 1")
        district = seed_hierarchy(streets=streets, communities=communities, grid_units=grid_units)
        accounts = seed_accounts(district)
        for app in apps.get_app_configs():
            # Each domain app may bring demo rows of its own in `<app>/demo.py: seed(district)`.
            if app.name != "shequ" and importlib.util.find_spec(f"{app.name}.demo"):
                importlib.import_module(f"{app.name}.demo").seed(district)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪：{district.name}（{district.code}）"))
        self.stdout.write(f"演示账户（新建账户的密码均为 {DEMO_PASSWORD}）：")
        for account in accounts:
            role = Role(account.role).label if account.role else "系统管理员"
            self.stdout.write(f"  {account.username:<8} {account.phone}  {role} · {account.scope}")
