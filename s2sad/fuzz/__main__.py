"""``python -m s2sad.fuzz``: run a campaign (see :mod:`s2sad.fuzz.cli`)."""

import sys

from s2sad.fuzz.cli import main

sys.exit(main())
