"""The demo city 示例市: units, ranking groups and one login per role.

Every row is written through the services, as the demo administrators, so the demo's
audit log reads like a real installation's. Running it again changes nothing.
"""

from __future__ import annotations

from tuijin.orgs import services
from tuijin.orgs.models import RankingGroup, Role, Unit, UnitType, User

CITY = ("SL", "示例市")
COUNTIES = [
    ("SL-DH", "东湖区", [("SL-DH-HB", "湖滨街道"), ("SL-DH-DC", "东城街道")]),
    ("SL-XS", "西山区", [("SL-XS-SQ", "山前街道"), ("SL-XS-LT", "柳塘镇")]),
    ("SL-NJ", "南江区", [("SL-NJ-JK", "江口镇"), ("SL-NJ-XQ", "新桥镇")]),
    ("SL-BL", "北岭县", [("SL-BL-LX", "岭下镇"), ("SL-BL-BA", "白岩镇")]),
    ("SL-QC", "青川县", [("SL-QC-QS", "青石镇"), ("SL-QC-HT", "河头镇")]),
    ("SL-YX", "云溪县", [("SL-YX-YF", "云峰镇")]),
    ("SL-LH", "临河市", [("SL-LH-HX", "河西街道")]),
]
ZONES = [
    ("SL-GX", "示例高新区", [("SL-GX-KC", "科创街道"), ("SL-GX-ZH", "智慧谷街道")]),
    ("SL-KF", "示例经济开发区", [("SL-KF-GY", "港园街道")]),
]
DEPARTMENTS = [
    ("SL-FGW", "市发展和改革委员会", "市发改委"),
    ("SL-ZRZY", "市自然资源和规划局", "市资规局"),
    ("SL-STHJ", "市生态环境局", "市生态环境局"),
    ("SL-ZJ", "市住房和城乡建设局", "市住建局"),
    ("SL-SW", "市商务局", "市商务局"),
    ("SL-JX", "市经济和信息化局", "市经信局"),
]
GROUPS = [
    ("G-COUNTY", "县(市、区)组", "七个县(市、区)相互排名", [c[0] for c in COUNTIES]),
    ("G-ZONE", "平台组", "两个开发区(平台)相互排名", [z[0] for z in ZONES]),
]
# username, full name, unit code, role, title
PEOPLE = [
    ("demo-supervisor", "周督查", "SL", Role.SUPERVISOR, "市委督查室科长"),
    ("demo-leader", "李市长", "SL", Role.LEADER, "市长"),
    ("demo-head", "王区长", "SL-DH", Role.UNIT_HEAD, "东湖区区长"),
    ("demo-reporter", "陈填报", "SL-DH", Role.REPORTER, "东湖区发改局科员"),
    ("demo-reporter2", "刘填报", "SL-XS", Role.REPORTER, "西山区发改局科员"),
    ("demo-handler", "赵承办", "SL-ZRZY", Role.HANDLER, "市资规局用地科科员"),
]
ADMINS = [
    ("demo-sysadmin", "孙系统", Role.SYSADMIN),
    ("demo-secadmin", "钱安全", Role.SECADMIN),
    ("demo-auditor", "吴审计", Role.AUDITOR),
]
LOGINS = [a[0] for a in ADMINS] + [p[0] for p in PEOPLE]


def load(password: str) -> dict[str, User]:
    admins = _admins(password)
    sysadmin, secadmin = admins[Role.SYSADMIN], admins[Role.SECADMIN]
    city = _unit(sysadmin, CITY[0], CITY[1], UnitType.CITY, None)
    for code, name, towns in COUNTIES:
        county = _unit(sysadmin, code, name, UnitType.COUNTY, city)
        for town_code, town_name in towns:
            _unit(sysadmin, town_code, town_name, UnitType.TOWN, county)
    for code, name, towns in ZONES:
        zone = _unit(sysadmin, code, name, UnitType.ZONE, city)
        for town_code, town_name in towns:
            _unit(sysadmin, town_code, town_name, UnitType.TOWN, zone)
    for code, name, short in DEPARTMENTS:
        _unit(sysadmin, code, name, UnitType.DEPARTMENT, city, short_name=short)
    for code, name, description, members in GROUPS:
        if not RankingGroup.objects.filter(code=code).exists():
            units = Unit.objects.filter(code__in=members)
            services.group_create(actor=sysadmin, code=code, name=name, description=description, units=units)
    people = {u.username: u for u in admins.values()}
    for username, full_name, unit_code, role, title in PEOPLE:
        people[username] = _person(sysadmin, secadmin, password, username, full_name, unit_code, role, title)
    return people


def _admins(password: str) -> dict[str, User]:
    found = {}
    for username, full_name, role in ADMINS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.admin_bootstrap(username=username, password=password, role=role, full_name=full_name)
        found[role] = user
    return found


def _unit(actor, code, name, type_, parent, short_name="") -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = services.unit_create(actor=actor, code=code, name=name, type=type_, parent=parent, short_name=short_name)
    return unit


def _person(sysadmin, secadmin, password, username, full_name, unit_code, role, title) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.user_create(
            actor=sysadmin, username=username, password=password, full_name=full_name, title=title,
            unit=Unit.objects.get(code=unit_code), must_change_password=False,
        )  # fmt: skip
    if role not in user.roles:
        user = services.roles_set(actor=secadmin, user=user, roles=[*user.roles, role])
    return user
