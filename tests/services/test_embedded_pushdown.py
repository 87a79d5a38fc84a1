"""Issue 22: the embedded server answers from its indexes, with MongoDB's results.

The launcher's FerretDB translates filters, single-field sorts, skip/limit and counts on
indexed fields to SQL (tools/ferretdb/overlay/.../pushdown.go). The differential test
runs random queries of the shapes the product uses against two collections holding the
same random documents: one with indexes (pushdown) and one without (FerretDB's own scan
and in-memory evaluation). Both must agree. Against MongoDB (MONGODB_URI) the test runs
the same way and simply compares MongoDB with itself.
"""
import os
import re
import uuid
from datetime import datetime, timedelta

import pytest
from bson import Int64, ObjectId
from bson.regex import Regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import ASCENDING, DESCENDING, MongoClient

EMBEDDED = not os.environ.get("MONGODB_URI")
INDEXED = ("s", "n", "d", "b", "o")

# ------------------------------------------------------------------ documents

OIDS = [ObjectId("6b0e101d77baf4489697fc%02x" % i) for i in (1, 2, 3)]
STRINGS = ["", "a", "A", "ä", "Ä", "ae", "Ärger", "z", "ß", "10", "9", "Zoë", "a\"b",
           "a\\b", "<x>", "日本", str(OIDS[0]),
           # case partners outside ASCII: Kelvin sign (k), long s (s), capital sharp s
           "\u212a", "ſ", "ẞ", "Kai", "sS", "a%b", "a_b", "x&y", "Mül\nler"]
NUMBERS = [0, 1, -1, 2, 10, 2**31 - 1, Int64(1), Int64(2**53 + 1), Int64(-(2**40)), 0.0,
           -0.0, 0.5, 1.0, 2.5, -3.75, 1e15, float(2**53), 1e300]
DATES = [datetime(1969, 12, 31, 23, 59, 59, 999000), datetime(1970, 1, 1),
         datetime(2026, 1, 1), datetime(2026, 1, 1, 0, 0, 0, 1000), datetime(2026, 6, 30, 12),
         datetime(1900, 3, 1), datetime(2099, 12, 31)]

strings = st.one_of(st.sampled_from(STRINGS), st.text(alphabet="aäAÄz09ß ", max_size=3))
numbers = st.one_of(st.sampled_from(NUMBERS), st.integers(-5, 5),
                    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
dates = st.one_of(st.sampled_from(DATES),
                  st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1)).map(
                      lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)))
scalars = st.one_of(strings, numbers, dates, st.booleans(), st.none(), st.sampled_from(OIDS))
MISSING = object()


def field(main, mixed_in, arrays):
    """Mostly values of the field's own type, sometimes others, null, missing or an array."""
    options = [main, main, st.none(), st.just(MISSING), mixed_in]
    if arrays:
        options.append(st.lists(main, max_size=3))
    return st.one_of(*options)


@st.composite
def documents(draw):
    arrays = draw(st.integers(0, 3)) == 0  # a quarter of the data sets have arrays
    mixed = draw(st.integers(0, 3)) > 0  # most have values of other types in every field
    other = scalars if mixed else st.nothing()
    doc_strategy = st.fixed_dictionaries({
        "s": field(strings, other, arrays),
        "n": field(numbers, other, arrays),
        "d": field(dates, other, arrays),
        "b": field(st.booleans(), other, arrays),
        "o": field(st.sampled_from(OIDS), st.sampled_from([str(o) for o in OIDS]), arrays),
        "tags": st.one_of(st.just(MISSING), st.lists(strings, max_size=3)),
        "meta": st.one_of(st.just(MISSING), st.fixed_dictionaries({"k": scalars})),
    })
    docs = draw(st.lists(doc_strategy, min_size=8, max_size=40))
    return [{"seq": i, **{k: v for k, v in doc.items() if v is not MISSING}}
            for i, doc in enumerate(docs)]


# ------------------------------------------------------------------ queries

VALUES = {"s": strings, "n": numbers, "d": dates, "b": st.booleans(),
          "o": st.one_of(st.sampled_from(OIDS), st.sampled_from([str(o) for o in OIDS])),
          "tags": strings, "meta.k": scalars}


