"""The community's organisation tree (党组织), each node's page, and its committee (班子)."""

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from partybuild.choices import MemberStatus, OrganizationKind, Post
from partybuild.forms.members import (
    OrganizationPostForm,
    PartyOrganizationForm,
    PostEndForm,
    eligible_for_post,
)
from partybuild.models import OrganizationPost, PartyMember, PartyOrganization
from residents.presenters import history_rows
from shequ.models import GridUnit
from shequ.models.scoping import CHANGE
from shequ.params import query_row
from shequ.views.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectUpdateView,
    ScopedMixin,
)

ACTIVE = Q(members__status=MemberStatus.ACTIVE)


def tree_rows(organizations: list[PartyOrganization]) -> list[tuple[int, PartyOrganization]]:
    """(depth, node) in tree order, children in their own order under each parent; a node whose
    parent the user may not see starts a tree of its own."""
    by_parent: dict[int | None, list[PartyOrganization]] = {}
    known = {node.pk for node in organizations}
    for node in organizations:
        by_parent.setdefault(node.parent_id if node.parent_id in known else None, []).append(node)
    rows: list[tuple[int, PartyOrganization]] = []

    def walk(parent: int | None, depth: int) -> None:
        for node in by_parent.get(parent, []):
            rows.append((depth, node))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return rows


def count_members_below(rows: list[tuple[int, PartyOrganization]]) -> None:
    """Each node's `member_total`: its own members and those of the nodes under it (a branch's
    include its groups'), from the `member_count` of each."""
    below: dict[int, int] = {}
    for _depth, node in reversed(rows):
        node.member_total = node.member_count + below.get(node.pk, 0)
        if node.parent_id:
            below[node.parent_id] = below.get(node.parent_id, 0) + node.member_total


class OrganizationTreeView(ScopedMixin, TemplateView):
    """党组织: the tree with each node's grid units, secretary, members and term, in four
    queries however large the tree."""

    queryset = PartyOrganization.objects.all()
    template_name = "partybuild/organization_tree.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        organizations = (
            self.get_queryset()
            .filter(dissolved_on__isnull=True)
            .select_related("community")
            .annotate(member_count=Count("members", filter=ACTIVE))
            .prefetch_related(
                Prefetch("grid_units", queryset=GridUnit.objects.visible_to(user)),
                Prefetch(
                    "posts",
                    queryset=OrganizationPost.objects.visible_to(user)
                    .filter(ended_on__isnull=True, post__in=[Post.SECRETARY, Post.GROUP_LEADER])
                    .select_related("member__resident"),
                    to_attr="leaders",
                ),
            )
            .order_by("community__code", "order", "pk")
        )
        organizations = list(organizations)
        unplaced = PartyMember.objects.visible_to(user).filter(
            status=MemberStatus.ACTIVE, organization__dissolved_on__isnull=False
        )
        rows = tree_rows(organizations)
        count_members_below(rows)
        return super().get_context_data(
            title=_("党组织"),
            rows=rows,
            several=len({node.community_id for node in organizations}) > 1,
            unplaced=unplaced.count(),
            **kwargs,
        )


class OrganizationDetailView(ObjectDetailView):
    queryset = PartyOrganization.objects.select_related("community", "parent")
    template_name = "partybuild/organization_detail.html"

    def get_context_data(self, **kwargs):
        user, node = self.request.user, self.object
        members = (
            PartyMember.objects.visible_to(user)
            .filter(Q(organization=node) | Q(organization__parent=node), status=MemberStatus.ACTIVE)
            .select_related("resident", "organization")
            .order_by("organization__order", "organization_id", "joined_on", "pk")
        )
        posts = (
            OrganizationPost.objects.visible_to(user)
            .filter(organization=node)
            .select_related("member__resident")
            .order_by("ended_on", "post", "started_on")
        )
        return super().get_context_data(
            node=node,
            children=PartyOrganization.objects.visible_to(user)
            .filter(parent=node, dissolved_on__isnull=True)
            .annotate(member_count=Count("members", filter=ACTIVE)),
            grid_units=GridUnit.objects.visible_to(user).filter(party_organizations=node),
            members=members,
            current_posts=[p for p in posts if p.ended_on is None],
            former_posts=[p for p in posts if p.ended_on is not None],
            history=history_rows(node, self.request.access),
            **kwargs,
        )


class OrganizationCreateView(ObjectCreateView):
    queryset = PartyOrganization.objects.all()
    form_class = PartyOrganizationForm
    title = _("新建党组织")
    success_message = _("已建立 %(object)s。")

    def get_initial(self):
        """Under the node the page was opened from, or under the community's top node: a
        community has one tree."""
        nodes = self.get_queryset().filter(dissolved_on__isnull=True)
        parent = query_row(self.request, "parent", nodes)
        if parent is None:
            tops = list(nodes.filter(parent__isnull=True)[:2])
            parent = tops[0] if len(tops) == 1 else None
        return {"parent": parent, "kind": child_kind(parent)}


def child_kind(parent: PartyOrganization | None) -> str:
    """What is usually built under a node: branches under a committee or general branch,
    groups under a branch."""
    if parent is None:
        return OrganizationKind.BRANCH
    if parent.kind == OrganizationKind.BRANCH:
        return OrganizationKind.GROUP
    return OrganizationKind.BRANCH


class OrganizationUpdateView(ObjectUpdateView):
    queryset = PartyOrganization.objects.select_related("community")
    form_class = PartyOrganizationForm
    title = _("修改党组织")
    success_message = _("已保存 %(object)s。")


class PostCreateView(ObjectCreateView):
    """登记班子成员 of one organisation."""

    queryset = OrganizationPost.objects.all()
    form_class = OrganizationPostForm
    title = _("登记班子成员")
    success_message = _("已登记：%(object)s。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            changeable = PartyOrganization.objects.visible_to(request.user, CHANGE)
            self.organization = get_object_or_404(changeable, pk=kwargs["party_organization_pk"])
            members = PartyMember.objects.visible_to(request.user, CHANGE)
            if not eligible_for_post(members, self.organization).exists():
                messages.info(
                    request, _("本社区没有可以登记职务的党员：在册党员都已在这个组织任职。")
                )
                return redirect(self.organization)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_initial(self):
        """The secretary first; once one is in office, the next post usually filled."""
        held = set(
            self.organization.posts.filter(ended_on__isnull=True).values_list("post", flat=True)
        )
        return {
            "post": next((post for post in Post.values if post not in held), Post.COMMITTEE_MEMBER)
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.organization, **kwargs)

    def get_success_url(self):
        return self.organization.get_absolute_url()


class PostEndView(ObjectUpdateView):
    """A member leaves a post: the row stays, with the day they left."""

    queryset = OrganizationPost.objects.filter(ended_on__isnull=True).select_related(
        "organization", "member__resident"
    )
    form_class = PostEndForm
    title = _("登记离任")
    success_message = _("已登记离任：%(object)s。")

    def get_success_url(self):
        return self.object.organization.get_absolute_url()
