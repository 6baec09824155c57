from django.conf import settings
from django.utils.functional import SimpleLazyObject

from shequ.access import Access


class AccessMiddleware:
    """Attach `request.access`, and give staff sessions a sliding idle timeout.

    Staff see residents' personal data, so a workstation left signed in must lock itself; the
    expiry is renewed on every request, which makes it an idle limit rather than a hard one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: Access(request.user))
        response = self.get_response(request)
        if request.user.is_authenticated and request.access.is_staff:
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return response
