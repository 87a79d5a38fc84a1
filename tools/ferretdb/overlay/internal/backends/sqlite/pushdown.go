// Backoffice addition to FerretDB's SQLite backend (copied into the module before
// building, see services/embedded_db.py): answer filters, single-field sorts,
// skip/limit and counts on indexed fields from SQLite's indexes instead of decoding
// every document of the collection.
//
// Every declared index is created on metadata.KeyExpr(field) (metadata/keyexpr.go): a
// value whose SQLite order is MongoDB's order for the scalar types the product stores:
//
//	missing, null          NULL
//	int, long, double      the number (INTEGER or REAL; SQLite compares them exactly)
//	string                 TEXT (UTF-8, compared bytewise like MongoDB's simple collation)
//	objectId               BLOB 0x10 + hex
//	bool                   BLOB 0x20 + '0' or '1'
//	date                   BLOB '0' + 19 digits of (milliseconds + 2^62)
//	anything else          BLOB 0xF0 (object, array, binData, regex, timestamp, NaN, ...)
//
// SQLite orders NULL < numbers < TEXT < BLOB, which is MongoDB's order of these types.
// A field is used only when no document has the 0xF0 marker (one index probe): arrays
// match element-wise and sort by their smallest/largest element, objects and other types
// order differently, so such a field falls back to FerretDB's own scan. The handlers still
// run the whole filter on every document the backend returns, so a condition we do not
// understand is simply left to them; only when every condition of the filter was
// translated exactly ("exact") do skip/limit and COUNT(*) run in SQL.
//
// The panel's search (a case-insensitive regex on each searchable field under `$or`) has
// no index to use, but FerretDB's own scan decodes every document into Go values to run
// it, seconds at 100,000 documents. In a collection with declared indexes a regex on a
// top-level field, alone or in a `$or` of such regexes, becomes a prefilter that SQLite
// runs on each row's JSON (bo_regex: the regex compiled as FerretDB's handler compiles
// it, for string values; arrays and other non-scalar values pass the prefilter). The
// prefilter never sets "exact": the handler still runs the whole filter on the rows that
// pass it, which are a superset of the matching ones.
package sqlite

