"""Every place the platform keeps personal data, and what erasure does to it.

One entry (a `Holding`) per model and group of fields that name, contact or point at a person.
tests/privacy/test_registry.py inspects every installed model: a field that points at an
account, holds an email address or a person's name must be listed here, so a new model with
personal data can't be forgotten. Adding one: list it here, export it in privacy/export.py,
erase it in privacy/services.py, and the tests say if one of the three is missing.

The erasure page (privacy:erase) shows the DELETED, ANONYMISED and KEPT entries in these words.
"""

from dataclasses import dataclass
from enum import StrEnum


class OnErasure(StrEnum):
    # Rows removed.
    DELETED = "deleted"
    # Rows kept for counts or the law, with the person's details removed or replaced by a code.
    ANONYMISED = "anonymised"
    # Kept as they are, for a reason the law or safety gives.
    KEPT = "kept"
    # Who on a programme team did something: kept, as an audit trail. Team members can't erase
    # their own account while they hold a role.
    TEAM_ACTOR = "team_actor"
    # The name of a thing (a venue, a cohort) or of a role's contact, not of a participant.
    NOT_PERSONAL = "not_personal"


@dataclass(frozen=True)
class Holding:
    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]
    on_erasure: OnErasure
    # What it is, for the person: "Your profile".
    words: str = ""
    # What stays, and why (for ANONYMISED and KEPT), or why it is not personal.
    why: str = ""


D, A, K, T, N = (
    OnErasure.DELETED,
    OnErasure.ANONYMISED,
    OnErasure.KEPT,
    OnErasure.TEAM_ACTOR,
    OnErasure.NOT_PERSONAL,
)

