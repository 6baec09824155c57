from partybuild.filters import PartyMemberFilterSet


class DuesArrearsFilterSet(PartyMemberFilterSet):
    """The roster's filters, over members in every state by default: a member transferred out
    may leave owing."""

    defaults = {}
