"""Banking: bank accounts, statement import (CAMT, MT940, CSV), reconciliation, SEPA, dunning."""
