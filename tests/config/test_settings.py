import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DATABASE_URL": "postgres://esc@127.0.0.1:5432/esc",
    "ALLOWED_HOSTS": "esc.example.go.th",
    "SITE_URL": "https://esc.example.go.th",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_with_the_development_secret_key():
    env = {**PRODUCTION_ENV}
    del env["SECRET_KEY"]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_thai_is_the_default_language_in_bangkok_time():
    assert settings.LANGUAGE_CODE == "th"
    assert settings.TIME_ZONE == "Asia/Bangkok"
    assert settings.USE_TZ
    assert settings.WAGTAIL_I18N_ENABLED
    assert [code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES] == ["th", "en"]


def test_production_refuses_to_start_without_an_https_site_url():
    """Without SITE_URL it used to fall back to http://127.0.0.1 and silently turn Secure
    cookies, the HTTPS redirect and HSTS off."""
    without = {**PRODUCTION_ENV}
    del without["SITE_URL"]
    plain = {**PRODUCTION_ENV, "SITE_URL": "http://esc.example.go.th"}
    for env in (without, plain):
        result = run_manage("check", **env)
        assert result.returncode != 0
        assert "SITE_URL" in result.stderr
        assert "ESC_LOCAL_ONLY" in result.stderr


def test_the_local_only_flag_allows_http_on_this_machine_only():
    local = {
        **PRODUCTION_ENV,
        "ESC_LOCAL_ONLY": "1",
        "SITE_URL": "http://127.0.0.1:8000",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    result = run_manage("check", **local)
    assert result.returncode == 0, result.stderr
    for exposed in (
        {**local, "ALLOWED_HOSTS": "esc.example.go.th"},
        {**local, "SITE_URL": "http://esc.example.go.th"},
    ):
        result = run_manage("check", **exposed)
        assert result.returncode != 0
        assert "ESC_LOCAL_ONLY" in result.stderr


def test_make_prod_sets_the_local_only_flag():
    script = (BASE_DIR / "scripts" / "prod.sh").read_text()
    assert "ESC_LOCAL_ONLY=1" in script


def test_bbb_port_moves_the_emulator_and_the_address_the_platform_calls():
    # Two copies of `make run` side by side: the second one's BBB_PORT.
    printed = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; "
        "from sessions.management.commands.run_bbb_emulator import Command; "
        "parser = Command().create_parser('manage.py', 'run_bbb_emulator'); "
        "print(settings.BBB_URL, parser.parse_args([]).port)",
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        BBB_PORT="8190",
    )
    assert printed.stdout.split() == ["http://127.0.0.1:8190/bigbluebutton/api/", "8190"], (
        printed.stderr
    )
