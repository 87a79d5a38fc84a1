"""Kurzarbeitergeld (KUG, §§ 95 ff. SGB III) for absences of the type `short_time`.

The rule as built:
- the pay lost comes from the hours lost (services/hr/payroll_effects.short_time_hours:
  the absence's hours per day, or a whole day = the contractual daily hours, on the
  working days of the week model and the workplace state): paid by the hour, hourly rate
  × hours lost; a salary, the month's salary × hours lost / contractual hours of the
  month (services/payroll/calculation.short_time_loss);
- Soll-Entgelt: the month's regular pay without the loss (a salary: the full monthly
  salary, not reduced by other unpaid days or a part month; by the hour: the pay for the
  hours reported plus the hours lost), overtime pay left out; Ist-Entgelt: Soll less the
  pay lost (other reductions raise the Ist-Entgelt, the Bundesagentur's rule, so only
  Kurzarbeit makes the difference). Both capped at the RV/AV contribution
  ceiling and rounded to the nearest amount divisible by 20 € (§ 106 (1) SGB III; 10.00 €
  rounds up).
- pauschaliertes Nettoentgelt of each (§ 106 (1), § 153 SGB III): gross less a flat 20 %
  for social insurance, less wage tax of the employee's tax class and solidarity surcharge,
  both from the BMF PAP of the year (monthly table; no child allowances, no church tax,
  statutory RV/KV with the officially assumed average KV add-on, no PV surcharge or
  reductions, as the Bundesagentur's table assumes one value per tax class).
- Leistungssatz 67 % with a child (child allowances on the tax card), else 60 % (§ 105);
  the "rechnerischer Leistungssatz" of Soll and of Ist are each rounded to the cent and
  KUG = Leistungssatz(Soll) − Leistungssatz(Ist).
- KUG is tax-free (§ 3 Nr. 2a EStG) but subject to the Progressionsvorbehalt (§ 32b EStG):
  it is paid out with the net pay, stays out of the taxable and the SV gross, and the
  payslip marks it; the employer advances it and claims it back from the Agentur für
  Arbeit (posted as a receivable).
- Social insurance on 80 % of the lost pay (Soll − Ist, unrounded, within the ceilings
  less the Ist-Entgelt): RV, KV (general rate + the fund's add-on) and PV (full rate, the
  childless surcharge included) borne by the employer alone (§ 249 (2) SGB V, § 168 (1)
  Nr. 1a SGB VI, § 58 SGB XI); no AV, no levies on it.

- Minijob: no KUG (free of unemployment insurance, § 27 (2) SGB III; § 98 (1) Nr. 1
  SGB III asks for an insured employment): the pay lost is simply not paid, the payslip
  says so, nothing is claimed from the Agentur.
- Midijob (Übergangsbereich): KUG as above (the 20 % flat SV of § 153 SGB III is the same
  for everyone); the Ist-Entgelt's contributions on the Übergangsbereich's reduced base
  (§ 20 (2a) SGB IV), the fictional pay (80 %) at the full rates by the employer alone,
  not reduced by the formula. An Ist-Entgelt above 0 € but not above the minijob limit is
  refused (calculation._short_time): whether the formula still applies below its lower
  end is not settled by the statute used here. A regular employee whose Ist-Entgelt falls
  into the Übergangsbereich stays regular (the regular pay decides, not a month cut by
  Kurzarbeit).

Not reproduced exactly: the Bundesagentur's published KUG table is computed with its own
program; its wage-tax assumptions (e.g. for the Vorsorgepauschale) may differ by a few
cents from the BMF PAP used here. The figures here follow the statute as described and
are tested by hand-computed examples, not against the official table. Not covered:
privately insured employees' subsidies on the fictional pay.
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from services.payroll.lohnsteuer import calculate as lohnsteuer
from services.payroll.pay import HUNDRED, ZERO, money, share

SV_FLAT_RATE = Decimal("0.20")         # § 153 (1) Nr. 1 SGB III
RATE_WITH_CHILD = Decimal("0.67")      # § 105 Nr. 1 SGB III
RATE = Decimal("0.60")                 # § 105 Nr. 2 SGB III
FICTIONAL_SHARE = Decimal("0.80")      # § 232a (2) SGB V, § 163 (6) SGB VI
AVERAGE_ADDON = Decimal("2.90")        # officially assumed average KV add-on 2026
STEP = Decimal(20)


@dataclass
class ShortTime:
    target_gross: Decimal          # Soll-Entgelt
    actual_gross: Decimal          # Ist-Entgelt
    allowance: Decimal             # Kurzarbeitergeld
    fictional_pay: Decimal         # 80 % of the lost pay (before the ceilings)
    employer_pension: Decimal = ZERO
    employer_health: Decimal = ZERO
    employer_care: Decimal = ZERO

    @property
    def employer_si(self) -> Decimal:
        return self.employer_pension + self.employer_health + self.employer_care


def round20(amount: Decimal) -> Decimal:
    """To the nearest amount divisible by 20 € (10.00 € rounds up)."""
    return (amount / STEP).quantize(Decimal(1), rounding=ROUND_HALF_UP) * STEP


def flat_net(gross: Decimal, tax_class: int, year: int) -> Decimal:
    """pauschaliertes Nettoentgelt: gross − 20 % − wage tax − solidarity surcharge."""
    if gross <= 0:
        return ZERO
    out = lohnsteuer(year, LZZ=2, RE4=gross * HUNDRED, STKL=tax_class, ZKF=Decimal(0),
                     KVZ=AVERAGE_ADDON, R=0, PVS=0, PVZ=0, PVA=Decimal(0), KRV=0, PKV=0,
                     ALV=0)
    tax = (out["LSTLZZ"] + out["SOLZLZZ"]) / HUNDRED
    return money(gross - money(gross * SV_FLAT_RATE) - tax)


def benefit_rate(child_allowances) -> Decimal:
    return RATE_WITH_CHILD if child_allowances and child_allowances > 0 else RATE


def leistungssatz(gross: Decimal, tax_class: int, rate: Decimal, year: int) -> Decimal:
    """The rechnerischer Leistungssatz of a (rounded) gross, to the cent."""
    return money(flat_net(gross, tax_class, year) * rate)


def allowance(target: Decimal, actual: Decimal, tax_class: int, child_allowances,
              year: int, ceiling: Decimal) -> Decimal:
    """Kurzarbeitergeld for a month's Soll- and Ist-Entgelt."""
    rate = benefit_rate(child_allowances)
    soll = min(round20(min(target, ceiling)), ceiling)
    ist = min(round20(min(actual, ceiling)), ceiling)
    return max(ZERO, leistungssatz(soll, tax_class, rate, year)
               - leistungssatz(ist, tax_class, rate, year))


