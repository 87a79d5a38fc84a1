"""Contract register: cancellation deadlines, renewals, owner reminders and annual cost."""
