"""The register of panel members (``people.toml``): who the people are, not how a name was typed.

Optional. Kept in a session's folder or any folder above it (the shared repository), the nearest
one counting, as ``frameworks/`` is. It names each person once (their name as it is written now),
their roles, and the spellings used before (a former name, a typo in old logs), so the audit can
count one person once, attendance can offer names instead of asking for them to be typed, and a
name typed with another case or spacing is caught before it reaches the legal record.

The spelling rule is here, not in a front end, so the command line and the app refuse alike. It
applies when an entry is written, never when a log is read: logs recorded before it stay valid.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel_tui.core.errors import InputError, RuleRefused
from panel_tui.core.log.entries import person, same_name
from panel_tui.core.tomlfile import line_of, load_toml

PEOPLE_FILE = "people.toml"
PEOPLE_FORMAT = "panel-tui/people/1"
ROLES = ("chair", "member", "lead-inspector")
TOP_KEYS = ("format", "person")
PERSON_KEYS = ("name", "roles", "former")
MAX_PEOPLE = 2000  # an inspectorate's panel members: far below this
MAX_NAME = 200  # as the log's own names (log.texts.check_name)


def name_key(name: str) -> str:
    """The form two spellings share when they differ only in case, runs of spaces or a git
    identity's ``<email>`` ("Helen  davies <h@x.org>" is "helen davies", as the audit counts names)."""
    return " ".join(person(name).split()).casefold()


@dataclass(frozen=True)
class Person:
    name: str
    roles: tuple[str, ...] = ()
    former: tuple[str, ...] = ()


class Register:
    """The people of one ``people.toml``, looked up by any spelling they are known by."""

    def __init__(self, path: Path | None, people: list[Person]) -> None:
        self.path = path
        self.people = people
        self._by_key: dict[str, Person] = {}
        for p in people:
            for spelling in (p.name, *p.former):
                self._by_key[name_key(spelling)] = p

    def find(self, name: str) -> Person | None:
        """The person known by ``name`` (their name or a former spelling, in any case or spacing)."""
        return self._by_key.get(name_key(name))

    def canonical(self, name: str) -> str:
        """The name a person is counted under: their register name for any spelling of it, or the
        name itself with its spaces tidied when the register does not know it (so "Tom  Baker" and
        "Tom Baker" are one person to the audit even without a register)."""
        p = self.find(name)
        return p.name if p is not None else " ".join(name.split())

    def names(self, role: str | None = None) -> list[str]:
        """Register names, those with ``role`` first when one is given (then the others)."""
        if role is None:
            return [p.name for p in self.people]
        return [p.name for p in self.people if role in p.roles] + [p.name for p in self.people if role not in p.roles]


EMPTY = Register(None, [])


# --- reading and checking the file -----------------------------------------------------------------


def register_path(near: Path | str | None) -> Path | None:
    """The nearest ``people.toml`` in ``near`` (a session folder, a file in one, or any folder) or a
    folder above it; None when there is none."""
    if near is None:
        return None
    folder = os.path.abspath(near)
    if os.path.isfile(folder):
        folder = os.path.dirname(folder)
    while True:
        cand = os.path.join(folder, PEOPLE_FILE)
        if os.path.lexists(cand):
            return Path(cand)
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def find_register(near: Path | str | None) -> Register:
    """The register that applies at ``near`` (:data:`EMPTY` when there is none). A register that
    cannot be read raises :class:`InputError` naming the file, the place and the fix."""
    path = register_path(near)
    return EMPTY if path is None else load_register(path)


def load_register(path: Path) -> Register:
    doc, _, text = load_toml(path, "the people register")
    return parse_register(doc, path, text)


