from django import template

from shequ.views.generic import allowed_url as _allowed_url

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed_url(context, name: str, *args, **kwargs) -> str:
    """`{% allowed_url "app:name" pk as url %}{% if url %}<a href="{{ url }}">…{% endif %}`:
    the URL, or "" when the user's roles may never use the page (so no link leads to a 404)."""
    return _allowed_url(context["request"].access, name, *args, **kwargs) or ""
