"""What each kind of import reads: csdesk's fields, their types and the headers that
Salesforce and HubSpot report exports use for them.

A field is bound to a CSV column by a mapping file, or else recognised by one of its
``headers`` (compared without case, spaces or punctuation), or by its own name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from csdesk.vocabulary import (
    AMOUNT_PERIODS,
    BILLING_FREQUENCIES,
    CASE_PRIORITIES,
    CHURN_REASONS,
    CONTACT_ROLES,
    CSAT_TOPICS,
    FORECAST_CATEGORIES,
    OPPORTUNITY_KINDS,
    SURVEY_KINDS,
)

FIELD_TYPES = ("text", "int", "bool", "date", "datetime", "amount", "currency", "country",
               "choice", "score", "roles", "email")


def header_key(text: str) -> str:
    """Headers compare without case, spaces or punctuation: 'Date/Time Opened' = 'date time
    opened' = 'date_time_opened'."""
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _choices(values: tuple[str, ...], **synonyms: tuple[str, ...]) -> dict[str, str]:
    """Accepted spellings -> stored value: each value, its words, and extra synonyms."""
    table = {header_key(v): v for v in values}
    for value, words in synonyms.items():
        for word in words:
            table[header_key(word)] = value
    return table


@dataclass(frozen=True)
class FieldSpec:
    """A csdesk field: its value type, how messages name it, and its usual headers."""

    name: str
    type: str
    label: str
    headers: tuple[str, ...] = ()
    required: bool = False
    choices: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KindSpec:
    """One kind of import: its fields, and groups of which at least one must be bound."""

    name: str
    entity: str
    label: str
    fields: dict[str, FieldSpec]
    one_of: tuple[tuple[str, ...], ...] = ()

    def field(self, name: str) -> FieldSpec:
        return self.fields[name]


def _kind(name: str, entity: str, label: str, specs: list[FieldSpec],
          one_of: tuple[tuple[str, ...], ...] = ()) -> KindSpec:
    return KindSpec(name, entity, label, {s.name: s for s in specs}, one_of)


ACCOUNT_ID_HEADERS = ("Account ID", "Associated Company ID", "Associated Company IDs",
                      "Associated Company IDs (Primary)", "Company ID", "account_id")
ACCOUNT_NAME_HEADERS = ("Account Name", "Associated Company", "Company name", "Company",
                        "account_name")


def _account_fields() -> list[FieldSpec]:
    return [
        FieldSpec("account", "text", "the account's id in the source", ACCOUNT_ID_HEADERS),
        FieldSpec("account_name", "text", "the account's name", ACCOUNT_NAME_HEADERS),
    ]


ACCOUNTS = _kind("accounts", "account", "account", [
    FieldSpec("external_id", "text", "the account's id in the source",
              ("Account ID", "Record ID", "Company ID", "account_id")),
    FieldSpec("name", "text", "the account name",
              ("Account Name", "Company name", "Company", "Name", "account_name"), True),
    FieldSpec("owner", "text", "the account owner (CSM)",
              ("Account Owner", "Company owner", "Owner", "CSM", "Customer Success Manager")),
    FieldSpec("segment", "text", "the segment", ("Segment", "Customer Segment")),
    FieldSpec("industry", "text", "the industry", ("Industry",)),
    FieldSpec("country", "country", "the country",
              ("Billing Country", "Country/Region", "Country")),
    FieldSpec("licensed_seats", "int", "the licensed seats",
              ("Licensed Seats", "Seats", "Licenses")),
    FieldSpec("customer_since", "date", "the date the account became a customer",
              ("Customer Since", "Became a Customer Date", "Customer Since Date")),
    FieldSpec("website", "text", "the website", ("Website", "Website URL", "Domain",
                                                 "Company Domain Name")),
    FieldSpec("strategic", "bool", "the strategic flag", ("Strategic",)),
    FieldSpec("churned", "bool", "the churned flag", ("Churned",)),
])

