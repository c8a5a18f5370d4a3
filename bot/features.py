"""The domains the bot is made of: their features, their sentences and what they provide.

The conversation core (handlers/conversation) names no domain; this module, part of the
composition root, lists them and hands them over. Adding a domain is a package in handlers/
with its `features.py`, then one line in FEATURES here (and, when it has them, its sentences in
SENTENCES, its menu buttons' place in MENU_ROWS, and what its handlers `need` in
`domain_services`).
"""

from __future__ import annotations

from typing import Final

from handlers.broadcasts.features import FEATURES as BROADCASTS
from handlers.console.features import FEATURES as CONSOLE
from handlers.conversation import texts
from handlers.conversation.router import Router
from handlers.equipment.features import FEATURES as EQUIPMENT
from handlers.evaluations import texts as evaluation_texts
from handlers.evaluations.features import FEATURES as EVALUATIONS
from handlers.evaluations.policy import EvaluationPolicy
from handlers.helpdesk import catalogue as helpdesk_catalogue
from handlers.helpdesk.features import FEATURES as HELPDESK
from handlers.helpdesk.matching import FaqIndex
from handlers.helpdesk.policy import HelpdeskPolicy
from handlers.officers.features import FEATURES as OFFICERS
from handlers.participants.features import FEATURES as PARTICIPANTS
from handlers.sessions.features import FEATURES as SESSIONS

FEATURES: Final = (
    *PARTICIPANTS,
    *SESSIONS,
    *EQUIPMENT,
    *BROADCASTS,
    *OFFICERS,
    *EVALUATIONS,
    *CONSOLE,
    *HELPDESK,
)

# The main menu keyboard: rows of the features' menu label keys.
MENU_ROWS: Final = (
    ("menu.register", "menu.schedule", "menu.equipment"),
    ("menu.profile", "menu.language", "menu.help"),
    ("menu.quiz", "menu.certificate"),
    ("menu.ask",),
)

# The domains that keep their sentences beside their code; the rest still sit in the core's.
SENTENCES: Final = (
    texts.Sentences(evaluation_texts.ID, evaluation_texts.EN, evaluation_texts.BUILT_KEYS),
    texts.Sentences(helpdesk_catalogue.ID, helpdesk_catalogue.EN),
)


def install_sentences() -> None:
    """Put every domain's sentences into the catalogues (again is harmless)."""
    texts.install(SENTENCES)


def build_router() -> Router:
    """Return the router over every feature, with the domains' sentences installed."""
    install_sentences()
    return Router(FEATURES, MENU_ROWS)


def domain_services(
    evaluations: EvaluationPolicy | None = None, helpdesk: HelpdeskPolicy | None = None
) -> tuple[object, ...]:
    """Return what the domains' handlers `need` from the services (defaults when not given)."""
    return (evaluations or EvaluationPolicy(), helpdesk or HelpdeskPolicy(), FaqIndex())
