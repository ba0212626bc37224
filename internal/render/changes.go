package render

import "slices"

// SectionOrder lists the page's section ids in page order, for packages
// that order things by section (noticediff's changes) without a second
// copy of the table.
func SectionOrder() []string { return slices.Clone(pageSections) }
