"""The survey under load (`make bench`, or `python bench/survey_load.py` alone): 300 respondents
answer within one minute against Granska served as production serves it.

The server is gunicorn with the production settings (GRANSKA_ENV=production, DEBUG off, static
files collected and served by WhiteNoise) on a PostgreSQL database of the bench's own, created,
migrated and filled here and dropped afterwards. The respondents are threads of this process using
only the standard library: each opens its link (GET, which sets the CSRF cookie), then sends a
complete answer (POST of `s-<statement>` and `t-<area>` with `csrfmiddlewaretoken`), as a browser
behind the production TLS proxy would (X-Forwarded-Proto: https, Origin). They arrive evenly over
60 seconds (5 a second), then a burst of 60 more answer all at once.

The links are made by Granska's own sending task; the bench reads them from the e-mails it wrote
(the token is stored nowhere else), in a setup process with Django's locmem e-mail backend.

Printed: `survey_submit_p95_ms` (the POSTs' 95th percentile), `survey_submissions_per_minute`,
`survey_errors` (answers not taken: a status other than 2xx/3xx, or no connection),
`survey_answers_stored` and `survey_answers_lost` (counted in the database afterwards), the burst's
p95, and `survey_submit_ratio`: the p95 against the p95 of the login page fetched by one client
alone from the same server in the same run (the machines are shared: read the ratio).

Why gunicorn with gthread workers, 2 processes of 4 threads (`SERVER` below): a submission is a
short transaction (a few queries, one row locked) and a page render, and the process waits on
PostgreSQL for part of it. On 2 cores, 2 processes use both cores for Python and their threads
overlap the waits on the database; 8 requests are served at once. The alternative gunicorn
recommends, sync workers at 2 × cores + 1 = 5 processes, served the steady minute as well (p95
44 ms both, on a shared machine) and the burst of 60 at once with a longer tail (p95 725 ms
against 377 ms), with 5 copies of Django in memory instead of 2. Both stay far inside the minute;
`--server sync` measures the alternative again.
"""

import argparse
import http.client
import io
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent

RESPONDENTS = 300
BURST = 60
MINUTE = 60.0
SERVERS = {
    # name: gunicorn arguments
    "gthread": ["--worker-class", "gthread", "--workers", "2", "--threads", "4"],
    "sync": ["--worker-class", "sync", "--workers", "5"],
}
SERVER = "gthread"
# The PostgreSQL server the bench makes its database on (the database named here is replaced).
DATABASE_URL = os.environ.get(
    "GRANSKA_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/granska_bench"
)
VALUES = ("helt", "ganska_bra", "ganska_daligt", "inte_alls", "ej_relevant")
LINK = re.compile(r"/enkat/([A-Za-z0-9_-]+)/")
FREE_TEXT = (
    "Handledningen fungerar bra men tiden räcker inte alltid till.",
    "Vi skulle vilja ha fler gemensamma utbildningsdagar.",
    "Bra introduktion; återkopplingen efter bedömningar kunde vara tydligare.",
    "Åäö och emoji 🙂 fungerar också.",
)


def show(name: str, value: object) -> None:
    print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}", flush=True)


# --- The setup process (Django, the bench's database) --------------------------------------


