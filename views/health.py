"""Health check for load balancers and the operator."""
from flask import Blueprint, jsonify
from mongoengine.connection import get_db
from pymongo.errors import PyMongoError

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    """Answer 200 when the database answers a ping, else 503."""
    try:
        get_db().command("ping")
    except PyMongoError:
        return jsonify(status="database unavailable"), 503
    return jsonify(status="ok")
