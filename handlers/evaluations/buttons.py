"""The evaluation buttons: the quiz (`kuis:`) and a certificate's download (`sertifikat:`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.conversation.payloads import Payload


@dataclass(frozen=True)
class QuizButton(Payload, prefix="kuis"):
    """The quiz's buttons; each names the invitation or the response it belongs to."""


@dataclass(frozen=True)
class StartQuiz(QuizButton, tag="mulai"):
    """`kuis:mulai:<invitation>`: start or resume an invitation's questionnaires."""

    invitation: int


# An option's index (0 = A, at most four options) or a rating on the 1-5 scale: one digit
# keeps the largest ids within Telegram's 64 bytes.
AnswerValue = Literal["0", "1", "2", "3", "4", "5"]


@dataclass(frozen=True)
class PickAnswer(QuizButton, tag="a"):
    """`kuis:a:<response>:<question>:<value>`: an option (0 = A) or a 1-5 rating."""

    response: int
    question: int
    value: AnswerValue


@dataclass(frozen=True)
class SkipAnswer(QuizButton, tag="lewati"):
    """`kuis:lewati:<response>:<question>`: leave an optional free-text question empty."""

    response: int
    question: int


@dataclass(frozen=True)
class SendCertificate(Payload, prefix="sertifikat"):
    """`sertifikat:<certificate>`: send a certificate again, to its holder only."""

    certificate: int