def setup(out: Path) -> None:
    """Migrates the bench's database and writes what the respondents need to `out` (JSON): a
    review in förberedelse with its round open and RESPONDENTS + BURST invitations, each link
    read from the e-mail Granska's sending task wrote."""
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the locmem e-mail backend: the links land in mail.outbox
    quiet = io.StringIO()  # `make bench` prints figures only
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("catalog", "load", verbosity=0, stdout=quiet)

    import datetime

    from django.utils import timezone

    from granska.accounts.models import Role, User
    from granska.catalog.models import ProtocolVersion
    from granska.lifecycle import Status
    from granska.reviews.models import Region, Specialty, UnitKind
    from granska.reviews.registers import care_provider_add, unit_register
    from granska.reviews.services import inspector_assign, review_create
    from granska.surveys.models import Invitation, Statement
    from granska.surveys.sending import invitation_send
    from granska.surveys.services import invitations_add, round_open
    from granska.surveys.vocabulary import Group
    from granska.workflow.moves import review_move

    protocol = ProtocolVersion.objects.get()
    if Path(settings.GRANSKA_DEFAULT_QUESTIONNAIRE).exists():
        call_command("questionnaire", "load", verbosity=0, stdout=quiet)
    else:
        questionnaire_made(protocol)

    kansli = User.objects.create_user(
        email="kansli@bench.test", full_name="Bänkens kansli", role=Role.KANSLI
    )
    inspectors = [
        User.objects.create_user(
            email=f"inspektor{n}@bench.test", full_name=f"Inspektör {n}", role=Role.INSPEKTOR
        )
        for n in (1, 2)
    ]
    unit = unit_register(
        by=kansli,
        name="Bänkklinikens mottagning",
        kind=UnitKind.KLINIK,
        care_provider=care_provider_add(by=kansli, name="Region Bänkby", confirm_similar=True),
        region=Region.objects.get_or_create(name="Region Bänkby")[0],
        specialty=Specialty.objects.get_or_create(name="Internmedicin")[0],
        contacts=[],
    )
    review = review_create(
        by=kansli,
        unit=unit,
        protocol=protocol,
        regulations=("HSLF-FS 2021:8",),
        visit_date=timezone.localdate() + datetime.timedelta(days=60),
    )
    for inspector in inspectors:
        inspector_assign(by=kansli, review=review, inspector=inspector)
    review = review_move(review=review, target=Status.FORBEREDELSE, by=kansli)
    round_ = round_open(
        by=kansli, review=review, closes_on=timezone.localdate() + datetime.timedelta(days=14)
    )
    groups = [Group.ST_LAKARE, Group.HANDLEDARE]
    count = RESPONDENTS + BURST
    text = (
        "\n".join(f"svarande{n}@bench.test, {groups[n % 2].value}" for n in range(count - 2))
        + "\nstudierektor@bench.test, studierektor\nchef@bench.test, verksamhetschef"
    )
    invitations_add(by=kansli, round_=round_, text=text, default_group=None)
    respondents = []
    statements = list(Statement.objects.filter(area__questionnaire=round_.questionnaire))
    areas = list(round_.questionnaire.areas.exclude(free_text="").values_list("code", flat=True))
    for invitation in Invitation.objects.filter(round=round_).order_by("pk"):
        mail.outbox.clear()
        assert invitation_send.call(invitation.pk, False)
        (message,) = mail.outbox
        found = LINK.search(str(message.body))
        assert found, "no link in the invitation"
        respondents.append(
            {
                "token": found.group(1),
                "group": invitation.group,
                "statements": [s.code for s in statements if invitation.group in s.groups],
                "areas": areas,
            }
        )
    out.write_text(json.dumps({"round": round_.pk, "respondents": respondents}))


def questionnaire_made(protocol: object) -> None:
    """A questionnaire of the shipped one's size when its file is not there: per area of the
    protocol, a statement for ST-läkare and handledare on each of its first criteria, two for
    ST-läkare only, one for the studierektor and verksamhetschef, and a free-text question."""
    from granska.catalog.models import ProtocolVersion
    from granska.surveys.models import Questionnaire, QuestionnaireArea, Statement

    assert isinstance(protocol, ProtocolVersion)
    questionnaire = Questionnaire.objects.create(
        code="bench-enkat",
        title="Bänkens enkät",
        protocol=protocol,
        source_name="bench",
        source_sha256="0" * 64,
    )
    for position, area in enumerate(protocol.areas.order_by("position")):
        criteria = [c.code for c in area.criteria.order_by("position")]
        qarea = QuestionnaireArea.objects.create(
            questionnaire=questionnaire,
            code=area.code,
            title=area.title,
            free_text="Vill du säga något mer om området?",
            position=position,
        )
        shapes = [(["st_lakare", "handledare"], [c]) for c in criteria[:5]]
        shapes += [(["st_lakare"], criteria[:1]), (["st_lakare"], criteria[1:2])]
        shapes += [(["studierektor", "verksamhetschef"], criteria[:2])]
        for number, (groups, mapped) in enumerate(shapes, start=1):
            Statement.objects.create(
                area=qarea,
                code=f"{area.code}{number}",
                text=f"Påstående {number} om {area.title.lower()}.",
                groups=groups,
                criteria=mapped,
                position=number,
            )


def counted(out: Path, round_id: int) -> None:
    """Writes the number of answers the round has stored, and how many invitations are marked
    answered, to `out`."""
    import django

    django.setup()
    from granska.surveys.models import Answer, Invitation

    out.write_text(
        json.dumps(
            {
                "answers": Answer.objects.filter(round_id=round_id).count(),
                "complete": sum(
                    1 for a in Answer.objects.filter(round_id=round_id) if a.values and a.free_text
                ),
                "answered": Invitation.objects.filter(round_id=round_id, answered=True).count(),
            }
        )
    )


