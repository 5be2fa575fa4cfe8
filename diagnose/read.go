package diagnose

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// MaxLine is how much of one log line is analysed. Windows logs a whole
// property value or SQL statement on one line, some megabytes long; the
// part past this is skipped (and counted in Report.Truncated) so memory
// stays bounded whatever the log holds. Error numbers sit at the start.
const MaxLine = 64 << 10

// errNotALog is returned for an MSI package passed in place of its log.
var errNotALog = errors.New("this is a Windows Installer package, not a log")

// cfbSignature starts every compound file, .msi packages included.
var cfbSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// ParseFile reads the verbose log at path (msiexec /l*v path). A folder, a
// device or an .msi in its place is an error that says what to pass.
func ParseFile(path string) (Report, error) {
	const hint = "pass the file written by msiexec /l*v"
	f, err := os.Open(path)
	if err != nil {
		return Report{}, fmt.Errorf("diagnose: %w (%s)", err, hint)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Report{}, fmt.Errorf("diagnose: %w (%s)", err, hint)
	}
	switch mode := st.Mode(); {
	case mode.IsDir():
		return Report{}, fmt.Errorf("diagnose: %s is a folder: %s", path, hint)
	case !mode.IsRegular() && mode&fs.ModeNamedPipe == 0:
		return Report{}, fmt.Errorf("diagnose: %s is not a regular file (%v): %s", path, mode.Type(), hint)
	}
	rep, err := parse(f)
	switch {
	case errors.Is(err, errNotALog):
		return rep, fmt.Errorf("diagnose: %s: %w: install it with msiexec /i %s /qn /l*v install.log and pass install.log", path, err, path)
	case err != nil:
		return rep, fmt.Errorf("diagnose: read %s: %w", path, err)
	}
	return rep, nil
}

// lineReader yields the lines of a log as UTF-8, each cut at MaxLine bytes.
type lineReader struct {
	r *bufio.Reader
}

// newLineReader detects the encoding: UTF-16 (little- or big-endian, as a
// byte order mark says; Windows writes little-endian with a mark) or UTF-8
// (with or without a mark; Wine writes that). A little-endian log that lost
// its mark is recognised by the zero high bytes of its first characters.
func newLineReader(r io.Reader) (*lineReader, error) {
	raw := bufio.NewReaderSize(r, 4096)
	head, err := raw.Peek(len(cfbSignature))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if bytes.Equal(head, cfbSignature) {
		return nil, errNotALog
	}
	var fallback transform.Transformer = transform.Nop // UTF-8 passes through; invalid bytes never match a pattern
	if len(head) >= 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0 {
		fallback = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	}
	text := transform.NewReader(raw, unicode.BOMOverride(fallback))
	return &lineReader{r: bufio.NewReaderSize(text, MaxLine)}, nil
}

// next returns the next line without its line ending, whether it was cut,
// and io.EOF after the last line.
func (l *lineReader) next() (line string, cut bool, err error) {
	b, err := l.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		line, cut = string(b), true
		for errors.Is(err, bufio.ErrBufferFull) { // skip the rest of the line
			_, err = l.r.ReadSlice('\n')
		}
		if errors.Is(err, io.EOF) {
			err = nil // the cut line was the last; EOF comes with the next call
		}
		return line, cut, err
	}
	if errors.Is(err, io.EOF) && len(b) > 0 {
		err = nil // a last line without a line ending
	}
	if err != nil {
		return "", false, err
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	return string(bytes.TrimSuffix(b, []byte("\r"))), false, nil
}
