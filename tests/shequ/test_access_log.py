from django.test import RequestFactory

from shequ.models import AccessLog


def test_it_records_who_read_whose_data_and_from_where(world):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user = world.alice
    entry = AccessLog.record(request, world.community, "view_full_phone")
    assert (entry.user, entry.community, entry.action, entry.ip_address) == (
        world.alice, world.community, "view_full_phone", "10.1.2.3",
    )  # fmt: skip
    assert entry.object_id == str(world.community.pk)
    assert entry.object_repr == "甲机密社区"
    assert entry.at is not None
