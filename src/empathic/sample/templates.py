"""Comment templates of the fictional subscription company, one list per planted topic.

Slots in braces are filled at random from :data:`SLOTS`, so the same topic reads many different ways (a theme
finder must group by meaning, not by one repeated sentence).
"""

from __future__ import annotations

SLOTS: dict[str, list[str]] = {
    "price_word": ["price", "subscription fee", "monthly cost", "plan price", "renewal price"],
    "money_adj": [
        "too expensive",
        "hard to justify",
        "a lot for what it does",
        "more than competitors charge",
        "steep for a small team",
    ],
    "bug_word": [
        "crashes",
        "freezes",
        "keeps logging me out",
        "loses my changes",
        "is painfully slow",
        "throws errors",
    ],
    "bug_place": ["the dashboard", "the editor", "the mobile app", "the sync", "search", "the charts"],
    "report_word": ["reports", "report builder", "exports", "CSV export", "scheduled reports", "custom charts"],
    "int_word": ["Salesforce integration", "Slack integration", "API", "SSO setup", "HubSpot sync", "webhooks"],
    "onb_word": ["setup", "onboarding", "first week", "getting started guide", "tutorial", "initial import"],
    "support_word": ["support team", "help desk", "customer success manager", "chat support", "support agent"],
    "night_word": ["dark mode", "night theme", "a darker interface", "dimmer colours", "a low-light mode"],
}

TEMPLATES: dict[str, list[str]] = {
    "price": [
        "The {price_word} is {money_adj}.",
        "Honestly the {price_word} is {money_adj}, I am thinking about downgrading.",
        "Great product but the {price_word} went up again and it is {money_adj}.",
        "We love it, yet the {price_word} feels {money_adj}.",
        "Please offer a cheaper tier, the {price_word} is {money_adj}.",
        "I only use the basics, so paying this {price_word} is {money_adj}.",
        "Billing surprised me this month; the {price_word} is {money_adj}.",
        "Would recommend if the {price_word} were lower, right now it is {money_adj}.",
        "Discounts for annual plans would help, the {price_word} is {money_adj}.",
        "My manager keeps asking why the {price_word} is {money_adj}.",
    ],
    "reliability": [
        "The app {bug_word} in {bug_place}.",
        "Every week {bug_place} {bug_word}, which is frustrating.",
        "I am tired of bugs: {bug_place} {bug_word} all the time.",
        "Reliability is poor, {bug_place} {bug_word} when I need it most.",
        "Since the last update {bug_place} {bug_word}.",
        "Too many outages and {bug_place} {bug_word}.",
        "We lost work because {bug_place} {bug_word}.",
        "Please fix stability, {bug_place} {bug_word} daily.",
        "It is buggy; {bug_place} {bug_word} and support cannot explain why.",
        "Nothing works reliably, {bug_place} {bug_word}.",
    ],
    "reporting": [
        "The {report_word} are brilliant and save me hours.",
        "I love the {report_word}, they make my late-night analysis easy.",
        "Best part of the product is the {report_word}.",
        "The {report_word} are powerful, I build new ones every week.",
        "Our analysts depend on the {report_word}.",
        "I wish the {report_word} had more chart types, but they are great.",
        "The {report_word} are fast and flexible.",
        "Sharing {report_word} with clients makes me look good.",
        "I would pay more just for the {report_word}.",
        "Really impressed with how the {report_word} work.",
    ],
    "integrations": [
        "The {int_word} is essential for our company.",
        "We need a better {int_word}; it breaks for our admins.",
        "Our IT team struggled with the {int_word}.",
        "The {int_word} works well across our departments.",
        "Please improve the {int_word}, it does not scale to our seats.",
        "Rolling out the {int_word} to 300 users took weeks.",
        "Admins like the {int_word} but want audit logs.",
        "Without the {int_word} we could not use the product at all.",
        "The {int_word} needs better documentation for enterprise setups.",
        "Our security review flagged the {int_word}.",
    ],
    "onboarding": [
        "The {onb_word} was confusing and I did not know where to start.",
        "I got lost during the {onb_word}.",
        "The {onb_word} should be simpler for beginners.",
        "Too many steps in the {onb_word}, I almost gave up.",
        "I could not figure out the {onb_word} without watching videos.",
        "The {onb_word} assumes I already know the product.",
        "More hand-holding in the {onb_word} would help newcomers.",
        "As a new user the {onb_word} felt overwhelming.",
        "The {onb_word} skipped things I needed to know.",
        "I am still learning; the {onb_word} was unclear.",
    ],
    "support": [
        "The {support_word} answered quickly and solved my problem.",
        "The {support_word} was friendly and helpful.",
        "I waited days for the {support_word} to reply.",
        "Kudos to the {support_word}, excellent service.",
        "The {support_word} did not understand my issue.",
        "Our {support_word} checks in regularly, much appreciated.",
        "Getting hold of the {support_word} is hard.",
        "The {support_word} went above and beyond.",
        "The {support_word} gave me a workaround within an hour.",
        "I wish the {support_word} were available on weekends.",
    ],
    "dark_mode": [
        "Please add {night_word}, I work mostly at night.",
        "Working after midnight, I really miss {night_word}.",
        "My eyes hurt late in the evening, {night_word} would be great.",
        "A {night_word} is the one thing missing for night owls like me.",
        "I use it at 2am and need {night_word}.",
        "Could you ship {night_word}? The white screen is blinding at night.",
        "Love the product, just add {night_word} for late sessions.",
        "Night work would be easier with {night_word}.",
        "Still waiting for {night_word}.",
        "When will {night_word} arrive? I am always online late.",
    ],
}

#: Typical NPS effect of each topic (added to a persona's base score).
TOPIC_NPS_EFFECT: dict[str, float] = {
    "price": -2.5,
    "reliability": -3.5,
    "reporting": 1.5,
    "integrations": -0.5,
    "onboarding": -2.0,
    "support": 0.5,
    "dark_mode": 0.0,
}