import (
	"bytes"
	"context"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	sqlite3 "modernc.org/sqlite"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

const dateOffset = int64(1) << 62

// maxInValues is the longest `$in` list translated to SQL (one parameter per value).
const maxInValues = 1000

// class is the range [lo, hi) of the keys of one MongoDB type bracket; lo == nil: above NULL.
type class struct{ lo, hi any }

var (
	numberClass   = class{nil, ""}          // every TEXT is above every number
	stringClass   = class{"", []byte{0x01}} // every BLOB key starts with 0x10 or more
	objectIDClass = class{[]byte{0x10}, []byte{0x11}}
	boolClass     = class{[]byte{0x20}, []byte{0x21}}
	dateClass     = class{[]byte{0x30}, []byte{0x31}}
)

// keyArg converts a scalar filter value to its key (the SQL argument) and type class.
func keyArg(v any) (any, class, bool) {
	switch v := v.(type) {
	case string:
		return v, stringClass, true
	case int32:
		return int64(v), numberClass, true
	case int64:
		return v, numberClass, true
	case float64:
		if math.IsNaN(v) {
			return nil, class{}, false
		}
		return v, numberClass, true
	case time.Time:
		ms := v.UnixMilli()
		if ms <= -dateOffset || ms >= dateOffset {
			return nil, class{}, false
		}
		return []byte(fmt.Sprintf("0%019d", ms+dateOffset)), dateClass, true
	case types.ObjectID:
		return append([]byte{0x10}, hex.EncodeToString(v[:])...), objectIDClass, true
	case bool:
		if v {
			return []byte{0x20, '1'}, boolClass, true
		}
		return []byte{0x20, '0'}, boolClass, true
	}
	return nil, class{}, false
}

// pushdown is what Query adds to its SQL.
type pushdown struct {
	where   []string
	args    []any
	exact   bool   // the WHERE clause selects exactly the documents the filter matches
	orderBy string // ORDER BY for FieldSort, "" if not applied
	fields  map[string]bool

	indexDefs   []string // CREATE INDEX statements of the table
	keyIndexed  bool     // the table has at least one KeyExpr index (declared by the app)
	prefiltered bool     // a search prefilter is part of where
}

// planPushdown translates what it can of filter and sort; it never makes the result wrong:
// an untranslated condition leaves exact false and the handler filters.
func planPushdown(ctx context.Context, db *fsql.DB, table string, filter, sort *types.Document) (*pushdown, error) {
	p := &pushdown{exact: true, fields: map[string]bool{}}

	var candidates []string
	for _, k := range filter.Keys() {
		if metadata.KeyField(k) {
			candidates = append(candidates, k)
		}
	}
	if sort.Len() == 1 && metadata.KeyField(sort.Keys()[0]) {
		candidates = append(candidates, sort.Keys()[0])
	}
	searched := regexFields(filter)
	if len(candidates) > 0 || len(searched) > 0 {
		if err := p.loadIndexes(ctx, db, table); err != nil {
			return nil, err
		}
	}
	if len(candidates) > 0 || len(searched) > 0 {
		if err := p.usableFields(ctx, db, table, append(candidates, searched...)); err != nil {
			return nil, err
		}
	}
	prefilter, prefilterArgs := regexPrefilter(filter, table, p.fields)
	if prefilter != "" && p.keyIndexed {
		p.where = append(p.where, prefilter)
		p.args = append(p.args, prefilterArgs...)
		p.prefiltered = true
	}

	p.idIn(filter)

	for _, k := range filter.Keys() {
		v, _ := filter.Get(k)
		if !p.fields[k] || !p.condition(k, v) {
			p.exact = false
		}
	}

	// With a search prefilter SQLite scans the table in rowid order and the handler sorts
	// the rows that pass it: walking a sort index instead would fetch every row in index
	// order (a random read each) to find the few that pass.
	if sort.Len() == 1 && !p.prefiltered {
		field := sort.Keys()[0]
		dir, _ := sort.Get(field)
		if p.fields[field] {
			// Ties stay in index order (MongoDB does not define their order either, and
			// the same query always pages the same way); a rowid tie-break would make
			// SQLite sort every group of equal keys when it walks an index backwards.
			switch dir {
			case int64(1):
				p.orderBy = fmt.Sprintf(" ORDER BY %s", metadata.KeyExpr(field))
			case int64(-1):
				p.orderBy = fmt.Sprintf(" ORDER BY %s DESC", metadata.KeyExpr(field))
			}
		}
	}

	return p, nil
}

// idIn narrows a filter `{_id: {$in: [...]}}` (strings and ObjectIds, at most maxInValues)
// to those `_id`s through the `_id` index. FerretDB's own `_id` shortcut covers equality
// only, so Mongoengine's `pk__in` (and every dereference of a list of references) read the
// whole collection: 17 s for one id at 100,000 invoices. The values are compared as
// FerretDB stores `_id` (metadata.IDColumn, one sjson value). The condition never sets
// "exact" by itself: the handler still checks the whole filter on the rows returned.
func (p *pushdown) idIn(filter *types.Document) {
	v, err := filter.Get("_id")
	if err != nil {
		return
	}
	ops, ok := v.(*types.Document)
	if !ok || ops.Len() != 1 || ops.Keys()[0] != "$in" {
		return
	}
	operand, _ := ops.Get("$in")
	values, ok := operand.(*types.Array)
	if !ok || values.Len() > maxInValues {
		return
	}
	args := make([]any, 0, values.Len())
	for i := 0; i < values.Len(); i++ {
		item, _ := values.Get(i)
		switch item.(type) {
		case string, types.ObjectID:
		default:
			return // another type of _id: left to the handler
		}
		raw, err := sjson.MarshalSingleValue(item)
		if err != nil {
			return
		}
		args = append(args, string(raw))
	}
	if len(args) == 0 {
		p.where = append(p.where, "0")
		return
	}
	p.where = append(p.where, metadata.IDColumn+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+")")
	p.args = append(p.args, args...)
}

// loadIndexes reads the table's index definitions.
func (p *pushdown) loadIndexes(ctx context.Context, db *fsql.DB, table string) error {
	rows, err := db.QueryContext(ctx,
		`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, table)
	if err != nil {
		return lazyerrors.Error(err)
	}
	var defs []string
	for rows.Next() {
		var def string
		if err = rows.Scan(&def); err != nil {
			rows.Close()
			return lazyerrors.Error(err)
		}
		defs = append(defs, def)
	}
	rows.Close()
	if err = rows.Err(); err != nil {
		return lazyerrors.Error(err)
	}
	p.indexDefs = defs
	for _, def := range defs {
		if strings.Contains(def, keyIndexMarker) {
			p.keyIndexed = true
		}
	}
	return nil
}

// keyIndexMarker is the text every KeyExpr index definition contains.
const keyIndexMarker = `(CASE _ferretdb_sjson->>'$."$s".p."`

// usableFields marks the fields that have a key index and no document with a non-scalar key.
func (p *pushdown) usableFields(ctx context.Context, db *fsql.DB, table string, fields []string) error {
	defs := p.indexDefs
	for _, f := range fields {
		if _, seen := p.fields[f]; seen {
			continue
		}
		p.fields[f] = false
		indexed := false
		for _, def := range defs {
			if strings.Contains(def, " ("+metadata.KeyExpr(f)) {
				indexed = true
				break
			}
		}
		if !indexed {
			continue
		}
		var mixed int
		var err error
		q := fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %q WHERE %s >= x'f0')`, table, metadata.KeyExpr(f))
		if err = db.QueryRowContext(ctx, q).Scan(&mixed); err != nil {
			return lazyerrors.Error(err)
		}
		p.fields[f] = mixed == 0
	}
	return nil
}

// condition adds the SQL for one top-level filter condition; false if not translated exactly.
func (p *pushdown) condition(field string, v any) bool {
	key := metadata.KeyExpr(field)
	ops, isDoc := v.(*types.Document)
	if !isDoc {
		if v == types.Null {
			p.where = append(p.where, key+" IS NULL")
			return true
		}
		arg, _, ok := keyArg(v)
		if !ok {
			return false
		}
		p.where = append(p.where, key+" = ?")
		p.args = append(p.args, arg)
		return true
	}

	if ops.Len() == 0 {
		return false // {field: {}} matches an empty document only
	}
	exact := true
	for _, op := range ops.Keys() {
		if !strings.HasPrefix(op, "$") {
			return false // a document value: equality with a whole document
		}
	}
	for _, op := range ops.Keys() {
		operand, _ := ops.Get(op)
		switch op {
		case "$eq":
			if operand == types.Null {
				p.where = append(p.where, key+" IS NULL")
				continue
			}
			arg, _, ok := keyArg(operand)
			if !ok {
				exact = false
				continue
			}
			p.where = append(p.where, key+" = ?")
			p.args = append(p.args, arg)
		case "$in":
			values, ok := operand.(*types.Array)
			if !ok || values.Len() > maxInValues {
				// A very long list is left to the handler: SQLite refuses a statement
				// with more than 32,766 parameters ("too many SQL variables").
				exact = false
				continue
			}
			args := make([]any, 0, values.Len())
			for i := 0; i < values.Len() && ok; i++ {
				item, _ := values.Get(i)
				var arg any
				arg, _, ok = keyArg(item)
				args = append(args, arg)
			}
			if !ok {
				exact = false
				continue
			}
			if len(args) == 0 {
				p.where = append(p.where, "0")
				continue
			}
			p.where = append(p.where, key+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+")")
			p.args = append(p.args, args...)
		case "$gt", "$gte", "$lt", "$lte":
			arg, cls, ok := keyArg(operand)
			if !ok {
				exact = false
				continue
			}
			cmp := map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}[op]
			p.where = append(p.where, key+" "+cmp+" ?")
			p.args = append(p.args, arg)
			if op == "$gt" || op == "$gte" {
				p.where = append(p.where, key+" < ?")
				p.args = append(p.args, cls.hi)
			} else if cls.lo != nil {
				p.where = append(p.where, key+" >= ?")
				p.args = append(p.args, cls.lo)
			}
		default:
			exact = false // $ne, $nin, $exists, $regex, $not, ...: left to the handler
		}
	}
	return exact
}

// regexFields returns the fields of the filter's regex conditions (top-level, and in a
// `$or` of such conditions), whose key indexes the search may scan instead of the table.
func regexFields(filter *types.Document) []string {
	var fields []string
	for _, k := range filter.Keys() {
		v, _ := filter.Get(k)
		if k != "$or" {
			if _, _, _, ok := regexCondition(k, v); ok {
				fields = append(fields, k)
			}
			continue
		}
		branches, ok := v.(*types.Array)
		if !ok {
			continue
		}
		for i := 0; i < branches.Len(); i++ {
			item, _ := branches.Get(i)
			if branch, isDoc := item.(*types.Document); isDoc && branch.Len() == 1 {
				field := branch.Keys()[0]
				cond, _ := branch.Get(field)
				if _, _, _, ok := regexCondition(field, cond); ok {
					fields = append(fields, field)
				}
			}
		}
	}
	return fields
}

// indexSearch is the prefilter of regex conditions whose every field has a usable key
// index (usableFields: no array or other non-scalar value in the collection): the rows
// whose key, in that field's index, passes the test. SQLite reads the index (the keys and
// rowids, a few MB at 100,000 documents) instead of every row's JSON (hundreds of MB):
// 360 ms → 37 ms for one field at 100,000 journal entries. A regex matches only strings,
// and a string's key is the string itself, so a row it drops cannot match; the handler
// still runs the whole filter on the rows that pass.
func indexSearch(table string, fields, lits []string, regexes []types.Regex) (string, []any) {
	subs := make([]string, len(fields))
	var args []any
	for i, field := range fields {
		key := metadata.KeyExpr(field)
		var test string
		switch lit := lits[i]; {
		case lit == "":
			test = "bo_regex(" + key + ", ?, ?)"
			args = append(args, regexes[i].Pattern, regexes[i].Options)
		case likeSafe(lit):
			test = key + ` LIKE ? ESCAPE '\'`
			args = append(args, "%"+strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(lit)+"%")
		default:
			test = "bo_has_folded(" + key + ", ?)"
			args = append(args, lit)
		}
		subs[i] = fmt.Sprintf("SELECT rowid FROM %q WHERE %s", table, test)
	}
	return "rowid IN (" + strings.Join(subs, " UNION ") + ")", args
}

// regexPrefilter returns the SQL prefilter (and its arguments) for the filter's regex
// conditions on top-level fields and for a `$or` whose every branch is one such condition;
// "" if there is none. Rows it rejects cannot match the filter. Conditions whose fields
// all have usable key indexes (usable) scan those indexes (indexSearch), others each
// row's JSON.
func regexPrefilter(filter *types.Document, table string, usable map[string]bool) (string, []any) {
	var conds []string
	var args []any
	for _, k := range filter.Keys() {
		v, _ := filter.Get(k)
		if k == "$or" {
			branches, ok := v.(*types.Array)
			if !ok || branches.Len() == 0 {
				continue
			}
			var ors, lits, fields []string
			var regexes []types.Regex
			var orArgs []any
			for i := 0; i < branches.Len() && ok; i++ {
				item, _ := branches.Get(i)
				branch, isDoc := item.(*types.Document)
				if !isDoc || branch.Len() != 1 {
					ok = false
					break
				}
				field := branch.Keys()[0]
				cond, _ := branch.Get(field)
				var sql, lit string
				var condArgs []any
				if sql, condArgs, lit, ok = regexCondition(field, cond); ok {
					ors = append(ors, sql)
					orArgs = append(orArgs, condArgs...)
					lits = append(lits, lit)
					fields = append(fields, field)
					regexes = append(regexes, types.Regex{Pattern: condArgs[0].(string), Options: condArgs[1].(string)})
				}
			}
			allUsable := ok
			for _, field := range fields {
				allUsable = allUsable && usable[field]
			}
			if allUsable {
				cond, condArgs := indexSearch(table, fields, lits, regexes)
				conds = append(conds, cond)
				args = append(args, condArgs...)
				continue
			}
			if ok {
				// Every branch's literal known: a row without any of them in its JSON
				// text is out before its fields are looked at.
				cond, condArgs := guarded(lits, "("+strings.Join(ors, " OR ")+")", orArgs)
				conds = append(conds, cond)
				args = append(args, condArgs...)
			}
			continue
		}
		if sql, condArgs, lit, ok := regexCondition(k, v); ok {
			if usable[k] {
				re := types.Regex{Pattern: condArgs[0].(string), Options: condArgs[1].(string)}
				cond, indexArgs := indexSearch(table, []string{k}, []string{lit}, []types.Regex{re})
				conds = append(conds, cond)
				args = append(args, indexArgs...)
				continue
			}
			cond, allArgs := guarded([]string{lit}, sql, condArgs)
			conds = append(conds, cond)
			args = append(args, allArgs...)
		}
	}
	return strings.Join(conds, " AND "), args
}

// guarded puts the literal test before the per-field condition in one CASE, so that
// SQLite (which may reorder the terms of a WHERE clause) looks at the fields only of rows
// whose text contains a literal.
func guarded(lits []string, cond string, condArgs []any) (string, []any) {
	quick, quickArgs := literalTest(lits)
	if quick == "" {
		return cond, condArgs
	}
	return "(CASE WHEN " + quick + " THEN " + cond + " ELSE 0 END)", append(quickArgs, condArgs...)
}

// literalTest is the SQL (and its arguments) that is true when the row's JSON text
// contains one of lits (folded, see foldInto); "" if a branch has no literal. An ASCII literal without k and s (whose case partners include non-ASCII letters, the
// Kelvin sign and the long s) is tested with LIKE, which folds exactly ASCII letters and
// runs in SQLite itself; any other with bo_has_folded.
func literalTest(lits []string) (string, []any) {
	var tests []string
	var args []any
	seen := map[string]bool{}
	for _, lit := range lits {
		if lit == "" {
			return "", nil
		}
		if seen[lit] { // the panel searches every field for the same text
			continue
		}
		seen[lit] = true
		tests, args = append(tests, ""), append(args, nil)
		i := len(tests) - 1
		tests[i], args[i] = "bo_has_folded(_ferretdb_sjson, ?)", lit
		if likeSafe(lit) {
			escaped := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(lit)
			tests[i], args[i] = `_ferretdb_sjson LIKE ? ESCAPE '\'`, "%"+escaped+"%"
		}
	}
	return "(" + strings.Join(tests, " OR ") + ")", args
}

// likeSafe reports whether LIKE's ASCII case folding finds exactly what foldInto finds.
func likeSafe(lit string) bool {
	for i := 0; i < len(lit); i++ {
		if lit[i] >= utf8.RuneSelf || lit[i] == 'K' || lit[i] == 'S' {
			return false
		}
	}
	return true
}

// requiredLiteral returns a text every string the regex matches contains, folded
// (foldInto), or "" if none is known or the text could appear escaped in the row's JSON.
func requiredLiteral(re types.Regex) string {
	var opts string
	for _, o := range re.Options {
		if o == 'i' || o == 'm' || o == 's' {
			opts += string(o)
		}
	}
	expr := re.Pattern
	if opts != "" {
		expr = "(?" + opts + ")" + expr // as types.Regex.Compile builds it
	}
	parsed, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return ""
	}
	parsed = parsed.Simplify()
	var lit []rune
	switch parsed.Op { //nolint:exhaustive // only literals and concatenations have one
	case syntax.OpLiteral:
		lit = parsed.Rune
	case syntax.OpConcat:
		for _, sub := range parsed.Sub {
			if sub.Op == syntax.OpLiteral && len(sub.Rune) > len(lit) {
				lit = sub.Rune
			}
		}
	}
	for _, r := range lit {
		// characters JSON writes as escapes (and have no other case)
		if r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' ||
			r == 0x2028 || r == 0x2029 || r == utf8.RuneError || r == 0x7f {
			return ""
		}
	}
	return string(foldInto(nil, string(lit)))
}

// foldRune maps a rune to the smallest rune of its simple case-folding orbit, which is
// how Go's regexp matches under (?i): two runes match there only if they fold alike here.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < least {
			least = f
		}
	}
	return least
}

