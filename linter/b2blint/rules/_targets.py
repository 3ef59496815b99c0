"""How the XTA and EXT rules word and point at effective B2B settings.

What a setting lets through is `b2blint.policy.targets` (the one reading of Microsoft's table,
shared with the simulator); this module only holds the rules' message and `Related` helpers.
"""

from __future__ import annotations

from b2blint.policy.effective import Resolved, Source
from b2blint.policy.targets import USERS
from b2blint.rules._rule import Related


def origin(part: Resolved, *, of_default: bool = False) -> str:
    """How a message names where an effective value comes from."""
    if part.source is Source.SERVICE:
        return "service default"
    if part.source is Source.DEFAULT:
        return "inherited from the default"
    return "set in the default" if of_default else "set on the partner"


def related_for(part: Resolved, what: str) -> tuple[Related, ...]:
    """A `Related` pointing at an inherited or explicit value, when it is written somewhere."""
    if part.ref is None:
        return ()
    message = "inherited from the default here" if part.source is Source.DEFAULT else what
    return (Related(part.ref, message),)


def half_noun(part: Resolved) -> str:
    """What a blocking half blocks, for messages: ``users`` or ``applications``."""
    return "users" if part.name == USERS else "applications"
