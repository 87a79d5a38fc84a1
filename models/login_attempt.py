"""Log-in attempt counters per key (account, address, account at an address)."""
import mongoengine as me


class LoginThrottle(me.Document):
    key = me.StringField(primary_key=True)
    failures = me.IntField(default=0)  # attempt slots taken in the current window
    window_start = me.DateTimeField()

    meta = {"collection": "login_throttle", "strict": False}
