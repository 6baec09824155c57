"""One structure, two formats. The JSON is the XML mapped by the Spark convention, as the spec
asks: a list is the plural element holding one singular element per item (`<services><service>`
becomes a JSON array of objects), booleans are `true`/`false`, a missing value is an empty
element or null."""

from __future__ import annotations

import json
from xml.etree import ElementTree

from django.http import HttpResponse

from shequ.text import strip_control

# The singular element of each list the spec defines.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # XML 1.0 cannot carry control characters at all, even escaped.
    return strip_control(str(value))


def _fill(element: ElementTree.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ElementTree.SubElement(element, key), item)
    elif isinstance(value, list):
        for item in value:
            _fill(ElementTree.SubElement(element, ITEMS[element.tag]), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, data)
    return _DECLARATION + ElementTree.tostring(element, encoding="utf-8", xml_declaration=False)


def render(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    """`root` names the XML document element; the JSON is `data` itself."""
    body = to_xml(root, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error document: `[{"code": 400, "description": "…"}]` / `<errors><error>`."""
    data = [{"code": status, "description": str(text)} for text in descriptions]
    return render(fmt, "errors", data, status)
