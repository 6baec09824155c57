import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from shequ.access import Access

# Writing the session on every request would cost a database write per page; a minute's
# precision is enough for a 30-minute limit.
_ACTIVITY_RESOLUTION = 60


def _idle_limited(request) -> bool:
    """Whether this is a signed-in staff session, asked without loading the user or their roles
    (two queries) when the session already says so: only staff sessions are stamped with their
    last activity. A view that needs neither, such as the health check, then costs one query."""
    if SESSION_KEY not in request.session:
        return False
    return "last_activity" in request.session or request.access.is_staff


class AccessMiddleware:
    """Attach `request.access`, and sign staff out after a spell of inactivity.

    Staff see residents' personal data, so a workstation left signed in must lock itself. The
    limit is kept in the session rather than in the cookie's lifetime, so it does not override
    the "remember me" choice (an unticked box still ends the session when the browser closes).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: Access(request.user))
        if _idle_limited(request):
            now = int(time.time())
            last = request.session.get("last_activity", now)
            if now - last > settings.STAFF_SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, _("长时间未操作，已自动退出，请重新登录。"))
                return redirect_to_login(request.get_full_path())
            if now - last >= _ACTIVITY_RESOLUTION or "last_activity" not in request.session:
                request.session["last_activity"] = now
            # What the page's idle warning (static/js/session.js) counts down from.
            request.idle_seconds_left = (
                request.session["last_activity"] + settings.STAFF_SESSION_IDLE_SECONDS - now
            )
        return self.get_response(request)
