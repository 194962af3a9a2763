"""Every write of the indicators app, by subdomain: catalogue (indicators, targets, rules),
reporting (the monthly form and its workflow, corrections), imports (bulk Excel/API)."""
