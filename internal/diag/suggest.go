package diag

import (
	"fmt"
	"strings"
)

// Suggest returns `did you mean "x"?` for the closest accepted value, when
// one is close enough to be a likely typo.
func Suggest(got string, accepted []string) string {
	best, bestDist := "", 1<<30
	g := strings.ToLower(got)
	for _, a := range accepted {
		dist := levenshtein(g, strings.ToLower(a))
		if dist < bestDist {
			best, bestDist = a, dist
		}
	}
	limit := max(1, len(got)/3)
	if best != "" && (bestDist <= limit || (len(g) >= 3 && strings.HasPrefix(strings.ToLower(best), g))) {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
