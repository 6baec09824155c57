"""Which changes make a community's population snapshot stale.

Every save of a resident (registering, editing, moving out, death) and every change of their tags
goes through these, whichever view or service made it; bulk writes that bypass signals (the
Excel import) call `population_changed` themselves."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from residents.models import Resident
from residents.tasks import population_changed


@receiver(post_save, sender=Resident, dispatch_uid="population_resident_saved")
def resident_saved(sender, instance: Resident, **kwargs) -> None:
    population_changed(instance.community_id)


@receiver(m2m_changed, sender=Resident.tags.through, dispatch_uid="population_tags_changed")
def resident_tags_changed(sender, instance, action: str, reverse: bool, **kwargs) -> None:
    if action.startswith("post_") and not reverse:
        population_changed(instance.community_id)
