"""The general ledger: posting, periods, the hash chain, charts of accounts, reports and the GDPdU export."""
