"""The rules behind every report: a group of fewer than 5 shows as "fewer than 5", a total is
hidden when it would give a small group away by subtraction, rows use the programme's words,
and each chart's one-line summary says what the numbers show."""

import pytest

from feedback.models import Question
from feedback.reports import (
    FEW,
    PROTECTED,
    SHOWN,
    Tally,
    as_they,
    question_result,
    whos_for,
)
from participants.models import Perspective

P, C, Y = Perspective.PATIENT, Perspective.CARER, Perspective.YOUNG_PERSON
HP, M = Perspective.HEALTH_PROFESSIONAL, Perspective.MANAGER
SCALE = [(1, "SD"), (2, "D"), (3, "N"), (4, "A"), (5, "SA")]


def _set(*perspectives):
    return frozenset(perspectives)


def _tally(groups):
    """groups: {(perspectives...): {value: count}}"""
    tally = Tally()
    for perspectives, values in groups.items():
        for value, count in values.items():
            tally.add(_set(*perspectives), value, count)
            tally.answerers[_set(*perspectives)] += count
    return tally


def _result(groups, programme=None, text="I felt listened to"):
    return question_result(
        key="listened",
        text=text,
        kind=Question.Kind.SCALE,
        options=SCALE,
        tally=_tally(groups),
        whos=whos_for(programme),
        anchor="q",
    )


def _rows(result):
    return {row.who.key: row for row in result.rows}


def test_a_group_of_fewer_than_5_is_not_shown_and_its_numbers_are_left_out():
    result = _result({(P,): {4: 6}, (Y,): {1: 4}, (HP,): {5: 7}})
    rows = _rows(result)

    assert rows[Y].state == FEW
    assert rows[Y].cells == [] and rows[Y].agreed is None
    assert rows[P].state == SHOWN and rows[P].agreed == 100
    assert rows[HP].cells[4].count == 7


def test_five_people_are_enough_to_show_a_group():
    rows = _rows(_result({(Y,): {2: 5}}))

    assert rows[Y].state == SHOWN
    assert rows[Y].cells[1].count == 5


def test_a_total_that_would_give_away_a_small_group_by_subtraction_is_hidden():
    """Everyone minus patients minus professionals would be the 3 carers' answers."""
    rows = _rows(_result({(P,): {4: 8}, (C,): {1: 3}, (HP,): {5: 9}}))

    assert rows[C].state == FEW
    assert rows["everyone"].state == PROTECTED
    assert rows["lived_experience"].state == PROTECTED
    assert rows["professional"].state == SHOWN
    assert rows[P].state == rows[HP].state == SHOWN


def test_a_total_is_shown_when_what_is_left_is_5_or_more_people():
    rows = _rows(_result({(P,): {4: 8}, (C,): {1: 3}, (Y,): {1: 2}, (HP,): {5: 9}}))

    # Carers and young people together are 5: their total is not a small group.
    assert rows["lived_experience"].state == SHOWN
    assert rows["everyone"].state == SHOWN
    assert rows["everyone"].answered == 22


def test_someone_with_two_perspectives_is_counted_once_in_a_group():
    rows = _rows(_result({(P, C): {4: 5}, (P,): {2: 5}}))

    assert rows["lived_experience"].answered == 10
    assert rows[P].answered == 10 and rows[C].answered == 5
    assert rows["lived_experience"].cells[3].count == 5


def test_rows_use_the_programmes_own_words(programme):
    programme.lived_experience_term_plural = "patient partners"
    programme.professional_term_plural = "clinic team"

    labels = [who.label for who in whos_for(programme)]

    assert labels[:3] == ["Everyone", "All patient partners", "Patients"]
    assert "All clinic team" in labels
    assert "Young people" in labels


def test_the_summary_compares_the_groups_that_agreed_least_and_most(programme):
    programme.professional_term_plural = "clinic team"
    result = _result(
        {(Y,): {4: 2, 2: 3}, (HP,): {4: 17, 1: 3}},
        programme=programme,
    )

    assert result.summary == (
        "Young people agreed less often than clinic team that they felt listened to (40% vs 85%)."
    )


def test_the_summary_says_when_every_group_is_too_small():
    result = _result({(Y,): {4: 2}, (HP,): {4: 2}})

    assert result.summary == (
        "Fewer than 5 people in any group answered, so the answers are not shown."
    )
    assert [bar.percent for bar in result.bars] == [None, None, None, None, None]


def test_a_total_of_5_or_more_is_shown_even_when_each_group_in_it_is_too_small():
    """Nobody can be picked out of 6 people when no part of the 6 is shown."""
    rows = _rows(_result({(Y,): {4: 2}, (HP,): {4: 4}}))

    assert rows["everyone"].state == SHOWN
    assert rows[Y].state == rows[HP].state == FEW


def test_the_chart_has_a_bar_for_each_group_shown_and_a_note_for_the_others():
    result = _result({(P,): {5: 5, 1: 5}, (C,): {4: 1}})

    bars = {bar.label: bar for bar in result.bars}
    assert bars["Patients"].percent == 50
    assert bars["Patients"].text == "50% agreed (10 answered)"
    assert bars["Carers"].percent is None
    assert bars["Carers"].text == "Fewer than 5 answered: not shown"


@pytest.mark.parametrize(
    ("said", "of_others"),
    [
        ("I felt valued", "they felt valued"),
        ("My experience was respected", "their experience was respected"),
        ("The activities worked for people like me", "the activities worked for people like them"),
        ("I was able to say what I think.", "they were able to say what they think"),
        ("NHS staff were kind", "NHS staff were kind"),
    ],
)
def test_statements_are_turned_round_for_the_summary(said, of_others):
    assert as_they(said) == of_others


def test_a_question_that_is_a_question_is_quoted_in_the_summary():
    result = _result({(P,): {4: 5}}, text="Was it fun?")

    assert result.summary == "100% of patients agreed with “Was it fun?”."


def test_a_choice_questions_summary_names_the_answer_chosen_most_often():
    tally = Tally()
    tally.add(_set(P), 0, 3)
    tally.add(_set(P), 1, 6)
    tally.answerers[_set(P)] += 8
    result = question_result(
        key="travel",
        text="How did you travel?",
        kind=Question.Kind.MULTIPLE,
        options=[(0, "Bus"), (1, "Car")],
        tally=tally,
        whos=whos_for(None),
        anchor="q",
    )

    assert (
        result.summary == "The answer chosen most often was “Car” (75% of everyone who answered)."
    )
    assert [(bar.label, bar.percent) for bar in result.bars] == [("Bus", 38), ("Car", 75)]


def test_a_choice_chart_follows_the_largest_group_when_everyone_is_not_shown():
    tally = Tally()
    for perspectives, value, count in ((P, 0, 6), (C, 1, 2), (HP, 1, 5)):
        tally.add(_set(perspectives), value, count)
        tally.answerers[_set(perspectives)] += count
    result = question_result(
        key="travel",
        text="How did you travel?",
        kind=Question.Kind.SINGLE,
        options=[(0, "Bus"), (1, "Car")],
        tally=tally,
        whos=whos_for(None),
        anchor="q",
    )

    assert _rows(result)["everyone"].state == PROTECTED
    assert result.chart_note == "How often each answer was chosen by patients:"
    assert [(bar.label, bar.percent) for bar in result.bars] == [("Bus", 100), ("Car", 0)]
    assert result.summary == "The answer chosen most often was “Bus” (100% of patients)."
