package mail

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/jhillyerd/enmime/v2"
	"github.com/jhillyerd/enmime/v2/mediatype"
)

// mimeLimits bound a message's MIME structure, checked before enmime reads
// it. enmime reads a part through one boundary reader per enclosing
// multipart, byte by byte: its time grows with depth × size; with the square
// of one multipart's parts (it appends a part by walking its siblings); and
// doubles with each level of multiparts that end without their closing
// delimiter, closed at once by an outer delimiter or the end of the message
// (each of their readers asks the one around it twice at its end), again
// for each part that holds such levels. On 2 cores: 1,000 levels in 68 KB
// took 1.2 s, 20 unclosed levels in 1.3 KB 0.8 s, 50,000 parts 40 s (see
// BenchmarkParseDeepMIME and BENCHMARKS.md). Real mail nests fewer than 10
// levels, a few more with messages forwarded as attachments, closes them,
// and has tens of parts.
type mimeLimits struct {
	depth    int // levels open at once
	parts    int
	unclosed int // levels closed at once by an outer delimiter or the end
}

// defaultMIMELimits are far above real mail, and keep what a structure
// alone costs enmime to a fraction of a second (its time on a large message
// still grows with size × depth).
func defaultMIMELimits() mimeLimits { return mimeLimits{depth: 16, parts: 1000, unclosed: 8} }

