"""The quiz in chat: one question at a time, by button or typed, paused and resumed.

A one-step flow (`kuis`, step `answer`) whose data is the response being answered. Answers
are stored as they come (each in the turn's transaction), so the place in a questionnaire is
the first question without an answer: /batal leaves the flow, /kuis (the menu, or the
invitation's button) comes back to exactly that question, also after a restart. Buttons are
typed payloads (`handlers.evaluations.buttons`) read by the flow's desk: a button of an earlier
question is answered with "already answered" and the current question is asked again.
"""

from __future__ import annotations

from typing import Final, get_args

from handlers.conversation import flows
from handlers.conversation.messages import Document
from handlers.conversation.router import Desk, Feature, on
from handlers.conversation.texts import text
from handlers.conversation.turn import Turn
from handlers.evaluations import certificates
from handlers.evaluations.buttons import (
    AnswerValue,
    PickAnswer,
    SendCertificate,
    SkipAnswer,
    StartQuiz,
)
from handlers.evaluations.delivery import question_counts
from handlers.evaluations.policy import EvaluationPolicy
from handlers.evaluations.questionnaires import option_letter
from handlers.evaluations.scoring import (
    SCALE,
    AnswerRefused,
    ReadAnswer,
    current_question,
    letters_of,
    percent,
    read_button,
    read_typed,
    score,
)
from storage.evaluation_models import (
    Certificate,
    Question,
    QuizAnswer,
    QuizInvitation,
    QuizResponse,
)

FLOW_NAME: Final = "kuis"
STEP: Final = "answer"
SCALE_KEYS: Final = (
    "kuis.scale.1",
    "kuis.scale.2",
    "kuis.scale.3",
    "kuis.scale.4",
    "kuis.scale.5",
)
# Certificates /sertifikat sends at most, the newest.
MAX_SENT: Final = 5


def scale_labels(language: str) -> list[str]:
    """Return the words of the 1-5 scale in a language."""
    return [text(language, key) for key in SCALE_KEYS]


async def resume_command(turn: Turn, _arg: str) -> None:
    """Go on with the first unfinished questionnaire (/kuis, the menu)."""
    participant = await turn.participant()
    if participant is None:
        turn.say_with_menu("kuis.not_registered")
        return
    for invitation in await turn.storage.quizzes.open_for(participant.id, turn.now):
        if await start_next(turn, invitation):
            return
    turn.say_with_menu("kuis.none")


async def _next_response(turn: Turn, invitation: QuizInvitation) -> QuizResponse | None:
    """Return the invitation's first unsubmitted response (started now when new), or None."""
    storage = turn.storage
    for kind in invitation.kinds:
        response = await storage.quizzes.response_of(invitation.id, kind)
        if response is not None and response.submitted_at is not None:
            continue
        if response is None:
            questionnaire = await storage.questionnaires.for_session(kind, invitation.session_id)
            if questionnaire is None:
                continue
            response = await storage.quizzes.start(invitation.id, questionnaire.id, kind, turn.now)
        if not await storage.quizzes.answers(response.id):
            await _introduce(turn, invitation, response)
        return response
    return None


async def start_next(turn: Turn, invitation: QuizInvitation) -> bool:
    """Ask the next question of the invitation's first unsubmitted questionnaire.

    Returns False (and marks the invitation finished) when every one is submitted.
    """
    response = await _next_response(turn, invitation)
    if response is None:
        await turn.storage.quizzes.finish(invitation.id, turn.now)
        return False
    await FLOW.begin(turn, {"response": response.id})
    return True


async def _introduce(turn: Turn, invitation: QuizInvitation, response: QuizResponse) -> None:
    session = await turn.storage.sessions.get(invitation.session_id)
    counts = await question_counts(turn.storage, invitation.session_id, (response.kind,))
    turn.say(
        "kuis.intro",
        name=turn.t(f"kuis.kind.{response.kind}"),
        title=session.title if session is not None else "-",
        n=counts.get(response.kind, 0),
    )


async def _open_response(turn: Turn, data: flows.Data) -> QuizResponse | None:
    """Return the flow's response while its invitation is open; say why not otherwise."""
    response_id = data.get("response")
    response = None
    if isinstance(response_id, int):
        response = await turn.storage.quizzes.response(response_id)
    if response is None:
        turn.say_with_menu("stale_button")
        return None
    invitation = await turn.storage.quizzes.invitation(response.invitation_id)
    if invitation is None or invitation.closes_at <= turn.now:
        turn.say_with_menu("kuis.closed")
        return None
    return response


