from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """For the load balancer, and the ceiling the load test in bench/ compares every page with:
    it reads nothing, so it costs only what every request costs."""
    return HttpResponse("ok", content_type="text/plain")
