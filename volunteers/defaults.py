"""The reference rows volunteering starts with (administrators change them in the admin),
written by a migration and again where a test or the demo needs them after a transactional
test emptied the tables."""

# 一星 to 五星 at 100 / 300 / 600 / 1,000 / 1,500 approved hours, as the national star
# recognition of volunteers counts them.
STAR_LEVELS = {1: 100, 2: 300, 3: 600, 4: 1000, 5: 1500}


def seed_star_levels(level_model=None) -> None:
    if level_model is None:
        from volunteers.models import StarLevel as level_model
    for level, hours in STAR_LEVELS.items():
        level_model.objects.get_or_create(level=level, defaults={"hours": hours})
