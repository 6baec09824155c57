"""Selects are built in Python (a template per <option> was a quarter of a list page's time):
the HTML must be what Django's own select template makes, selected state and escaping included."""

import re

import pytest
from django import forms

from residents.filters import ResidentFilterSet
from shequ.models import GridUnit
from shequ.templatetags.shequ import filter_fields, widget


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "<b>甲</b> & “乙”"), ("b", "丙")])
    grouped = forms.ChoiceField(
        choices=[("东区", [("1", "一号楼"), ("2", "二号楼")]), ("西区", [("3", '三"号楼')])],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")])
    locked = forms.ChoiceField(choices=[("k", "K")], disabled=True)
    grid_unit = forms.ModelChoiceField(GridUnit.objects.order_by("pk"), empty_label="全部网格")


def django_html(field: forms.BoundField) -> str:
    css = "form-select is-invalid" if field.errors else "form-select"
    return field.as_widget(attrs={"class": css})


def same_markup(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plain": "a", "grouped": "3", "many": ["x", "z"], "grid_unit": "1"},
        {"plain": "<script>", "grouped": "nope", "many": ["q"], "grid_unit": "abc"},
    ],
)
def test_a_select_renders_as_djangos_own_template_does(world, data):
    form = Sample(data=data or None)
    form.is_valid()
    for field in form:
        assert same_markup(str(widget(field))) == same_markup(django_html(field)), field.name


def test_the_chosen_option_stays_selected_and_labels_are_escaped(world):
    form = Sample(data={"plain": "a", "grid_unit": str(world.grid_units[1].pk)})
    assert '<option value="a" selected>&lt;b&gt;甲&lt;/b&gt; &amp; “乙”</option>' in widget(
        form["plain"]
    )
    assert f'<option value="{world.grid_units[1].pk}" selected>' in widget(form["grid_unit"])


def test_the_filter_fields_render_the_dropdowns_with_the_chosen_grid_unit(rf, world):
    request = rf.get("/", {"grid_unit": world.grid_units[1].pk})
    request.user = world.alice
    request.access = type("Access", (), {"roles": frozenset({"community_staff"})})()
    filterset = ResidentFilterSet(request.GET, request=request)
    html = filter_fields(filterset.form)
    grid_unit = world.grid_units[1]
    assert f'<option value="{grid_unit.pk}" selected>{grid_unit.name}</option>' in html
    assert 'class="form-select"' in html
