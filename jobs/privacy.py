"""The daily end of restricted processing: anonymise what no longer has to be kept."""
from services.privacy.erasure import purge_restricted
from services.privacy.erasure_parties import purge_restricted_parties


def privacy_erasure(ctx) -> dict:
    """Anonymise former employees, customers, suppliers and users whose retention ended."""
    return {"anonymised": purge_restricted(ctx.today),
            "anonymised_parties": purge_restricted_parties(ctx.today)}
