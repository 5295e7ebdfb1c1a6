"""``python -m newstrace``: the same command line as the ``newstrace`` script."""

from newstrace.cli import main

main()
