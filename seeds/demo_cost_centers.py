"""Demo cost centres (the codes the demo contracts name) and each employee's centre.

100 Verwaltung, 200 Vertrieb, 300 Lager und Produktion, 900 Allgemein; an employee's
centre follows the department, so the payroll posting splits the wage expense.
Nothing is added if a cost centre exists.
"""
from models.cost_center import CostCenter
from models.employee import Employee

CENTRES = (("100", "Verwaltung"), ("200", "Vertrieb"), ("300", "Lager und Produktion"),
           ("900", "Allgemein"))
BY_DEPARTMENT = {"Vertrieb": "200", "Einkauf": "300", "Lager": "300", "Produktion": "300"}


def seed_demo_cost_centers() -> dict:
    """Add the cost centres and put every demo employee on one."""
    if CostCenter.objects.first() is not None:
        return {}
    centres = {code: CostCenter(code=code, name=name).save() for code, name in CENTRES}
    for department in set(Employee.objects.distinct("department")):
        Employee.objects(department=department).update(
            set__cost_center=centres[BY_DEPARTMENT.get(department, "100")])
    return {"cost_centers": len(centres)}
