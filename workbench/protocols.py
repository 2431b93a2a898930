"""Protocol profiles: the thresholds and vocabularies the failure rules use.

Every threshold varies between areas, so none is a constant in code: each is a
setting of a named profile (``workbench/data/protocols/*.yaml``). A local profile is
a YAML file of the same shape that ``extends`` a bundled one and changes only what
differs.

Profiles speak of roles, never of agency names: ``share_targets`` and
``notify_on_placement`` list roles of :data:`ROLES` (``police``: any police force;
``social-care``: children's social care however an area names it; ``lead``: whichever
agency holds the case at the time; ``host-authority``: the authority a child is
placed in), and ``bank_holidays`` names the nation whose bank holidays working days
skip (:data:`workbench.timeutil.NATIONS`).

Examples
--------
>>> p = load_protocol("england-2014")
>>> p.settings["return_interview_hours"], p.settings["repeat_count"]
(72, 3)
>>> sorted(PROTOCOLS)
['england-2014', 'scotland-framework', 'wales-2021']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from workbench.errors import UnknownProtocolError
from workbench.safeyaml import load_bundled_yaml
from workbench.timeutil import NATIONS

__all__ = ["DEFAULT_PROTOCOL", "PROTOCOLS", "ROLES", "Protocol", "load_protocol"]

DEFAULT_PROTOCOL = "england-2014"
PROTOCOLS = ("england-2014", "wales-2021", "scotland-framework")
#: the roles a profile may name where agencies are meant
ROLES = ("police", "social-care", "lead", "host-authority")
_ROLE_SETTINGS = ("share_targets", "notify_on_placement")


@dataclass(frozen=True)
class Protocol:
    """A named set of thresholds (``settings``) and guidance references per pattern."""

    name: str
    title: str
    settings: Mapping[str, Any] = field(default_factory=dict)  # values as written in YAML
    guidance: Mapping[str, str] = field(default_factory=dict)

    def __reduce__(self):  # picklable for worker processes (mapping proxies are not)
        return (_rebuild, (self.name, self.title, dict(self.settings), dict(self.guidance)))

    def __getitem__(self, key: str) -> Any:
        return self.settings[key]

    def with_settings(self, **changes: object) -> Protocol:
        """A new profile with some settings changed (e.g. a tighter threshold)."""
        return _checked(replace(self, name=f"{self.name}+custom",
                                settings=MappingProxyType({**self.settings, **changes})))


def _rebuild(name: str, title: str, settings: dict, guidance: dict) -> Protocol:
    return Protocol(name, title, MappingProxyType(settings), MappingProxyType(guidance))


def _merge(base: Protocol, data: Mapping[str, Any]) -> Protocol:
    return Protocol(
        name=str(data.get("name") or base.name),
        title=str(data.get("title") or base.title),
        settings=MappingProxyType({**base.settings, **dict(data.get("settings") or {})}),
        guidance=MappingProxyType({**base.guidance, **dict(data.get("guidance") or {})}),
    )


@cache
def _bundled(name: str) -> Protocol:
    return _from_data(load_bundled_yaml(f"protocols/{name}.yaml"))  # type: ignore[arg-type]


def _from_data(data: Mapping[str, Any]) -> Protocol:
    parent = data.get("extends")
    base = load_protocol(str(parent)) if parent else Protocol(name="", title="")
    return _checked(_merge(base, data))


def _checked(profile: Protocol) -> Protocol:
    """The profile, once its roles and nation are known values (else a clear error)."""
    problems = []
    for key in _ROLE_SETTINGS:
        roles = profile.settings.get(key) or ()
        if isinstance(roles, str) or not isinstance(roles, Iterable):
            problems.append(f"{key} is a list of roles, not {roles!r} (roles: {', '.join(ROLES)})")
            continue
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            problems.append(f"{key} names {', '.join(map(repr, unknown))}, which are not roles "
                            f"(roles: {', '.join(ROLES)}; profiles name roles, not agencies)")
    nation = profile.settings.get("bank_holidays", "none")
    if nation not in NATIONS:
        problems.append(f"bank_holidays {nation!r} is not one of {', '.join(NATIONS)}")
    if problems:
        raise UnknownProtocolError(f"protocol {profile.name!r}: " + "; ".join(problems))
    return profile


def load_protocol(name: str | Path | Protocol | None = None) -> Protocol:
    """A bundled profile by name, or a local YAML profile by path (None: the default)."""
    if isinstance(name, Protocol):
        return name
    if name is None:
        name = DEFAULT_PROTOCOL
    if str(name) in PROTOCOLS:
        return _bundled(str(name))
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        from workbench.io.casefile import read_yaml

        return _from_data(read_yaml(path))
    raise UnknownProtocolError(f"unknown protocol {str(name)!r}: use one of "
                               f"{', '.join(PROTOCOLS)} or the path of a local .yaml profile")
