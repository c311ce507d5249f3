"""Success plans and business reviews: outcomes, objectives, milestones and action items.

Plain Python: input checks, tier templates and the plan view model. The services in
:mod:`csdesk.services.plans` read and write the store.
"""
