"""Business rules and infrastructure helpers with no Flask import."""