CONTACTS = _kind("contacts", "contact", "contact", [
    FieldSpec("external_id", "text", "the contact's id in the source",
              ("Contact ID", "Record ID", "contact_id")),
    *_account_fields(),
    FieldSpec("full_name", "text", "the full name",
              ("Contact: Full Name", "Full Name", "Contact Name", "Name")),
    FieldSpec("first_name", "text", "the first name", ("First Name",)),
    FieldSpec("last_name", "text", "the last name", ("Last Name",)),
    FieldSpec("email", "email", "the email address",
              ("Email", "Email Address", "Contact: Email")),
    FieldSpec("title", "text", "the job title", ("Title", "Job Title")),
    FieldSpec("phone", "text", "the phone number",
              ("Phone", "Phone Number", "Mobile Phone", "Mobile")),
    FieldSpec("roles", "roles", "the roles", ("Roles", "Role", "Contact Role", "Contact Roles"),
              choices=_choices(CONTACT_ROLES, executive_sponsor=("sponsor", "executive"),
                               decision_maker=("economic buyer", "buyer"),
                               user=("end user", "admin", "administrator"),
                               billing=("billing contact", "finance"))),
    FieldSpec("left_company", "bool", "whether the contact left",
              ("Left Company", "Former Employee")),
], one_of=(("account", "account_name"), ("full_name", "first_name", "last_name", "email")))

CONTRACTS = _kind("contracts", "contract", "contract", [
    FieldSpec("external_id", "text", "the contract's id in the source",
              ("Contract ID", "Contract Number", "Subscription ID", "Opportunity ID",
               "Deal ID", "Record ID", "subscription_id")),
    *_account_fields(),
    FieldSpec("name", "text", "the contract name",
              ("Contract Name", "Subscription Name", "Opportunity Name", "Deal Name")),
    FieldSpec("plan", "text", "the plan", ("Plan", "Product", "Product Name", "Plan Tier")),
    FieldSpec("start_date", "date", "the start date",
              ("Start Date", "Contract Start Date", "Subscription Start Date", "Close Date"),
              True),
    FieldSpec("end_date", "date", "the end date",
              ("End Date", "Contract End Date", "Subscription End Date")),
    FieldSpec("term_months", "int", "the term in months",
              ("Contract Term (months)", "Contract Term", "Term (months)", "Term Months")),
    FieldSpec("amount", "amount", "the amount",
              ("Amount", "Contract Value", "Subscription Amount"), True),
    FieldSpec("currency", "currency", "the currency",
              ("Currency", "Opportunity Currency", "Amount Currency", "Currency Code")),
    FieldSpec("amount_period", "choice", "the period the amount is quoted for",
              ("Amount Period", "Price Period"),
              choices=_choices(AMOUNT_PERIODS, month=("monthly", "mo", "per month", "mrr"),
                               quarter=("quarterly",), year=("yearly", "annual", "annually",
                                                            "per year", "arr", "yr"),
                               term=("total", "contract", "one time", "whole term"))),
    FieldSpec("billing_frequency", "choice", "the billing frequency",
              ("Billing Frequency", "Billing Cycle", "Invoice Frequency"),
              choices=_choices(BILLING_FREQUENCIES, monthly=("month", "per month"),
                               quarterly=("quarter",), annual=("annually", "yearly", "year"),
                               upfront=("up front", "prepaid", "one time"))),
    FieldSpec("recurring", "bool", "the recurring flag", ("Recurring",)),
    FieldSpec("is_trial", "bool", "the trial flag", ("Trial", "Is Trial")),
    FieldSpec("auto_renew", "bool", "the auto-renew flag",
              ("Auto Renew", "Auto-Renew", "Auto Renewal")),
    FieldSpec("notice_days", "int", "the notice period in days",
              ("Notice Period (days)", "Notice Days", "Notice Period")),
    FieldSpec("seats", "int", "the seats", ("Seats", "Quantity", "Licenses")),
], one_of=(("account", "account_name"),))

