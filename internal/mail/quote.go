package mail

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Quote headers that mail clients write above the message being answered.
var (
	// "On Tue, 3 Nov 2026 at 10:02, Ana <ana@example.com> wrote:" (Gmail,
	// Apple Mail, Thunderbird), the French "Le … a écrit :", the German
	// "Am … schrieb Ana:" and the Spanish "El … escribió:", of at most
	// attributionMax characters (isAttribution).
	attribution = regexp.MustCompile(`(?i)^\s*(on\s.{4,}\swrote|le\s.{4,}\sa\s+écrit|am\s.{4,}\sschrieb\s.+|el\s.{4,}\sescribió)\s*:\s*$`)
	// Outlook: "-----Original Message-----", "-----Message d'origine-----".
	originalMessage = regexp.MustCompile(`(?i)^\s*-{2,}\s*(original message|message d'origine)\s*-{2,}\s*$`)
	// Outlook's separator line, then a header block.
	underscores = regexp.MustCompile(`^\s*_{10,}\s*$`)
	headerFrom  = regexp.MustCompile(`(?i)^\s*\*?(from|de)\s*:`)
	headerNext  = regexp.MustCompile(`(?i)^\s*\*?(sent|date|envoyé|to|à|subject|objet)\s*:`)
)

// attributionMax bounds an attribution line's length, in characters, once
// trimmed: a paragraph that happens to begin with "On" and end with "wrote:"
// is text. The bound is not in the pattern: a counted repetition such as
// .{4,300} compiles to a program of that many steps, and the pattern held
// about 0.1 MB of every server's memory (BENCHMARKS.md W6). It was 300
// characters between "On" and "wrote" (200 more after "schrieb"); no client
// writes one that long.
const attributionMax = 320

// isAttribution reports whether line is a quote header: "On … wrote:".
func isAttribution(line string) bool {
	return utf8.RuneCountInString(strings.TrimSpace(line)) <= attributionMax && attribution.MatchString(line)
}

// SplitQuote separates the new text of a reply from the quoted history under
// it, so the history can be folded away. A forward, or a message that would
// be left empty, is returned whole.
func SplitQuote(text string) (reply, quoted string) {
	lines := strings.Split(text, "\n")
	cut := quoteStart(lines)
	if cut < 0 {
		return text, ""
	}
	reply = strings.TrimRight(strings.Join(lines[:cut], "\n"), " \t\n")
	if strings.TrimSpace(reply) == "" {
		return text, ""
	}
	return reply, strings.TrimSpace(strings.Join(lines[cut:], "\n"))
}

func quoteStart(lines []string) int {
	for i, line := range lines {
		switch {
		case isAttribution(line):
			return i
		case i+1 < len(lines) && isAttribution(line+" "+lines[i+1]):
			// Gmail wraps long attributions over two lines.
			return i
		case originalMessage.MatchString(line):
			return i
		case underscores.MatchString(line) && i+1 < len(lines) && headerFrom.MatchString(lines[i+1]):
			return i
		case headerFrom.MatchString(line) && followedByHeader(lines[i+1:]):
			return i
		case strings.HasPrefix(line, ">") && quotedToEnd(lines[i:]):
			return i
		}
	}
	return -1
}

func followedByHeader(lines []string) bool {
	for j := 0; j < len(lines) && j < 3; j++ {
		if headerNext.MatchString(lines[j]) {
			return true
		}
	}
	return false
}

// quotedToEnd reports whether every non-blank line is quoted: a trailing
// quote, not answers written between quoted lines.
func quotedToEnd(lines []string) bool {
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, ">") {
			return false
		}
	}
	return true
}
