"""Chinese by default, everywhere: also the few strings Django's own zh_Hans catalogue lacks."""

from django import forms
from django.utils import translation

from tuijin.orgs.models import Unit


class UnitChoice(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)
    kind = forms.ChoiceField(choices=[("", "—"), ("a", "A")], required=False)


def test_the_empty_choice_of_a_select_reads_in_chinese():
    with translation.override("zh-hans"):
        html = str(UnitChoice()["unit"])
    assert "- 请选择 -" in html
    assert "Select an option" not in html


def test_and_in_english_when_english_is_chosen():
    with translation.override("en"):
        assert "- Select an option -" in str(UnitChoice()["unit"])
