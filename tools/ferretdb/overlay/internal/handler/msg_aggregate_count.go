// Backoffice addition to FerretDB's handler: count_documents() as one COUNT(*).
package handler

import (
	"math"
	"strings"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// countedIterator carries the backend's COUNT(*) out of processStagesDocuments (Backoffice patch).
type countedIterator struct {
	types.DocumentsIterator
	n int64
}

// countPipeline reports whether the pipeline is exactly [{$match: ...}, {$group: {_id: X, n: {$sum: 1}}}]
// with a scalar X, as count_documents() sends it, and returns X.
func countPipeline(stages []any) (any, bool) {
	if len(stages) != 2 {
		return nil, false
	}

	match, ok1 := stages[0].(*types.Document)
	group, ok2 := stages[1].(*types.Document)

	if !ok1 || !ok2 || match.Len() != 1 || group.Len() != 1 || match.Keys()[0] != "$match" || group.Keys()[0] != "$group" {
		return nil, false
	}

	spec, ok := must.NotFail(group.Get("$group")).(*types.Document)
	if !ok || spec.Len() != 2 || spec.Keys()[0] != "_id" || spec.Keys()[1] != "n" {
		return nil, false
	}

	id := must.NotFail(spec.Get("_id"))
	switch id := id.(type) {
	case int32, int64, float64:
	case string:
		if strings.HasPrefix(id, "$") {
			return nil, false
		}
	default:
		return nil, false
	}

	sum, ok := must.NotFail(spec.Get("n")).(*types.Document)
	if !ok || sum.Len() != 1 || sum.Keys()[0] != "$sum" {
		return nil, false
	}

	switch one := must.NotFail(sum.Get("$sum")).(type) {
	case int32:
		return id, one == 1
	case int64:
		return id, one == 1
	}

	return nil, false
}

// countResult is what the $group stage yields for n matching documents: none for 0.
func countResult(id any, n int64) types.DocumentsIterator {
	if n == 0 {
		return iterator.Values(iterator.ForSlice([]*types.Document{}))
	}

	var total any = n
	if n <= math.MaxInt32 {
		total = int32(n)
	}

	return iterator.Values(iterator.ForSlice([]*types.Document{must.NotFail(types.NewDocument("_id", id, "n", total))}))
}
