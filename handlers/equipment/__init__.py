"""Equipment: answers, the desk, rules, cases, BAST, import and export."""
