"""newstrace: from raw news to evidence — what happened, who says so, and who else confirms it."""

__version__ = "0.1.0"