@st.composite
def condition(draw):
    name = draw(st.sampled_from(sorted(VALUES) + list(INDEXED) * 2))
    own = VALUES[name]
    value = st.one_of(own, own, own, scalars)  # sometimes a value of another type
    shape = draw(st.sampled_from(["eq", "eq", "$eq", "$in", "range", "range2", "range2-mixed",
                                  "$ne", "null", "$exists", "regex", "$nin"]))
    if shape == "eq":
        return name, draw(value)
    if shape == "$eq":
        return name, {"$eq": draw(value)}
    if shape == "$in":
        return name, {"$in": draw(st.lists(value, max_size=4))}
    if shape == "$nin":
        return name, {"$nin": draw(st.lists(value, max_size=3))}
    if shape == "range":
        return name, {draw(st.sampled_from(["$gt", "$gte", "$lt", "$lte"])): draw(value)}
    if shape == "range2":
        return name, {draw(st.sampled_from(["$gt", "$gte"])): draw(own),
                      draw(st.sampled_from(["$lt", "$lte"])): draw(own)}
    if shape == "range2-mixed":  # both ends, each of any type: a bracket's own end matters
        return name, {draw(st.sampled_from(["$gt", "$gte"])): draw(value),
                      draw(st.sampled_from(["$lt", "$lte"])): draw(value)}
    if shape == "$ne":
        return name, {"$ne": draw(value)}
    if shape == "null":
        return name, None
    if shape == "$exists":
        return name, {"$exists": draw(st.booleans())}
    prefix = draw(st.sampled_from(["a", "ä", "Ä", "z", "1", "", "k", "S"]))
    if draw(st.booleans()):  # a search on one field: contains, any case
        return name, Regex(re.escape(draw(st.sampled_from(SEARCH_TEXTS))), "i")
    return name, Regex("^" + re.escape(prefix), draw(st.sampled_from(["", "i"])))


SEARCH_TEXTS = ["a", "ä", "Ä", "z", "1", "10", "k", "K", "s", "S", "ß", "ẞ", "ſ", "\u212a",
                "ae", "Ärger", "%", "_", "a%b", "a\"b", "a\\b", "<x>", "&", "日本", " ", "\n",
                "ler", "x"]


@st.composite
def search(draw):
    """A search of the panel's shape ({field: /text/i} for each field under `$or`) and
    its variations: anchors, other options, the `$regex` operator, dotted and unindexed
    fields, fields of other types."""
    text = draw(st.sampled_from(SEARCH_TEXTS))
    pattern = draw(st.sampled_from(["{}", "{}", "^{}", "^{}$", "{}$", "{}.?", "(?:{})+",
                                    "[{}]", "{}|zz"])).format(re.escape(text))
    options = draw(st.sampled_from(["i", "i", "", "m", "is", "si"]))
    if draw(st.booleans()):  # on indexed fields only: the prefilter reads their indexes
        # (in any order: a field that holds the strings is not always the first branch)
        names = draw(st.permutations(INDEXED))[:draw(st.integers(1, 4))]
    else:
        names = draw(st.lists(st.sampled_from(["s", "n", "d", "o", "tags", "meta", "meta.k",
                                               "seq", "nope"]), min_size=1, max_size=4,
                              unique=True))
    operator = draw(st.booleans())
    return [{name: {"$regex": pattern, "$options": options} if operator
             else Regex(pattern, options)} for name in names]


@st.composite
def queries(draw):
    conditions = draw(st.lists(condition(), max_size=3))
    filter_ = {}
    for name, cond in conditions:
        filter_[name] = cond
    if draw(st.integers(0, 3)) == 0:  # the panel's search: regexes under $or
        filter_["$or"] = draw(search())
    sort = draw(st.one_of(st.none(), st.tuples(st.sampled_from(INDEXED + ("seq",)),
                                               st.sampled_from([ASCENDING, DESCENDING]))))
    skip = draw(st.sampled_from([0, 0, 1, 3, 10]))
    limit = draw(st.sampled_from([0, 0, 1, 2, 5]))
    return filter_, sort, skip, limit


# ------------------------------------------------------------------ comparison

TYPE_RANK = ((type(None), 1), (bool, 8), ((int, float, Int64), 2), (str, 3),
             (ObjectId, 7), (datetime, 9))


def sort_key(doc, name):
    """MongoDB's order of a scalar sort value (missing = null); None if not a scalar."""
    value = doc.get(name)
    for types, rank in TYPE_RANK:
        if isinstance(value, types):
            if rank == 3:
                return rank, value.encode()
            if rank == 7:
                return rank, value.binary
            return (rank,) if rank == 1 else (rank, value)
    return None


