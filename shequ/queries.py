from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_per_community(queryset: QuerySet) -> Coalesce:
    """A correlated count to annotate communities with, so a list page stays one query."""
    counted = queryset.filter(community=OuterRef("pk")).order_by().values("community")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)
