"""The wage-tax engine against the BMF's own test tables and hand-picked cases."""
import decimal
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

import services.payroll.lohnsteuer as lohnsteuer
from services.payroll.lohnsteuer import (
    LohnsteuerError, available_years, calculate, check_table, pap_inputs, pap_outputs,
)
from services.payroll.lohnsteuer import bigdecimal as bd, runtime

DATA = Path(__file__).resolve().parents[1] / "data" / "lohnsteuer-2026"
ALLGEMEIN = DATA / "prueftabelle-allgemein.csv"
BESONDERS = DATA / "prueftabelle-besonders.csv"


def write_table(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a test table to a temp file and return its path."""
    path = tmp_path / "table.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("table", [ALLGEMEIN, BESONDERS], ids=["allgemein", "besonders"])
def test_official_bmf_table_passes_completely(table):
    result = check_table(2026, table)
    assert result.mismatches == []
    assert (result.passed, result.failed) == (258, 0)


def test_altered_expected_value_is_reported_with_its_row(tmp_path):
    lines = ALLGEMEIN.read_text(encoding="utf-8").splitlines()
    assert lines[241].startswith("241;1;") and lines[241].endswith(";2529300")
    lines[241] = lines[241].removesuffix("2529300") + "2529301"
    result = check_table(2026, write_table(tmp_path, "\n".join(lines) + "\n"))
    assert (result.passed, result.failed) == (257, 1)
    assert result.mismatches == ["row 241 (line 242): LSTLZZ expected 2529301, got 2529300"]


# Rows of the official tables, with R=1 added so that the church-tax base BK is computed.
# Expected SOLZLZZ and BK follow from the official LSTLZZ by the statute, not from the engine:
# SolZ = 5.5 % of the annual wage tax, at most 11.9 % of what exceeds the 20,350 EUR
# exemption (doubled in class III), cut to the cent; BK = the annual tax when there
# are no child allowances (ZKF=0) and no factor (f=1).
ANNUAL = dict(LZZ=1, AJAHR=2040, PVZ=1)
PRIVATE = dict(KRV=1, PKV=1, ALV=1)  # the "besondere" table: privately insured
OFFICIAL_ROWS = [
    pytest.param(dict(STKL=1, RE4=2000000, JRE4=2000000, KVZ="2.9"), 38000, 0, 38000,
                 id="allgemein-37: below the SolZ exemption"),
    # 11.9 % x (25,293 - 20,350) = 588.217 < 5.5 % x 25,293 = 1,391.115
    pytest.param(dict(STKL=1, RE4=10500000, JRE4=10500000, KVZ="2.9"), 2529300, 58821, 2529300,
                 id="allgemein-241: SolZ in the transition zone"),
    # 5.5 % x 41,973 = 2,308.515 < 11.9 % x (41,973 - 20,350) = 2,573.137
    pytest.param(dict(STKL=6, RE4=11000000, JRE4=11000000, **PRIVATE), 4197300, 230851, 4197300,
                 id="besonders-258: full 5.5 % SolZ"),
    # 22,062 EUR exceeds 20,350 but not the doubled 40,700 of class III
    pytest.param(dict(STKL=3, RE4=11000000, JRE4=11000000, PKPV=50000, **PRIVATE), 2206200, 0,
                 2206200, id="besonders-255: class III doubles the SolZ exemption"),
]


@pytest.mark.parametrize("inputs, lstlzz, solzlzz, bk", OFFICIAL_ROWS)
def test_official_rows_with_solz_and_church_tax_base(inputs, lstlzz, solzlzz, bk):
    outputs = calculate(2026, R=1, **ANNUAL, **inputs)
    assert (outputs["LSTLZZ"], outputs["SOLZLZZ"], outputs["BK"]) == (lstlzz, solzlzz, bk)
    assert outputs["STS"] == outputs["SOLZS"] == outputs["BKS"] == 0


# The official tables only hold annual pay without pensions or one-off pay. These expected
# values come from the 2026 PAP's statements compiled verbatim as Java (java.math.BigDecimal,
# OpenJDK 17), an oracle independent of this engine.
JAVA_ORACLE_CASES = [
    pytest.param(dict(STKL=4, LZZ=2, af=1, f="0.912", ZKF="1.5", R=1, RE4=912345, KVZ="2.5",
                      PVA=2),
                 dict(LSTLZZ=209425, SOLZLZZ=1960, BK=186058, STS=0),
                 id="monthly, class IV with factor and 1.5 children"),
    pytest.param(dict(STKL=1, LZZ=1, R=1, RE4=9000000, JRE4=9000000, SONSTB=3000000, KVZ="2.9",
                      PVZ=1),
                 dict(LSTLZZ=1943800, STS=1215500, SOLZS=66852, BKS=1215500,
                      WVFRBM=Decimal("8938700.00")),
                 id="one-off pay (sonstiger Bezug)"),
    pytest.param(dict(STKL=1, LZZ=2, R=1, RE4=250000, VBEZ=250000, VJAHR=2020, ZMVB=12,
                      VBEZM=250000, ALTER1=1, AJAHR=2020, KVZ="2.9", PVZ=1),
                 dict(LSTLZZ=17808, SOLZLZZ=0, BK=17808, VFRB=166200),
                 id="monthly pension (Versorgungsbezug) with age relief"),
]


@pytest.mark.parametrize("inputs, expected", JAVA_ORACLE_CASES)
def test_paths_outside_the_official_tables(inputs, expected):
    outputs = calculate(2026, **inputs)
    assert {name: outputs[name] for name in expected} == expected


def test_outputs_are_decimals_at_the_pap_scale():
    outputs = calculate(2026, STKL=1, RE4=9000000, JRE4=9000000, SONSTB=3000000, KVZ="2.9")
    assert set(outputs) == set(pap_outputs(2026))
    assert all(isinstance(value, Decimal) for value in outputs.values())
    assert str(outputs["VFRBS1"]) == "123000.00"  # the PAP sets scale 2 here, cent amount or not


def test_inputs_and_outputs_come_from_the_pap():
    inputs = pap_inputs(2026)
    assert (inputs["STKL"].java_type, inputs["STKL"].default) == ("int", 1)
    assert (inputs["f"].java_type, inputs["f"].default) == ("double", 1.0)
    assert (inputs["RE4"].java_type, inputs["RE4"].default) == ("BigDecimal", Decimal(0))
    assert pap_outputs(2026)[:6] == ["BK", "BKS", "LSTLZZ", "SOLZLZZ", "SOLZS", "STS"]
    assert available_years() == [2026]


def test_missing_inputs_take_the_pap_defaults():
    assert calculate(2026)["LSTLZZ"] == 0
    explicit = calculate(2026, STKL=1, LZZ=1, af=1, f=1, RE4=2000000, KVZ="2.9", PVZ=1)
    assert calculate(2026, RE4=2000000, KVZ="2.9", PVZ=1) == explicit


def test_input_names_from_the_tables_match_ignoring_case():
    as_in_table = calculate(2026, AF=1, F="0.9", RE4=5000000, KVZ="2.9")["LSTLZZ"]
    as_in_pap = calculate(2026, af=1, f=0.9, RE4=5000000, KVZ="2.9")["LSTLZZ"]
    without_factor = calculate(2026, RE4=5000000, KVZ="2.9")["LSTLZZ"]
    assert as_in_table == as_in_pap < without_factor


def test_unknown_year_lists_the_available_years():
    expected = "no wage-tax PAP for year 2019; available years: 2026"
    with pytest.raises(LohnsteuerError, match=expected):
        calculate(2019, RE4=100)


def test_unknown_input_names_the_key():
    with pytest.raises(LohnsteuerError, match="unknown input 'BRUTTO'"):
        calculate(2026, BRUTTO=500000)


@pytest.mark.parametrize("inputs, message", [
    (dict(STKL="1.5"), "input STKL must be a whole number"),
    (dict(RE4=5000.5), "input RE4 is an amount: pass a Decimal"),
    (dict(KVZ="zwei"), "input KVZ must be a number"),
])
def test_badly_typed_inputs_are_refused(inputs, message):
    with pytest.raises(LohnsteuerError, match=message):
        calculate(2026, **inputs)


def test_windows_1252_table_labels_rows_and_ignores_unnamed_columns(tmp_path):
    header = ALLGEMEIN.read_text(encoding="utf-8").splitlines()[0]
    row_37 = ALLGEMEIN.read_text(encoding="utf-8").splitlines()[37]
    text = f"Fall;{header};\r\nMüller;{row_37.removesuffix('38000')}38001;egal\r\n"
    result = check_table(2026, write_table(tmp_path, text, "cp1252"))
    assert result.mismatches == [
        "row Fall=Müller, lfd. Nr.=37 (line 2): LSTLZZ expected 38001, got 38000"]


def test_table_with_utf8_bom_and_only_some_inputs(tmp_path):
    text = ("\ufeffSTKL;RE4;KVZ;PVZ;LSTLZZ;SOLZLZZ\n"
            "1;2000000;2,9;1;38000;0\n"
            "1;10500000;2,9;1;2529300;58821\n")
    result = check_table(2026, write_table(tmp_path, text))
    assert (result.passed, result.failed, result.mismatches) == (2, 0, [])


@pytest.mark.parametrize("text, message", [
    ("STKL;RE4;LSTLZZ\n1;2000000\n", "line 2: 2 fields, but the header has 3"),
    ("STKL;RE4;LSTLZZ\n1;2000000;0\n1;20.000,00;0\n",
     r"line 3, column 2 \(RE4\): '20.000,00' is not a number"),
    ("STKL;RE4;LSTLZZ\n1,5;2000000;0\n",
     r"line 2, column 1 \(STKL\): input STKL must be a whole number"),
    ("STKL;RE4;LSTLZZ\n1;2000000;\n", r"line 2, column 3 \(LSTLZZ\): the value is missing"),
    ("STKL;RE4;Steuer\n1;2000000;0\n", "line 1: no column is named after a PAP output"),
    ("STKL;RE4;LSTLZZ;lstlzz\n1;2000000;0;0\n", "line 1: columns 3 and 4 both name LSTLZZ"),
    ("STKL;RE4;LSTLZZ\n", "no test rows below line 1"),
    ("", "is empty"),
])
def test_malformed_table_says_what_and_where(tmp_path, text, message):
    with pytest.raises(LohnsteuerError, match=message):
        check_table(2026, write_table(tmp_path, text))


def test_table_in_no_known_encoding_is_refused(tmp_path):
    path = tmp_path / "table.csv"
    path.write_bytes(b"STKL;RE4;LSTLZZ\n1;2000000;0\x81\n")
    expected = "table.csv, line 2, column 12: byte 0x81 is neither UTF-8 nor Windows-1252"
    with pytest.raises(LohnsteuerError, match=expected):
        check_table(2026, path)


def test_missing_table_file_is_a_lohnsteuer_error(tmp_path):
    with pytest.raises(LohnsteuerError, match="cannot read test table"):
        check_table(2026, tmp_path / "nope.csv")


def test_next_years_pap_drops_in_as_a_data_file(tmp_path, monkeypatch):
    shutil.copy(lohnsteuer.DATA_DIR / "Lohnsteuer2026.xml", tmp_path / "Lohnsteuer2031.xml")
    monkeypatch.setattr(lohnsteuer, "DATA_DIR", tmp_path)
    assert available_years() == [2031]
    assert check_table(2031, ALLGEMEIN).failed == 0


def test_pap_the_translator_cannot_read_is_refused_naming_the_method(tmp_path, monkeypatch):
    xml = (lohnsteuer.DATA_DIR / "Lohnsteuer2026.xml").read_text(encoding="utf-8")
    xml = xml.replace('exec="SOLZFREI = BigDecimal.valueOf(20350)"', 'exec="SOLZFREI = GFB.pow(2)"')
    (tmp_path / "Lohnsteuer2032.xml").write_text(xml, encoding="utf-8")
    monkeypatch.setattr(lohnsteuer, "DATA_DIR", tmp_path)
    with pytest.raises(LohnsteuerError, match=r"PAP method MPARA.*BigDecimal\.pow\(int\)"):
        calculate(2032)


# java.math.BigDecimal rules the translation relies on, including some the 2026 PAP does not
# reach; every expected string was printed by OpenJDK 17's jshell for the same expression.
@pytest.mark.parametrize("expression, java_prints", [
    (lambda: bd.value_of_double(0.912), "0.912"),
    (lambda: bd.value_of_double(1.0), "1.0"),  # valueOf(double) keeps Double.toString's ".0"
    (lambda: bd.value_of_double(1e7), "1.0E+7"),
    (lambda: bd.value_of_double(1.5e-4), "0.00015"),
    (lambda: bd.divide(Decimal("-7.5"), Decimal(2), 0, decimal.ROUND_DOWN), "-3"),
    (lambda: bd.divide(Decimal("-7.5"), Decimal(2), 0, decimal.ROUND_UP), "-4"),
    (lambda: bd.divide(Decimal("-7.5"), Decimal(3), 0, decimal.ROUND_HALF_UP), "-3"),
    (lambda: bd.divide(Decimal("-7.5"), Decimal(3), 0, decimal.ROUND_HALF_EVEN), "-2"),
    (lambda: bd.divide(Decimal(10), Decimal(3), 4, decimal.ROUND_CEILING), "3.3334"),
    (lambda: bd.set_scale(Decimal("-0.5"), 0, decimal.ROUND_DOWN), "0"),  # no negative zero
    (lambda: bd.set_scale(Decimal("-1.01"), 0, decimal.ROUND_UP), "-2"),
    (lambda: bd.divide_exact(Decimal("1.00"), Decimal(8)), "0.125"),
    (lambda: bd.divide_exact(Decimal(100), Decimal("0.5")), "2.0E+2"),
    (lambda: runtime.int_divide(-7, 2), "-3"),
    (lambda: runtime.int_remainder(-7, 2), "-1"),
])
def test_java_bigdecimal_semantics(expression, java_prints):
    assert str(expression()) == java_prints


def test_non_terminating_exact_division_fails_like_java():
    with pytest.raises(ArithmeticError, match="non-terminating"):
        bd.divide_exact(Decimal(1), Decimal(3))
