import pytest

from granska.lifecycle import Status
from granska.surveys.models import Answer, Invitation, RoundGroup
from granska.surveys.services import LinkUnusable, answer_submit, round_close
from granska.surveys.vocabulary import Group
from tests.builders import review_at
from tests.survey_builders import answered, questionnaire_small, round_for


@pytest.mark.django_db
def test_core(protocol, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    questionnaire_small(protocol)
    review = review_at(Status.FORBEREDELSE, protocol)
    round_ = round_for(review)
    tokens = answered(round_, Group.ST_LAKARE, 5)
    assert Answer.objects.filter(round=round_).count() == 5
    with pytest.raises(LinkUnusable):
        answer_submit(token=tokens[0], values={}, free_text={})
    round_close(by=None, round_=round_)
    assert not Invitation.objects.exists()
    assert RoundGroup.objects.get().invited == 5
    assert Answer.objects.filter(round=round_).count() == 5
