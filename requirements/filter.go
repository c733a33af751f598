package requirements

import "slices"

// Disjoint reports whether no evidence item can match both filters, judged
// from the filters alone. It is conservative: false means "may overlap".
func Disjoint(a, b Filter) bool {
	if a.Evidence != "" && b.Evidence != "" && a.Evidence != b.Evidence {
		return true
	}
	pairs := [][2][]string{
		{a.ActivityKinds, b.ActivityKinds},
		{a.ProviderKinds, b.ProviderKinds},
		{a.Delivery, b.Delivery},
		{a.Format, b.Format},
		{a.SessionDelivery, b.SessionDelivery},
		{a.Content, b.Content},
		{a.Modalities, b.Modalities},
		// A case has one unit. Focus is not here: a case (or a clinical
		// block) may have several, so focus lists that share no value
		// can still select the same item.
		{a.CaseUnits, b.CaseUnits},
	}
	for _, p := range pairs {
		if len(p[0]) > 0 && len(p[1]) > 0 && !intersects(p[0], p[1]) {
			return true
		}
	}
	// Approved by one of a list, and by none of a list holding all of them.
	return covers(b.NotApprovedBy, a.ApprovedBy) || covers(a.NotApprovedBy, b.ApprovedBy)
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// covers reports whether every value of xs is in list (and xs is not empty).
func covers(list, xs []string) bool {
	if len(xs) == 0 {
		return false
	}
	for _, x := range xs {
		if !slices.Contains(list, x) {
			return false
		}
	}
	return true
}
