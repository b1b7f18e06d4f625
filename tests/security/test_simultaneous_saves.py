"""Two people saving the same thing at the same moment: one save wins, the other is shown the
conflict (409). On SQLite the second used to meet "database is locked" and answer 500."""

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from granska.accounts.models import Role
from granska.catalog.models import ProtocolVersion
from granska.lifecycle import Status
from granska.reviews import services
from granska.reviews.models import AreaAssessment, Assignment
from tests.chain import graded_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_saves_of_an_area_give_one_save_and_one_conflict(
    protocol: ProtocolVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = graded_review(protocol, {}, status=Status.UTKAST)
    inspectors = [UserFactory(role=Role.INSPEKTOR) for _ in range(2)]
    for inspector in inspectors:
        Assignment.objects.create(review=review, inspector=inspector)
    area = review.protocol.areas.get(code="A")
    version = AreaAssessment.objects.get(review=review, area=area).version
    criteria = [c.code for c in area.criteria.all()]

    # Both saves have read the area when either writes: the moment two people press Save.
    both_read = threading.Barrier(2, timeout=1)
    record: Callable[..., Any] = services.finding_record

    def record_when_both_have_read(**kwargs: Any) -> Any:
        # The other save may be waiting for the lock instead: it reads after this one commits.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        time.sleep(0.05)
        return record(**kwargs)

    monkeypatch.setattr(services, "finding_record", record_when_both_have_read)
    answers: list[int] = []

    def save(n: int) -> None:
        client = Client()
        client.force_login(inspectors[n])
        data = {"version": str(version), "narrative": f"Text {n}"}
        for code in criteria:
            data |= {
                f"outcome-{code}": "delvis",
                f"note-{code}": f"Spara {n}",
                f"source-{code}": "",
            }
        data |= {"grade-2021": "", "reason-2021": ""}
        response = client.post(reverse("reviews:assessment", args=[review.pk, "A"]), data)
        answers.append(response.status_code)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == [302, 409]
    assessment = AreaAssessment.objects.get(review=review, area=area)
    assert assessment.version == version + 1
    assert assessment.narrative in ("Text 0", "Text 1")
