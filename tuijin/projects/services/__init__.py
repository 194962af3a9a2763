"""Every write of the projects app, by subdomain: library (projects, stages, milestones, plans,
batches, designations, node templates, imports), progress (monthly progress, photos, corrections,
the projects-fed indicators)."""
