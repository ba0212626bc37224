package diag

// The rules of the diagnostics that are not the lint's: a file that does
// not parse, a value the model does not accept, a site whose files
// disagree. Each is an error: the file cannot be read as the writer meant.
const (
	RuleFrontMatter = "syntax.front-matter" // no front matter, or it is never closed
	RuleYAML        = "syntax.yaml"         // the YAML front matter does not parse
	RuleTOML        = "syntax.toml"         // the TOML front matter or file does not parse
	RuleJSON        = "syntax.json"         // the JSON front matter does not parse
	RuleUnknownKey  = "decode.unknown-key"  // a key the model does not have
	RuleField       = "decode.field"        // a value of the wrong type or form
	RuleRequired    = "decode.required"     // a key the model cannot do without
	RuleReference   = "decode.reference"    // an id that names nothing declared
	RuleUnreadable  = "content.unreadable"  // a notice file that cannot be opened or read
	RuleFileName    = "content.file-name"   // a Markdown file whose name is not read as a notice
	RuleNotice      = "content.notice"      // id, language or duplicate of a notice file
	RuleRelated     = "content.related"     // a related notice that does not exist
	RuleExtends     = "content.extends"     // a parent notice that does not exist or loops
	RuleNoNotices   = "content.empty"       // content/ holds no notice file: nothing was checked
	RuleConfig      = "site.config"         // notis.toml
	RuleStrings     = "i18n.strings"        // the i18n/*.toml strings files
	RuleCategory    = "build.category"      // a cookie category with no label
	RuleLayout      = "build.layout"        // a layout or template that failed
	RuleOther       = "error"               // anything else that stopped the run
)

// Rule describes one of the rules above, for rule references (SARIF's
// rule table, docs/lint-rules.md).
type Rule struct {
	ID       string
	Summary  string
	Severity Severity
}

// Rules lists the rules above, in the order the docs show them.
var Rules = []Rule{
	{RuleFrontMatter, "The file has no front matter, or its block is never closed (a missing closing --- or +++ line).", Error},
	{RuleYAML, "The YAML front matter does not parse: a missing colon, quote, bracket or a bad indent.", Error},
	{RuleTOML, "The TOML does not parse, or holds a date that does not exist.", Error},
	{RuleJSON, "The JSON front matter does not parse: a trailing comma, a missing quote or brace.", Error},
	{RuleUnknownKey, "A key the front matter does not have (a typo, or a key at the wrong level).", Error},
	{RuleField, "A value of the wrong type or form: text for a list, 6 years for P6Y, 22/11/2026 for 2026-11-22, a value outside a field's list.", Error},
	{RuleRequired, "A key without which the notice cannot be read (its title, a purpose's name).", Error},
	{RuleReference, "A data-category id that is not declared under data, or is declared twice.", Error},
	{RuleUnreadable, "A notice file that cannot be read: a link that leads nowhere or loops, or a file notis is not allowed to open.", Error},
	{RuleFileName, "A Markdown file under content/ that is not read as a notice, because notice files end in .md in lower case (cookies.MD, cookies.markdown).", Error},
	{RuleNotice, "A notice file's id or language is not valid, or another file already has it.", Error},
	{RuleRelated, "A notice listed under related does not exist.", Error},
	{RuleExtends, "The notice named by extends does not exist in the same language, or notices extend each other in a loop.", Error},
	{RuleNoNotices, "content/ holds no notice file, so nothing was checked: a warning, so that a run pointed at the wrong folder never reads as clean (and fails with --strict).", Warning},
	{RuleConfig, "notis.toml does not parse or holds a value it does not accept.", Error},
	{RuleStrings, "An i18n strings file does not parse, or a language lacks a key the others have.", Error},
	{RuleCategory, "A cookie's consent category has no label in the site's strings.", Error},
	{RuleLayout, "A layout does not parse, or failed to render a page: placed at the layout's line and column.", Error},
	{RuleOther, "Anything else that stopped the run, such as an output folder that could not be written.", Error},
}

// Known reports whether id is one of Rules.
func Known(id string) bool {
	for _, r := range Rules {
		if r.ID == id {
			return true
		}
	}
	return false
}
