"""The daily task digest: one mail per user with open tasks (approval requests, deadlines).

Tasks come from the task list (services.core.tasks); a user without tasks gets nothing.
The idempotency key `digest:<user>:<day>` makes a repeated or retried job queue nothing
twice on the same day.
"""
from datetime import date

from models.user import User
from services.core.formatting import format_date_de
from services.core.mail import queue_mail
from services.core.tasks import tasks_for

SUBJECT = {"de": "Ihre offenen Aufgaben am {day}: {count}",
           "en": "Your open tasks on {day}: {count}"}
INTRO = {"de": "Guten Morgen,\n\nin Backoffice warten diese Aufgaben auf Sie:\n",
         "en": "Good morning,\n\nthese tasks are waiting for you in Backoffice:\n"}
OVERDUE = {"de": "ÜBERFÄLLIG", "en": "OVERDUE"}


def queue_digests(day: date, base_url: str, translate=None) -> dict:
    """Queue today's digest for every active user with tasks; return counts."""
    queued = 0
    for user in User.objects(active=True):
        tasks = tasks_for(user).tasks
        if not tasks:
            continue
        language = user.locale or "de"
        queue_mail(key=f"digest:{user.pk}:{day.isoformat()}", kind="reminder", to=[user.email],
                   subject=SUBJECT[language].format(day=_day(day, language), count=len(tasks)),
                   body=_body(tasks, language, base_url, translate), user="system",
                   language=language)
        queued += 1
    return {"queued": queued}


def _body(tasks, language, base_url, translate) -> str:
    lines = [INTRO[language]]
    for task in tasks:
        title = _title(task, language, translate)
        due = f" ({_day(task.due, language)})" if task.due else ""
        flag = f" [{OVERDUE[language]}]" if task.overdue else ""
        lines.append(f"- {title}{due}{flag}\n  {base_url.rstrip('/')}{task.url}")
    return "\n".join(lines) + "\n"


def _title(task, language, translate) -> str:
    text = translate(task.title, language) if translate else task.title
    params = {k: _day(v, language) if isinstance(v, date) else v
              for k, v in (task.params or {}).items()}
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return text


def _day(value, language) -> str:
    value = value.date() if hasattr(value, "date") and callable(value.date) else value
    return format_date_de(value) if language == "de" else value.isoformat()
