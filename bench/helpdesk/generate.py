"""django-helpdesk tickets shaped like bench/generate_grievances.py's cases, written with COPY.

1,000 queues (one per community, ±30 % around the mean) each with one staff member who owns its
tickets; tickets over three years up to now, in order of creation, with statuses by age as our
register has them (old ones almost all closed, this week's mostly open) and the follow-ups that
status implies, about 5.5 a ticket as our cases have events. Runs inside the helpdesk venv.
"""

import datetime
import random
import sys
import time
import uuid
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission, User
from django.db import connection, transaction
from helpdesk.models import FollowUp, Queue, Ticket

QUEUES = 1000
YEARS = 3
STAFF = "staff_"  # staff_0001 owns queue 1's tickets and is the user the pages are measured as
CHUNK = 25_000  # tickets a transaction: bounds the rows held in memory and the FK checks queued
ZONE = ZoneInfo("Asia/Shanghai")
TITLES = ["楼道堆放杂物", "电梯停运", "楼上漏水", "路灯不亮", "垃圾未及时清运", "车辆乱停",
          "噪声扰民", "下水道堵塞", "供暖不热", "绿地被占", "邻里噪音纠纷", "申请临时救助",
          "咨询养老补贴", "建议增设健身器材", "物业费争议", "占道经营"]  # fmt: skip
PRIORITIES = ([1, 2, 3, 4, 5], [2, 8, 70, 15, 5])
OPEN, REOPENED, RESOLVED, CLOSED, DUPLICATE = (Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS,
    Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS, Ticket.DUPLICATE_STATUS)  # fmt: skip
# Our states by age (generate_grievances.fate) in helpdesk's terms: received is open and not
# yet assigned, accepted and in progress are open, replied is resolved, closed and rejected are
# closed, merged is a duplicate; a few recently closed ones were reopened.
FATES = [
    (3, [((OPEN, False), 30), ((OPEN, True), 65), ((RESOLVED, True), 5)]),
    (30, [((OPEN, True), 25), ((RESOLVED, True), 30), ((CLOSED, True), 40),
          ((REOPENED, True), 3), ((DUPLICATE, True), 2)]),
    (None, [((OPEN, True), 1), ((RESOLVED, True), 4), ((CLOSED, True), 93),
            ((DUPLICATE, True), 2)]),
]  # fmt: skip
TICKET_COLUMNS = ["id", "title", "created", "modified", "submitter_email", "status", "on_hold",
                  "description", "resolution", "priority", "due_date", "assigned_to_id",
                  "queue_id", "secret_key"]  # fmt: skip
FOLLOWUP_COLUMNS = ["id", "ticket_id", "date", "title", "comment", "public", "new_status",
                    "user_id"]  # fmt: skip


def fate(rng: random.Random, age_days: int) -> tuple[int, bool]:
    """(status, assigned) for a ticket this many days old."""
    weighted = next(fates for up_to, fates in FATES if up_to is None or age_days <= up_to)
    return rng.choices([f for f, _ in weighted], [w for _, w in weighted])[0]


def steps(status: int, assigned: bool, rng: random.Random) -> list[tuple[str, int | None]]:
    """(title, new status) of the follow-ups that lead to a ticket's status."""
    done = [("Ticket Opened", None)]
    if not assigned:
        return done
    done.append(("Assigned", None))
    if status == DUPLICATE:
        return [*done, ("Duplicate", DUPLICATE)]
    # One or two comments on the way, two more often than not: about 5.5 follow-ups a ticket,
    # as our generated cases have events.
    done += [("Comment", None)] * (rng.randint(0, 1) if status == OPEN else rng.choice((1, 2, 2)))
    if status == OPEN:
        return done
    done.append(("Resolved", RESOLVED))
    if status == REOPENED:
        done.append(("Reopened", REOPENED))
    elif status == CLOSED:
        done.append(("Closed", CLOSED))
    return done


