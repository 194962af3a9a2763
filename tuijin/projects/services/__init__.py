"""Every write of the projects app, by subdomain: library (projects, stages, milestones, plans,
batches, designations, node templates, imports), progress (monthly progress, photos, the
projects-fed indicators), progress_corrections (a locked month's investment corrected)."""
