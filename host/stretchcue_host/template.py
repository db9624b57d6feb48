"""Commented TOML routines and the field reference, generated from the core's tables.

Defaults and limits are read from ``stretchcue.routine_check`` every time (the reason
for each limit from ``routine_rules``), so the comments in a new routine file and
the table in docs/routines.md cannot drift from what the validator and the
device enforce.
"""

from __future__ import annotations

import json

from stretchcue import fit
from stretchcue import routine as rt
from stretchcue import routine_check as rc
from stretchcue_host import routine_rules as rules

# Fields whose meaning is not in the core's tables (text, choices, switches).
TEXT_HELP = {
    "format": "file format version; leave it at %d" % rt.FORMAT,
    "name": "shown on the device; required, at most %d characters" % rt.NAME_MAX,
    "title": "required, at most %d characters, different for each stretch" % rt.TITLE_MAX,
    "cue": "optional instruction, at most %d characters in %d lines of %d" % (
        rt.CUE_MAX, fit.CUE_ROWS, fit.COLS),
    "sides": "none, both, left or right; both runs every rep on the left, then the right",
    "breath_pacing": "pace your breathing during the hold with gentle pulses",
    "rate": "ask how tight the stretch felt (0-5) after its last rep",
    "defaults": "table of stretch fields applied to every stretch that does not set them",
    "stretches": "one [[stretches]] block per stretch, at most %d, run in order"
                 % rt.MAX_STRETCHES,
}

STARTER = [
    {"title": "Knee to chest", "cue": "On your back, hug one knee in with both hands",
     "sides": "both"},
    {"title": "Child's pose", "cue": "Knees wide, sink hips back, forehead down",
     "hold_s": 45, "reps": 2},
]


def describe(key: str) -> str:
    """One line saying what a field does, its default and its limits."""
    if key in rules.GOAL_WHY:
        _, low, high, _ = rules.STRETCH_INTS[key[5:]]
        return "optional, %d to %d: %s" % (low, high, rules.GOAL_WHY[key])
    if key in rules.STRETCH_INTS or key in rules.ROUTINE_INTS:
        default, low, high, why = rules.STRETCH_INTS.get(key) or rules.ROUTINE_INTS[key]
        return "default %d, %d to %d: %s" % (default, low, high, why)
    if key in rules.STRETCH_BOOLS:
        return "default %s: %s" % (_toml(rules.STRETCH_BOOLS[key]), TEXT_HELP[key])
    if key == "sides":
        return 'default "none": ' + TEXT_HELP[key]
    return TEXT_HELP[key]


