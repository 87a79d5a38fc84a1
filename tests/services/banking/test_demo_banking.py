"""The demo bank account and its statement: balanced, proposals for the fee, once only."""
from datetime import date
from decimal import Decimal as D

from models.bank_account import BankAccount
from models.bank_statement import BankStatement, BankTransaction
from seeds.demo_banking import seed_demo_banking
from services.banking import reconcile


def test_demo_statement_balances_and_the_charge_is_proposed(app):
    assert seed_demo_banking(date(2026, 3, 21)) == {"bank_statements": 1}
    assert seed_demo_banking(date(2026, 3, 21)) == {}   # never twice
    assert BankAccount.objects.get().creditor_id == "DE98ZZZ09999999999"
    st = BankStatement.objects.get()
    assert st.balance_ok and st.transaction_count == 4 and st.to_date == date(2026, 3, 20)
    # 25,000.00 - 1,450.00 - 59.90 - 12.90 + 1,190.00, added by hand
    assert st.closing_balance == D("24667.20")
    fee = BankTransaction.objects.get(amount=D("-12.90"))
    assert fee.gvc == "805"
    assert reconcile.proposals_for(fee)[0].parts[0].account == "4970"
