"""Keep a TaskRun row for every Celery task, as Paperless-ngx does with its task records."""

from celery import signals
from django.utils import timezone

from shequ.models import TaskRun


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
