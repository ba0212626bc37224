package synth

// The Hugo twin of a synthetic site: the same content files, byte for
// byte (Hugo reads the YAML front matter as it is: title and summary as
// its own fields, every other key under .Params), a config with the same
// two languages and URLs (/en/notice-0001/), and layouts that render what
// notis's pages show of a notice: its facts, its body, its translations
// and related notices; an index of notices per language, a JSON file of
// every notice's data (notis's notices.json), the sitemap and a 404 page.
// The layouts sit under _default/, which Hugo 0.111 and Hugo 0.146+ both
// read.

const hugoConfig = `baseURL = "https://privacy.example.org/"
title = "Privacy notices"
defaultContentLanguage = "en"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term", "RSS"]
[outputs]
home = ["HTML", "JSON"]
[languages.en]
title = "Privacy notices"
languageName = "English"
weight = 1
[languages.sv]
title = "Integritetsinformation"
languageName = "Svenska"
weight = 2
`

const hugoSingle = `<!DOCTYPE html>
<html lang="{{ .Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ .Site.Title }}</title>
<meta name="description" content="{{ .Params.summary }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}</head>
<body>
<nav aria-label="Language">{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a> {{ end }}</nav>
<main>
<h1>{{ .Title }}</h1>
<p>{{ .Params.summary }}</p>
<p>Updated <time>{{ .Params.updated }}</time></p>
{{ with .Params.controller }}<section id="controller"><h2>Who we are</h2>
<p>{{ .name }} (reg. no. {{ .reg_no }}), {{ .address }}. <a href="mailto:{{ .email }}">{{ .email }}</a>, {{ .phone }}</p>
</section>{{ end }}
{{ with .Params.dpo }}<section id="dpo"><h2>Data protection officer</h2><p><a href="mailto:{{ .email }}">{{ .email }}</a></p></section>{{ end }}
<section id="data"><h2>The data we use</h2><ul>
{{ range .Params.data }}<li id="data-{{ .id }}">{{ .name }}{{ with .examples }}: {{ delimit . ", " }}{{ end }}{{ if .special }} (special category: {{ delimit .art9 ", " }}{{ with .uk_dpa2018 }}; {{ delimit . ", " }}{{ end }}){{ end }}</li>
{{ end }}</ul></section>
<section id="sources"><h2>Where it comes from</h2><ul>
{{ range .Params.sources }}<li>{{ .name }}{{ if .public }} (public){{ end }}: {{ delimit .data ", " }}</li>
{{ end }}</ul></section>
<section id="requirements"><h2>What you must give us</h2><ul>
{{ range .Params.requirements }}<li>{{ delimit .data ", " }} ({{ .kind }}): {{ .consequence }}</li>
{{ end }}</ul></section>
<section id="purposes"><h2>Why we use it</h2><table>
<tr><th>Purpose</th><th>Lawful basis</th><th>Data</th></tr>
{{ range .Params.purposes }}<tr><td>{{ .name }}</td><td>{{ .basis }}{{ with .law }} ({{ . }}){{ end }}{{ with .interest }}: {{ . }}{{ end }}</td><td>{{ delimit .data ", " }}</td></tr>
{{ end }}</table></section>
<section id="recipients"><h2>Who receives it</h2><ul>
{{ range .Params.recipients }}<li>{{ .name }} ({{ .role }}, {{ .country }}): {{ .purpose }}; {{ delimit .data ", " }}</li>
{{ end }}</ul></section>
<section id="transfers"><h2>Transfers abroad</h2><ul>
{{ range .Params.transfers }}<li>{{ .to }}: {{ .recipient }}, {{ .safeguard }}. {{ .copy }}</li>
{{ end }}</ul></section>
<section id="retention"><h2>How long we keep it</h2><ul>
{{ range .Params.retention }}<li>{{ .records }}: {{ .period }} from {{ .from }}, then {{ .then }}</li>
{{ end }}</ul></section>
<section id="rights"><h2>Your rights</h2><p>{{ .Params.rights.withdraw }}</p><p>You can complain to the supervisory authority ({{ .Params.supervisory_authority }}).</p></section>
{{ with .Params.cookies }}<section id="cookies"><h2>Cookies</h2><table>
{{ range . }}<tr><td>{{ .name }}</td><td>{{ .provider }}</td><td>{{ .category }}</td><td>{{ .purpose }}</td><td>{{ .duration }}</td></tr>
{{ end }}</table></section>{{ end }}
<section id="details">{{ .Content }}</section>
{{ with .Params.related }}<section id="related"><h2>Related notices</h2><ul>
{{ range . }}{{ with $.Site.GetPage . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
</ul></section>{{ end }}
</main>
</body>
</html>
`

const hugoHome = `<!DOCTYPE html>
<html lang="{{ .Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Site.Title }}</title>
</head>
<body>
<main>
<h1>{{ .Site.Title }}</h1>
<ul>
{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }}</li>
{{ end }}</ul>
</main>
</body>
</html>
`

// hugoJSON is the language's notices as data, written a notice at a time
// as notis writes notices.json.
const hugoJSON = `{"site":{{ jsonify .Site.Title }},"notices":[{{ range $i, $p := .Site.RegularPages }}{{ if $i }},{{ end }}{{ jsonify (dict "id" $p.File.ContentBaseName "lang" $p.Language.Lang "url" $p.Permalink "notice" $p.Params) }}{{ end }}]}
`

const hugoNotFound = `<!DOCTYPE html>
<html lang="{{ .Language.Lang }}"><head><meta charset="utf-8"><title>Not found – {{ .Site.Title }}</title></head>
<body><main><h1>Not found</h1><p><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></p></main></body></html>
`

// HugoFiles are the Hugo twin's files besides its content: config and
// layouts, path relative to the site folder → text.
var HugoFiles = map[string]string{
	"hugo.toml":                    hugoConfig,
	"layouts/_default/single.html": hugoSingle,
	"layouts/_default/list.html":   hugoHome,
	"layouts/index.html":           hugoHome,
	"layouts/index.json":           hugoJSON,
	"layouts/404.html":             hugoNotFound,
}

// GenerateHugo writes the Hugo twin of Generate(dir, n) into dir: the same
// content files, byte for byte, with HugoFiles beside them.
func GenerateHugo(dir string, n int) error {
	return generate(dir, n, HugoFiles)
}
