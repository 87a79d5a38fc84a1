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
package sqlite

import (
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
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
	numberClass   = class{nil, ""}             // every TEXT is above every number
	stringClass   = class{"", []byte{0x01}}    // every BLOB key starts with 0x10 or more
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
	if len(candidates) > 0 {
		if err := p.usableFields(ctx, db, table, candidates); err != nil {
			return nil, err
		}
	}

	for _, k := range filter.Keys() {
		v, _ := filter.Get(k)
		if !p.fields[k] || !p.condition(k, v) {
			p.exact = false
		}
	}

	if sort.Len() == 1 {
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

// usableFields marks the fields that have a key index and no document with a non-scalar key.
func (p *pushdown) usableFields(ctx context.Context, db *fsql.DB, table string, fields []string) error {
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
