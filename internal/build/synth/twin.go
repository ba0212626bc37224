package synth

// The notis site that does the Hugo twin's work (GenerateTwinLayouts):
// the same content, with notis layouts that show of each notice what the
// twin's single.html shows, in the same order, without notis's own
// sections (first layer, contents, derived rights, explanations, linked
// data). Built with the lint off, it measures notis on the work Hugo does
// in scalebench, apart from minifying: how far the time against Hugo is
// the pipeline's and how far the pages' and the lint's.

const twinBaseof = `<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – {{.SiteTitle}}</title>
{{- with .Description}}
<meta name="description" content="{{.}}">{{end}}
{{range .Alternates}}<link rel="alternate" hreflang="{{.Lang}}" href="{{.Abs}}">
{{end}}</head>
<body>
<nav aria-label="Language">{{range .Alternates}}<a href="{{.Abs}}" hreflang="{{.Lang}}">{{.Lang}}</a> {{end}}</nav>
<main>
{{template "main" .}}
</main>
</body>
</html>
`

const twinNotice = `{{define "main" -}}
{{$n := .N}}
<h1>{{$n.Title}}</h1>
<p>{{$n.Summary}}</p>
<p>Updated <time>{{$n.Updated}}</time></p>
{{with $n.Controller}}<section id="controller"><h2>Who we are</h2>
<p>{{.Name}} (reg. no. {{.RegNo}}), {{.Address}}. <a href="mailto:{{.Email}}">{{.Email}}</a>, {{.Phone}}</p>
</section>{{end}}
{{with $n.DPO}}<section id="dpo"><h2>Data protection officer</h2><p><a href="mailto:{{.Email}}">{{.Email}}</a></p></section>{{end}}
<section id="data"><h2>The data we use</h2><ul>
{{range $n.Data}}<li id="data-{{.ID}}">{{.Name}}{{with .Examples}}: {{range $i, $e := .}}{{if $i}}, {{end}}{{$e}}{{end}}{{end}}{{if .Special}} (special category: {{range $i, $e := .Art9}}{{if $i}}, {{end}}{{$e}}{{end}}{{with .UKDPA}}; {{range $i, $e := .}}{{if $i}}, {{end}}{{$e}}{{end}}{{end}}){{end}}</li>
{{end}}</ul></section>
<section id="sources"><h2>Where it comes from</h2><ul>
{{range $n.Sources}}<li>{{.Name}}{{if .Public}} (public){{end}}: {{range $i, $e := .Data}}{{if $i}}, {{end}}{{$e}}{{end}}</li>
{{end}}</ul></section>
<section id="requirements"><h2>What you must give us</h2><ul>
{{range $n.Requirements}}<li>{{range $i, $e := .Data}}{{if $i}}, {{end}}{{$e}}{{end}} ({{.Kind}}): {{.Consequence}}</li>
{{end}}</ul></section>
<section id="purposes"><h2>Why we use it</h2><table>
<tr><th>Purpose</th><th>Lawful basis</th><th>Data</th></tr>
{{range $n.Purposes}}<tr><td>{{.Name}}</td><td>{{.Basis}}{{with .Law}} ({{.}}){{end}}{{with .Interest}}: {{.}}{{end}}</td><td>{{range $i, $e := .Data}}{{if $i}}, {{end}}{{$e}}{{end}}</td></tr>
{{end}}</table></section>
<section id="recipients"><h2>Who receives it</h2><ul>
{{range $n.Recipients}}<li>{{.Name}} ({{.Role}}, {{.Country}}): {{.Purpose}}; {{range $i, $e := .Data}}{{if $i}}, {{end}}{{$e}}{{end}}</li>
{{end}}</ul></section>
<section id="transfers"><h2>Transfers abroad</h2><ul>
{{with $n.Transfers}}{{range .}}<li>{{.To}}: {{.Recipient}}, {{.Safeguard}}. {{.Copy}}</li>
{{end}}{{end}}</ul></section>
<section id="retention"><h2>How long we keep it</h2><ul>
{{range $n.Retention}}<li>{{.Records}}: {{.Period}} from {{.From}}, then {{.Then}}</li>
{{end}}</ul></section>
<section id="rights"><h2>Your rights</h2><p>{{$n.Rights.Withdraw}}</p><p>You can complain to the supervisory authority ({{$n.Authority}}).</p></section>
{{with $n.Cookies}}<section id="cookies"><h2>Cookies</h2><table>
{{range .}}<tr><td>{{.Name}}</td><td>{{.Provider}}</td><td>{{.Category}}</td><td>{{.Purpose}}</td><td>{{.Duration}}</td></tr>
{{end}}</table></section>{{end}}
<section id="details">{{.Body}}</section>
{{with .Related}}<section id="related"><h2>Related notices</h2><ul>
{{range .}}<li><a href="{{.Href}}">{{.Title}}</a></li>{{end}}
</ul></section>{{end}}
{{- end}}
`

// TwinFiles are the files of the notis site that does the Hugo twin's
// work, besides its content: the config and the two layouts.
var TwinFiles = map[string]string{
	"notis.toml":          config,
	"layouts/baseof.html": twinBaseof,
	"layouts/notice.html": twinNotice,
}

// GenerateTwinLayouts writes the site Generate(dir, n) writes, with
// TwinFiles's layouts.
func GenerateTwinLayouts(dir string, n int) error {
	return generate(dir, n, TwinFiles)
}
