"""Words for the demo book: ticket subjects, survey comments, notes, plans and reviews."""

from __future__ import annotations

CASE_SUBJECTS = (
    "SSO login loops back to the sign-in page",
    "CSV export times out above 50k rows",
    "Dashboard filters reset after refresh",
    "Salesforce sync skipped records with accents in the name",
    "Scheduled report arrived empty",
    "API returns 429 during nightly batch",
    "Cannot add users: seat limit reached",
    "Invoice shows the wrong VAT number",
    "Workflow step stuck in 'pending'",
    "Japanese characters garbled in PDF export",
    "Alert e-mails going to spam",
    "Data import rejects dates in DD/MM/YYYY",
    "Mobile app crashes when opening a shared board",
    "Audit log missing entries for deleted records",
    "Question: how to set up a read-only role",
    "Forecast numbers differ from the report total",
    "Page load over 10 s for large workspaces",
    "Integration token expired without warning",
    "Request for a copy of the DPA",
    "Duplicate contacts after the CRM import",
)

NPS_COMMENTS = {
    "promoter": (
        "The team lives in the dashboards now; we could not go back.",
        "Support answers fast and actually fixes things.",
        "Saved our analysts hours every week.",
        "Rolled it out to two more departments on the strength of the first one.",
        "Great product and a CSM who knows our business.",
    ),
    "passive": (
        "Does the job, but reporting could be more flexible.",
        "Good value; the mobile app needs work.",
        "Fine overall. Onboarding new staff takes longer than it should.",
        "We use half of it. Would like more training.",
    ),
    "detractor": (
        "Too expensive for what we actually use.",
        "Three outages this quarter and no proactive communication.",
        "The integration with our ERP still does not work as promised.",
        "Our users went back to spreadsheets.",
        "Nobody has checked in with us since the kickoff.",
        "Performance on large workspaces is unacceptable.",
    ),
}

CSAT_COMMENTS = {
    "satisfied": (
        "Quick and clear.",
        "Solved on the first reply, thanks!",
        "Helpful walkthrough of the settings.",
        "Very responsive team.",
    ),
    "unsatisfied": (
        "Took a week to get a real answer.",
        "Had to explain the problem three times.",
        "The workaround is not a fix.",
        "Closed without asking us if it was solved.",
    ),
}

CHURN_FEEDBACK = {
    "budget": "Budget for tools cut by 30% this year; we kept only the ERP.",
    "product_fit": "We needed project accounting, which the product does not do.",
    "poor_adoption": "Only a handful of people ever logged in after the pilot.",
    "champion_left": "Our sponsor left and the new director brought her own stack.",
    "acquired_or_merged": "Acquired by a group that standardises on another platform.",
    "competitor": "Moved to a competitor bundled with our CRM at no extra cost.",
    "support_experience": "Support tickets dragged on for weeks during our busy season.",
    "pricing": "The renewal quote was 25% higher than last year.",
    "business_closed": "The business unit using the product was closed.",
    "other": "Consolidating vendors across the region.",
}

PRODUCT_REQUESTS = (
    ("SAML group sync", "Wants user groups synced from Okta so access follows their org chart."),
    ("Fiscal-year reporting", "Their fiscal year starts in April; reports assume January."),
    ("Bulk edit for records", "Admins spend an hour a week editing records one by one."),
    ("Export to Parquet", "Data team loads exports into their lake and wants Parquet."),
    ("Right-to-left layout", "Arabic and Hebrew labels render left-to-right in dashboards."),
    ("Japanese holidays calendar", "Scheduling ignores Japanese public holidays."),
    ("Read-only viewer seats", "Would buy cheap view-only seats for 200 field staff."),
    ("Webhook retries", "Lost events when their endpoint was down for maintenance."),
    ("Custom fiscal quarters in forecasts", "Quarters end in February, May, August, November."),
    ("Two-person approval for workflows", "Compliance asks for four-eyes approval on changes."),
)

RISK_NOTES = (
    "Budget review in progress; procurement asked for a 20% discount at renewal.",
    "Champion is on extended leave; no clear deputy yet.",
    "Competitor demo scheduled with their ops team next month.",
    "Usage concentrated in one team; others never onboarded.",
    "Reorg announced; our sponsor's department is being merged.",
)

MEETING_NOTES = (
    "Walked through the new forecasting module; they want a pilot in one region.",
    "Agreed on a monthly office hour for their analysts.",
    "Reviewed open tickets with their IT lead; two can be closed.",
    "Planned the rollout to the finance team for next quarter.",
)

