"""django-helpdesk's ticket list and dashboard on as many tickets as our desk has cases.

    from bench.helpdesk import measure
    measure(10_000, 20, "postgres://postgres@127.0.0.1:5432/shequ_helpdesk_10k")

django-helpdesk runs in a virtualenv of its own, var/helpdesk-venv, made here on first use: it is
never a dependency of shequ, and its Django settings and apps must not meet ours. This module
only uses the standard library, so it can be imported from the project's venv; the work is done
by inside.py in the helpdesk venv, which prints the results as JSON.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE.parent.parent / "var" / "helpdesk-venv"
# 2.6.1 supports Django 5.2 and 6.0; 5.2.19 is the Django shequ runs on.
REQUIREMENTS = ["django-helpdesk==2.6.1", "Django==5.2.19", "psycopg[binary]==3.3.9"]


def ensure_venv() -> Path:
    """The helpdesk venv's Python, installing the pinned packages if they are not there yet.
    The list is written only after pip succeeds, so an interrupted install is redone."""
    python = VENV / "bin" / "python"
    installed = VENV / "requirements.txt"
    wanted = "\n".join(REQUIREMENTS) + "\n"
    if installed.exists() and installed.read_text() == wanted:
        return python
    print(f"Installing {', '.join(REQUIREMENTS)} into {VENV}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
    installed.write_text(wanted)
    return python


def measure(tickets: int, repeat: int, database_url: str) -> list[dict]:
    """Median and p95 ms, queries, rows and bytes of each page, and its URL and parameters.

    The database is created if missing and filled with `tickets` tickets unless it holds exactly
    that many already. "Trivial view" answers "ok" without touching the database: divide by it.
    """
    if repeat < 2:
        raise ValueError("repeat must be at least 2 for a 95th percentile")
    result = subprocess.run(
        [str(ensure_venv()), str(HERE / "inside.py"), "--tickets", str(tickets),
         "--repeat", str(repeat)],
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        check=True,
    )  # fmt: skip
    return json.loads(result.stdout)