// foldInto appends text with every rune folded (foldRune) to buf.
func foldInto(buf []byte, text string) []byte {
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			if 'a' <= b && b <= 'z' {
				b -= 'a' - 'A'
			}
			buf = append(buf, b)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		buf = utf8.AppendRune(buf, foldRune(r))
		i += size
	}
	return buf
}

var foldBuffers = sync.Pool{New: func() any { return new([]byte) }}

// regexCondition translates {field: /re/opts} or {field: {$regex: re, $options: opts}} to a
// prefilter on the field's value; false if the condition is anything else or a regex that
// FerretDB's handler would refuse (its error must stay the handler's).
func regexCondition(field string, v any) (string, []any, string, bool) {
	if !metadata.KeyField(field) {
		return "", nil, "", false
	}
	var re types.Regex
	switch v := v.(type) {
	case types.Regex:
		re = v
	case *types.Document:
		if v.Len() == 0 || v.Len() > 2 || !v.Has("$regex") {
			return "", nil, "", false
		}
		var options string
		if v.Len() == 2 {
			o, _ := v.Get("$options")
			var isString bool
			if options, isString = o.(string); !isString {
				return "", nil, "", false
			}
		}
		raw, _ := v.Get("$regex")
		switch pattern := raw.(type) {
		case string:
			re = types.Regex{Pattern: pattern, Options: options}
		case types.Regex:
			if options != "" && pattern.Options != "" {
				return "", nil, "", false
			}
			re = pattern
			if options != "" {
				re.Options = options
			}
		default:
			return "", nil, "", false
		}
	default:
		return "", nil, "", false
	}
	for _, o := range re.Options {
		if o != 'i' && o != 'm' && o != 's' {
			return "", nil, "", false
		}
	}
	if _, err := re.Compile(); err != nil {
		return "", nil, "", false
	}
	sql := fmt.Sprintf(`(CASE _ferretdb_sjson->>'$."$s".p."%[1]s".t' `+
		`WHEN 'string' THEN bo_regex(_ferretdb_sjson->>'$."%[1]s"', ?, ?) `+
		`WHEN 'int' THEN 0 WHEN 'long' THEN 0 WHEN 'double' THEN 0 WHEN 'date' THEN 0 `+
		`WHEN 'objectId' THEN 0 WHEN 'bool' THEN 0 WHEN 'null' THEN 0 `+
		`ELSE _ferretdb_sjson->'$."%[1]s"' IS NOT NULL END)`, field)
	return sql, []any{re.Pattern, re.Options}, requiredLiteral(re), true
}

