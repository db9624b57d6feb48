"""The codes the device modules keep private, by name, for the laptop and the tests.

On a board every public module-level name costs an interned string and a slot
in the module's globals for as long as the module is loaded, while a private
``_NAME = const(n)`` is folded into the bytecode: no slot, and in an ``.mpy``
no name either.  So
``timeline``, ``engine``, ``cues`` and ``sessionlog`` keep their codes private,
a module that needs another's code keeps its own copy, every module names a
code after its name here (``Step.HOLD`` is ``_STEP_HOLD``), and the public
names live here.  This module is never installed on a board;
``tests/firmware/test_codes.py`` checks every copy against it.
"""


class Step:
    """Step kinds (``timeline``), and the fields of a step tuple."""

    PREPARE = 0
    MOVE_IN = 1
    SINK = 2
    HOLD = 3
    RELEASE = 4
    REST = 5
    SWITCH = 6
    RATE = 7
    DONE = 8

    KIND = 0
    STRETCH = 1
    SIDE = 2
    REP = 3
    DURATION_MS = 4


class Event:
    """Event codes the ``engine`` gives out, with what each event's value holds."""

    PHASE = 1  # step kind; a new step began (engine.step holds it)
    INHALE = 2
    EXHALE = 3
    SECOND = 4  # whole seconds left in the step
    HOLD_END = 5  # the hold's result list (fields in Hold)
    REST = 6
    SWITCH_SIDE = 7
    STRETCH_DONE = 8  # stretch index
    RATE_REQUEST = 9  # stretch index
    RATING = 10  # (stretch index, rating)
    SESSION_DONE = 11  # 1 if aborted else 0
    PAUSED = 12
    RESUMED = 13
    EXTENDED = 14  # seconds added
    EXTEND_LIMIT = 15
    SKIPPED = 16  # step kind skipped
    HOLD_START = 17
    STRETCH_START = 18  # stretch index


class Action:
    """What ``Engine.press`` takes; RATE's value is 1 to RATING_MAX."""

    PAUSE = 1  # toggles pause and resume
    SKIP = 2
    EXTEND = 3
    ABORT = 4
    RATE = 5
    RATING_MAX = 5


class Hold:
    """The fields of a hold's result list (``Event.HOLD_END``'s value)."""

    STRETCH = 0
    SIDE = 1
    REP = 2
    PLANNED_MS = 3
    ACTUAL_MS = 4
    EXTENDED_MS = 5
    SKIPPED = 6


class Cue:
    """Cue codes (``cues``): the index of each pattern in ``cues.HAPTIC`` and ``cues.TONE``."""

    INHALE = 0
    EXHALE = 1
    HOLD_START = 2
    HOLD_END = 3
    LAST3 = 4
    REST = 5
    SWITCH_SIDE = 6
    STRETCH_START = 7
    STRETCH_DONE = 8
    RATE = 9
    SESSION_DONE = 10
    PAUSED = 11
    ACK = 12
    LIMIT = 13
    REMIND = 14  # the daily reminder, on the menu: never from the engine
    COUNT = 15
    MIN_LEVEL = 55  # the weakest a pulse may be, in percent


class Rec:
    """Session log record types (``sessionlog``)."""

    START = 1
    HOLD = 2
    RATING = 3
    END = 4
    GAP = 5
    RESUMED = 6
