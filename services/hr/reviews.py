"""Performance reviews: visible to the employee, the employee's manager and HR only."""
from bson import ObjectId

from models.training import Review
from services.core.messages import N_, RuleError


def may_see(user, review: Review) -> bool:
    if user.has_role("hr", "admin"):
        return True
    own = getattr(user, "employee", None)
    if own is None:
        return False
    employee = review.employee
    return own.pk in {employee.pk, getattr(employee.manager, "pk", None)}


def may_rate(user, review: Review) -> bool:
    """The manager rates (HR too); the employee reads."""
    if user.has_role("hr", "admin"):
        return True
    own = getattr(user, "employee", None)
    return own is not None and own.pk == getattr(review.employee.manager, "pk", None)


def visible_to(user) -> list[Review]:
    """The reviews this user may read."""
    if user.has_role("hr", "admin"):
        return list(Review.objects.limit(500))
    own = getattr(user, "employee", None)
    if own is None:
        return []
    from models.employee import Employee

    team = [e.pk for e in Employee.objects(manager=own.pk).only("id")]
    return list(Review.objects(employee__in=[own.pk, *team]))


def rate(review_id, user, overall: int | None, comment: str, goal_ratings: dict) -> Review:
    """Store the manager's (or HR's) ratings and comment."""
    review = Review.objects(pk=review_id).first() if ObjectId.is_valid(str(review_id)) else None
    if review is None or not may_see(user, review):
        raise RuleError(N_("Dieses Mitarbeitergespräch gibt es nicht."))
    if not may_rate(user, review):
        raise RuleError(N_("Bewerten kann nur die Führungskraft oder die Personalabteilung."))
    for rating in [overall, *goal_ratings.values()]:
        if rating is not None and not 1 <= rating <= 5:
            raise RuleError(N_("Bewertungen gehen von 1 bis 5."))
    for index, rating in goal_ratings.items():
        if 0 <= index < len(review.goals):
            review.goals[index].rating = rating
    review.overall_rating, review.comment = overall, comment or None
    return review.save()


def start_cycle(name: str, due_date, by: str, departments=()) -> int:
    """Open an appraisal round: one review per employee employed on the due date (once)."""
    from mongoengine import NotUniqueError

    from models.employee import Employee
    from models.training import ReviewCycle

    name = (name or "").strip()
    if not name or due_date is None:
        raise RuleError(N_("Für die Gesprächsrunde fehlen Name oder Fälligkeitsdatum."))
    departments = [d.strip() for d in departments if d and d.strip()]
    try:
        cycle = ReviewCycle(name=name[:40], due_date=due_date, departments=departments,
                            started_by=by).save(force_insert=True)
    except NotUniqueError:
        cycle = ReviewCycle.objects.get(name=name[:40])   # a repeat adds who is missing
    added = 0
    for employee in Employee.objects(hire_date__lte=cycle.due_date).only(
            "id", "exit_date", "department", "status"):
        if employee.exit_date and employee.exit_date < cycle.due_date:
            continue
        if cycle.departments and employee.department not in cycle.departments:
            continue
        try:
            Review(id=_review_id(cycle, employee), cycle=cycle.name, employee=employee,
                   due_date=cycle.due_date).save(force_insert=True)
            added += 1
        except NotUniqueError:
            continue
    return added


def _review_id(cycle, employee) -> ObjectId:
    """The same id for the same cycle and employee: the insert itself refuses a second one."""
    import hashlib

    return ObjectId(hashlib.sha256(f"review:{cycle.pk}:{employee.pk}".encode()).hexdigest()[:24])


def complete(review_id, user) -> Review:
    """Close a review once it has taken place (the manager or HR)."""
    from datetime import datetime, timezone

    review = Review.objects(pk=review_id).first() if ObjectId.is_valid(str(review_id)) else None
    if review is None or not may_see(user, review):
        raise RuleError(N_("Dieses Mitarbeitergespräch gibt es nicht."))
    if not may_rate(user, review):
        raise RuleError(N_("Abschließen kann nur die Führungskraft oder die Personalabteilung."))
    if review.overall_rating is None:
        raise RuleError(N_("Vor dem Abschluss bitte die Gesamtbewertung eintragen."))
    if not Review.objects(pk=review.pk, status="open").update_one(
            set__status="done", set__done_by=user.email,
            set__done_at=datetime.now(timezone.utc)):
        raise RuleError(N_("Dieses Mitarbeitergespräch ist schon abgeschlossen."))
    return review.reload()


def reviews_due(user, today=None):
    """Task source: open reviews with a due date, for the manager; HR those without one."""
    from datetime import date

    from models.employee import Employee
    from services.core.tasks import Task

    today = today or date.today()
    own = getattr(user, "employee", None)
    team = [e.pk for e in Employee.objects(manager=own.pk).only("id")] if own else []
    wanted = list(Review.objects(employee__in=team, status="open", due_date__ne=None)) \
        if team else []
    if user.has_role("hr", "admin"):
        # from the open reviews to their employees (by _id), not from every employee
        # without a manager: this runs for the menu's task count on every page
        open_for = {doc["employee"] for doc in Review._get_collection().find(
            {"status": "open", "due_date": {"$ne": None}}, {"employee": 1}) if doc.get("employee")}
        leaderless = [doc["_id"] for doc in Employee._get_collection().find(
            {"_id": {"$in": sorted(open_for)}, "manager": None}, {"_id": 1})] if open_for else []
        wanted += [r for r in Review.objects(employee__in=leaderless, status="open",
                                             due_date__ne=None) if r.employee.pk not in team] \
            if leaderless else []
    for review in wanted:
        employee = review.employee
        yield Task(kind="deadline", area="hr", ref=f"rv-{review.pk}", due=review.due_date,
                   overdue=review.due_date < today,
                   title=N_("Mitarbeitergespräch %(cycle)s mit %(name)s führen"),
                   params={"cycle": review.cycle,
                           "name": f"{employee.first_name} {employee.last_name}"},
                   url=f"/hr/reviews/{review.pk}")
