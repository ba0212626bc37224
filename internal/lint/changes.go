package lint

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// How a notice says people learn of its changes.
//
// WP260 rev.01 para 29 (Article 29 Working Party, Guidelines on
// transparency under Regulation 2016/679, endorsed by the EDPB;
// https://ec.europa.eu/newsroom/article29/redirection/document/51025,
// checked on 6 Dec 2026 against a verbatim quotation of the paragraph):
// references in a notice to the effect that people should regularly check
// it for changes or updates are "not only insufficient but also unfair in
// the context of Article 5.1(a)"; a material change is to be brought to
// their attention, by a communication devoted to it.

var _ = register(&Rule{
	ID:       "meta.check-regularly",
	Severity: Warning,
	Articles: []string{"Art 5(1)(a)", "Art 12(1)", "WP260 rev.01 para 29"},
	Summary:  "The body does not ask people to check the notice regularly for changes (\"please check this page regularly\", \"vi rekommenderar att du regelbundet läser denna policy\"): the controller tells them of material changes.",
	Check:    checkRegularly,
})

const checkRegularlyFix = "remove the sentence and say how people will be told of material changes before they take effect (an email, a message on the page); keep the change log in changes"

// checkAnchors are what a sentence asking people to watch for changes
// says about when or why to look: a frequency, or "for updates". Only a
// sentence holding one is read further.
var checkAnchors = []string{
	"regularly", "periodically", "from time to time", "frequently", "occasionally", "often",
	"regular basis", "periodic basis", "each time you", "every time you", "check back",
	"for updates", "for any updates", "for changes", "for any changes", "to see any changes",
	"regelbundet", "med jämna mellanrum", "då och då", "emellanåt", "återkommande", "ofta",
	"varje gång du", "efter uppdateringar", "efter ändringar", "för uppdateringar",
	"efter eventuella", "för eventuella", "om det finns ändringar", "om det finns uppdateringar",
	"hålla dig uppdaterad", "håll dig uppdaterad",
}

// A request to the reader (addressed to them, or an imperative opening
// the sentence) followed within three words by a verb of looking: in
// English, then in Swedish. Go's \b knows only ASCII letters, so a word's
// start is "not after a letter".
var (
	readerLooksEN     = regexp.MustCompile(`(?:^|[^\pL\pN])(?:please|you\s+(?:should|must|need\s+to|may\s+(?:wish|want)\s+to|might\s+(?:wish|want)\s+to|are\s+(?:advised|encouraged|asked|requested|recommended|invited|expected)\s+to|are\s+responsible\s+for)|(?:users?|visitors?|candidates?|applicants?|employees?|customers?|individuals)\s+(?:should|must|are\s+(?:advised|encouraged|asked|requested)\s+to)|we\s+(?:would\s+)?(?:strongly\s+)?(?:encourage|recommend|advise|urge|suggest|ask|invite|request)(?:\s+that)?(?:\s+(?:you|users|visitors|candidates|applicants))?(?:\s+to)?|it\s+is\s+(?:your\s+responsibility|advisable|recommended|a\s+good\s+idea)\s+to|remember\s+to|make\s+sure\s+(?:that\s+)?you|be\s+sure\s+to|ensure\s+(?:that\s+)?you)(?:\s+\S+){0,3}?\s+(?:check|review|visit|re-?read|read|consult|look\s+at|refer\s+(?:back\s+)?to|revisit|return\s+to|come\s+back|monitor|keep\s+an\s+eye\s+on)(?:s|ing)?(?:[^\pL\pN]|$)`)
	imperativeLooksEN = regexp.MustCompile(`^[\s*_>#-]*(?:please\s+)?(?:check|review|visit|consult|revisit|re-?read|read)\s`)
	readerLooksSV     = regexp.MustCompile(`(?:^|[^\pL\pN])(?:vänligen|du\s+(?:bör|behöver|måste|uppmanas|rekommenderas|ombeds|ansvarar\s+för\s+att)|vi\s+(?:vill\s+)?(?:rekommenderar|uppmanar|råder|föreslår|ber|uppmuntrar)(?:\s+därför)?(?:\s+(?:dig|alla))?(?:\s+att)?(?:\s+du)?|det\s+är\s+(?:ditt\s+ansvar|lämpligt|bra|klokt)\s+att|kom\s+ihåg\s+att|se\s+till\s+att\s+du|håll\s+dig)(?:\s+\S+){0,3}?\s+(?:kontroller|läs|ta\s+del\s+av|tar\s+del\s+av|besök|titta|gå\s+igenom|går\s+igenom|se\s+över|ser\s+över|gransk|uppdaterad|återkomm|återvänd|håll\S*\s+koll|följ)`)
	imperativeLooksSV = regexp.MustCompile(`^[\s*_>#-]*(?:vänligen\s+)?(?:kontrollera|läs|besök|titta\s+på|gå\s+igenom|ta\s+del\s+av|granska)\s`)
)

