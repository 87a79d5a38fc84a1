"""The statutory deadlines as data: one row per obligation (law, period, due-day rule, shift).

`interval` names the ComplianceSettings field that says how often the company files
(monthly / quarterly / yearly / none), or is a fixed interval. Due-day rules:
- ("day", d, m): day d of the m-th month after the period's last month;
- ("banking_from_end", n): the n-th last TARGET banking day of the period's own month;
- ("date_next_year", month, day): a fixed day of the year after the period.
`shift` "ao108" moves a due day on a weekend or public holiday to the next working day
(§ 108 (3) AO); `extension` names a setting that adds one month (Dauerfristverlängerung).
"""
from dataclasses import dataclass

from services.core.messages import N_


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    law: str
    interval: str
    due: tuple
    shift: str = "none"
    extension: str | None = None
    roles: tuple = ("admin", "finance")
    setting: str | None = None      # a boolean setting that switches the rule on


RULES = (
    Rule("ustva", N_("Umsatzsteuer-Voranmeldung %(period)s"), "§ 18 (1) UStG, § 46 UStDV",
         "vat_return_interval", ("day", 10, 1), "ao108", extension="permanent_extension"),
    Rule("lsta", N_("Lohnsteuer-Anmeldung %(period)s"), "§ 41a (1) EStG",
         "wage_tax_interval", ("day", 10, 1), "ao108", roles=("admin", "finance", "hr")),
    Rule("zm", N_("Zusammenfassende Meldung %(period)s"), "§ 18a (1) UStG",
         "ec_sales_list_interval", ("day", 25, 1), "ao108"),
    Rule("sv_report", N_("Beitragsnachweis SV %(period)s (bis Beginn des Tages)"),
         "§ 28f (3) SGB IV", "monthly", ("banking_from_end", 5), roles=("admin", "hr")),
    Rule("sv_due", N_("Fälligkeit SV-Beiträge %(period)s"), "§ 23 (1) SGB IV",
         "monthly", ("banking_from_end", 3), roles=("admin", "hr", "finance")),
    Rule("sv_annual", N_("SV-Jahresmeldungen %(period)s"), "§ 10 DEÜV",
         "yearly", ("date_next_year", 2, 15), roles=("admin", "hr")),
    Rule("wage_tax_certificates", N_("Lohnsteuerbescheinigungen %(period)s übermitteln"),
         "§ 41b (1) EStG", "yearly", ("date_next_year", 2, 28), "ao108",
         roles=("admin", "hr")),
    Rule("annual_accounts", N_("Jahresabschluss %(period)s aufstellen"), "§ 264 (1) HGB",
         "yearly", ("date_next_year", 6, 30), setting="annual_statements"),
    Rule("tax_returns", N_("Steuererklärungen %(period)s (USt, KSt, GewSt)"), "§ 149 (2) AO",
         "yearly", ("date_next_year", 7, 31), "ao108", setting="annual_statements"),
    Rule("disclosure", N_("Offenlegung Jahresabschluss %(period)s"), "§ 325 (1a) HGB",
         "yearly", ("date_next_year", 12, 31), setting="annual_statements"),
)