def reset() -> None:
    """Empty the desk: tickets, follow-ups, queues (and their permissions) and our staff."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE helpdesk_followup, helpdesk_ticket, helpdesk_queue RESTART IDENTITY CASCADE"
        )
    Permission.objects.filter(codename__startswith="queue_access_").delete()
    User.objects.filter(username__startswith=STAFF).delete()


def setup_desk(rng: random.Random) -> tuple[list[int], list[float], dict[int, int]]:
    """Queues through the ORM, so each gets the permission Queue.save() makes, and their staff
    (each user's helpdesk settings come from the post_save signal)."""
    queue_ids, weights, owners = [], [], {}
    for n in range(1, QUEUES + 1):
        queue = Queue.objects.create(title=f"第{n}社区", slug=f"c{n:04d}",
                                     email_address=f"c{n:04d}@example.com")  # fmt: skip
        user = User(username=f"{STAFF}{n:04d}", email=f"{STAFF}{n:04d}@example.com",
                    first_name=f"社区{n}", last_name="工作人员", is_staff=True)  # fmt: skip
        user.set_unusable_password()
        user.save()
        queue_ids.append(queue.pk)
        weights.append(0.7 + 0.6 * rng.random())
        owners[queue.pk] = user.pk
    return queue_ids, weights, owners


def copy(table: str, columns: list[str], rows: list[tuple]) -> None:
    with (
        connection.cursor() as wrapper,
        wrapper.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copying,
    ):
        for row in rows:
            copying.write_row(row)


def generate(tickets: int, seed: int = 2026) -> None:
    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        reset()
        queue_ids, weights, owners = setup_desk(rng)
    now = datetime.datetime.now(ZONE)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    span = 365 * YEARS
    # Office hours (8:00–18:00) of days over the span, sorted: ids follow creation, as in a desk.
    minutes = sorted(rng.randrange(span) * 600 + rng.randrange(600) for _ in range(tickets))
    queues = rng.choices(queue_ids, weights, k=tickets)
    followup_id = 0
    ticket_rows, followup_rows = [], []
    for pk, (minute, queue) in enumerate(zip(minutes, queues, strict=True), start=1):
        day, minute_of_day = divmod(minute, 600)
        age_days = span - 1 - day
        opened_at = datetime.timedelta(hours=8, minutes=minute_of_day)
        created = min(today - datetime.timedelta(days=age_days) + opened_at, now)
        status, assigned = fate(rng, age_days)
        owner = owners[queue] if assigned else None
        at = created
        for n, (title, new_status) in enumerate(steps(status, assigned, rng)):
            if n:
                at = min(at + datetime.timedelta(hours=rng.randint(1, 40)), now)
            followup_id += 1
            followup_rows.append((followup_id, pk, at, title, "已联系居民，正在处理。",
                                  True, new_status, owner if n else None))  # fmt: skip
        ticket_rows.append((
            pk, rng.choice(TITLES), created, at, f"r{rng.randrange(10**6):06d}@example.com",
            status, False, "居民反映的具体情况。" * rng.randint(1, 4),
            "已处理，情况已向居民说明。" if status in (RESOLVED, CLOSED) else None,
            rng.choices(*PRIORITIES)[0], created + datetime.timedelta(days=14), owner, queue,
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        ))  # fmt: skip
        if len(ticket_rows) == CHUNK or pk == tickets:
            with transaction.atomic():
                copy(Ticket._meta.db_table, TICKET_COLUMNS, ticket_rows)
                copy(FollowUp._meta.db_table, FOLLOWUP_COLUMNS, followup_rows)
            ticket_rows, followup_rows = [], []
            print(f"  {pk:>9,} tickets {time.perf_counter() - started:6.1f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        # The ids were given here: the app's next ticket and follow-up continue after them.
        for model, last in ((Ticket, tickets), (FollowUp, followup_id)):
            table = model._meta.db_table
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last])
        loaded = time.perf_counter() - started
        for model in (Ticket, FollowUp):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    print(
        f"Generated {tickets:,} tickets and {followup_id:,} follow-ups "
        f"({followup_id / tickets:.2f} a ticket) in {loaded:.1f} s, "
        f"VACUUM ANALYZE {time.perf_counter() - started - loaded:.1f} s",
        file=sys.stderr,
    )
