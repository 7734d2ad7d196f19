package mail

import "github.com/olekukonko/tablewriter/pkg/twwidth"

// enmime renders a message given only as HTML to text with html2text, which
// lays out tables with tablewriter, whose package makes at start a cache of
// string widths with room for 8,192 entries: 0.43 MB of every server's
// private memory before any mail arrives (BENCHMARKS.md W6, issue 19). The
// tables of mail are few and small; 256 entries cover them.
func init() { twwidth.SetCacheCapacity(256) }
