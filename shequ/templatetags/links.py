from functools import cache

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import get_language

from shequ.access import Access
from shequ.views.generic import allowed_url as _allowed_url

register = template.Library()

# Rendered menus by (language, administrator, roles, the page when it is a menu link). A few
# dozen at most; the URLs and the labels in them change only with a new release.
_menus: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def allowed_url(context, name: str, *args, **kwargs) -> str:
    """`{% allowed_url "app:name" pk as url %}{% if url %}<a href="{{ url }}">…{% endif %}`:
    the URL, or "" when the user's roles may never use the page (so no link leads to a 404)."""
    return _allowed_url(context["access"], name, *args, **kwargs) or ""


@cache
def _highlighted() -> frozenset[str]:
    return frozenset({reverse("home"), reverse("community_list")})


@register.simple_tag(takes_context=True)
def navigation(context) -> str:
    """The main menu (includes/navigation.html), rendered once per kind of user: the template
    engine took 2.5 ms for it, as much as a whole health check."""
    access: Access = context["access"]
    path = context["request"].path
    key = (get_language(), access.is_admin, access.roles, path if path in _highlighted() else "")
    if key not in _menus:
        menu = get_template("includes/navigation.html")
        _menus[key] = menu.render({"access": access, "path": key[-1]})
    return _menus[key]