def run(coll, filter_, sort, skip, limit):
    cursor = coll.find(filter_, {"_id": 0})
    if sort:
        cursor = cursor.sort(*sort)
    return list(cursor.skip(skip).limit(limit))


def check(indexed, plain, query):
    filter_, sort, skip, limit = query
    assert indexed.count_documents(filter_) == plain.count_documents(filter_), filter_
    count_cmd = [coll.database.command("count", coll.name, query=filter_, skip=skip,
                                       limit=limit)["n"] for coll in (indexed, plain)]
    assert count_cmd[0] == count_cmd[1], (filter_, skip, limit)

    every = run(plain, filter_, None, 0, 0)
    assert sorted(d["seq"] for d in run(indexed, filter_, None, 0, 0)) == \
        sorted(d["seq"] for d in every), filter_
    # natural order with skip/limit: both keep the order of insertion
    assert [d["seq"] for d in run(indexed, filter_, None, skip, limit)] == \
        [d["seq"] for d in run(plain, filter_, None, skip, limit)], (filter_, skip, limit)
    if not sort:
        return
    got, want = run(indexed, filter_, sort, skip, limit), run(plain, filter_, sort, skip, limit)
    assert len(got) == len(want), query
    assert len({d["seq"] for d in got}) == len(got), query
    assert {d["seq"] for d in got} <= {d["seq"] for d in every}, query
    keys = [sort_key(d, sort[0]) for d in every]
    if None not in keys:  # scalars only: the order is defined up to ties
        assert [sort_key(d, sort[0]) for d in got] == [sort_key(d, sort[0]) for d in want], \
            query


@pytest.fixture(scope="module")
def database(db_server):
    client = MongoClient(db_server)
    db = client[f"pushdown_{uuid.uuid4().hex[:8]}"]
    yield db
    client.drop_database(db.name)
    client.close()


def fill(db, docs):
    """Two collections with the same documents in the same order; one has the indexes."""
    indexed, plain = db.indexed, db.plain
    indexed.drop()
    plain.drop()
    for name in INDEXED:
        indexed.create_index([(name, DESCENDING if name == "d" else ASCENDING)])
    indexed.create_index([("s", ASCENDING), ("n", ASCENDING)])
    plain.insert_one({"seq": -1})
    plain.delete_one({"seq": -1})  # exists, no index but `_id`
    if docs:
        indexed.insert_many([dict(d) for d in docs])
        plain.insert_many([dict(d) for d in docs])
    return indexed, plain


EXAMPLES = int(os.environ.get("PUSHDOWN_EXAMPLES", "120"))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(docs=documents(), queries=st.lists(queries(), min_size=4, max_size=12))
def test_indexed_and_unindexed_collections_answer_alike(database, docs, queries):
    indexed, plain = fill(database, docs)
    assert indexed.estimated_document_count() == plain.estimated_document_count() == len(docs)
    assert indexed.count_documents({}) == len(docs)
    for query in queries:
        check(indexed, plain, query)


# ------------------------------------------------------------------ the pushdown is used

def _plan(db, command):
    explained = db.command("explain", command)
    return " | ".join(explained["queryPlanner"].get("Plan", [])), explained


