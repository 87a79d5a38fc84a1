"""What every area shares: domain errors, formatting, value parsing, PDF rendering, the embedded database, audit diff, claims, throttling, JSON logs."""
