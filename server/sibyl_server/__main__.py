"""`python -m sibyl_server [flags]` runs the server, like `sibyl serve`."""

import sys

from sibyl_server.cli import serve_process

serve_process(sys.argv[1:])