async def _ask(turn: Turn, data: flows.Data) -> flows.Asked:
    """Ask the current question; submit when none is left and go on to the next questionnaire."""
    response = await _open_response(turn, data)
    if response is None:
        return flows.End()
    storage = turn.storage
    questions = await storage.questionnaires.questions(response.questionnaire_id)
    answers = await storage.quizzes.answers(response.id)
    question = current_question(questions, answers)
    if question is None:
        following = await _submit(turn, response, questions, answers)
        return flows.End() if following is None else flows.Go(STEP, {"response": following.id})
    header = turn.t(
        "kuis.question",
        name=turn.t(f"kuis.kind.{response.kind}"),
        n=questions.index(question) + 1,
        total=len(questions),
    )
    body = [header, "", question.prompt]
    if question.type == "choice":
        body.append("")
        body += [f"{option_letter(i)}. {option}" for i, option in enumerate(question.options)]
        body += ["", turn.t("kuis.hint.choice", last=letters_of(question)[-1])]
    elif question.type == "scale":
        legend = ", ".join(
            f"{v} = {label}" for v, label in zip(SCALE, scale_labels(turn.language), strict=True)
        )
        body += ["", turn.t("kuis.hint.scale", legend=legend)]
    else:
        body += ["", turn.t("kuis.hint.text" if question.required else "kuis.hint.text_optional")]
    return flows.Prompt("\n".join(body))


async def _choices(turn: Turn, data: flows.Data) -> flows.Rows:
    """Offer the current question's buttons: its letters, the 1-5 scale, or Lewati."""
    response_id = data.get("response")
    if not isinstance(response_id, int):
        return ()
    response = await turn.storage.quizzes.response(response_id)
    if response is None:
        return ()
    questions = await turn.storage.questionnaires.questions(response.questionnaire_id)
    question = current_question(questions, await turn.storage.quizzes.answers(response.id))
    if question is None:
        return ()
    if question.type == "choice":
        letters = letters_of(question)
        picks = [
            flows.Choice(letter, PickAnswer(response.id, question.id, _value(index)))
            for index, letter in enumerate(letters)
        ]
        return tuple(tuple(picks[i : i + 5]) for i in range(0, len(picks), 5))
    if question.type == "scale":
        ratings = (PickAnswer(response.id, question.id, _value(v)) for v in SCALE)
        return (tuple(flows.Choice(pick.value, pick) for pick in ratings),)
    if not question.required:
        return ((flows.Choice(turn.t("kuis.skip"), SkipAnswer(response.id, question.id)),),)
    return ()


def _value(number: int) -> AnswerValue:
    """Return an option index or a rating as the button's one-digit value."""
    value = str(number)
    if value not in get_args(AnswerValue):
        raise ValueError(f"{number} is no answer value")
    return value  # type: ignore[return-value]


