"""Party files (党员电子档案): the roster, a member's file and the steps that change it."""

from django.utils.translation import gettext_lazy as _

from partybuild.filters import PartyMemberFilterSet
from partybuild.models import DuesMonth, MemberEvent, OrganizationPost, PartyMember
from partybuild.tables import PartyMemberTable
from residents.models import Building
from residents.presenters import history_rows
from shequ.views.generic import ObjectDetailView, ObjectListView

# The file shows a year of dues; the member's dues page has them all.
DUES_SHOWN = 12


class MemberListView(ObjectListView):
    queryset = PartyMember.objects.select_related("resident", "organization", "community").only(
        "community__name", "organization__name", "resident__name", "resident__birth_date",
        "resident__community", "category", "status", "joined_on", "full_on", "post",
    )  # fmt: skip
    filterset_class = PartyMemberFilterSet
    title = _("党员")
    sortable = {
        "name": ("resident__name_initials", "resident__name_simplified"),
        "organization": ("organization__order", "organization__name"),
        "category": "category",
        "joined_on": "joined_on",
        "full_on": "full_on",
    }
    add_url_name = "partybuild:member_add"
    table_class = PartyMemberTable

    def get_context_data(self, **kwargs):
        return super().get_context_data(search_placeholder=_("姓名、拼音首字母或岗位"), **kwargs)


class MemberDetailView(ObjectDetailView):
    queryset = PartyMember.objects.select_related(
        "resident__household__building", "organization__parent", "community", "account"
    )
    template_name = "partybuild/member_detail.html"

    def get_context_data(self, **kwargs):
        user, member = self.request.user, self.object
        posts = OrganizationPost.objects.visible_to(user).filter(member=member)
        return super().get_context_data(
            member=member,
            resident=member.resident,
            events=MemberEvent.objects.visible_to(user)
            .filter(member=member)
            .select_related("organization", "by"),
            posts=posts.select_related("organization").order_by("-started_on"),
            zone=Building.objects.visible_to(user).filter(party_members=member),
            history=history_rows(member, self.request.access),
            dues=DuesMonth.objects.visible_to(user)
            .filter(member=member)
            .order_by("-month")[:DUES_SHOWN],
            **kwargs,
        )
