"""`python -m exporters.report` = `praxis-report`."""

import sys

from exporters.report.cli import main

if __name__ == "__main__":
    sys.exit(main())