// The notice itself, as the thing to look at: words that can only mean
// it, and words that mean it only beside a change ("check our website for
// updates", not "review your settings on our website regularly").
var (
	noticeWords     = []string{"notice", "policy", "policies", "statement", "page", "document", "sida", "meddelande", "dokument", "villkor"}
	noticeWordsWeak = []string{"website", "site", "information", "webbplats"}
	changeWords     = []string{"update", "change", "revis", "amend", "uppdater", "ändring", "ändra", "revider"}
)

// What the finding says, in the language of the sentence it quotes.
const (
	checkRegularlyWhyEN = "asks people to watch the notice for changes themselves, which WP260 rev.01 para 29 calls insufficient and unfair (Art 5(1)(a)): tell them of material changes"
	checkRegularlyWhySV = "ber läsaren själv hålla koll på ändringar i texten, vilket WP260 rev.01 punkt 29 kallar otillräckligt och oskäligt (art. 5.1 a): meddela väsentliga ändringar"
)

// checkRegularly reports each sentence of the body that asks the reader
// to check the notice for changes, once, where the request starts.
func checkRegularly(c *Context) {
	body := c.Body()
	reported := map[int]bool{} // sentence starts
	for _, anchor := range checkAnchors {
		if !c.mayContain(anchor) {
			continue
		}
		for at, end := nextSpan(body, 0, anchor, true); at >= 0; at, end = nextSpan(body, end, anchor, true) {
			s, e := sentenceAround(body, at)
			if reported[s] {
				continue
			}
			sentence := body[s:e]
			where, swedish, ok := readerAskedToLook(sentence)
			if !ok || !aboutTheNotice(sentence) {
				continue
			}
			reported[s] = true
			line, col, _ := c.LineOf(s + where)
			why := checkRegularlyWhyEN
			if swedish {
				why = checkRegularlyWhySV
			}
			c.ReportBody(line, col, fmt.Sprintf("%q: %s", clip(strings.Join(strings.Fields(sentence), " "), 80), why), checkRegularlyFix)
		}
	}
}

// readerAskedToLook finds in a (lower-case) sentence a request to the
// reader to look at something: where it starts, and whether it is in
// Swedish.
func readerAskedToLook(sentence string) (at int, swedish, ok bool) {
	if imperativeLooksEN.MatchString(sentence) {
		return leadingSpace(sentence), false, true
	}
	if imperativeLooksSV.MatchString(sentence) {
		return leadingSpace(sentence), true, true
	}
	if m := readerLooksEN.FindStringIndex(sentence); m != nil {
		return m[0] + leadingSpace(sentence[m[0]:]), false, true
	}
	if m := readerLooksSV.FindStringIndex(sentence); m != nil {
		return m[0] + leadingSpace(sentence[m[0]:]), true, true
	}
	return 0, false, false
}

// leadingSpace is how many bytes at the start of s are neither a letter
// nor a digit: the separator or Markdown a match may start with.
func leadingSpace(s string) int {
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }); i >= 0 {
		return i
	}
	return len(s)
}

// aboutTheNotice reports whether a sentence names the notice as what to
// look at.
func aboutTheNotice(sentence string) bool {
	return containsAny(sentence, noticeWords...) || containsAny(sentence, noticeWordsWeak...) && containsAny(sentence, changeWords...)
}
