"""Evaluations after the bimtek: pre-test, post-test, evaluation form, and certificates.

- `questionnaires`: reading questionnaire files (YAML), every bad line reported;
- `catalogue`: importing them, and which questionnaire a session uses;
- `scoring`: reading a typed or tapped answer, scores, per-question results;
- `delivery`: who is invited when, nudges, closing (the scheduler calls it);
- `quiz`: the chat flow, one question at a time, paused by /batal and resumed by /kuis;
- `certificates`, `numbering`, `certificate_pdf`: who qualifies, issuing, the PDF;
- `results` and `rekap`: /rekap numbers and chart, and the evaluations export;
- `verification`: the public check page of a certificate;
- `buttons`: the typed button payloads (`kuis:`, `sertifikat:`);
- `features`: what the router answers (commands, flow, buttons).
"""
