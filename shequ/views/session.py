import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST


@require_POST
@login_required
def keep_alive(request: HttpRequest) -> JsonResponse:
    """ "继续工作" on the idle warning: counts as activity, to the second (a page load counts only
    to the minute), and says how long the session now has."""
    request.session["last_activity"] = int(time.time())
    return JsonResponse({"seconds_left": settings.STAFF_SESSION_IDLE_SECONDS})
