"""Mandatory recurring instructions: when each is due per employee, who is overdue.

Due date: the last completion (a training linked to the instruction) plus the interval;
never completed: due on the hire date (an instruction before work starts, § 12 ArbSchG).
"""
from dataclasses import dataclass
from datetime import date

from models.employee import Employee
from models.training import Instruction, Training
from services.archive.retention import add_months


@dataclass(frozen=True)
class Due:
    employee: Employee
    instruction: Instruction
    due: date
    last: date | None


def due_dates(today: date) -> list[Due]:
    """Every active instruction for every employee employed today, with its due date."""
    instructions = list(Instruction.objects(active=True))
    if not instructions:
        return []
    last = {}
    for raw in Training.objects(instruction__in=[i.pk for i in instructions]).only(
            "employee", "instruction", "date").as_pymongo():
        key = (raw["employee"], raw["instruction"])
        day = raw["date"].date() if hasattr(raw["date"], "date") else raw["date"]
        last[key] = max(last.get(key, day), day)
    found = []
    for employee in Employee.objects(hire_date__lte=today):
        if employee.exit_date and employee.exit_date < today:
            continue
        for instruction in instructions:
            if instruction.departments and employee.department not in instruction.departments:
                continue
            done = last.get((employee.pk, instruction.pk))
            due = add_months(done, instruction.interval_months) if done else employee.hire_date
            found.append(Due(employee, instruction, due, done))
    return found


def overdue(today: date) -> list[Due]:
    """Who is past the due date of an instruction today."""
    return [d for d in due_dates(today) if d.due < today]
