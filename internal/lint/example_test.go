package lint_test

import (
	"fmt"
	"os"
	"time"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/lint"
	"github.com/notis-dev/notis/internal/notice"
)

// A Swedish notice that still names Datainspektionen, judged the day
// before and the day after it became IMY.
func ExampleCheck() {
	src := `---
title: Integritetspolicy
updated: 2020-06-01
controller: {name: Exempel AB, reg_no: "556000-0000", address: "Box 1, 111 11 Stockholm", email: dataskydd@exempel.se}
supervisory_authority: datainspektionen
requirements: [{kind: pre_contract, consequence: Vi kan inte behandla din ansökan.}]
purposes: [{name: Rekrytering, basis: contract}]
recipients: [{name: Exempel Drift AB, role: processor, country: SE}]
transfers: []
automated_decisions: []
retention: [{records: Ansökningar, period: P6M, then: delete}]
---
`
	page, err := content.Parse("content/kandidater.sv.md", []byte(src), content.Languages{Codes: []string{"en", "sv"}, Default: "en"})
	if err != nil {
		panic(err)
	}
	ns := []*notice.Notice{page.Notice}
	for _, day := range []string{"2020-12-31", "2021-01-01"} {
		asOf, _ := time.Parse("2006-01-02", day)
		fs := lint.Check(ns, lint.Options{AsOf: asOf})
		fmt.Printf("as of %s: %d findings\n", day, len(fs))
		lint.Write(os.Stdout, "text", fs)
	}
	// Output:
	// as of 2020-12-31: 0 findings
	// as of 2021-01-01: 1 findings
	// content/kandidater.sv.md:5:1: error sa.stale-name: notice "kandidater" (sv), supervisory_authority: Datainspektionen ceased to exist under that name after 2020-12-31 (Art 13(2)(d); Art 14(2)(e); Art 77) — fix: use supervisory_authority: imy (Integritetsskyddsmyndigheten (IMY))
}
