"""Models of the participants app: accounts and organisations, reference data, companies, seniors."""

from .accounts import (
    PREFECTURE_CHOICES,
    Branch,
    Membership,
    Organization,
    StaffInvitation,
    User,
    UserManager,
    prefecture_display,
)
from .companies import Company, CompanyContact
from .notifications import MailDelivery, Notification, Reminder
from .reference import ExpertiseArea, Industry, Qualification, Region
from .seniors import (
    WEEKDAYS,
    CareerEntry,
    Consent,
    ConsentPurpose,
    DeletionRequest,
    PledgeAcceptance,
    PledgeVersion,
    ProvisionRecord,
    SeniorProfile,
)

__all__ = [
    "PREFECTURE_CHOICES",
    "WEEKDAYS",
    "Branch",
    "CareerEntry",
    "Company",
    "CompanyContact",
    "Consent",
    "ConsentPurpose",
    "DeletionRequest",
    "ExpertiseArea",
    "Industry",
    "MailDelivery",
    "Membership",
    "Notification",
    "Organization",
    "PledgeAcceptance",
    "PledgeVersion",
    "ProvisionRecord",
    "Qualification",
    "Region",
    "Reminder",
    "SeniorProfile",
    "StaffInvitation",
    "User",
    "UserManager",
    "prefecture_display",
]
