package requirements

import (
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/certboard/certboard/date"
)

func celDate(v ref.Val) ref.Val {
	s, ok := v.Value().(string)
	if !ok {
		return types.NewErr("date() takes a string YYYY-MM-DD")
	}
	d, err := date.Parse(s)
	if err != nil {
		return types.NewErr("date(): %v", err)
	}
	return types.Timestamp{Time: d.Time()}
}

func celAddMonths(t, n ref.Val) ref.Val {
	ts, ok := t.(types.Timestamp)
	if !ok {
		return types.NewErr("add_months() takes a timestamp and a number of months")
	}
	months, ok := n.Value().(int64)
	if !ok {
		return types.NewErr("add_months() takes a whole number of months")
	}
	return types.Timestamp{Time: date.FromTime(ts.Time).AddMonths(int(months)).Time()}
}