// regexCache holds the compiled regexes of bo_regex by options and pattern.
var regexCache sync.Map

func init() {
	// bo_regex(value, pattern, options): 1 if the string value matches as FerretDB's
	// handler would match it (types.Regex.Compile), else 0; 1 if the regex does not
	// compile (the handler decides).
	sqlite3.MustRegisterDeterministicScalarFunction("bo_regex", 3,
		func(_ *sqlite3.FunctionContext, args []driver.Value) (driver.Value, error) {
			value, ok := args[0].(string)
			if !ok {
				return int64(1), nil
			}
			pattern, _ := args[1].(string)
			options, _ := args[2].(string)
			key := options + "\x00" + pattern
			cached, found := regexCache.Load(key)
			if !found {
				re, err := types.Regex{Pattern: pattern, Options: options}.Compile()
				if err != nil {
					return int64(1), nil
				}
				cached, _ = regexCache.LoadOrStore(key, re)
			}
			if cached.(*regexp.Regexp).MatchString(value) {
				return int64(1), nil
			}
			return int64(0), nil
		})

	// bo_has_folded(text, folded): 1 if text contains folded after folding (foldInto).
	sqlite3.MustRegisterDeterministicScalarFunction("bo_has_folded", 2,
		func(_ *sqlite3.FunctionContext, args []driver.Value) (driver.Value, error) {
			text, ok := args[0].(string)
			lit, ok2 := args[1].(string)
			if !ok || !ok2 {
				return int64(1), nil
			}
			buf := foldBuffers.Get().(*[]byte)
			*buf = foldInto((*buf)[:0], text)
			found := bytes.Contains(*buf, []byte(lit))
			foldBuffers.Put(buf)
			if found {
				return int64(1), nil
			}
			return int64(0), nil
		})
}
