"""`python -m sibyl_server [flags]` runs the server, like `sibyl serve`."""

import sys

from sibyl_server.cli import serve_main

sys.exit(serve_main(sys.argv[1:]))
