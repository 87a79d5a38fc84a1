"""The daily end of restricted processing: anonymise what no longer has to be kept."""
from services.privacy.erasure import purge_restricted


def privacy_erasure(ctx) -> dict:
    """Anonymise former employees whose payroll-account retention ended before today."""
    return {"anonymised": purge_restricted(ctx.today)}
