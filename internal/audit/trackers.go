package audit

import "strings"

// Tracker is a host known to collect data about visitors for a purpose
// that needs consent.
type Tracker struct {
	Host     string // matches itself and every subdomain
	Provider string
	Category string // the banner category a tag sending to it needs
	Source   string // where the host is documented
}

// Source documents for the built-in hosts: each vendor's own instructions
// for loading its tag name these hosts.
const (
	srcGoogleCSP = "https://developers.google.com/tag-platform/security/guides/csp (the hosts Google Analytics 4, Google Ads and Floodlight need in a CSP)"
	srcMetaPixel = "https://developers.facebook.com/docs/meta-pixel/get-started (the base code loads connect.facebook.net/en_US/fbevents.js; its <noscript> image is www.facebook.com/tr)"
	// LinkedIn's own help page could not be opened here; two independent
	// descriptions of the tag, checked 2026-12-05, name the same hosts.
	srcLinkedIn = "https://www.consentstack.io/vendors/linkedin-insight-tag and https://walkeros.io/docs/destinations/web/linkedin (the Insight Tag loads snap.licdn.com/li.lms-analytics/insight.min.js and sends its pixel to px.ads.linkedin.com)"
)

// builtinTrackers are the hosts of the tags careers sites carry most: the
// analytics and advertising tags of Google, Meta and LinkedIn. A site adds
// its own with --known (host lines).
var builtinTrackers = []Tracker{
	{"google-analytics.com", "Google Analytics", "analytics", srcGoogleCSP},
	{"analytics.google.com", "Google Analytics", "analytics", srcGoogleCSP},
	{"googletagmanager.com", "Google Tag Manager", "analytics", srcGoogleCSP},
	{"doubleclick.net", "Google Ads (DoubleClick)", "marketing", srcGoogleCSP},
	{"googleadservices.com", "Google Ads", "marketing", srcGoogleCSP},
	{"googlesyndication.com", "Google Ads", "marketing", srcGoogleCSP},
	{"connect.facebook.net", "Meta Pixel", "marketing", srcMetaPixel},
	{"facebook.com", "Meta Pixel", "marketing", srcMetaPixel},
	{"snap.licdn.com", "LinkedIn Insight Tag", "marketing", srcLinkedIn},
	{"px.ads.linkedin.com", "LinkedIn Insight Tag", "marketing", srcLinkedIn},
}

// Trackers is the list of tracker hosts a run judges requests by.
type Trackers struct{ list []Tracker }

// NewTrackers is the built-in list.
func NewTrackers() *Trackers { return &Trackers{list: append([]Tracker(nil), builtinTrackers...)} }

// Lookup finds the tracker a host belongs to: the first entry that is the
// host or a parent domain of it.
func (t *Trackers) Lookup(host string) (Tracker, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, tr := range t.list {
		if host == tr.Host || strings.HasSuffix(host, "."+tr.Host) {
			return tr, true
		}
	}
	return Tracker{}, false
}