async def _read(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    """Read a typed answer to the current question; buttons go to the desk below."""
    response = await _open_response(turn, data)
    if response is None:
        return flows.End()
    questions = await turn.storage.questionnaires.questions(response.questionnaire_id)
    question = current_question(questions, await turn.storage.quizzes.answers(response.id))
    if question is None:
        return flows.Stay()
    if answer.text is None:
        turn.say("kuis.invalid.kind")
        return flows.Stay()
    try:
        read = read_typed(question, answer.text, scale_labels(turn.language))
    except AnswerRefused as refused:
        _say_refused(turn, question, refused)
        return flows.Stay()
    await _save(turn, response, question, read)
    return flows.Stay()


def _say_refused(turn: Turn, question: Question, refused: AnswerRefused) -> None:
    turn.say(f"kuis.invalid.{refused.reason}", last=letters_of(question)[-1:] or "A")


async def _save(turn: Turn, response: QuizResponse, question: Question, read: ReadAnswer) -> None:
    await turn.storage.quizzes.save_answer(
        response.id,
        question.id,
        turn.now,
        choice=read.choice,
        text=read.text,
        skipped=read.skipped,
    )


async def on_start(turn: Turn, pressed: StartQuiz) -> None:
    """Start or resume from an invitation's (or a nudge's) button."""
    participant = await turn.participant()
    invitation = await turn.storage.quizzes.invitation(pressed.invitation)
    if participant is None or invitation is None or invitation.participant_id != participant.id:
        turn.say_with_menu("stale_button")
        return
    if invitation.closes_at <= turn.now:
        turn.say_with_menu("kuis.closed")
        return
    if not await start_next(turn, invitation):
        turn.say_with_menu("kuis.finished")


async def on_pick(turn: Turn, pressed: PickAnswer) -> None:
    """Take a tapped option or rating as the answer, when it is the current question's."""
    await _pressed(turn, pressed.response, pressed.question, int(pressed.value))


async def on_skip(turn: Turn, pressed: SkipAnswer) -> None:
    """Leave an optional free-text question empty."""
    await _pressed(turn, pressed.response, pressed.question, None)


async def _pressed(turn: Turn, response_id: int, question_id: int, value: int | None) -> None:
    storage = turn.storage
    participant = await turn.participant()
    response = await storage.quizzes.response(response_id)
    invitation = (
        None if response is None else await storage.quizzes.invitation(response.invitation_id)
    )
    if (
        participant is None
        or response is None
        or invitation is None
        or invitation.participant_id != participant.id
    ):
        turn.say_with_menu("stale_button")
        return
    if invitation.closes_at <= turn.now:
        turn.say_with_menu("kuis.closed")
        return
    if response.submitted_at is not None:
        turn.say("kuis.already_answered")
        if not await start_next(turn, invitation):
            await turn.end_flow()
            turn.say_with_menu("kuis.finished")
        return
    questions = await storage.questionnaires.questions(response.questionnaire_id)
    answers = await storage.quizzes.answers(response.id)
    question = current_question(questions, answers)
    if question is not None and question.id == question_id:
        try:
            await _save(turn, response, question, read_button(question, value))
        except AnswerRefused as refused:
            _say_refused(turn, question, refused)
    else:
        turn.say("kuis.already_answered" if question_id in answers else "stale_button")
    await FLOW.begin(turn, {"response": response.id})


async def _submit(
    turn: Turn,
    response: QuizResponse,
    questions: list[Question],
    answers: dict[int, QuizAnswer],
) -> QuizResponse | None:
    """Score and store a finished questionnaire; return the next one to answer, if any."""
    storage = turn.storage
    result = score(questions, answers)
    right, out_of = result if result is not None else (None, None)
    await storage.quizzes.submit(response.id, right, out_of, turn.now)
    await storage.audit.record(turn.actor, f"quiz.submit.{response.kind}", None, turn.now)
    invitation = await storage.quizzes.invitation(response.invitation_id)
    assert invitation is not None  # noqa: S101 - responses reference invitations
    await _say_result(turn, invitation, response.kind, right, out_of)
    following = await _next_response(turn, invitation)
    if following is not None:
        return following
    await storage.quizzes.finish(invitation.id, turn.now)
    if invitation.phase == "pre":
        turn.say_with_menu("kuis.done.pre")
    else:
        await _certify(turn, invitation)
    return None


async def _say_result(
    turn: Turn, invitation: QuizInvitation, kind: str, right: int | None, out_of: int | None
) -> None:
    if kind == "evaluasi" or right is None:
        turn.say("kuis.done.evaluasi")
        return
    turn.say("kuis.done.test", name=turn.t(f"kuis.kind.{kind}"), score=right, total=out_of)
    if kind != "posttest":
        return
    before = await turn.storage.quizzes.submitted(
        invitation.session_id, invitation.participant_id, "pretest"
    )
    pre, post = percent(before.score, before.max_score) if before else None, percent(right, out_of)
    if pre is not None and post is not None:
        turn.say("kuis.improvement", pre=round(pre), post=round(post), change=f"{post - pre:+.0f}")


async def _certify(turn: Turn, invitation: QuizInvitation) -> None:
    storage, services = turn.storage, turn.services
    session = await storage.sessions.get(invitation.session_id)
    participant = await turn.participant()
    issued = None
    if session is not None and participant is not None:
        issued = await certificates.issue_if_qualified(
            storage, services.need(EvaluationPolicy), services.zone, session, participant, turn.now
        )
    if issued is None or session is None:
        turn.say_with_menu("kuis.done.post")
        return
    turn.say_with_menu("cert.congrats", title=session.title, number=issued.number)
    turn.replies.append(await _document(turn, issued))


async def send_certificates(turn: Turn, _arg: str) -> None:
    """Send the participant's certificates again (/sertifikat)."""
    participant = await turn.participant()
    if participant is None:
        turn.say_with_menu("kuis.not_registered")
        return
    held = await turn.storage.certificates.for_participant(participant.id)
    if not held:
        turn.say_with_menu("cert.none")
        return
    for certificate in held[-MAX_SENT:]:
        if certificate.revoked_at is not None:
            turn.say("cert.revoked", number=certificate.number)
            continue
        turn.replies.append(await _document(turn, certificate))


async def on_certificate(turn: Turn, pressed: SendCertificate) -> None:
    """Send the certificate a ready notice's button names, to its holder only."""
    participant = await turn.participant()
    certificate = await turn.storage.certificates.get(pressed.certificate)
    if participant is None or certificate is None or certificate.participant_id != participant.id:
        turn.say("stale_button")
        return
    if certificate.revoked_at is not None:
        turn.say("cert.revoked", number=certificate.number)
        return
    turn.replies.append(await _document(turn, certificate))


async def _document(turn: Turn, certificate: Certificate) -> Document:
    services = turn.services
    return await certificates.certificate_document(
        turn.storage,
        certificate,
        services.need(EvaluationPolicy),
        services.zone,
        turn.now,
        turn.language,
    )


# Starting or answering a questionnaire waits until another flow (registration, ...) is over.
QUIZ_BUTTONS: Final = (
    on(StartQuiz, on_start, starts_flow=True),
    on(PickAnswer, on_pick, starts_flow=True),
    on(SkipAnswer, on_skip, starts_flow=True),
)
FLOW: Final = flows.Flow(
    FLOW_NAME,
    {STEP: flows.Step(_ask, _read, _choices)},
    context=("response",),
    desk=Desk.of(QUIZ_BUTTONS),
)

FEATURE = Feature(
    "evaluations.quiz",
    commands={
        "kuis": resume_command,
        "quiz": resume_command,
        "sertifikat": send_certificates,
        "certificate": send_certificates,
    },
    flows=(FLOW,),
    # A certificate's download button works whatever the person is doing.
    buttons=(*QUIZ_BUTTONS, on(SendCertificate, on_certificate)),
    menu={"menu.quiz": "kuis", "menu.certificate": "sertifikat"},
)
