"""调解: the mediation of a dispute case — open it, record the parties and the sessions, conclude
it — and the agreement printed in the 人民调解协议书 layout."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from grievances import services
from grievances.choices import Kind
from grievances.models import Grievance, Mediation
from grievances.models.mediation import Outcome, Side
from shequ.forms import CleanInputMixin, MobileField
from shequ.models import Role, User
from shequ.models.scoping import VIEW
from shequ.validators import not_in_future
from shequ.views.generic import ScopedMixin


class OpenForm(CleanInputMixin, forms.Form):
    mediator = forms.ModelChoiceField(label=_("调解员"), queryset=User.objects.none())
    facts = forms.CharField(
        label=_("纠纷主要事实、争议事项"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, community, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = User.objects.filter(
            role_assignments__role=Role.COMMUNITY_STAFF,
            role_assignments__community=community,
            is_active=True,
        ).order_by("name")


class PartyForm(CleanInputMixin, forms.Form):
    side = forms.ChoiceField(label=_("身份"), choices=Side.choices)
    name = forms.CharField(label=_("姓名或名称"), max_length=50)
    phone = MobileField(label=_("联系电话"), required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)


class SessionForm(CleanInputMixin, forms.Form):
    held_on = forms.DateField(
        label=_("调解日期"), validators=[not_in_future],
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    notes = forms.CharField(label=_("调解经过"), widget=forms.Textarea(attrs={"rows": 3}))


class ConcludeForm(CleanInputMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("调解结果"), choices=Outcome.choices)
    agreement = forms.CharField(
        label=_("协议内容"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("经调解，双方自愿达成的协议，逐条写明。"),
    )  # fmt: skip
    performance = forms.CharField(label=_("履行方式、时限"), max_length=200, required=False)


ACTIONS = {"open": OpenForm, "party": PartyForm, "session": SessionForm, "conclude": ConcludeForm}


class MediationView(ScopedMixin, TemplateView):
    """Addressed by the case (a dispute), which may not have its mediation yet."""

    queryset = Grievance.objects.filter(kind=Kind.DISPUTE)
    template_name = "grievances/mediation.html"

    @classmethod
    def allows(cls, access) -> bool:
        return access.is_admin or bool(Mediation.scope_roles[VIEW] & access.roles)

    def case(self) -> Grievance:
        cases = self.get_queryset().select_related("community__street")
        return get_object_or_404(cases, pk=self.kwargs["pk"])

    def mediation(self, case: Grievance) -> Mediation | None:
        return (
            Mediation.objects.visible_to(self.request.user)
            .select_related("mediator")
            .filter(grievance=case)
            .first()
        )

    def forms_for(self, case, mediation, data=None, action: str = "") -> dict:
        bound = {name: data if name == action else None for name in ACTIONS}
        if mediation is None:
            return {"open": OpenForm(bound["open"], prefix="open", community=case.community)}
        if mediation.outcome:
            return {}
        return {
            name: ACTIONS[name](bound[name], prefix=name)
            for name in ("party", "session", "conclude")
        }

    def get_context_data(self, **kwargs):
        case = kwargs.pop("case", None) or self.case()
        mediation = self.mediation(case)
        may_act = "community" in services.capacities(self.request.user, case)
        if mediation is None and not may_act:
            raise Http404
        forms_ = kwargs.pop("forms", None)
        if forms_ is None:
            forms_ = self.forms_for(case, mediation) if may_act else {}
        return super().get_context_data(
            case=case,
            mediation=mediation,
            parties=list(mediation.parties.all()) if mediation else [],
            sessions=list(mediation.sessions.all()) if mediation else [],
            forms=forms_,
            **kwargs,
        )

    def post(self, request, pk):
        case = self.case()
        mediation = self.mediation(case)
        action = request.POST.get("action", "")
        forms_ = self.forms_for(case, mediation, request.POST, action)
        form = forms_.get(action)
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                self.act(action, case, mediation, form.cleaned_data)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, _("已保存。"))
                return redirect("grievances:mediation", pk=case.pk)
        return self.render_to_response(self.get_context_data(case=case, forms=forms_))

    def act(self, action: str, case: Grievance, mediation: Mediation | None, data: dict) -> None:
        by = self.request.user
        if action == "open":
            services.mediation_open(grievance=case, by=by, **data)
        elif action == "party":
            services.mediation_add_party(mediation=mediation, by=by, **data)
        elif action == "session":
            services.mediation_record_session(mediation=mediation, by=by, **data)
        else:
            services.mediation_conclude(mediation=mediation, by=by, **data)


class AgreementView(MediationView):
    """人民调解协议书, printed on A4 for the parties and the mediator to sign."""

    template_name = "grievances/mediation_agreement.html"
    http_method_names = ["get"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["mediation"] is None or context["mediation"].outcome != Outcome.AGREED:
            raise Http404
        return {**context, "today": timezone.localdate()}
