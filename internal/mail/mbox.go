package mail

import (
	"bufio"
	"bytes"
	"io"
)

// ReadMbox calls fn with each message of an mbox file, in order, as its raw
// bytes. Messages start at lines beginning "From "; a body line that was
// escaped as ">From " (mboxrd, and mboxo's common case) is unescaped. The
// reader is streamed, so a file of any size takes one message's memory.
func ReadMbox(r io.Reader, fn func(raw []byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var msg bytes.Buffer
	started := false
	flush := func() error {
		if !started {
			return nil
		}
		raw := bytes.TrimRight(msg.Bytes(), "\r\n")
		msg.Reset()
		if len(raw) == 0 {
			return nil
		}
		return fn(append(raw, '\n'))
	}
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			switch {
			case bytes.HasPrefix(line, []byte("From ")):
				if err := flush(); err != nil {
					return err
				}
				started = true
			case started:
				if unescaped, ok := unescapeFrom(line); ok {
					line = unescaped
				}
				msg.Write(line)
			}
		}
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			return err
		}
	}
}

// unescapeFrom turns ">From ", ">>From "… back into one level less.
func unescapeFrom(line []byte) ([]byte, bool) {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	if i == 0 || !bytes.HasPrefix(line[i:], []byte("From ")) {
		return nil, false
	}
	return line[1:], true
}