# --- The bench's own process: database, server, respondents ---------------------------------


def database_recreate(url: str, *, drop_only: bool = False) -> None:
    """Drops the bench's database (forcing off any connection left) and makes it anew."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    assert re.fullmatch(r"[a-z_][a-z0-9_]*", name), f"not a plain database name: {name!r}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def production_env(var_dir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="granska.settings",
        GRANSKA_ENV="production",
        GRANSKA_SECRET_KEY="bench-" + "".join(random.choices("abcdefghijklmnopqrstuvwxyz", k=60)),
        GRANSKA_ALLOWED_HOSTS="127.0.0.1",
        GRANSKA_SITE_URL=f"https://127.0.0.1:{port}",
        GRANSKA_SSL_REDIRECT="0",
        GRANSKA_VAR_DIR=str(var_dir),
        DATABASE_URL=DATABASE_URL,
    )
    env.pop("GRANSKA_DEBUG", None)
    return env


def server_start(env: dict[str, str], port: int, server: str, log: Path) -> subprocess.Popen[bytes]:
    """gunicorn serving granska.wsgi, started in its own process group, once it answers."""
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "granska.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            *SERVERS[server],
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ended: {log.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/konto/login/", headers=HEADERS)
            connection.getresponse().read()
            connection.close()
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 seconds")


# What the production proxy in front of gunicorn adds, and the browser's own headers.
HEADERS = {"X-Forwarded-Proto": "https", "User-Agent": "granska-bench"}


class FormReader(HTMLParser):
    """The CSRF token and the stylesheets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.csrf = ""
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrfmiddlewaretoken":
            self.csrf = a.get("value") or ""
        if tag == "link" and a.get("rel") == "stylesheet" and a.get("href"):
            self.styles.append(str(a["href"]))


@dataclass
class Outcome:
    get_ms: float = 0.0
    post_ms: float = 0.0
    status: int = 0
    error: str = ""


@dataclass
class Load:
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def respond(port: int, respondent: dict[str, object], rng: random.Random, load: Load) -> None:
    """One respondent: opens the link (and its stylesheet, as a browser does), then sends a
    complete answer with the CSRF cookie and token."""
    outcome = Outcome()
    path = f"/enkat/{respondent['token']}/"
    origin = f"https://127.0.0.1:{port}"
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        page = response.read().decode()
        outcome.get_ms = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise RuntimeError(f"GET {response.status}")
        cookie = ""
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                cookie = value.split(";", 1)[0]
        reader = FormReader()
        reader.feed(page)
        for href in reader.styles[:1]:
            connection.request("GET", href, headers=HEADERS)
            connection.getresponse().read()
        csrf = reader.csrf or cookie.partition("=")[2]
        fields = [("csrfmiddlewaretoken", csrf)]
        fields += [(f"s-{code}", rng.choice(VALUES)) for code in respondent["statements"]]  # type: ignore[attr-defined]
        fields += [(f"t-{code}", rng.choice(FREE_TEXT)) for code in respondent["areas"]]  # type: ignore[attr-defined]
        body = urlencode(fields)
        headers = HEADERS | {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Origin": origin,
            "Referer": origin + path,
        }
        start = time.perf_counter()
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        outcome.post_ms = (time.perf_counter() - start) * 1000
        outcome.status = response.status
        if not 200 <= response.status < 400:
            outcome.error = f"POST {response.status}"
        connection.close()
    except Exception as error:
        outcome.error = outcome.error or f"{type(error).__name__}: {error}"
    with load.lock:
        load.outcomes.append(outcome)


def arrive(port: int, respondents: list[dict[str, object]], seconds: float, seed: int) -> Load:
    """The respondents arriving evenly over `seconds` (all at once for 0), each in a thread."""
    load = Load()
    threads = []
    start = time.monotonic()
    for n, respondent in enumerate(respondents):
        delay = start + seconds * n / len(respondents) - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(
            target=respond, args=(port, respondent, random.Random(seed + n), load)
        )
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return load


def p95(samples: list[float]) -> float:
    """The 95th percentile; nan for no samples (every request failed: see survey_errors)."""
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=20)[-1]


