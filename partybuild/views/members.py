"""Party files (党员电子档案): the roster, a member's file and the steps that change it."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from partybuild import services
from partybuild.choices import MEMBER_KINDS, MemberStatus
from partybuild.excel import IMPORT_SHEET, IMPORT_TITLE, import_template, roster_workbook
from partybuild.filters import PartyMemberFilterSet
from partybuild.forms.members import MemberForm, MoveForm, StatusForm, StepForm, TransferOutForm
from partybuild.models import (
    DuesMonth,
    MemberEvent,
    OrganizationPost,
    PartyMember,
    PartyOrganization,
)
from partybuild.models.organization import PARTY_KEEPERS
from partybuild.tables import PartyMemberTable
from residents.models import Building, Resident
from residents.models.people import REVEAL
from residents.presenters import history_rows
from shequ.excel import xlsx_response
from shequ.models.scoping import CHANGE
from shequ.net import client_ip
from shequ.params import query_row
from shequ.views.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    ScopedMixin,
    integrity_message,
)
from shequ.views.imports import ImportAccessMixin, ImportView

# The file shows a year of dues; the member's dues page has them all.
DUES_SHOWN = 12


class KeepersOnlyMixin:
    """Rosters are for those who keep the files: a member signed in as a resident has their
    own file, not a roster of one."""

    @classmethod
    def allows(cls, access) -> bool:
        return access.is_admin or bool(PARTY_KEEPERS & access.roles)


class MemberListView(KeepersOnlyMixin, ObjectListView):
    queryset = PartyMember.objects.select_related("resident", "organization", "community").only(
        "community__name", "organization__name", "resident__name", "resident__birth_date",
        "resident__community", "category", "status", "joined_on", "full_on", "post",
    )  # fmt: skip
    filterset_class = PartyMemberFilterSet
    title = _("党员")
    sortable = {
        "name": ("resident__name_initials", "resident__name_simplified"),
        "organization": ("organization__order", "organization__name"),
        "category": "category",
        "joined_on": "joined_on",
        "full_on": "full_on",
    }
    add_url_name = "partybuild:member_add"
    table_class = PartyMemberTable
    template_name = "partybuild/member_list.html"

    def get_context_data(self, **kwargs):
        access = self.request.access
        return super().get_context_data(
            search_placeholder=_("姓名、拼音首字母或岗位"),
            may_reveal=access.is_admin or bool(Resident.scope_roles[REVEAL] & access.roles),
            may_import=access.is_admin or bool(PartyMember.scope_roles[CHANGE] & access.roles),
            **kwargs,
        )


class MemberExportView(KeepersOnlyMixin, ScopedMixin, View):
    """党员花名册 as the roster is filtered on the page. Whole numbers come by POST only, so a
    prefetched or repeated link never writes the access log."""

    queryset = PartyMember.objects.all()

    def get(self, request):
        return self.export(request, full=False)

    def post(self, request):
        return self.export(request, full=True)

    def export(self, request, *, full: bool):
        filterset = PartyMemberFilterSet(request.GET, queryset=self.get_queryset(), request=request)
        members = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        roster = roster_workbook(
            access=request.access, members=members, full=full, ip_address=client_ip(request)
        )
        if roster.refused:
            messages.warning(request, _("你没有查看完整号码的权限，导出的号码已部分隐藏。"))
        stamp = f"{timezone.localtime():%Y%m%d-%H%M}"
        return xlsx_response(roster.content, f"党员花名册-{stamp}.xlsx")


class MemberImportTemplateView(ImportAccessMixin, View):
    queryset = PartyMember.objects.all()

    def get(self, request):
        community = self.chosen_community()
        names = []
        if community:
            names = (
                PartyOrganization.objects.visible_to(request.user, CHANGE)
                .filter(community=community, kind__in=MEMBER_KINDS, dissolved_on__isnull=True)
                .values_list("name", flat=True)
            )
        return xlsx_response(import_template(list(names)), f"{IMPORT_TITLE}.xlsx")


class MemberImportView(ImportView):
    queryset = PartyMember.objects.all()
    template_name = "partybuild/member_import.html"
    sheet = IMPORT_SHEET
    success_url = reverse_lazy("partybuild:member_list")
    template_url = reverse_lazy("partybuild:member_import_template")

    def run(self, community, file):
        return services.members_import(user=self.request.user, community=community, file=file)

    def done(self, result) -> str:
        return _("已导入 %(members)s 名党员的档案。") % {"members": result.members}


class MemberDetailView(ObjectDetailView):
    queryset = PartyMember.objects.select_related(
        "resident__household__building", "organization__parent", "community", "account"
    )
    template_name = "partybuild/member_detail.html"

    def get_context_data(self, **kwargs):
        user, member = self.request.user, self.object
        posts = OrganizationPost.objects.visible_to(user).filter(member=member)
        # The member reading their own file is not shown who changed it when.
        may_change = PartyMember.objects.visible_to(user, CHANGE).filter(pk=member.pk).exists()
        return super().get_context_data(
            may_change=may_change,
            member=member,
            resident=member.resident,
            events=MemberEvent.objects.visible_to(user)
            .filter(member=member)
            .select_related("organization", "by"),
            posts=posts.select_related("organization").order_by("-started_on"),
            zone=Building.objects.visible_to(user).filter(party_members=member),
            history=history_rows(member, self.request.access) if may_change else (),
            dues=DuesMonth.objects.visible_to(user)
            .filter(member=member)
            .order_by("-month")[:DUES_SHOWN],
            **kwargs,
        )


class MemberCreateView(ObjectCreateView):
    queryset = PartyMember.objects.all()
    form_class = MemberForm
    title = _("建立党员档案")
    success_message = _("已建立 %(object)s 的党员档案。")

    def get_initial(self):
        user = self.request.user
        return {
            "resident": query_row(self.request, "resident", Resident.objects.visible_to(user)),
            "organization": query_row(
                self.request, "organization", PartyOrganization.objects.visible_to(user, CHANGE)
            ),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                self.object = services.member_register(
                    form.save(commit=False), self.request.user,
                    transferred_from=data["transferred_from"], letter=data["letter"],
                )  # fmt: skip
                form.save_m2m()
                allowed = PartyMember.objects.visible_to(self.request.user, CHANGE)
                if not allowed.filter(pk=self.object.pk).exists():
                    transaction.set_rollback(True)
                    raise Http404
        except IntegrityError as error:
            form.instance.pk, form.instance._state.adding = None, True
            form.add_error(None, integrity_message(error, PartyMember))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"object": self.object})
        return redirect(self.object)


class MemberUpdateView(ObjectUpdateView):
    queryset = PartyMember.objects.select_related("resident")
    form_class = MemberForm
    title = _("修改党员档案")
    success_message = _("已保存 %(object)s 的党员档案。")


class MemberStepView(ScopedMixin, FormView):
    """One step on a file (transfer out, receipt, confirmation, move, status): its form, its
    service, the file's page afterwards. A refused step shows its reason on the form."""

    queryset = PartyMember.objects.select_related("resident", "organization")
    action = CHANGE
    template_name = "partybuild/member_step.html"
    title: str

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.member = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            if refusal := self.refusal():
                # A step the file's state does not allow is not offered as a form at all.
                messages.info(request, refusal)
                return redirect(self.member)
        return super().dispatch(request, *args, **kwargs)

    def refusal(self) -> str:
        """Why this step cannot be taken on the file now, or "" when it can."""
        if not self.member.active:
            return _("%(name)s的党籍状态为“%(status)s”，不能办理%(step)s。") % {
                "name": self.member, "status": self.member.get_status_display(),
                "step": self.title,
            }  # fmt: skip
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "member": self.member, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, member=self.member, **kwargs)

    def form_valid(self, form):
        try:
            event = self.take(form.cleaned_data)
        except services.Refused as refused:
            form.add_error(None, refused.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已登记 %(name)s：%(event)s。") % {"name": self.member, "event": event},
        )
        return redirect(self.member)

    def take(self, data: dict) -> MemberEvent:
        raise NotImplementedError


