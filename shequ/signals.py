"""Keep a TaskRun row for every Celery task, as Paperless-ngx does with its task records, and a
user's resolved scope in step with their role assignments."""

from celery import signals
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from shequ.models import RoleAssignment, TaskRun
from shequ.models.scoping import forget_scope


@signals.task_prerun.connect
def task_started(sender=None, task_id=None, task=None, args=None, **kwargs) -> None:
    TaskRun.objects.update_or_create(
        task_id=task_id,
        defaults={"name": task.name, "args": list(args or []), "status": TaskRun.Status.STARTED},
    )


@signals.task_postrun.connect
def task_finished(sender=None, task_id=None, retval=None, state=None, **kwargs) -> None:
    status = TaskRun.Status.SUCCESS if state == "SUCCESS" else TaskRun.Status.FAILURE
    TaskRun.objects.filter(task_id=task_id).update(
        status=status, finished_at=timezone.now(), result=str(retval)[:2000]
    )


@receiver([post_save, post_delete], sender=RoleAssignment)
def forget_scope_on_assignment_change(sender, instance: RoleAssignment, **kwargs) -> None:
    """Every request loads its user afresh, so the next request sees the change anyway; this
    covers code that keeps one user object across the change (a script, a shell, a test)."""
    user = instance._state.fields_cache.get("user")
    if user is not None:
        forget_scope(user)
