"""Closing a period of the books: first finish what is half-done, then close."""
from models.posting import FiscalYear
from services.invoicing import issuing as invoicing
from services.ledger import posting


def close_period(year: int, month: int | None = None, *, user: str) -> FiscalYear:
    """Close MONTH of YEAR (or the whole year) for posting; it is never reopened.

    Invoices a crash left half-issued already hold their number and date, so they are
    finished (and posted into their own month) first. The close itself is ordered
    against postings in flight by the journal's gate (services.ledger.posting).
    """
    invoicing.resume_issuing()
    return posting.close_period(year, month, user=user)
