"""Questionnaire files: good ones are read whole, every bad line is reported, nothing stored."""

from __future__ import annotations

from importlib import resources

import pytest

from handlers.evaluations.catalogue import QuestionnaireInUse, import_questionnaire
from handlers.evaluations.questionnaires import (
    MAX_QUESTIONS,
    QuestionnaireError,
    normal_text,
    parse_questionnaire,
)
from storage import Storage
from tests.support.chat import NOW
from tests.support.evaluations import PRETEST, SHORT_EVALUASI, attendee, ended_session, load


def problems(text: str | bytes, kind: str = "pretest") -> list[str]:
    with pytest.raises(QuestionnaireError) as refused:
        parse_questionnaire(text, kind)  # type: ignore[arg-type]
    return refused.value.problems


def test_a_good_pretest_is_read_with_letters_or_option_text_as_correct() -> None:
    spec = parse_questionnaire(PRETEST, "pretest")
    assert spec.title == "Pre-test Batik Tulis"
    assert [q.ref for q in spec.questions] == ["q1", "q2", "q3"]
    assert [q.correct for q in spec.questions] == [0, 1, 0]
    assert spec.questions[1].options == ("Cat minyak", "Malam (lilin)", "Tinta")


def test_an_evaluation_defaults_to_scale_and_text_is_optional() -> None:
    spec = parse_questionnaire(SHORT_EVALUASI, "evaluasi")
    assert [(q.type, q.required) for q in spec.questions] == [
        ("scale", True),
        ("scale", True),
        ("text", False),
    ]


Q = "questions:\n"


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("", "pretest", ["line 1: expected 'title:' and a list of 'questions:'"]),
        ("title: x\n", "pretest", ["line 1: no 'questions:' list"]),
        (Q, "pretest", ["line 1: 'questions:' must be a list of at least one question"]),
        ("questions: [\n", "pretest", ["line 2: not valid YAML"]),
        (
            Q + "  - id: a\n    text: x\n    options: [P, Q]\n    correct: A\n"
            "  - id: A\n    text: y\n    options: [P, Q]\n    correct: B\n",
            "pretest",
            ["line 6: duplicate id 'A' (first used on line 2)"],
        ),
        (
            Q + "  - id: a\n    text: x\n    options: [P, Q]\n",
            "posttest",
            ["line 2: the question has no 'correct' option"],
        ),
        (
            Q + "  - id: a\n    text: x\n    options: [P, Q]\n    correct: C\n",
            "pretest",
            ["line 5: correct answer 'C' is not one of the options A-B"],
        ),
        (
            Q + "  - id: a\n    text: x\n    options: [P]\n    correct: A\n",
            "pretest",
            ["line 4: a choice question needs 2-4 options (A-D)"],
        ),
        (
            Q + "  - id: a\n    text: x\n    options: [P, Q, R, S, T]\n    correct: A\n",
            "pretest",
            ["line 4: a choice question needs 2-4 options (A-D)"],
        ),
        (
            Q + "  - id: a\n    text: x\n    options: [P, p.]\n    correct: A\n",
            "pretest",
            ["line 4: option 'p.' is given twice"],
        ),
        (Q + "  - id: a\n    type: scale\n    text: x\n", "pretest", ["line 3: a pretest has"]),
        (Q + "  - id: a\n    type: choice\n    text: x\n", "evaluasi", ["line 3: a evaluasi"]),
        (Q + "  - id: a\n    type: essay\n    text: x\n", "evaluasi", ["line 3: unknown type"]),
        (Q + "  - id: a\n    text: ''\n", "evaluasi", ["line 3: text is empty"]),
        (Q + f"  - id: a\n    text: {'x' * 501}\n", "evaluasi", ["line 3: text is longer"]),
        (Q + "  - id: a b\n    text: x\n", "evaluasi", ["line 2: an id has 1-32 letters"]),
        (Q + "  - text: x\n", "evaluasi", ["line 2: the question has no 'id'"]),
        (Q + "  - id: a\n    text: x\n    colour: red\n", "evaluasi", ["line 4: unknown key"]),
        (Q + "  - id: a\n    text: x\n    required: maybe\n", "evaluasi", ["line 4: 'required'"]),
        (Q + "  - id: a\n    text: x\n    options: [P, Q]\n", "evaluasi", ["line 4: 'options'"]),
        (Q + "  - just text\n", "evaluasi", ["line 2: a question must be a mapping"]),
        (
            "a: &x [1]\nquestions: *x\n",
            "evaluasi",
            ["line 1: anchors and aliases (& and *) are not allowed"],
        ),
        (b"questions:\n  - id: a\n    text: \xff\n", "evaluasi", ["line 3: not UTF-8 text"]),
        (
            Q + '  - id: "\'; DROP TABLE question; --"\n    text: x\n',
            "evaluasi",
            ["line 2: an id has 1-32 letters"],
        ),
    ],
)
def test_bad_lines_are_reported_with_their_line_number(
    text: str | bytes, kind: str, expected: list[str]
) -> None:
    found = problems(text, kind)
    assert len(found) == len(expected), found
    for got, wanted in zip(found, expected, strict=True):
        assert got.startswith(wanted), found


