"""Compliance calendar: statutory and contractual deadlines from rules as data, iCal export."""
