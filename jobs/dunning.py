"""Dunning job: propose the dunning run each weekday (a person confirms it)."""

JOB_USER = "system (Mahnlauf)"


def propose_dunning_run(ctx) -> dict:
    """Propose the letters due today (Europe/Berlin); an open proposal is not doubled."""
    from services.banking.dunning import propose_run

    run = propose_run(ctx.today, JOB_USER)
    return {"run": run.number if run else None,
            "letters": len(run.letters) if run else 0}