@pytest.mark.skipif(not EMBEDDED, reason="SQLite query plans exist only on the embedded server")
def test_declared_indexes_are_used_by_filters_sorts_and_pages(database):
    coll = database.plans
    coll.drop()
    coll.create_index("personnel_no", unique=True)
    coll.create_index([("at", DESCENDING)])
    coll.create_index([("booked", ASCENDING)])
    coll.create_index("status")
    coll.create_index([("fiscal_year", ASCENDING), ("number", ASCENDING)])
    start = datetime(2026, 1, 1)
    coll.insert_many([{"personnel_no": f"P{i:04d}", "status": ("active", "left")[i % 2],
                       "at": start + timedelta(minutes=i), "fiscal_year": 2026, "number": i,
                       "booked": start + timedelta(days=i % 7),
                       "memo": "x"} for i in range(200)])
    name = coll.name
    cases = [
        ({"find": name, "filter": {"personnel_no": "P0042"}}, "(<expr>=?)"),
        ({"find": name, "filter": {"status": {"$in": ["left", "gone"]}}}, "<expr>"),
        ({"find": name, "filter": {"at": {"$gte": start, "$lt": start + timedelta(hours=1)}}},
         "(<expr>>? AND <expr><?)"),
        ({"find": name, "filter": {}, "sort": {"at": -1}, "skip": Int64(100), "limit": Int64(50)},
         "SCAN"),
        ({"find": name, "filter": {}, "sort": {"at": 1}, "limit": Int64(50)}, "SCAN"),
        # newest first on an ascending index with many equal keys: walked backwards
        ({"find": name, "filter": {}, "sort": {"booked": -1}, "skip": Int64(100),
          "limit": Int64(50)}, "SCAN"),
        ({"find": name, "filter": {"fiscal_year": {"$gte": 2026}}}, "(<expr>>? AND <expr><?)"),
    ]
    for command, detail in cases:
        plan, explained = _plan(database, command)
        assert "USING INDEX" in plan and detail in plan, (command, plan)
        assert explained["filterPushdown"] or not command["filter"], explained
        if "sort" in command:
            assert explained["sortPushdown"], explained
            assert explained["limitPushdown"] == ("limit" in command), explained
            assert "TEMP B-TREE" not in plan, plan  # pages come straight from the index
    # a field without an index is scanned, and so is one that holds an array somewhere
    plan, _ = _plan(database, {"find": name, "filter": {"memo": "x"}})
    assert "USING INDEX" not in plan, plan
    coll.insert_one({"personnel_no": "P9999", "status": ["active", "left"]})
    plan, explained = _plan(database, {"find": name, "filter": {"status": "active"}})
    assert "status" not in plan and not explained["sortPushdown"], plan
    assert coll.count_documents({"status": "active"}) == 101  # the array matches too
    assert [d["personnel_no"] for d in coll.find({"status": "left"}).sort("at", -1).limit(2)] \
        == ["P0199", "P0197"]  # missing `at` sorts last when descending


@pytest.mark.skipif(not EMBEDDED, reason="SQLite query plans exist only on the embedded server")
def test_counts_and_pages_from_the_index_stay_exact(database):
    """Hand-computed expectations for the shapes that skip FerretDB's own work."""
    coll = database.counts
    coll.drop()
    coll.create_index("k")
    coll.insert_many([{"k": 1}, {"k": Int64(1)}, {"k": 1.0}, {"k": "1"}, {"k": None}, {},
                      {"k": True}, {"k": datetime(2026, 1, 1)}, {"k": OIDS[0]},
                      {"k": str(OIDS[0])}, {"k": 2.5}, {"k": -0.0}])
    assert coll.count_documents({"k": 1}) == 3  # int, long and double are one number
    assert coll.count_documents({"k": "1"}) == 1
    assert coll.count_documents({"k": None}) == 2  # null and missing
    assert coll.count_documents({"k": {"$gt": 0}}) == 4  # numbers only, not "1" or true
    assert coll.count_documents({"k": {"$lt": "2"}}) == 1  # strings only
    assert coll.count_documents({"k": {"$gte": datetime(2000, 1, 1)}}) == 1
    assert coll.count_documents({"k": OIDS[0]}) == 1  # not the string of the same hex
    assert coll.count_documents({"k": {"$in": [2.5, True, "x"]}}) == 2
    assert coll.count_documents({"k": 0}) == 1  # -0.0 == 0
    assert coll.count_documents({"k": {"$in": []}}) == 0
    # ranges with both ends: within one type bracket, and across two (nothing matches)
    assert coll.count_documents({"k": {"$gte": 1, "$lte": 2.5}}) == 4
    assert coll.count_documents({"k": {"$gt": -1, "$lt": 1}}) == 1  # -0.0
    assert coll.count_documents({"k": {"$gt": "0", "$lte": "1"}}) == 1
    assert coll.count_documents({"k": {"$gte": datetime(2000, 1, 1),
                                       "$lte": datetime(2030, 1, 1)}}) == 1
    assert coll.count_documents({"k": {"$gte": datetime(2026, 1, 2),
                                       "$lte": datetime(2030, 1, 1)}}) == 0
    assert coll.count_documents({"k": {"$gte": False, "$lte": True}}) == 1
    assert coll.count_documents({"k": {"$gt": 0, "$lt": "2"}}) == 0  # a number, a string
    assert coll.count_documents({"k": {"$gt": "", "$lt": 5}}) == 0
    assert coll.count_documents({"k": {"$gte": datetime(2000, 1, 1), "$lte": 5}}) == 0
    assert coll.count_documents({"k": {"$gt": 0, "$lte": True}}) == 0
    assert database.command("count", coll.name, query={"k": 1}, skip=1, limit=1)["n"] == 1
    assert database.command("count", coll.name, query={"k": 1}, skip=5)["n"] == 0
    order = [d.get("k") for d in coll.find({}, {"_id": 0}).sort("k", 1)]
    assert order[:2] == [None, None] and order[2] == -0.0 and order[3:6] == [1, 1, 1]
    assert order[6:] == [2.5, "1", str(OIDS[0]), OIDS[0], True, datetime(2026, 1, 1)]
    page = [d.get("k") for d in coll.find({}, {"_id": 0}).sort("k", -1).skip(1).limit(3)]
    assert page == [True, OIDS[0], str(OIDS[0])]


