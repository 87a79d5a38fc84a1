// Backoffice addition to FerretDB's SQLite backend: the key expression of indexes
// (see ../pushdown.go for what it encodes and why).
package metadata

import (
	"fmt"
	"regexp"
)

// keyField is what a field name must look like to get a key index (no paths, no quoting).
var keyField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// KeyField reports whether field gets a KeyExpr index and may be pushed down.
func KeyField(field string) bool {
	return field != "_id" && keyField.MatchString(field)
}

// KeyExpr returns the SQL expression of a field's sort/index key (see the package comment).
// The index definitions and the queries must use exactly this text, or SQLite will not
// match them.
func KeyExpr(field string) string {
	v := fmt.Sprintf(`(_ferretdb_sjson->>'$."%s"')`, field)
	return fmt.Sprintf(`(CASE _ferretdb_sjson->>'$."$s".p."%[1]s".t' `+
		`WHEN 'string' THEN %[2]s `+
		`WHEN 'int' THEN %[2]s WHEN 'long' THEN %[2]s `+
		`WHEN 'double' THEN (CASE WHEN json_type(_ferretdb_sjson, '$."%[1]s"') IN ('integer', 'real') THEN %[2]s ELSE x'f0' END) `+
		`WHEN 'date' THEN (CASE WHEN abs(%[2]s) < 4611686018427387904 THEN CAST(printf('0%%019d', %[2]s + 4611686018427387904) AS BLOB) ELSE x'f0' END) `+
		`WHEN 'objectId' THEN CAST(char(16) || %[2]s AS BLOB) `+
		`WHEN 'bool' THEN CAST(char(32) || %[2]s AS BLOB) `+
		`WHEN 'null' THEN NULL `+
		`ELSE (CASE WHEN _ferretdb_sjson->'$."%[1]s"' IS NULL THEN NULL ELSE x'f0' END) END)`, field, v)
}

