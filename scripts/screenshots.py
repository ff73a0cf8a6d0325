"""Screenshots of the screens issue 15 changed, at 360 px, into docs/screenshots/.

    make screenshots            (or: .venv/bin/python scripts/screenshots.py [--port 8341])

Starts the app on a throwaway SQLite database filled by ``seed_demo --round-now 1`` (round 1
live now, the demo participant enrolled), logs in with Debian's Chromium through Playwright
as the demo participant, trainer, Chiang Mai coordinator and DLA administrator, and saves one
PNG per entry of ``SCREENS`` (full page, compressed with Pillow). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
WIDTH = 360
HEIGHT = 740
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Demo-only logins (accounts/demo.py, README.md).
LOGINS = {
    "participant": ("participant@example.com", "demo-participant-2569"),
    "trainer": ("trainer@example.com", "demo-trainer-2569"),
    "coordinator": ("coordinator@example.com", "demo-coordinator-2569"),
    "dla": ("admin@example.com", "demo-admin-2569"),
}


@dataclass(frozen=True)
class Screen:
    """One PNG: who looks (``None``: nobody logged in), at which URL name, and what to do
    before the picture (``action``: "menu" opens the phone menu)."""

    name: str
    role: str | None
    url_name: str | None  # None: where the log-in lands
    args: tuple[str, ...] = ()  # names of demo objects (see ``demo_ids``)
    action: str = ""
    full_page: bool = True
    kwargs: dict = field(default_factory=dict)


SCREENS = [
    Screen("landing-participant", "participant", None),
    Screen("landing-trainer", "trainer", None),
    Screen("landing-coordinator", "coordinator", None),
    Screen("landing-dla", "dla", None),
    Screen("my-training", "participant", "cms:my_training"),
    Screen("my-certificates", "participant", "certificates:mine"),
    Screen("test-page", "participant", "assessments:quiz", args=("pre_test",)),
    Screen("phone-menu", "participant", "cms:my_training", action="menu", full_page=False),
    Screen("trainer-console", "trainer", "training_sessions:console", args=("live_round",)),
    Screen("reports", "coordinator", "reports:rounds"),
    Screen("check-your-email", None, "account_email_verification_sent"),
    Screen("403", "participant", "reports:rounds"),
]


def demo_ids() -> dict[str, int]:
    """The primary keys the screens need, read from the seeded database."""
    from assessments.models import Quiz, QuizKind
    from courses.models import Round

    round_ = Round.objects.get(programme__code="esc-2569", number=1)
    quiz = Quiz.objects.filter(round=round_, kind=QuizKind.PRE_TEST).first()
    return {"live_round": round_.pk, "pre_test": quiz.pk if quiz else 0}


def screen_path(screen: Screen, ids: dict[str, int]) -> str | None:
    from django.urls import reverse

    if screen.url_name is None:
        return None
    return reverse(screen.url_name, args=[ids[name] for name in screen.args])


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (127.0.0.1 only)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _save_png(data: bytes, path: Path) -> None:
    try:
        from PIL import Image
    except ImportError:
        path.write_bytes(data)
        return
    image = Image.open(io.BytesIO(data))
    if image.width > WIDTH:  # a page without a viewport tag lays out at 980 px: its top left
        image = image.crop((0, 0, WIDTH, min(image.height, HEIGHT)))
    image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=128)
    image.save(path, optimize=True)


def _log_in(page, base: str, role: str) -> str:
    email, password = LOGINS[role]
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.wait_for_load_state("networkidle")
    return page.url


def _open_menu(page) -> None:
    button = page.locator(".site-header").get_by_role("button", name="เมนู")
    if button.count() and button.first.is_visible():
        button.first.click()


def take(base: str, screens: list[Screen], ids: dict[str, int]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved = []
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for screen in screens:
            context = browser.new_context(
                viewport={"width": WIDTH, "height": HEIGHT},
                device_scale_factor=1,
                is_mobile=True,
                has_touch=True,
                locale="th-TH",
                timezone_id="Asia/Bangkok",
            )
            page = context.new_page()
            if screen.role:
                _log_in(page, base, screen.role)
            path = screen_path(screen, ids)
            if path is not None:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
            if screen.action == "menu":
                _open_menu(page)
            target = OUT / f"{screen.name}.png"
            _save_png(page.screenshot(full_page=screen.full_page), target)
            saved.append(target)
            print(f"  {target.relative_to(ROOT)}  ({page.url.removeprefix(base)})")
            context.close()
        browser.close()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("SCREENSHOTS_PORT", 8341)))
    parser.add_argument("--only", nargs="*", help="names of screens to take (default: all)")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="esc-screenshots-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "ESC_PORT": str(options.port),
        "PYTHONUNBUFFERED": "1",
    }
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    print(f"Demo database in {workdir} ...")
    run = subprocess.run
    run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    run(
        [*manage, "seed_demo", "--round-now", "1"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    ids = demo_ids()

    server = subprocess.Popen(  # noqa: S603 (our own manage.py)
        [*manage, "runserver", f"127.0.0.1:{options.port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{options.port}"
    try:
        _wait_for(base + "/healthz/")
        OUT.mkdir(parents=True, exist_ok=True)
        screens = [s for s in SCREENS if not options.only or s.name in options.only]
        take(base, screens, ids)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