GENERAL_NOTES = (
    "Prefers e-mail over calls; reply within a day.",
    "Office closed for two weeks in August.",
    "Invoices must reference their PO number.",
    "Time zone: schedule calls before noon our time.",
)

CHECK_IN_SUMMARIES = (
    "Check-in: adoption and open questions",
    "Check-in: rollout progress",
    "Check-in: reviewed usage trends",
    "Check-in: upcoming priorities",
)
CALL_SUMMARIES = (
    "Call about a reporting question",
    "Call to follow up on a support ticket",
    "Call with the admin about user provisioning",
    "Call: renewal timeline and budget",
)
MEETING_SUMMARIES = (
    "Working session on workflow design",
    "Training for new team members",
    "Dashboard review with the analytics team",
)
EMAIL_SUMMARIES = (
    "Sent release notes and what changes for them",
    "Shared a best-practice guide",
    "Followed up on the action items",
    "Sent the usage summary for the month",
)
ONBOARDING_STEPS = (
    "Onboarding kickoff",
    "Onboarding: admin setup and SSO",
    "Onboarding: data import",
    "Onboarding: team training",
    "Onboarding: go-live review",
    "Onboarding: 90-day check",
)
WEBINAR_TITLES = (
    "Webinar: building your first dashboard",
    "Webinar: automating weekly reports",
    "Webinar: what's new this quarter",
    "Webinar: integrations deep dive",
)
DIGITAL_TOUCHES = (
    "Digital: monthly product newsletter",
    "Digital: in-app guide to templates",
    "Digital: usage tips e-mail",
    "Digital: health-triggered re-engagement e-mail",
)

# Success-plan ingredients: (outcome, why they bought, [(objective, KPI, unit, baseline,
# target)]).
OUTCOMES = (
    (
        "Faster month-end close",
        "Finance spent two weeks each month reconciling spreadsheets.",
        (
            ("Cut close time", "Days to close", "days", "12", "5"),
            ("Automate reconciliations", "Automated reconciliations", "%", "10", "80"),
        ),
    ),
    (
        "One view of the pipeline",
        "Regional teams reported pipeline in five different formats.",
        (
            ("Standard pipeline dashboard in every region", "Regions live", "regions", "0", "5"),
            ("Forecast accuracy", "Forecast accuracy", "%", "68", "90"),
        ),
    ),
    (
        "Less manual reporting",
        "Analysts built the same weekly reports by hand.",
        (
            ("Replace manual weekly reports", "Reports automated", "reports", "0", "25"),
            ("Hours saved per analyst", "Hours saved per week", "hours", "0", "6"),
        ),
    ),
    (
        "Faster incident response",
        "Operations learned about stock-outs from customers.",
        (
            ("Alert before stock-outs", "Median detection time", "hours", "30", "2"),
            ("Alert coverage of warehouses", "Warehouses covered", "%", "0", "100"),
        ),
    ),
    (
        "Self-service analytics",
        "Every question went through a two-person BI team.",
        (
            ("Business users building their own views", "Active builders", "people", "2", "40"),
            ("BI ticket backlog", "Open BI requests", "requests", "120", "30"),
        ),
    ),
)

MILESTONES = (
    ("Kickoff held", 0),
    ("SSO and admin set up", 14),
    ("First dashboard in production", 45),
    ("Rollout to the second team", 120),
    ("Executive review of outcomes", 200),
)
FIRST_VALUE_MILESTONE = "First dashboard in production"

REVIEW_AGENDA = (
    "Outcomes against goals",
    "Adoption and usage",
    "Support review",
    "Roadmap preview",
    "Next 90 days",
)

REVIEW_ACTIONS = (
    ("Share the adoption report with department heads", "theirs"),
    ("Run a training for the new analysts", "ours"),
    ("Confirm the renewal timeline with procurement", "theirs"),
    ("Send the roadmap for the forecasting module", "ours"),
    ("Set up SSO for the second business unit", "theirs"),
    ("Prepare a value summary for the executive sponsor", "ours"),
)

PULSE_COMMENTS = {
    1: "Serious risk: sponsor disengaged and usage collapsing.",
    2: "Worried: adoption stalled, tough renewal ahead.",
    3: "Okay, but not much momentum.",
    4: "Solid relationship, steady usage.",
    5: "Great partnership; possible reference customer.",
}
