"""The help desk: FAQ answers, tickets between participants and officers, the officer desk.

Participant side (`participant.py`): free text outside a flow is answered from the FAQ or the
person's own data, or becomes a ticket. Officer side (`desk.py`): alerts to every officer,
answers by replying to an alert or from /tiket, /peserta to start a conversation. The rules
(`matching.py`, `hours.py`, `rules.py`) are plain functions; `tickets.py` is the one service
chat, CLI and scheduler call. `features.py` is what the router sees.
"""
