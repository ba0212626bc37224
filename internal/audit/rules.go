package audit

import "github.com/notis-dev/notis/internal/lint"

// Severity is lint's: one vocabulary for how bad a finding is.
type Severity = lint.Severity

// The severities, as lint names them.
const (
	Error   = lint.Error
	Warning = lint.Warning
	Info    = lint.Info
)

// Rule is one check of the audit.
type Rule struct {
	ID       string
	Severity Severity // the default; a finding may be milder (a third-party cookie the site cannot delete)
	Summary  string
	Basis    string // the law or guidance it enforces, with where to read it
}

// Where the rules' bases can be read.
const (
	ePrivacy53 = "ePrivacy Directive 2002/58/EC Art 5(3) (https://eur-lex.europa.eu/eli/dir/2002/58/oj)"
	gdpr       = "GDPR (https://eur-lex.europa.eu/eli/reg/2016/679/oj)"
	taskforce  = "EDPB Cookie Banner Taskforce report, adopted 17 Jan 2023, para 8 (https://www.edpb.europa.eu/system/files/2023-01/edpb_20230118_report_cookie_banner_taskforce_en.pdf)"
	gpcSpec    = "the site's own banner: GPC denies marketing (docs/banner.md); GPC: https://privacycg.github.io/gpc-spec/"
)

// Rules lists every rule, in the order docs/audit.md explains them.
var Rules = []Rule{
	{"banner.missing", Error, "An audited page shows a consent banner before any choice.", ePrivacy53},
	{"banner.no-reject", Error, "The banner's first layer has a Reject all control beside Accept all.", taskforce},
	{"cookie.before-choice", Error, "No cookie that needs consent is set before the visitor chooses.", ePrivacy53},
	{"cookie.after-reject", Error, "No cookie that needs consent is set after Reject all.", ePrivacy53},
	{"cookie.gpc", Error, "No cookie of a category Global Privacy Control denies is set under GPC.", gpcSpec},
	{"cookie.after-withdraw", Error, "Withdrawing a category removes its cookies.", gdpr + " Art 7(3)"},
	{"cookie.undeclared", Error, "Every cookie the site sets is declared in a notice.", ePrivacy53 + "; " + gdpr + " Art 13(1)(c), 13(2)(a)"},
	{"cookie.over-duration", Error, "No cookie outlives the duration its notice declares.", gdpr + " Art 13(2)(a)"},
	{"cookie.stale", Info, "Every declared cookie was seen in some state of some audited page.", gdpr + " Art 5(1)(a)"},
	{"tracker.before-choice", Error, "No known tracker host is contacted before the visitor chooses.", ePrivacy53},
	{"tracker.after-reject", Error, "No known tracker host is contacted after Reject all.", ePrivacy53},
	{"tracker.gpc", Error, "No tracker of a category Global Privacy Control denies is contacted under GPC.", gpcSpec},
	{"consent.not-recorded", Error, "After each choice the banner sends its proof to the consent server.", gdpr + " Art 7(1)"},
	{"page.incomplete", Error, "Every state of every page could be audited (a check that reports clean must have looked).", "notis audit"},
}