def _suggest(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _place(text: str, i: int, p: dict[str, Any]) -> str:
    name = p.get("name")
    line = line_of(text, "name", name) if isinstance(name, str) else None
    who = f"[[person]] {i + 1}" + (f" ({name!r})" if isinstance(name, str) else "")
    return f"line {line}, {who}" if line else who


def _names(value: Any, path: Path, place: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(path, place, f"{key} must be a list of names.", f'write {key} = ["…", "…"].')
    return tuple(value)


def _check_name(value: Any, path: Path, place: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            path, place, f"{what} is missing or empty.", 'write name = "Their Name" (as it is written now).'
        )
    if len(value) > MAX_NAME or "\x00" in value or not value.isprintable():
        raise InputError(
            path,
            place,
            f"{what} {value!r} has control characters or is over {MAX_NAME} characters.",
            "write the name as plain text on one line.",
        )
    if value != value.strip() or "  " in value:
        raise InputError(
            path,
            place,
            f"{what} {value!r} has spaces at its ends or two spaces together.",
            f"write it as {' '.join(value.split())!r}.",
        )
    return value


def parse_register(doc: dict[str, Any], path: Path, text: str = "") -> Register:
    """Check every key and name: unknown keys (with the nearest known one), a person named twice,
    a spelling claimed by two people, roles outside :data:`ROLES`."""
    for key in doc:
        if key not in TOP_KEYS:
            raise InputError(
                path,
                f"key {key!r}",
                f"unknown key{_suggest(key, TOP_KEYS)}.",
                "the file holds format and [[person]] tables only.",
            )
    fmt = doc.get("format", PEOPLE_FORMAT)
    if fmt != PEOPLE_FORMAT:
        raise InputError(
            path, "format", f"format {fmt!r} is not one this version reads.", f'write format = "{PEOPLE_FORMAT}".'
        )
    raw = doc.get("person", [])
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        raise InputError(
            path,
            "person",
            "person must be tables written [[person]].",
            'write each one as [[person]] followed by name = "…".',
        )
    if len(raw) > MAX_PEOPLE:
        raise InputError(
            path, "person", f"{len(raw)} people: more than {MAX_PEOPLE}.", "keep one register per inspectorate."
        )
    people: list[Person] = []
    owner: dict[str, tuple[str, str]] = {}  # spelling key -> (whose, where)
    for i, p in enumerate(raw):
        place = _place(text, i, p)
        for key in p:
            if key not in PERSON_KEYS:
                raise InputError(
                    path,
                    place,
                    f"unknown key {key!r}{_suggest(key, PERSON_KEYS)}.",
                    f"a person has {', '.join(PERSON_KEYS)} only.",
                )
        name = _check_name(p.get("name"), path, place, "name")
        roles = _names(p.get("roles", []), path, place, "roles")
        for r in roles:
            if r not in ROLES:
                raise InputError(
                    path,
                    place,
                    f"role {r!r} is not one of {', '.join(ROLES)}{_suggest(r, ROLES)}.",
                    "use those roles (a person may have several).",
                )
        former = tuple(
            _check_name(f, path, place, "former spelling") for f in _names(p.get("former", []), path, place, "former")
        )
        for spelling in (name, *former):
            key = name_key(spelling)
            if key in owner:
                whose, where = owner[key]
                if whose == name:
                    raise InputError(
                        path, place, f"{spelling!r} is listed twice for {name!r}.", "list each spelling once."
                    )
                what = "named twice" if name_key(whose) == key and name_key(name) == key else "claimed by two people"
                raise InputError(
                    path,
                    place,
                    f"{spelling!r} is {what}: {whose!r} ({where}) and {name!r}.",
                    "keep one person per name; a former spelling belongs to one person only.",
                )
            owner[key] = (name, place)
        people.append(Person(name, roles, former))
    return Register(path, people)


# --- the spelling rule, on every write ------------------------------------------------------------

FIELD_OF = {"by": "by", "member": "member", "chair": "chair", "members": "members"}


def exact_spelling(value: Any, present: list[str], role: str) -> None:
    """Refuse a name that matches someone present only when case and spacing are ignored: the log
    would otherwise hold two spellings of one person. Names not present at all are left to the
    log's rules (which list who is present)."""
    if not isinstance(value, str) or value in present:
        return
    match = next((p for p in present if same_name(value, p)), None)
    if match is not None:
        raise RuleRefused(
            "name-spelling",
            f"{role} {value!r} differs only in case or spacing from {match!r}, who is "
            f"present; did you mean {match!r}? Write the name exactly as attendance "
            "recorded it.",
            FIELD_OF.get(role, role),
        )


def attendance_spelling(names: list[str], register: Register, field: str = "members") -> None:
    """Refuse, in attendance, a name the register knows under another spelling (another case or
    spacing, or a former spelling): did you mean the register's name?"""
    for n in names:
        if not isinstance(n, str):
            continue
        p = register.find(n)
        if p is None or n == p.name:
            continue
        why = (
            "is a former spelling of"
            if any(name_key(n) == name_key(f) for f in p.former)
            else "differs only in case or spacing from"
        )
        where = f" in {register.path}" if register.path else ""
        raise RuleRefused(
            "name-spelling",
            f"{n!r} {why} {p.name!r}{where}; did you mean {p.name!r}? Write the register's name.",
            field,
        )


def not_in_register(names: list[str], register: Register) -> list[str]:
    """The names a register (when there is one) does not know: recorded, with a warning."""
    if register.path is None:
        return []
    return [n for n in names if register.find(n) is None]


def unknown_warning(names: list[str], register: Register) -> str | None:
    """One line saying which names are not in the register, or None."""
    unknown = not_in_register(names, register)
    if not unknown:
        return None
    return (
        f"⚠ not in {register.path}: {', '.join(repr(n) for n in unknown)} (recorded as typed; add them to the "
        "register, or check the spelling)."
    )


def check_names(state: Any, e: dict[str, Any]) -> None:
    """The spelling rule on an entry about to be written (``state``: the log it is written on):
    attendance against the register nearest the session, everyone else against who is present."""
    if e.get("kind") == "attendance":
        register = find_register(state.path.parent)
        chair = e.get("chair")
        attendance_spelling([chair] if isinstance(chair, str) else [], register, "chair")
        members = e.get("members")
        attendance_spelling(members if isinstance(members, list) else [], register, "members")
        return
    present = list(state.present)
    exact_spelling(e.get("by"), present, "by")
    if e.get("kind") == "dissent":
        exact_spelling(e.get("member"), present, "member")
    by = e.get("by")
    if isinstance(by, str) and by not in present:  # e.g. a lead inspector's proposal before attendance
        try:
            register = find_register(state.path.parent)
        except InputError:  # attendance names a broken register; a decision is not held up by it
            return
        attendance_spelling([by], register, "by")


# --- the audit: one person under one name ---------------------------------------------------------

PERSON_KEYS_IN_ROWS = ("chair", "by")  # the audit rows' fields that name a person


def person_values(rows: Iterable[Any], key: str, register: Register) -> list[str]:
    """The people a filter on ``key`` offers: each under its register name (sorted, once each)."""
    out = {register.canonical(v) for d in rows if isinstance(v := d.get(key), str) and v.strip()}
    return sorted(out, key=name_key)


def person_matches(row: Any, key: str, want: str, register: Register) -> bool:
    """Is ``row``'s ``key`` (chair or by) the person ``want``, under any spelling the register knows?"""
    value = row.get(key)
    return isinstance(value, str) and name_key(register.canonical(value)) == name_key(want)
