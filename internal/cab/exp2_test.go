package cab

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/flate"
)

func TestExp2(t *testing.T) {
	list, _ := os.ReadFile("/tmp/cabfiles.txt")
	var all []byte
	for _, p := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		b, _ := os.ReadFile("/work/main/_out/bench-tree/" + p)
		all = append(all, b...)
	}
	fw, _ := flate.NewWriter(nil, 5)
	g := newGuard()
	var buf bytes.Buffer
	var tc, tg time.Duration
	reasons := map[string]int{}
	lost := 0
	for i := 0; i < len(all); i += blockSize {
		var prev []byte
		if i > 0 {
			prev = all[i-blockSize : i]
		}
		data := all[i:min(i+blockSize, len(all))]
		t0 := time.Now()
		buf.Reset()
		fw.ResetDict(&buf, prev)
		fw.Write(data)
		fw.Close()
		t1 := time.Now()
		_, err := g.check(buf.Bytes())
		tg += time.Since(t1)
		tc += t1.Sub(t0)
		if err != nil {
			reasons[err.Error()]++
			lost += len(data) + 5 - buf.Len()
		} else if buf.Len() >= len(data)+5 {
			reasons["bigger"]++
		}
	}
	t.Logf("compress %v guard %v lost %d reasons %v", tc, tg, lost, reasons)
}
