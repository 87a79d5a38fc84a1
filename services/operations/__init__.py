"""Stock, purchasing, support tickets with business hours, and the start page figures."""
