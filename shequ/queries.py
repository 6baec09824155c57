from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_related(queryset: QuerySet, field: str = "community") -> Coalesce:
    """A correlated count of `queryset` rows whose `field` is the outer row, so a list page
    carries every row's number in its one query however many rows it shows."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)
