"""The measures' texts that the registry would otherwise build from the contract's wording: each outcome
area's label, description and reading ("4 of 5 closed cases (80%) felt safer") and each Activity count's
label and description, written out whole so that each is one message to translate (a sentence put
together from pieces cannot be translated). `check` (a test) says they still say what the contract says.
"""

from __future__ import annotations

from metrics.contract import ACTIVITY_MEASURES, OUTCOME_AREAS
from metrics.i18n import N_

# Each outcome area's label, description and reading ("4 of 5 closed cases (80%) felt safer"), written out
# whole so that each is one message to translate; checked against the contract's wording of the area.
OUTCOME_TEXTS = {
    "safer": (
        N_("Outcome: feels safer"),
        N_("Of cases closed in the period with a known outcome for 'feels safer' (Improved or No change), "
           "the share Improved."),
        N_("{num} of {den} closed cases ({value}) felt safer")),
    "health": (
        N_("Outcome: improved health and wellbeing"),
        N_("Of cases closed in the period with a known outcome for 'improved health and wellbeing' (Improved or "
           "No change), the share Improved."),
        N_("{num} of {den} closed cases ({value}) had better health and wellbeing")),
    "cope": (
        N_("Outcome: better able to cope with everyday life"),
        N_("Of cases closed in the period with a known outcome for 'better able to cope with everyday life' "
           "(Improved or No change), the share Improved."),
        N_("{num} of {den} closed cases ({value}) were better able to cope with everyday life")),
    "informed": (
        N_("Outcome: better informed and empowered"),
        N_("Of cases closed in the period with a known outcome for 'better informed and empowered' (Improved or "
           "No change), the share Improved."),
        N_("{num} of {den} closed cases ({value}) were better informed and empowered")),
    "access": (
        N_("Outcome: better access to other services"),
        N_("Of cases closed in the period with a known outcome for 'better access to other services' (Improved "
           "or No change), the share Improved."),
        N_("{num} of {den} closed cases ({value}) had better access to other services")),
    "justice": (
        N_("Outcome: able to engage with the justice process"),
        N_("Of cases closed in the period with a known outcome for 'able to engage with the justice process' "
           "(Improved or No change), the share Improved."),
        N_("{num} of {den} closed cases ({value}) were better able to engage with the justice process")),
}
# Each Activity count's label and description, likewise written out and checked against the contract.
ACTIVITY_TEXTS = {
    "partnership_meetings": (
        N_("Partnership meetings attended"),
        N_("Partnership meetings attended: the monthly Activity counts summed over the period.")),
    "training_sessions": (
        N_("Training sessions delivered"),
        N_("Training sessions delivered: the monthly Activity counts summed over the period.")),
    "professionals_trained": (
        N_("Professionals trained"),
        N_("Professionals trained: the monthly Activity counts summed over the period.")),
    "awareness_events": (
        N_("Awareness events held"),
        N_("Awareness events held: the monthly Activity counts summed over the period.")),
    "partner_advice_requests": (
        N_("Ad-hoc advice to the Anti-Slavery Group and partners"),
        N_("Ad-hoc advice to the Anti-Slavery Group and partners: the monthly Activity counts summed over the "
           "period.")),
    "third_party_reports": (
        N_("Intelligence reports passed to police"),
        N_("Intelligence reports passed to police: the monthly Activity counts summed over the period.")),
    "policy_contributions": (
        N_("Consultations or reviews that victims' voices informed"),
        N_("Consultations or reviews that victims' voices informed: the monthly Activity counts summed over the "
           "period.")),
}


def check() -> None:
    """The written-out texts say what the contract's areas and Activity labels say (a changed wording fails here)."""
    for key, _column, text in OUTCOME_AREAS:
        label, description, _reading = OUTCOME_TEXTS[key]
        if label != f"Outcome: {text}" or f"'{text}'" not in description:
            raise ValueError(f"the registry's texts of outcome {key!r} do not match the contract's {text!r}")
    for name, label in ACTIVITY_MEASURES:
        if ACTIVITY_TEXTS[name][0] != label or not ACTIVITY_TEXTS[name][1].startswith(label + ":"):
            raise ValueError(f"the registry's texts of activity {name!r} do not match the contract's {label!r}")
