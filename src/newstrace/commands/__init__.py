"""CLI commands beyond the core ones, one module per area (entities, events, quotes, stories, serve, watch,
export). Each module imports ``app`` and the shared options from ``newstrace.cli`` and registers its commands
with ``@app.command()``; ``newstrace.cli`` imports every module of this package at start-up.
"""
