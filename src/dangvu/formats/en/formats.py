# English pages write dates and numbers as the Vietnamese ones do (DESIGN.md principle 7).
from dangvu.formats.vi.formats import *  # noqa: F403