def short_time(target: Decimal, actual: Decimal, emp, rates, year: int, first: date,
               sv_base_pension: Decimal, sv_base_health: Decimal,
               ceiling_pension: Decimal, ceiling_health: Decimal,
               childless_surcharge: bool) -> ShortTime:
    """KUG and the employer's contributions on the fictional pay of one month.

    `sv_base_*` are the contribution bases of the Ist-Entgelt, `ceiling_*` the month's
    (pro-rata) ceilings: the fictional pay fills the room between them.
    """
    lost = max(ZERO, min(target, ceiling_pension) - min(actual, ceiling_pension))
    fictional = money(lost * FICTIONAL_SHARE)
    result = ShortTime(target_gross=target, actual_gross=actual,
                       allowance=allowance(target, actual, emp.tax_class,
                                           emp.child_allowances, year, rates.ceiling_pension),
                       fictional_pay=fictional)
    base_pension = max(ZERO, min(fictional, ceiling_pension - sv_base_pension))
    result.employer_pension = share(base_pension, rates.pension_rate)
    if not emp.privately_insured:
        base_health = max(ZERO, min(fictional, ceiling_health - sv_base_health))
        result.employer_health = share(base_health,
                                       rates.health_general_rate + emp.health_insurance_addon)
        care = rates.care_rate + (rates.care_childless_surcharge if childless_surcharge
                                  else ZERO)
        result.employer_care = share(base_health, care)
    return result