HOLDINGS: tuple[Holding, ...] = (
    # Accounts and sign-in
    Holding(
        "accounts.User",
        ("email",),
        A,
        "Your account",
        "Your email address is replaced by a code (like erased-123@invalid), your password is "
        "removed and the account is closed, so nobody can sign in to it. The empty account "
        "stays so that numbers, such as how many people came to a workshop, stay right.",
    ),
    Holding("account.EmailAddress", ("user", "email"), D, "The email addresses on your account"),
    Holding("mfa.Authenticator", ("user",), D, "Your two-step sign-in (authenticator app)"),
    Holding(
        "admin.LogEntry",
        ("user",),
        T,
        why="Site admins' changes in Django admin. Your email address is removed from the "
        "description of any change made to your account.",
    ),
    Holding("auth.Group", ("name",), N, why="The name of a group of permissions."),
    Holding("auth.Permission", ("name",), N, why="The name of a permission."),
    Holding("sites.Site", ("name",), N, why="The website's name."),
    # Profile
    Holding(
        "participants.Profile",
        (
            "user",
            "display_name",
            "copies_to_name",
            "copies_to_email",
            "guardian_name",
            "guardian_email",
        ),
        D,
        "Your profile: your name, how you want to be described, your experience, contact "
        "details, support needs, food and drink needs, and your parent or guardian's details. "
        "If someone else named you to get copies of their messages, or as their parent or "
        "guardian, your name and address are removed from their profile too.",
    ),
    Holding(
        "participants.EqualityMonitoring",
        ("user",),
        D,
        "Your answers to the equality questions",
    ),
    Holding(
        "participants.Consent",
        ("user",),
        A,
        "What you agreed to (privacy notice, contact, photos)",
        "Kept under the code, with the dates, so we can show that what we did before was with "
        "your agreement.",
    ),
    Holding("workshops.CalendarFeed", ("user",), D, "Your private calendar link"),
    # Programmes and invitations
    Holding(
        "programmes.Membership",
        ("user",),
        D,
        "Any role you had on a programme team",
    ),
    Holding("programmes.Membership", ("added_by",), T),
    Holding("programmes.Cohort", ("name",), N, why="The name of a cohort."),
    Holding("programmes.Stage", ("name",), N, why="The name of a stage of a programme."),
    Holding(
        "programmes.Invitation",
        ("email", "name", "user", "message", "decline_reason", "token"),
        A,
        "Invitations sent to you",
        "We remove your address, your name, the message and any reason you gave, and the link "
        "stops working. We keep that an invitation was sent and answered, for the programme's "
        "numbers.",
    ),
    Holding("programmes.Invitation", ("invited_by",), T),
    Holding(
        "programmes.InvitationBatch",
        ("rows",),
        A,
        "Lists of people an organiser prepared to invite",
        "Your address and name are removed from the list.",
    ),
    Holding("programmes.InvitationBatch", ("created_by",), T),
    # Workshops
    Holding(
        "workshops.Registration",
        ("user", "companion_name"),
        A,
        "Your places at workshops",
        "Places at workshops still to come are cancelled, so someone else can have them. Past "
        "places are kept under the code, with the experience you brought, so the numbers of "
        "who came stay right. Your companion's name is removed.",
    ),
    Holding(
        "workshops.RegistrationEvent",
        ("reason",),
        A,
        "Notes an organiser wrote about your place",
        "The note is removed; what happened (for example that the place was confirmed) stays.",
    ),
    Holding("workshops.RegistrationEvent", ("by",), T),
    Holding(
        "workshops.GuardianConsent",
        ("guardian_name", "guardian_email", "token"),
        A,
        "Parent or guardian consent",
        "The parent or guardian's name and address are removed. We keep when consent was "
        "given, as the record that an adult agreed.",
    ),
    Holding(
        "workshops.Workshop",
        ("safeguarding_lead_name", "access_contact_name"),
        N,
        why="Contacts for a role (safeguarding lead, access contact), shown on the workshop "
        "page. Organisers change them.",
    ),
    Holding("workshops.Venue", ("name",), N, why="The name of a place."),
    Holding("workshops.Venue", ("created_by",), T),
    Holding("workshops.Material", ("uploaded_by",), T),
    Holding("workshops.WorkshopChange", ("changed_by",), T),
    Holding("workshops.TablePlan", ("created_by",), T),
    # Feedback
    Holding(
        "feedback.Response",
        ("user",),
        A,
        "Feedback you gave",
        "Your answers are kept for the totals in feedback reports, but no longer linked to you. "
        "Anything you wrote in your own words is removed, and nothing of yours is quoted.",
    ),
    Holding(
        "feedback.FeedbackReceipt",
        ("user",),
        A,
        "That you answered a feedback form",
        "Kept under the code, so the number of people who answered stays right.",
    ),
    Holding("feedback.FeedbackAction", ("created_by", "published_by"), T),
    # Pairs
    Holding(
        "pairs.Pair",
        ("professional", "partner", "partner_name", "partner_email", "partner_token"),
        A,
        "Collaborative pairs",
        "A pair still going is withdrawn, and your partner is told. What you wrote in the "
        "application, your name and your address are removed. The pair is kept under the code "
        "so the programme's numbers stay right.",
    ),
    Holding("pairs.Pair", ("decided_by",), T),
    Holding("pairs.LogEntry", ("author",), D, "Learning log entries you wrote"),
    # Bursaries
    Holding(
        "bursaries.Application",
        ("applicant",),
        K,
        "Bursary applications",
        "Tax law says we must keep records of money we pay for 6 years. We keep what was asked "
        "for, what was decided, what was claimed and paid, and the receipts for paid claims, "
        "under the code instead of your name. What you wrote about why you needed it, and "
        "reviewers' notes, are removed. Applications still waiting for a decision are "
        "withdrawn.",
    ),
    Holding("bursaries.Application", ("decided_by",), T),
    Holding(
        "bursaries.Receipt",
        ("original_name",),
        K,
        "Receipts",
        "Receipts for claims we approved or paid are kept for 6 years, as tax law says, then "
        "deleted. Receipts for claims we did not approve are deleted.",
    ),
    Holding("bursaries.Assignment", ("reviewer", "assigned_by"), T),
    Holding("bursaries.Conflict", ("reviewer",), T),
    Holding("bursaries.Review", ("reviewer",), T),
    Holding("bursaries.Claim", ("approved_by", "paid_by"), T),
    Holding("bursaries.BursaryScheme", ("name",), N, why="The name of a bursary scheme."),
    Holding("bursaries.BursaryScheme", ("created_by",), T),
    Holding("bursaries.Criterion", ("name",), N, why="The name of a review criterion."),
    # Messages and records
    Holding(
        "core.OutboxMessage",
        ("to", "user", "subject", "params"),
        A,
        "Emails we sent you",
        "The address and subject are removed, and messages not yet sent are stopped. We keep "
        "that a message went, so that it is never sent twice.",
    ),
    Holding(
        "core.AuditEntry",
        ("actor",),
        K,
        "Security records",
        "The record of what was done and when is kept, to keep people's data safe and to show "
        "that we did what you asked. Your email address, name and anything you wrote are "
        "removed from it.",
    ),
    Holding(
        "privacy.DataRequest",
        ("email", "user"),
        A,
        "Your request to erase your data",
        "We keep a record that you asked and when we did it, without your address.",
    ),
    Holding("privacy.DataRequest", ("recorded_by", "completed_by"), T),
)


def holdings_for_page() -> dict[str, list[Holding]]:
    """What the erasure page lists: deleted, anonymised and kept, each once."""
    shown: dict[str, list[Holding]] = {D: [], A: [], K: []}
    for holding in HOLDINGS:
        if holding.on_erasure in shown and holding.words:
            shown[holding.on_erasure].append(holding)
    return shown
