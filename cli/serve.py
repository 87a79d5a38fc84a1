"""`flask --app app serve`: the local server of `make run`, naming no server software."""
import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import WSGIRequestHandler


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without "Server: Werkzeug/x.y Python/3.z" (what to attack)."""

    def version_string(self) -> str:
        return "Backoffice"


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def serve(host, port):
    """Serve the panel locally (make run): Werkzeug, threaded, naming no server version."""
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), threaded=True,
               request_handler=QuietRequestHandler)
