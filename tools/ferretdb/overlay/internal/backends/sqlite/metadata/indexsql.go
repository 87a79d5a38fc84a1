// Backoffice addition to FerretDB's SQLite backend: one definition of an index's SQL, and
// the upgrade at start of indexes that an older launcher built in another form.
package metadata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

// IndexSQL returns the CREATE INDEX statement of index on table: top-level fields on their
// sort key (KeyExpr), `_id` and dotted paths on FerretDB's own JSON expression. SQLite keeps
// this text in sqlite_master, which is how upgradeIndexes recognises an index of another form.
func IndexSQL(table string, index IndexInfo) string {
	q := "CREATE "
	if index.Unique {
		q += "UNIQUE "
	}
	q += "INDEX %q ON %q (%s)"

	columns := make([]string, len(index.Key))
	for i, key := range index.Key {
		fields := strings.Split(key.Field, ".")
		for j, f := range fields {
			fields[j] = fmt.Sprintf("%q", f)
		}
		columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
		if KeyField(key.Field) {
			columns[i] = KeyExpr(key.Field)
		}
		if key.Descending {
			columns[i] += " DESC"
		}
	}

	return fmt.Sprintf(q, table+"_"+index.Name, table, strings.Join(columns, ", "))
}

// rebuildIndex makes the SQLite index `name` have the definition want: nothing if it has it
// already, else (re)created in one transaction, so a failure (a unique key that the new form
// finds duplicated) leaves the old index as it was. It returns whether it changed anything.
func rebuildIndex(ctx context.Context, db *fsql.DB, name, want string) (bool, error) {
	var have string
	err := db.QueryRowContext(ctx,
		`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, name).Scan(&have)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		have = ""
	case err != nil:
		return false, lazyerrors.Error(err)
	}
	if have == want {
		return false, nil
	}

	err = db.InTransaction(ctx, func(tx *fsql.Tx) error {
		if have != "" {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("DROP INDEX %q", name)); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, want)
		return err
	})
	if err != nil {
		return false, lazyerrors.Error(err)
	}
	return true, nil
}

// upgradeIndexes runs when the server opens a database (initCollections): every index the
// metadata lists whose SQLite definition is not IndexSQL's (a data directory of an older
// launcher, indexed on FerretDB's JSON expression, which the pushdown cannot use) is rebuilt.
// Idempotent: a second start finds every definition equal and changes nothing. An index that
// cannot be rebuilt is logged and kept in its old form (queries on it stay correct, only slow).
func upgradeIndexes(ctx context.Context, l *slog.Logger, dbName string, db *fsql.DB, colls map[string]*Collection) {
	for _, c := range colls {
		for _, index := range c.Settings.Indexes {
			name := c.TableName + "_" + index.Name
			changed, err := rebuildIndex(ctx, db, name, IndexSQL(c.TableName, index))
			switch {
			case err != nil:
				l.WarnContext(ctx, "index kept in its old form: rebuild failed",
					slog.String("db", dbName), slog.String("collection", c.Name),
					slog.String("index", index.Name), slog.String("error", err.Error()))
			case changed:
				l.InfoContext(ctx, "index rebuilt on the sort key",
					slog.String("db", dbName), slog.String("collection", c.Name),
					slog.String("index", index.Name))
			}
		}
	}
}
