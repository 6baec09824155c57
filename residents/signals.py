"""Which changes make a community's population snapshot stale.

Every save of a resident (registering, editing, moving out, death), every change of their tags
and every building moved to another grid unit goes through these, whichever view or service made
it; bulk writes that bypass signals (the Excel import) call `population_changed` themselves."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from residents.models import Building, Resident
from residents.tasks import population_changed


@receiver(post_save, sender=Resident, dispatch_uid="population_resident_saved")
@receiver(post_delete, sender=Resident, dispatch_uid="population_resident_deleted")
@receiver(post_save, sender=Building, dispatch_uid="population_building_saved")
def registry_row_saved(sender, instance: Resident | Building, **kwargs) -> None:
    population_changed(instance.community_id)


@receiver(m2m_changed, sender=Resident.tags.through, dispatch_uid="population_tags_changed")
def resident_tags_changed(sender, instance, action: str, reverse: bool, **kwargs) -> None:
    if action.startswith("post_") and not reverse:
        population_changed(instance.community_id)
