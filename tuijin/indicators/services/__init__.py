"""Every write of the indicators app, by subdomain: catalogue (indicators, targets, rules),
reporting (the monthly form and its workflow, report corrections), corrections (the state
machine of every correction after the lock, which projects reuses), imports (bulk Excel/API)."""
