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
