"""The analyst's desk: a JSON API and server-rendered pages over a newstrace store (``newstrace serve``)."""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    """The FastAPI app over a store file (see ``newstrace.server.app.create_app``)."""
    from newstrace.server.app import create_app as _create

    return _create(*args, **kwargs)


__all__ = ["create_app"]