def test_a_very_long_in_list_is_answered_not_refused(database):
    """SQLite takes at most 32,766 parameters; a longer `$in` must still be answered."""
    coll = database.long_in
    coll.drop()
    coll.create_index("employee")
    coll.insert_many([{"employee": ObjectId(), "status": "requested"} for _ in range(30)]
                     + [{"employee": i, "status": "requested"} for i in range(20)])
    wanted = [d["employee"] for d in coll.find({"employee": {"$type": "objectId"}})][:10]
    many = wanted + [ObjectId() for _ in range(40_000)] + list(range(5))
    assert coll.count_documents({"employee": {"$in": many}, "status": "requested"}) == 15
    found = {d["employee"] for d in coll.find({"employee": {"$in": many}})}
    assert found == set(wanted) | set(range(5))
    assert coll.count_documents({"employee": {"$in": many[:900]}}) == 10  # short: in SQL


@pytest.mark.skipif(not EMBEDDED, reason="SQLite query plans exist only on the embedded server")
def test_the_panels_search_is_prefiltered_in_sql_with_mongodbs_results(database):
    """A case-insensitive search (regexes under `$or`) is prefiltered by SQLite in a
    collection with declared indexes; the handler keeps the final word. Expectations by
    hand, including case partners outside ASCII (Go's and MongoDB's `i` fold K with the
    Kelvin sign and s with the long s) and characters JSON escapes."""
    coll = database.search
    coll.drop()
    coll.create_index("number")
    names = ["Müller", "MÜLLER", "mueller", "Kai \u212aiel", "Klaus", "ſusanne", "Susanne",
             "50% Rabatt", "a_b", 'Zitat "x"', "<b>fett</b>", "Straße", "STRASSE"]
    coll.insert_many([{"number": f"R-{i:03d}", "name": name, "tags": [name.lower()],
                       "amount": i} for i, name in enumerate(names)]
                     + [{"number": "R-900", "name": None}, {"number": "R-901"},
                        {"number": "R-902", "name": {"nested": "Müller"}},
                        {"number": "R-903", "name": ["x", "Klaus"]}])

    def found(text, fields=("number", "name"), options="i"):
        query = {"$or": [{f: Regex(re.escape(text), options)} for f in fields]}
        plan, explained = _plan(database, {"find": coll.name, "filter": query})
        assert explained["filterPushdown"], (text, plan)
        return sorted(d["number"] for d in coll.find(query))

    assert found("müller") == ["R-000", "R-001"]
    assert found("MÜL", options="") == ["R-001"]
    assert found("k") == ["R-003", "R-004", "R-903"]  # "Kai", the Kelvin sign, "Klaus"
    assert found("\u212a") == ["R-003", "R-004", "R-903"]
    assert found("s") == ["R-004", "R-005", "R-006", "R-011", "R-012", "R-903"]
    assert found("ſu") == ["R-005", "R-006"]
    assert found("50%") == ["R-007"] and found("%") == ["R-007"]
    assert found("_") == ["R-008"] and found("a_") == ["R-008"]
    assert found('"x"') == ["R-009"] and found("<b>") == ["R-010"]
    assert found("ß") == ["R-011"]  # ß has no simple case partner: not "SS"
    assert found("R-01") == [f"R-{i:03d}" for i in range(10, 13)]
    assert found("klaus", fields=("tags",)) == ["R-004"]  # arrays match element-wise
    assert found("nested") == [] and found("1") == ["R-001", "R-010", "R-011", "R-012", "R-901"]
    # the count of a search and a sorted page of it
    query = {"$or": [{"name": Regex("s", "i")}, {"number": Regex("^R-00", "i")}]}
    assert coll.count_documents(query) == 13
    page = [d["number"] for d in coll.find(query).sort("number", -1).skip(2).limit(3)]
    assert page == ["R-011", "R-009", "R-008"]
    # FerretDB's own answer to what the prefilter does not take: a `$or` under `$and`
    plan, explained = _plan(database, {"find": coll.name, "filter": {"$and": [query]}})
    assert not explained["filterPushdown"], plan
    assert coll.count_documents({"$and": [query]}) == 13
    # a regex FerretDB refuses is still refused (never hidden by an empty prefilter)
    with pytest.raises(Exception, match="invalid flag"):
        coll.count_documents({"$or": [{"name": Regex("x", "iu")}]})
    # a collection without declared indexes keeps FerretDB's scan
    plain = database.search_plain
    plain.drop()
    plain.insert_many([{"name": n} for n in names])
    plan, explained = _plan(database, {"find": plain.name, "filter": query})
    assert not explained["filterPushdown"], plan
    assert plain.count_documents(query) == 5