def _toml(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(v, ensure_ascii=False)


def _line(key: str, value: object, comment: str = "") -> str:
    text = f"{key} = {_toml(value)}"
    return f"# {key}: {comment}\n{text}" if comment else text


def _stretch_defaults() -> dict:
    out: dict = {"sides": "none"}
    out.update({k: spec[0] for k, spec in rules.STRETCH_INTS.items()})
    out.update(rules.STRETCH_BOOLS)
    return out


def routine_toml(name: str, source: rt.Routine | None = None) -> str:
    """A complete, valid, commented routine file named ``name``.

    With ``source`` its timings and stretches are kept (only values that differ
    from the defaults are written per stretch); otherwise a two-stretch starter.
    """
    lines = [
        f"# {name}: a stretchcue routine.",
        "# Check it:   stretchcue validate THIS_FILE",
        "# Preview it: stretchcue preview THIS_FILE",
        "# Every field below shows its default and limits; delete a line to use the default.",
        "",
        _line("format", rt.FORMAT, TEXT_HELP["format"]),
        _line("name", name, TEXT_HELP["name"]),
    ]
    for key, spec in rules.ROUTINE_INTS.items():
        value = getattr(source, key) if source else spec[0]
        lines.append(_line(key, value, describe(key)))
    defaults = _stretch_defaults()
    lines += ["", "# [defaults]: " + TEXT_HELP["defaults"] + ".", "[defaults]"]
    for key, value in defaults.items():
        lines.append(_line(key, value, describe(key)))
    for key in rc.GOALS:
        lines.append(f"# {key}: {describe(key)}\n# {key} = {defaults[key[5:]]}")
    stretches = [rules.stretch_dict(s) for s in source.stretches] if source else STARTER
    lines += ["", "# [[stretches]]: " + TEXT_HELP["stretches"] + "."]
    for i, st in enumerate(stretches):
        lines += ["", "[[stretches]]"]
        lines.append(_line("title", st["title"], describe("title") if i == 0 else ""))
        if st.get("cue") or i == 0:
            lines.append(_line("cue", st.get("cue", ""), describe("cue") if i == 0 else ""))
        for key, default in defaults.items():
            if key in st and st[key] != default:
                lines.append(_line(key, st[key]))
    return "\n".join(lines) + "\n"


def fields_markdown() -> str:
    """The field reference table for docs/routines.md."""
    rows = ["| Field | Where | Default | Limits | Meaning |", "|---|---|---|---|---|"]

    def row(key: str, where: str, default: str, limits: str, meaning: str) -> None:
        rows.append(f"| `{key}` | {where} | {default} | {limits} | {meaning} |")

    row("format", "top", str(rt.FORMAT), str(rt.FORMAT), TEXT_HELP["format"])
    row("name", "top", "(required)", f"1-{rt.NAME_MAX} characters", "shown on the device")
    for key, (default, low, high, why) in rules.ROUTINE_INTS.items():
        row(key, "top", str(default), f"{low}-{high}", why)
    row("stretches", "top", "(required)", f"1-{rt.MAX_STRETCHES} entries",
        "the stretches, in order")
    row("defaults", "top", "{}", "stretch fields except title, cue", TEXT_HELP["defaults"])
    row("title", "stretch", "(required)", f"1-{rt.TITLE_MAX} characters, unique",
        "shown on the device and in the history")
    row("cue", "stretch", '""', f"0-{rt.CUE_MAX} characters, one line",
        f"instruction shown while you get ready and move in ({fit.CUE_ROWS} lines of "
        f"{fit.COLS} on the smallest screen)")
    row("sides", "stretch, defaults", '"none"', ", ".join(rc.SIDES), TEXT_HELP["sides"])
    for key, (default, low, high, why) in rules.STRETCH_INTS.items():
        row(key, "stretch, defaults", str(default), f"{low}-{high}", why)
    for key, default in rules.STRETCH_BOOLS.items():
        row(key, "stretch, defaults", _toml(default), "true/false", TEXT_HELP[key])
    for key in rc.GOALS:
        _, low, high, _ = rules.STRETCH_INTS[key[5:]]
        row(key, "stretch, defaults", f"the stretch's `{key[5:]}`",
            f"{low}-{high}, at least `{key[5:]}`", rules.GOAL_WHY[key])
    return "\n".join(rows) + "\n"


def limits() -> list[tuple[str, str, str]]:
    """Every limit a routine meets, as ``(what, limit, why)``: the ones ``validate``
    applies, each from the constant the device itself applies (``stretchcue.routine``,
    ``routine_check``, ``protocol.messages``), so docs/routines.md can be checked."""
    from stretchcue.protocol import messages as m
    from stretchcue_host.routines import MAX_FILE_BYTES

    out = [("`format`", str(rt.FORMAT), "the only file format this device reads"),
           ("`name`", f"1-{rt.NAME_MAX} characters",
            f"one line of the smallest screen (the Feather's 128-pixel OLED: {fit.COLS} "
            "characters of the built-in font), where the menu shows it"),
           ("`title`", f"1-{rt.TITLE_MAX} characters",
            "one line of the smallest screen during the stretch, and in the history"),
           ("`cue`", f"0-{rt.CUE_MAX} characters",
            f"shown while you get ready and move in: at most {fit.CUE_ROWS} lines of "
            f"{fit.COLS} characters on the smallest screen, wrapped at spaces")]
    for key, (_, low, high, why) in {**rules.ROUTINE_INTS, **rules.STRETCH_INTS}.items():
        out.append((f"`{key}`", f"{low}-{high}", why))
    for key in rc.GOALS:
        _, low, high, _ = rules.STRETCH_INTS[key[5:]]
        out.append((f"`{key}`", f"{low}-{high}, at least `{key[5:]}`", rules.GOAL_WHY[key]))
    out += [
        ("stretches", f"1-{rt.MAX_STRETCHES}",
         "enough for a session; the device keeps the whole routine in its small RAM"),
        ("planned time", f"at most {rt.MAX_TOTAL_S // 60} min",
         "a longer routine is better split; pauses and extensions are not counted"),
        ("titles", "different, ignoring case", "so the log can tell the stretches apart"),
        ("texts", "visible characters on one line",
         "no control, invisible or direction-changing characters: what you see is what "
         "the device shows"),
        ("routine file", f"{MAX_FILE_BYTES} bytes",
         "a routine is a few KiB; anything bigger is not one"),
        ("canonical JSON", f"{rt.MAX_ROUTINE_BYTES} bytes",
         "what the device stores and checks, held in its RAM while it arrives"),
        ("file name (push)", f"1-{m.NAME_MAX} letters, digits, - or _",
         "the device stores the routine under it"),
    ]
    return out


def limits_markdown() -> str:
    """The limits table for docs/routines.md."""
    rows = ["| Limit | Value | Why |", "|---|---|---|"]
    rows += [f"| {what} | {value} | {why} |" for what, value, why in limits()]
    return "\n".join(rows) + "\n"
