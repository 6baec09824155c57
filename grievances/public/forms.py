"""The forms of the public desk: the submission (with the category's extra questions as fields),
the code lookup, the rating and the request to reopen."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grievances.choices import Kind, Rating
from grievances.models import Category
from grievances.models.cases import _CODE_ALPHABET, CODE_LENGTH
from residents.models import Building
from shequ.chinese import in_page_script
from shequ.forms import CleanInputMixin, MobileField
from shequ.images import PhotosField
from shequ.models import Community


def _question_field(question: dict) -> forms.Field:
    label = in_page_script(question["label"])
    required = bool(question.get("required"))
    values = [v for v in question.get("values", []) if isinstance(v, dict)]
    choices = [(str(v.get("key")), in_page_script(v.get("name") or v.get("key"))) for v in values]
    match question.get("datatype", "string"):
        case "number":
            return forms.DecimalField(label=label, required=required, max_digits=15,
                                      decimal_places=4)  # fmt: skip
        case "datetime":
            return forms.DateTimeField(
                label=label, required=required,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
            )  # fmt: skip
        case "text":
            return forms.CharField(label=label, required=required, max_length=1000,
                                   widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
        case "singlevaluelist":
            return forms.ChoiceField(label=label, required=required,
                                     choices=[("", "—"), *choices])  # fmt: skip
        case "multivaluelist":
            return forms.MultipleChoiceField(label=label, required=required, choices=choices,
                                             widget=forms.CheckboxSelectMultiple)  # fmt: skip
    return forms.CharField(label=label, required=required, max_length=200)


QUESTION_PREFIX = "q_"


class SubmissionForm(CleanInputMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("性质"), choices=Kind.choices,
                             initial=Kind.HELP)  # fmt: skip
    title = forms.CharField(
        label=gettext_lazy("事由"), max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("一句话说明，例如：3号楼电梯停运")}
        ),
    )  # fmt: skip
    description = forms.CharField(
        label=gettext_lazy("具体情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    building = forms.ModelChoiceField(
        label=gettext_lazy("楼栋"), queryset=Building.objects.none(), required=False,
        empty_label=gettext_lazy("（不在楼栋里，或不清楚）"),
    )  # fmt: skip
    address = forms.CharField(
        label=gettext_lazy("地点"), max_length=200, required=False,
        help_text=gettext_lazy("例如：3号楼2单元门口、小区东门"),
    )  # fmt: skip
    contact_name = forms.CharField(label=gettext_lazy("您的称呼"), max_length=50)
    contact_phone = MobileField(
        label=gettext_lazy("手机号码"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel",
                                      "placeholder": gettext_lazy("11 位手机号码")}),
        help_text=gettext_lazy("只有社区工作人员能看到，用于回访。"),
    )  # fmt: skip
    photos = PhotosField(
        label=gettext_lazy("照片"), required=False,
        help_text=gettext_lazy("最多 3 张，JPEG、PNG 或 WebP，每张不超过 10 MB。"),
    )  # fmt: skip
    # The honeypot: hidden from people by the page's style, filled in by bots that fill in
    # every box. A submission with it is thanked and dropped.
    website = forms.CharField(
        label=gettext_lazy("网址"), required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )  # fmt: skip

    def __init__(self, *args, community: Community, category: Category, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        self.fields["building"].queryset = Building.objects.filter(community=community)
        for question in category.questions:
            self.fields[QUESTION_PREFIX + question["code"]] = _question_field(question)
        # The questions go after the description, the contact details last.
        order = ["kind", "title", "description", *self.question_names(), "building", "address",
                 "contact_name", "contact_phone", "photos", "website"]  # fmt: skip
        self.order_fields(order)

    def question_names(self) -> list[str]:
        return [QUESTION_PREFIX + q["code"] for q in self.category.questions]

    def clean(self):
        cleaned = super().clean()
        place = cleaned.get("building") or (cleaned.get("address") or "").strip()
        if not place and "address" not in self.errors:
            self.add_error("address", _("请选择楼栋或填写地点。"))
        return cleaned

    def answers(self) -> dict:
        answers = {}
        for question in self.category.questions:
            value = self.cleaned_data.get(QUESTION_PREFIX + question["code"])
            if value in (None, "", []):
                continue
            answers[question["code"]] = value if isinstance(value, list | str) else str(value)
        return answers

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


def normalize_code(value: str) -> str:
    """A code as people type it: lower case, with spaces or dashes, O for 0 and I for 1."""
    value = "".join((value or "").split()).replace("-", "").upper()
    return value.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def is_code(value: str) -> bool:
    return len(value) == CODE_LENGTH and all(c in _CODE_ALPHABET for c in value)


class LookupForm(CleanInputMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("查询码"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "placeholder": "XXXX-XXXX-XXXX"}),
    )  # fmt: skip

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if not is_code(code):
            raise ValidationError(_("查询码是 12 位字母和数字，请核对回执。"))
        return code


class RatingForm(CleanInputMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("满意度"), choices=Rating.choices, coerce=int,
        widget=forms.RadioSelect,
    )  # fmt: skip
    comment = forms.CharField(
        label=gettext_lazy("评价"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class ReopenForm(CleanInputMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("还有什么没有解决"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
