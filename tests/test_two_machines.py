"""Two web processes, one PostgreSQL and one Redis: both agree the moment a save commits.

Starts two gunicorn servers on a database of this test's own, with the page cache in a
Redis database of its own; an editor saves an entry through server A's admin, and the next
request to server B (page, search, API) shows it. A save whose transaction is still open,
and is then rolled back, is seen by neither.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
DATABASE = "kb_two_machines"
REDIS_URL = "redis://127.0.0.1:6379/14"

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two machines share a PostgreSQL database"
)


def redis_available():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FormParser(HTMLParser):
    """The fields of the admin change form, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append(
                [a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")]
            )
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
            self.fields.append(self._textarea)
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append([self._select, a.get("value", "")])

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


class Browser:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.read().decode()

    def post(self, path, fields):
        data = urllib.parse.urlencode([tuple(f) for f in fields]).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=20) as response:
            return response.geturl(), response.read().decode()

    def form(self, path):
        parser = FormParser()
        parser.feed(self.get(path))
        return parser.fields


@pytest.fixture(scope="module")
def two_servers():
    if not redis_available():
        pytest.skip("no Redis at 127.0.0.1:6379")
    import psycopg

    admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin_url, autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {DATABASE}")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "two-machines-test-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "",
        "PAGE_CACHE": "1",
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "DJANGO_SUPERUSER_PASSWORD": "two-machines-pass",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def manage(*args, **kwargs):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                              capture_output=True, text=True, **kwargs)  # fmt: skip

    manage("migrate", "--no-input")
    manage("import_seeds")
    manage("collectstatic", "--no-input")
    manage("createsuperuser", "--no-input", "--username", "editor", "--email", "e@example.com")
    subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=False, capture_output=True)
    servers = []
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [GUNICORN, "kb.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        servers.append((process, f"http://127.0.0.1:{port}"))
    try:
        for _, base in servers:
            for _ in range(120):
                try:
                    urllib.request.urlopen(base + "/robots.txt", timeout=2).read()  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.25)
        yield [base for _, base in servers], manage, env
    finally:
        for process, _ in servers:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        with psycopg.connect(admin_url, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def entry_pk(manage):
    out = manage("shell", "--no-imports", "-c", "from questions.models import Entry; print(Entry.objects.get("
                 "document__filename__startswith='000_', key='19').pk)").stdout  # fmt: skip
    return int(out.split()[-1])


def result_link(pk):
    """How the search page links to entry ``pk`` (through /search/open/, which counts it)."""
    return f"&amp;entry={pk}&amp;rank="


def views(base, pk):
    reader = Browser(base)
    page = reader.get(f"/entries/{pk}/")
    search = reader.get("/search/?q=" + urllib.parse.quote("蜂鸟"))
    api = json.loads(reader.get("/api/entries/?source=000_a64cdc8e51d938e1.txt"))
    answer = next(r["answer"] for r in api["results"] if r["id"] == pk)
    return page, search, answer


def test_a_save_through_one_server_is_seen_through_the_other(two_servers):
    (a, b), manage, _ = two_servers
    pk = entry_pk(manage)
    for base in (a, b):  # both caches warm with the old text
        page, search, answer = views(base, pk)
        assert "蜂鸟" not in page and result_link(pk) not in search
    editor = Browser(a)
    fields = editor.form("/admin/login/")
    fields = [f for f in fields if f[0] not in ("username", "password")]
    editor.post(
        "/admin/login/?next=/admin/",
        [*fields, ["username", "editor"], ["password", "two-machines-pass"]],
    )
    change = f"/admin/questions/entry/{pk}/change/"
    fields = editor.form(change)
    fields = [[k, "蜂鸟计划：先找天使投资。" if k == "answer_zh_hans" else v] for k, v in fields]
    url, _ = editor.post(change, [*fields, ["_save", "保存"]])
    assert url.endswith("/admin/questions/entry/")
    page, search, answer = views(b, pk)
    assert "<p>蜂鸟计划：先找天使投资。</p>" in page
    assert result_link(pk) in search
    assert answer == "蜂鸟计划：先找天使投资。"


def test_a_rolled_back_save_is_seen_by_neither(two_servers):
    (a, b), manage, env = two_servers
    pk = entry_pk(manage)
    before = [views(base, pk)[0] for base in (a, b)]
    script = (
        "import sys\n"
        "from django.db import transaction\n"
        "from questions.models import Entry\n"
        "with transaction.atomic():\n"
        f"    e = Entry.objects.get(pk={pk})\n"
        "    e.answer_zh_hans = '永远不会提交'\n"
        "    e.save()\n"
        "    print('saved', flush=True)\n"
        "    sys.stdin.readline()\n"
        "    transaction.set_rollback(True)\n"
    )
    shell = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script], cwd=ROOT, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert shell.stdout.readline().strip() == "saved"  # the save waits, uncommitted
        during = [views(base, pk)[0] for base in (a, b)]
    finally:
        shell.communicate("\n", timeout=30)
    after = [views(base, pk)[0] for base in (a, b)]
    for html in during + after:
        assert "永远不会提交" not in html
    assert re.sub(r"\s+", " ", during[0]) == re.sub(r"\s+", " ", before[0])
    assert after == before
