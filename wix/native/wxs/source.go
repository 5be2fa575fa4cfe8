package wxs

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
)

// token is one XML token and where it was written.
type token struct {
	tok xml.Token
	pos Pos
}

// source is what the preprocessor reads tokens from: a file (the main
// source or an include), or the recorded body of a <?foreach?>, read once
// per pass. next returns io.EOF at the end.
type source interface {
	next() (token, error)
}

// inheritSpace marks an element of an include file that is in the
// namespace its <Include> root is in. candle writes an included element
// by its name alone, so it lands in the namespace of the element it is
// included into: the reader resolves the mark against the parent.
const inheritSpace = "\x00include:"

// fileSource reads the tokens of one file.
type fileSource struct {
	d         *xml.Decoder
	name      string
	from      *Pos // the <?include?> that read this file; nil for the main source
	line      int
	depth     int    // element nesting in this file
	sawRoot   bool   // the root element was read
	rootHint  string // what the root element should be, for errors
	rootSpace string // namespace of an include file's root element
}

// newFileSource reads the file name from r; from is the <?include?> that
// reads it (nil for the main file), rootHint says what its root element
// should be, and budget is what the sources may still have.
func newFileSource(name string, r io.Reader, from *Pos, rootHint string, budget *int64) *fileSource {
	return &fileSource{d: newDecoder(&budgetReader{r: r, left: budget}), name: name, from: from, line: 1, rootHint: rootHint}
}

func (s *fileSource) next() (token, error) {
	pos := Pos{File: s.name, Line: s.line, IncludedFrom: s.from}
	tok, err := s.d.Token()
	if err == io.EOF {
		if !s.sawRoot {
			return token{}, fmt.Errorf("%s: no root element: %s", pos, s.rootHint)
		}
		return token{}, io.EOF
	}
	if err != nil {
		return token{}, decodeError(pos, err)
	}
	s.line, _ = s.d.InputPos()
	// The decoder checks that elements nest, but not that a document has
	// one root element and no text outside it.
	switch t := tok.(type) {
	case xml.StartElement:
		if s.depth == 0 && s.sawRoot {
			return token{}, fmt.Errorf("%s: a second root element <%s>", pos, t.Name.Local)
		}
		s.sawRoot = true
		if s.from != nil {
			if s.depth == 0 {
				s.rootSpace = t.Name.Space
			} else if t.Name.Space == s.rootSpace {
				t.Name.Space = inheritSpace + t.Name.Space
				tok = t
			}
		}
		s.depth++
	case xml.EndElement:
		s.depth--
	case xml.CharData:
		if s.depth == 0 && len(bytes.TrimSpace(t)) > 0 {
			return token{}, fmt.Errorf("%s: text outside the root element", pos)
		}
	}
	return token{tok: tok, pos: pos}, nil
}

// replaySource reads recorded tokens again.
type replaySource struct {
	tokens []token
	i      int
}

func (s *replaySource) next() (token, error) {
	if s.i == len(s.tokens) {
		return token{}, io.EOF
	}
	s.i++
	return s.tokens[s.i-1], nil
}

// errInputTooLarge is returned when the sources read exceed maxInputBytes.
var errInputTooLarge = fmt.Errorf("the source and its includes are larger than %d MiB in all, more than the native toolset reads", maxInputBytes>>20)

// budgetReader fails once the bytes read through all budgetReaders that
// share left exceed it.
type budgetReader struct {
	r    io.Reader
	left *int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if *b.left <= 0 {
		return 0, errInputTooLarge
	}
	if int64(len(p)) > *b.left {
		p = p[:*b.left]
	}
	n, err := b.r.Read(p)
	*b.left -= int64(n)
	return n, err
}
