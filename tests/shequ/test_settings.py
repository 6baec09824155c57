"""Settings come from the environment and refuse bad or unsafe values loudly."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "k" * 20 + "-production-secret-for-tests-" + "q" * 20
KEY = "A" * 43 + "="
CONFIG_VARS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "FIELD_ENCRYPTION_KEY",
)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def show(expression: str, **env: str) -> subprocess.CompletedProcess:
    return manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print({expression})",
        **env,
    )


def test_it_runs_in_development_mode_with_nothing_set():
    out = show(
        "settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True django.db.backends.sqlite3 True"


def test_it_refuses_production_without_a_secret_key():
    out = manage("check", DEBUG="0", ALLOWED_HOSTS="shequ.example.cn", FIELD_ENCRYPTION_KEY=KEY)
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stderr


def test_it_refuses_production_without_the_personal_data_key():
    out = manage("check", DEBUG="0", ALLOWED_HOSTS="shequ.example.cn", SECRET_KEY=SECRET)
    assert out.returncode != 0
    assert "FIELD_ENCRYPTION_KEY must be set" in out.stderr


def test_it_refuses_a_value_it_cannot_read():
    out = manage("check", DEBUG="maybe")
    assert out.returncode != 0
    assert "DEBUG must be one of" in out.stderr
    out = manage("check", STAFF_SESSION_IDLE_MINUTES="half an hour")
    assert "STAFF_SESSION_IDLE_MINUTES must be an integer" in out.stderr
    out = manage("check", SESSIONS_CLEAR_CRON="every night")
    assert "SESSIONS_CLEAR_CRON must be a 5-field cron expression" in out.stderr


def test_it_passes_the_deployment_checklist_without_a_warning():
    out = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY=SECRET, ALLOWED_HOSTS="shequ.example.cn", FIELD_ENCRYPTION_KEY=KEY,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_it_uses_the_broker_and_database_it_is_given():
    out = show(
        "settings.CELERY_TASK_ALWAYS_EAGER, settings.DATABASES['default']['NAME']",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/elsewhere",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/5",
    )
    assert out.stdout.strip() == "False elsewhere"
