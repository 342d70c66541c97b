"""Allow ``python -m approxbounds``."""
from approxbounds.cli import main

raise SystemExit(main())