def warm_up(port: int, workers: int = 8, rounds: int = 6) -> None:
    """Every worker past its first requests (its templates and URLs loaded), from threads at
    once so that each worker gets some: the login page and a link that leads nowhere."""

    def fetch() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for n in range(rounds):
            path = "/konto/login/" if n % 2 else "/enkat/ingen-sadan-lank/"
            connection.request("GET", path, headers=HEADERS)
            connection.getresponse().read()
        connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def baseline_p95(port: int, rounds: int = 100) -> float:
    """The login page fetched by one client alone: the same server's floor in this run."""
    samples = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(rounds):
        start = time.perf_counter()
        connection.request("GET", "/konto/login/", headers=HEADERS)
        response = connection.getresponse()
        response.read()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, f"the login page answered {response.status}"
    connection.close()
    return p95(samples)


def run(server: str = SERVER, *, keep: bool = False) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="granska-load-"))
    port = free_port()
    env = production_env(var_dir, port)
    data_file = var_dir / "respondents.json"
    process = None
    try:
        database_recreate(DATABASE_URL)
        started = time.monotonic()
        subprocess.run(
            [str(BIN / "granska"), "collectstatic", "--noinput", "--verbosity", "0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        subprocess.run([PYTHON, __file__, "setup", str(data_file)], env=env, cwd=ROOT, check=True)
        print(f"survey load setup: {time.monotonic() - started:.0f} s", file=sys.stderr)
        data = json.loads(data_file.read_text())
        respondents = data["respondents"]
        process = server_start(env, port, server, var_dir / "gunicorn.log")
        warm_up(port)
        baseline = baseline_p95(port)

        started = time.monotonic()
        steady = arrive(port, respondents[:RESPONDENTS], MINUTE, seed=1)
        steady_s = time.monotonic() - started
        # The burst: the rest at once, the studierektor and verksamhetschef among them.
        started = time.monotonic()
        burst = arrive(port, respondents[RESPONDENTS:], 0.0, seed=2)
        burst_s = time.monotonic() - started

        subprocess.run(
            [PYTHON, __file__, "count", str(data_file), str(data["round"])],
            env=env,
            cwd=ROOT,
            check=True,
        )
        stored = json.loads(data_file.read_text())
        sent = len(steady.outcomes) + len(burst.outcomes)
        errors = [o for o in steady.outcomes + burst.outcomes if o.error]
        posts = [o.post_ms for o in steady.outcomes if not o.error]
        burst_posts = [o.post_ms for o in burst.outcomes if not o.error]
        taken = len(steady.outcomes) - sum(1 for o in steady.outcomes if o.error)
        show("survey_server", f"gunicorn {server} ({' '.join(SERVERS[server])})")
        show("survey_respondents", len(steady.outcomes))
        show("survey_submit_p95_ms", p95(posts))
        show("survey_submit_median_ms", statistics.median(posts) if posts else float("nan"))
        show("survey_page_p95_ms", p95([o.get_ms for o in steady.outcomes if not o.error]))
        show("survey_submissions_per_minute", taken / steady_s * 60)
        show("survey_burst_respondents", len(burst.outcomes))
        show("survey_burst_submit_p95_ms", p95(burst_posts))
        show("survey_burst_submissions_per_minute", len(burst_posts) / burst_s * 60)
        show("survey_errors", len(errors))
        show("survey_answers_stored", stored["answers"])
        show("survey_answers_lost", sent - len(errors) - stored["answers"])
        show("survey_answers_incomplete", stored["answers"] - stored["complete"])
        show("survey_baseline_p95_ms", baseline)
        show("survey_submit_ratio", p95(posts) / baseline)
        for error in sorted({o.error for o in errors})[:5]:
            print(f"survey error: {error}", file=sys.stderr)
    finally:
        if process is not None:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
        if not keep:
            database_recreate(DATABASE_URL, drop_only=True)
            shutil.rmtree(var_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", nargs="?", choices=["run", "setup", "count"], default="run")
    parser.add_argument("args", nargs="*")
    parser.add_argument("--server", choices=sorted(SERVERS), default=SERVER)
    parser.add_argument("--keep", action="store_true", help="keep the database and files")
    options = parser.parse_args()
    if options.step == "setup":
        setup(Path(options.args[0]))
    elif options.step == "count":
        counted(Path(options.args[0]), int(options.args[1]))
    else:
        run(options.server, keep=options.keep)


if __name__ == "__main__":
    main()