def test_every_bad_line_is_reported_in_line_order() -> None:
    text = (
        Q + "  - id: a\n    text: x\n    options: [P, Q]\n"  # no correct: line 2
        "  - id: a\n    text: y\n    options: [P, Q]\n    correct: Z\n"  # lines 5 and 8
    )
    found = problems(text)
    assert [problem.split(":")[0] for problem in found] == ["line 2", "line 5", "line 8"]


def test_ten_thousand_questions_are_refused_with_the_cap() -> None:
    text = Q + "".join(f"  - id: e{n}\n    text: Soal {n}\n" for n in range(10_000))
    assert problems(text, "evaluasi") == [
        f"line {2 + 2 * MAX_QUESTIONS}: too many questions (10000): at most"
        f" {MAX_QUESTIONS} in one questionnaire"
    ]


def test_a_huge_file_is_refused_before_it_is_read() -> None:
    assert problems("#" * 3_000_000) == ["line 1: the file is larger than 2000000 bytes"]


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Malam (Lilin)!", "malam lilin"),
        ("  B. ", "b"),
        ("Ｂ", "b"),
        ("sangat—baik", "sangat baik"),
    ],
)
def test_normal_text_ignores_case_punctuation_and_width(typed: str, folded: str) -> None:
    assert normal_text(typed) == folded


async def test_the_seeded_evaluation_form_is_the_shipped_sample(storage: Storage) -> None:
    shipped = (
        resources.files("handlers.evaluations") / "data" / "evaluasi-contoh.yaml"
    ).read_bytes()
    spec = parse_questionnaire(shipped, "evaluasi")
    seeded = await storage.questionnaires.find("evaluasi", None)
    assert seeded is not None and seeded.title == spec.title
    questions = await storage.questionnaires.questions(seeded.id)
    assert [(q.ref, q.type, q.prompt, q.required) for q in questions] == [
        (q.ref, q.type, q.prompt, q.required) for q in spec.questions
    ]


async def test_reimport_replaces_questions_only_while_nobody_answered(storage: Storage) -> None:
    session = await ended_session(storage)
    await load(storage, PRETEST, "posttest", session)
    replacement = parse_questionnaire(
        PRETEST.replace("Canting, Kuas", "Canting, Kuas tipis"), "posttest"
    )
    stored, replaced = await import_questionnaire(storage, replacement, session, NOW, actor="t")
    assert replaced
    questions = await storage.questionnaires.questions(stored.id)
    assert questions[0].options[1] == "Kuas tipis"
    # Someone answers: the questions are now fixed.
    participant = await attendee(storage, session, 1)
    async with storage.db.transaction():
        invitation = await storage.quizzes.invite(
            session.id, participant.id, "post", ["posttest"], NOW, NOW
        )
        assert invitation is not None
        response = await storage.quizzes.start(invitation.id, stored.id, "posttest", NOW)
        await storage.quizzes.save_answer(response.id, questions[0].id, NOW, choice=0)
    with pytest.raises(QuestionnaireInUse):
        await import_questionnaire(
            storage, parse_questionnaire(PRETEST, "posttest"), session, NOW, actor="t"
        )
    assert (await storage.questionnaires.questions(stored.id))[0].options[1] == "Kuas tipis"
