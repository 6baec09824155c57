"""No URL of the project shows or changes a row of another community."""

from django.contrib.contenttypes.models import ContentType

from shequ.models import ScopedModel
from tests.conftest import SECRET
from tests.scope_walker import find_leaks, probes


def history_rows() -> int:
    models = [ct.model_class() for ct in ContentType.objects.all()]
    return sum(
        m.history.count()
        for m in models
        if m and issubclass(m, ScopedModel) and hasattr(m, "history")
    )


def test_it_walks_every_url_and_nothing_leaks_to_another_community(world):
    before = history_rows()
    assert find_leaks(world.alice, world.charlie, SECRET) == []
    assert history_rows() == before, "a stranger's POST changed a row"


def test_it_walks_the_project_views_with_the_owners_rows(world):
    built, problems = probes(world.alice)
    assert problems == []
    walked = {probe.route.name for probe in built if probe.owners_row}
    assert "community_detail" in walked
    assert len(built) > 50


def test_it_catches_a_view_that_forgets_the_scoping_mechanism(world, settings):
    settings.ROOT_URLCONF = "tests.shequ.leaky_urls"
    leaks = find_leaks(world.alice, world.charlie, SECRET, urlconf="tests.shequ.leaky_urls")
    assert any(leak.startswith("GET /leaky/communities/") and "404" in leak for leak in leaks)
    assert any("/leaky/communities/:" in leak and "other community" in leak for leak in leaks)
    assert all("/leaky/" in leak for leak in leaks), leaks