// checkStructure reads the MIME structure of raw in one pass, line by line,
// and fails when it is over lim: multiparts and unencoded message/rfc822
// parts each count a level. Headers are read with enmime's own header and
// media-type parsers, and delimiters are recognised where enmime's readers
// recognise them, so a message cannot look shallow here and deep to enmime.
// Where enmime would part from the standard (a boundary string anywhere but
// at the start of a line, which real mail does not have), the rest of the
// message is counted pessimistically instead.
func checkStructure(raw []byte, lim mimeLimits) error {
	s := structure{lim: lim, inHeader: true}
	for pos := 0; pos < len(raw); {
		line := raw[pos:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		next := pos + len(line)
		if i := bytes.Index(line[1:], []byte(dashes)); i >= 0 && s.ambiguous(line[1+i:]) {
			from := pos
			if s.inHeader {
				from = s.headerPos
			}
			return s.pessimistic(raw[from:])
		}
		if level, closing, ok := s.delimiter(line); ok {
			// The part being read ends here, with every container
			// inside it.
			if s.inHeader {
				if err := s.open(raw[s.headerPos:pos]); err != nil {
					return err
				}
			}
			if err := s.close(level + 1); err != nil {
				return err
			}
			s.inHeader = false
			if closing {
				s.stack = s.stack[:level]
			} else {
				if err := s.part(); err != nil {
					return err
				}
				s.inHeader, s.headerPos = true, next
			}
		} else if s.inHeader && blankLine(line) {
			s.inHeader = false
			if err := s.open(raw[s.headerPos:next]); err != nil {
				return err
			}
			s.headerPos = next
		}
		pos = next
	}
	if s.inHeader {
		if err := s.open(raw[s.headerPos:]); err != nil {
			return err
		}
	}
	return s.close(0)
}

const dashes = "--"

// structure is checkStructure's state: the containers open at the current
// line, outermost first, the parts so far, and the header being read.
type structure struct {
	lim       mimeLimits
	stack     []container
	parts     int
	inHeader  bool
	headerPos int
}

// container is a multipart, whose delimiter lines start with "--" and its
// boundary, or an encapsulated message (message/rfc822), which ends with the
// part that holds it.
type container struct {
	delim []byte // nil for an encapsulated message
}

func (s *structure) tooDeep() error {
	return fmt.Errorf("MIME nesting deeper than %d levels", s.lim.depth)
}

func (s *structure) tooManyUnclosed() error {
	return fmt.Errorf("more than %d MIME levels left unclosed", s.lim.unclosed)
}

// part counts one more part.
func (s *structure) part() error {
	if s.parts++; s.parts > s.lim.parts {
		return fmt.Errorf("more than %d MIME parts", s.lim.parts)
	}
	return nil
}

// close ends the containers from level on, which end without their own
// closing delimiter.
func (s *structure) close(level int) error {
	n := 0
	for _, c := range s.stack[level:] {
		if c.delim != nil {
			n++
		}
	}
	if n > s.lim.unclosed {
		return s.tooManyUnclosed()
	}
	s.stack = s.stack[:level]
	return nil
}

// open reads the header of an entity that has just ended and opens the
// container it declares, if any.
func (s *structure) open(header []byte) error {
	c, encapsulated := entityKind(header)
	if c == nil {
		return nil
	}
	if s.stack = append(s.stack, *c); len(s.stack) > s.lim.depth {
		return s.tooDeep()
	}
	if encapsulated {
		// The part's body is a message: its header comes next.
		s.inHeader = true
		return s.part()
	}
	return nil
}

// delimiter reports whether line is a delimiter line of an open multipart,
// trying the outermost first as enmime's stacked readers do: "--boundary"
// followed by white space, or by "--" when it closes the multipart.
func (s *structure) delimiter(line []byte) (level int, closing, ok bool) {
	if !bytes.HasPrefix(line, []byte(dashes)) {
		return 0, false, false
	}
	for i, c := range s.stack {
		if c.delim == nil || !bytes.HasPrefix(line, c.delim) {
			continue
		}
		rest := line[len(c.delim):]
		switch {
		case bytes.HasPrefix(rest, []byte(dashes)):
			return i, true, true
		case len(rest) > 0 && isSpace(rest[0]):
			return i, false, true
		}
	}
	return 0, false, false
}

// ambiguous reports whether rest, which follows the first byte of a line,
// holds an open multipart's "--boundary": enmime's readers take one there
// in some places (after a lone CR, one byte into a line, anywhere in a
// preamble line), a standard reader nowhere.
func (s *structure) ambiguous(rest []byte) bool {
	for _, c := range s.stack {
		if c.delim != nil && bytes.Contains(rest, c.delim) {
			return true
		}
	}
	return false
}

// pessimistic bounds what enmime can make of rest, the message from where
// its reading may part from ours: every "boundary" in it may open one more
// level, all of them may end unclosed, and every line holding "--" may start
// a part.
func (s *structure) pessimistic(rest []byte) error {
	depth := len(s.stack)
	for len(rest) > 0 && depth <= s.lim.depth {
		line := rest
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		rest = rest[len(line):]
		if bytes.Contains(line, []byte(dashes)) {
			if err := s.part(); err != nil {
				return err
			}
		}
		for i := bytes.IndexAny(line, "bB"); i >= 0; i = bytes.IndexAny(line, "bB") {
			if len(line)-i >= len("boundary") && bytes.EqualFold(line[i:i+len("boundary")], []byte("boundary")) {
				depth++
			}
			line = line[i+1:]
		}
	}
	switch {
	case depth > s.lim.depth:
		return s.tooDeep()
	case depth > s.lim.unclosed:
		return s.tooManyUnclosed()
	}
	return nil
}

// entityKind reads an entity's header as enmime does and returns the
// container it opens: a multipart when it has a boundary parameter and is
// not text/plain or text/html (enmime reads any other type with a boundary
// as a multipart), an encapsulated message when it is a message/rfc822 not
// encoded in base64 or quoted-printable; nil for anything else, and for a
// header enmime cannot read (it skips the part).
func entityKind(header []byte) (c *container, encapsulated bool) {
	h, err := enmime.ReadHeader(bufio.NewReader(bytes.NewReader(header)), ignoreErrors{})
	if err != nil {
		return nil, false
	}
	ctype := h.Get("Content-Type")
	if ctype == "" {
		return nil, false
	}
	mtype, params, _, err := mediatype.Parse(ctype)
	if err != nil {
		return nil, false
	}
	if b := params["boundary"]; b != "" && mtype != "text/plain" && mtype != "text/html" {
		return &container{delim: []byte(dashes + b)}, false
	}
	if mtype == "message/rfc822" || mtype == "message/global" {
		switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
		case "base64", "quoted-printable":
			return nil, false // opaque here, and never read as MIME
		}
		return &container{}, true
	}
	return nil, false
}

func blankLine(line []byte) bool {
	return string(line) == "\n" || string(line) == "\r\n"
}

// isSpace is unicode.IsSpace on a byte, as enmime tests what follows a
// boundary.
func isSpace(b byte) bool {
	switch b {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x85, 0xA0:
		return true
	}
	return false
}

// ignoreErrors drops the complaints of enmime's header reader: only the
// structure matters here, and enmime reports them when it parses.
type ignoreErrors struct{}

func (ignoreErrors) AddError(string, string, ...any)   {}
func (ignoreErrors) AddWarning(string, string, ...any) {}
