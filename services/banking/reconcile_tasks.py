"""Task-list source: bank transactions that wait for reconciliation, one task per account."""
from models.bank_account import BankAccount
from models.bank_statement import BankTransaction
from services.core.messages import N_
from services.core.tasks import Task, register_task_source

READERS = ("admin", "finance")


def unreconciled_transactions(user):
    """Yield one task per bank account with open transactions, for who may book them."""
    if not user.has_role(*READERS):
        return
    for account in BankAccount.objects(active=True).only("name", "iban"):
        count = BankTransaction.objects(account=account.pk, status="open").count()
        if count:
            yield Task(kind="reminder", area="banking", ref=account.iban,
                       title=N_("%(count)s Bankumsätze auf %(account)s abgleichen"),
                       params={"count": count, "account": account.name},
                       url=f"/bank/?account={account.pk}")


register_task_source("banking.unreconciled", unreconciled_transactions)
