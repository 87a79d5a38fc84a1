"""Failed log-in attempts per key (e-mail or client address), for throttling."""
import mongoengine as me


class LoginThrottle(me.Document):
    key = me.StringField(primary_key=True)
    failures = me.IntField(default=0)
    window_start = me.DateTimeField()
    locked_until = me.DateTimeField()

    meta = {"collection": "login_throttle"}
