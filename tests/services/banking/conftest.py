import pytest

from models.bank_account import BankAccount
from tests.services.banking.files import ACCOUNT_IBAN


@pytest.fixture
def bank_account(app):
    return BankAccount(name="Commerzbank Giro", iban=ACCOUNT_IBAN, ledger_account="1200").save()
