"""People's names as the audit counts them: spellings that differ only in case, runs of spaces or a
git identity's ``<email>`` are one person, shown by the spelling used most (the first seen on a tie).

A register of panel members (``people.toml``, another module) may later map former spellings to
one canonical name: it is passed in as ``canonical`` and applied before the comparison.
"""

from __future__ import annotations

from collections.abc import Callable

from panel_tui.core.log.entries import person

Canonical = Callable[[str], str]


def name_key(name: str) -> str:
    """What two spellings of one name have in common ("Helen  davies <h@x>" -> "helen davies")."""
    return " ".join(person(name).split()).casefold()


class Names:
    """The spellings met for each person, and the one to show."""

    def __init__(self, canonical: Canonical | None = None) -> None:
        self.canonical = canonical
        self.seen: dict[str, dict[str, int]] = {}  # key -> spelling -> times met (insertion: first seen first)
        self.keys: dict[str, tuple[str, str]] = {}  # a name as given -> (its spelling, its key): asked once a row

    def key(self, name: str) -> str:
        """The person's key, counting this spelling."""
        known = self.keys.get(name)
        if known is None:
            spelt = self.canonical(name) if self.canonical is not None else name
            known = self.keys[name] = (spelt, name_key(spelt))
        name, k = known
        spellings = self.seen.setdefault(k, {})
        spellings[name] = spellings.get(name, 0) + 1
        return k

    def shown(self, key: str) -> str:
        spellings = self.seen.get(key)
        if not spellings:
            return key
        return max(spellings, key=lambda s: spellings[s])  # max keeps the first of equals

    def spellings(self, key: str) -> list[str]:
        return list(self.seen.get(key, {}))