OPPORTUNITIES = _kind("opportunities", "opportunity", "opportunity", [
    FieldSpec("external_id", "text", "the opportunity's id in the source",
              ("Opportunity ID", "Deal ID", "Record ID")),
    *_account_fields(),
    FieldSpec("name", "text", "the opportunity name", ("Opportunity Name", "Deal Name"), True),
    FieldSpec("kind", "choice", "the opportunity type",
              ("Type", "Opportunity Type", "Deal Type"),
              choices=_choices(OPPORTUNITY_KINDS,
                               renewal=("existing customer replacement",
                                        "existing customer downgrade", "renewals"),
                               expansion=("existing customer upgrade", "upsell", "upgrade",
                                          "cross sell", "existingbusiness",
                                          "existing business"),
                               new=("new customer", "new business", "newbusiness"))),
    FieldSpec("stage", "text", "the stage", ("Stage", "Deal Stage")),
    FieldSpec("close_date", "date", "the close date", ("Close Date",)),
    FieldSpec("amount", "amount", "the amount", ("Amount",)),
    FieldSpec("currency", "currency", "the currency", ("Opportunity Currency", "Currency")),
    FieldSpec("forecast_category", "choice", "the forecast category",
              ("Forecast Category", "Forecast Category Name"),
              choices=_choices(FORECAST_CATEGORIES, best_case=("best case", "bestcase",
                                                               "upside"),
                               at_risk=("risk", "at risk"), closed_won=("won",),
                               closed_lost=("lost",),
                               # Salesforce's "Closed" is won or lost by the stage.
                               closed=("closed",), omitted=("omitted",))),
], one_of=(("account", "account_name"),))

USAGE = _kind("usage", "usage_daily", "usage row", [
    *_account_fields(),
    FieldSpec("subscription", "text", "the subscription's id in the source",
              ("Subscription ID", "subscription_id")),
    FieldSpec("day", "date", "the day", ("Date", "Day", "Usage Date", "usage_date"), True),
    FieldSpec("active_users", "int", "the active users",
              ("Active Users", "DAU", "Daily Active Users")),
    FieldSpec("sessions", "int", "the sessions", ("Sessions", "Session Count")),
    FieldSpec("events", "int", "the events", ("Events", "Event Count")),
    FieldSpec("feature", "text", "the feature", ("Feature", "Feature Name", "feature_name")),
    FieldSpec("count", "int", "the feature use count",
              ("Count", "Usage Count", "Uses", "usage_count")),
    FieldSpec("duration_secs", "int", "the duration in seconds",
              ("Duration (s)", "Duration Seconds", "Usage Duration (secs)",
               "usage_duration_secs")),
    FieldSpec("errors", "int", "the error count", ("Errors", "Error Count", "error_count")),
], one_of=(("account", "account_name", "subscription"),
           ("active_users", "sessions", "events", "feature")))

CASE_PRIORITY_CHOICES = _choices(
    CASE_PRIORITIES, low=("lowest", "p4", "minor", "trivial"),
    normal=("medium", "p3", "moderate", "standard"), high=("p2", "major", "important"),
    urgent=("critical", "p1", "highest", "blocker", "emergency", "p0"),
)

CASES = _kind("cases", "support_case", "case", [
    FieldSpec("external_id", "text", "the case's id in the source",
              ("Case Number", "Case ID", "Ticket ID", "Record ID", "ticket_id")),
    *_account_fields(),
    FieldSpec("subject", "text", "the subject",
              ("Subject", "Ticket name", "Case Subject", "Ticket Name")),
    FieldSpec("priority", "choice", "the priority", ("Priority", "Case Priority"),
              choices=CASE_PRIORITY_CHOICES),
    FieldSpec("opened_at", "datetime", "the time the case was opened",
              ("Date/Time Opened", "Opened Date", "Date Opened", "Create date", "Created Date",
               "Created", "submitted_at"), True),
    FieldSpec("closed_at", "datetime", "the time the case was closed",
              ("Date/Time Closed", "Closed Date", "Date Closed", "Close date", "closed_at")),
    FieldSpec("closed", "bool", "the closed flag", ("Closed", "Is Closed")),
    FieldSpec("status", "text", "the status", ("Status", "Ticket status")),
    FieldSpec("escalated", "bool", "the escalated flag",
              ("Escalated", "Is Escalated", "escalation_flag")),
    FieldSpec("first_response_minutes", "int", "the first response time in minutes",
              ("First Response (minutes)", "First Response Time (minutes)",
               "first_response_time_minutes")),
    FieldSpec("satisfaction", "score", "the satisfaction score",
              ("Satisfaction", "Satisfaction Score", "CSAT", "Customer Satisfaction",
               "satisfaction_score")),
], one_of=(("account", "account_name"),))

