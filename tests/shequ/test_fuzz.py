"""No generated input gives a server error, on any page of any app.

Every URL pattern is walked as the owner of the rows (alice), so forms get as far as saving;
each query parameter a view was seen to read gets at least 200 generated values, and each page
that accepts a POST at least 200 generated submissions of the fields its forms show. Values mix
what a form offers, ids of rows (others' too), junk, huge strings, control characters and any
Unicode. Reproducible: the same inputs every run (derandomize).
"""

from __future__ import annotations

import datetime
import logging
import time
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.base import Template
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from shequ.models import ScopedModel
from tests.fuzz_walker import FormField, Target, fuzz_targets

EXAMPLES = 200
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
SPECIAL = [
    "", " ", "0", "-1", "1.5", "1e9", "１２", "abc", "9" * 40, "2026-02-30", "1900-01-01",
    "2999-12-31", "\x0b", "\x00", "\ufffe", "第一行\x0b第二行", "<script>alert(1)</script>",
    "' OR 1=1 --", "%", "\\", "on", "true", "null", "[]", "张三", "𠀀", "\u202e", "../../etc",
    "110101199003074477", "13812345678",
]  # fmt: skip
HUGE = ["x" * 20_000, "中" * 5_000, "9" * 5_000]


def row_ids() -> list[str]:
    """Primary keys of scoped rows of every app, the owner's and everyone else's."""
    ids: set[int] = set()
    for model in apps.get_models():
        if issubclass(model, ScopedModel):
            ids.update(model.objects.order_by("pk").values_list("pk", flat=True)[:20])
    return [str(pk) for pk in sorted(ids)] or ["1"]


def values(options: list[str], ids: list[str]) -> st.SearchStrategy:
    junk = st.one_of(
        st.sampled_from(ids),
        st.sampled_from(SPECIAL + HUGE),
        st.text(max_size=40),
        st.integers(min_value=0, max_value=300).map(str),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.dates(datetime.date(1800, 1, 1), datetime.date(2200, 1, 1)).map(str),
    )
    # Half the values are ones the page offers, so whole submissions often get to be saved.
    return st.one_of(st.sampled_from(options), junk) if options else junk


def field_values(each: FormField, ids: list[str]) -> st.SearchStrategy:
    if each.kind == "file":
        return st.binary(max_size=3_000).map(
            lambda content: SimpleUploadedFile("名单.xlsx", content)
        )
    single = values(each.options, ids)
    if each.kind == "checkbox":
        return st.one_of(single, st.lists(single, max_size=3))
    return single


def submissions(fields: dict[str, FormField], ids: list[str]) -> st.SearchStrategy:
    """Any subset of the fields, each with a generated value (or several, for checkboxes)."""
    return st.fixed_dictionaries(
        {}, optional={name: field_values(each, ids) for name, each in fields.items()}
    )


def queries(target: Target, params: set[str], ids: list[str]) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.one_of(
                values(target.param_options.get(name, []), ids),
                st.lists(values([], ids), min_size=2, max_size=3),
            )
            for name in sorted(params)
        },
    )


def _ours(target: Target) -> bool:
    """Whether the view is the project's own (not a package's, such as allauth)."""
    config = apps.get_containing_app_config(target.route.callback.__module__)
    return config is not None and Path(config.path).is_relative_to(django_settings.BASE_DIR)


def _short(data: dict) -> str:
    shown = {
        k: (v[:60] + "…" if isinstance(v, str) and len(v) > 60 else v) for k, v in data.items()
    }
    return repr(shown)


def fuzz(client: Client, method: str, target: Target, strategy: st.SearchStrategy) -> list[str]:
    """Send generated inputs; the first one that gives a 5xx (or an exception) is reported."""

    @FUZZ_SETTINGS
    @given(data=strategy)
    def check(data: dict) -> None:
        where = f"{method.upper()} {target.url} {_short(data)}"
        try:
            # A savepoint per request, so one failure cannot abort the rest of the walk.
            with transaction.atomic():
                response = getattr(client, method)(target.url, data)
        except Exception as error:
            raise AssertionError(f"{where}: raised {type(error).__name__}") from error
        assert response.status_code < 500, f"{where}: {response.status_code}"

    try:
        check()
    except AssertionError as error:
        return [str(error).splitlines()[0]]
    return []


def _render(template: Template, context) -> str:
    return template.nodelist.render(context)


@pytest.fixture
def fast_requests():
    """Django's test set-up copies the template context at every template rendered (each form
    widget is one) for `response.context`, and every 4xx is logged as a warning; the fuzzer
    needs neither, and they cost much of its time. Server errors are still logged."""
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        with mock.patch.object(Template, "_render", _render):
            yield
    finally:
        request_log.setLevel(level)


def test_no_generated_query_or_form_input_gives_a_server_error(world, capsys, fast_requests):
    started = time.monotonic()
    client = Client()
    client.force_login(world.alice)
    targets, failures = fuzz_targets(client, world.alice)
    ids = row_ids()
    requests, third_party_params = 0, set()
    for target in targets:
        assert target.status < 500, f"GET {target.url}: {target.status} on a clean request"
        params = target.params
        if not _ours(target):
            # A package's views share its parameter handling (allauth reads `next` in one
            # function for all of them): each of its parameters is fuzzed once.
            package = target.route.callback.__module__.split(".")[0]
            params = {p for p in params if (package, p) not in third_party_params}
            third_party_params |= {(package, p) for p in params}
        if params:
            client.force_login(world.alice)
            failures += fuzz(client, "get", target, queries(target, params, ids))
            requests += EXAMPLES
        if target.accepts_post:
            client.force_login(world.alice)
            failures += fuzz(client, "post", target, submissions(target.fields, ids))
            requests += EXAMPLES
    with capsys.disabled():
        print(
            f"\nfuzz walk: {len(targets)} URLs, {requests} requests, "
            f"{time.monotonic() - started:.0f} s"
        )
    assert not failures, "\n".join(failures)
    # The walk covered the forms and filters the registry is known to have.
    walked = {target.url: target for target in targets}
    assert {"q", "grid_unit", "status", "page"} <= walked["/residents/"].params
    assert {"grid_unit", "number", "kind"} <= set(walked["/residents/buildings/add/"].fields)
