"""The categories a new installation starts with (administrators change them in the admin),
written by migration 0002 and again by `seed_categories` where a test or the demo needs them after
a transactional test emptied the tables."""

# (code, name, working days, children); administrators change them in the admin.
CATEGORIES = [
    ("property", "物业与维修", 5, [
        ("property-elevator", "电梯故障", 2), ("property-water", "水电暖", 3),
        ("property-leak", "房屋漏水", 5), ("property-fee", "物业服务与收费", 10),
    ]),
    ("sanitation", "环境卫生", 3, [
        ("sanitation-rubbish", "垃圾清运", 2), ("sanitation-greening", "绿化养护", 5),
    ]),
    ("order", "市容秩序", 5, [
        ("order-parking", "车辆乱停", 3), ("order-stalls", "占道经营", 3),
        ("order-noise", "噪声扰民", 3),
    ]),
    ("neighbours", "邻里纠纷", 10, []),
    ("security", "治安与消防", 2, [
        ("security-fire", "消防隐患", 1), ("security-safety", "治安隐患", 2),
    ]),
    ("employment", "就业与社保", 10, []),
    ("assistance", "社会救助", 10, [
        ("assistance-elderly", "养老服务", 5), ("assistance-disability", "残疾人帮扶", 10),
    ]),
    ("other", "其他", 10, []),
]  # fmt: skip


def seed_categories(model=None) -> None:
    """Create the default categories that are missing; a category that exists is left as it is."""
    if model is None:
        from grievances.models import Category as model
    order = 0
    for code, name, days, children in CATEGORIES:
        order += 10
        parent, _ = model.objects.get_or_create(
            code=code, defaults={"name": name, "time_limit_days": days, "order": order}
        )
        for child_code, child_name, child_days in children:
            order += 1
            model.objects.get_or_create(
                code=child_code,
                defaults={"name": child_name, "time_limit_days": child_days, "order": order,
                          "parent": parent},
            )  # fmt: skip
