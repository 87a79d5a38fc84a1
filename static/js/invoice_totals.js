// Live totals in the invoice editor, with the same rounding as services/invoice_totals.py:
// net per line rounded half-up to the cent, VAT per rate on the summed net. BigInt keeps
// the arithmetic exact (amounts as scaled integers, never floats).
(function () {
  "use strict";
  var box = document.getElementById("invoice-live-totals");
  if (!box) { return; }
  var rates = JSON.parse(box.getAttribute("data-rates"));

  function scaled(text, places) {
    var s = String(text || "").trim().replace(/\s/g, "");
    if (s.indexOf(",") >= 0) { s = s.replace(/\./g, "").replace(",", "."); }
    if (!/^-?\d*(\.\d*)?$/.test(s) || s === "" || s === ".") { return null; }
    var parts = s.split("."), frac = (parts[1] || "").padEnd(places, "0");
    if (frac.length > places) { return null; }
    return BigInt(parts[0] || "0") * (10n ** BigInt(places)) + BigInt(frac || "0");
  }
  function roundDiv(value, divisor) {  // half-up for non-negative values
    return (value * 2n + divisor) / (2n * divisor);
  }
  function euro(cents) {
    var sign = cents < 0n ? "-" : "", c = cents < 0n ? -cents : cents;
    var whole = (c / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return sign + whole + "," + (c % 100n).toString().padStart(2, "0") + " €";
  }
  function recompute() {
    var perRate = {};
    document.querySelectorAll("input[name$='-quantity']").forEach(function (qtyInput) {
      var prefix = qtyInput.name.replace(/quantity$/, "");
      var price = document.querySelector("[name='" + prefix + "unit_price']");
      var rate = document.querySelector("[name='" + prefix + "vat_rate']");
      var q = scaled(qtyInput.value, 3), p = price ? scaled(price.value, 4) : null;
      var code = rate ? rate.value.trim() : "";
      if (q === null || p === null || !(code in rates)) { return; }
      var net = roundDiv(q * p, 100000n);  // 3 + 4 places -> cents
      perRate[code] = (perRate[code] || 0n) + net;
    });
    var rows = [], totalNet = 0n, totalVat = 0n;
    Object.keys(perRate).sort(function (a, b) { return rates[b] - rates[a]; }).forEach(function (code) {
      var net = perRate[code], vat = roundDiv(net * BigInt(Math.round(rates[code] * 100)), 10000n);
      totalNet += net; totalVat += vat;
      rows.push(["Netto " + code + " %", euro(net)], ["USt " + code + " %", euro(vat)]);
    });
    rows.push(["Summe netto", euro(totalNet)], ["Summe USt", euro(totalVat)],
              ["Gesamt brutto", euro(totalNet + totalVat)]);
    var body = document.getElementById("invoice-live-totals-body");
    body.textContent = "";
    rows.forEach(function (r) {
      var tr = document.createElement("tr");
      [r[0], r[1]].forEach(function (t, i) {
        var td = document.createElement("td"); td.textContent = t;
        if (i === 1) { td.className = "text-right"; }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }
  document.addEventListener("input", recompute);
  document.addEventListener("click", function () { setTimeout(recompute, 0); });
  recompute();
}());