@pytest.mark.skipif(not EMBEDDED, reason="SQLite query plans exist only on the embedded server")
def test_a_search_on_indexed_fields_reads_their_indexes_with_mongodbs_results(database):
    """When every searched field has an index and only scalar values, the search reads
    those indexes instead of every row (the plan names each index); the results are the
    same as MongoDB's, expected by hand as in the test above (without the array and the
    nested document, which keep a field off the index path)."""
    coll = database.search_indexed
    coll.drop()
    coll.create_index("number")
    coll.create_index("name")
    names = ["Müller", "MÜLLER", "mueller", "Kai \u212aiel", "Klaus", "ſusanne", "Susanne",
             "50% Rabatt", "a_b", 'Zitat "x"', "<b>fett</b>", "Straße", "STRASSE"]
    coll.insert_many([{"number": f"R-{i:03d}", "name": name, "amount": i}
                      for i, name in enumerate(names)]
                     + [{"number": "R-900", "name": None}, {"number": "R-901"},
                        {"number": "R-904", "name": 1}, {"number": 905, "name": "Zahl"}])

    def found(text, fields=("number", "name"), options="i"):
        query = {"$or": [{f: Regex(re.escape(text), options)} for f in fields]}
        plan, explained = _plan(database, {"find": coll.name, "filter": query})
        assert explained["filterPushdown"], (text, plan)
        for f in fields:
            assert f"USING INDEX {coll.name}" in plan and f"_{f}_1" in plan, (text, plan)
        assert "SCAN " + coll.name + " " not in plan.replace("USING INDEX", ""), plan
        return sorted(str(d["number"]) for d in coll.find(query))

    assert found("müller") == ["R-000", "R-001"]
    assert found("MÜL", options="") == ["R-001"]
    assert found("mül", options="") == []
    assert found("k") == ["R-003", "R-004"]  # "Kai", the Kelvin sign, "Klaus"
    assert found("\u212a") == ["R-003", "R-004"]
    assert found("s") == ["R-004", "R-005", "R-006", "R-011", "R-012"]
    assert found("ſu") == ["R-005", "R-006"]
    assert found("50%") == ["R-007"] and found("%") == ["R-007"]
    assert found("_") == ["R-008"] and found("a_") == ["R-008"]
    assert found('"x"') == ["R-009"] and found("<b>") == ["R-010"]
    assert found("ß") == ["R-011"]
    assert found("R-01") == ["R-010", "R-011", "R-012"]
    # numbers never match a regex, in either field; "1" only in strings
    assert found("1") == ["R-001", "R-010", "R-011", "R-012", "R-901"]
    assert found("905") == [] and found("zahl") == ["905"]
    assert found("R-90", fields=("number",)) == ["R-900", "R-901", "R-904"]
    assert found("ß", fields=("name",)) == ["R-011"]
    # a regex without a literal (an alternation) is tested on the index too
    alternation = {"$or": [{"name": Regex("^(klaus|susanne)$", "i")},
                           {"number": Regex("^R-00[01]$")}]}
    plan, _ = _plan(database, {"find": coll.name, "filter": alternation})
    assert "_name_1" in plan and "_number_1" in plan, plan
    assert sorted(d["number"] for d in coll.find(alternation)) == \
        ["R-000", "R-001", "R-004", "R-005", "R-006"]  # ſusanne: the long s folds to s
    # one regex alone, and beside an equality on another field
    assert sorted(d["number"] for d in coll.find({"name": Regex("LLER", "i")})) == \
        ["R-000", "R-001", "R-002"]
    assert [d["number"] for d in coll.find({"name": Regex("ller", "i"), "amount": 2})] == \
        ["R-002"]
    assert coll.count_documents({"$or": [{"name": Regex("s", "i")},
                                         {"number": Regex("^R-00", "i")}]}) == 12
    # an array in the field takes it off the index path (arrays match element-wise)
    coll.insert_one({"number": "R-903", "name": ["x", "Klaus"]})
    query = {"$or": [{"name": Regex("klaus", "i")}]}
    plan, _ = _plan(database, {"find": coll.name, "filter": query})
    assert "_name_1" not in plan, plan
    assert sorted(d["number"] for d in coll.find(query)) == ["R-004", "R-903"]

