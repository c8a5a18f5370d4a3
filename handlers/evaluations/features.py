"""What the evaluations domain answers: /kuis, /sertifikat, the quiz flow and its buttons."""

from __future__ import annotations

from handlers.evaluations import quiz

FEATURES = (quiz.FEATURE,)
