"""Text as people paste it: Word and legacy systems bring control characters that no page
shows, that XML (and so every .xlsx) refuses, and that break exports long after the typing."""

import re

# C0 controls except tab, newline and carriage return (so the vertical tab and form feed go);
# DEL and the C1 controls; lone surrogates; and Unicode's noncharacters (U+FDD0–FDEF and the
# last two code points of every plane, such as U+FFFE and U+FFFF).
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    + "]"
)


def strip_control(text: str) -> str:
    """The text without characters nobody can see, read or store in a workbook."""
    return CONTROL_CHARACTERS.sub("", text)