# ------------------------------------------------------------------ `_id` in a list

ID_POOL = OIDS + [ObjectId("6b0e101d77baf4489697fd%02x" % i) for i in (1, 2)] + \
    ["P-1", "p-1", "ä", "Ä", "", "日本"] + [1, Int64(2), 2.5]
# FerretDB 1.24 refuses a string `_id` equal to the hex of a stored ObjectId `_id` as a
# duplicate (its `_id` index holds both as the same text); such strings are only asked for.
LOOKALIKES = [str(o) for o in OIDS]


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ids=st.lists(st.sampled_from(ID_POOL), unique_by=lambda v: (type(v).__name__, str(v)),
                    min_size=0, max_size=10),
       wanted=st.lists(st.sampled_from(ID_POOL + LOOKALIKES + [None, "missing", ObjectId()]),
                       max_size=6),
       status=st.sampled_from([None, "open", "done"]))
def test_id_in_a_list_finds_exactly_those_documents(database, ids, wanted, status):
    """`{_id: {$in: [...]}}` (Mongoengine's pk__in) is answered through the `_id` index on
    the embedded server (it read the whole collection before: 17 s for one id at 100,000
    invoices). Expected result computed here: the documents whose `_id` equals a listed
    value by MongoDB's rules (numbers by value across types, strings and ObjectIds exactly,
    a string never equal to an ObjectId of the same hex), further narrowed by status."""
    coll = database.by_id
    coll.drop()
    docs = [{"_id": v, "status": ("open", "done")[i % 2], "i": i} for i, v in enumerate(ids)]
    # numbers equal by value are one `_id`: keep the first of each such group
    seen, unique_docs = [], []
    for d in docs:
        key = ("num", float(d["_id"])) if isinstance(d["_id"], (int, float)) else \
            (type(d["_id"]).__name__, d["_id"])
        if key not in seen:
            seen.append(key)
            unique_docs.append(d)
    if unique_docs:
        coll.insert_many(unique_docs)

    def same(a, b):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return float(a) == float(b)
        return type(a) is type(b) and a == b

    expected = sorted(d["i"] for d in unique_docs
                      if any(same(d["_id"], w) for w in wanted)
                      and (status is None or d["status"] == status))
    filter_ = {"_id": {"$in": wanted}}
    if status:
        filter_["status"] = status
    assert sorted(d["i"] for d in coll.find(filter_)) == expected, filter_
    assert coll.count_documents(filter_) == len(expected), filter_


@pytest.mark.skipif(not EMBEDDED, reason="SQLite query plans exist only on the embedded server")
def test_id_in_a_list_uses_the_id_index(database):
    coll = database.by_id_plan
    coll.drop()
    coll.insert_many([{"_id": ObjectId(), "n": i} for i in range(50)] +
                     [{"_id": f"K{i}", "n": i} for i in range(50)])
    some = [d["_id"] for d in coll.find({}, {"_id": 1}).limit(3)] + ["K7"]
    plan, _ = _plan(database, {"find": coll.name, "filter": {"_id": {"$in": some}}})
    assert "USING INDEX" in plan, plan
    assert coll.count_documents({"_id": {"$in": some}}) == 4
    # a list with a value of another type is left to FerretDB's scan, with the same result
    plan, _ = _plan(database, {"find": coll.name, "filter": {"_id": {"$in": some + [7]}}})
    assert "USING INDEX" not in plan, plan
    assert coll.count_documents({"_id": {"$in": some + [7]}}) == 4
