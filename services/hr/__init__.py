"""People beyond payroll: absences and leave entitlement, team calendar, HR task sources."""
