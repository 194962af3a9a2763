"""Input forms for units, groups, users and roles. They parse input; services decide."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import TablerMixin, VersionedForm
from tuijin.orgs.models import ADMIN_ROLES, AdminResetRequest, RankingGroup, Role, Unit, UnitType, User


class UnitForm(VersionedForm):
    code = forms.CharField(label=_("编码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=30, required=False)
    type = forms.ChoiceField(label=_("类型"), choices=UnitType.choices)
    parent = forms.ModelChoiceField(label=_("上级单位"), queryset=Unit.objects.all(), required=False)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    ranking_groups = forms.ModelMultipleChoiceField(
        label=_("所属排名组"),
        queryset=RankingGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, exclude_subtree_of: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.exclude(type=UnitType.DEPARTMENT)
        if exclude_subtree_of is not None:
            parents = parents.exclude(path__startswith=exclude_subtree_of.path)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda u: f"{'　' * (u.depth - 1)}{u.name}"

    @classmethod
    def initial_for(cls, unit: Unit) -> dict:
        return {
            "code": unit.code, "name": unit.name, "short_name": unit.short_name, "type": unit.type,
            "parent": unit.parent_id, "sort_order": unit.sort_order, "is_active": unit.is_active,
            "ranking_groups": list(unit.ranking_groups.all()), "version": unit.version,
        }  # fmt: skip


class GroupForm(VersionedForm):
    code = forms.CharField(label=_("编码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)
    units = forms.ModelMultipleChoiceField(
        label=_("成员单位"), queryset=Unit.objects.active(), required=False, widget=forms.CheckboxSelectMultiple
    )

    @classmethod
    def initial_for(cls, group: RankingGroup) -> dict:
        return {
            "code": group.code, "name": group.name, "description": group.description,
            "sort_order": group.sort_order, "units": list(group.units.all()), "version": group.version,
        }  # fmt: skip


class UserForm(VersionedForm):
    username = forms.CharField(label=_("账号"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=Unit.objects.active(), required=False)
    title = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label_from_instance = _indented
        if editing:
            # The unit is the account's data scope: the security administrator changes it.
            self.fields["unit"].disabled = True
            self.fields["unit"].help_text = _("所属单位决定数据范围，由安全管理员在“角色与范围”中调整。")

    @classmethod
    def initial_for(cls, user: User) -> dict:
        return {
            "username": user.username, "full_name": user.full_name, "unit": user.unit_id, "title": user.title,
            "phone": user.phone, "email": user.email, "is_active": user.is_active, "version": user.version,
        }  # fmt: skip


class NewUserForm(UserForm):
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("用户首次登录时须修改此密码。"),
    )

    field_order = ["username", "full_name", "unit", "title", "phone", "email", "password"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]
        self.fields["password"].help_text = " ".join(
            [str(self.fields["password"].help_text), str(password_validation.password_validators_help_text_html())]
        )


class ResetPasswordForm(TablerMixin, forms.Form):
    password = forms.CharField(label=_("临时密码"), widget=forms.PasswordInput(render_value=False))


class RolesForm(TablerMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=_("所属单位（数据范围）"), queryset=Unit.objects.active(), required=False,
        help_text=_("账号能看到本单位及下级单位的数据。"),
    )  # fmt: skip
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label_from_instance = _indented


class AdminResetRequestForm(TablerMixin, forms.Form):
    target = forms.ModelChoiceField(label=_("需重置的管理员"), queryset=User.objects.none())
    # Optional: a post without it (older clients) asks for a password reset, as before.
    kind = forms.TypedChoiceField(
        label=_("重置内容"), choices=AdminResetRequest.Kind.choices, required=False,
        empty_value=AdminResetRequest.Kind.PASSWORD, initial=AdminResetRequest.Kind.PASSWORD,
    )  # fmt: skip
    reason = forms.CharField(label=_("事由"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        admins = User.objects.filter(role_grants__role__in=ADMIN_ROLES).exclude(pk=actor.pk).distinct()
        self.fields["target"].queryset = admins.order_by("username")
        self.fields["target"].label_from_instance = lambda u: f"{u.username}（{'、'.join(u.role_labels())}）"


def _indented(unit: Unit) -> str:
    return f"{'　' * (unit.depth - 1)}{unit.name}"