class MemberTransferOutView(MemberStepView):
    form_class = TransferOutForm
    title = _("组织关系转出")

    def take(self, data):
        event = services.member_transfer_out(
            self.member, self.request.user, day=data["day"], counterpart=data["counterpart"],
            note=data["note"],
        )  # fmt: skip
        messages.info(
            self.request,
            _("介绍信编号 %(letter)s，收到对方回执后请在档案中登记。") % {"letter": event.letter},
        )
        return event


class MemberReceiptView(MemberStepView):
    form_class = StepForm
    title = _("登记转出回执")

    def refusal(self):
        if not services.letter_awaiting_receipt(self.member):
            return _("%(name)s没有待回执的转出介绍信。") % {"name": self.member}
        return ""

    def take(self, data):
        return services.member_receipt(
            self.member, self.request.user, day=data["day"], note=data["note"]
        )


class MemberConfirmView(MemberStepView):
    form_class = StepForm
    title = _("预备党员转正")

    def refusal(self):
        if self.member.active and not self.member.probationary:
            return _("%(name)s已是正式党员。") % {"name": self.member}
        return super().refusal()

    def get_initial(self):
        return {"day": max(self.member.probation_due, timezone.localdate())}

    def take(self, data):
        return services.member_confirm(
            self.member, self.request.user, day=data["day"], note=data["note"]
        )


class MemberMoveView(MemberStepView):
    form_class = MoveForm
    title = _("调整所在党组织")

    def refusal(self):
        others = MoveForm(member=self.member, user=self.request.user).fields["organization"]
        if self.member.active and not others.queryset.exists():
            return _("本社区没有其他党支部或党小组可以调整。")
        return super().refusal()

    def take(self, data):
        return services.member_move(
            self.member, self.request.user, organization=data["organization"], day=data["day"],
            note=data["note"],
        )  # fmt: skip


class MemberStatusView(MemberStepView):
    form_class = StatusForm
    title = _("停止、恢复党籍或去世")

    def refusal(self):
        if self.member.status in (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED):
            return super().refusal()
        return ""

    def take(self, data):
        return services.member_status(
            self.member, self.request.user, kind=data["kind"], day=data["day"], note=data["note"]
        )


class OwnFileView(LoginRequiredMixin, TemplateView):
    """我的党员档案: a member signed in as a resident goes to their own file; anyone else is
    told how a file gets linked to their account."""

    template_name = "partybuild/member_own.html"

    def get(self, request, *args, **kwargs):
        own = PartyMember.objects.visible_to(request.user).filter(account=request.user).first()
        if own is not None:
            return redirect(own)
        return super().get(request, *args, **kwargs)
