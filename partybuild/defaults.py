"""The reference rows party building starts with (administrators change them in the admin),
written by migrations 0003 and 0005 and again by the seeding functions where a test or the demo
needs them after a transactional test emptied the tables."""

# The 2018 regulations on branch work: committee and group meetings monthly, the general
# meeting and the lecture quarterly; the theme day is each office's own practice.
COMPLIANCE_RULES = {
    "committee": "monthly",
    "group": "monthly",
    "general": "quarterly",
    "lecture": "quarterly",
    "theme_day": "none",
}

# 三必访 for party members, as the registry's must-visit tags (code, name, visit every N days). The
# registry already has 新迁入党员, which a transfer in puts on the member; it is made here only
# where an administrator has deleted it.
MUST_VISIT_TAGS = [
    ("new_party_member", "新迁入党员", 30),
    ("party_member_hardship", "困难党员", 30),
    ("party_member_ill", "患病党员", 30),
    ("deceased_member_family", "去世党员家属", 30),
]


def seed_compliance_rules(rule_model=None) -> None:
    if rule_model is None:
        from partybuild.models import ComplianceRule as rule_model
    for kind, frequency in COMPLIANCE_RULES.items():
        rule_model.objects.get_or_create(kind=kind, defaults={"frequency": frequency})


def seed_must_visit_tags(tag_model=None) -> None:
    if tag_model is None:
        from residents.models import ResidentTag as tag_model
    last = tag_model.objects.order_by("-order").values_list("order", flat=True).first() or 0
    for order, (code, name, days) in enumerate(MUST_VISIT_TAGS, start=last + 1):
        tag_model.objects.get_or_create(
            code=code, defaults={"name": name, "visit_every_days": days, "order": order}
        )
