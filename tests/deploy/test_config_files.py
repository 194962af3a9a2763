"""The systemd units, the nginx site and the PostgreSQL roles of deploy/ are valid as shipped."""

import configparser
import shutil
import subprocess
import uuid

import pytest
from django.core.management import call_command

from tests.deploy.conftest import ROOT
from tuijin.liaison import conf as liaison_conf
from tuijin.projects import conf as projects_conf
from tuijin.shell.management.commands import render_nginx
from tuijin.supervision import conf as supervision_conf

pytestmark = pytest.mark.deploy

UNITS = ROOT / "deploy" / "systemd"


def installed_units(tmp_path):
    """The units as installed with the code at ROOT (instead of /opt/tuijin), the worker for queue tuijin."""
    env_file = tmp_path / "tuijin.env"
    env_file.write_text("SECRET_KEY=x\n")
    paths = []
    for unit in sorted(UNITS.iterdir()):
        text = unit.read_text().replace("/opt/tuijin", str(ROOT)).replace("/etc/tuijin/tuijin.env", str(env_file))
        name = unit.name.replace("@.", "@tuijin.")
        (tmp_path / name).write_text(text)
        paths.append(tmp_path / name)
    return paths


def exec_lines(path):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path)
    if not parser.has_section("Service"):
        return []
    return [v for k, v in parser["Service"].items() if k.startswith("Exec")]


def test_the_systemd_units_are_valid(tmp_path):
    paths = installed_units(tmp_path)
    assert {p.name for p in paths} >= {"tuijin-web.service", "tuijin-worker@tuijin.service",
                                       "tuijin-scheduler.service", "tuijin.target"}  # fmt: skip
    for path in paths:  # every command names an executable of the install
        for line in exec_lines(path):
            program = line.split()[0]
            assert program.startswith((str(ROOT / ".venv" / "bin") + "/", "/bin/kill")), line
            assert shutil.which(program), line
    worker = exec_lines(tmp_path / "tuijin-worker@tuijin.service")[-1]
    assert "-A tuijin.core.taskqueue worker -Q %i" in worker
    assert "manage.py run_scheduler" in exec_lines(tmp_path / "tuijin-scheduler.service")[0]
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed: the ExecStart paths were checked with configparser")
    done = subprocess.run([analyze, "verify", "--man=no", *map(str, paths)],  # noqa: S603
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr


def rendered(settings, tmp_path):
    settings.X_ACCEL_REDIRECT_PREFIX = "/_protected/"
    settings.MEDIA_ROOT = tmp_path / "media"
    return render_nginx.render(server_name="tuijin.test", certificate=str(tmp_path / "cert.pem"),
                               certificate_key=str(tmp_path / "key.pem"), upstreams=["127.0.0.1:8000"])  # fmt: skip


def test_the_nginx_site_matches_the_settings(settings, tmp_path):
    site = rendered(settings, tmp_path)
    assert "{{" not in site
    size = -(-render_nginx.upload_limit_bytes() // render_nginx.MIB)
    largest = max(
        supervision_conf.ATTACHMENT_MAX_BYTES * supervision_conf.ATTACHMENTS_PER_UPLOAD,
        liaison_conf.SHEET_ATTACHMENT_MAX_BYTES * liaison_conf.SHEET_ATTACHMENTS_PER_SHEET,
        projects_conf.PHOTO_MAX_BYTES * projects_conf.PHOTOS_PER_MONTH,
    )
    assert size * render_nginx.MIB >= largest
    assert f"client_max_body_size {size}m;" in site
    protected = site[site.index("location /_protected/ {") :]
    assert "internal;" in protected.split("}")[0]
    assert f"alias {tmp_path / 'media'}/;" in protected
    assert f"alias {settings.STATIC_ROOT}/;" in site
    assert "location /media/ {\n        return 404;" in site
    assert "http://" not in site.replace("http://tuijin_app", "")  # nothing fetched from elsewhere


def test_nginx_accepts_the_rendered_site(settings, tmp_path):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed here (apt-get install nginx): the site was checked as text only")
    from tests.deploy.tls import self_signed

    self_signed(tmp_path / "cert.pem", tmp_path / "key.pem")
    (tmp_path / "site.conf").write_text(rendered(settings, tmp_path).replace("/var/log/nginx/", f"{tmp_path}/"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ access_log off; include {tmp_path}/site.conf; }}\n"
    )
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],  # noqa: S603
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_the_render_command_prints_the_site(capsys, settings, tmp_path):
    settings.X_ACCEL_REDIRECT_PREFIX = "/_protected/"
    call_command("render_nginx", "--server-name", "tuijin.test", "--certificate", "/c", "--certificate-key", "/k")
    assert "server_name tuijin.test;" in capsys.readouterr().out


def test_the_roles_sql_gives_the_app_role_rows_only():
    psql = shutil.which("psql")
    probe = psql and subprocess.run([psql, "-h", "/var/run/postgresql", "-d", "postgres", "-Atc",  # noqa: S603
                                     "select rolsuper from pg_roles where rolname = current_user"],
                                    capture_output=True, text=True, timeout=30)  # fmt: skip
    if not probe or probe.stdout.strip() != "t":
        pytest.skip("needs psql and a local PostgreSQL superuser")
    tag = uuid.uuid4().hex[:8]
    owner, app, db = f"t_owner_{tag}", f"t_app_{tag}", f"t_roles_{tag}"

    def sql(database, command, check=True):
        done = subprocess.run([psql, "-h", "/var/run/postgresql", "-d", database, "-v", "ON_ERROR_STOP=1",  # noqa: S603
                               "-Atc", command], capture_output=True, text=True, timeout=60)  # fmt: skip
        assert not check or done.returncode == 0, done.stderr
        return done

    try:
        done = subprocess.run([psql, "-h", "/var/run/postgresql", "-d", "postgres", "-v", "ON_ERROR_STOP=1",  # noqa: S603
                               "-v", f"owner={owner}", "-v", f"app={app}", "-v", f"dbname={db}",
                               "-f", str(ROOT / "deploy" / "postgres-roles.sql")],
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        sql(db, f"SET ROLE {owner}; CREATE TABLE t (id int)")  # the owner migrates
        assert sql(db, f"SET ROLE {app}; INSERT INTO t VALUES (1); DELETE FROM t").returncode == 0  # noqa: S608
        refused = sql(db, f"SET ROLE {app}; CREATE TABLE u (id int)", check=False)
        assert refused.returncode != 0
        assert "permission denied" in refused.stderr
        refused = sql(db, f"SET ROLE {app}; DROP TABLE t", check=False)
        assert refused.returncode != 0
    finally:
        sql("postgres", f"DROP DATABASE IF EXISTS {db}", check=False)
        sql("postgres", f"DROP ROLE IF EXISTS {app}", check=False)
        sql("postgres", f"DROP ROLE IF EXISTS {owner}", check=False)
