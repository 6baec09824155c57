"""Population figures for a community, or every community below an official, counted in SQL."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.views.generic import TemplateView

from residents.choices import AgeGroup, ResidenceStatus, ResidenceType, Status
from residents.models import Resident, ResidentTag
from residents.models.people import age_group_q
from residents.presenters import visible_tags
from shequ.models import Community, GridUnit
from shequ.models.scoping import VIEW
from shequ.params import query_row

LIVING = Q(status=Status.LIVING)


def with_counts(rows, counts) -> list:
    """Attach `n` from (id, count) pairs to each row."""
    by_id = dict(counts)
    rows = list(rows)
    for row in rows:
        row.n = by_id.get(row.pk, 0)
    return rows


class OverviewView(LoginRequiredMixin, TemplateView):
    template_name = "residents/overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        communities = Community.objects.visible_to(user)
        chosen = query_row(self.request, "community", communities)
        if chosen:
            communities = communities.filter(pk=chosen.pk)
        # Officials may count the people of their communities but never list them; workers
        # count exactly the residents they may see (a grid worker: their grid units).
        if self.request.access.roles & Resident.scope_roles[VIEW]:
            residents = Resident.objects.visible_to(user)
        else:
            residents = Resident.objects.all()
        residents = residents.filter(community__in=communities.values("pk"))
        several = chosen is None and communities.count() > 1

        def living_where(q: Q) -> Count:
            return Count("pk", filter=LIVING & q)

        figures = residents.aggregate(
            living=Count("pk", filter=LIVING),
            moved_out=Count("pk", filter=Q(status=Status.MOVED_OUT)),
            deceased=Count("pk", filter=Q(status=Status.DECEASED)),
            **{f"type_{t}": living_where(Q(residence_type=t)) for t in ResidenceType},
            **{f"res_{s}": living_where(Q(residence_status=s)) for s in ResidenceStatus},
            **{f"age_{i}": living_where(age_group_q(g)) for i, g in enumerate(AgeGroup)},
        )
        # Each breakdown is one GROUP BY pass; a count per row would rescan the residents for
        # every one of a district's thousand communities.
        living = residents.filter(LIVING).order_by()
        tagged = Resident.tags.through.objects.filter(resident__in=living.values("pk"))
        tags = with_counts(
            ResidentTag.objects.order_by("order", "pk"),
            tagged.values_list("residenttag").annotate(n=Count("pk")).order_by(),
        )

        def grid_units() -> list[GridUnit]:
            return with_counts(
                GridUnit.objects.filter(community__in=communities.values("pk")).select_related(
                    "community"
                ),
                living.values_list("household__building__grid_unit").annotate(n=Count("pk")),
            )

        def per_community() -> list[Community]:
            return with_counts(
                communities.select_related("street"),
                living.values_list("community").annotate(n=Count("pk")),
            )

        return super().get_context_data(
            choices=Community.objects.visible_to(user).select_related("street"),
            chosen=chosen,
            figures=figures,
            by_type=[(t.label, figures[f"type_{t}"]) for t in ResidenceType],
            by_residence=[(s.label, figures[f"res_{s}"]) for s in ResidenceStatus],
            by_age=[(g.label, figures[f"age_{i}"]) for i, g in enumerate(AgeGroup)],
            tags=visible_tags(tags, self.request.access),
            grid_units=None if several else grid_units(),
            per_community=per_community() if several else None,
            **kwargs,
        )