SURVEYS = _kind("surveys", "survey_response", "survey answer", [
    FieldSpec("external_id", "text", "the answer's id in the source",
              ("Response ID", "Survey Response ID", "Record ID")),
    *_account_fields(),
    FieldSpec("contact_email", "email", "the respondent's email",
              ("Email", "Contact Email", "Respondent Email")),
    FieldSpec("kind", "choice", "the survey kind", ("Survey Type", "Type", "Kind", "Survey"),
              True, choices=_choices(SURVEY_KINDS, nps=("net promoter score", "net promoter"),
                               csat=("customer satisfaction", "satisfaction"))),
    FieldSpec("topic", "choice", "the CSAT topic", ("Topic",),
              choices=_choices(CSAT_TOPICS, support=("ticket", "case"))),
    FieldSpec("score", "score", "the score",
              ("Score", "NPS", "NPS Score", "Rating", "CSAT", "Answer"), True),
    FieldSpec("scale_min", "int", "the lowest score of the scale", ("Scale Min",)),
    FieldSpec("scale_max", "int", "the highest score of the scale", ("Scale Max",)),
    FieldSpec("answered_on", "date", "the answer date",
              ("Date", "Submitted", "Submitted At", "Response Date", "Answered On",
               "Created Date", "Create date"), True),
    FieldSpec("comment", "text", "the comment", ("Comment", "Comments", "Feedback")),
    FieldSpec("case", "text", "the case's id in the source", ("Case Number", "Ticket ID")),
], one_of=(("account", "account_name"),))

ACTIVITIES = _kind("activities", "activity", "activity", [
    FieldSpec("external_id", "text", "the activity's id in the source",
              ("Activity ID", "Task ID", "Event ID", "Record ID")),
    *_account_fields(),
    FieldSpec("contact_email", "email", "the contact's email", ("Contact Email", "Email")),
    FieldSpec("kind", "text", "the activity type",
              ("Activity Type", "Type", "Task Type", "Event Type"), True),
    FieldSpec("occurred_on", "date", "the activity date",
              ("Date", "Activity Date", "Due Date", "Create date", "Created Date"), True),
    FieldSpec("summary", "text", "the subject",
              ("Subject", "Summary", "Title", "Activity Subject"), True),
    FieldSpec("body", "text", "the notes",
              ("Comments", "Full Comments", "Description", "Notes", "Body")),
    FieldSpec("author", "text", "who did it",
              ("Assigned", "Assigned To", "Activity assigned to", "Owner", "Created By")),
], one_of=(("account", "account_name"),))

CHURN = _kind("churn", "churn_event", "churn event", [
    FieldSpec("external_id", "text", "the churn event's id in the source",
              ("Churn ID", "Churn Event ID", "Record ID", "churn_event_id")),
    *_account_fields(),
    FieldSpec("churned_on", "date", "the churn date",
              ("Churn Date", "Churned On", "Date", "churn_date"), True),
    FieldSpec("reason", "choice", "the churn reason",
              ("Churn Reason", "Reason", "Reason Code", "reason_code"), True,
              choices=_choices(CHURN_REASONS, acquired_or_merged=("acquired", "merged",
                                                                  "acquisition", "merger"),
                               business_closed=("out of business", "closed", "bankrupt"))),
    FieldSpec("lost_arr", "amount", "the lost ARR", ("Lost ARR",)),
    FieldSpec("currency", "currency", "the currency", ("Currency",)),
    FieldSpec("feedback", "text", "the feedback",
              ("Feedback", "Comment", "Comments", "feedback_text")),
    FieldSpec("is_reactivation", "bool", "the reactivation flag",
              ("Reactivation", "Is Reactivation", "is_reactivation")),
], one_of=(("account", "account_name"),))

KINDS = {k.name: k for k in (ACCOUNTS, CONTACTS, CONTRACTS, OPPORTUNITIES, USAGE, CASES,
                             SURVEYS, ACTIVITIES, CHURN)}
KIND_ALIASES = {"subscriptions": "contracts", "companies": "accounts", "deals": "opportunities",
                "tickets": "cases", "feature_usage": "usage", "nps": "surveys"}


def kind_spec(name: str) -> KindSpec:
    """The kind called ``name`` (or one of its aliases such as 'subscriptions')."""
    return KINDS[KIND_ALIASES.get(name, name)]
